//! ICS (RFC 5545) to series of busy-relevant events: calcard parses, we interpret and expand.

use std::collections::BTreeMap;

use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarFrequency,
    ICalendarParameterName, ICalendarPeriod, ICalendarProperty, ICalendarRecurrenceRule,
    ICalendarValue, ICalendarWeekday,
};
use calcard::{Entry, Parser};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Weekday};
use chrono_tz::Tz;

use super::busy::{BusyEvent, BusyStatus, EventSpan, EventStatus, Response};
use super::error::AvailabilityError;
use super::interval::{DateSpan, Interval};
use super::recurrence::{
    ByDay, Frequency, InstanceLength, OriginalStart, RecurrenceSet, RuleSpec, TimeValue, Until,
};
use super::vtimezone::{CustomZone, Observance};
use super::zone::EventZone;

/// One VEVENT, reduced to what sync stores and the engine needs (the title only for storage).
#[derive(Debug, Clone, PartialEq)]
pub struct IcsEvent {
    pub uid: String,
    pub summary: Option<String>,
    pub sequence: i64,
    pub start: TimeValue,
    pub length: InstanceLength,
    pub status: EventStatus,
    pub busy_status: BusyStatus,
    /// The user's PARTSTAT when they are an ATTENDEE (and not the organizer).
    pub response: Option<Response>,
    /// Set on an override (RFC 5545 RECURRENCE-ID): which instance it replaces.
    pub recurrence_id: Option<TimeValue>,
    /// Set on a master with RRULE or RDATE: the seed's `recurrence_rule` JSON.
    pub recurrence: Option<RecurrenceSet>,
}

/// All VEVENTs of one UID: the master (if the feed has it) and its overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub uid: String,
    pub master: Option<IcsEvent>,
    pub overrides: Vec<IcsEvent>,
}

/// One materialised occurrence, ready to be stored as an `events` row and fed to the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    /// The instance's RECURRENCE-ID (`original_start_time`); `None` for a one-off event.
    pub original_start: Option<OriginalStart>,
    pub span: EventSpan,
    pub status: EventStatus,
    pub busy_status: BusyStatus,
    pub response: Option<Response>,
    /// Comes from an override (store it as a `recurring_event_exceptions` row).
    pub is_override: bool,
}

impl Instance {
    pub fn busy_event(&self) -> BusyEvent {
        BusyEvent {
            span: self.span,
            status: self.status,
            busy_status: self.busy_status,
            response: self.response,
        }
    }
}

/// A parsed feed: every series, and what was skipped and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedCalendar {
    pub series: Vec<Series>,
    pub warnings: Vec<String>,
}

fn span_of(
    start: &TimeValue,
    length: InstanceLength,
    floating: Tz,
) -> Result<Option<EventSpan>, AvailabilityError> {
    let delta = length.as_delta()?;
    Ok(match start.instance_key(floating)? {
        OriginalStart::Date(date) if matches!(length, InstanceLength::Days { .. }) => {
            let end = date
                .checked_add_days(chrono::Days::new(delta.num_days().max(1) as u64))
                .unwrap_or(date);
            DateSpan::new(date, end).ok().map(EventSpan::AllDay)
        }
        key => Interval::starting_at(key.as_storage_instant(), delta).map(EventSpan::Timed),
    })
}

impl IcsEvent {
    /// This event's own time (an override's moved time), read with `floating` for floating values.
    pub fn span(&self, floating: Tz) -> Result<Option<EventSpan>, AvailabilityError> {
        span_of(&self.start, self.length, floating)
    }

    fn instance(
        &self,
        original_start: Option<OriginalStart>,
        span: EventSpan,
        is_override: bool,
    ) -> Instance {
        Instance {
            original_start,
            span,
            status: self.status,
            busy_status: self.busy_status,
            response: self.response,
            is_override,
        }
    }
}

impl Series {
    /// Every occurrence overlapping `window`: the master's instances minus EXDATEs, each
    /// replaced by its override whatever the override's SEQUENCE (Google raises it on every
    /// edit), plus overrides moved into the window from outside it. A cancelled override stays
    /// in the list with `status: Cancelled`, so sync can record the exception; it blocks nothing.
    pub fn instances(
        &self,
        window: &Interval,
        floating: Tz,
    ) -> Result<Vec<Instance>, AvailabilityError> {
        // The newest override per instance wins (highest SEQUENCE, then the later one).
        let mut overrides: BTreeMap<OriginalStart, &IcsEvent> = BTreeMap::new();
        for ov in &self.overrides {
            let Some(rid) = &ov.recurrence_id else {
                continue;
            };
            let key = self.override_key(rid, floating)?;
            match overrides.get(&key) {
                Some(existing) if existing.sequence > ov.sequence => {}
                _ => {
                    overrides.insert(key, ov);
                }
            }
        }
        let mut out = Vec::new();
        match &self.master {
            Some(master) => match &master.recurrence {
                Some(rec) => {
                    for occ in rec.occurrences(window, floating)? {
                        if !overrides.contains_key(&occ.original_start) {
                            out.push(master.instance(Some(occ.original_start), occ.span, false));
                        }
                    }
                    let excluded: Vec<OriginalStart> = rec
                        .exdates
                        .iter()
                        .map(|x| x.instance_key(floating))
                        .collect::<Result<_, _>>()?;
                    for (key, ov) in &overrides {
                        if excluded.contains(key) {
                            continue;
                        }
                        if let Some(span) = ov.span(floating)?
                            && span.interval_in(floating).overlaps(window)
                        {
                            out.push(ov.instance(Some(*key), span, true));
                        }
                    }
                }
                None => {
                    if let Some(span) = master.span(floating)?
                        && span.interval_in(floating).overlaps(window)
                    {
                        out.push(master.instance(None, span, false));
                    }
                }
            },
            // Only exceptions in this feed (an invitation to one instance): each stands alone.
            None => {
                for (key, ov) in &overrides {
                    if let Some(span) = ov.span(floating)?
                        && span.interval_in(floating).overlaps(window)
                    {
                        out.push(ov.instance(Some(*key), span, true));
                    }
                }
            }
        }
        out.sort_by_key(|i| i.span.interval_in(floating).start());
        Ok(out)
    }

    /// A RECURRENCE-ID names an instance in the master's zone; a DATE one in a timed series
    /// means the master's clock time on that date.
    fn override_key(
        &self,
        rid: &TimeValue,
        floating: Tz,
    ) -> Result<OriginalStart, AvailabilityError> {
        if let (TimeValue::Date { date }, Some(master)) = (rid, &self.master)
            && let TimeValue::DateTime { local, zone } = &master.start
        {
            let as_master = TimeValue::DateTime {
                local: date.and_time(local.time()),
                zone: zone.clone(),
            };
            return as_master.instance_key(floating);
        }
        rid.instance_key(floating)
    }
}

/// Parses an ICS feed (one or more VCALENDARs). `user_emails` find the user's ATTENDEE line.
pub fn parse_ics(text: &str, user_emails: &[&str]) -> Result<ParsedCalendar, AvailabilityError> {
    // calcard accepts a feed cut off mid-way and returns what it read; a sync would then
    // delete every event after the cut. A complete feed ends with END:VCALENDAR.
    let last_line = text.trim_end().lines().next_back().unwrap_or("").trim();
    if !last_line.eq_ignore_ascii_case("END:VCALENDAR") {
        return Err(AvailabilityError::Ics(
            "truncated feed: it does not end with END:VCALENDAR".into(),
        ));
    }
    let mut parser = Parser::new(text);
    let mut calendars = Vec::new();
    let mut warnings = Vec::new();
    loop {
        match parser.entry() {
            Entry::ICalendar(ical) => calendars.push(ical),
            Entry::Eof => break,
            Entry::InvalidLine(line) => warnings.push(format!("invalid line skipped: {line}")),
            Entry::VCard(_) => warnings.push("vCard skipped".into()),
            Entry::UnexpectedComponentEnd { expected, found } => {
                warnings.push(format!("unexpected END:{found:?} (expected {expected:?})"))
            }
            Entry::UnterminatedComponent(c) => {
                return Err(AvailabilityError::Ics(format!(
                    "unterminated component {c}"
                )));
            }
            Entry::TooManyComponents => {
                return Err(AvailabilityError::Ics("too many components".into()));
            }
            _ => warnings.push("unsupported entry skipped".into()),
        }
    }
    if calendars.is_empty() {
        return Err(AvailabilityError::Ics("no VCALENDAR found".into()));
    }
    let emails: Vec<String> = user_emails
        .iter()
        .map(|e| e.trim().to_ascii_lowercase())
        .collect();
    let mut by_uid: BTreeMap<String, Series> = BTreeMap::new();
    for ical in &calendars {
        let zones = Zones::new(ical, &mut warnings);
        for comp in ical
            .components
            .iter()
            .filter(|c| c.component_type == ICalendarComponentType::VEvent)
        {
            match read_event(comp, &zones, &emails, &mut warnings) {
                Ok(event) => {
                    let series = by_uid.entry(event.uid.clone()).or_insert_with(|| Series {
                        uid: event.uid.clone(),
                        master: None,
                        overrides: Vec::new(),
                    });
                    if event.recurrence_id.is_some() {
                        series.overrides.push(event);
                    } else {
                        series.master = Some(event);
                    }
                }
                Err(e) => warnings.push(format!("VEVENT skipped: {e}")),
            }
        }
    }
    Ok(ParsedCalendar {
        series: by_uid.into_values().collect(),
        warnings,
    })
}

/// The TZIDs of one VCALENDAR and what each means.
struct Zones {
    known: BTreeMap<String, EventZone>,
}

impl Zones {
    fn new(ical: &ICalendar, warnings: &mut Vec<String>) -> Self {
        let resolver = ical.build_owned_tz_resolver();
        let mut known = BTreeMap::new();
        for tz in ical.timezones() {
            let Some(tzid) = tz
                .property(&ICalendarProperty::Tzid)
                .and_then(|e| e.values.first())
                .and_then(|v| v.as_text())
            else {
                continue;
            };
            // The TZID or X-LIC-LOCATION naming an IANA zone wins; otherwise its own rules.
            let zone = match resolver.resolve(tzid).and_then(calcard_zone) {
                Some(zone) => zone,
                None => match custom_zone(ical, tz, tzid) {
                    Ok(zone) => EventZone::Custom { zone },
                    Err(e) => {
                        warnings.push(format!("VTIMEZONE {tzid}: {e}; its times are floating"));
                        EventZone::Floating
                    }
                },
            };
            known.insert(tzid.to_string(), zone);
        }
        Self { known }
    }

    fn zone(&self, tzid: &str, warnings: &mut Vec<String>) -> EventZone {
        if let Some(z) = self.known.get(tzid) {
            return z.clone();
        }
        // A TZID without a VTIMEZONE (common from Google): an IANA or Windows name.
        if let Some(z) = tzid
            .parse::<calcard::common::timezone::Tz>()
            .ok()
            .and_then(calcard_zone)
        {
            return z;
        }
        warnings.push(format!(
            "unknown TZID {tzid:?}: read as floating (the user's zone)"
        ));
        EventZone::Floating
    }
}

fn calcard_zone(tz: calcard::common::timezone::Tz) -> Option<EventZone> {
    use calcard::common::timezone::Tz as CTz;
    match tz {
        CTz::Tz(tz) if tz == chrono_tz::UTC || tz == chrono_tz::Etc::UTC => Some(EventZone::Utc),
        CTz::Tz(tz) => Some(EventZone::Iana { zone: tz }),
        CTz::Fixed(offset) => Some(EventZone::Fixed {
            offset_seconds: offset.local_minus_utc(),
        }),
        CTz::Floating => None,
    }
}

fn offset_seconds(p: &PartialDateTime) -> Option<i32> {
    let secs = i32::from(p.tz_hour?) * 3600 + i32::from(p.tz_minute.unwrap_or(0)) * 60;
    Some(if p.tz_minus { -secs } else { secs })
}

fn custom_zone(
    ical: &ICalendar,
    tz: &ICalendarComponent,
    tzid: &str,
) -> Result<CustomZone, AvailabilityError> {
    let mut observances = Vec::new();
    for id in &tz.component_ids {
        let Some(obs) = ical.components.get(*id as usize) else {
            continue;
        };
        if !matches!(
            obs.component_type,
            ICalendarComponentType::Standard | ICalendarComponentType::Daylight
        ) {
            continue;
        }
        let offset = |prop: ICalendarProperty| -> Result<i32, AvailabilityError> {
            obs.property(&prop)
                .and_then(|e| e.values.first())
                .and_then(|v| v.as_partial_date_time())
                .and_then(offset_seconds)
                .ok_or_else(|| AvailabilityError::Ics(format!("{prop:?} missing")))
        };
        let onset = obs
            .property(&ICalendarProperty::Dtstart)
            .and_then(|e| e.values.first())
            .and_then(|v| v.as_partial_date_time())
            .and_then(naive_of)
            .ok_or_else(|| AvailabilityError::Ics("observance DTSTART missing".into()))?;
        let rules = obs
            .properties(&ICalendarProperty::Rrule)
            .filter_map(|e| match e.values.first() {
                Some(ICalendarValue::RecurrenceRule(r)) => Some(rule_spec(r)),
                _ => None,
            })
            .collect::<Result<Vec<_>, _>>()?;
        let rdates = obs
            .properties(&ICalendarProperty::Rdate)
            .flat_map(|e| e.values.iter())
            .filter_map(|v| v.as_partial_date_time().and_then(naive_of))
            .collect();
        observances.push(Observance {
            onset,
            offset_from: offset(ICalendarProperty::Tzoffsetfrom)?,
            offset_to: offset(ICalendarProperty::Tzoffsetto)?,
            rules,
            rdates,
        });
    }
    if observances.is_empty() {
        return Err(AvailabilityError::Ics("no STANDARD or DAYLIGHT".into()));
    }
    Ok(CustomZone {
        tzid: tzid.to_string(),
        observances,
    })
}

fn naive_of(p: &PartialDateTime) -> Option<NaiveDateTime> {
    let date = NaiveDate::from_ymd_opt(i32::from(p.year?), u32::from(p.month?), u32::from(p.day?))?;
    date.and_hms_opt(
        u32::from(p.hour.unwrap_or(0)),
        u32::from(p.minute.unwrap_or(0)),
        u32::from(p.second.unwrap_or(0)).min(59),
    )
}

/// A date-time value with the entry's TZID: UTC, zoned, floating or a DATE.
fn time_value(
    p: &PartialDateTime,
    entry: &ICalendarEntry,
    zones: &Zones,
    warnings: &mut Vec<String>,
) -> Option<TimeValue> {
    let local = naive_of(p)?;
    if p.hour.is_none() {
        return Some(TimeValue::Date { date: local.date() });
    }
    if let Some(offset) = offset_seconds(p) {
        // `...Z` (or an explicit offset): an instant, whatever TZID says (RFC 5545 §3.3.5).
        return Some(if offset == 0 {
            TimeValue::DateTime {
                local,
                zone: EventZone::Utc,
            }
        } else {
            TimeValue::DateTime {
                local,
                zone: EventZone::Fixed {
                    offset_seconds: offset,
                },
            }
        });
    }
    let zone = match entry.tz_id() {
        Some(tzid) => zones.zone(tzid, warnings),
        None => EventZone::Floating,
    };
    Some(TimeValue::DateTime { local, zone })
}

fn values(
    comp: &ICalendarComponent,
    prop: ICalendarProperty,
    zones: &Zones,
    warnings: &mut Vec<String>,
) -> Vec<TimeValue> {
    let mut out = Vec::new();
    for entry in comp.properties(&prop) {
        for v in &entry.values {
            let p = match v {
                ICalendarValue::PartialDateTime(p) => p.as_ref(),
                ICalendarValue::Period(ICalendarPeriod::Range { start, .. })
                | ICalendarValue::Period(ICalendarPeriod::Duration { start, .. }) => start,
                _ => continue,
            };
            if let Some(t) = time_value(p, entry, zones, warnings) {
                out.push(t);
            }
        }
    }
    out
}

fn first_value(
    comp: &ICalendarComponent,
    prop: ICalendarProperty,
    zones: &Zones,
    warnings: &mut Vec<String>,
) -> Option<TimeValue> {
    values(comp, prop, zones, warnings).into_iter().next()
}

fn text(comp: &ICalendarComponent, prop: &ICalendarProperty) -> Option<String> {
    comp.property(prop)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(str::to_string)
}

fn strip_mailto(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("mailto:")
        .or_else(|| s.strip_prefix("MAILTO:"))
        .unwrap_or(s);
    s.to_ascii_lowercase()
}

fn read_event(
    comp: &ICalendarComponent,
    zones: &Zones,
    emails: &[String],
    warnings: &mut Vec<String>,
) -> Result<IcsEvent, AvailabilityError> {
    let uid = text(comp, &ICalendarProperty::Uid)
        .ok_or_else(|| AvailabilityError::Ics("VEVENT without UID".into()))?;
    let start = first_value(comp, ICalendarProperty::Dtstart, zones, warnings)
        .ok_or_else(|| AvailabilityError::Ics(format!("{uid}: no usable DTSTART")))?;
    let end = first_value(comp, ICalendarProperty::Dtend, zones, warnings);
    let duration = comp
        .property(&ICalendarProperty::Duration)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Duration(d) => Some(d.as_seconds()),
            _ => None,
        });
    // Only for measuring DTEND − DTSTART; the zone of floating values cancels out.
    let probe = chrono_tz::UTC;
    let length = match (&start, end, duration) {
        (TimeValue::Date { date }, Some(TimeValue::Date { date: end }), _) => {
            InstanceLength::Days {
                days: u32::try_from((end - *date).num_days()).unwrap_or(0).max(1),
            }
        }
        (TimeValue::Date { .. }, _, Some(secs)) => InstanceLength::Days {
            days: u32::try_from(secs / 86_400).unwrap_or(0).max(1),
        },
        (TimeValue::Date { .. }, _, None) => InstanceLength::Days { days: 1 },
        (_, Some(end), _) => InstanceLength::Seconds {
            seconds: (end.instance_key(probe)?.as_storage_instant()
                - start.instance_key(probe)?.as_storage_instant())
            .num_seconds(),
        },
        (_, None, Some(secs)) => InstanceLength::Seconds { seconds: secs },
        // RFC 5545 §3.6.1: a DTSTART date-time alone is an instant; it blocks nothing.
        (_, None, None) => InstanceLength::Seconds { seconds: 0 },
    };
    length.as_delta()?;
    if let InstanceLength::Seconds { seconds } = length
        && seconds < 0
    {
        warnings.push(format!("{uid}: DTEND before DTSTART; it blocks nothing"));
    }
    let sequence = comp
        .property(&ICalendarProperty::Sequence)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_integer())
        .unwrap_or(0);
    let status = match text(comp, &ICalendarProperty::Status) {
        Some(s) => s.parse().unwrap_or_else(|_| {
            warnings.push(format!("{uid}: STATUS {s:?} read as confirmed"));
            EventStatus::Confirmed
        }),
        None => EventStatus::Confirmed,
    };
    let cdo = comp
        .entries
        .iter()
        .find(|e| matches!(&e.name, ICalendarProperty::Other(n) if n.eq_ignore_ascii_case("X-MICROSOFT-CDO-BUSYSTATUS")))
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .and_then(|s| s.parse::<BusyStatus>().ok());
    let busy_status = cdo.unwrap_or_else(|| {
        text(comp, &ICalendarProperty::Transp)
            .and_then(|s| s.parse().ok())
            .unwrap_or(BusyStatus::Busy)
    });
    let organizer = text(comp, &ICalendarProperty::Organizer).map(|s| strip_mailto(&s));
    let response = if organizer.as_ref().is_some_and(|o| emails.contains(o)) {
        None
    } else {
        comp.properties(&ICalendarProperty::Attendee)
            .find(|e| {
                e.values
                    .first()
                    .and_then(|v| v.as_text())
                    .is_some_and(|addr| emails.contains(&strip_mailto(addr)))
            })
            .map(|e| {
                e.parameter(&ICalendarParameterName::Partstat)
                    .and_then(|p| p.as_text())
                    .and_then(|s| s.parse().ok())
                    // RFC 5545 §3.2.12: PARTSTAT defaults to NEEDS-ACTION.
                    .unwrap_or(Response::NeedsAction)
            })
    };
    let recurrence_id = first_value(comp, ICalendarProperty::RecurrenceId, zones, warnings);
    let rules = comp
        .properties(&ICalendarProperty::Rrule)
        .filter_map(|e| match e.values.first() {
            Some(ICalendarValue::RecurrenceRule(r)) => Some(rule_spec(r)),
            _ => None,
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rdates = values(comp, ICalendarProperty::Rdate, zones, warnings);
    let exdates = values(comp, ICalendarProperty::Exdate, zones, warnings);
    let recurrence =
        (recurrence_id.is_none() && (!rules.is_empty() || !rdates.is_empty())).then(|| {
            RecurrenceSet {
                start: start.clone(),
                length,
                rules,
                rdates,
                exdates,
            }
        });
    Ok(IcsEvent {
        summary: text(comp, &ICalendarProperty::Summary),
        uid,
        sequence,
        start,
        length,
        status,
        busy_status,
        response,
        recurrence_id,
        recurrence,
    })
}

fn weekday(w: ICalendarWeekday) -> Weekday {
    match w {
        ICalendarWeekday::Monday => Weekday::Mon,
        ICalendarWeekday::Tuesday => Weekday::Tue,
        ICalendarWeekday::Wednesday => Weekday::Wed,
        ICalendarWeekday::Thursday => Weekday::Thu,
        ICalendarWeekday::Friday => Weekday::Fri,
        ICalendarWeekday::Saturday => Weekday::Sat,
        ICalendarWeekday::Sunday => Weekday::Sun,
    }
}

fn rule_spec(r: &ICalendarRecurrenceRule) -> Result<RuleSpec, AvailabilityError> {
    if r.rscale.is_some() {
        return Err(AvailabilityError::Rule(
            "RSCALE (non-Gregorian) rules are not supported".into(),
        ));
    }
    let mut spec = RuleSpec::new(match r.freq {
        ICalendarFrequency::Yearly => Frequency::Yearly,
        ICalendarFrequency::Monthly => Frequency::Monthly,
        ICalendarFrequency::Weekly => Frequency::Weekly,
        ICalendarFrequency::Daily => Frequency::Daily,
        ICalendarFrequency::Hourly => Frequency::Hourly,
        ICalendarFrequency::Minutely => Frequency::Minutely,
        ICalendarFrequency::Secondly => Frequency::Secondly,
    });
    spec.interval = r.interval.unwrap_or(1).max(1);
    spec.count = r.count;
    spec.until = match &r.until {
        None => None,
        Some(p) => {
            let local = naive_of(p).ok_or_else(|| AvailabilityError::Rule("bad UNTIL".into()))?;
            Some(if p.hour.is_none() {
                Until::Date { date: local.date() }
            } else if let Some(offset) = offset_seconds(p) {
                Until::Utc {
                    at: (local - TimeDelta::seconds(i64::from(offset))).and_utc(),
                }
            } else {
                Until::Local { at: local }
            })
        }
    };
    spec.by_day = r
        .byday
        .iter()
        .map(|d| ByDay {
            nth: d.ordwk,
            weekday: weekday(d.weekday),
        })
        .collect();
    spec.by_month_day = r.bymonthday.clone();
    spec.by_month = r.bymonth.iter().map(|m| m.month()).collect();
    spec.by_year_day = r.byyearday.clone();
    spec.by_week_no = r.byweekno.clone();
    spec.by_hour = r.byhour.clone();
    spec.by_minute = r.byminute.clone();
    spec.by_second = r.bysecond.clone();
    spec.by_set_pos = r.bysetpos.clone();
    spec.week_start = r.wkst.map(weekday);
    Ok(spec)
}

#[cfg(test)]
#[path = "ics_tests.rs"]
mod tests;
