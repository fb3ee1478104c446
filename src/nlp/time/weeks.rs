//! Rewrites relative and numbered weeks, and other runs of days, Duckling cannot read into
//! forms it can.
//!
//! Duckling 0.4 reads "the week of 2026-05-11" and "two weeks from now" but not "the week
//! after next", "week 46" (the ISO 8601 week number common in European mail), "two weeks
//! from today", "w/c 19 Oct", "the first half of December" or "between Christmas and New
//! Year"; these need the reference date, so they are rewritten here, before the cue scan,
//! rather than in `translate`. The runs of days follow the issue's judgement calls: the
//! first half of a month is the 1st to the 15th, the second half the 16th to its last day,
//! and the days between Christmas and New Year are the business days from the one after
//! Christmas Day to December 31 (holidays ignored, as for "before the 20th").

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};

static AFTER_NEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:the\s+)?week\s+after\s+next\b|\bübernächste[n]?\s+woche\b")
        .unwrap_or_else(|_| unreachable!())
});

static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:calendar\s+week|week|cw|kw|kalenderwoche)\s*(\d{1,2})\b")
        .unwrap_or_else(|_| unreachable!())
});

static FROM_TODAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(weeks?|days?)\s+from\s+today\b").unwrap_or_else(|_| unreachable!())
});

/// "w/c 19 Oct", "w/b Monday": the British shorthands for a week commencing (beginning).
static WEEK_COMMENCING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bw/[cb]\b\.?").unwrap_or_else(|_| unreachable!()));

/// "between Christmas and New Year", "between Xmas and New Year's", "zwischen den Jahren".
static CHRISTMAS_TO_NEW_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbetween\s+(?:christmas|xmas)\s+and\s+(?:the\s+)?new\s+years?(?:'s|’s)?(?:\s+(?:day|eve))?\b|\bzwischen\s+den\s+jahren\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "the first half of December", "in the second half of next month".
static MONTH_HALF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in\s+)?(?:the\s+)?(first|1st|second|2nd|latter|last)\s+half\s+of\s+(?:the\s+month\s+of\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|next\s+month|this\s+month)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "the first week of August", "in the last week of next month": a week counted in a month.
static MONTH_WEEK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?:in|during)\s+)?(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last|final)\s+(?:full\s+)?week\s+(?:of|in)\s+(?:the\s+month\s+of\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|next\s+month|this\s+month)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "the week of March 18", "week of 18 March", "the week of the 18th": the week that holds the
/// day, whichever weekday it is.
static WEEK_OF_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:the\s+)?week\s+of\s+(?:(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?|(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b)?)\b(?:,?\s+(\d{4})\b)?")
        .unwrap_or_else(|_| unreachable!())
});

/// "the week of 2026-12-07, or failing that the week after": the week after the one just
/// named. Only where "the week after" stands alone, not "the week after the conference".
static WEEK_AFTER_NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bthe week of (\d{4}-\d{2}-\d{2})([^.?!\n]{0,80}?)\b(?:the\s+)?week\s+after\b(\s*(?:[,.?!;)]|$|that\b|too\b|instead\b|as\s+well\b|also\b|works\b|would\b|is\b|if\b|or\b|and\b))")
        .unwrap_or_else(|_| unreachable!())
});

use super::normalise::MONTH_NAMES as MONTHS;

/// The first day of the month named ("August", "aug", "next month", "this month"): this
/// year's, or next year's once it has passed.
fn named_month(month: &str, today: NaiveDate) -> Option<NaiveDate> {
    let month = month.to_ascii_lowercase();
    let number = if month.starts_with("next") {
        today.month() % 12 + 1
    } else if month.starts_with("this") {
        today.month()
    } else {
        let k = MONTHS
            .iter()
            .position(|m| m.to_ascii_lowercase().starts_with(&month[..3]))?;
        u32::try_from(k).ok()? + 1
    };
    let year = if number < today.month() {
        today.year() + 1
    } else {
        today.year()
    };
    NaiveDate::from_ymd_opt(year, number, 1)
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The `which` week of the month as Duckling counts it: the first is the week of the month's
/// first Monday, the second the one after, the last the last Monday-to-Sunday week that ends
/// inside the month.
fn month_week(which: &str, month: &str, today: NaiveDate) -> Option<String> {
    let first = named_month(month, today)?;
    let last = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?;
    let n = match which.to_ascii_lowercase().as_str() {
        "first" | "1st" => 0,
        "second" | "2nd" => 1,
        "third" | "3rd" => 2,
        "fourth" | "4th" => 3,
        _ => {
            let sunday = last - Duration::days(i64::from(last.weekday().num_days_from_sunday()));
            return Some(week_of(sunday - Duration::days(6)));
        }
    };
    let mut monday = first;
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    let monday = monday + Duration::days(7 * n);
    (monday <= last).then(|| week_of(monday))
}

/// "the week of March 18" as the week of its Monday (a Monday is left as written unless
/// `always`). The day is this year's (this month's
/// for "the 18th") unless its week is over, then the next one's.
fn week_of_day(c: &Captures, today: NaiveDate, always: bool) -> Option<String> {
    let (month, day) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
        (Some(m), Some(d), _, _) => (Some(m.as_str()), d.as_str()),
        (_, _, Some(d), m) => (m.map(|m| m.as_str()), d.as_str()),
        _ => return None,
    };
    let day: u32 = day.parse().ok()?;
    let this_monday = monday_of(today);
    let date = match month {
        Some(m) => {
            let k = MONTHS.iter().position(|n| {
                n.to_ascii_lowercase()
                    .starts_with(&m.to_ascii_lowercase()[..3])
            })?;
            let month = u32::try_from(k).ok()? + 1;
            let d = NaiveDate::from_ymd_opt(today.year(), month, day)?;
            if monday_of(d) < this_monday {
                NaiveDate::from_ymd_opt(today.year() + 1, month, day)?
            } else {
                d
            }
        }
        None => {
            let d = NaiveDate::from_ymd_opt(today.year(), today.month(), day)?;
            if monday_of(d) < this_monday {
                let next = today
                    .with_day(1)?
                    .checked_add_months(chrono::Months::new(1))?;
                NaiveDate::from_ymd_opt(next.year(), next.month(), day)?
            } else {
                d
            }
        }
    };
    let date = match c.get(5).and_then(|y| y.as_str().parse::<i32>().ok()) {
        Some(year) => date.with_year(year)?,
        None => date,
    };
    // A Monday already reads right as written; only another weekday needs its week's Monday.
    // Duckling's week of a Saturday or Sunday is the one that starts after it.
    let monday = match date.weekday() {
        Weekday::Sat => date + Duration::days(2),
        Weekday::Sun => date + Duration::days(1),
        _ => monday_of(date),
    };
    (always || date.weekday() != Weekday::Mon).then(|| week_of(monday))
}

/// A day spelled so Duckling reads it, with its year: "28 December 2026".
fn spelled(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// The business days from the one after Christmas Day to December 31 of `today`'s year.
fn christmas_to_new_year(today: NaiveDate) -> Option<String> {
    let christmas = NaiveDate::from_ymd_opt(today.year(), 12, 25)?;
    let mut first = christmas + Duration::days(1);
    while matches!(first.weekday(), Weekday::Sat | Weekday::Sun) {
        first += Duration::days(1);
    }
    let mut last = NaiveDate::from_ymd_opt(today.year(), 12, 31)?;
    while matches!(last.weekday(), Weekday::Sat | Weekday::Sun) {
        last -= Duration::days(1);
    }
    Some(format!("from {} to {}", spelled(first), spelled(last)))
}

/// The half of the named month (this year's, or next year's once it has passed).
fn month_half(which: &str, month: &str, today: NaiveDate) -> Option<String> {
    let first = named_month(month, today)?;
    let last = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?;
    let (a, b) = if which.eq_ignore_ascii_case("first") || which.eq_ignore_ascii_case("1st") {
        (first, first + Duration::days(14))
    } else {
        (first + Duration::days(15), last)
    };
    Some(format!("from {} to {}", spelled(a), spelled(b)))
}

/// The text with relative and numbered weeks spelled as "the week of YYYY-MM-DD" (that
/// week's Monday), "N weeks from today" as "N weeks from now", "w/c" as "the week
/// commencing", and halves of months and the days between Christmas and New Year as runs
/// of dated days; unchanged when there are none.
pub fn rewrite(text: &str, today: NaiveDate) -> Cow<'_, str> {
    if !(AFTER_NEXT.is_match(text)
        || NUMBERED.is_match(text)
        || FROM_TODAY.is_match(text)
        || WEEK_COMMENCING.is_match(text)
        || CHRISTMAS_TO_NEW_YEAR.is_match(text)
        || MONTH_HALF.is_match(text)
        || MONTH_WEEK.is_match(text)
        || WEEK_OF_DAY.is_match(text))
    {
        return Cow::Borrowed(text);
    }
    let text = WEEK_COMMENCING.replace_all(text, |c: &Captures| {
        if c[0].to_ascii_lowercase().starts_with("w/b") {
            "the week beginning"
        } else {
            "the week commencing"
        }
    });
    let text = CHRISTMAS_TO_NEW_YEAR.replace_all(&text, |c: &Captures| {
        christmas_to_new_year(today).unwrap_or_else(|| c[0].to_string())
    });
    let text = MONTH_HALF.replace_all(&text, |c: &Captures| {
        month_half(&c[1], &c[2], today).unwrap_or_else(|| c[0].to_string())
    });
    let src = text.clone();
    let text = MONTH_WEEK.replace_all(&text, |c: &Captures| {
        // "the first week of January - Tuesday 5th or Wednesday 6th", "(the week of the
        // 4th)": the days written next to it are the offer, and the engine already reads a
        // week beside its own days; rewriting it would swallow them. Duckling reads a month
        // with its year ("first week of October 2014") and "the second last week" itself.
        let (start, end) = c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        let next = src[end..].trim_start();
        let before = src[..start].to_ascii_lowercase();
        if next.starts_with(['-', '–', '—', ':', '('])
            || next.starts_with(|ch: char| ch.is_ascii_digit())
            || next.starts_with(", 1")
            || next.starts_with(", 2")
            || before.ends_with("2nd ")
            || before.ends_with("second ")
        {
            return c[0].to_string();
        }
        month_week(&c[1], &c[2], today).unwrap_or_else(|| c[0].to_string())
    });
    let src = text.clone();
    let text = WEEK_OF_DAY.replace_all(&text, |c: &Captures| {
        // "the week of 7 December, or failing that the week after": the dated form lets the
        // week after be counted from it.
        let end = c.get(0).map_or(0, |m| m.end());
        let rest = &src[end..];
        let sentence = &rest[..rest.find(['.', '?', '!', '\n']).unwrap_or(rest.len())];
        let week_after = sentence.to_ascii_lowercase().contains("week after");
        week_of_day(c, today, week_after).unwrap_or_else(|| c[0].to_string())
    });
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let out = AFTER_NEXT.replace_all(&text, |_: &Captures| {
        week_of(this_monday + Duration::days(14))
    });
    let out = NUMBERED.replace_all(&out, |c: &Captures| {
        c[1].parse::<u32>()
            .ok()
            .and_then(|n| iso_week_monday(n, today))
            .map(week_of)
            .unwrap_or_else(|| c[0].to_string())
    });
    let out = FROM_TODAY.replace_all(&out, "$1 from now");
    let out = WEEK_AFTER_NAMED.replace_all(&out, |c: &Captures| {
        match NaiveDate::parse_from_str(&c[1], "%Y-%m-%d") {
            Ok(monday) => format!(
                "the week of {}{}{}{}",
                &c[1],
                &c[2],
                week_of(monday + Duration::days(7)),
                &c[3]
            ),
            Err(_) => c[0].to_string(),
        }
    });
    Cow::Owned(out.into_owned())
}

fn week_of(monday: NaiveDate) -> String {
    format!("the week of {}", monday.format("%Y-%m-%d"))
}

/// The Monday of ISO week `n`: of the reference's ISO year, or of the next year when that
/// week is already over ("week 2" written in December means January). `None` for a week
/// number the year does not have.
fn iso_week_monday(n: u32, today: NaiveDate) -> Option<NaiveDate> {
    let year = today.iso_week().year();
    let monday = NaiveDate::from_isoywd_opt(year, n, Weekday::Mon)?;
    if monday + Duration::days(7) <= today {
        NaiveDate::from_isoywd_opt(year + 1, n, Weekday::Mon)
    } else {
        Some(monday)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn the_week_after_next_is_the_monday_two_weeks_on() {
        // A Thursday: this week's Monday is the 2nd, the week after next starts the 16th.
        let out = rewrite("Can we do the week after next?", day(2026, 7, 9));
        assert_eq!(out, "Can we do the week of 2026-07-20?");
    }

    #[test]
    fn an_iso_week_number_is_its_monday_in_this_or_next_year() {
        // ISO week 1 of 2027 starts Monday 4 January 2027.
        assert_eq!(
            rewrite("visit in week 1", day(2026, 12, 10)),
            "visit in the week of 2027-01-04"
        );
        assert_eq!(
            rewrite("Termin in KW 12?", day(2026, 2, 3)),
            "Termin in the week of 2026-03-16?"
        );
        assert_eq!(rewrite("week 60 is odd", day(2026, 2, 3)), "week 60 is odd");
    }

    #[test]
    fn shorthand_weeks_halves_and_the_year_end_become_dated_runs() {
        assert_eq!(
            rewrite("free w/c 7 Dec?", day(2026, 11, 20)),
            "free the week commencing 7 Dec?"
        );
        assert_eq!(
            rewrite("sometime in the second half of February", day(2027, 1, 12)),
            "sometime from 16 February 2027 to 28 February 2027"
        );
        // Written in November, "first half of January" is next year's.
        assert_eq!(
            rewrite("the first half of jan works", day(2026, 11, 3)),
            "from 1 January 2027 to 15 January 2027 works"
        );
        // 2027: Christmas is a Saturday, so the 27th (Monday) to the 31st (Friday).
        assert_eq!(
            rewrite("a call between Xmas and New Year's?", day(2027, 12, 1)),
            "a call from 27 December 2027 to 31 December 2027?"
        );
    }

    #[test]
    fn weeks_from_today_count_from_now() {
        assert_eq!(
            rewrite("two weeks from today at 10am", day(2026, 6, 2)),
            "two weeks from now at 10am"
        );
        assert!(matches!(
            rewrite("next Tuesday", day(2026, 6, 2)),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_week_counted_in_a_month_is_counted_from_its_first_monday() {
        let today = day(2026, 2, 24);
        assert_eq!(
            rewrite("any time the first week of March", today),
            "any time the week of 2026-03-02"
        );
        assert_eq!(
            rewrite("the second week of March?", today),
            "the week of 2026-03-09?"
        );
        // April 2026 starts on a Wednesday and ends on a Thursday.
        assert_eq!(
            rewrite("in the first week of April", today),
            "the week of 2026-04-06"
        );
        assert_eq!(
            rewrite("the last week of April", today),
            "the week of 2026-04-20"
        );
        assert_eq!(
            rewrite("the first week of January", day(2026, 12, 28)),
            "the week of 2027-01-04"
        );
        // Days written beside it are the offer, and Duckling reads a month with its year.
        for left in [
            "the first week of January - Tuesday 5th or Wednesday 6th",
            "first week of october 2014",
            "the second last week of October 2018",
        ] {
            assert_eq!(rewrite(left, day(2026, 12, 28)), left);
        }
    }

    #[test]
    fn the_week_of_any_day_is_the_week_that_holds_it() {
        let today = day(2026, 2, 24);
        assert_eq!(
            rewrite("free in the week of March 18?", today),
            "free in the week of 2026-03-16?"
        );
        assert_eq!(
            rewrite("the week of 17 March 2027", today),
            "the week of 2027-03-15"
        );
        // A Monday reads right as written; the week of a Sunday is the one after it.
        assert_eq!(
            rewrite("the week of March 16", today),
            "the week of March 16"
        );
        assert_eq!(
            rewrite("the week of March 22", today),
            "the week of 2026-03-23"
        );
        // The 18th of this month is in a week already over: next month's.
        assert_eq!(
            rewrite("the week of the 18th", today),
            "the week of 2026-03-16"
        );
    }

    #[test]
    fn the_week_after_a_named_week_is_the_next_one() {
        assert_eq!(
            rewrite(
                "free in the week of 7 December, or failing that the week after?",
                day(2026, 11, 24)
            ),
            "free in the week of 2026-12-07, or failing that the week of 2026-12-14?"
        );
        // Not the week after an event.
        assert_eq!(
            rewrite(
                "the week of 7 December, or the week after the conference",
                day(2026, 11, 24)
            ),
            "the week of 2026-12-07, or the week after the conference"
        );
    }
}
