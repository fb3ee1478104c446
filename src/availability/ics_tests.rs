//! ICS parsing and expansion against real-shaped fixtures, one per RFC 5545 trap.

use super::*;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Tokyo;

fn fixture(name: &str) -> ParsedCalendar {
    let path = format!("{}/tests/fixtures/ics/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    parse_ics(&text, &["alice@example.com"]).expect("fixture parses")
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn window(from: DateTime<Utc>, to: DateTime<Utc>) -> Interval {
    Interval::new(from, to).unwrap()
}

fn series<'a>(cal: &'a ParsedCalendar, uid: &str) -> &'a Series {
    cal.series
        .iter()
        .find(|s| s.uid == uid)
        .expect("series present")
}

fn starts(instances: &[Instance]) -> Vec<DateTime<Utc>> {
    instances
        .iter()
        .map(|i| match i.span {
            EventSpan::Timed(t) => t.start(),
            EventSpan::AllDay(d) => d.first().and_time(chrono::NaiveTime::MIN).and_utc(),
        })
        .collect()
}

#[test]
fn utc_dtstart_stays_utc_across_the_users_dst_change() {
    // calcard replays 15:00Z as 15:00 local; RFC 5545 says it is an instant: 15:00Z every week,
    // even for a New York user whose clocks change on 03-08.
    let cal = fixture("utc_dtstart.ics");
    let got = series(&cal, "utc-series@example.com")
        .instances(
            &window(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0)),
            New_York,
        )
        .unwrap();
    assert_eq!(
        starts(&got),
        vec![
            utc(2026, 3, 3, 15, 0),
            utc(2026, 3, 10, 15, 0),
            utc(2026, 3, 17, 15, 0),
            utc(2026, 3, 24, 15, 0)
        ]
    );
}

#[test]
fn weekly_series_with_a_moved_a_cancelled_and_an_excluded_instance() {
    let cal = fixture("weekly_moved_and_cancelled.ics");
    let s = series(&cal, "standup@example.com");
    assert_eq!(s.overrides.len(), 2);
    let got = s
        .instances(
            &window(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0)),
            New_York,
        )
        .unwrap();
    let blocking: Vec<_> = got
        .iter()
        .filter(|i| crate::availability::BusyPolicy::default().blocks(&i.busy_event()))
        .copied()
        .collect();
    // 03-03 (EST, 15:00Z); 03-10 moved to Thursday 03-12 14:00 EDT although its SEQUENCE (3)
    // differs from the master's (0); 03-17 excluded; 03-24 cancelled; 03-31 10:00 EDT.
    assert_eq!(
        starts(&blocking),
        vec![
            utc(2026, 3, 3, 15, 0),
            utc(2026, 3, 12, 18, 0),
            utc(2026, 3, 31, 14, 0)
        ]
    );
    let cancelled: Vec<_> = got
        .iter()
        .filter(|i| i.status == EventStatus::Cancelled)
        .collect();
    assert_eq!(cancelled.len(), 1);
    assert!(cancelled[0].is_override);
    assert_eq!(
        cancelled[0].original_start,
        Some(OriginalStart::At(utc(2026, 3, 24, 14, 0)))
    );
    let moved = got
        .iter()
        .find(|i| i.is_override && i.status == EventStatus::Confirmed)
        .unwrap();
    assert_eq!(
        moved.original_start,
        Some(OriginalStart::At(utc(2026, 3, 10, 14, 0)))
    );
}

#[test]
fn an_override_moved_into_the_window_is_found_and_its_origin_is_not() {
    let cal = fixture("weekly_moved_and_cancelled.ics");
    let s = series(&cal, "standup@example.com");
    // Only Thursday 03-12 in the window: the instance moved there from Tuesday 03-10.
    let got = s
        .instances(
            &window(utc(2026, 3, 12, 0, 0), utc(2026, 3, 13, 0, 0)),
            New_York,
        )
        .unwrap();
    assert_eq!(starts(&got), vec![utc(2026, 3, 12, 18, 0)]);
    let got = s
        .instances(
            &window(utc(2026, 3, 10, 0, 0), utc(2026, 3, 11, 0, 0)),
            New_York,
        )
        .unwrap();
    assert!(got.is_empty());
}

#[test]
fn utc_until_is_compared_as_an_instant() {
    // UNTIL=20260305T120000Z: the 03-05 instance at 09:00 EST = 14:00Z is after it, although its
    // local clock time (09:00) is before 12:00 (calcard's mistake).
    let cal = fixture("utc_until.ics");
    let got = series(&cal, "until-utc@example.com")
        .instances(
            &window(utc(2026, 3, 1, 0, 0), utc(2026, 3, 10, 0, 0)),
            New_York,
        )
        .unwrap();
    assert_eq!(
        starts(&got),
        vec![
            utc(2026, 3, 2, 14, 0),
            utc(2026, 3, 3, 14, 0),
            utc(2026, 3, 4, 14, 0)
        ]
    );
}

#[test]
fn endless_series_do_not_starve_the_others_and_count_until_end_series() {
    let cal = fixture("endless_and_others.ics");
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 6, 30, 0, 0));
    let count = |uid: &str| series(&cal, uid).instances(&w, New_York).unwrap();
    let daily = count("daily-forever@example.com");
    assert_eq!(daily.len(), 121, "every day of 2026-03-01..06-29");
    // Kept at 08:00 local across DST: 13:00Z in March before the 8th, 12:00Z after.
    assert_eq!(starts(&daily)[0], utc(2026, 3, 1, 13, 0));
    assert_eq!(starts(&daily)[10], utc(2026, 3, 11, 12, 0));
    assert_eq!(count("hourly-forever@example.com").len(), 121 * 24);
    // COUNT=5 from 02-26: 02-26 is before the window, four remain.
    assert_eq!(
        starts(&count("weekly-count@example.com")),
        vec![
            utc(2026, 3, 5, 18, 0),
            utc(2026, 3, 12, 17, 0),
            utc(2026, 3, 19, 17, 0),
            utc(2026, 3, 26, 17, 0)
        ]
    );
    // Second Mondays until 2026-06-01: March 9, April 13, May 11 (June 8 is past UNTIL).
    assert_eq!(
        starts(&count("monthly-until@example.com")),
        vec![
            utc(2026, 3, 9, 20, 0),
            utc(2026, 4, 13, 20, 0),
            utc(2026, 5, 11, 20, 0)
        ]
    );
}

#[test]
fn floating_times_are_read_in_the_users_zone() {
    let cal = fixture("floating.ics");
    let s = series(&cal, "floating@example.com");
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 3, 10, 0, 0));
    assert_eq!(
        starts(&s.instances(&w, New_York).unwrap())[0],
        utc(2026, 3, 2, 17, 0)
    );
    assert_eq!(
        starts(&s.instances(&w, Tokyo).unwrap())[0],
        utc(2026, 3, 2, 3, 0)
    );
    assert_eq!(s.instances(&w, Tokyo).unwrap().len(), 3);
}

#[test]
fn custom_vtimezone_rules_and_x_lic_location() {
    let cal = fixture("custom_vtimezone.ics");
    assert!(cal.warnings.is_empty(), "{:?}", cal.warnings);
    let custom = series(&cal, "custom-zone@example.com");
    let master = custom.master.as_ref().unwrap();
    assert!(matches!(
        &master.start,
        TimeValue::DateTime {
            zone: EventZone::Custom { .. },
            ..
        }
    ));
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
    // The zone's own rules put its DST change on 03-08, like New York's.
    assert_eq!(
        starts(&custom.instances(&w, Tokyo).unwrap()),
        vec![
            utc(2026, 3, 2, 14, 0),
            utc(2026, 3, 9, 13, 0),
            utc(2026, 3, 16, 13, 0)
        ]
    );
    // The stored JSON carries the zone's rules, so it expands again without the VTIMEZONE.
    let rec = master.recurrence.clone().unwrap();
    let again = RecurrenceSet::from_json(&rec.to_json()).unwrap();
    assert_eq!(
        again.occurrences(&w, Tokyo).unwrap(),
        rec.occurrences(&w, Tokyo).unwrap()
    );
    let berlin = series(&cal, "lic-location@example.com");
    assert!(matches!(
        &berlin.master.as_ref().unwrap().start,
        TimeValue::DateTime {
            zone: EventZone::Iana {
                zone: chrono_tz::Europe::Berlin
            },
            ..
        }
    ));
    // 09:00 CET on 03-23 is 08:00Z; after the EU change on 03-29, 09:00 CEST is 07:00Z.
    assert_eq!(
        starts(&berlin.instances(&w, Tokyo).unwrap()),
        vec![utc(2026, 3, 23, 8, 0), utc(2026, 3, 30, 7, 0)]
    );
}

#[test]
fn busy_semantics_read_from_ics() {
    let cal = fixture("busy_semantics.ics");
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 3, 31, 0, 0));
    let one = |uid: &str| series(&cal, uid).instances(&w, New_York).unwrap();
    let offsite = one("holiday@example.com");
    assert_eq!(offsite.len(), 1);
    assert_eq!(
        offsite[0].span,
        EventSpan::AllDay(
            DateSpan::new(
                NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
                NaiveDate::from_ymd_opt(2026, 3, 12).unwrap()
            )
            .unwrap()
        )
    );
    let birthday = one("birthdays@example.com");
    assert_eq!(birthday.len(), 1);
    assert_eq!(birthday[0].busy_status, BusyStatus::Free);
    assert_eq!(
        one("declined@example.com")[0].response,
        Some(Response::Declined)
    );
    assert_eq!(
        one("unanswered@example.com")[0].response,
        Some(Response::NeedsAction)
    );
    assert_eq!(
        one("tentative@example.com")[0].status,
        EventStatus::Tentative
    );
    assert_eq!(
        one("tentative@example.com")[0].busy_status,
        BusyStatus::Tentative
    );
}

#[test]
fn a_stored_rule_expands_again_without_the_ics() {
    let cal = fixture("weekly_moved_and_cancelled.ics");
    let rec = series(&cal, "standup@example.com")
        .master
        .as_ref()
        .unwrap()
        .recurrence
        .clone()
        .unwrap();
    let json = rec.to_json();
    let text = json.to_string();
    assert!(
        !text.contains("Secret"),
        "no title in the stored rule: {text}"
    );
    let back = RecurrenceSet::from_json(&json).unwrap();
    let w = window(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
    assert_eq!(back, rec);
    assert_eq!(
        back.occurrences(&w, New_York).unwrap(),
        rec.occurrences(&w, New_York).unwrap()
    );
    assert_eq!(
        back.occurrences(&w, New_York).unwrap().len(),
        43,
        "Tuesdays from 03-03, minus 03-17"
    );
}

#[test]
fn broken_input_is_an_error_not_a_panic() {
    assert!(parse_ics("", &[]).is_err());
    // A download cut short must not look like a calendar whose later events were deleted.
    let cut = parse_ics(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20260301T100000Z\n",
        &[],
    );
    assert!(matches!(cut, Err(AvailabilityError::Ics(m)) if m.contains("truncated")));
    let no_start =
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:y\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = parse_ics(no_start, &[]).unwrap();
    assert!(cal.series.is_empty());
    assert_eq!(cal.warnings.len(), 1);
    let bad_rule = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260301T100000Z\r\nDTEND:20260301T110000Z\r\nRRULE:FREQ=DAILY;BYWEEKNO=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = parse_ics(bad_rule, &[]).unwrap();
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
    assert!(cal.series[0].instances(&w, New_York).is_err());
}

#[test]
fn hostile_values_are_refused_or_ignored_without_panicking() {
    let event = |props: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:h\r\n{props}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
    for props in [
        "DTSTART:20260301T100000Z\r\nDURATION:P99999999W",
        "DTSTART:20260301T100000Z\r\nDTEND:20260301T090000Z",
        "DTSTART:99991231T235959Z\r\nDTEND:99991231T235959Z\r\nRRULE:FREQ=YEARLY",
        "DTSTART:00010101T000000Z\r\nDTEND:00010101T010000Z\r\nRRULE:FREQ=DAILY;COUNT=4294967295;INTERVAL=65535",
        "DTSTART:20260301T100000Z\r\nDTEND:20260301T100001Z\r\nRRULE:FREQ=SECONDLY",
        "DTSTART;TZID=Nowhere/Special:20260301T100000\r\nDTEND;TZID=Nowhere/Special:20260301T110000",
        "DTSTART;VALUE=DATE:20260230\r\nDTEND;VALUE=DATE:20260301",
    ] {
        let Ok(cal) = parse_ics(&event(props), &[]) else {
            continue;
        };
        for s in &cal.series {
            // An error is fine; a panic or a silently truncated series is not.
            let _ = s.instances(&w, New_York);
        }
    }
    // A SECONDLY rule has more instances in a month than we expand: an error, not a cut.
    let cal = parse_ics(
        &event("DTSTART:20260301T100000Z\r\nDTEND:20260301T100001Z\r\nRRULE:FREQ=SECONDLY"),
        &[],
    )
    .unwrap();
    assert!(cal.series[0].instances(&w, New_York).is_err());
    // An unknown TZID is read in the user's zone, and says so.
    let cal = parse_ics(&event("DTSTART;TZID=Nowhere/Special:20260302T100000\r\nDTEND;TZID=Nowhere/Special:20260302T110000"), &[]).unwrap();
    assert!(cal.warnings.iter().any(|w| w.contains("Nowhere/Special")));
    assert_eq!(
        starts(&cal.series[0].instances(&w, New_York).unwrap()),
        vec![utc(2026, 3, 2, 15, 0)]
    );
}

#[test]
fn a_parsed_feed_drives_the_engine() {
    use crate::availability::{BusyIndex, BusyPolicy, Engine, Preferences, Query};
    let cal = fixture("weekly_moved_and_cancelled.ics");
    let w = window(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
    let events: Vec<_> = cal
        .series
        .iter()
        .flat_map(|s| s.instances(&w, New_York).unwrap())
        .map(|i| i.busy_event())
        .collect();
    let policy = BusyPolicy::default();
    let index = BusyIndex::build(New_York, [(&policy, &events[..])]);
    let prefs = Preferences::new(New_York);
    let engine = Engine::new(&prefs, &index, &[]).unwrap();
    let q = Query::new(
        w,
        TimeDelta::minutes(60),
        TimeDelta::minutes(30),
        utc(2026, 2, 1, 0, 0),
    )
    .unwrap();
    let hour = |y, m, d, h| Interval::starting_at(utc(y, m, d, h, 0), TimeDelta::hours(1)).unwrap();
    // Tuesday 03-24 10:00 EDT was cancelled: free. Tuesday 03-10 moved away: free.
    assert!(engine.explain(&q, &hour(2026, 3, 24, 14)).is_available());
    assert!(engine.explain(&q, &hour(2026, 3, 10, 14)).is_available());
    // Where it moved to, Thursday 03-12 14:00 EDT, it blocks, and the reason names no title.
    let why = engine.explain(&q, &hour(2026, 3, 12, 18)).render(New_York);
    assert_eq!(
        why,
        vec!["overlaps a busy block 14:00–15:00 America/New_York".to_string()]
    );
}
