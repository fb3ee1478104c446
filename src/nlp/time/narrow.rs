//! "Could we meet Tuesday or Wednesday? Ideally in the morning.": a part of day in a later
//! sentence that says which part is preferred narrows the whole days proposed before it.

use chrono::{Duration, NaiveTime, Timelike};

use super::conventions::{self, PartOfDay};
use super::{Grain, ProposedSlot};

/// Words that make a sentence a preference rather than news ("mornings are best").
const PREFER: &[&str] = &[
    "ideally",
    "preferably",
    "prefer",
    "preference",
    "best",
    "better",
    "ideal",
    "if possible",
    "works best",
    "suits",
    "suit me",
    "would be great",
    "would be good",
    "convenient",
    "either day",
    "both days",
    "each day",
];

/// Words that turn the part of day into one to avoid ("I'm busy in the morning").
const AGAINST: &[&str] = &[
    "not",
    "n't",
    "busy",
    "booked",
    "except",
    "avoid",
    "no ",
    "i'm out",
    "i am out",
    "be out",
    "i'm away",
    "be away",
    "unless",
    "other than",
    "tied up",
];

/// "Wednesday evening works for me - 8 pm on the 5th": a window and an exact time inside it,
/// in one sentence, are one proposal, the exact time; a week or month around narrower days
/// of its sentence is their frame. Ranks close up behind a dropped window.
pub(crate) fn drop_windows_holding_a_clock(slots: &mut Vec<ProposedSlot>, lower: &str) {
    let sentence_of = |s: &ProposedSlot| {
        let t = s.text.to_ascii_lowercase();
        let at = lower.find(&t)?;
        Some(super::sentence_bounds(lower, &(at..at + t.len())))
    };
    // "in the first week of January - Tuesday 5th or Wednesday 6th": a window of days that
    // holds narrower proposals of its sentence is their frame, not one more option.
    let holds = |w: &ProposedSlot, slots: &[ProposedSlot]| {
        let part_of_day = w.end - w.start <= Duration::hours(8);
        let days = w.end - w.start > Duration::hours(24);
        w.flexible
            && (part_of_day || days)
            && slots.iter().any(|e| {
                (if part_of_day {
                    !e.flexible
                } else {
                    e.end - e.start < w.end - w.start
                }) && w.start <= e.start
                    // "evening ... 8 pm": a time at the window's edge is still in it.
                    && e.start <= w.end
                    && sentence_of(w).is_some()
                    && sentence_of(w) == sentence_of(e)
            })
    };
    let keep: Vec<bool> = slots.iter().map(|w| !holds(w, slots)).collect();
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut k = keep.iter();
    slots.retain(|_| *k.next().unwrap_or(&true));
    for (i, s) in slots.iter_mut().enumerate() {
        s.rank = i as u32 + 1;
    }
}

/// Narrows bare days (09:00–17:00) to the preferred part of day a later sentence names. The
/// part of day read as a slot of its own ("Either day in the afternoon" read as today's
/// afternoon) goes: it was the narrowing, not an option.
pub(crate) fn narrow_days(slots: &mut Vec<ProposedSlot>, lower: &str) {
    let whole_day = |s: &ProposedSlot| {
        s.grain == Grain::Day && s.flexible && s.end - s.start == Duration::hours(8)
    };
    let bare_part = |s: &ProposedSlot| {
        let t = s.text.to_ascii_lowercase();
        !whole_day(s)
            && !t.bytes().any(|b| b.is_ascii_digit())
            && conventions::part_of_day(&t).is_some()
            && ![
                "mon", "tue", "wed", "thu", "fri", "sat", "sun", "today", "tomorrow", "tonight",
                "week", "this", "next",
            ]
            .iter()
            .any(|w| t.contains(w))
    };
    if !slots.iter().any(whole_day) || !slots.iter().all(|s| whole_day(s) || bare_part(s)) {
        return;
    }
    let parts: Vec<String> = slots
        .iter()
        .filter(|s| bare_part(s))
        .map(|s| s.text.to_ascii_lowercase())
        .collect();
    let Some(last_end) = slots
        .iter()
        .filter(|s| whole_day(s))
        .filter_map(|s| {
            let t = s.text.to_ascii_lowercase();
            lower.find(&t).map(|p| p + t.len())
        })
        .max()
    else {
        return;
    };
    // The rest of the sentence holding the last day, then the next sentence.
    let rest = &lower[last_end..];
    let Some((part, sentence)) = rest
        .split_inclusive(['.', '?', '!', '\n'])
        .filter(|s| !s.trim().is_empty())
        .take(2)
        .find_map(|s| preferred_part(s).map(|p| (p, s)))
    else {
        return;
    };
    // Every part-of-day slot must be the narrowing sentence's own words.
    if !parts.iter().all(|p| sentence.contains(p.as_str())) {
        return;
    }
    slots.retain(|s| !bare_part(s));
    for (i, s) in slots.iter_mut().enumerate() {
        s.rank = i as u32 + 1;
    }
    let (from, to) = part.hours();
    // "Mornings in Brisbane suit me best": the part of day is on that place's clock, on the
    // days as written.
    if let Some(zone) = part_zone(sentence) {
        for s in slots.iter_mut() {
            let day = s.start.date_naive();
            let (Some(a), Some(b)) = (day.and_hms_opt(from, 0, 0), day.and_hms_opt(to, 0, 0))
            else {
                continue;
            };
            if let (Some(start), Some(end)) = (zone.resolve(a), zone.resolve(b)) {
                s.start = start;
                s.end = end;
                s.zone = zone.name();
                s.grain = Grain::Hour;
            }
        }
        return;
    }
    for s in slots.iter_mut() {
        let (Some(a), Some(b)) = (
            NaiveTime::from_hms_opt(from, 0, 0),
            NaiveTime::from_hms_opt(to, 0, 0),
        ) else {
            return;
        };
        let start_shift = a.num_seconds_from_midnight() as i64
            - s.start.time().num_seconds_from_midnight() as i64;
        let end_shift =
            b.num_seconds_from_midnight() as i64 - s.end.time().num_seconds_from_midnight() as i64;
        s.start += Duration::seconds(start_shift);
        s.end += Duration::seconds(end_shift);
        s.grain = Grain::Hour;
    }
}

/// The place whose clock a preferred part of day is on: "mornings in Brisbane", "afternoons
/// are best, Sydney time".
fn part_zone(sentence: &str) -> Option<super::zones::Zone> {
    static IN_PLACE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b(?:morning|afternoon|evening)s?\s+in\s+")
            .unwrap_or_else(|_| unreachable!())
    });
    if let Some(m) = IN_PLACE.find(sentence)
        && let Some((tz, _)) = super::zones::place_at(sentence, m.end())
    {
        return Some(super::zones::Zone::Iana(tz));
    }
    super::zones::all_mentions(sentence).first().map(|m| m.zone)
}

/// The part of day a sentence prefers, when it prefers one and names no other time. "I'm on
/// the water both mornings so afternoons are best": the clause that prefers is the one that
/// counts.
fn preferred_part(sentence: &str) -> Option<PartOfDay> {
    if sentence.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let clause = sentence
        .split([',', ';', ':'])
        .flat_map(|c| c.split(" so "))
        .flat_map(|c| c.split(" but "))
        .find(|c| PREFER.iter().any(|w| c.contains(w)) && conventions::part_of_day(c).is_some())
        .unwrap_or(sentence);
    let prefers = PREFER.iter().any(|w| clause.contains(w));
    let against = AGAINST.iter().any(|w| clause.contains(w));
    if !prefers || against {
        return None;
    }
    let part = conventions::part_of_day(clause)?;
    // "after lunch" is the afternoon, "before lunch" the morning.
    Some(match part {
        PartOfDay::Lunch if sentence.contains("after lunch") => PartOfDay::Afternoon,
        PartOfDay::Lunch if sentence.contains("before lunch") => PartOfDay::Morning,
        p => p,
    })
}
