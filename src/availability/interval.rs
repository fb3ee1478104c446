//! Half-open UTC intervals and floating date spans: the two shapes of time the engine reasons about.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::AvailabilityError;
use super::zone::local_to_utc;

/// `[start, end)` in UTC; `end > start` always holds, so no caller re-checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawInterval")]
pub struct Interval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

#[derive(Deserialize)]
struct RawInterval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TryFrom<RawInterval> for Interval {
    type Error = AvailabilityError;
    fn try_from(raw: RawInterval) -> Result<Self, Self::Error> {
        Interval::new(raw.start, raw.end)
    }
}

impl Interval {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, AvailabilityError> {
        if end <= start {
            return Err(AvailabilityError::EmptyInterval { start, end });
        }
        Ok(Self { start, end })
    }

    /// An interval of a positive length; `None` for a zero or negative length.
    pub fn starting_at(start: DateTime<Utc>, length: TimeDelta) -> Option<Self> {
        Self::new(start, start.checked_add_signed(length)?).ok()
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    pub fn duration(&self) -> TimeDelta {
        self.end - self.start
    }

    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn contains_instant(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    pub fn intersection(&self, other: &Interval) -> Option<Interval> {
        Interval::new(self.start.max(other.start), self.end.min(other.end)).ok()
    }

    /// Widened by non-negative margins (buffers), so the invariant still holds.
    pub(crate) fn widened(&self, before: TimeDelta, after: TimeDelta) -> Interval {
        let before = before.max(TimeDelta::zero());
        let after = after.max(TimeDelta::zero());
        Interval {
            start: self.start.checked_sub_signed(before).unwrap_or(self.start),
            end: self.end.checked_add_signed(after).unwrap_or(self.end),
        }
    }
}

/// Whole days `[first, end_exclusive)` of a floating calendar date (an all-day event, RFC 5545
/// §3.3.4 DATE): it has no zone of its own and means those dates wherever the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawDateSpan")]
pub struct DateSpan {
    first: NaiveDate,
    end_exclusive: NaiveDate,
}

#[derive(Deserialize)]
struct RawDateSpan {
    first: NaiveDate,
    end_exclusive: NaiveDate,
}

impl TryFrom<RawDateSpan> for DateSpan {
    type Error = AvailabilityError;
    fn try_from(raw: RawDateSpan) -> Result<Self, Self::Error> {
        DateSpan::new(raw.first, raw.end_exclusive)
    }
}

impl DateSpan {
    pub fn new(first: NaiveDate, end_exclusive: NaiveDate) -> Result<Self, AvailabilityError> {
        if end_exclusive <= first {
            return Err(AvailabilityError::EmptyDateSpan {
                first,
                end_exclusive,
            });
        }
        Ok(Self {
            first,
            end_exclusive,
        })
    }

    pub fn single(date: NaiveDate) -> Self {
        Self {
            first: date,
            end_exclusive: date.succ_opt().unwrap_or(date),
        }
    }

    /// Reads back an all-day event stored as UTC midnights in a `TIMESTAMPTZ` pair (the seed's
    /// `start_time`/`end_time` with `all_day = true`): only the dates are meaningful.
    pub fn from_utc_midnights(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Self, AvailabilityError> {
        let first = start.date_naive();
        // An end at 00:00 is exclusive; any later clock time still covers that date.
        let end_date = end.date_naive();
        let end_exclusive = if end.time() == chrono::NaiveTime::MIN {
            end_date
        } else {
            end_date.succ_opt().unwrap_or(end_date)
        };
        Self::new(first, end_exclusive.max(first.succ_opt().unwrap_or(first)))
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn end_exclusive(&self) -> NaiveDate {
        self.end_exclusive
    }

    /// The instants these dates cover in `zone`, local midnight to local midnight.
    pub fn in_zone(&self, zone: Tz) -> Interval {
        let start = local_to_utc(&zone, self.first.and_time(chrono::NaiveTime::MIN));
        let end = local_to_utc(&zone, self.end_exclusive.and_time(chrono::NaiveTime::MIN));
        Interval::new(start, end).unwrap_or(Interval {
            start,
            end: start + TimeDelta::days(1),
        })
    }

    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.first <= date && date < self.end_exclusive
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reversed_interval_is_refused() {
        let a = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        assert!(Interval::new(a, a).is_err());
        assert!(Interval::new(a, a - TimeDelta::minutes(1)).is_err());
        let json = r#"{"start":"2026-03-01T10:00:00Z","end":"2026-03-01T09:00:00Z"}"#;
        assert!(serde_json::from_str::<Interval>(json).is_err());
    }

    #[test]
    fn all_day_span_is_local_midnights_of_the_given_zone() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        // 2026-03-08 is the US spring-forward day: that date is 23 hours long in New York.
        let day = DateSpan::single(d).in_zone(chrono_tz::America::New_York);
        assert_eq!(
            day.start(),
            Utc.with_ymd_and_hms(2026, 3, 8, 5, 0, 0).unwrap()
        );
        assert_eq!(day.duration(), TimeDelta::hours(23));
    }

    #[test]
    fn stored_utc_midnights_read_back_as_dates() {
        let s = Utc.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap();
        let span = DateSpan::from_utc_midnights(s, s + TimeDelta::days(2)).unwrap();
        assert_eq!(span.first(), NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
        assert_eq!(
            span.end_exclusive(),
            NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
        );
    }
}
