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

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::busy::EventSpan;
use super::error::AvailabilityError;
use super::interval::{DateSpan, Interval};
use super::zone::EventZone;

/// A series may yield at most this many instances in one window. The limit is per series, so
/// one endless series never starves another; past it expansion fails (fail closed: a silently
/// cut series would show its later busy time as free). A year of an hourly rule fits.
pub const MAX_INSTANCES_PER_WINDOW: usize = 50_000;

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

    /// Days per period when whole periods are interchangeable (DAILY without BY parts, WEEKLY
    /// with at most BYDAY): then every period holds at least one instance and shifting the start
    /// by whole periods changes nothing but where iteration begins.
    fn plain_period_days(&self) -> Option<i64> {
        let others_empty = self.by_month_day.is_empty()
            && self.by_month.is_empty()
            && self.by_year_day.is_empty()
            && self.by_week_no.is_empty()
            && self.by_hour.is_empty()
            && self.by_minute.is_empty()
            && self.by_second.is_empty()
            && self.by_set_pos.is_empty();
        let days = match self.freq {
            Frequency::Daily if self.by_day.is_empty() => 1,
            Frequency::Weekly => 7,
            _ => return None,
        };
        others_empty.then_some(days * i64::from(self.interval.max(1)))
    }

    /// Months per period of a MONTHLY/YEARLY rule with no BY part: one instance per period.
    /// (A start on the 29th–31st may skip short months, so `ends_before` checks the day.)
    fn plain_months(&self) -> Option<u32> {
        let no_by_parts = self.by_day.is_empty()
            && self.by_month_day.is_empty()
            && self.by_month.is_empty()
            && self.by_year_day.is_empty()
            && self.by_week_no.is_empty()
            && self.by_hour.is_empty()
            && self.by_minute.is_empty()
            && self.by_second.is_empty()
            && self.by_set_pos.is_empty();
        let months = match self.freq {
            Frequency::Monthly => 1,
            Frequency::Yearly => 12,
            _ => return None,
        };
        no_by_parts.then_some(months * u32::from(self.interval.max(1)))
    }

    /// True when no instance can reach `lo`, so the rule need not be iterated at all.
    fn ends_before(&self, dtstart: NaiveDateTime, lo: NaiveDateTime) -> bool {
        let by_until = match self.until {
            None => false,
            // The ±27 h slack in `lo` covers any zone offset.
            Some(Until::Utc { at }) => at.naive_utc() < lo,
            Some(Until::Local { at }) => at < lo,
            Some(Until::Date { date }) => date < lo.date(),
        };
        let by_count = match (self.count, self.plain_period_days()) {
            (Some(count), Some(days)) => TimeDelta::try_days(days.saturating_mul(i64::from(count)))
                .and_then(|span| dtstart.checked_add_signed(span))
                .is_some_and(|last| last < lo),
            // Days 1–28 exist in every month, so each period really holds an instance.
            (Some(count), None) if dtstart.day() <= 28 => self
                .plain_months()
                .and_then(|months| {
                    let total = u32::try_from(u64::from(months) * u64::from(count)).ok()?;
                    dtstart.checked_add_months(chrono::Months::new(total))
                })
                .is_some_and(|last| last < lo),
            _ => false,
        };
        by_until || by_count
    }

    /// A later start yielding the same instances from `lo` on, so an endless series from 2015
    /// is not replayed from 2015 on every expansion. Not with COUNT, which counts from the
    /// true start.
    fn fast_forward(&self, dtstart: NaiveDateTime, lo: NaiveDateTime) -> NaiveDateTime {
        let Some(days) = self.plain_period_days() else {
            return dtstart;
        };
        if self.count.is_some() || lo <= dtstart {
            return dtstart;
        }
        // Stop one period short of `lo`, so nothing at or after it is skipped.
        let periods = (lo - dtstart).num_days() / days - 1;
        if periods <= 0 {
            return dtstart;
        }
        dtstart + TimeDelta::days(periods * days)
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
    // Instances never precede DTSTART, so a series starting after the window has none in it.
    if dtstart > hi || rule.ends_before(dtstart, lo) {
        return Ok(Vec::new());
    }
    let start = rrule::Tz::UTC.from_utc_datetime(&rule.fast_forward(dtstart, lo));
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
            if out.len() >= MAX_INSTANCES_PER_WINDOW {
                return Err(AvailabilityError::Rule(format!(
                    "more than {MAX_INSTANCES_PER_WINDOW} instances in the window; expand a shorter window"
                )));
            }
            out.push(local);
        }
    }
    Ok(out)
}

/// A DTSTART, RDATE, EXDATE or RECURRENCE-ID value as written: a zoned date-time or a DATE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimeValue {
    DateTime {
        local: NaiveDateTime,
        zone: EventZone,
    },
    Date {
        date: NaiveDate,
    },
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

impl InstanceLength {
    /// The length as a duration; an instant (zero) or negative length is kept as zero and then
    /// blocks nothing, an absurd one is refused.
    pub fn as_delta(&self) -> Result<TimeDelta, AvailabilityError> {
        let delta = match *self {
            InstanceLength::Seconds { seconds } => TimeDelta::try_seconds(seconds.max(0)),
            InstanceLength::Days { days } => TimeDelta::try_days(i64::from(days.max(1))),
        };
        delta
            .filter(|d| *d <= TimeDelta::days(3660))
            .ok_or_else(|| AvailabilityError::Rule(format!("instance length {self:?} is absurd")))
    }
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
        let length = self.length.as_delta()?;
        // Local-time bounds wide enough for any UTC offset (±26 h) and the instance length.
        let slack = TimeDelta::hours(27);
        let lo = window
            .start()
            .naive_utc()
            .checked_sub_signed(slack + length)
            .unwrap_or(NaiveDateTime::MIN);
        let hi = window
            .end()
            .naive_utc()
            .checked_add_signed(slack)
            .unwrap_or(NaiveDateTime::MAX);

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
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::zone::local_to_utc;
    use proptest::prelude::*;

    const ZONES: [Tz; 4] = [
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Pacific::Auckland,
        chrono_tz::UTC,
    ];
    const DAYS: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
        i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month())
    }

    fn monday_of(d: NaiveDate) -> NaiveDate {
        d - TimeDelta::days(i64::from(d.weekday().num_days_from_monday()))
    }

    /// The obvious reading of a simple rule: walk the calendar day by day and test each date.
    fn brute_force(
        dtstart: NaiveDateTime,
        zone: Tz,
        rule: &RuleSpec,
        length: TimeDelta,
        window: &Interval,
    ) -> Vec<DateTime<Utc>> {
        let start = dtstart.date();
        let interval = i64::from(rule.interval);
        let mut seen = 0u32;
        let mut out = Vec::new();
        for d in start.iter_days() {
            if d > window.end().date_naive() + TimeDelta::days(2) {
                break;
            }
            let hit = match rule.freq {
                Frequency::Daily => (d - start).num_days() % interval == 0,
                Frequency::Weekly => {
                    rule.by_day.iter().any(|b| b.weekday == d.weekday())
                        && ((monday_of(d) - monday_of(start)).num_days() / 7) % interval == 0
                }
                Frequency::Monthly => {
                    d.day() == start.day() && months_between(start, d) % interval == 0
                }
                _ => unreachable!("only simple rules are generated"),
            };
            if !hit {
                continue;
            }
            let at = local_to_utc(&zone, d.and_time(dtstart.time()));
            if let Some(Until::Utc { at: until }) = rule.until
                && at > until
            {
                break;
            }
            seen += 1;
            if rule.count.is_some_and(|c| seen > c) {
                break;
            }
            if Interval::starting_at(at, length).is_some_and(|i| i.overlaps(window)) {
                out.push(at);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn expansion_matches_a_brute_force_reference(
            zone in 0usize..ZONES.len(),
            freq in 0u8..3,
            interval in 1u16..4,
            start_day in 0i64..730,
            hour in 0u32..24,
            half in any::<bool>(),
            mask in 0u8..128,
            limit in 0u8..3,
            count in 1u32..40,
            until_days in 0i64..300,
            until_minutes in 0i64..1440,
            offset_days in -20i64..400,
            window_days in 1i64..100,
        ) {
            let zone = ZONES[zone];
            let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + TimeDelta::days(start_day);
            let dtstart = date.and_hms_opt(hour, if half { 30 } else { 0 }, 0).unwrap();
            let mut rule = RuleSpec::new([Frequency::Daily, Frequency::Weekly, Frequency::Monthly][freq as usize]);
            rule.interval = interval;
            if rule.freq == Frequency::Weekly {
                // DTSTART must match its own rule, or RFC 5545 leaves the series undefined.
                rule.by_day = DAYS
                    .iter()
                    .enumerate()
                    .filter(|(i, d)| mask & (1 << i) != 0 || **d == date.weekday())
                    .map(|(_, d)| ByDay { nth: None, weekday: *d })
                    .collect();
            }
            let start_utc = local_to_utc(&zone, dtstart);
            match limit {
                0 => rule.count = Some(count),
                1 => rule.until = Some(Until::Utc { at: start_utc + TimeDelta::days(until_days) + TimeDelta::minutes(until_minutes) }),
                _ => {}
            }
            let length = TimeDelta::minutes(45);
            let from = start_utc + TimeDelta::days(offset_days);
            let window = Interval::new(from, from + TimeDelta::days(window_days)).unwrap();
            let set = RecurrenceSet {
                start: TimeValue::DateTime { local: dtstart, zone: EventZone::Iana { zone } },
                length: InstanceLength::Seconds { seconds: length.num_seconds() },
                rules: vec![rule.clone()],
                rdates: Vec::new(),
                exdates: Vec::new(),
            };
            let got: Vec<DateTime<Utc>> = set
                .occurrences(&window, zone)
                .unwrap()
                .iter()
                .map(|o| o.original_start.as_storage_instant())
                .collect();
            prop_assert_eq!(got, brute_force(dtstart, zone, &rule, length, &window));
        }
    }

    #[test]
    fn exdate_removes_and_rdate_adds_an_instance() {
        let zone = chrono_tz::America::New_York;
        let start = NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        let set = RecurrenceSet {
            start: TimeValue::DateTime {
                local: start,
                zone: EventZone::Iana { zone },
            },
            length: InstanceLength::Seconds { seconds: 3600 },
            rules: vec![{
                let mut r = RuleSpec::new(Frequency::Daily);
                r.count = Some(3);
                r
            }],
            rdates: vec![TimeValue::utc(
                Utc.with_ymd_and_hms(2026, 3, 20, 18, 0, 0).unwrap(),
            )],
            exdates: vec![TimeValue::Date {
                date: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
            }],
        };
        let w = Interval::new(
            Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
        )
        .unwrap();
        let got: Vec<_> = set
            .occurrences(&w, zone)
            .unwrap()
            .iter()
            .map(|o| o.original_start.as_storage_instant())
            .collect();
        assert_eq!(
            got,
            vec![
                Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 3, 4, 14, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 3, 20, 18, 0, 0).unwrap(),
            ]
        );
    }
}
