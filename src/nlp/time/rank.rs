//! Preference order of the proposed times, from the words the email uses ("ideally",
//! "otherwise", "as a backup", "the second option", "if that doesn't work").
//!
//! Without such words, times are preferred in the order written ("Tuesday or Wednesday").

use std::ops::Range;

/// How strongly a marker prefers the time it attaches to; lower is more preferred.
type Tier = u8;

const PREFERRED: Tier = 0;
const PLAIN: Tier = 1;
const FALLBACK: Tier = 2;
const LAST_RESORT: Tier = 3;

/// Which way a marker points: at the time after it, before it, or whichever is nearer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Points {
    Forward,
    Backward,
    Nearest,
}

const MARKERS: &[(&str, Tier, Points)] = &[
    ("ideally", PREFERRED, Points::Forward),
    ("preferably", PREFERRED, Points::Nearest),
    ("i'd prefer", PREFERRED, Points::Forward),
    ("i would prefer", PREFERRED, Points::Forward),
    ("my preference", PREFERRED, Points::Nearest),
    ("first choice", PREFERRED, Points::Nearest),
    ("first option", PREFERRED, Points::Nearest),
    ("would be ideal", PREFERRED, Points::Backward),
    ("is ideal", PREFERRED, Points::Backward),
    ("works best", PREFERRED, Points::Backward),
    ("would be best", PREFERRED, Points::Backward),
    ("is best", PREFERRED, Points::Backward),
    ("otherwise", FALLBACK, Points::Forward),
    ("alternatively", FALLBACK, Points::Forward),
    ("failing that", FALLBACK, Points::Forward),
    ("if that doesn't work", FALLBACK, Points::Forward),
    ("if that does not work", FALLBACK, Points::Forward),
    ("if that doesn’t work", FALLBACK, Points::Forward),
    ("if not", FALLBACK, Points::Forward),
    ("or else", FALLBACK, Points::Forward),
    ("as a backup", FALLBACK, Points::Nearest),
    ("as a back-up", FALLBACK, Points::Nearest),
    ("as a fallback", FALLBACK, Points::Nearest),
    ("backup option", FALLBACK, Points::Nearest),
    ("second option", FALLBACK, Points::Nearest),
    ("second choice", FALLBACK, Points::Nearest),
    ("plan b", FALLBACK, Points::Nearest),
    ("third option", LAST_RESORT, Points::Nearest),
    ("third choice", LAST_RESORT, Points::Nearest),
    ("last resort", LAST_RESORT, Points::Nearest),
];

/// Ranks (1 = most preferred) for time spans of `lower` (ASCII lower-cased text), given in
/// text order.
pub fn ranks(lower: &str, spans: &[Range<usize>]) -> Vec<u32> {
    let mut tiers: Vec<Tier> = vec![PLAIN; spans.len()];
    for &(marker, tier, points) in MARKERS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(marker) {
            let at = from + found;
            from = at + marker.len();
            if !word_bounded(lower, at, at + marker.len()) || narrows_part_of_day(lower, spans, at)
            {
                continue;
            }
            if let Some(k) = attach(lower, spans, at, at + marker.len(), points) {
                // The strongest statement about a time wins.
                if tiers[k] == PLAIN || tier < tiers[k] {
                    tiers[k] = tier;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&k| (tiers[k], spans[k].start));
    let mut out = vec![0u32; spans.len()];
    for (rank, k) in order.into_iter().enumerate() {
        out[k] = u32::try_from(rank + 1).unwrap_or(u32::MAX);
    }
    out
}

/// "Tuesday or Wednesday? Ideally in the morning.": a marker whose own sentence names a part
/// of day and no time prefers that part of every day, not one of the days.
fn narrows_part_of_day(lower: &str, spans: &[Range<usize>], at: usize) -> bool {
    let b = lower.as_bytes();
    let brk = |c: u8| matches!(c, b'.' | b'!' | b'?' | b'\n');
    let mut lo = at;
    while lo > 0 && !brk(b[lo - 1]) {
        lo -= 1;
    }
    let mut hi = at;
    while hi < b.len() && !brk(b[hi]) {
        hi += 1;
    }
    let own = &lower[lo..hi];
    let names_part = ["morning", "afternoon", "evening", "lunch"]
        .iter()
        .any(|w| own.contains(w));
    names_part && !spans.iter().any(|s| s.start < hi && s.end > lo)
}

fn word_bounded(lower: &str, start: usize, end: usize) -> bool {
    let b = lower.as_bytes();
    (start == 0 || !b[start - 1].is_ascii_alphanumeric())
        && (end >= b.len() || !b[end].is_ascii_alphanumeric())
}

/// The span a marker speaks of: within its sentence, the next (or previous) time.
fn attach(
    lower: &str,
    spans: &[Range<usize>],
    m_start: usize,
    m_end: usize,
    points: Points,
) -> Option<usize> {
    let sentence = sentence_of(lower, m_start);
    let next = spans
        .iter()
        .position(|s| s.start >= m_end && s.start < sentence.end);
    let prev = spans
        .iter()
        .rposition(|s| s.end <= m_start && s.end > sentence.start);
    match points {
        Points::Forward => next.or(prev),
        Points::Backward => prev.or(next),
        Points::Nearest => match (prev, next) {
            (Some(p), Some(n)) => {
                let dp = m_start - spans[p].end;
                let dn = spans[n].start - m_end;
                Some(if dp <= dn { p } else { n })
            }
            (p, n) => p.or(n),
        },
    }
}

/// The sentence around `pos`: a marker speaks of times within it, or of the sentence
/// before when it opens one ("Tuesday at 3. If that doesn't work, Friday.").
fn sentence_of(lower: &str, pos: usize) -> Range<usize> {
    let b = lower.as_bytes();
    let brk = |c: u8| matches!(c, b'.' | b'!' | b'?' | b'\n');
    let mut lo = pos;
    while lo > 0 && !brk(b[lo - 1]) {
        lo -= 1;
    }
    let mut hi = pos;
    while hi < b.len() && !brk(b[hi]) {
        hi += 1;
    }
    // Include the previous sentence so a backward marker that opens a sentence still finds
    // its time ("Tuesday at 3. That would be ideal.").
    let mut prev_lo = lo.saturating_sub(1);
    while prev_lo > 0 && !brk(b[prev_lo - 1]) {
        prev_lo -= 1;
    }
    prev_lo..hi
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(text: &str, times: &[&str]) -> Vec<u32> {
        let lower = text.to_ascii_lowercase();
        let spans: Vec<Range<usize>> = times
            .iter()
            .map(|t| {
                let s = lower.find(&t.to_ascii_lowercase()).expect("time in text");
                s..s + t.len()
            })
            .collect();
        ranks(&lower, &spans)
    }

    #[test]
    fn written_order_without_markers() {
        assert_eq!(
            ranked("Tuesday or Wednesday?", &["Tuesday", "Wednesday"]),
            vec![1, 2]
        );
    }

    #[test]
    fn backup_written_first_ranks_second() {
        assert_eq!(
            ranked(
                "Monday as a backup, but ideally Friday at 10.",
                &["Monday", "Friday at 10"]
            ),
            vec![2, 1]
        );
    }

    #[test]
    fn otherwise_and_if_that_does_not_work() {
        assert_eq!(
            ranked(
                "Ideally Tuesday at 3, otherwise Wednesday at 10.",
                &["Tuesday at 3", "Wednesday at 10"]
            ),
            vec![1, 2]
        );
        assert_eq!(
            ranked(
                "Thursday at 2 would be great. If that doesn't work, Friday morning.",
                &["Thursday at 2", "Friday morning"]
            ),
            vec![1, 2]
        );
        assert_eq!(
            ranked(
                "The second option is Monday; Friday at 10 would be ideal.",
                &["Monday", "Friday at 10"]
            ),
            vec![2, 1]
        );
    }
}
