//! Rewrites relative and numbered weeks Duckling cannot read into forms it can.
//!
//! Duckling 0.4 reads "the week of 2026-05-11" and "two weeks from now" but not "the week
//! after next", "week 46" (the ISO 8601 week number common in European mail) or "two weeks
//! from today"; these need the reference date, so they are rewritten here, before the cue
//! scan, rather than in `translate`.

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

/// The text with relative and numbered weeks spelled as "the week of YYYY-MM-DD" (that
/// week's Monday) and "N weeks from today" as "N weeks from now"; unchanged when there are
/// none.
pub fn rewrite(text: &str, today: NaiveDate) -> Cow<'_, str> {
    if !(AFTER_NEXT.is_match(text) || NUMBERED.is_match(text) || FROM_TODAY.is_match(text)) {
        return Cow::Borrowed(text);
    }
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let out = AFTER_NEXT.replace_all(text, |_: &Captures| {
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
}
