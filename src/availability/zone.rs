//! Local clock time to UTC instants, with one deliberate rule for DST gaps and overlaps.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::AvailabilityError;
use super::vtimezone::{CustomZone, PreparedCustomZone};

/// The instant a local clock time means in `zone`.
///
/// RFC 5545 §3.3.5 fixes both DST traps and we follow it everywhere (working hours, recurrences,
/// all-day midnights):
/// - a time that occurs twice (fall back, 01:30 in New York on the first Sunday of November) is
///   the FIRST occurrence, i.e. the earlier instant;
/// - a time that never occurs (spring forward, 02:30) is read with the offset in force before the
///   gap, so 02:30 becomes 03:30 of the new offset: the event keeps its length and is not dropped.
pub fn local_to_utc<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => {
            earlier.with_timezone(&Utc).min(later.with_timezone(&Utc))
        }
        LocalResult::None => {
            // Find the offset before the gap by stepping back to a local time that exists; no
            // real zone has a gap longer than a day.
            let before = (1..=48).find_map(|quarter_hours| {
                let probe = local - TimeDelta::minutes(15 * quarter_hours);
                zone.from_local_datetime(&probe)
                    .latest()
                    .map(|at| at.offset().fix().local_minus_utc())
            });
            let offset = before.unwrap_or(0);
            (local - TimeDelta::seconds(i64::from(offset))).and_utc()
        }
    }
}

/// The zone an ICS date-time is written in, as stored in the `recurrence_rule` JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventZone {
    /// A `Z` suffix: the clock time is UTC.
    Utc,
    /// A TZID that names (or whose VTIMEZONE names) an IANA zone.
    Iana { zone: Tz },
    /// A fixed offset from UTC, east positive.
    Fixed { offset_seconds: i32 },
    /// No zone (RFC 5545 §3.3.5 form #1): the clock time of whoever reads it, here the user.
    Floating,
    /// A VTIMEZONE that names no IANA zone: its own STANDARD/DAYLIGHT rules.
    Custom { zone: CustomZone },
}

impl EventZone {
    /// Prepares the zone for many conversions around `years` (custom rules are expanded once).
    pub(crate) fn resolver(
        &self,
        floating: Tz,
        years: (i32, i32),
    ) -> Result<ZoneResolver, AvailabilityError> {
        Ok(match self {
            EventZone::Utc => ZoneResolver::Fixed(0),
            EventZone::Iana { zone } => ZoneResolver::Iana(*zone),
            EventZone::Fixed { offset_seconds } => ZoneResolver::Fixed(*offset_seconds),
            EventZone::Floating => ZoneResolver::Iana(floating),
            EventZone::Custom { zone } => ZoneResolver::Custom(zone.prepare(years)?),
        })
    }
}

/// A zone ready to convert local clock times.
pub(crate) enum ZoneResolver {
    Iana(Tz),
    Fixed(i32),
    Custom(PreparedCustomZone),
}

impl ZoneResolver {
    pub(crate) fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            ZoneResolver::Iana(tz) => local_to_utc(tz, local),
            ZoneResolver::Fixed(offset) => {
                (local - TimeDelta::seconds(i64::from(*offset))).and_utc()
            }
            ZoneResolver::Custom(zone) => zone.local_to_utc(local),
        }
    }
}

/// Parses an IANA zone name into a zone, or says which name was wrong.
pub fn parse_zone(name: &str) -> Result<Tz, AvailabilityError> {
    name.parse::<Tz>()
        .map_err(|_| AvailabilityError::UnknownZone(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn gap_time_moves_forward_by_the_gap() {
        // 2026-03-08 02:30 does not exist in New York; read with EST (-5) it is 07:30Z = 03:30 EDT.
        let at = local_to_utc(&chrono_tz::America::New_York, local(2026, 3, 8, 2, 30));
        assert_eq!(at, local(2026, 3, 8, 7, 30).and_utc());
    }

    #[test]
    fn repeated_time_is_the_first_occurrence() {
        // 2026-11-01 01:30 happens twice in New York: first in EDT (-4) = 05:30Z.
        let at = local_to_utc(&chrono_tz::America::New_York, local(2026, 11, 1, 1, 30));
        assert_eq!(at, local(2026, 11, 1, 5, 30).and_utc());
    }
}
