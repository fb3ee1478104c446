//! Behaviour tests of `read_times`: conventions, zones, DST, calendar edges, ranking and
//! non-proposals, on whole sentences as people write them.

use super::*;
use chrono::TimeZone;

/// A sender in New York writing at `y-m-d h:mi` local time.
fn ny(y: i32, m: u32, d: u32, h: u32, mi: u32) -> TimeContext {
    let tz = Tz::America__New_York;
    let at = tz
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .single()
        .expect("unambiguous test time")
        .fixed_offset();
    TimeContext::new(at).with_zone(tz)
}

/// Wednesday 25 November 2026, 10:00 in New York.
fn wed() -> TimeContext {
    ny(2026, 11, 25, 10, 0)
}

fn slots(text: &str, ctx: &TimeContext) -> Vec<ProposedSlot> {
    read_times(text, ctx).slots
}

/// "start..end" of each slot in RFC 3339, in rank order.
fn spans(text: &str, ctx: &TimeContext) -> Vec<String> {
    slots(text, ctx)
        .iter()
        .map(|s| format!("{}..{}", s.start.to_rfc3339(), s.end.to_rfc3339()))
        .collect()
}

#[test]
fn clock_time_lasts_thirty_minutes_by_default() {
    let s = slots("Could we meet Tuesday at 3pm?", &wed());
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-01T15:00:00-05:00");
    assert_eq!(s[0].end.to_rfc3339(), "2026-12-01T15:30:00-05:00");
    assert!(!s[0].flexible);
    assert_eq!(s[0].grain, Grain::Hour);
    assert_eq!(s[0].zone, "America/New_York");
    assert_eq!(s[0].text, "Tuesday at 3pm");
}

#[test]
fn clock_time_lasts_the_stated_meeting_length() {
    let r = read_times(
        "Do you have time for a quick 15 min call Tuesday at 3:30pm?",
        &wed(),
    );
    assert_eq!(r.duration_minutes, Some(15));
    assert_eq!(r.mode, Some(MeetingMode::Call));
    assert_eq!(r.slots[0].start.to_rfc3339(), "2026-12-01T15:30:00-05:00");
    assert_eq!(r.slots[0].end.to_rfc3339(), "2026-12-01T15:45:00-05:00");
    assert_eq!(r.slots[0].grain, Grain::Minute);
}

#[test]
fn callers_meeting_length_wins() {
    let ctx = wed().with_meeting_minutes(45).expect("valid length");
    let r = read_times("Tuesday at 3pm? An hour would be great, thanks.", &ctx);
    assert_eq!(r.duration_minutes, Some(45));
    assert_eq!(r.slots[0].end.to_rfc3339(), "2026-12-01T15:45:00-05:00");
}

#[test]
fn hour_without_am_pm_is_a_business_hour() {
    assert_eq!(
        spans("How about Thursday at 2?", &wed()),
        vec!["2026-11-26T14:00:00-05:00..2026-11-26T14:30:00-05:00"]
    );
}

#[test]
fn range_is_taken_as_written_end_exclusive() {
    let s = slots("I'm free from 2pm to 5pm on Thursday.", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-26T14:00:00-05:00");
    assert_eq!(s[0].end.to_rfc3339(), "2026-11-26T17:00:00-05:00");
    assert!(s[0].flexible, "a three-hour range is a window");
    let r = read_times("Let's do 3-4pm Friday.", &wed());
    assert_eq!(r.slots[0].start.to_rfc3339(), "2026-11-27T15:00:00-05:00");
    assert_eq!(r.slots[0].end.to_rfc3339(), "2026-11-27T16:00:00-05:00");
    assert!(!r.slots[0].flexible, "an hour range is the meeting itself");
    assert_eq!(r.duration_minutes, Some(60), "the range states the length");
    let s = slots("A 30 minute call between 1pm and 3pm Friday?", &wed());
    assert!(
        s[0].flexible,
        "a range longer than the stated meeting is a window"
    );
    let s = slots("Thursday between 2 and 4 works.", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-26T14:00:00-05:00");
    assert_eq!(s[0].end.to_rfc3339(), "2026-11-26T16:00:00-05:00");
}

#[test]
fn parts_of_day_follow_the_product_conventions() {
    let cases = [
        (
            "Tuesday morning?",
            "2026-12-01T09:00:00-05:00..2026-12-01T12:00:00-05:00",
        ),
        (
            "Wednesday afternoon?",
            "2026-12-02T12:00:00-05:00..2026-12-02T17:00:00-05:00",
        ),
        (
            "Thursday evening?",
            "2026-11-26T17:00:00-05:00..2026-11-26T20:00:00-05:00",
        ),
        (
            "Lunch Thursday?",
            "2026-11-26T12:00:00-05:00..2026-11-26T13:00:00-05:00",
        ),
        (
            "Can we touch base end of day Friday?",
            "2026-11-27T16:00:00-05:00..2026-11-27T17:00:00-05:00",
        ),
    ];
    for (text, want) in cases {
        let got = spans(text, &wed());
        assert_eq!(got, vec![want.to_string()], "{text}");
        assert!(slots(text, &wed())[0].flexible, "{text}");
    }
}

#[test]
fn bare_day_is_business_hours_and_bare_weekday_is_the_next_one() {
    assert_eq!(
        spans("Does Monday work?", &wed()),
        vec!["2026-11-30T09:00:00-05:00..2026-11-30T17:00:00-05:00"]
    );
    // Written on a Wednesday, "Wednesday" is next week's.
    assert_eq!(
        spans("Does Wednesday work?", &wed()),
        vec!["2026-12-02T09:00:00-05:00..2026-12-02T17:00:00-05:00"]
    );
    let s = slots("Does Monday work?", &wed());
    assert_eq!(s[0].grain, Grain::Day);
    assert!(s[0].flexible);
}

#[test]
fn week_is_monday_nine_to_friday_five() {
    let s = slots("Any time next week is fine.", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-30T09:00:00-05:00");
    assert_eq!(s[0].end.to_rfc3339(), "2026-12-04T17:00:00-05:00");
    assert_eq!(s[0].grain, Grain::Week);
}

#[test]
fn before_the_twentieth_is_next_business_day_to_the_nineteenth() {
    // Written Friday 11 December 2026: the next business day is Monday the 14th.
    let ctx = ny(2026, 12, 11, 16, 0);
    assert_eq!(
        spans("Can we find a time before the 20th?", &ctx),
        vec!["2026-12-14T09:00:00-05:00..2026-12-19T17:00:00-05:00"]
    );
}

#[test]
fn zone_words_resolve_on_the_slots_date() {
    // "EST" in July is New York daylight time (UTC-4): people write EST all year.
    let july = ny(2026, 7, 1, 9, 0);
    assert_eq!(
        spans("Could we do Thursday at 3pm EST?", &july),
        vec!["2026-07-02T15:00:00-04:00..2026-07-02T15:30:00-04:00"]
    );
    let s = slots("Tuesday at 9am PT works", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-01T09:00:00-08:00");
    assert_eq!(s[0].zone, "America/Los_Angeles");
    assert_eq!(s[0].text, "Tuesday at 9am PT");
    let s = slots("Tuesday at 4pm London time?", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-01T16:00:00+00:00");
    assert_eq!(s[0].zone, "Europe/London");
    let s = slots("Tuesday 10:00 UTC+2 please", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-01T10:00:00+02:00");
    let s = slots("Friday at 2pm IST?", &wed());
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-27T14:00:00+05:30");
}

#[test]
fn a_zone_after_a_list_applies_to_the_whole_list() {
    let got = spans("Tuesday at 2 or Wednesday at 4pm CT?", &wed());
    assert_eq!(
        got,
        vec![
            "2026-12-01T14:00:00-06:00..2026-12-01T14:30:00-06:00",
            "2026-12-02T16:00:00-06:00..2026-12-02T16:30:00-06:00",
        ]
    );
}

#[test]
fn time_without_zone_is_in_the_senders_zone() {
    let tz = Tz::Europe__Berlin;
    let at = tz
        .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
        .single()
        .expect("time")
        .fixed_offset();
    let ctx = TimeContext::new(at).with_zone(tz);
    let s = slots("Hallo! Friday at 10am.", &ctx);
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-27T10:00:00+01:00");
    assert_eq!(s[0].zone, "Europe/Berlin");
    // Without an IANA zone the Date header's offset is used.
    let fixed = TimeContext::new(at);
    assert_eq!(slots("Friday at 10am.", &fixed)[0].zone, "UTC+01:00");
}

#[test]
fn us_dst_week_differs_from_the_eu_one() {
    // Written Wednesday 4 March 2026 in New York; the US springs forward on 8 March, the EU
    // on 29 March. Monday 9 March 10am ET is 14:00 UTC, and 14:00 in London (still GMT).
    let ctx = ny(2026, 3, 4, 9, 0);
    let s = slots("Monday at 10am ET?", &ctx);
    assert_eq!(s[0].start.to_rfc3339(), "2026-03-09T10:00:00-04:00");
    let s = slots("Monday at 2pm London time?", &ctx);
    assert_eq!(s[0].start.to_rfc3339(), "2026-03-09T14:00:00+00:00");
    // After the EU change, London is on BST.
    let ctx = ny(2026, 3, 30, 9, 0);
    let s = slots("Thursday at 2pm BST?", &ctx);
    assert_eq!(s[0].start.to_rfc3339(), "2026-04-02T14:00:00+01:00");
}

#[test]
fn slot_across_the_fall_back_night_keeps_each_ends_offset() {
    // Saturday 31 October 2026; New York falls back on Sunday 1 November.
    let ctx = ny(2026, 10, 31, 9, 0);
    let s = slots("Could we talk Monday at 9am?", &ctx);
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-02T09:00:00-05:00");
}

#[test]
fn month_and_year_ends() {
    // Written 30 December 2026: "Monday" is 4 January 2027.
    let ctx = ny(2026, 12, 30, 11, 0);
    assert_eq!(
        spans("Monday at 10am?", &ctx),
        vec!["2027-01-04T10:00:00-05:00..2027-01-04T10:30:00-05:00"]
    );
    // "Thursday" from Wednesday 30 September is 1 October.
    let ctx = ny(2026, 9, 30, 11, 0);
    assert_eq!(
        spans("Thursday at 11am?", &ctx),
        vec!["2026-10-01T11:00:00-04:00..2026-10-01T11:30:00-04:00"]
    );
}

#[test]
fn leap_day() {
    let ctx = ny(2028, 2, 25, 10, 0);
    assert_eq!(
        spans("How about Feb 29 at 11am?", &ctx),
        vec!["2028-02-29T11:00:00-05:00..2028-02-29T11:30:00-05:00"]
    );
    let ctx = ny(2028, 2, 28, 10, 0);
    assert_eq!(
        spans("Tomorrow at 9am?", &ctx),
        vec!["2028-02-29T09:00:00-05:00..2028-02-29T09:30:00-05:00"]
    );
}

#[test]
fn ranking_follows_the_stated_preference() {
    let s = slots(
        "Thursday at 4pm as a backup, but ideally Tuesday at 10am.",
        &wed(),
    );
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].text, "Tuesday at 10am");
    assert_eq!(s[0].rank, 1);
    assert_eq!(s[1].text, "Thursday at 4pm");
    assert_eq!(s[1].rank, 2);
    let s = slots(
        "Monday at 9am would be great. If that doesn't work, Tuesday at 1pm. Otherwise Friday morning.",
        &wed(),
    );
    let order: Vec<&str> = s.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(
        order,
        vec!["Monday at 9am", "Tuesday at 1pm", "Friday morning"]
    );
    let s = slots("Tuesday or Wednesday afternoon?", &wed());
    assert_eq!(s.iter().map(|x| x.rank).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(s[0].text, "Tuesday");
}

#[test]
fn non_proposals_give_no_slot() {
    let cases = [
        "The report is due Friday.",
        "Please send the deck by EOD Thursday.",
        "I was out last Tuesday, sorry for the delay.",
        "I need to cancel Thursday's 2pm.",
        "Here is today's agenda.",
        "Please reply immediately.",
        "We met yesterday at 3pm.",
        "I'm out of office Monday.",
    ];
    for text in cases {
        assert!(
            slots(text, &wed()).is_empty(),
            "{text}: {:?}",
            slots(text, &wed())
        );
    }
}

#[test]
fn cancelling_one_time_and_proposing_another_keeps_the_new_one() {
    let s = slots(
        "I need to cancel Thursday's 2pm - could we do Friday at 2pm instead?",
        &wed(),
    );
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-27T14:00:00-05:00");
}

#[test]
fn times_before_the_reference_are_dropped() {
    // 10:00 on Wednesday: 9am today has passed, 4pm today has not.
    assert!(slots("Can you do today at 9am?", &wed()).is_empty());
    assert_eq!(slots("Can you do today at 4pm?", &wed()).len(), 1);
}

#[test]
fn quoted_history_and_signature_give_no_slot() {
    let text = "Sounds good, see you then.\n\nBest,\nAna\nOffice hours: Monday 9am-5pm\n\nOn Tue, Nov 24, 2026 at 9:00 AM Bob <b@x.org> wrote:\n> Can we meet Friday at 3pm?\n";
    assert!(slots(text, &wed()).is_empty(), "{:?}", slots(text, &wed()));
}

#[test]
fn mode_and_place() {
    let r = read_times(
        "Want to grab coffee at Blue Bottle on Market St Thursday at 10am?",
        &wed(),
    );
    assert_eq!(r.location.as_deref(), Some("Blue Bottle on Market St"));
    assert_eq!(r.mode, Some(MeetingMode::InPerson));
    assert_eq!(r.slots.len(), 1);
    // "grab lunch" = 60 minutes by the conventions; the lunch window is 12-13.
    let r = read_times("Let's grab lunch Thursday.", &wed());
    assert_eq!(r.duration_minutes, Some(60));
    assert_eq!(r.slots[0].start.to_rfc3339(), "2026-11-26T12:00:00-05:00");
    let r = read_times("Zoom on Friday at 11?", &wed());
    assert_eq!(r.mode, Some(MeetingMode::Video));
}

#[test]
fn no_cue_no_slot_and_odd_input_never_panics() {
    assert!(slots("Thanks, talk soon!", &wed()).is_empty());
    for text in [
        "",
        "\u{0}\u{1}",
        "é à 15h ü 3pm ET 🙂 Tuesday",
        "Tuesday at 99:99pm",
        "UTC+99 at 3pm",
        "at 3pm GMT-",
        &"Tuesday at 3pm or ".repeat(200),
        "31/31/2026 and 2026-13-45",
        "Feb 30 at 3pm",
    ] {
        let _ = read_times(text, &wed());
    }
}

#[test]
fn reading_serialises_to_json() {
    let r = read_times("Tuesday at 3pm ET on Zoom?", &wed());
    let json = serde_json::to_value(&r).expect("serialisable");
    assert_eq!(json["slots"][0]["start"], "2026-12-01T15:00:00-05:00");
    assert_eq!(json["slots"][0]["grain"], "hour");
    assert_eq!(json["mode"], "video");
    let back: TimeReading = serde_json::from_value(json).expect("deserialisable");
    assert_eq!(back, r);
}

#[test]
fn context_parses_untrusted_strings() {
    let ctx =
        TimeContext::parse("2026-11-25T10:00:00-05:00", Some("America/New_York")).expect("valid");
    assert_eq!(ctx.sender_zone.name(), "America/New_York");
    assert!(matches!(
        TimeContext::parse("yesterday", None),
        Err(TimeError::BadReference(_))
    ));
    assert!(matches!(
        TimeContext::parse("2026-11-25T10:00:00-05:00", Some("Mars/Olympus")),
        Err(TimeError::UnknownZone(_))
    ));
    assert!(wed().with_meeting_minutes(0).is_err());
}

#[test]
fn a_time_of_day_after_bare_days_applies_to_them() {
    // Wednesday 23 September 2026.
    let ctx = ny(2026, 9, 23, 12, 0);
    assert_eq!(
        spans("Hey! Dinner Saturday? 7:30 at Via Carota?", &ctx),
        vec!["2026-09-26T19:30:00-04:00..2026-09-26T20:00:00-04:00"]
    );
    let got = spans(
        "Quick call mon or tues? Early afternoon suits me, like 1:30.",
        &wed(),
    );
    assert_eq!(
        got,
        vec![
            "2026-11-30T13:30:00-05:00..2026-11-30T14:00:00-05:00",
            "2026-12-01T13:30:00-05:00..2026-12-01T14:00:00-05:00",
        ]
    );
}

#[test]
fn or_shares_a_clock_or_a_part_of_day() {
    let got = spans(
        "Would Monday, November 30 at 11am work? Otherwise Wednesday the 2nd at the same time.",
        &wed(),
    );
    assert_eq!(
        got,
        vec![
            "2026-11-30T11:00:00-05:00..2026-11-30T11:30:00-05:00",
            "2026-12-02T11:00:00-05:00..2026-12-02T11:30:00-05:00",
        ]
    );
    let got = spans("Dinner on Tuesday or Wednesday evening?", &wed());
    assert_eq!(
        got,
        vec![
            "2026-12-01T17:00:00-05:00..2026-12-01T20:00:00-05:00",
            "2026-12-02T17:00:00-05:00..2026-12-02T20:00:00-05:00",
        ]
    );
}

#[test]
fn moving_a_meeting_proposes_only_the_new_time_with_the_old_clock_and_zone() {
    let s = slots(
        "Apologies, I have a conflict with our call on Thursday (8:30 AM ET). Could we push it to Friday, same time?",
        &wed(),
    );
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].start.to_rfc3339(), "2026-11-27T08:30:00-05:00");
    assert_eq!(s[0].zone, "America/New_York");
}

#[test]
fn restatements_in_another_zone_are_one_proposal() {
    let s = slots(
        "Could we do Thursday 3 December at 8:30 PM IST / 10 AM ET?",
        &wed(),
    );
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-03T20:30:00+05:30");
    let s = slots(
        "Could we talk Monday at 8am Pacific? That's 11am for you.",
        &wed(),
    );
    assert_eq!(s.len(), 1, "{s:?}");
}

#[test]
fn a_weekday_after_next_week_is_in_that_week() {
    // Wednesday 25 November: "next week" is 30 Nov - 4 Dec, so its Thursday is 3 December.
    let s = slots(
        "Could we find time next week? Thursday morning works best.",
        &wed(),
    );
    assert_eq!(s.len(), 1, "the week holds the precise proposal: {s:?}");
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-03T09:00:00-05:00");
}

#[test]
fn a_forwarded_request_is_read_without_its_header() {
    let text = "Can you set this up?\n---------- Forwarded message ---------\nFrom: Grace <g@x.org>\nDate: Mon, Nov 23, 2026 at 1:40 PM\nSubject: Kickoff\n\nAre you able to do Monday, November 30 from 10 to 11:30 AM?\n";
    let r = read_times(text, &wed());
    assert_eq!(r.slots.len(), 1, "{:?}", r.slots);
    assert_eq!(r.slots[0].start.to_rfc3339(), "2026-11-30T10:00:00-05:00");
    assert_eq!(r.slots[0].end.to_rfc3339(), "2026-11-30T11:30:00-05:00");
    assert!(!r.slots[0].flexible);
    assert_eq!(r.duration_minutes, Some(90));
}

#[test]
fn moving_from_one_day_to_another_proposes_the_new_day() {
    let s = slots(
        "Can we move our call from Friday 27 November to Monday 30 November, same time (16:00)?",
        &wed(),
    );
    assert_eq!(
        s.iter().map(|x| x.start.to_rfc3339()).collect::<Vec<_>>(),
        vec!["2026-11-30T16:00:00-05:00"]
    );
}

/// The texts of the slots read, in rank order.
fn texts(text: &str, ctx: &TimeContext) -> Vec<String> {
    slots(text, ctx).into_iter().map(|s| s.text).collect()
}

#[test]
fn opening_hours_in_a_signature_are_not_a_proposal() {
    let t = "Friday at 9am works for us.\n\nSara Cohen, MD\nClinic hours: Mon\u{2013}Thu 8am\u{2013}5pm MT";
    assert_eq!(texts(t, &wed()), ["Friday at 9am"]);
}

#[test]
fn a_clock_change_day_is_not_a_proposal() {
    let t = "Could we talk Thursday at 8am? Our clocks go forward on Sunday, so mind the zone.";
    assert_eq!(texts(t, &wed()), ["Thursday at 8am"]);
    let t = "Could we talk Thursday at 8am? Summer time starts on Sunday.";
    assert_eq!(texts(t, &wed()), ["Thursday at 8am"]);
}

#[test]
fn a_landing_craft_or_a_sail_loft_is_no_flight_or_sailing() {
    for t in [
        "Could we meet on Thursday at 10am to talk about cover for our new landing craft?",
        "Could you come to the sail loft on Thursday at 10am to check the new sails?",
    ] {
        assert_eq!(texts(t, &wed()).len(), 1, "{t}");
    }
    let t = "My flight is landing at 3pm on Thursday; could we meet Friday at 10am?";
    assert_eq!(texts(t, &wed()), ["Friday at 10am"]);
}

#[test]
fn a_zone_spelled_out_with_standard_or_summer_time_is_not_a_clock_change() {
    for t in [
        "Could we talk Thursday at 8am Eastern Standard Time?",
        "Could we talk Thursday at 8am British Summer Time?",
        "Could we talk Thursday at 8am Central European Summer Time?",
    ] {
        assert_eq!(texts(t, &wed()).len(), 1, "{t}");
    }
}

#[test]
fn a_day_someone_is_out_or_something_came_up_is_not_a_proposal() {
    let t = "The doctor will be out on Tuesday. We can move you to Thursday at 9am.";
    assert_eq!(texts(t, &wed()), ["Thursday at 9am"]);
    let t = "Something's come up on Tuesday, could we do Wednesday at 10am instead?";
    assert_eq!(texts(t, &wed()), ["Wednesday at 10am"]);
    let t = "sorry cant make it friday, will call you";
    assert!(texts(t, &wed()).is_empty());
    let t = "We will no longer be able to hold the call on Thursday.";
    assert!(texts(t, &wed()).is_empty());
}

#[test]
fn a_list_entry_marked_unavailable_is_not_a_proposal() {
    let t = "Her availability:\n\nMon 11/30 - unavailable (travel)\nTue 12/1 - 10:00-11:00 AM\n";
    let s = slots(t, &wed());
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].start.to_rfc3339(), "2026-12-01T10:00:00-05:00");
}

#[test]
fn deadlines_and_events_named_around_a_proposal_are_not_proposals() {
    let t = "Before the board deadline on December 18, could we meet Tuesday at 2pm?";
    assert_eq!(texts(t, &wed()), ["Tuesday at 2pm"]);
    let t = "Could we meet Tuesday at 2pm, ahead of the board meeting on December 18?";
    assert_eq!(texts(t, &wed()), ["Tuesday at 2pm"]);
}

#[test]
fn the_option_named_by_its_day_points_back_at_an_offered_time() {
    let t = "The Wednesday option is better for me.";
    assert!(texts(t, &wed()).is_empty());
}

#[test]
fn a_reply_keeps_the_length_the_quoted_thread_stated() {
    let quoted = "> Are you free Thursday at 3:15 PM?\n> Conferences are about 20 minutes.";
    let minutes = stated_meeting_minutes(quoted).expect("the thread states a length");
    let ctx = wed().with_meeting_minutes(minutes).expect("valid length");
    assert_eq!(
        spans("Thursday at 3:15 works. See you then.", &ctx),
        ["2026-11-26T15:15:00-05:00..2026-11-26T15:35:00-05:00"]
    );
}

#[test]
fn the_week_starting_a_day_is_that_business_week() {
    let t = "Please let me know your availability for the week starting 7 December.";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-07T09:00:00-05:00..2026-12-11T17:00:00-05:00"]
    );
}

#[test]
fn a_second_bare_ordinal_is_the_same_months_day() {
    let t = "Jennifer will be in Boston on the 7th and 8th. Any chance you'd have an hour?";
    assert_eq!(
        spans(t, &wed()),
        [
            "2026-12-07T09:00:00-05:00..2026-12-07T17:00:00-05:00",
            "2026-12-08T09:00:00-05:00..2026-12-08T17:00:00-05:00"
        ]
    );
}

#[test]
fn early_makes_a_bare_seven_oclock_the_morning() {
    let t = "quick call mon or tues? early is better for me, like 7:30 my time. lmk";
    let s = slots(t, &wed());
    assert!(!s.is_empty());
    assert!(
        s.iter()
            .all(|s| s.start.format("%H:%M").to_string() == "07:30")
    );
    let t = "Could we meet Tuesday at 7:30?";
    assert_eq!(
        slots(t, &wed())[0].start.format("%H:%M").to_string(),
        "19:30"
    );
}

#[test]
fn german_spanish_and_french_proposals_are_read() {
    let t = "Hallo Jonas,\n\nkönnen wir telefonieren? Mir würde Dienstag um 14 Uhr passen.";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-01T14:00:00-05:00..2026-12-01T14:30:00-05:00"]
    );
    let t = "Hola,\n\n¿Qué tal el jueves 3 de diciembre a las 10:00? Un saludo";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-03T10:00:00-05:00..2026-12-03T10:30:00-05:00"]
    );
    let t = "Bonjour,\n\nje peux venir lundi 30 novembre. Would 11h suit you?";
    assert_eq!(
        spans(t, &wed()),
        ["2026-11-30T11:00:00-05:00..2026-11-30T11:30:00-05:00"]
    );
    let t = "leider muss ich unseren Termin am Donnerstag, 3. Dezember, absagen.";
    assert!(slots(t, &wed()).is_empty());
    let t = "Do you have time on Monday? I'm 4h ahead of you.";
    assert_eq!(slots(t, &wed())[0].grain, Grain::Day);
}

#[test]
fn a_month_naming_a_thing_is_not_a_proposal() {
    let t = "We'll go over the results of the January survey. Could we meet Tuesday at 2pm?";
    assert_eq!(texts(t, &wed()), ["Tuesday at 2pm"]);
}

#[test]
fn a_second_clock_after_or_is_on_the_same_day() {
    let t = "Her availability (all times ET):\n\nTue 12/1 - 10:00-11:00 or 3:00-4:00 PM\nWed 12/2 - 1:30-2:30 PM\n";
    assert_eq!(
        spans(t, &wed()),
        [
            "2026-12-01T10:00:00-05:00..2026-12-01T11:00:00-05:00",
            "2026-12-01T15:00:00-05:00..2026-12-01T16:00:00-05:00",
            "2026-12-02T13:30:00-05:00..2026-12-02T14:30:00-05:00"
        ]
    );
}

#[test]
fn your_time_is_the_reader_zone_when_the_caller_knows_it() {
    let ctx = wed().with_reader_zone(Tz::Europe__Berlin);
    assert_eq!(
        spans("Could you do a quick call Friday at 4pm your time?", &ctx),
        vec!["2026-11-27T16:00:00+01:00..2026-11-27T16:30:00+01:00"]
    );
    // A restatement in the writer's clock still says which hour it is.
    assert_eq!(
        spans("Friday at 4pm your time (9am here)?", &ctx),
        vec!["2026-11-27T09:00:00-05:00..2026-11-27T09:30:00-05:00"]
    );
    // Unknown reader: the writer's zone, as before.
    assert_eq!(
        spans("Could you do a quick call Friday at 4pm your time?", &wed()),
        vec!["2026-11-27T16:00:00-05:00..2026-11-27T16:30:00-05:00"]
    );
}

#[test]
fn a_clock_window_after_a_run_of_days_is_offered_on_each() {
    let t = "Could we find 30 minutes? I'm around Monday to Wednesday next week, any time between 1 and 3pm.";
    assert_eq!(
        spans(t, &wed()),
        [
            "2026-11-30T13:00:00-05:00..2026-11-30T15:00:00-05:00",
            "2026-12-01T13:00:00-05:00..2026-12-01T15:00:00-05:00",
            "2026-12-02T13:00:00-05:00..2026-12-02T15:00:00-05:00"
        ]
    );
}

#[test]
fn bare_weekdays_after_a_named_week_are_in_it_and_dinner_is_an_evening() {
    let t = "I'm visiting the week of 14 December. Dinner Monday or Tuesday night?";
    assert_eq!(
        spans(t, &wed()),
        [
            "2026-12-14T17:00:00-05:00..2026-12-14T20:00:00-05:00",
            "2026-12-15T17:00:00-05:00..2026-12-15T20:00:00-05:00"
        ]
    );
}

#[test]
fn a_zone_between_the_clock_and_its_day_keeps_them_together() {
    let t = "Would 9-10:30am London time on Friday 4 December suit?";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-04T09:00:00+00:00..2026-12-04T10:30:00+00:00"]
    );
}

#[test]
fn two_days_of_one_month_share_a_dotted_clock_range() {
    let t = "We could host you on 14 or 15 December, 09.30-11.00 CET.";
    assert_eq!(
        spans(t, &wed()),
        [
            "2026-12-14T09:30:00+01:00..2026-12-14T11:00:00+01:00",
            "2026-12-15T09:30:00+01:00..2026-12-15T11:00:00+01:00"
        ]
    );
}

#[test]
fn a_part_of_day_after_a_clock_sets_its_half_of_the_day() {
    let t = "Shall we say Tuesday at 6 in the evening?";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-01T18:00:00-05:00..2026-12-01T18:30:00-05:00"]
    );
    let t = "¿Hablamos el jueves a las once y media de la mañana?";
    assert_eq!(
        spans(t, &wed()),
        ["2026-11-26T11:30:00-05:00..2026-11-26T12:00:00-05:00"]
    );
}

#[test]
fn stated_lengths_apply_to_the_clock() {
    let t = "lunch fri? 1:15 at the deli on 3rd";
    assert_eq!(
        spans(t, &wed()),
        ["2026-11-27T13:15:00-05:00..2026-11-27T14:15:00-05:00"]
    );
    let t = "Can we lock in 45 mins Thursday at 2? It won't take more than that.";
    assert_eq!(
        spans(t, &wed()),
        ["2026-11-26T14:00:00-05:00..2026-11-26T14:45:00-05:00"]
    );
    // A reply keeps the thread's length, unless it gives the lunch up.
    assert_eq!(
        thread_meeting_minutes("Friday works!", "> Lunch on Friday at 12:30?"),
        Some(60)
    );
    assert_eq!(
        thread_meeting_minutes("a quick call instead of lunch?", "> Lunch on Friday?"),
        None
    );
    assert_eq!(
        thread_meeting_minutes("Jeudi me convient.", "> Il faudra une bonne heure."),
        Some(60)
    );
}

#[test]
fn german_windows_and_day_parts_are_read() {
    let t = "Passt Ihnen Dienstag, 1.12., zwischen 10 und 12 Uhr? Sonst Mittwochnachmittag.";
    assert_eq!(
        spans(t, &wed()),
        [
            "2026-12-01T10:00:00-05:00..2026-12-01T12:00:00-05:00",
            "2026-12-02T12:00:00-05:00..2026-12-02T17:00:00-05:00"
        ]
    );
}

#[test]
fn halves_of_months_the_year_end_and_week_commencing_are_windows() {
    let t = "Could we talk sometime in the second half of January?";
    assert_eq!(
        spans(t, &wed()),
        ["2027-01-16T09:00:00-05:00..2027-01-31T17:00:00-05:00"]
    );
    let t = "Any chance of a call between Xmas and New Year?";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-28T09:00:00-05:00..2026-12-31T17:00:00-05:00"]
    );
    let t = "how's your diary looking w/c 7 Dec?";
    assert_eq!(
        spans(t, &wed()),
        ["2026-12-07T09:00:00-05:00..2026-12-11T17:00:00-05:00"]
    );
}

#[test]
fn a_part_of_day_without_a_day_does_not_move_into_a_named_week() {
    let t = "Which days in the week of December 7 suit you? Our mornings are best, your late afternoon.";
    let s = spans(t, &wed());
    assert!(
        s.contains(&"2026-12-07T09:00:00-05:00..2026-12-11T17:00:00-05:00".to_string()),
        "{s:?}"
    );
}

#[test]
fn a_part_of_day_after_a_named_week_is_the_hours_wanted_in_it() {
    let t = "Any availability next week for a site visit? Early afternoon would be ideal.";
    assert_eq!(
        spans(t, &wed()),
        ["2026-11-30T09:00:00-05:00..2026-12-04T17:00:00-05:00"]
    );
}

#[test]
fn a_weekday_does_not_move_into_a_week_the_writer_rules_out() {
    // Whether the away week itself is dropped is the non-proposal checks' call.
    let t = "I am away the week of 7 December. Could we do Tuesday?";
    let s = spans(t, &wed());
    assert!(
        s.contains(&"2026-12-01T09:00:00-05:00..2026-12-01T17:00:00-05:00".to_string()),
        "{s:?}"
    );
    assert!(!s.iter().any(|x| x.starts_with("2026-12-08")), "{s:?}");
}
