//! Product conventions: what a resolved time expression means as a meeting proposal.
//!
//! Duckling answers "what time does this phrase name"; CAMS needs "which span of time is
//! offered". The rules (issue 3) are fixed here in one place: a clock time lasts the meeting
//! duration (else 30 minutes); a range is taken as written, end exclusive; morning 09–12,
//! afternoon 12–17, evening 17–20, lunch 12–13, end of day 16–17; a bare day 09–17; a week
//! Monday 09:00 to Friday 17:00; "before the 20th" from the next business day to the 19th
//! at 17:00.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use duckling::{Grain as DGrain, TimePoint, TimeValue};
use regex::Regex;

use super::Grain;

/// Default length of a meeting proposed at a clock time when the email states none.
pub const DEFAULT_MEETING_MINUTES: u32 = 30;

/// With no stated meeting length, a range up to this long is the meeting itself ("3-4pm",
/// "10 to 11:30"), so it is exact; a longer one is a window. With a stated length, a range
/// longer than the meeting is a window ("between 15:00 and 18:00" for a 45-minute call).
const EXACT_RANGE_MAX_MINUTES: i64 = 90;

/// A part of the day named in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOfDay {
    /// 09:00–12:00.
    Morning,
    /// 12:00–17:00.
    Afternoon,
    /// 17:00–20:00 ("evening", "tonight", "night", "dinner").
    Evening,
    /// 12:00–13:00.
    Lunch,
    /// 16:00–17:00 ("end of day", "EOD", "close of business").
    EndOfDay,
}

impl PartOfDay {
    pub(crate) fn hours(self) -> (u32, u32) {
        match self {
            PartOfDay::Morning => (9, 12),
            PartOfDay::Afternoon => (12, 17),
            PartOfDay::Evening => (17, 20),
            PartOfDay::Lunch => (12, 13),
            PartOfDay::EndOfDay => (16, 17),
        }
    }
}

/// The part of day named in a lower-case phrase, if any.
pub fn part_of_day(lower: &str) -> Option<PartOfDay> {
    // Lunch first: "lunch on Tuesday afternoon" is rare, "Tuesday lunch" common.
    if lower.contains("lunch") {
        Some(PartOfDay::Lunch)
    } else if lower.contains("end of day")
        || lower.contains("end of the day")
        || lower.contains("close of business")
        || has_word(lower, "eod")
        || has_word(lower, "cob")
    {
        Some(PartOfDay::EndOfDay)
    } else if lower.contains("morning") {
        Some(PartOfDay::Morning)
    } else if lower.contains("afternoon") {
        Some(PartOfDay::Afternoon)
    } else if lower.contains("evening")
        || lower.contains("tonight")
        || has_word(lower, "night")
        // "Dinner Tuesday?": dinner is had in the evening.
        || has_word(lower, "dinner")
    {
        Some(PartOfDay::Evening)
    } else {
        None
    }
}

fn has_word(lower: &str, word: &str) -> bool {
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == word)
}

/// What the caller knows that the conventions need.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// The reference time as wall-clock time in the sender's zone.
    pub reference_local: NaiveDateTime,
    /// The meeting length stated in the email, if any.
    pub stated_minutes: Option<u32>,
}

impl Facts {
    fn meeting_minutes(&self) -> i64 {
        i64::from(self.stated_minutes.unwrap_or(DEFAULT_MEETING_MINUTES))
    }
}

/// A proposal in wall-clock time, before its zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalSlot {
    /// Wall-clock start.
    pub start: NaiveDateTime,
    /// Wall-clock end (exclusive).
    pub end: NaiveDateTime,
    /// Precision of the proposal.
    pub grain: Grain,
    /// True for a window to place a meeting in, false for an exact time.
    pub flexible: bool,
    /// Written as a clock range ("10 to 11:30"): when exact, its length is the meeting's.
    pub from_range: bool,
}

/// How the phrase was written, as far as the conventions care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wording {
    /// The part of day named in or beside the phrase.
    pub part_of_day: Option<PartOfDay>,
    /// The phrase says am/pm, "morning", "noon" or writes a 24-hour time: its hour is meant.
    pub explicit_meridiem: bool,
    /// The phrase names the weekend.
    pub weekend: bool,
    /// "between 2 and 4": the writer offers a window, whatever its length.
    pub between: bool,
    /// The hour as written in 24-hour form ("09:00", "15:00"), which Duckling may move by
    /// twelve hours when it picks the next occurrence.
    pub written_hour: Option<u32>,
    /// "early is better, like 7:30": a bare hour of 5 to 7 is the morning's.
    pub early: bool,
    /// The email writes other clocks in 24-hour form ("22:00", "08:00"), so its "7:30" is
    /// the morning's: such a writer would have written 19:30. Set by the caller, which sees
    /// the whole email.
    pub writes_24h: bool,
    /// The phrase writes minutes ("7:30", "7.30"), not a bare hour ("at 7").
    pub minutes_written: bool,
    /// "from 10:00" (also "ab 10 Uhr", "vanaf 10"), not "after 10": with a stated length it
    /// is the meeting's start.
    pub from_clock: bool,
}

/// Whether the (lower-case) email writes its clocks in 24-hour form anywhere: the test a
/// phrase's own clock gets, over the whole text.
pub fn writes_24h(lower: &str) -> bool {
    twenty_four_hour(lower)
}

static FROM_CLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bfrom\s+\d").unwrap_or_else(|_| unreachable!()));

static MINUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d[:.]\d\d").unwrap_or_else(|_| unreachable!()));

/// An hour written as a bare number ("at 3", "3:30", "2-4", "between 2 and 4"): the only
/// writing whose am/pm the business-hour reading may decide. "in one hour" or "Earth Hour"
/// have none, and Duckling's answer stands.
static BARE_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b(?:at|from|between|and|to|til|till|until|@|around|by|before|after)\s+\d{1,2}(?::\d{2})?\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*-\s*\d{1,2}\b|^\s*\d{1,2}\s*$|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+\d{1,2}(?::\d{2})?\s*$|\b(?:half|quarter)\s+(?:past|to|after)\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b|\bhalf\s+\d{1,2}\b|^\s*\d{1,2}(?::\d{2})?\s+[a-z])")
        .unwrap_or_else(|_| unreachable!())
});

/// "3:18a", "10p": a single letter for am/pm.
static MERIDIEM_LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d[ap]\b").unwrap_or_else(|_| unreachable!()));

/// Reads a lower-case phrase for the wording facts the conventions use.
pub fn wording(lower: &str, context_lower: &str) -> Wording {
    let explicit_meridiem = lower.contains("am")
        || lower.contains("a.m")
        || lower.contains("pm")
        || lower.contains("p.m")
        || lower.contains("noon")
        || lower.contains("midnight")
        || lower.contains("morning")
        || lower.contains("evening")
        || lower.contains("afternoon")
        || lower.contains("night")
        || lower.contains("tonite")
        || lower.contains("o'clock")
        || twenty_four_hour(lower)
        || !BARE_CLOCK.is_match(lower)
        || MERIDIEM_LETTER.is_match(lower);
    Wording {
        part_of_day: part_of_day(context_lower),
        explicit_meridiem,
        weekend: lower.contains("weekend"),
        early: has_word(context_lower, "early")
            && !["afternoon", "evening", "pm", "p.m"]
                .iter()
                .any(|w| context_lower.contains(w)),
        between: lower.contains("between"),
        writes_24h: false,
        minutes_written: MINUTES.is_match(lower),
        from_clock: FROM_CLOCK.is_match(lower),
        // "07:00 PM" says its half of the day; only a bare 24-hour time fixes the hour.
        written_hour: if has_am_pm(lower) {
            None
        } else {
            written_24h_hour(lower)
        },
    }
}

fn has_am_pm(lower: &str) -> bool {
    lower.contains("am") || lower.contains("pm") || lower.contains("a.m") || lower.contains("p.m")
}

/// The first hour written in 24-hour form: a leading zero ("09:00") or 13–23.
fn written_24h_hour(lower: &str) -> Option<u32> {
    let b = lower.as_bytes();
    (0..b.len().saturating_sub(2)).find_map(|i| {
        let starts = i == 0 || !b[i - 1].is_ascii_digit();
        if !(starts && b[i].is_ascii_digit() && b[i + 1].is_ascii_digit() && b[i + 2] == b':') {
            return None;
        }
        let h = u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
        (b[i] == b'0' || (13..=23).contains(&h)).then_some(h)
    })
}

/// "07:30", "13:00", "0930": a 24-hour clock leaves no am/pm doubt.
fn twenty_four_hour(lower: &str) -> bool {
    let b = lower.as_bytes();
    b.windows(3).enumerate().any(|(i, w)| {
        let lead_zero = w[0] == b'0' && w[1].is_ascii_digit() && w[2] == b':';
        let big = w[0] == b'1' && (b'3'..=b'9').contains(&w[1]) && w[2] == b':';
        let big2 = w[0] == b'2' && (b'0'..=b'3').contains(&w[1]) && w[2] == b':';
        let starts_number = i == 0 || !b[i - 1].is_ascii_digit();
        starts_number && (lead_zero || big || big2)
    })
}

/// Applies the conventions to one Duckling value. `None` when the value is not a proposal
/// the conventions can place (a bare "now", a year, an interval ending before it starts).
pub fn apply(
    value: &TimeValue,
    words: Wording,
    facts: &Facts,
    to_local: &dyn Fn(&TimePoint) -> NaiveDateTime,
) -> Option<LocalSlot> {
    match value {
        TimeValue::Single { value, .. } => single(to_local(value), value.grain(), words, facts),
        TimeValue::Interval { from, to, .. } => {
            let from = from.as_ref().map(|p| (to_local(p), p.grain()));
            let to = to.as_ref().map(|p| (to_local(p), p.grain()));
            match (from, to) {
                (Some(f), Some(t)) => closed(f, t, words, facts),
                // "Tuesday 20 January from 10:00 ... three hours should be enough": the
                // stated length runs from that clock.
                (Some(f), None)
                    if words.from_clock
                        && facts.stated_minutes.is_some()
                        && matches!(f.1, DGrain::Minute | DGrain::Hour) =>
                {
                    single(f.0, f.1, words, facts)
                }
                (Some(f), None) => after(f, words),
                (None, Some(t)) => before(t, words, facts),
                (None, None) => None,
            }
        }
    }
}

fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
}

fn day_window(date: NaiveDate, words: Wording) -> LocalSlot {
    match words.part_of_day {
        Some(pod) => {
            let (a, b) = pod.hours();
            LocalSlot {
                start: at(date, a),
                end: at(date, b),
                grain: Grain::Hour,
                flexible: true,
                from_range: false,
            }
        }
        None => LocalSlot {
            start: at(date, 9),
            end: at(date, 17),
            grain: Grain::Day,
            flexible: true,
            from_range: false,
        },
    }
}

/// Business-hours reading of an hour written without am/pm: nobody proposes a 3 a.m.
/// meeting by writing "at 3", so 1–7 o'clock means the afternoon; and Duckling's pick of
/// the next "10:00" after an afternoon email is 22:00, where the writer meant 10 a.m.
fn business_hour(t: NaiveDateTime, words: Wording) -> NaiveDateTime {
    if let Some(h) = words.written_hour
        && (t.hour() + 12) % 24 == h
    {
        return t + Duration::hours(12) - Duration::hours(if t.hour() >= 12 { 24 } else { 0 });
    }
    if words.explicit_meridiem {
        return t;
    }
    match t.hour() {
        5..=7 if words.early => t,
        // Duckling's next "7:30" after a 7:55 a.m. email is 19:30.
        17..=19 if words.early => t - Duration::hours(12),
        // "Tuesday at 8:00 (22:00 for me) or Thursday at 7:30": a 24-hour writer's morning.
        1..=7 if words.writes_24h && words.minutes_written => t,
        // Duckling's next "7:30" after a 9 a.m. email is 19:30; the 24-hour writer meant 07:30.
        13..=19 if words.writes_24h && words.minutes_written => t - Duration::hours(12),
        // "12:41" read as the next 00:41 is 12:41 p.m.
        0..=7 => t + Duration::hours(12),
        20..=23 => t - Duration::hours(12),
        _ => t,
    }
}

fn single(t: NaiveDateTime, grain: DGrain, words: Wording, facts: &Facts) -> Option<LocalSlot> {
    match grain {
        DGrain::NoGrain | DGrain::Second => None,
        DGrain::Minute | DGrain::Hour => {
            let start = business_hour(t, words);
            Some(LocalSlot {
                start,
                end: start + Duration::minutes(facts.meeting_minutes()),
                grain: if grain == DGrain::Hour && start.minute() == 0 {
                    Grain::Hour
                } else {
                    Grain::Minute
                },
                flexible: false,
                from_range: false,
            })
        }
        DGrain::Day => Some(day_window(t.date(), words)),
        DGrain::Week => {
            let monday = t.date() - Duration::days(i64::from(t.weekday().num_days_from_monday()));
            Some(week_window(monday))
        }
        DGrain::Month | DGrain::Quarter => {
            let first = t.date().with_day(1)?;
            let months = if grain == DGrain::Quarter { 3 } else { 1 };
            let next = first.checked_add_months(chrono::Months::new(months))?;
            let last = next.pred_opt()?;
            let earliest = next_business_day(facts.reference_local.date());
            let start_day = if first < earliest { earliest } else { first };
            let start_day = skip_weekend(start_day);
            if start_day > last {
                return None;
            }
            Some(LocalSlot {
                start: at(start_day, 9),
                end: at(last, 17),
                grain: Grain::Month,
                flexible: true,
                from_range: false,
            })
        }
        DGrain::Year => {
            // "next year", "in 2027": the year's business days from the next one on.
            let first = NaiveDate::from_ymd_opt(t.year(), 1, 1)?;
            let last = NaiveDate::from_ymd_opt(t.year(), 12, 31)?;
            let earliest = next_business_day(facts.reference_local.date());
            let start_day = skip_weekend(if first < earliest { earliest } else { first });
            (start_day <= last).then_some(LocalSlot {
                start: at(start_day, 9),
                end: at(last, 17),
                grain: Grain::Year,
                flexible: true,
                from_range: false,
            })
        }
    }
}

fn week_window(monday: NaiveDate) -> LocalSlot {
    LocalSlot {
        start: at(monday, 9),
        end: at(monday + Duration::days(4), 17),
        grain: Grain::Week,
        flexible: true,
        from_range: false,
    }
}

fn closed(
    (f, fg): (NaiveDateTime, DGrain),
    (t, tg): (NaiveDateTime, DGrain),
    words: Wording,
    facts: &Facts,
) -> Option<LocalSlot> {
    if words.weekend {
        // Duckling's weekend is Friday 18:00 to Monday 00:00; a meeting "this weekend" is
        // offered Saturday 09:00 to Sunday 17:00.
        let saturday = (0..7)
            .map(|d| f.date() + Duration::days(d))
            .find(|d| d.weekday() == Weekday::Sat)?;
        return Some(LocalSlot {
            start: at(saturday, 9),
            end: at(saturday + Duration::days(1), 17),
            grain: Grain::Day,
            flexible: true,
            from_range: false,
        });
    }
    // "Can we meet by 20 March?": Duckling's "by" runs from this very second to the named
    // day's midnight. The window is the business days to that day, the day included (unlike
    // "before").
    if (f - facts.reference_local).num_seconds().abs() < 60
        && fg == DGrain::Second
        && matches!(tg, DGrain::Second | DGrain::Day)
        && t.time() == NaiveTime::MIN
    {
        let start_day = next_business_day(facts.reference_local.date());
        return (t.date() >= start_day).then_some(LocalSlot {
            start: at(start_day, 9),
            end: at(t.date(), 17),
            grain: Grain::Day,
            flexible: true,
            from_range: false,
        });
    }
    let fine = |g: DGrain| matches!(g, DGrain::Minute | DGrain::Hour | DGrain::Second);
    if fine(fg) && fine(tg) {
        if let Some(pod) = words.part_of_day
            && f.minute() == 0
            && is_duckling_part_of_day(f, t)
        {
            // "Wednesday afternoon" comes back as Duckling's 12:00–19:00: use ours.
            let (a, b) = pod.hours();
            return Some(LocalSlot {
                start: at(f.date(), a),
                end: at(f.date(), b),
                grain: Grain::Hour,
                flexible: true,
                from_range: false,
            });
        }
        // Duckling closes "3 to 5pm" at the end of the last named unit (18:00); the range as
        // written ends at 17:00.
        let end = t - grain_length(tg);
        let mut start = business_hour(f, words);
        let end_time = business_hour(end, words).time();
        if start.hour() >= 12
            && start.time() >= end_time
            && (start - Duration::hours(12)).time() < end_time
        {
            // "10:00-11:00 AM" after an 11:05 email: Duckling starts at the next 10:00 (22:00).
            start -= Duration::hours(12);
        }
        // The end is on the start's day: Duckling may put "from 12 to 1" at 02:00 the next
        // day, and the business-hour reading fixes the hour, not the date.
        let mut end = start.date().and_time(end_time);
        if end <= start {
            end = end
                .checked_add_signed(Duration::hours(12))
                .filter(|e| *e > start)?;
        }
        let minutes = (end - start).num_minutes();
        let exact_max = facts
            .stated_minutes
            .map_or(EXACT_RANGE_MAX_MINUTES, i64::from);
        let grain = if start.minute() == 0 && end.minute() == 0 {
            Grain::Hour
        } else {
            Grain::Minute
        };
        return Some(LocalSlot {
            start,
            end,
            grain,
            flexible: words.between || minutes > exact_max,
            from_range: true,
        });
    }
    // Day ranges: "Monday to Wednesday" is Monday 09:00 to Wednesday 17:00.
    let last_day = (t - grain_length(tg)).date();
    let first_day = f.date();
    if last_day < first_day {
        return None;
    }
    Some(LocalSlot {
        start: at(first_day, 9),
        end: at(last_day, 17),
        grain: Grain::Day,
        flexible: true,
        from_range: false,
    })
}

/// Duckling's parts of day start on the hour and span several hours (morning 00–12,
/// afternoon 12–19, evening 18–00, lunch 12–14).
fn is_duckling_part_of_day(f: NaiveDateTime, t: NaiveDateTime) -> bool {
    let hours = (t - f).num_hours();
    (2..=12).contains(&hours)
}

fn grain_length(g: DGrain) -> Duration {
    match g {
        DGrain::NoGrain | DGrain::Second => Duration::zero(),
        DGrain::Minute => Duration::minutes(1),
        DGrain::Hour => Duration::hours(1),
        DGrain::Day => Duration::days(1),
        DGrain::Week => Duration::weeks(1),
        // Month and longer ranges are rare in proposals; a day keeps the end inside the
        // named month.
        _ => Duration::days(1),
    }
}

fn after((f, fg): (NaiveDateTime, DGrain), words: Wording) -> Option<LocalSlot> {
    match fg {
        DGrain::Minute | DGrain::Hour => {
            let start = business_hour(f, words);
            let day_end = at(start.date(), 17);
            let evening_end = at(start.date(), 20);
            let end = if start < day_end {
                day_end
            } else if start < evening_end {
                evening_end
            } else {
                start + Duration::hours(1)
            };
            Some(LocalSlot {
                start,
                end,
                grain: if start.minute() == 0 {
                    Grain::Hour
                } else {
                    Grain::Minute
                },
                flexible: true,
                from_range: false,
            })
        }
        DGrain::Day => {
            // "after Tuesday": the business week that follows it.
            let first = skip_weekend(f.date() + Duration::days(1));
            Some(LocalSlot {
                start: at(first, 9),
                end: at(first + Duration::days(6), 17),
                grain: Grain::Day,
                flexible: true,
                from_range: false,
            })
        }
        _ => None,
    }
}

fn before((t, tg): (NaiveDateTime, DGrain), words: Wording, facts: &Facts) -> Option<LocalSlot> {
    match tg {
        DGrain::Minute | DGrain::Hour => {
            let end = business_hour(t, words);
            let start = at(end.date(), 9);
            (end > start).then_some(LocalSlot {
                start,
                end,
                grain: Grain::Hour,
                flexible: true,
                from_range: false,
            })
        }
        DGrain::Day => {
            // "before the 20th": from the next business day to the 19th at 17:00.
            let start_day = next_business_day(facts.reference_local.date());
            let end_day = t.date().pred_opt()?;
            (end_day >= start_day).then_some(LocalSlot {
                start: at(start_day, 9),
                end: at(end_day, 17),
                grain: Grain::Day,
                flexible: true,
                from_range: false,
            })
        }
        _ => None,
    }
}

/// The first Monday–Friday strictly after `date`.
pub fn next_business_day(date: NaiveDate) -> NaiveDate {
    skip_weekend(date + Duration::days(1))
}

fn skip_weekend(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("valid test date")
    }

    #[test]
    fn parts_of_day_are_recognised() {
        assert_eq!(part_of_day("tuesday afternoon"), Some(PartOfDay::Afternoon));
        assert_eq!(part_of_day("lunch thursday"), Some(PartOfDay::Lunch));
        assert_eq!(part_of_day("eod friday"), Some(PartOfDay::EndOfDay));
        assert_eq!(part_of_day("tonight"), Some(PartOfDay::Evening));
        assert_eq!(part_of_day("dinner friday"), Some(PartOfDay::Evening));
        assert_eq!(part_of_day("tuesday"), None);
    }

    #[test]
    fn next_business_day_skips_the_weekend() {
        let fri = NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        assert_eq!(
            next_business_day(fri),
            NaiveDate::from_ymd_opt(2026, 11, 30).expect("date")
        );
    }

    #[test]
    fn twenty_four_hour_times_are_explicit() {
        assert!(twenty_four_hour("at 13:00"));
        assert!(twenty_four_hour("07:30"));
        assert!(!twenty_four_hour("at 3:30"));
        let _ = dt(2026, 1, 1, 0, 0);
    }
}
