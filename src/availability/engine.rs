//! The availability engine: free intervals, ranked candidate slots, and why a time is not free.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::busy::{BlockKind, BusyBlock, BusyIndex, Hold, buffered};
use super::error::AvailabilityError;
use super::explain::{CapKind, Explanation, Reason, Side};
use super::interval::Interval;
use super::preferences::Preferences;
use super::zone::local_to_utc;

/// With `avoid_back_to_back`, a slot less than this far from another meeting is ranked down.
pub const BACK_TO_BACK_GAP: TimeDelta = TimeDelta::minutes(30);

/// One question to the engine. `now` is passed in, never read from the clock, so answers are
/// reproducible and testable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    range: Interval,
    duration: TimeDelta,
    step: TimeDelta,
    now: DateTime<Utc>,
}

impl Query {
    /// `duration` and `step` must be positive and at most a day (a longer step would skip days).
    pub fn new(
        range: Interval,
        duration: TimeDelta,
        step: TimeDelta,
        now: DateTime<Utc>,
    ) -> Result<Self, AvailabilityError> {
        let day = TimeDelta::days(1);
        if duration <= TimeDelta::zero() || duration > TimeDelta::days(7) {
            return Err(AvailabilityError::Query(format!(
                "duration must be 1 minute to 7 days, got {} min",
                duration.num_minutes()
            )));
        }
        if step < TimeDelta::minutes(1) || step > day {
            return Err(AvailabilityError::Query(format!(
                "step must be 1 minute to 1 day, got {} min",
                step.num_minutes()
            )));
        }
        if range.duration() > TimeDelta::days(366) {
            return Err(AvailabilityError::Query("range longer than a year".into()));
        }
        Ok(Self {
            range,
            duration,
            step,
            now,
        })
    }

    pub fn range(&self) -> Interval {
        self.range
    }
    pub fn duration(&self) -> TimeDelta {
        self.duration
    }
    pub fn step(&self) -> TimeDelta {
        self.step
    }
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

/// A candidate meeting time and how good it is (1.0 best).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Slot {
    pub interval: Interval,
    pub score: f64,
    /// Within `BACK_TO_BACK_GAP` of another meeting (only flagged with `avoid_back_to_back`).
    pub back_to_back: bool,
}

/// What was booked on one local day: meetings and their total length.
#[derive(Debug, Clone, Copy, Default)]
struct DayLoad {
    meetings: u32,
    time: TimeDelta,
}

/// Everything a question needs, cut from the index once.
struct Context {
    zone: Tz,
    /// Blocks near the span (events, all-day, active holds), sorted by start.
    blocks: Vec<BusyBlock>,
    /// Buffered blocks, merged, sorted and disjoint.
    blocked: Vec<Interval>,
    windows: Vec<(NaiveDate, Interval)>,
    load: BTreeMap<NaiveDate, DayLoad>,
}

/// Starts and ends of meeting blocks (events and holds), each sorted, for back-to-back.
struct MeetingEdges {
    starts: Vec<DateTime<Utc>>,
    ends: Vec<DateTime<Utc>>,
}

impl MeetingEdges {
    fn of(ctx: &Context) -> Self {
        // `blocks` is sorted by start already; only the ends need sorting.
        let meetings = ctx.blocks.iter().filter(|b| b.is_meeting());
        let starts: Vec<DateTime<Utc>> = meetings.clone().map(|b| b.interval.start()).collect();
        let mut ends: Vec<DateTime<Utc>> = meetings.map(|b| b.interval.end()).collect();
        ends.sort_unstable();
        Self { starts, ends }
    }
}

/// The engine over one user's preferences, busy index and holds.
#[derive(Debug, Clone, Copy)]
pub struct Engine<'a> {
    prefs: &'a Preferences,
    busy: &'a BusyIndex,
    holds: &'a [Hold],
}

impl<'a> Engine<'a> {
    /// The index must have been built in the user's zone (all-day dates are read there).
    pub fn new(
        prefs: &'a Preferences,
        busy: &'a BusyIndex,
        holds: &'a [Hold],
    ) -> Result<Self, AvailabilityError> {
        if busy.zone() != prefs.zone() {
            return Err(AvailabilityError::Query(format!(
                "busy index built for {} but the user lives in {}",
                busy.zone().name(),
                prefs.zone().name()
            )));
        }
        Ok(Self { prefs, busy, holds })
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.prefs.zone()).date_naive()
    }

    fn context(&self, span: &Interval, now: DateTime<Utc>) -> Context {
        let zone = self.prefs.zone();
        // From the day before (a shift that crosses midnight reaches into the span) to the last.
        let first = self
            .local_date(span.start())
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        let last = self.local_date(span.end());
        let windows = self.prefs.working_hours().windows(zone, first, last);
        let outer_start = local_to_utc(&zone, first.and_time(NaiveTime::MIN));
        let outer_end = local_to_utc(
            &zone,
            last.checked_add_days(chrono::Days::new(2))
                .unwrap_or(last)
                .and_time(NaiveTime::MIN),
        );
        let buffer = self.prefs.buffer();
        let outer = Interval::new(outer_start.min(span.start()), outer_end.max(span.end()))
            .unwrap_or(*span)
            .widened(buffer, buffer);

        let mut blocks: Vec<BusyBlock> = self.busy.overlapping(&outer).copied().collect();
        blocks.extend(
            self.holds
                .iter()
                .filter(|h| h.is_active(now) && h.interval.overlaps(&outer))
                .map(|h| BusyBlock {
                    interval: h.interval,
                    kind: BlockKind::Hold,
                }),
        );
        blocks.sort_unstable_by_key(|b| b.interval.start());

        let mut widened: Vec<Interval> = blocks.iter().map(|b| buffered(b, buffer)).collect();
        widened.sort_unstable_by_key(|i| i.start());
        let mut blocked: Vec<Interval> = Vec::with_capacity(widened.len());
        for i in widened {
            match blocked.last_mut() {
                Some(last) if i.start() <= last.end() => {
                    if i.end() > last.end() {
                        *last = Interval::new(last.start(), i.end()).unwrap_or(*last);
                    }
                }
                _ => blocked.push(i),
            }
        }

        let cap = self.prefs.daily_cap();
        let mut load = BTreeMap::new();
        if cap.max_meetings.is_some() || cap.max_meeting_time.is_some() {
            for b in blocks.iter().filter(|b| b.is_meeting()) {
                let day: &mut DayLoad =
                    load.entry(self.local_date(b.interval.start())).or_default();
                day.meetings += 1;
                day.time += b.interval.duration();
            }
        }
        Context {
            zone,
            blocks,
            blocked,
            windows,
            load,
        }
    }

    /// The daily cap this much more meeting time on `date` would break, if any.
    fn cap_reached(&self, ctx: &Context, date: NaiveDate, extra: TimeDelta) -> Option<CapKind> {
        let cap = self.prefs.daily_cap();
        let load = ctx.load.get(&date).copied().unwrap_or_default();
        if let Some(limit) = cap.max_meetings
            && load.meetings >= limit
        {
            return Some(CapKind::Meetings {
                limit,
                booked: load.meetings,
            });
        }
        if let Some(limit) = cap.max_meeting_time {
            let full = if extra.is_zero() {
                load.time >= limit
            } else {
                load.time + extra > limit
            };
            if full {
                return Some(CapKind::MeetingTime {
                    limit_minutes: limit.num_minutes(),
                    booked_minutes: load.time.num_minutes(),
                });
            }
        }
        None
    }

    /// Free time in the query range: working hours, past the minimum notice, outside every
    /// buffered busy block and hold, on days under the daily cap. Sorted and disjoint.
    pub fn free_intervals(&self, query: &Query) -> Vec<Interval> {
        let ctx = self.context(&query.range, query.now);
        self.free_in(&ctx, query)
    }

    fn free_in(&self, ctx: &Context, query: &Query) -> Vec<Interval> {
        let lower = query
            .range
            .start()
            .max(query.now + self.prefs.minimum_notice());
        let mut out: Vec<Interval> = Vec::new();
        for (date, window) in &ctx.windows {
            if self.cap_reached(ctx, *date, TimeDelta::zero()).is_some() {
                continue;
            }
            let start = window.start().max(lower);
            let end = window.end().min(query.range.end());
            let Ok(open) = Interval::new(start, end) else {
                continue;
            };
            // `blocked` is disjoint and sorted, so its ends are sorted too.
            let from = ctx.blocked.partition_point(|b| b.end() <= open.start());
            let mut cursor = open.start();
            for b in &ctx.blocked[from..] {
                if b.start() >= open.end() {
                    break;
                }
                if let Ok(piece) = Interval::new(cursor, b.start()) {
                    out.push(piece);
                }
                cursor = cursor.max(b.end());
            }
            if let Ok(piece) = Interval::new(cursor, open.end()) {
                out.push(piece);
            }
        }
        out.sort_unstable();
        let mut merged: Vec<Interval> = Vec::with_capacity(out.len());
        for i in out {
            match merged.last_mut() {
                Some(last) if i.start() <= last.end() => {
                    if i.end() > last.end() {
                        *last = Interval::new(last.start(), i.end()).unwrap_or(*last);
                    }
                }
                _ => merged.push(i),
            }
        }
        merged
    }

    /// The first grid point at or after `at`: the grid is `step` apart from local midnight, so
    /// slots fall on :00/:30 of the user's clock even in a +05:45 zone.
    fn align(&self, zone: Tz, at: DateTime<Utc>, step: TimeDelta) -> DateTime<Utc> {
        let local = at.with_timezone(&zone).naive_local();
        let midnight = local.date().and_time(NaiveTime::MIN);
        let into_day = (local - midnight).num_seconds();
        let step_s = step.num_seconds().max(1);
        let k = (into_day + step_s - 1) / step_s;
        let aligned = local_to_utc(&zone, midnight + TimeDelta::seconds(k * step_s));
        if aligned < at { at } else { aligned }
    }

    /// A free slot overlaps no meeting, so a meeting near it either ends in the gap before it
    /// or starts in the gap after it: two binary searches.
    fn is_back_to_back(edges: &MeetingEdges, slot: &Interval) -> bool {
        let ends_before = {
            let from = edges
                .ends
                .partition_point(|e| *e <= slot.start() - BACK_TO_BACK_GAP);
            edges.ends.get(from).is_some_and(|e| *e <= slot.start())
        };
        let starts_after = {
            let from = edges.starts.partition_point(|s| *s < slot.end());
            edges
                .starts
                .get(from)
                .is_some_and(|s| *s < slot.end() + BACK_TO_BACK_GAP)
        };
        ends_before || starts_after
    }

    /// Every free slot of the query's duration on the step grid, best first: spread over days
    /// (each day's best slot before any day's second), a slot next to another meeting after
    /// its day's others when `avoid_back_to_back` is set, earlier first otherwise.
    pub fn ranked_slots(&self, query: &Query) -> Vec<Slot> {
        let ctx = self.context(&query.range, query.now);
        let free = self.free_in(&ctx, query);
        let edges = self
            .prefs
            .avoid_back_to_back()
            .then(|| MeetingEdges::of(&ctx));
        let mut by_day: BTreeMap<NaiveDate, Vec<Slot>> = BTreeMap::new();
        for f in &free {
            let mut start = self.align(ctx.zone, f.start(), query.step);
            while let Some(slot) = Interval::starting_at(start, query.duration) {
                if slot.end() > f.end() {
                    break;
                }
                let date = self.local_date(slot.start());
                if self.cap_reached(&ctx, date, query.duration).is_none() {
                    let back_to_back = edges
                        .as_ref()
                        .is_some_and(|e| Self::is_back_to_back(e, &slot));
                    by_day.entry(date).or_default().push(Slot {
                        interval: slot,
                        score: 0.0,
                        back_to_back,
                    });
                }
                start += query.step;
            }
        }
        let mut slots = Vec::new();
        for (_, mut day) in by_day {
            day.sort_by_key(|s| (s.back_to_back, s.interval.start()));
            for (round, mut slot) in day.into_iter().enumerate() {
                let base = if slot.back_to_back { 0.5 } else { 1.0 };
                slot.score = base / (1.0 + round as f64);
                slots.push(slot);
            }
        }
        slots.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.interval.start().cmp(&b.interval.start()))
        });
        slots
    }

    /// Every reason `candidate` is not available for `query`; none means it is free.
    pub fn explain(&self, query: &Query, candidate: &Interval) -> Explanation {
        let ctx = self.context(candidate, query.now);
        let mut reasons = Vec::new();
        if !query.range.contains(candidate) {
            reasons.push(Reason::OutsideQueryRange { range: query.range });
        }
        if candidate.duration() != query.duration {
            reasons.push(Reason::WrongDuration {
                expected_minutes: query.duration.num_minutes(),
            });
        }
        let inside_hours = {
            // Windows that touch may be joined (a shift ending at midnight and one starting then).
            let mut covered_to: Option<DateTime<Utc>> = None;
            let mut windows: Vec<Interval> = ctx.windows.iter().map(|(_, w)| *w).collect();
            windows.sort_unstable();
            for w in windows {
                match covered_to {
                    Some(end) if w.start() <= end => covered_to = Some(end.max(w.end())),
                    _ if w.contains_instant(candidate.start()) => covered_to = Some(w.end()),
                    _ => {}
                }
            }
            covered_to.is_some_and(|end| end >= candidate.end())
        };
        if !inside_hours {
            let date = self.local_date(candidate.start());
            let hours = self
                .prefs
                .working_hours()
                .ranges(chrono::Datelike::weekday(&date))
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect();
            reasons.push(Reason::OutsideWorkingHours { date, hours });
        }
        let earliest = query.now + self.prefs.minimum_notice();
        if candidate.start() < earliest {
            reasons.push(Reason::InsideMinimumNotice { earliest });
        }
        let buffer = self.prefs.buffer();
        for b in &ctx.blocks {
            if b.interval.overlaps(candidate) {
                reasons.push(Reason::OverlapsBusy {
                    block: b.interval,
                    kind: b.kind,
                });
                continue;
            }
            if !b.is_meeting() || buffer.is_zero() {
                continue;
            }
            let buffer_minutes = buffer.num_minutes();
            if let Some(after) = Interval::starting_at(b.interval.end(), buffer)
                && after.overlaps(candidate)
            {
                reasons.push(Reason::InsideBuffer {
                    side: Side::After,
                    block: b.interval,
                    buffer_minutes,
                });
            }
            if let Ok(before) = Interval::new(b.interval.start() - buffer, b.interval.start())
                && before.overlaps(candidate)
            {
                reasons.push(Reason::InsideBuffer {
                    side: Side::Before,
                    block: b.interval,
                    buffer_minutes,
                });
            }
        }
        let date = self.local_date(candidate.start());
        if let Some(cap) = self.cap_reached(&ctx, date, candidate.duration()) {
            reasons.push(Reason::DailyCapReached { date, cap });
        }
        Explanation {
            candidate: *candidate,
            reasons,
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
