//! A VTIMEZONE that names no IANA zone, evaluated from its own STANDARD/DAYLIGHT rules.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::error::AvailabilityError;
use super::recurrence::{RuleSpec, rule_local_times};

/// RFC 5545 §3.6.5: a zone as a list of observances (STANDARD or DAYLIGHT sub-components).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomZone {
    pub tzid: String,
    pub observances: Vec<Observance>,
}

/// One STANDARD or DAYLIGHT block: from each onset on, clocks read UTC + `offset_to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observance {
    /// DTSTART of the observance, in the local time in force before it (`offset_from`).
    pub onset: NaiveDateTime,
    pub offset_from: i32,
    pub offset_to: i32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rdates: Vec<NaiveDateTime>,
}

/// A custom zone's transitions for a span of years, ready for many conversions.
pub(crate) struct PreparedCustomZone {
    /// (instant of the change, offset in force from then on), sorted by instant.
    transitions: Vec<(DateTime<Utc>, i32)>,
    /// The offset before the first transition.
    initial: i32,
    offsets: Vec<i32>,
}

impl CustomZone {
    pub(crate) fn prepare(
        &self,
        years: (i32, i32),
    ) -> Result<PreparedCustomZone, AvailabilityError> {
        if self.observances.is_empty() {
            return Err(AvailabilityError::Ics(format!(
                "VTIMEZONE {} has no STANDARD or DAYLIGHT",
                self.tzid
            )));
        }
        let lo = year_start(years.0 - 1);
        let hi = year_start(years.1 + 1);
        let mut transitions = Vec::new();
        for obs in &self.observances {
            let from = obs.offset_from;
            let to_utc = move |local: NaiveDateTime| (local - secs(from)).and_utc();
            let mut onsets = vec![obs.onset];
            onsets.extend(obs.rdates.iter().copied());
            for rule in &obs.rules {
                onsets.extend(rule_local_times(rule, obs.onset, lo, hi, &to_utc)?);
            }
            transitions.extend(onsets.into_iter().map(|l| (to_utc(l), obs.offset_to)));
        }
        transitions.sort();
        transitions.dedup();
        let initial = self
            .observances
            .iter()
            .min_by_key(|o| o.onset)
            .map(|o| o.offset_from)
            .unwrap_or(0);
        let mut offsets: Vec<i32> = self
            .observances
            .iter()
            .flat_map(|o| [o.offset_from, o.offset_to])
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        Ok(PreparedCustomZone {
            transitions,
            initial,
            offsets,
        })
    }
}

impl PreparedCustomZone {
    fn offset_at(&self, at: DateTime<Utc>) -> i32 {
        let idx = self.transitions.partition_point(|(t, _)| *t <= at);
        if idx == 0 {
            self.initial
        } else {
            self.transitions[idx - 1].1
        }
    }

    /// Same DST rule as `zone::local_to_utc`: the first of two readings, and the offset before
    /// a gap for a time inside it.
    pub(crate) fn local_to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let readings = self
            .offsets
            .iter()
            .map(|o| (local - secs(*o)).and_utc())
            .filter(|u| self.offset_at(*u) == ((local - u.naive_utc()).num_seconds() as i32));
        if let Some(first) = readings.min() {
            return first;
        }
        // In a gap: the transition whose jump covers this local time gives the offset before it.
        let before = self
            .transitions
            .iter()
            .enumerate()
            .find_map(|(i, (t, after))| {
                let before = if i == 0 {
                    self.initial
                } else {
                    self.transitions[i - 1].1
                };
                let start = t.naive_utc() + secs(before);
                let end = t.naive_utc() + secs(*after);
                (start <= local && local < end).then_some(before)
            })
            .unwrap_or(self.initial);
        (local - secs(before)).and_utc()
    }
}

fn secs(s: i32) -> TimeDelta {
    TimeDelta::seconds(i64::from(s))
}

fn year_start(year: i32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        .and_time(chrono::NaiveTime::MIN)
}
