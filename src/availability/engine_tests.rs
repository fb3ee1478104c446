//! Unit tests of the engine: DST weeks, zones, busy semantics, buffers, notice, caps, holds.

use super::*;
use crate::availability::busy::{BusyEvent, BusyPolicy, BusyStatus, EventStatus, Response};
use crate::availability::interval::DateSpan;
use crate::availability::preferences::DailyCap;
use crate::availability::working_hours::{WorkRange, WorkingHours};
use chrono::{TimeZone, Weekday};
use chrono_tz::America::{Los_Angeles, New_York};
use chrono_tz::Europe::Berlin;
use chrono_tz::Pacific::Auckland;

fn at(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, m, d, h, min, 0)
        .earliest()
        .expect("test time exists")
        .with_timezone(&Utc)
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn iv(s: DateTime<Utc>, e: DateTime<Utc>) -> Interval {
    Interval::new(s, e).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// No buffer, no notice, no back-to-back ranking: the bare working hours.
fn plain(zone: Tz) -> Preferences {
    Preferences::new(zone)
        .with_buffer(TimeDelta::zero())
        .unwrap()
        .with_minimum_notice(TimeDelta::zero())
        .unwrap()
        .with_avoid_back_to_back(false)
}

fn index(zone: Tz, events: &[BusyEvent]) -> BusyIndex {
    let policy = BusyPolicy::default();
    BusyIndex::build(zone, [(&policy, events)])
}

fn query(range: Interval, minutes: i64, now: DateTime<Utc>) -> Query {
    Query::new(
        range,
        TimeDelta::minutes(minutes),
        TimeDelta::minutes(30),
        now,
    )
    .unwrap()
}

fn free(prefs: &Preferences, events: &[BusyEvent], holds: &[Hold], q: &Query) -> Vec<Interval> {
    let idx = index(prefs.zone(), events);
    Engine::new(prefs, &idx, holds).unwrap().free_intervals(q)
}

fn slots(prefs: &Preferences, events: &[BusyEvent], holds: &[Hold], q: &Query) -> Vec<Slot> {
    let idx = index(prefs.zone(), events);
    Engine::new(prefs, &idx, holds).unwrap().ranked_slots(q)
}

fn explain(prefs: &Preferences, events: &[BusyEvent], q: &Query, c: Interval) -> Vec<String> {
    let idx = index(prefs.zone(), events);
    Engine::new(prefs, &idx, &[])
        .unwrap()
        .explain(q, &c)
        .render(prefs.zone())
}

#[test]
fn us_dst_week_keeps_nine_to_five_local() {
    // US clocks spring forward on Sun 2026-03-08: 09:00 is 14:00Z on Friday, 13:00Z on Monday.
    let prefs = plain(New_York);
    let q = query(
        iv(utc(2026, 3, 6, 0, 0), utc(2026, 3, 10, 0, 0)),
        60,
        utc(2026, 1, 1, 0, 0),
    );
    let got = free(&prefs, &[], &[], &q);
    assert_eq!(
        got,
        vec![
            iv(utc(2026, 3, 6, 14, 0), utc(2026, 3, 6, 22, 0)),
            iv(utc(2026, 3, 9, 13, 0), utc(2026, 3, 9, 21, 0)),
        ]
    );
}

#[test]
fn eu_dst_week_differs_from_the_us_one() {
    // Between the US change (03-08) and the EU one (03-29) New York is 5 hours behind Berlin,
    // not 6; Berlin itself moves on 03-29, so its Monday 03-30 starts at 07:00Z.
    let berlin = plain(Berlin);
    let ny = plain(New_York);
    let now = utc(2026, 1, 1, 0, 0);
    let monday = iv(utc(2026, 3, 16, 0, 0), utc(2026, 3, 17, 0, 0));
    let b = free(&berlin, &[], &[], &query(monday, 60, now));
    let n = free(&ny, &[], &[], &query(monday, 60, now));
    assert_eq!(n[0].start() - b[0].start(), TimeDelta::hours(5));
    let week = iv(utc(2026, 3, 27, 0, 0), utc(2026, 3, 31, 0, 0));
    let b = free(&berlin, &[], &[], &query(week, 60, now));
    assert_eq!(
        b,
        vec![
            iv(utc(2026, 3, 27, 8, 0), utc(2026, 3, 27, 16, 0)),
            iv(utc(2026, 3, 30, 7, 0), utc(2026, 3, 30, 15, 0)),
        ]
    );
}

#[test]
fn working_day_is_eight_hours_on_both_dst_change_days() {
    let every_day = WorkingHours::from_ranges(
        [Weekday::Sun].map(|d| (d, vec![WorkRange::new(clock(9, 0), clock(17, 0)).unwrap()])),
    );
    let prefs = plain(New_York).with_working_hours(every_day);
    for (m, d) in [(3, 8), (11, 1)] {
        let day = iv(
            at(New_York, 2026, m, d, 0, 0),
            at(New_York, 2026, m, d, 23, 0),
        );
        let got = free(&prefs, &[], &[], &query(day, 60, utc(2026, 1, 1, 0, 0)));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].duration(), TimeDelta::hours(8), "on 2026-{m}-{d}");
    }
}

#[test]
fn hours_inside_the_spring_gap_are_shortened_not_dropped() {
    // 01:00–03:00 on 2026-03-08 in New York: 02:00–03:00 never happens, so one real hour.
    let night = WorkingHours::from_ranges([(
        Weekday::Sun,
        vec![WorkRange::new(clock(1, 0), clock(3, 0)).unwrap()],
    )]);
    let prefs = plain(New_York).with_working_hours(night);
    let day = iv(utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0));
    let got = free(&prefs, &[], &[], &query(day, 30, utc(2026, 1, 1, 0, 0)));
    assert_eq!(got, vec![iv(utc(2026, 3, 8, 6, 0), utc(2026, 3, 8, 7, 0))]);
}

fn clock(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[test]
fn auckland_working_day_crosses_midnight_utc() {
    // Auckland is UTC+13 in February: Tuesday 09:00–17:00 is Monday 20:00Z to Tuesday 04:00Z.
    let prefs = plain(Auckland);
    let range = iv(utc(2026, 2, 9, 12, 0), utc(2026, 2, 10, 12, 0));
    let q = query(range, 60, utc(2026, 1, 1, 0, 0));
    assert_eq!(
        free(&prefs, &[], &[], &q),
        vec![iv(utc(2026, 2, 9, 20, 0), utc(2026, 2, 10, 4, 0))]
    );
    let s = slots(&prefs, &[], &[], &q);
    assert!(
        s.iter()
            .any(|s| s.interval == iv(utc(2026, 2, 9, 23, 30), utc(2026, 2, 10, 0, 30)))
    );
}

#[test]
fn evening_shift_crossing_local_midnight_in_los_angeles() {
    // 18:00–02:00 every Friday: ends Saturday 02:00 local, i.e. 10:00Z (PDT, -7).
    let shift =
        WorkingHours::from_json(&serde_json::json!({"friday": {"start": "18:00", "end": "02:00"}}))
            .unwrap();
    let prefs = plain(Los_Angeles).with_working_hours(shift);
    let range = iv(utc(2026, 6, 5, 0, 0), utc(2026, 6, 7, 0, 0));
    let got = free(&prefs, &[], &[], &query(range, 60, utc(2026, 1, 1, 0, 0)));
    assert_eq!(got, vec![iv(utc(2026, 6, 6, 1, 0), utc(2026, 6, 6, 9, 0))]);
}

#[test]
fn all_day_event_blocks_the_users_date_not_utc_or_the_calendars() {
    // A Tokyo calendar's all-day event on 2026-03-10 blocks 03-10 in Los Angeles.
    let prefs = plain(Los_Angeles);
    let holiday = BusyEvent::all_day(DateSpan::single(date(2026, 3, 10)));
    let range = iv(utc(2026, 3, 10, 0, 0), utc(2026, 3, 12, 12, 0));
    let got = free(
        &prefs,
        &[holiday],
        &[],
        &query(range, 60, utc(2026, 1, 1, 0, 0)),
    );
    assert_eq!(
        got,
        vec![iv(
            at(Los_Angeles, 2026, 3, 11, 9, 0),
            at(Los_Angeles, 2026, 3, 11, 17, 0)
        )]
    );
    let q = query(range, 60, utc(2026, 1, 1, 0, 0));
    let tuesday_ten = iv(
        at(Los_Angeles, 2026, 3, 10, 10, 0),
        at(Los_Angeles, 2026, 3, 10, 11, 0),
    );
    assert_eq!(
        explain(&prefs, &[holiday], &q, tuesday_ten),
        vec!["overlaps an all-day event on Tue 2026-03-10".to_string()]
    );
    // Marked free (a birthday), it blocks nothing.
    let birthday = BusyEvent {
        busy_status: BusyStatus::Free,
        ..holiday
    };
    let got = free(
        &prefs,
        &[birthday],
        &[],
        &query(range, 60, utc(2026, 1, 1, 0, 0)),
    );
    assert_eq!(got.len(), 2);
}

#[test]
fn free_cancelled_and_declined_events_do_not_block_but_tentative_does() {
    let prefs = plain(New_York);
    let day = iv(
        at(New_York, 2026, 4, 7, 0, 0),
        at(New_York, 2026, 4, 8, 0, 0),
    );
    let meeting = BusyEvent::timed(iv(
        at(New_York, 2026, 4, 7, 10, 0),
        at(New_York, 2026, 4, 7, 11, 0),
    ));
    let q = query(day, 60, utc(2026, 1, 1, 0, 0));
    let whole = vec![iv(
        at(New_York, 2026, 4, 7, 9, 0),
        at(New_York, 2026, 4, 7, 17, 0),
    )];
    for harmless in [
        BusyEvent {
            busy_status: BusyStatus::Free,
            ..meeting
        },
        BusyEvent {
            status: EventStatus::Cancelled,
            ..meeting
        },
        BusyEvent {
            response: Some(Response::Declined),
            ..meeting
        },
    ] {
        assert_eq!(free(&prefs, &[harmless], &[], &q), whole, "{harmless:?}");
    }
    for blocking in [
        BusyEvent {
            status: EventStatus::Tentative,
            ..meeting
        },
        BusyEvent {
            busy_status: BusyStatus::Tentative,
            ..meeting
        },
        BusyEvent {
            response: Some(Response::NeedsAction),
            ..meeting
        },
    ] {
        assert_eq!(free(&prefs, &[blocking], &[], &q).len(), 2, "{blocking:?}");
    }
    // A calendar whose policy counts declined invitations (say, a shared team calendar).
    let strict = BusyPolicy {
        declined_blocks: true,
        ..BusyPolicy::default()
    };
    let declined = [BusyEvent {
        response: Some(Response::Declined),
        ..meeting
    }];
    let idx = BusyIndex::build(New_York, [(&strict, &declined[..])]);
    assert_eq!(
        Engine::new(&prefs, &idx, &[])
            .unwrap()
            .free_intervals(&q)
            .len(),
        2
    );
}

#[test]
fn buffers_surround_outside_events_and_are_explained() {
    let prefs = plain(New_York).with_buffer(TimeDelta::minutes(15)).unwrap();
    let meeting = BusyEvent::timed(iv(
        at(New_York, 2026, 4, 7, 13, 0),
        at(New_York, 2026, 4, 7, 14, 0),
    ));
    let day = iv(
        at(New_York, 2026, 4, 7, 0, 0),
        at(New_York, 2026, 4, 8, 0, 0),
    );
    let q = query(day, 60, utc(2026, 1, 1, 0, 0));
    assert_eq!(
        free(&prefs, &[meeting], &[], &q),
        vec![
            iv(
                at(New_York, 2026, 4, 7, 9, 0),
                at(New_York, 2026, 4, 7, 12, 45)
            ),
            iv(
                at(New_York, 2026, 4, 7, 14, 15),
                at(New_York, 2026, 4, 7, 17, 0)
            ),
        ]
    );
    let c = iv(
        at(New_York, 2026, 4, 7, 14, 0),
        at(New_York, 2026, 4, 7, 15, 0),
    );
    assert_eq!(
        explain(&prefs, &[meeting], &q, c),
        vec!["buffer after 13:00–14:00 America/New_York (15 min)".to_string()]
    );
    let c = iv(
        at(New_York, 2026, 4, 7, 12, 0),
        at(New_York, 2026, 4, 7, 13, 0),
    );
    assert_eq!(
        explain(&prefs, &[meeting], &q, c),
        vec!["buffer before 13:00–14:00 America/New_York (15 min)".to_string()]
    );
}

#[test]
fn minimum_notice_on_friday_afternoon_lands_on_monday() {
    // 24 h notice from Friday 16:00 ends Saturday 16:00: the weekend is not working time, so
    // the first slot is Monday 09:00, and Friday's last hour is refused for notice.
    let prefs = plain(New_York)
        .with_minimum_notice(TimeDelta::minutes(1440))
        .unwrap();
    let now = at(New_York, 2026, 3, 13, 16, 0);
    let q = query(iv(now, at(New_York, 2026, 3, 17, 0, 0)), 60, now);
    let s = slots(&prefs, &[], &[], &q);
    let first = s.iter().map(|s| s.interval.start()).min().unwrap();
    assert_eq!(first, at(New_York, 2026, 3, 16, 9, 0));
    let friday = iv(
        at(New_York, 2026, 3, 13, 16, 0),
        at(New_York, 2026, 3, 13, 17, 0),
    );
    assert_eq!(
        explain(&prefs, &[], &q, friday),
        vec!["inside minimum notice (earliest 2026-03-14 16:00 America/New_York)".to_string()]
    );
}

#[test]
fn daily_cap_by_count_and_by_hours() {
    let tuesday = |h| {
        iv(
            at(New_York, 2026, 4, 7, h, 0),
            at(New_York, 2026, 4, 7, h + 1, 0),
        )
    };
    let booked = [BusyEvent::timed(tuesday(9)), BusyEvent::timed(tuesday(10))];
    let range = iv(
        at(New_York, 2026, 4, 7, 0, 0),
        at(New_York, 2026, 4, 9, 0, 0),
    );
    let q = query(range, 60, utc(2026, 1, 1, 0, 0));
    let by_count = plain(New_York)
        .with_daily_cap(DailyCap {
            max_meetings: Some(2),
            max_meeting_time: None,
        })
        .unwrap();
    let s = slots(&by_count, &booked, &[], &q);
    assert!(!s.is_empty());
    assert!(
        s.iter()
            .all(|s| s.interval.start() >= at(New_York, 2026, 4, 8, 0, 0)),
        "Tuesday is full"
    );
    assert_eq!(
        explain(&by_count, &booked, &q, tuesday(14)),
        vec!["daily cap reached (2 of 2 meetings on Tue 2026-04-07)".to_string()]
    );
    // 2h30 allowed, 2h booked: a 30-minute meeting fits, an hour does not.
    let by_time = plain(New_York)
        .with_daily_cap(DailyCap {
            max_meetings: None,
            max_meeting_time: Some(TimeDelta::minutes(150)),
        })
        .unwrap();
    let hour = slots(&by_time, &booked, &[], &q);
    assert!(
        hour.iter()
            .all(|s| s.interval.start() >= at(New_York, 2026, 4, 8, 0, 0))
    );
    let half = slots(
        &by_time,
        &booked,
        &[],
        &query(range, 30, utc(2026, 1, 1, 0, 0)),
    );
    assert!(
        half.iter()
            .any(|s| s.interval.start() == at(New_York, 2026, 4, 7, 14, 0))
    );
}

#[test]
fn active_holds_block_and_expired_ones_do_not() {
    let prefs = plain(New_York);
    let hold_time = iv(
        at(New_York, 2026, 4, 7, 10, 0),
        at(New_York, 2026, 4, 7, 11, 0),
    );
    let now = utc(2026, 4, 1, 0, 0);
    let day = iv(
        at(New_York, 2026, 4, 7, 0, 0),
        at(New_York, 2026, 4, 8, 0, 0),
    );
    let q = query(day, 60, now);
    let active = Hold {
        interval: hold_time,
        expires_at: Some(now + TimeDelta::days(1)),
    };
    let expired = Hold {
        interval: hold_time,
        expires_at: Some(now),
    };
    assert_eq!(free(&prefs, &[], &[active], &q).len(), 2);
    assert_eq!(free(&prefs, &[], &[expired], &q).len(), 1);
    let idx = index(New_York, &[]);
    let why = Engine::new(&prefs, &idx, &[active])
        .unwrap()
        .explain(&q, &hold_time);
    assert_eq!(
        why.render(New_York),
        vec!["overlaps a hold 10:00–11:00 America/New_York".to_string()]
    );
}

#[test]
fn explain_lists_every_reason() {
    let prefs = plain(New_York)
        .with_minimum_notice(TimeDelta::days(2))
        .unwrap();
    let sat = iv(
        at(New_York, 2026, 4, 11, 14, 0),
        at(New_York, 2026, 4, 11, 15, 0),
    );
    let now = at(New_York, 2026, 4, 10, 12, 0);
    let q = query(iv(now, now + TimeDelta::days(7)), 60, now);
    let reasons = explain(&prefs, &[BusyEvent::timed(sat)], &q, sat);
    assert_eq!(
        reasons,
        vec![
            "outside working hours (Sat is not a working day)"
                .replace("Sat is", "Sat 2026-04-11 is"),
            "inside minimum notice (earliest 2026-04-12 12:00 America/New_York)".to_string(),
            "overlaps a busy block 14:00–15:00 America/New_York".to_string(),
        ]
    );
}

#[test]
fn slots_spread_over_days_and_avoid_back_to_back() {
    let prefs = plain(New_York).with_avoid_back_to_back(true);
    let range = iv(
        at(New_York, 2026, 4, 7, 0, 0),
        at(New_York, 2026, 4, 9, 0, 0),
    );
    let meeting = BusyEvent::timed(iv(
        at(New_York, 2026, 4, 7, 8, 0),
        at(New_York, 2026, 4, 7, 9, 0),
    ));
    let s = slots(
        &prefs,
        &[meeting],
        &[],
        &query(range, 60, utc(2026, 1, 1, 0, 0)),
    );
    // Tuesday 09:00 touches the 08:00 meeting, so Tuesday's best is 09:30; Wednesday's is 09:00.
    assert_eq!(s[0].interval.start(), at(New_York, 2026, 4, 7, 9, 30));
    assert_eq!(s[1].interval.start(), at(New_York, 2026, 4, 8, 9, 0));
    assert!(s[0].score >= s[1].score && s[1].score > s[2].score);
    let nine = s
        .iter()
        .find(|s| s.interval.start() == at(New_York, 2026, 4, 7, 9, 0))
        .unwrap();
    assert!(nine.back_to_back);
    // A meeting after the slot counts too: 11:00–12:00 before a 12:00 meeting is back to back,
    // 10:30–11:30 leaves 30 minutes and is not.
    let noon = BusyEvent::timed(iv(
        at(New_York, 2026, 4, 8, 12, 0),
        at(New_York, 2026, 4, 8, 13, 0),
    ));
    let s = slots(
        &prefs,
        &[noon],
        &[],
        &query(range, 60, utc(2026, 1, 1, 0, 0)),
    );
    let starting = |h, m| {
        s.iter()
            .find(|s| s.interval.start() == at(New_York, 2026, 4, 8, h, m))
            .unwrap()
    };
    assert!(starting(11, 0).back_to_back);
    assert!(!starting(10, 30).back_to_back);
}

#[test]
fn slots_are_exactly_the_candidates_explain_finds_free() {
    let prefs = Preferences::new(New_York)
        .with_daily_cap(DailyCap {
            max_meetings: Some(3),
            max_meeting_time: None,
        })
        .unwrap();
    let now = at(New_York, 2026, 3, 5, 15, 20);
    let events = [
        BusyEvent::timed(iv(
            at(New_York, 2026, 3, 9, 10, 0),
            at(New_York, 2026, 3, 9, 11, 15),
        )),
        BusyEvent::timed(iv(
            at(New_York, 2026, 3, 9, 13, 0),
            at(New_York, 2026, 3, 9, 13, 30),
        )),
        BusyEvent::timed(iv(
            at(New_York, 2026, 3, 10, 9, 0),
            at(New_York, 2026, 3, 10, 9, 30),
        )),
        BusyEvent::timed(iv(
            at(New_York, 2026, 3, 10, 11, 0),
            at(New_York, 2026, 3, 10, 12, 0),
        )),
        BusyEvent::timed(iv(
            at(New_York, 2026, 3, 10, 15, 0),
            at(New_York, 2026, 3, 10, 16, 0),
        )),
        BusyEvent::all_day(DateSpan::single(date(2026, 3, 11))),
    ];
    let q = query(iv(now, now + TimeDelta::days(7)), 45, now);
    let idx = index(New_York, &events);
    let engine = Engine::new(&prefs, &idx, &[]).unwrap();
    let offered: std::collections::BTreeSet<_> =
        engine.ranked_slots(&q).iter().map(|s| s.interval).collect();
    assert!(!offered.is_empty());
    let mut t = at(New_York, 2026, 3, 5, 0, 0);
    while t < now + TimeDelta::days(7) {
        let c = Interval::starting_at(t, TimeDelta::minutes(45)).unwrap();
        if q.range().contains(&c) {
            let why = engine.explain(&q, &c);
            assert_eq!(
                why.is_available(),
                offered.contains(&c),
                "{c:?}: {:?}",
                why.render(New_York)
            );
        }
        t += TimeDelta::minutes(30);
    }
}

#[test]
fn a_long_event_starting_before_the_range_still_blocks() {
    let prefs = plain(New_York);
    let conference = BusyEvent::timed(iv(utc(2026, 3, 1, 0, 0), utc(2026, 3, 20, 0, 0)));
    let many: Vec<BusyEvent> = (0..500)
        .map(|i| {
            BusyEvent::timed(
                Interval::starting_at(
                    utc(2026, 3, 2, 0, 0) + TimeDelta::hours(i),
                    TimeDelta::minutes(5),
                )
                .unwrap(),
            )
        })
        .chain([conference])
        .collect();
    let q = query(
        iv(utc(2026, 3, 16, 0, 0), utc(2026, 3, 18, 0, 0)),
        30,
        utc(2026, 1, 1, 0, 0),
    );
    assert!(free(&prefs, &many, &[], &q).is_empty());
}

#[test]
fn preferences_parse_from_the_seed_shape() {
    let wh = serde_json::json!({
        "monday": {"start": "09:00", "end": "17:00"},
        "tuesday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
        "saturday": null
    });
    let sched = serde_json::json!({"avoid_back_to_back": false, "minimum_notice": 120, "max_meetings_per_day": 4});
    let p = Preferences::from_seed("Europe/Berlin", Some(&wh), Some(10), Some(30), Some(&sched))
        .unwrap();
    assert_eq!(p.zone(), Berlin);
    assert_eq!(p.working_hours().ranges(Weekday::Tue).len(), 2);
    assert!(p.working_hours().ranges(Weekday::Wed).is_empty());
    assert_eq!(p.minimum_notice(), TimeDelta::minutes(120));
    assert_eq!(p.daily_cap().max_meetings, Some(4));
    assert!(!p.avoid_back_to_back());
    assert!(Preferences::from_seed("Mars/Olympus", None, None, None, None).is_err());
    assert!(Preferences::from_seed("UTC", None, Some(-5), None, None).is_err());
    let bad = serde_json::json!({"funday": {"start": "09:00", "end": "17:00"}});
    assert!(WorkingHours::from_json(&bad).is_err());
    let overlap = serde_json::json!({"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]});
    assert!(WorkingHours::from_json(&overlap).is_err());
    assert!(
        WorkingHours::from_json(&serde_json::json!({"monday": {"start": "9am", "end": "17:00"}}))
            .is_err()
    );
}

#[test]
fn a_mismatched_index_zone_is_refused() {
    let prefs = plain(New_York);
    let idx = index(Berlin, &[]);
    assert!(Engine::new(&prefs, &idx, &[]).is_err());
    assert!(
        Query::new(
            iv(utc(2026, 1, 1, 0, 0), utc(2026, 1, 2, 0, 0)),
            TimeDelta::zero(),
            TimeDelta::minutes(15),
            utc(2026, 1, 1, 0, 0)
        )
        .is_err()
    );
}

#[test]
fn a_whole_day_range_is_the_local_day_even_when_it_is_23_hours() {
    let all_day =
        WorkingHours::from_json(&serde_json::json!({"sunday": {"start": "00:00", "end": "24:00"}}))
            .unwrap();
    let prefs = plain(New_York).with_working_hours(all_day);
    let range = iv(utc(2026, 3, 7, 0, 0), utc(2026, 3, 10, 0, 0));
    let got = free(&prefs, &[], &[], &query(range, 60, utc(2026, 1, 1, 0, 0)));
    assert_eq!(
        got,
        vec![iv(
            at(New_York, 2026, 3, 8, 0, 0),
            at(New_York, 2026, 3, 9, 0, 0)
        )]
    );
    assert_eq!(got[0].duration(), TimeDelta::hours(23));
}
