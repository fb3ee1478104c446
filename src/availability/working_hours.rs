//! Working hours per weekday in the user's zone, turned into UTC windows one local day at a time.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde_json::Value;

use super::error::AvailabilityError;
use super::interval::Interval;
use super::zone::local_to_utc;

/// One working range of a day: from `start` to `end`, where `end` at or before `start` (or
/// "24:00") means the next day's clock, for a shift that crosses midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkRange {
    start: NaiveTime,
    end: NaiveTime,
    ends_next_day: bool,
}

impl WorkRange {
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, AvailabilityError> {
        if start == end && start != NaiveTime::MIN {
            return Err(AvailabilityError::WorkingHours(format!(
                "range {start}–{end} is empty"
            )));
        }
        Ok(Self {
            start,
            end,
            ends_next_day: end <= start,
        })
    }

    fn parse(value: &Value) -> Result<Self, AvailabilityError> {
        let field = |name: &str| -> Result<&str, AvailabilityError> {
            value.get(name).and_then(Value::as_str).ok_or_else(|| {
                AvailabilityError::WorkingHours(format!("missing \"{name}\" in {value}"))
            })
        };
        let start = parse_clock(field("start")?)?;
        let end_text = field("end")?;
        if end_text.trim() == "24:00" {
            return Self::new(start, NaiveTime::MIN);
        }
        Self::new(start, parse_clock(end_text)?)
    }

    /// The instants of this range on local `date` in `zone`. Each end is converted on its own
    /// date, so a 09:00–17:00 day is 8 hours on a DST change day too (the change is at night).
    pub fn on(&self, date: NaiveDate, zone: Tz) -> Option<Interval> {
        let end_date = if self.ends_next_day {
            date.succ_opt()?
        } else {
            date
        };
        let start = local_to_utc(&zone, date.and_time(self.start));
        let end = local_to_utc(&zone, end_date.and_time(self.end));
        Interval::new(start, end).ok()
    }

    pub fn start(&self) -> NaiveTime {
        self.start
    }

    pub fn end(&self) -> NaiveTime {
        self.end
    }
}

fn parse_clock(text: &str) -> Result<NaiveTime, AvailabilityError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"))
        .map_err(|_| AvailabilityError::WorkingHours(format!("bad clock time {text:?}")))
}

const DAY_NAMES: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// Working ranges per weekday; a day with none is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    days: [Vec<WorkRange>; 7],
}

impl WorkingHours {
    /// Monday to Friday, 09:00–17:00 (the seed's default).
    pub fn standard() -> Self {
        let nine_to_five = WorkRange {
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
            ends_next_day: false,
        };
        let mut days: [Vec<WorkRange>; 7] = Default::default();
        for day in days.iter_mut().take(5) {
            day.push(nine_to_five);
        }
        Self { days }
    }

    pub fn from_ranges(per_day: impl IntoIterator<Item = (Weekday, Vec<WorkRange>)>) -> Self {
        let mut days: [Vec<WorkRange>; 7] = Default::default();
        for (day, mut ranges) in per_day {
            ranges.sort_by_key(|r| r.start);
            days[day.num_days_from_monday() as usize] = ranges;
        }
        Self { days }
    }

    /// Parses the seed's `user_preferences.working_hours` JSON:
    /// `{"monday": {"start": "09:00", "end": "17:00"}, ...}`; a day may also be a list of ranges
    /// (`[{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]`) or `null`.
    pub fn from_json(value: &Value) -> Result<Self, AvailabilityError> {
        let map = value.as_object().ok_or_else(|| {
            AvailabilityError::WorkingHours(format!("expected an object, got {value}"))
        })?;
        if let Some(unknown) = map
            .keys()
            .find(|k| !DAY_NAMES.iter().any(|(n, _)| n.eq_ignore_ascii_case(k)))
        {
            return Err(AvailabilityError::WorkingHours(format!(
                "unknown day {unknown:?}"
            )));
        }
        let mut per_day = Vec::new();
        for (name, weekday) in DAY_NAMES {
            let Some((_, day)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) else {
                continue;
            };
            let ranges = match day {
                Value::Null => Vec::new(),
                Value::Array(items) => items
                    .iter()
                    .map(WorkRange::parse)
                    .collect::<Result<Vec<_>, _>>()?,
                other => vec![WorkRange::parse(other)?],
            };
            let mut sorted = ranges.clone();
            sorted.sort_by_key(|r| r.start);
            // Ranges of one day must not overlap, or the same hour would be offered twice.
            for pair in sorted.windows(2) {
                if pair[0].ends_next_day || pair[0].end > pair[1].start {
                    return Err(AvailabilityError::WorkingHours(format!(
                        "{name}: ranges overlap"
                    )));
                }
            }
            per_day.push((weekday, sorted));
        }
        Ok(Self::from_ranges(per_day))
    }

    pub fn ranges(&self, day: Weekday) -> &[WorkRange] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Every working window of the local dates `first..=last` in `zone`, with the date it
    /// belongs to, in date order.
    pub fn windows(
        &self,
        zone: Tz,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Vec<(NaiveDate, Interval)> {
        let mut out = Vec::new();
        for date in first.iter_days().take_while(|d| *d <= last) {
            for range in self.ranges(date.weekday()) {
                if let Some(window) = range.on(date, zone) {
                    out.push((date, window));
                }
            }
        }
        out
    }
}
