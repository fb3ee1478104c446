//! Fast resolution of the commonest segments ("Tuesday", "Nov 4", "1/12", "the 20th",
//! "3pm", "10:30", "10 to 11:30 AM") without Duckling, with Duckling's own semantics.
//!
//! Why: Duckling 0.4 costs 0.1–1 ms even for these, and far more for some combinations;
//! the pipeline's budget is 1 ms per email for everything. A test checks that every form
//! handled here gives exactly what Duckling gives; anything else goes to Duckling.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use duckling::{Grain as DGrain, TimePoint, TimeValue};
use regex::Regex;

use super::segments::Role;

/// A weekday, possibly possessive ("Thursday's") or with a part of day ("Thursday
/// morning"): the day is the value, and the conventions read the part of day from the
/// words (Duckling's own morning, 00:00-12:00, is never used).
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:lunch|breakfast|dinner|coffee)\s+(?:on\s+)?)?(?:on\s+|this\s+)?(monday|mon|tuesday|tue|wednesday|wed|thursday|thu|friday|fri|saturday|sat|sunday)\.?(?:'s|’s)?(?:\s+(?:morning|afternoon|evening|lunch|lunchtime))?$")
        .unwrap_or_else(|_| unreachable!())
});

static RELATIVE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:on\s+)?(today|tomorrow)(?:\s+(?:morning|afternoon|evening|lunch|lunchtime))?$")
        .unwrap_or_else(|_| unreachable!())
});

static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:in\s+)?(january|february|march|april|june|july|august|september|october|november|december)$")
        .unwrap_or_else(|_| unreachable!())
});

static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:on\s+)?(?:(monday|mon|tuesday|tue|wednesday|wed|thursday|thu|friday|fri|saturday|sat|sunday|sun)\.?,?\s+)?(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|october|oct|november|nov|december|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
        .unwrap_or_else(|_| unreachable!())
});

static SLASH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:on\s+)?(?:(monday|mon|tuesday|tue|wednesday|wed|thursday|thu|friday|fri|saturday|sat|sunday|sun)\.?,?\s+)?(\d{1,2})/(\d{1,2})$")
        .unwrap_or_else(|_| unreachable!())
});

static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:at\s+|@\s*)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.?|p\.m\.?)?$")
        .unwrap_or_else(|_| unreachable!())
});

static CLOCK_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(from\s+|between\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(-|to|and)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
        .unwrap_or_else(|_| unreachable!())
});

/// "after 2", "before 4:30", "until 11": an open-ended clock bound. Duckling reads these
/// only with am/pm ("after 2pm"); without it they are left unread, so they are read here the
/// way Duckling reads the am/pm form (and the conventions then pick the business hour).
static CLOCK_BOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(after|from|before|until|till|til)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
        .unwrap_or_else(|_| unreachable!())
});

/// "the 20th", "Tuesday the 28th", "Tuesday 28th" (a weekday may stand for "the").
static DAY_OF_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:on\s+)?(?:(?:(monday|mon|tuesday|tue|wednesday|wed|thursday|thu|friday|fri|saturday|sat|sunday|sun)\.?,?\s+)(?:the\s+)?|the\s+)(\d{1,2})(?:st|nd|rd|th)$")
        .unwrap_or_else(|_| unreachable!())
});

/// "15 December 2026", "8th of June": a day-first date, read here only as an end of a run
/// of days (segments rewrite a lone one month-first).
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|october|oct|november|nov|december|dec)\.?(?:,?\s+(\d{4}))?$")
        .unwrap_or_else(|_| unreachable!())
});

/// Words before a date that do not change what it names: "an hour on", "2 hours on", a
/// stray "am" left over from a clock before the window. Duckling reads the date after them
/// the same, only slower, and leaves them out of its span. ("lunch on" is not one: Duckling
/// reads lunch as 12:00-14:00.)
static NEUTRAL_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:am|pm|(?:(?:an?|half\s+an?|\d{1,2}(?:\.\d)?|one|two|three)\s+)?(?:hours?|hrs?|minutes?|mins?))\s+)*")
        .unwrap_or_else(|_| unreachable!())
});

/// "about Nov 9": the same day to Duckling, which keeps the word in its span.
static APPROX_LEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:about|around)\s+").unwrap_or_else(|_| unreachable!()));

static WEEK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(next|this) week$").unwrap_or_else(|_| unreachable!()));

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn month(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn day(date: NaiveDate) -> TimeValue {
    single(date.and_time(NaiveTime::MIN), DGrain::Day)
}

fn single(value: NaiveDateTime, grain: DGrain) -> TimeValue {
    TimeValue::Single {
        value: TimePoint::Naive { value, grain },
        values: Vec::new(),
        holiday: None,
    }
}

/// The segment's reading, when it is one of the simple forms; the range is the whole
/// trimmed segment text.
pub fn resolve(
    text: &str,
    role: Role,
    reference: NaiveDateTime,
) -> Option<(Range<usize>, TimeValue)> {
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 64 {
        return None;
    }
    let lower = trimmed.to_ascii_lowercase();
    // "Thursday's 2pm": the possessive stays outside the span, where the non-proposal
    // check reads it.
    let end = lower
        .find("'s")
        .or_else(|| lower.find("’s"))
        .unwrap_or(trimmed.len());
    let today = reference.date();
    let value = match role {
        Role::Date => match date_value(&lower, today) {
            Some(v) => v,
            None => {
                // "about Nov 9", "2 hours on 9/24": the date after neutral words, its span
                // without them (where Duckling puts it).
                let skip = NEUTRAL_LEAD.find(&lower).map_or(0, |m| m.end());
                let approx = APPROX_LEAD.find(lower.get(skip..)?).map_or(0, |m| m.end());
                let rest = lower.get(skip + approx..)?;
                if rest.is_empty() || skip + approx >= end || skip + approx == 0 {
                    return None;
                }
                // Full dates only: Duckling reads "around tomorrow morning" otherwise.
                if !(MONTH_DAY.is_match(rest)
                    || SLASH_DATE.is_match(rest)
                    || DAY_OF_MONTH.is_match(rest))
                {
                    return None;
                }
                let v = date_value(rest, today)?;
                return Some((lead + skip..lead + end, v));
            }
        },
        Role::Clock => clock_value(&lower, reference)?,
    };
    Some((lead..lead + end, value))
}

/// "from Monday June 8 to Friday June 12", "June 8 - June 12", "between 3/2 and 3/6": a run
/// of days, each end one of the simple dates. Duckling spends up to a hundred milliseconds
/// combining the readings of such a phrase; the value is the same interval it returns.
static DATE_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:from\s+|between\s+)?(.+?)\s*(?:\s(?:to|through|thru|until|till|and)\s|-|–)\s*(.+)$",
    )
    .unwrap_or_else(|_| unreachable!())
});

fn date_range(lower: &str, today: NaiveDate) -> Option<TimeValue> {
    let c = DATE_RANGE.captures(lower)?;
    let (a, b) = (c.get(1)?.as_str().trim(), c.get(2)?.as_str().trim());
    // A day-first end ("15 December 2026") is read month-first; a bare first day ("from
    // 8 to 10 February") takes the other end's month and year.
    let month_first = |x: &str| -> Option<String> {
        let d = DAY_MONTH.captures(x)?;
        let year = d
            .get(3)
            .map_or(String::new(), |y| format!(" {}", y.as_str()));
        Some(format!(
            "{} {}{year}",
            d.get(2)?.as_str(),
            d.get(1)?.as_str()
        ))
    };
    // Duckling reads "June 8 to 12 June" otherwise: a day-first end after a month-first
    // one only with a year ("from December 1 2026 to 15 December 2026").
    let b_day_first = DAY_MONTH.captures(b);
    if b_day_first.as_ref().is_some_and(|d| d.get(3).is_none()) && MONTH_DAY.is_match(a) {
        return None;
    }
    let b = month_first(b).unwrap_or_else(|| b.to_string());
    let a = match month_first(a) {
        Some(x) => x,
        None if (1..=2).contains(&a.len()) && a.bytes().all(|x| x.is_ascii_digit()) => {
            let d = MONTH_DAY.captures(&b)?;
            let year = d
                .get(4)
                .map_or(String::new(), |y| format!(" {}", y.as_str()));
            format!("{} {a}{year}", d.get(2)?.as_str())
        }
        None => a.to_string(),
    };
    let dated = |x: &str| MONTH_DAY.is_match(x) || SLASH_DATE.is_match(x);
    if !dated(&a) || !dated(&b) {
        return None;
    }
    let first = day_of(&date_value(&a, today)?)?;
    let last = day_of(&date_value(&b, today)?)?;
    // A run written backwards or over a year end is left to Duckling.
    if last < first || last - first > Duration::days(62) {
        return None;
    }
    Some(TimeValue::Interval {
        from: Some(TimePoint::Naive {
            value: first.and_time(NaiveTime::MIN),
            grain: DGrain::Day,
        }),
        to: Some(TimePoint::Naive {
            value: (last + Duration::days(1)).and_time(NaiveTime::MIN),
            grain: DGrain::Day,
        }),
        values: Vec::new(),
        holiday: None,
    })
}

fn day_of(v: &TimeValue) -> Option<NaiveDate> {
    match v {
        TimeValue::Single {
            value: TimePoint::Naive { value, .. },
            ..
        } => Some(value.date()),
        _ => None,
    }
}

fn date_value(lower: &str, today: NaiveDate) -> Option<TimeValue> {
    if let Some(v) = date_range(lower, today) {
        return Some(v);
    }
    if let Some(c) = WEEKDAY.captures(lower) {
        let wd = weekday(c.get(1)?.as_str())?;
        // Duckling: a bare weekday is the next one strictly after today.
        let ahead = (7 + wd.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return Some(day(today + Duration::days(i64::from(ahead))));
    }
    if let Some(c) = RELATIVE_DAY.captures(lower) {
        let offset = if c.get(1)?.as_str() == "today" { 0 } else { 1 };
        return Some(day(today + Duration::days(offset)));
    }
    if let Some(c) = MONTH.captures(lower) {
        // Duckling: this month or the next one of that name.
        let m = month(c.get(1)?.as_str())?;
        let year = if m >= today.month() {
            today.year()
        } else {
            today.year() + 1
        };
        let first = NaiveDate::from_ymd_opt(year, m, 1)?;
        return Some(single(first.and_time(NaiveTime::MIN), DGrain::Month));
    }
    if let Some(c) = MONTH_DAY.captures(lower) {
        let m = month(c.get(2)?.as_str())?;
        let d: u32 = c.get(3)?.as_str().parse().ok()?;
        let wd = c.get(1).map(|w| weekday(w.as_str()));
        if let Some(y) = c.get(4) {
            let date = NaiveDate::from_ymd_opt(y.as_str().parse().ok()?, m, d)?;
            return weekday_agrees(date, wd).then(|| day(date));
        }
        // Duckling: the next such date on or after today; with a weekday, the next year
        // where it falls on that weekday.
        return (0..8).find_map(|k| {
            let date = NaiveDate::from_ymd_opt(today.year() + k, m, d)?;
            (date >= today && weekday_agrees(date, wd)).then(|| day(date))
        });
    }
    if let Some(c) = DAY_OF_MONTH.captures(lower) {
        let d: u32 = c.get(2)?.as_str().parse().ok()?;
        let wd = c.get(1).map(|w| weekday(w.as_str()));
        // Duckling: the next month that has that day (on that weekday, when one is named).
        let mut first = today.with_day(1)?;
        for _ in 0..48 {
            if let Some(date) = first.with_day(d)
                && date >= today
                && weekday_agrees(date, wd)
            {
                return Some(day(date));
            }
            first = first.checked_add_months(chrono::Months::new(1))?;
        }
        return None;
    }
    if let Some(c) = WEEK.captures(lower) {
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let monday = if c.get(1)?.as_str() == "next" {
            monday + Duration::days(7)
        } else {
            monday
        };
        return Some(single(monday.and_time(NaiveTime::MIN), DGrain::Week));
    }
    if let Some(c) = SLASH_DATE.captures(lower) {
        let m: u32 = c.get(2)?.as_str().parse().ok()?;
        let d: u32 = c.get(3)?.as_str().parse().ok()?;
        let wd = c.get(1).map(|w| weekday(w.as_str()));
        return (0..8).find_map(|k| {
            let date = NaiveDate::from_ymd_opt(today.year() + k, m, d)?;
            (date >= today && weekday_agrees(date, wd)).then(|| day(date))
        });
    }
    None
}

fn weekday_agrees(date: NaiveDate, wd: Option<Option<Weekday>>) -> bool {
    match wd {
        None => true,
        Some(Some(w)) => date.weekday() == w,
        Some(None) => false,
    }
}

fn to_24h(hour: u32, meridiem: Option<&str>) -> Option<u32> {
    match meridiem.map(|m| m.starts_with('p')) {
        None => (hour <= 23).then_some(hour),
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            Some(match (pm, hour) {
                (false, 12) => 0,
                (false, h) => h,
                (true, 12) => 12,
                (true, h) => h + 12,
            })
        }
    }
}

/// Duckling's next occurrence of a clock time: today if not past, else tomorrow. "10:30"
/// without am/pm may be either half of the day, whichever comes first; "at 7" is 7 as
/// written. (The conventions then read hours without am/pm as business hours.)
fn next_clock(
    reference: NaiveDateTime,
    hour: u32,
    minute: u32,
    either_half: bool,
) -> Option<NaiveDateTime> {
    let today = reference.date();
    let mut hours = vec![hour];
    if either_half && (1..=12).contains(&hour) {
        hours.push((hour + 12) % 24);
    }
    let mut all: Vec<NaiveDateTime> = Vec::new();
    for h in hours {
        let at = today.and_hms_opt(h, minute, 0)?;
        all.push(at);
        all.push(at + Duration::days(1));
    }
    all.sort();
    all.into_iter().find(|c| *c >= reference)
}

fn clock_value(lower: &str, reference: NaiveDateTime) -> Option<TimeValue> {
    if let Some(c) = CLOCK.captures(lower) {
        let hour: u32 = c.get(1)?.as_str().parse().ok()?;
        let minute: u32 = c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
        if minute > 59 {
            return None;
        }
        let meridiem = c.get(3).map(|m| m.as_str());
        let h = to_24h(hour, meridiem)?;
        // A bare number with neither minutes nor am/pm is Duckling's latent hour: leave it.
        if c.get(2).is_none()
            && meridiem.is_none()
            && !lower.starts_with("at")
            && !lower.starts_with('@')
        {
            return None;
        }
        let grain = if c.get(2).is_some() {
            DGrain::Minute
        } else {
            DGrain::Hour
        };
        let either_half = meridiem.is_none() && c.get(2).is_some();
        let at = next_clock(reference, h, minute, either_half)?;
        return Some(single(at, grain));
    }
    if lower == "noon" || lower == "at noon" {
        return Some(single(next_clock(reference, 12, 0, false)?, DGrain::Hour));
    }
    if let Some(c) = CLOCK_RANGE.captures(lower) {
        return clock_range(&c, reference);
    }
    if let Some(c) = CLOCK_BOUND.captures(lower) {
        let hour: u32 = c.get(2)?.as_str().parse().ok()?;
        let minute: u32 = c.get(3).map_or(Some(0), |m| m.as_str().parse().ok())?;
        if minute > 59 {
            return None;
        }
        let h = to_24h(hour, c.get(4).map(|m| m.as_str()))?;
        let grain = if c.get(3).is_some() {
            DGrain::Minute
        } else {
            DGrain::Hour
        };
        let at = next_clock(reference, h, minute, false)?;
        let point = Some(TimePoint::Naive { value: at, grain });
        let opens = matches!(c.get(1)?.as_str(), "after" | "from");
        return Some(TimeValue::Interval {
            from: if opens { point.clone() } else { None },
            to: if opens { None } else { point },
            values: Vec::new(),
            holiday: None,
        });
    }
    None
}

/// "10 to 11:30 AM", "3-4pm", "between 2 and 4": Duckling's closed interval, whose end is
/// one grain past the last named unit (3-4pm is 15:00 to 17:00).
fn clock_range(c: &regex::Captures<'_>, reference: NaiveDateTime) -> Option<TimeValue> {
    let lead = c.get(1).map(|m| m.as_str().trim());
    let joiner = c.get(5)?.as_str();
    // "and" joins a range only after "between"; "between 2 - 4" is not a form we know.
    if (joiner == "and") != (lead == Some("between")) {
        return None;
    }
    let num = |i: usize| -> Option<u32> { c.get(i)?.as_str().parse().ok() };
    let (h1, h2) = (num(2)?, num(6)?);
    let (m1, m2) = (num(3).unwrap_or(0), num(7).unwrap_or(0));
    if m1 > 59 || m2 > 59 {
        return None;
    }
    let (mer1, mer2) = (c.get(4).map(|m| m.as_str()), c.get(8).map(|m| m.as_str()));
    // Only the plain forms: an am/pm on the end only, or on both.
    let (s, e) = match (mer1, mer2) {
        (None, None) => (to_24h(h1, None)?, to_24h(h2, None)?),
        (None, Some(m)) => (to_24h(h1, Some(m))?, to_24h(h2, Some(m))?),
        (Some(a), Some(b)) => (to_24h(h1, Some(a))?, to_24h(h2, Some(b))?),
        (Some(_), None) => return None,
    };
    // "2 to 4", "11 to 1" without am/pm: Duckling reads "from 2 to 3" as 2:58 (minutes to
    // the hour). Here the hours stay as written, "11 to 1" ends at 13:00, and the
    // conventions read them as business hours.
    let e = if mer2.is_none() && e <= s && e + 12 > s && e + 12 <= 23 {
        e + 12
    } else {
        e
    };
    let start_t = NaiveTime::from_hms_opt(s, m1, 0)?;
    let end_t = NaiveTime::from_hms_opt(e, m2, 0)?;
    if end_t <= start_t {
        return None;
    }
    let minutes = c.get(3).is_some() || c.get(7).is_some();
    let (grain, step) = if minutes {
        (DGrain::Minute, Duration::minutes(1))
    } else {
        (DGrain::Hour, Duration::hours(1))
    };
    let today = reference.date();
    let start = today.and_time(start_t);
    let start = if start >= reference {
        start
    } else {
        start + Duration::days(1)
    };
    let end = start.date().and_time(end_t) + step;
    Some(TimeValue::Interval {
        from: Some(TimePoint::Naive {
            value: start,
            grain,
        }),
        to: Some(TimePoint::Naive { value: end, grain }),
        values: Vec::new(),
        holiday: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};
    use duckling::{Context, DimensionKind, DimensionValue, Lang, Locale, Options};

    fn duck(text: &str, reference: NaiveDateTime) -> Option<TimeValue> {
        all_duck(text, reference)
            .into_iter()
            .find_map(|(start, end, v)| (start == 0 && end == text.len()).then_some(v))
    }

    /// A single time as (value, grain); a range as its clock times, length and grain (a
    /// range is always placed on a day by the caller, so its date is not compared).
    fn point(v: &TimeValue) -> Option<(String, DGrain)> {
        match v {
            TimeValue::Single {
                value: TimePoint::Naive { value, grain },
                ..
            } => Some((value.to_string(), *grain)),
            TimeValue::Interval {
                from: Some(TimePoint::Naive { value: a, grain }),
                to: Some(TimePoint::Naive { value: b, .. }),
                ..
            } => Some((
                format!(
                    "{}..{} ({} min)",
                    a.time(),
                    b.time(),
                    (*b - *a).num_minutes()
                ),
                *grain,
            )),
            _ => None,
        }
    }

    /// Every phrase the fast path answers, at several reference times (a Wednesday
    /// morning, a Friday evening, New Year's Eve, a leap-year February): the same answer as
    /// Duckling's, value and grain.
    #[test]
    fn agrees_with_duckling() {
        let refs = [
            (2026, 11, 25, 10, 0),
            (2026, 11, 27, 19, 30),
            (2026, 12, 31, 16, 0),
            (2028, 2, 27, 8, 15),
        ];
        let dates = [
            "Tuesday",
            "on Friday",
            "this Monday",
            "wed",
            "Sunday",
            "today",
            "tomorrow",
            "Nov 3",
            "November 30",
            "Dec 31",
            "Jan 1",
            "Feb 29",
            "March 3rd",
            "on Sept 14",
            "Wednesday, December 2",
            "Fri, Jan 15",
            "12/1",
            "1/12",
            "Tue 1/12",
            "2/29",
            "July 4, 2027",
        ];
        let more = [
            "the 20th",
            "on the 1st",
            "Wednesday the 11th",
            "Tuesday the 28th",
            "Tuesday 28th",
            "Wednesday 11th",
            "thu 3rd",
            "Sunday 31st",
            "next week",
            "this week",
        ];
        let dates = [&dates[..], &more[..]].concat();
        let clocks = [
            "3pm",
            "at 3pm",
            "10:30",
            "at 10:30",
            "9am",
            "11:45 am",
            "12pm",
            "12am",
            "at 7",
            "at 12",
            "15:00",
            "08:30",
            "3:00 PM",
            "noon",
            "at noon",
            "3-4pm",
            "from 3pm to 5pm",
            "10 to 11:30 am",
            "from 10 to 11:30 am",
            "10:00-11:00 am",
            "2:00-3:00 pm",
            "9:30-10:30 am",
            "between 15:00 and 18:00",
            "13:00-14:30",
            "10am-12pm",
            "from 9am to 5pm",
            "between 1pm and 3pm",
        ];
        let mut checked = 0;
        for (y, m, d, h, mi) in refs {
            let reference = NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|x| x.and_hms_opt(h, mi, 0))
                .expect("reference");
            for (role, list) in [(Role::Date, &dates[..]), (Role::Clock, &clocks[..])] {
                for text in list {
                    let Some((_, ours)) = resolve(text, role, reference) else {
                        continue;
                    };
                    // Duckling finds no "Feb 29" in a year without one; we take the next leap
                    // year's. Everywhere Duckling answers, we must answer the same.
                    if super::super::conventions::part_of_day(&text.to_ascii_lowercase()).is_some()
                    {
                        continue;
                    }
                    let plain_hours = CLOCK_RANGE
                        .captures(&text.to_ascii_lowercase())
                        .is_some_and(|c| {
                            c.get(4).is_none() && c.get(8).is_none() && c.get(3).is_none()
                        });
                    if plain_hours {
                        continue;
                    }
                    let Some(theirs) = duck(text, reference) else {
                        continue;
                    };
                    assert_eq!(point(&ours), point(&theirs), "{text:?} at {reference}");
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 150,
            "only {checked} phrases answered by the fast path"
        );
    }

    /// A run of days: the whole interval Duckling gives, both ends.
    #[test]
    fn date_runs_agree_with_duckling() {
        let reference = NaiveDate::from_ymd_opt(2026, 5, 20)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("reference");
        let mut checked = 0;
        for text in [
            "from Monday June 8 to Friday June 12",
            "June 8 to June 12",
            "from June 8 to June 12",
            "Jun 8 - Jun 12",
            "between June 8 and June 12",
            "from 6/8 to 6/12",
            "November 26 through November 30",
            "from December 1 2026 to December 15 2026",
            "from December 28 2026 to December 31 2026",
            "from 8 to 10 June",
            "from June 1 2026 to 15 June 2026",
            "from 8 to 10 July",
        ] {
            let Some((_, ours)) = resolve(text, Role::Date, reference) else {
                panic!("{text} takes the fast path");
            };
            if let Some(theirs) = duck(text, reference) {
                let ends = |v: &TimeValue| match v {
                    TimeValue::Interval {
                        from: Some(TimePoint::Naive { value: a, grain }),
                        to: Some(TimePoint::Naive { value: b, .. }),
                        ..
                    } => Some((*a, *b, *grain)),
                    _ => None,
                };
                assert_eq!(ends(&ours), ends(&theirs), "{text}");
                checked += 1;
            }
        }
        assert!(checked >= 3, "Duckling answered only {checked} of the runs");
    }

    fn all_duck(text: &str, reference: NaiveDateTime) -> Vec<(usize, usize, TimeValue)> {
        let offset = FixedOffset::west_opt(5 * 3600).expect("offset");
        let r = offset
            .from_local_datetime(&reference)
            .single()
            .expect("reference");
        let locale = Locale::new(Lang::EN, None);
        let ctx = Context::new(r, locale);
        duckling::parse(
            text,
            &locale,
            &[DimensionKind::Time],
            &ctx,
            &Options { with_latent: false },
        )
        .into_iter()
        .filter_map(|e| match e.value {
            DimensionValue::Time(v) => Some((e.start, e.end, v)),
            _ => None,
        })
        .collect()
    }

    /// A date after neutral words: the same value Duckling gives for the date, and the
    /// span Duckling gives it.
    #[test]
    fn neutral_leads_agree_with_duckling() {
        let refs = [(2026, 11, 25, 10, 0), (2026, 12, 31, 16, 0)];
        let mut checked = 0;
        for (y, m, d, h, mi) in refs {
            let reference = NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|x| x.and_hms_opt(h, mi, 0))
                .expect("reference");
            for text in [
                "about Nov 9",
                "around Dec 3",
                "hour on January 11",
                "an hour on Dec 4",
                "2 hours on 9/24",
                "30 minutes on the 4th",
                "am February 11",
                "pm Dec 14",
                "about the 20th",
            ] {
                let Some((span, ours)) = resolve(text, Role::Date, reference) else {
                    panic!("{text} takes the fast path");
                };
                let theirs = all_duck(text, reference);
                let Some((a, b, v)) = theirs.iter().find(|(_, b, _)| *b == text.len()) else {
                    continue;
                };
                assert_eq!((span.start, span.end), (*a, *b), "{text:?} span");
                assert_eq!(point(&ours), point(v), "{text:?} at {reference}");
                checked += 1;
            }
        }
        assert!(checked >= 10, "Duckling answered only {checked}");
    }

    #[test]
    fn common_forms_take_the_fast_path() {
        let reference = NaiveDate::from_ymd_opt(2026, 11, 25)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("reference");
        for text in [
            "Tuesday",
            "Nov 4",
            "1/12",
            "Wednesday the 11th",
            "next week",
            "tomorrow",
        ] {
            assert!(resolve(text, Role::Date, reference).is_some(), "{text}");
        }
        for text in [
            "3pm",
            "at 10:30",
            "3-4pm",
            "10 to 11:30 AM",
            "between 15:00 and 18:00",
            "2:00-3:00 PM",
        ] {
            assert!(resolve(text, Role::Clock, reference).is_some(), "{text}");
        }
        // Hours without am/pm stay as written, for the business-hour reading.
        let Some((_, v)) = resolve("from 2 to 3", Role::Clock, reference) else {
            panic!("from 2 to 3");
        };
        assert_eq!(
            point(&v).map(|p| p.0),
            Some("02:00:00..04:00:00 (120 min)".to_string()),
            "the end is one grain past the last hour, as Duckling closes ranges"
        );
    }
}
