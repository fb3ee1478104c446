//! Splits a cue window into its date part and its clock part, and rewrites each into the
//! forms Duckling resolves reliably, keeping a map back to the email's byte offsets.
//!
//! Why: Duckling 0.4 swallows or garbles some combinations ("Tue 1/12 10:00-11:00 AM" comes
//! back as the day alone, "Wednesday 8 April" as 1 April, "12 to 1" as 12:48) and its cost
//! grows faster than the input. Resolving "Tue 1/12" and "10:00-11:00 AM" separately and
//! joining them is both right and cheaper.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::zones::ZoneMention;

/// What a segment names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A day, date, week, month or relative date ("Tuesday", "Dec 3", "next week").
    Date,
    /// A time of day or a range of times ("at 3pm", "10-11:30 AM").
    Clock,
}

/// A rewritten segment ready for a resolver, with the map back to the email.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Date or clock.
    pub role: Role,
    /// The text handed to the resolver.
    pub text: String,
    /// For each byte of `text`, the email byte range it came from.
    map: Vec<(usize, usize)>,
}

impl Segment {
    /// The email byte range of `text[range]`.
    pub fn original(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.start >= range.end || range.end > self.map.len() {
            return None;
        }
        // Reordered text ("April 8" from "8 April") maps out of order: take the hull.
        let slice = &self.map[range];
        let start = slice.iter().map(|m| m.0).min()?;
        let end = slice.iter().map(|m| m.1).max()?;
        (start < end).then_some(start..end)
    }

    /// The whole email byte range of the segment.
    #[cfg(test)]
    pub fn span(&self) -> Option<Range<usize>> {
        self.original(0..self.text.len())
    }

    fn push(&mut self, s: &str, from: Range<usize>) {
        for _ in 0..s.len() {
            self.map.push((from.start, from.end));
        }
        self.text.push_str(s);
    }

    /// Copies `s`, which is `clean[at..at + s.len()]`, byte for byte.
    fn copy(&mut self, s: &str, at: usize) {
        for i in 0..s.len() {
            self.map.push((at + i, at + i + 1));
        }
        self.text.push_str(s);
    }
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9]+(?:[:/.'’\-][A-Za-z0-9]+)*(?:\.(?:m\.)?)?")
        .unwrap_or_else(|_| unreachable!())
});

static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,2}(?::\d{2})?(?:am|pm|a\.m\.?|p\.m\.?|a|p|ish)|\d{1,2}:\d{2}|\d{1,2}(?::\d{2})?(?:am|pm)?-\d{1,2}(?::\d{2})?(?:am|pm)?)$")
        .unwrap_or_else(|_| unreachable!())
});

/// A bare hour range "10-11": the form Duckling reads as a date (10 November). Ranges with
/// minutes ("10:00-11:00 AM") Duckling reads right as written.
static BARE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})-(\d{1,2}(?:am|pm)?)$").unwrap_or_else(|_| unreachable!())
});

#[derive(Debug, Clone)]
struct Tok {
    start: usize,
    end: usize,
    lower: String,
    kind: TokKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Connector,
    Clock,
    Date,
    Zone,
}

fn is_month(w: &str) -> bool {
    matches!(
        w.trim_end_matches('.'),
        "january"
            | "jan"
            | "february"
            | "feb"
            | "march"
            | "mar"
            | "april"
            | "apr"
            | "may"
            | "june"
            | "jun"
            | "july"
            | "jul"
            | "august"
            | "aug"
            | "september"
            | "sep"
            | "sept"
            | "october"
            | "oct"
            | "november"
            | "nov"
            | "december"
            | "dec"
    )
}

fn is_weekday(w: &str) -> bool {
    matches!(
        w.trim_end_matches([',', '.']),
        "monday"
            | "mon"
            | "tuesday"
            | "tue"
            | "tues"
            | "wednesday"
            | "wed"
            | "weds"
            | "thursday"
            | "thu"
            | "thur"
            | "thurs"
            | "friday"
            | "fri"
            | "saturday"
            | "sat"
            | "sunday"
            | "sun"
    )
}

/// "8" -> "8th": Duckling reads "Tuesday the 8th", not "Tuesday 8".
fn ordinal(n: &str) -> String {
    let v: u32 = n.parse().unwrap_or(0);
    let suffix = match (v % 10, v % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn is_unit(w: &str) -> bool {
    matches!(
        w,
        "minute"
            | "minutes"
            | "min"
            | "mins"
            | "hour"
            | "hours"
            | "hr"
            | "hrs"
            | "day"
            | "days"
            | "week"
            | "weeks"
            | "month"
            | "months"
            | "year"
            | "years"
    )
}

fn is_connector(w: &str) -> bool {
    matches!(
        w,
        "at" | "on"
            | "from"
            | "to"
            | "until"
            | "till"
            | "til"
            | "between"
            | "and"
            | "the"
            | "of"
            | "by"
            | "before"
            | "after"
            | "around"
            | "about"
            | "through"
            | "thru"
            | "in"
    )
}

/// Full weekday names for the abbreviations Duckling does not know.
fn expand(w: &str) -> Option<&'static str> {
    Some(match w {
        "tues" => "tuesday",
        "weds" => "wednesday",
        "thur" | "thurs" => "thursday",
        "tmrw" | "tmr" | "tomorow" | "tomorrows" => "tomorrow",
        "sept" => "sep",
        _ => return None,
    })
}

/// What a window holds, to decide whether Duckling may read it whole.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// A clock time with minutes or am/pm ("3pm", "10:30").
    pub has_clock: bool,
    /// A day or date ("Tuesday", "Dec 3", "1/12", "tomorrow").
    pub has_date: bool,
    /// The email byte spans of those tokens: a reading that leaves one out is incomplete.
    pub strong: Vec<Range<usize>>,
}

/// The whole window rewritten (no split), and its shape.
pub fn whole(clean: &str, window: Range<usize>, zones: &[ZoneMention]) -> Option<(Segment, Shape)> {
    let toks = tokens(clean, window, zones);
    let mut shape = Shape::default();
    let bare_hour =
        |t: &Tok| t.kind == TokKind::Clock && t.lower.bytes().all(|b| b.is_ascii_digit());
    let ranging = |t: &Tok| matches!(t.lower.as_str(), "to" | "until" | "till");
    for (k, t) in toks.iter().enumerate() {
        // "Tuesday the 28th, 12 to 1": a bare hour range after a date is a clock, so the
        // window is read in parts (the clock part gets its "from").
        let ranged_hour = shape.has_date
            && bare_hour(t)
            && ((toks.get(k + 1).is_some_and(ranging) && toks.get(k + 2).is_some_and(bare_hour))
                || (k >= 2 && ranging(&toks[k - 1]) && bare_hour(&toks[k - 2])));
        // "from 2 to 3", "at 3": a bare hour after a clock word is a clock too.
        // A window that starts with a bare hour was started by it: the cue scan only lets
        // a led one ("say 10", "@ 9") do that.
        let led_hour = t.kind == TokKind::Clock
            && t.lower.bytes().all(|b| b.is_ascii_digit())
            && (k == 0
                || toks.get(k + 1).is_some_and(|n| {
                    matches!(
                        n.lower.as_str(),
                        "am" | "pm" | "a.m." | "p.m." | "a.m" | "p.m"
                    )
                })
                || clean[toks[k - 1].end..t.start].contains('@')
                || matches!(
                    toks[k - 1].lower.as_str(),
                    "at" | "from" | "between" | "around" | "@" | "after" | "before" | "until"
                ));
        let strong_clock = led_hour
            || ranged_hour
            || (t.kind == TokKind::Clock
                && !t.lower.bytes().all(|b| b.is_ascii_digit())
                && !matches!(
                    t.lower.as_str(),
                    "am" | "pm" | "a.m." | "p.m." | "a.m" | "p.m" | "ish"
                ));
        let word = t.lower.trim_end_matches("'s").trim_end_matches("’s");
        let strong_date = t.kind == TokKind::Date
            && (is_weekday(word)
                || is_month(&t.lower)
                || matches!(t.lower.as_str(), "today" | "tomorrow" | "tonight" | "tmrw")
                || t.lower.contains('/')
                || t.lower.starts_with(|c: char| c.is_ascii_digit()));
        shape.has_clock |= strong_clock;
        shape.has_date |= strong_date;
        if strong_clock || strong_date {
            shape.strong.push(t.start..t.end);
        }
    }
    let real: Vec<Tok> = toks.into_iter().collect();
    if !real
        .iter()
        .any(|t| matches!(t.kind, TokKind::Clock | TokKind::Date))
    {
        return None;
    }
    let role = if shape.has_date || !shape.has_clock {
        Role::Date
    } else {
        Role::Clock
    };
    Some((build(clean, &real, role), shape))
}

fn tokens(clean: &str, window: Range<usize>, zones: &[ZoneMention]) -> Vec<Tok> {
    let Some(text) = clean.get(window.clone()) else {
        return Vec::new();
    };
    let mut toks: Vec<Tok> = TOKEN
        .find_iter(text)
        .map(|m| {
            let start = window.start + m.start();
            let end = window.start + m.end();
            let lower = m.as_str().to_ascii_lowercase();
            let in_zone = zones.iter().any(|z| start >= z.start && end <= z.end);
            let kind = if in_zone {
                TokKind::Zone
            } else if is_connector(&lower) {
                TokKind::Connector
            } else if CLOCK.is_match(&lower)
                || matches!(
                    lower.as_str(),
                    "am" | "pm"
                        | "a.m."
                        | "p.m."
                        | "a.m"
                        | "p.m"
                        | "noon"
                        | "midnight"
                        | "o'clock"
                        | "oclock"
                        | "o’clock"
                        | "ish"
                )
            {
                TokKind::Clock
            } else {
                TokKind::Date
            };
            Tok {
                start,
                end,
                lower,
                kind,
            }
        })
        .collect();
    classify_bare_numbers(clean, &mut toks);
    toks
}

/// Splits `clean[window]` into date and clock segments, rewritten for resolution.
pub fn split(clean: &str, window: Range<usize>, zones: &[ZoneMention]) -> Vec<Segment> {
    let toks = tokens(clean, window, zones);
    // Connectors take the role of what follows them ("on Tuesday", "at 3"), or of what
    // precedes them at the end of a window.
    let n = toks.len();
    let mut roles: Vec<Option<Role>> = toks
        .iter()
        .map(|t| match t.kind {
            TokKind::Clock => Some(Role::Clock),
            TokKind::Date => Some(Role::Date),
            _ => None,
        })
        .collect();
    for k in (0..n).rev() {
        if toks[k].kind == TokKind::Connector {
            roles[k] = roles[k + 1..].iter().flatten().next().copied();
        }
    }
    for k in 0..n {
        if toks[k].kind == TokKind::Connector && roles[k].is_none() {
            roles[k] = roles[..k].iter().flatten().last().copied();
        }
    }
    // Runs of one role, zone words skipped.
    let mut out = Vec::new();
    let mut k = 0;
    while k < n {
        let Some(role) = roles[k].filter(|_| toks[k].kind != TokKind::Zone) else {
            k += 1;
            continue;
        };
        let mut j = k;
        while j + 1 < n && (roles[j + 1] == Some(role) || toks[j + 1].kind == TokKind::Zone) {
            // "at 10:00 Morocco time, 13:00 in Doha", "10am ET / 7am PT": a clock right after
            // a zone is the same time said again, in a segment of its own.
            if toks[j].kind == TokKind::Zone && toks[j + 1].kind == TokKind::Clock {
                break;
            }
            j += 1;
        }
        let mut last = j;
        while last > k && toks[last].kind == TokKind::Zone {
            last -= 1;
        }
        let run = &toks[k..=last];
        if run
            .iter()
            .any(|t| matches!(t.kind, TokKind::Clock | TokKind::Date))
        {
            out.push(build(clean, run, role));
        }
        k = j + 1;
    }
    out
}

/// A bare number is a clock hour ("at 3", "from 10 to 11") unless it is part of a date
/// ("8 April", "April 8", "the 8th") or of a length ("in 2 hours").
fn classify_bare_numbers(clean: &str, toks: &mut [Tok]) {
    let n = toks.len();
    for k in 0..n {
        let w = toks[k].lower.as_str();
        let bare = toks[k].kind != TokKind::Zone
            && !w.is_empty()
            && w.len() <= 4
            && w.bytes().all(|b| b.is_ascii_digit());
        if !bare {
            continue;
        }
        let prev = k.checked_sub(1).map(|p| toks[p].lower.as_str());
        let next = toks.get(k + 1).map(|t| t.lower.as_str());
        // "at 10, Dec 2 at 2pm": a comma parts the hour from the next date.
        let next_joined = toks
            .get(k + 1)
            .is_some_and(|n| !clean[toks[k].end..n.start].contains(','));
        let led_clock = prev.is_some_and(|p| matches!(p, "at" | "@" | "around"));
        let near_month = prev.is_some_and(is_month)
            || (next.is_some_and(is_month) && (next_joined || !led_clock))
            || (prev == Some("of") && k >= 2 && is_month(&toks[k - 2].lower))
            || (next == Some("of") && toks.get(k + 2).is_some_and(|t| is_month(&t.lower)));
        let unit = next.is_some_and(is_unit);
        let year = w.len() == 4;
        let after_date_comma = prev.is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
            && k >= 2
            && is_month(&toks[k - 2].lower);
        // "Tuesday 8 or Wednesday 9 December": a day of the month after a weekday; but
        // "Thursday 10 Pacific" is a clock in a zone.
        let zoned = toks
            .get(k + 1)
            .is_some_and(|n| n.kind == TokKind::Zone || matches!(n.lower.as_str(), "my" | "your"))
            || {
                let rest = clean[toks[k].end..].trim_start().to_ascii_lowercase();
                rest.starts_with("my time") || rest.starts_with("your time")
            };
        let after_weekday = prev.is_some_and(is_weekday)
            && !zoned
            && !next.is_some_and(|n| {
                matches!(
                    n,
                    "am" | "pm"
                        | "a.m."
                        | "p.m."
                        | "a.m"
                        | "p.m"
                        | "to"
                        | "until"
                        | "till"
                        | "o'clock"
                )
            });
        toks[k].kind = if near_month
            || unit
            || year
            || after_date_comma
            || after_weekday
            || prev == Some("the")
        {
            TokKind::Date
        } else {
            TokKind::Clock
        };
    }
    // Day ranges: "13-15 July", "July 13-15", "from 13 to 15 July", "12 to 16 september".
    for k in 0..n {
        let range_token = toks[k].kind == TokKind::Clock
            && toks[k].lower.contains('-')
            && toks[k]
                .lower
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-');
        let next_month = toks.get(k + 1).is_some_and(|t| is_month(&t.lower));
        let prev_month = k > 0 && is_month(&toks[k - 1].lower);
        if range_token && (next_month || prev_month) {
            toks[k].kind = TokKind::Date;
        }
    }
    for k in (0..n).rev() {
        let bare =
            toks[k].kind == TokKind::Clock && toks[k].lower.bytes().all(|b| b.is_ascii_digit());
        let to_date = toks.get(k + 1).is_some_and(|t| {
            matches!(
                t.lower.as_str(),
                "to" | "through" | "thru" | "until" | "till" | "and"
            )
        }) && toks.get(k + 2).is_some_and(|t| {
            t.kind == TokKind::Date && t.lower.starts_with(|c: char| c.is_ascii_digit())
        });
        if bare && to_date {
            toks[k].kind = TokKind::Date;
        }
    }
}

/// "12 to 1", "10 until 11:30": a number starting a clock range with no "from" before it.
fn needs_from(run: &[Tok], k: usize) -> bool {
    let numberish =
        |t: &Tok| t.kind == TokKind::Clock && t.lower.starts_with(|c: char| c.is_ascii_digit());
    let t = &run[k];
    if !numberish(t) {
        return false;
    }
    let led = k > 0
        && matches!(
            run[k - 1].lower.as_str(),
            "from" | "between" | "at" | "after" | "before" | "by"
        );
    let ranged = run
        .get(k + 1)
        .is_some_and(|n| matches!(n.lower.as_str(), "to" | "until" | "till"))
        && run.get(k + 2).is_some_and(numberish);
    !led && ranged
}

fn build(clean: &str, run: &[Tok], role: Role) -> Segment {
    let mut seg = Segment {
        role,
        text: String::new(),
        map: Vec::new(),
    };
    let mut k = 0;
    let mut prev_end: Option<usize> = None;
    // A weekday left out before a full date: its bytes, which the date's span still covers.
    let mut skipped: Option<Range<usize>> = None;
    while k < run.len() {
        let t = &run[k];
        if redundant_weekday(clean, run, k) {
            skipped = Some(t.start..t.end);
            k += 1;
            continue;
        }
        if t.kind == TokKind::Zone {
            // The zone word and what joins it ("UTC+2") are left out; a space stands for them.
            if prev_end.is_some() {
                seg.push(" ", t.start..t.end);
            }
            prev_end = Some(t.end);
            k += 1;
            continue;
        }
        let gap_end = skipped.as_ref().map_or(t.start, |s| s.start);
        if let Some(pe) = prev_end {
            // Keep the separator as written (a space, a comma, a hyphen), one byte per byte.
            let gap = &clean[pe..gap_end];
            let gap = if gap.contains(':') || gap.contains('/') {
                " "
            } else {
                gap
            };
            if gap.len() == gap_end - pe {
                seg.copy(gap, pe);
            } else {
                seg.push(gap, pe..gap_end);
            }
        }
        // The first byte written for this token also stands for a weekday left out before it.
        let first_byte = seg.text.len();
        let mut cover = |seg: &mut Segment| {
            if let Some(s) = skipped.take()
                && let Some(m) = seg.map.get_mut(first_byte)
            {
                m.0 = m.0.min(s.start);
            }
        };
        // A clock range without "from"/"between" reads as minutes-to ("12 to 1" = 12:48) to
        // Duckling: say "from".
        if needs_from(run, k) {
            seg.push("from ", t.start..t.end);
        } else if role == Role::Clock
            && k == 0
            && t.kind == TokKind::Clock
            && t.lower.bytes().all(|b| b.is_ascii_digit())
        {
            // "say 10", "@ 9": a led bare hour, which Duckling reads only after "at".
            seg.push("at ", t.start..t.end);
        }
        let raw = &clean[t.start..t.end];
        // "8 April" -> "April 8": Duckling 0.4 resolves day-first dates to the 1st.
        if t.kind == TokKind::Date
            && t.lower
                .trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
                .bytes()
                .all(|b| b.is_ascii_digit())
            && t.lower.starts_with(|c: char| c.is_ascii_digit())
        {
            let in_range = k > 0
                && matches!(
                    run[k - 1].lower.as_str(),
                    "to" | "through" | "thru" | "until" | "till" | "and"
                )
                || clean[..t.start].trim_end().ends_with('-');
            let (month_at, skip) = match run.get(k + 1) {
                _ if in_range => (None, 0),
                Some(m) if is_month(&m.lower) => (Some(k + 1), 1),
                Some(of)
                    if of.lower == "of" && run.get(k + 2).is_some_and(|m| is_month(&m.lower)) =>
                {
                    (Some(k + 2), 2)
                }
                _ => (None, 0),
            };
            if let Some(mi) = month_at {
                let m = &run[mi];
                let month_raw = &clean[m.start..m.end];
                seg.push(month_raw, m.start..m.end);
                seg.push(" ", t.end..m.start);
                seg.push(raw, t.start..t.end);
                cover(&mut seg);
                prev_end = Some(m.end);
                k += 1 + skip;
                continue;
            }
        }
        let bare_day = t.kind == TokKind::Date
            && !t.lower.is_empty()
            && t.lower.len() <= 2
            && t.lower.bytes().all(|b| b.is_ascii_digit());
        let prev_word = k.checked_sub(1).map(|p| run[p].lower.as_str());
        // A lone ordinal or a day after a weekday needs "the" ("12th" -> "the 12th",
        // "Tuesday 8" -> "Tuesday the 8th").
        let lone_ordinal = t.kind == TokKind::Date
            && k == 0
            && clean[..t.start].to_ascii_lowercase().ends_with("the ")
            && run.len() == 1
            && t.lower.len() <= 4
            && t.lower.starts_with(|c: char| c.is_ascii_digit())
            && ["st", "nd", "rd", "th"]
                .iter()
                .any(|s| t.lower.ends_with(s));
        if lone_ordinal {
            seg.push("the ", t.start..t.end);
            seg.copy(raw, t.start);
        } else if bare_day && prev_word.is_some_and(is_weekday) {
            seg.push(&format!("the {}", ordinal(&t.lower)), t.start..t.end);
        } else if let Some(full) = expand(t.lower.trim_end_matches('.')) {
            seg.push(full, t.start..t.end);
        } else if t.kind == TokKind::Clock
            && let Some(c) = BARE_RANGE.captures(&t.lower)
        {
            let (a, b) = (
                c.get(1).map_or("", |m| m.as_str()),
                c.get(2).map_or("", |m| m.as_str()),
            );
            let led = k > 0 && matches!(run[k - 1].lower.as_str(), "from" | "between");
            let lead = if led { "" } else { "from " };
            let s = format!("{lead}{a} to {b}");
            seg.push(&s, t.start..t.end);
        } else {
            seg.copy(raw, t.start);
        }
        cover(&mut seg);
        prev_end = Some(t.end);
        k += 1;
    }
    seg
}

/// A day of the month as written after a month or before one ("26", "26th").
fn is_day_number(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    (1..=2).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && matches!(suffix, "" | "st" | "nd" | "rd" | "th")
}

/// A weekday right before a full date ("Thursday, November 26", "Wed 8 April", "Thu
/// 9/24"): the date alone says which day, so the weekday is left out of the resolver's
/// text. Duckling's cost comes mostly from intersecting the two (it walks the weekday's
/// series until one agrees), and when they disagree (a typo'd weekday) it moves to a year
/// where they agree; the date as written is the better reading of a proposal. A weekday
/// after "next", "this", "last" or "coming" is kept: those words may read it.
fn redundant_weekday(clean: &str, run: &[Tok], k: usize) -> bool {
    let t = &run[k];
    let word = t.lower.trim_end_matches([',', '.']);
    if t.kind != TokKind::Date || !is_weekday(word) || word != t.lower.trim_end_matches('.') {
        return false;
    }
    if k > 0
        && matches!(
            run[k - 1].lower.as_str(),
            "next" | "this" | "last" | "coming" | "following" | "every" | "each"
        )
    {
        return false;
    }
    // "Mon 14 to Wed 16 Sept": the far end of a run keeps its weekday unless the near end
    // is a full date too (Duckling reads the run from both weekdays).
    let ranged = k > 0
        && matches!(
            run[k - 1].lower.as_str(),
            "to" | "through" | "thru" | "until" | "till" | "and"
        );
    if ranged
        && !run[..k]
            .iter()
            .any(|p| is_month(&p.lower) || p.lower.contains('/'))
    {
        return false;
    }
    // Only a comma, a period or spaces between the weekday and the date.
    let joined = |a: &Tok, b: &Tok| {
        clean
            .get(a.end..b.start)
            .is_some_and(|g| g.chars().all(|c| c == ',' || c == '.' || c.is_whitespace()))
    };
    let Some(n1) = run.get(k + 1).filter(|n| joined(t, n)) else {
        return false;
    };
    let n2 = run.get(k + 2).filter(|n| joined(n1, n));
    let slash = n1.kind == TokKind::Date && {
        let parts: Vec<&str> = n1.lower.split('/').collect();
        parts.len() == 2
            && parts
                .iter()
                .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let month_day = is_month(&n1.lower)
        && n2.is_some_and(|d| d.kind == TokKind::Date && is_day_number(&d.lower));
    let day_month = n1.kind == TokKind::Date
        && is_day_number(&n1.lower)
        && n2.is_some_and(|m| is_month(&m.lower));
    (slash || month_day || day_month) && run.get(k + 1).is_some_and(|n| n.kind != TokKind::Zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<(Role, String)> {
        split(text, 0..text.len(), &[])
            .into_iter()
            .map(|s| (s.role, s.text))
            .collect()
    }

    #[test]
    fn date_and_clock_are_split() {
        assert_eq!(
            parts("Tue 1/12: 10:00-11:00 AM"),
            vec![
                (Role::Date, "1/12".into()),
                (Role::Clock, "10:00-11:00 AM".into())
            ]
        );
        assert_eq!(
            parts("between 2 and 4 on Thursday"),
            vec![
                (Role::Clock, "between 2 and 4".into()),
                (Role::Date, "on Thursday".into())
            ]
        );
    }

    #[test]
    fn rewrites_the_forms_duckling_misreads() {
        assert_eq!(
            parts("Wednesday 8 April at 9am"),
            vec![
                (Role::Date, "April 8".into()),
                (Role::Clock, "at 9am".into())
            ]
        );
        assert_eq!(
            parts("Tuesday the 28th, 12 to 1"),
            vec![
                (Role::Date, "Tuesday the 28th".into()),
                (Role::Clock, "from 12 to 1".into())
            ]
        );
        assert_eq!(parts("Friday 10-11")[1].1, "from 10 to 11");
        assert_eq!(parts("tues")[0].1, "tuesday");
        assert_eq!(parts("Tuesday 8")[0].1, "Tuesday the 8th");
        let text = "The 12th at 4pm";
        assert_eq!(split(text, 4..text.len(), &[])[0].text, "the 12th");
        assert_eq!(parts("2nd floor")[0].1, "2nd floor");
        assert_eq!(parts("in 2 hours"), vec![(Role::Date, "in 2 hours".into())]);
    }

    #[test]
    fn map_points_back_to_the_email() {
        let text = "Wednesday 8 April at 9am";
        let segs = split(text, 0..text.len(), &[]);
        assert_eq!(segs[0].span(), Some(0..17));
        assert_eq!(segs[1].span(), Some(18..24));
        // The weekday left out before a full date is still inside the date's span.
        let text = "on Thursday, November 26 at 3pm";
        let segs = split(text, 0..text.len(), &[]);
        assert_eq!(segs[0].text, "on November 26");
        assert_eq!(segs[0].span(), Some(0..24));
        assert_eq!(segs[0].original(3..14), Some(3..24));
    }

    #[test]
    fn weekday_before_a_full_date_is_left_out() {
        for (text, date) in [
            (
                "Thursday, November 26 through Monday, November 30",
                "November 26 through November 30",
            ),
            ("Wed 9/24", "9/24"),
            ("Tuesday 8 December 2026", "December 8 2026"),
            ("Tuesday the 28th", "Tuesday the 28th"),
            ("next Tuesday, Dec 1", "next Tuesday, Dec 1"),
            (
                "Tuesday 8 or Wednesday 9 December",
                "Tuesday the 8th or December 9",
            ),
        ] {
            assert_eq!(parts(text)[0].1, date, "{text}");
        }
        // The far end of a run keeps its weekday when the near end is no full date.
        assert!(
            parts("Mon 14 to Wed 16 Sept")
                .iter()
                .any(|p| p.1.contains("Wed Sept 16"))
        );
    }

    #[test]
    fn a_bare_hour_range_after_a_date_is_a_clock() {
        let text = "Tuesday the 28th, 12 to 1";
        let Some((_, shape)) = whole(text, 0..text.len(), &[]) else {
            panic!("a window");
        };
        assert!(shape.has_date && shape.has_clock);
        let text = "from 8 to 10 February";
        let Some((_, shape)) = whole(text, 0..text.len(), &[]) else {
            panic!("a window");
        };
        assert!(!shape.has_clock, "a run of days is no clock");
    }
}
