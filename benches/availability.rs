//! Availability engine benchmarks: a two-week query for a user with 10,000 events (a fifth of
//! them recurring), and the recurrence expansion that sync does ahead of queries.

use std::hint::black_box;

use cams::availability::busy::{BusyEvent, BusyIndex, BusyPolicy, EventSpan};
use cams::availability::recurrence::{
    ByDay, Frequency, InstanceLength, RecurrenceSet, RuleSpec, TimeValue,
};
use cams::availability::zone::EventZone;
use cams::availability::{Engine, Interval, Preferences, Query};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::America::New_York;
use criterion::{Criterion, criterion_group, criterion_main};

/// A small deterministic generator (xorshift), so every run measures the same calendar.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ONE_OFFS: usize = 8_000;
const SERIES: usize = 2_000;

/// How the 10,000 events are laid out in time.
#[derive(Clone, Copy)]
struct Profile {
    name: &'static str,
    first_year: i32,
    /// Each ending series stops after `min_count..=max_count` instances.
    min_count: u64,
    max_count: u64,
}

/// Five years, series of 5–60 instances: ~620 busy blocks in the queried fortnight, which is
/// then fully booked (the worst case for the sweep).
const DENSE: Profile = Profile {
    name: "dense",
    first_year: 2022,
    min_count: 5,
    max_count: 60,
};
/// Ten years, series of 3–12 instances: ~100 blocks in the fortnight, free time left to rank.
const TYPICAL: Profile = Profile {
    name: "typical",
    first_year: 2017,
    min_count: 3,
    max_count: 12,
};

fn history(p: Profile) -> Interval {
    Interval::new(
        Utc.with_ymd_and_hms(p.first_year, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
    )
    .unwrap()
}

/// 8,000 one-off meetings and 2,000 recurring series in working hours from `first_year` to
/// 2026; 1% of the series never end.
fn calendar(p: Profile) -> (Vec<BusyEvent>, Vec<RecurrenceSet>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let first = NaiveDate::from_ymd_opt(p.first_year, 1, 1).unwrap();
    let days = (NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() - first).num_days() as u64;
    let mut one_offs = Vec::with_capacity(ONE_OFFS);
    for _ in 0..ONE_OFFS {
        let day = first + TimeDelta::days(rng.below(days) as i64);
        let local = day
            .and_hms_opt(8 + rng.below(10) as u32, 30 * rng.below(2) as u32, 0)
            .unwrap();
        let start = New_York
            .from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc);
        let length = TimeDelta::minutes(30 * (1 + rng.below(3) as i64));
        one_offs.push(BusyEvent::timed(
            Interval::starting_at(start, length).unwrap(),
        ));
    }
    let mut series = Vec::with_capacity(SERIES);
    for i in 0..SERIES {
        let day = first + TimeDelta::days(rng.below(days) as i64);
        let local = day.and_hms_opt(8 + rng.below(10) as u32, 0, 0).unwrap();
        let mut rule = RuleSpec::new(match rng.below(10) {
            0 => Frequency::Daily,
            1 | 2 => Frequency::Monthly,
            _ => Frequency::Weekly,
        });
        if rule.freq == Frequency::Weekly {
            rule.by_day = vec![ByDay {
                nth: None,
                weekday: day.weekday(),
            }];
        }
        if i % 100 != 0 {
            rule.count = Some((p.min_count + rng.below(p.max_count - p.min_count + 1)) as u32);
        }
        series.push(RecurrenceSet {
            start: TimeValue::DateTime {
                local,
                zone: EventZone::Iana { zone: New_York },
            },
            length: InstanceLength::Seconds {
                seconds: 1800 * (1 + rng.below(2) as i64),
            },
            rules: vec![rule],
            rdates: Vec::new(),
            exdates: Vec::new(),
        });
    }
    (one_offs, series)
}

/// What sync stores: every instance of every series inside `window`.
fn materialise(series: &[RecurrenceSet], window: &Interval) -> Vec<BusyEvent> {
    series
        .iter()
        .flat_map(|s| s.occurrences(window, New_York).unwrap())
        .map(|o| match o.span {
            EventSpan::Timed(i) => BusyEvent::timed(i),
            EventSpan::AllDay(d) => BusyEvent::all_day(d),
        })
        .collect()
}

fn two_weeks() -> (Interval, DateTime<Utc>) {
    let from = Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).unwrap();
    (
        Interval::new(from, from + TimeDelta::days(14)).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
    )
}

fn bench_queries(c: &mut Criterion, p: Profile) {
    let (one_offs, series) = calendar(p);
    let instances = materialise(&series, &history(p));
    let mut events = one_offs.clone();
    events.extend(instances.iter().copied());
    let policy = BusyPolicy::default();
    let prefs = Preferences::new(New_York);
    let index = BusyIndex::build(New_York, [(&policy, &events[..])]);
    let (range, now) = two_weeks();
    let query = Query::new(range, TimeDelta::minutes(30), TimeDelta::minutes(15), now).unwrap();
    let engine = Engine::new(&prefs, &index, &[]).unwrap();
    eprintln!(
        "{}: {} one-off events + {} series = {} stored instances; {} busy blocks in the two weeks, {} free intervals, {} slots",
        p.name,
        one_offs.len(),
        series.len(),
        instances.len(),
        index.overlapping(&range).count(),
        engine.free_intervals(&query).len(),
        engine.ranked_slots(&query).len(),
    );
    c.bench_function(&format!("{}: free_intervals, 2 weeks", p.name), |b| {
        b.iter(|| black_box(engine.free_intervals(black_box(&query))))
    });
    c.bench_function(
        &format!("{}: ranked_slots, 2 weeks, 30 min every 15 min", p.name),
        |b| b.iter(|| black_box(engine.ranked_slots(black_box(&query)))),
    );
    let candidate =
        Interval::starting_at(range.start() + TimeDelta::hours(9), TimeDelta::minutes(30)).unwrap();
    c.bench_function(&format!("{}: explain one candidate", p.name), |b| {
        b.iter(|| black_box(engine.explain(&query, black_box(&candidate))))
    });
    c.bench_function(
        &format!("{}: busy index build from all stored instances", p.name),
        |b| b.iter(|| black_box(BusyIndex::build(New_York, [(&policy, &events[..])]))),
    );
}

fn bench(c: &mut Criterion) {
    bench_queries(c, TYPICAL);
    bench_queries(c, DENSE);
    let (_, series) = calendar(DENSE);
    let (range, _) = two_weeks();
    c.bench_function(
        "dense: expand 2,000 series over the two weeks (no materialisation)",
        |b| b.iter(|| black_box(materialise(black_box(&series), &range))),
    );
    c.bench_function("dense: expand 2,000 series over five years (sync)", |b| {
        b.iter(|| black_box(materialise(black_box(&series), &history(DENSE))))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
