use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;

use super::*;
use crate::availability::busy::{EventSpan, EventStatus, Response};
use crate::availability::ics::{IcsEvent, parse_ics};
use crate::availability::recurrence::TimeValue;
use crate::availability::zone::EventZone;
use crate::outbound::message::{CalendarMethod, CalendarPart};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn slot(start: &str, end: &str) -> Interval {
    Interval::new(at(start), at(end)).unwrap()
}

fn organizer() -> Mailbox {
    "Alice Organiser <alice@example.org>".parse().unwrap()
}

fn guests() -> Vec<Mailbox> {
    vec![
        "\"Dana \\\"DL\\\" Lee\" <dana@example.com>"
            .parse()
            .unwrap(),
        "bob@example.net".parse().unwrap(),
    ]
}

fn invite<'a>(
    interval: Interval,
    zone: Tz,
    organizer: &'a Mailbox,
    attendees: &'a [Mailbox],
) -> Invite<'a> {
    Invite {
        uid: "booking-42@cams.example.org",
        sequence: 0,
        interval,
        zone,
        summary: "Intro call",
        description: Some("Booked by CAMS"),
        location: None,
        organizer,
        attendees,
        now: at("2027-03-01T12:00:00Z"),
    }
}

fn only_event(ics: &str, user: &str) -> IcsEvent {
    let parsed = parse_ics(ics, &[user]).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    assert_eq!(parsed.series.len(), 1);
    parsed.series[0].master.clone().expect("a master VEVENT")
}

fn instant(ev: &IcsEvent) -> Interval {
    // Floating would be read in this zone; a correct object has no floating times, so a wrong
    // result here cannot hide behind it.
    match ev.span(chrono_tz::Pacific::Kiritimati).unwrap() {
        Some(EventSpan::Timed(i)) => i,
        other => panic!("expected a timed span, got {other:?}"),
    }
}

/// The same object with the TZID renamed to one no resolver knows: the parser must then use the
/// generated STANDARD/DAYLIGHT blocks, which is what this checks.
fn with_private_tzid(ics: &str, zone: Tz) -> String {
    ics.replace(&format!("X-LIC-LOCATION:{}\r\n", zone.name()), "")
        .replace(zone.name(), "CAMS private zone")
}

fn check_round_trip(zone: Tz, start: &str, end: &str) {
    let org = organizer();
    let att = guests();
    let i = invite(slot(start, end), zone, &org, &att);
    let ics = request(&i);
    let ev = only_event(&ics, "dana@example.com");
    assert_eq!(instant(&ev), i.interval, "IANA TZID, {zone} {start}");
    let custom = with_private_tzid(&ics, zone);
    let ev = only_event(&custom, "dana@example.com");
    assert!(
        matches!(
            &ev.start,
            TimeValue::DateTime {
                zone: EventZone::Custom { .. },
                ..
            }
        ),
        "the VTIMEZONE rules were not used: {:?}",
        ev.start
    );
    assert_eq!(instant(&ev), i.interval, "own VTIMEZONE, {zone} {start}");
}

#[test]
fn new_york_round_trips_around_the_2027_spring_change() {
    let ny = chrono_tz::America::New_York;
    // Friday before (EST, -5), Monday after (EDT, -4), and the change day itself.
    check_round_trip(ny, "2027-03-12T15:00:00Z", "2027-03-12T15:30:00Z");
    check_round_trip(ny, "2027-03-15T14:00:00Z", "2027-03-15T14:30:00Z");
    check_round_trip(ny, "2027-03-14T13:00:00Z", "2027-03-14T14:00:00Z");
    // Across the autumn change: starts in EDT, ends in EST.
    check_round_trip(ny, "2027-11-07T05:00:00Z", "2027-11-07T07:00:00Z");
}

#[test]
fn berlin_round_trips_around_the_2027_eu_change() {
    let berlin = chrono_tz::Europe::Berlin;
    check_round_trip(berlin, "2027-03-26T08:00:00Z", "2027-03-26T09:00:00Z");
    check_round_trip(berlin, "2027-03-29T07:00:00Z", "2027-03-29T08:00:00Z");
    check_round_trip(berlin, "2027-10-31T08:00:00Z", "2027-10-31T09:00:00Z");
    // An event spanning new year covers two years of transitions.
    check_round_trip(berlin, "2027-12-31T22:00:00Z", "2028-04-01T10:00:00Z");
}

#[test]
fn berlin_vtimezone_has_the_real_transitions() {
    let org = organizer();
    let i = invite(
        slot("2027-03-29T07:00:00Z", "2027-03-29T08:00:00Z"),
        chrono_tz::Europe::Berlin,
        &org,
        &[],
    );
    let ics = request(&i);
    let tz_block: String = ics
        .split("BEGIN:VEVENT")
        .next()
        .unwrap()
        .split("BEGIN:VTIMEZONE")
        .nth(1)
        .unwrap()
        .to_string();
    assert!(tz_block.contains(
        "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT"
    ), "{tz_block}");
    assert!(tz_block.contains(
        "BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD"
    ), "{tz_block}");
    assert_eq!(tz_block.matches("BEGIN:").count(), 2, "{tz_block}");
    assert!(ics.contains("DTSTART;TZID=Europe/Berlin:20270329T090000\r\n"));
    assert!(ics.contains("DTEND;TZID=Europe/Berlin:20270329T100000\r\n"));
}

#[test]
fn a_zone_without_dst_gets_one_standard_block() {
    let kolkata = chrono_tz::Asia::Kolkata;
    check_round_trip(kolkata, "2027-03-15T04:30:00Z", "2027-03-15T05:00:00Z");
    let org = organizer();
    let i = invite(
        slot("2027-03-15T04:30:00Z", "2027-03-15T05:00:00Z"),
        kolkata,
        &org,
        &[],
    );
    let ics = request(&i);
    assert_eq!(ics.matches("BEGIN:STANDARD").count(), 1);
    assert_eq!(ics.matches("BEGIN:DAYLIGHT").count(), 0);
    assert!(ics.contains("TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nTZNAME:IST\r\n"));
    assert!(ics.contains("DTSTART;TZID=Asia/Kolkata:20270315T100000\r\n"));
}

#[test]
fn numeric_abbreviations_get_a_readable_name() {
    // Dubai's tz abbreviation is "+04".
    let org = organizer();
    let i = invite(
        slot("2027-03-15T06:00:00Z", "2027-03-15T07:00:00Z"),
        chrono_tz::Asia::Dubai,
        &org,
        &[],
    );
    let ics = request(&i);
    assert!(ics.contains("TZNAME:UTC+04:00\r\n"), "{ics}");
    check_round_trip(
        chrono_tz::Asia::Dubai,
        "2027-03-15T06:00:00Z",
        "2027-03-15T07:00:00Z",
    );
}

#[test]
fn utc_events_use_z_times_and_no_vtimezone() {
    let org = organizer();
    let i = invite(
        slot("2027-03-15T06:00:00Z", "2027-03-15T07:00:00Z"),
        chrono_tz::UTC,
        &org,
        &[],
    );
    let ics = request(&i);
    assert!(!ics.contains("VTIMEZONE"));
    assert!(ics.contains("DTSTART:20270315T060000Z\r\n"));
    assert_eq!(instant(&only_event(&ics, "x@example.org")), i.interval);
}

#[test]
fn request_is_a_well_formed_itip_request() {
    let org = organizer();
    let att = guests();
    let i = invite(
        slot("2027-03-15T14:00:00Z", "2027-03-15T14:30:00Z"),
        chrono_tz::America::New_York,
        &org,
        &att,
    );
    let ics = request(&i);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
    assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
    assert!(ics.contains("\r\nDTSTAMP:20270301T120000Z\r\n"));
    assert!(ics.contains("\r\nSEQUENCE:0\r\n"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("\r\nORGANIZER;CN=\"Alice Organiser\":mailto:alice@example.org\r\n"));
    // A DQUOTE inside CN would end the quoted value early.
    assert!(
        unfolded.contains(
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Dana 'DL' Lee\":mailto:dana@example.com\r\n"
        ),
        "{ics}"
    );
    assert!(unfolded.contains(
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.net\r\n"
    ));
    let part = CalendarPart::new(CalendarMethod::Request, ics.clone()).unwrap();
    assert_eq!(part.method(), CalendarMethod::Request);
    assert!(CalendarPart::new(CalendarMethod::Cancel, ics.clone()).is_err());

    let ev = only_event(&ics, "dana@example.com");
    assert_eq!(ev.uid, "booking-42@cams.example.org");
    assert_eq!(ev.summary.as_deref(), Some("Intro call"));
    assert_eq!(ev.status, EventStatus::Confirmed);
    assert_eq!(ev.response, Some(Response::NeedsAction));
}

#[test]
fn cancel_keeps_the_uid_and_carries_the_given_sequence() {
    let org = organizer();
    let att = guests();
    let mut i = invite(
        slot("2027-03-15T14:00:00Z", "2027-03-15T14:30:00Z"),
        chrono_tz::America::New_York,
        &org,
        &att,
    );
    i.sequence = 3;
    let ics = cancel(&i);
    assert!(ics.contains("\r\nMETHOD:CANCEL\r\n"));
    assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
    assert!(ics.contains("\r\nSEQUENCE:3\r\n"));
    assert!(!ics.contains("RSVP=TRUE"));
    assert!(CalendarPart::new(CalendarMethod::Cancel, ics.clone()).is_ok());
    let ev = only_event(&ics, "dana@example.com");
    assert_eq!(ev.uid, "booking-42@cams.example.org");
    assert_eq!(ev.sequence, 3);
    assert_eq!(ev.status, EventStatus::Cancelled);
    assert_eq!(instant(&ev), i.interval);
}

#[test]
fn long_utf8_lines_fold_at_75_octets_and_unfold_to_the_original() {
    let org = organizer();
    let summary = "Café ☕ planning — Zürich × 東京 review; notes, more\\text ".repeat(6);
    let description = "Line one\nLine two, with ümlauts\r\nLine three 🎉".repeat(4);
    let mut i = invite(
        slot("2027-03-15T14:00:00Z", "2027-03-15T14:30:00Z"),
        chrono_tz::Europe::Berlin,
        &org,
        &[],
    );
    i.summary = &summary;
    i.description = Some(&description);
    i.location = Some("Raum 3; Gebäude B, 2. OG");
    let ics = request(&i);
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("SUMMARY:{}\r\n", escape_text(&summary))));
    let ev = only_event(&ics, "x@example.org");
    assert_eq!(ev.summary.as_deref(), Some(summary.as_str()));
}

#[test]
fn fold_and_escape_details() {
    assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
    let exact = "X".repeat(75);
    assert_eq!(fold(&exact), format!("{exact}\r\n"));
    let long = format!("{}é", "X".repeat(74));
    // 74 + 2 octets > 75: the é moves whole to the continuation line.
    assert_eq!(fold(&long), format!("{}\r\n é\r\n", "X".repeat(74)));
    assert_eq!(escape_text("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    assert_eq!(utc_offset(-(3 * 3600 + 30 * 60)), "-0330");
    assert_eq!(utc_offset(5 * 3600 + 30 * 60), "+0530");
    assert_eq!(utc_offset(-(17 * 60 + 30)), "-001730");
}
