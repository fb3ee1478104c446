//! Recurring series: a JSON-storable rule set (RRULE, RDATE, EXDATE) and its expansion in a window.
//!
//! We own the expansion instead of calling calcard's `expand_dates`, which (0.3.14) gets four
//! things wrong: a UTC DTSTART is replayed as local clock time, a RECURRENCE-ID override is applied
//! only when its SEQUENCE equals the master's, a UTC UNTIL is compared with local clock time, and
//! one instance limit is shared by every series. Here each series is expanded on its own, in local
//! clock time of its own zone (so a 09:00 meeting stays at 09:00 across DST), and every instance
//! is turned into a UTC instant before UNTIL, EXDATE and the window are applied.
//!
//! The `rrule` crate generates the local clock times: we feed it the local time dressed as UTC
//! (UTC has no DST, so its arithmetic is pure calendar arithmetic) and do the zone step ourselves.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::busy::EventSpan;
use super::error::AvailabilityError;
use super::interval::{DateSpan, Interval};
use super::zone::EventZone;

/// A series yields at most this many instances in one window; a runaway rule (FREQ=SECONDLY)
/// is cut here, per series, so it can never starve another series.
pub const MAX_INSTANCES_PER_WINDOW: usize = 20_000;

/// RFC 5545 §3.3.10 FREQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Frequency {
    Yearly,
    Monthly,
    Weekly,
    Daily,
    Hourly,
    Minutely,
    Secondly,
}

/// One BYDAY entry: every `weekday`, or the `nth` one (negative counts from the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByDay {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<i16>,
    pub weekday: Weekday,
}

/// RFC 5545 UNTIL in the form it was written: it is compared with instances as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Until {
    /// `UNTIL=...Z`: an instant, compared with each instance's UTC start.
    Utc { at: DateTime<Utc> },
    /// A floating UNTIL (floating DTSTART): compared with local clock time.
    Local { at: NaiveDateTime },
    /// A DATE UNTIL (all-day series): the last date that may hold an instance.
    Date { date: NaiveDate },
}

/// One RRULE, stored field by field (the `recurrence_rule` JSON), never as text to re-parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub freq: Frequency,
    #[serde(default = "one")]
    pub interval: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Until>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_day: Vec<ByDay>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_month_day: Vec<i8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_month: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_year_day: Vec<i16>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_week_no: Vec<i8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_hour: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_minute: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_second: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_set_pos: Vec<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_start: Option<Weekday>,
}

fn one() -> u16 {
    1
}

impl RuleSpec {
    /// A bare rule of this frequency (interval 1, no limits), to be filled in by the caller.
    pub fn new(freq: Frequency) -> Self {
        Self {
            freq,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_year_day: Vec::new(),
            by_week_no: Vec::new(),
            by_hour: Vec::new(),
            by_minute: Vec::new(),
            by_second: Vec::new(),
            by_set_pos: Vec::new(),
            week_start: None,
        }
    }

    /// The rule for the `rrule` crate, without UNTIL: we apply UNTIL ourselves, in its own form.
    fn to_rrule(&self) -> rrule::RRule<rrule::Unvalidated> {
        let freq = match self.freq {
            Frequency::Yearly => rrule::Frequency::Yearly,
            Frequency::Monthly => rrule::Frequency::Monthly,
            Frequency::Weekly => rrule::Frequency::Weekly,
            Frequency::Daily => rrule::Frequency::Daily,
            Frequency::Hourly => rrule::Frequency::Hourly,
            Frequency::Minutely => rrule::Frequency::Minutely,
            Frequency::Secondly => rrule::Frequency::Secondly,
        };
        let mut rule = rrule::RRule::new(freq).interval(self.interval.max(1));
        if let Some(count) = self.count {
            rule = rule.count(count);
        }
        if let Some(week_start) = self.week_start {
            rule = rule.week_start(week_start);
        }
        if !self.by_day.is_empty() {
            rule = rule.by_weekday(
                self.by_day
                    .iter()
                    .map(|d| rrule::NWeekday::new(d.nth, d.weekday))
                    .collect(),
            );
        }
        if !self.by_month_day.is_empty() {
            rule = rule.by_month_day(self.by_month_day.clone());
        }
        if !self.by_month.is_empty() {
            let months: Vec<chrono::Month> = self
                .by_month
                .iter()
                .filter_map(|m| chrono::Month::try_from(*m).ok())
                .collect();
            rule = rule.by_month(&months);
        }
        if !self.by_year_day.is_empty() {
            rule = rule.by_year_day(self.by_year_day.clone());
        }
        if !self.by_week_no.is_empty() {
            rule = rule.by_week_no(self.by_week_no.clone());
        }
        if !self.by_hour.is_empty() {
            rule = rule.by_hour(self.by_hour.clone());
        }
        if !self.by_minute.is_empty() {
            rule = rule.by_minute(self.by_minute.clone());
        }
        if !self.by_second.is_empty() {
            rule = rule.by_second(self.by_second.clone());
        }
        if !self.by_set_pos.is_empty() {
            rule = rule.by_set_pos(self.by_set_pos.clone());
        }
        rule
    }
}

/// The local clock times one rule yields from `dtstart` up to `hi`, starting at `lo`, in order.
/// `to_utc` turns a local time into an instant, for a UTC UNTIL.
pub(crate) fn rule_local_times(
    rule: &RuleSpec,
    dtstart: NaiveDateTime,
    lo: NaiveDateTime,
    hi: NaiveDateTime,
    to_utc: &dyn Fn(NaiveDateTime) -> DateTime<Utc>,
) -> Result<Vec<NaiveDateTime>, AvailabilityError> {
    let start = rrule::Tz::UTC.from_utc_datetime(&dtstart);
    let validated = rule
        .to_rrule()
        .validate(start)
        .map_err(|e| AvailabilityError::Rule(e.to_string()))?;
    let set = rrule::RRuleSet::new(start).rrule(validated);
    let mut out = Vec::new();
    for at in &set {
        let local = at.naive_utc();
        if local > hi {
            break;
        }
        // UNTIL is inclusive (RFC 5545 §3.3.10) and instances come in order, so the first
        // instance past it ends the series.
        let past_until = match rule.until {
            None => false,
            Some(Until::Utc { at }) => to_utc(local) > at,
            Some(Until::Local { at }) => local > at,
            Some(Until::Date { date }) => local.date() > date,
        };
        if past_until {
            break;
        }
        if local >= lo {
            out.push(local);
            if out.len() >= MAX_INSTANCES_PER_WINDOW {
                break;
            }
        }
    }
    Ok(out)
}

/// A DTSTART, RDATE, EXDATE or RECURRENCE-ID value as written: a zoned date-time or a DATE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimeValue {
    DateTime { local: NaiveDateTime, zone: EventZone },
    Date { date: NaiveDate },
}

impl TimeValue {
    pub fn utc(at: DateTime<Utc>) -> Self {
        TimeValue::DateTime {
            local: at.naive_utc(),
            zone: EventZone::Utc,
        }
    }

    /// Which instance of a series this value names.
    pub fn instance_key(&self, floating: Tz) -> Result<OriginalStart, AvailabilityError> {
        Ok(match self {
            TimeValue::Date { date } => OriginalStart::Date(*date),
            TimeValue::DateTime { local, zone } => {
                let years = (local.year() - 1, local.year() + 1);
                OriginalStart::At(zone.resolver(floating, years)?.to_utc(*local))
            }
        })
    }
}

/// The identity of one instance of a series: its start before any override moved it
/// (RFC 5545 RECURRENCE-ID; the seed's `original_start_time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum OriginalStart {
    At(DateTime<Utc>),
    Date(NaiveDate),
}

impl OriginalStart {
    /// For a `TIMESTAMPTZ` column: a DATE is stored as its UTC midnight (a key, not an instant).
    pub fn as_storage_instant(&self) -> DateTime<Utc> {
        match self {
            OriginalStart::At(at) => *at,
            OriginalStart::Date(date) => date.and_time(NaiveTime::MIN).and_utc(),
        }
    }
}

/// How long each instance lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InstanceLength {
    /// Exact elapsed seconds (DTEND − DTSTART of a timed event).
    Seconds { seconds: i64 },
    /// Whole dates (an all-day event).
    Days { days: u32 },
}

/// Everything needed to expand a series again without its ICS: the seed's `recurrence_rule` JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceSet {
    pub start: TimeValue,
    pub length: InstanceLength,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rdates: Vec<TimeValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exdates: Vec<TimeValue>,
}

/// One instance of a series inside a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub original_start: OriginalStart,
    pub span: EventSpan,
}

impl RecurrenceSet {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn from_json(value: &serde_json::Value) -> Result<Self, AvailabilityError> {
        serde_json::from_value(value.clone()).map_err(|e| AvailabilityError::Rule(e.to_string()))
    }

    /// The instances whose time overlaps `window`, in order of original start. Floating times and
    /// DATE values are read in `floating` (the user's zone). EXDATEs are removed; overrides are
    /// the caller's (see `ics::Series::instances`).
    pub fn occurrences(
        &self,
        window: &Interval,
        floating: Tz,
    ) -> Result<Vec<Occurrence>, AvailabilityError> {
        let years = (window.start().year() - 1, window.end().year() + 1);
        let (dtstart, resolver) = match &self.start {
            TimeValue::DateTime { local, zone } => (*local, Some(zone.resolver(floating, years)?)),
            TimeValue::Date { date } => (date.and_time(NaiveTime::MIN), None),
        };
        let key_of = |local: NaiveDateTime| -> OriginalStart {
            match &resolver {
                Some(r) => OriginalStart::At(r.to_utc(local)),
                None => OriginalStart::Date(local.date()),
            }
        };
        let length = match self.length {
            InstanceLength::Seconds { seconds } => TimeDelta::seconds(seconds.max(1)),
            InstanceLength::Days { days } => TimeDelta::days(i64::from(days.max(1))),
        };
        // Local-time bounds wide enough for any UTC offset (±26 h) and the instance length.
        let slack = TimeDelta::hours(27);
        let lo = window.start().naive_utc() - slack - length;
        let hi = window.end().naive_utc() + slack;

        let mut keys: BTreeSet<OriginalStart> = BTreeSet::new();
        if dtstart >= lo && dtstart <= hi {
            // RFC 5545 §3.8.5.3: DTSTART is always the first instance.
            keys.insert(key_of(dtstart));
        }
        let to_utc = |local: NaiveDateTime| match &resolver {
            Some(r) => r.to_utc(local),
            None => local.and_utc(),
        };
        for rule in &self.rules {
            for local in rule_local_times(rule, dtstart, lo, hi, &to_utc)? {
                keys.insert(key_of(local));
            }
        }
        for rdate in &self.rdates {
            keys.insert(match (rdate, &resolver) {
                // A DATE RDATE in a timed series means the series' clock time on that date.
                (TimeValue::Date { date }, Some(r)) => {
                    OriginalStart::At(r.to_utc(date.and_time(dtstart.time())))
                }
                _ => rdate.instance_key(floating)?,
            });
        }
        for exdate in &self.exdates {
            match (exdate, &resolver) {
                // A DATE EXDATE in a timed series removes that date's instances (Google/Outlook).
                (TimeValue::Date { date }, Some(r)) => {
                    let local = r.to_utc(date.and_time(dtstart.time()));
                    keys.remove(&OriginalStart::At(local));
                }
                _ => {
                    keys.remove(&exdate.instance_key(floating)?);
                }
            }
        }

        let mut out = Vec::new();
        for key in keys {
            let span = match key {
                OriginalStart::At(at) => match Interval::starting_at(at, length) {
                    Some(i) => EventSpan::Timed(i),
                    None => continue,
                },
                OriginalStart::Date(date) => {
                    let days = length.num_days().max(1) as u64;
                    let end = date
                        .checked_add_days(chrono::Days::new(days))
                        .unwrap_or(date);
                    match DateSpan::new(date, end) {
                        Ok(s) => EventSpan::AllDay(s),
                        Err(_) => continue,
                    }
                }
            };
            if span.interval_in(floating).overlaps(window) {
                out.push(Occurrence {
                    original_start: key,
                    span,
                });
                if out.len() >= MAX_INSTANCES_PER_WINDOW {
                    break;
                }
            }
        }
        Ok(out)
    }
}
