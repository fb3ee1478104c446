//! Tests of the policy: one per rule and one per reason to ask the user.

use chrono::{TimeDelta, TimeZone, Utc};

use super::*;

/// 30 minutes starting on 2026-03-`day` at `hour`:00 UTC.
fn slot(day: u32, hour: u32) -> Interval {
    Interval::starting_at(
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap(),
        TimeDelta::minutes(30),
    )
    .unwrap()
}

fn window(day: u32, from: u32, to: u32) -> Interval {
    Interval::new(
        Utc.with_ymd_and_hms(2026, 3, day, from, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 3, day, to, 0, 0).unwrap(),
    )
    .unwrap()
}

/// Everything allowed: a sure, authenticated schedule request with free time on 3 days.
fn base(intent: Intent) -> DecisionInput {
    DecisionInput {
        intent,
        confidence: 0.99,
        free_times_confidence: None,
        proposed: vec![],
        // Ranked: two on the 3rd first, so spreading must skip the second.
        candidates: vec![
            slot(3, 14),
            slot(3, 15),
            slot(4, 9),
            slot(5, 10),
            slot(6, 11),
        ],
        free: vec![
            window(3, 13, 17),
            window(4, 9, 12),
            window(5, 9, 12),
            window(6, 9, 12),
        ],
        offered: vec![],
        booking: None,
        zone: chrono_tz::UTC,
        auto_respond: true,
        thresholds: Thresholds::default(),
        trust: Trust::Authenticated {
            domain: "example.com".into(),
            method: "dmarc".into(),
        },
        known_contact: false,
        calendars_fresh: true,
        guards: vec![],
        rate_limit_allows: true,
        sender_on_booking: true,
        slot_count: 0,
    }
}

fn codes(d: &Decision) -> Vec<&'static str> {
    d.reasons.iter().map(Reason::code).collect()
}

#[test]
fn schedule_accepts_the_best_ranked_free_proposal() {
    let mut input = base(Intent::Schedule);
    input.proposed = vec![
        ProposedSlot {
            interval: slot(4, 10),
            rank: 2,
        },
        ProposedSlot {
            interval: slot(3, 8),
            rank: 1,
        }, // busy: outside every free window
        ProposedSlot {
            interval: slot(5, 9),
            rank: 3,
        },
    ];
    let d = decide(&input);
    assert_eq!(d.action, Action::AcceptSlot(slot(4, 10)));
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(d.reasons, vec![Reason::ProposedSlotFree { rank: 2 }]);
}

#[test]
fn schedule_with_only_busy_times_counter_proposes_spread_over_days() {
    let mut input = base(Intent::Schedule);
    input.proposed = vec![ProposedSlot {
        interval: slot(3, 8),
        rank: 1,
    }];
    let d = decide(&input);
    assert_eq!(
        d.action,
        Action::CounterPropose(vec![slot(3, 14), slot(4, 9), slot(5, 10)])
    );
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(codes(&d), ["proposed_slots_busy"]);
}

#[test]
fn a_proposal_straddling_a_free_window_edge_is_not_free() {
    let mut input = base(Intent::Schedule);
    input.proposed = vec![ProposedSlot {
        interval: window(3, 16, 18),
        rank: 1,
    }];
    assert!(matches!(decide(&input).action, Action::CounterPropose(_)));
}

#[test]
fn schedule_without_times_proposes_n_slots_on_distinct_days() {
    let mut input = base(Intent::Schedule);
    input.slot_count = 2;
    let d = decide(&input);
    assert_eq!(
        d.action,
        Action::ProposeSlots(vec![slot(3, 14), slot(4, 9)])
    );
    assert_eq!(codes(&d), ["no_time_proposed"]);
    input.slot_count = 0; // the default, 3
    assert_eq!(
        decide(&input).action,
        Action::ProposeSlots(vec![slot(3, 14), slot(4, 9), slot(5, 10)])
    );
}

#[test]
fn days_are_the_users_days_not_utc_days() {
    // 23:00 UTC on the 3rd and 01:00 UTC on the 4th are both the 3rd in New York.
    let mut input = base(Intent::Schedule);
    input.zone = chrono_tz::America::New_York;
    input.candidates = vec![slot(3, 23), slot(4, 1), slot(4, 15)];
    input.slot_count = 2;
    assert_eq!(
        decide(&input).action,
        Action::ProposeSlots(vec![slot(3, 23), slot(4, 15)])
    );
}

#[test]
fn when_days_run_out_more_slots_come_from_the_same_days() {
    let mut input = base(Intent::Schedule);
    input.candidates = vec![slot(3, 14), slot(3, 15), slot(3, 16)];
    let d = decide(&input);
    assert_eq!(
        d.action,
        Action::ProposeSlots(vec![slot(3, 14), slot(3, 15), slot(3, 16)])
    );
}

#[test]
fn no_free_time_asks_the_user() {
    let mut input = base(Intent::Schedule);
    input.candidates.clear();
    let d = decide(&input);
    assert_eq!(d.action, Action::ProposeSlots(vec![]));
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"no_free_time"));
}

#[test]
fn availability_check_answers_with_free_windows() {
    let d = decide(&base(Intent::AvailabilityCheck));
    assert_eq!(
        d.action,
        Action::AnswerAvailability(base(Intent::Schedule).free)
    );
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(d.reasons, vec![Reason::FreeWindows { windows: 4 }]);
}

#[test]
fn confirm_books_a_time_still_free() {
    let mut input = base(Intent::Confirm);
    input.proposed = vec![ProposedSlot {
        interval: slot(4, 9),
        rank: 1,
    }];
    let d = decide(&input);
    assert_eq!(d.action, Action::BookConfirmed(slot(4, 9)));
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(codes(&d), ["confirmed_slot_free"]);
}

#[test]
fn a_bare_yes_confirms_the_only_offered_slot() {
    let mut input = base(Intent::Confirm);
    input.offered = vec![slot(5, 10)];
    assert_eq!(decide(&input).action, Action::BookConfirmed(slot(5, 10)));
}

#[test]
fn a_bare_yes_to_several_offers_asks_the_user() {
    let mut input = base(Intent::Confirm);
    input.offered = vec![slot(5, 10), slot(6, 11)];
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert_eq!(codes(&d), ["confirm_without_time"]);
}

#[test]
fn confirm_of_a_taken_time_apologises_and_proposes_others() {
    let mut input = base(Intent::Confirm);
    input.proposed = vec![ProposedSlot {
        interval: slot(4, 15),
        rank: 1,
    }];
    let d = decide(&input);
    assert_eq!(
        d.action,
        Action::ApologiseAndPropose(vec![slot(3, 14), slot(4, 9), slot(5, 10)])
    );
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(codes(&d), ["confirmed_slot_taken"]);
}

#[test]
fn reschedule_moves_the_threads_booking_to_a_free_proposal() {
    let mut input = base(Intent::Reschedule);
    input.booking = Some(slot(2, 10));
    input.proposed = vec![ProposedSlot {
        interval: slot(5, 9),
        rank: 1,
    }];
    let d = decide(&input);
    assert_eq!(
        d.action,
        Action::Reschedule {
            from: Some(slot(2, 10)),
            to: vec![slot(5, 9)]
        }
    );
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(codes(&d), ["reschedule_requested", "proposed_slot_free"]);
}

#[test]
fn reschedule_without_a_booking_proposes_times_and_asks() {
    let d = decide(&base(Intent::Reschedule));
    assert_eq!(
        d.action,
        Action::Reschedule {
            from: None,
            to: vec![slot(3, 14), slot(4, 9), slot(5, 10)]
        }
    );
    assert_eq!(d.send, SendMode::AskUser);
    assert_eq!(codes(&d), ["reschedule_requested", "no_booking_in_thread"]);
}

#[test]
fn cancel_cancels_the_booking() {
    let mut input = base(Intent::Cancel);
    input.booking = Some(slot(2, 10));
    let d = decide(&input);
    assert_eq!(d.action, Action::Cancel(Some(slot(2, 10))));
    assert_eq!(d.send, SendMode::Automatic);
    let d = decide(&base(Intent::Cancel));
    assert_eq!(d.action, Action::Cancel(None));
    assert_eq!(d.send, SendMode::AskUser);
}

#[test]
fn decline_is_acknowledged() {
    let d = decide(&base(Intent::Decline));
    assert_eq!(d.action, Action::AcknowledgeDecline);
    assert_eq!(d.send, SendMode::Automatic);
    assert_eq!(codes(&d), ["decline_received"]);
}

#[test]
fn other_is_ignored_and_nothing_is_sent_even_when_everything_else_fails() {
    let mut input = base(Intent::Other);
    input.auto_respond = false;
    input.confidence = 0.1;
    let d = decide(&input);
    assert_eq!(d.action, Action::Ignore);
    assert_eq!(d.send, SendMode::Nothing);
    assert_eq!(codes(&d), ["not_scheduling"]);
}

#[test]
fn auto_respond_off_asks() {
    let mut input = base(Intent::Decline);
    input.auto_respond = false;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"auto_respond_off"));
}

#[test]
fn confidence_below_the_intents_threshold_asks_and_cancel_is_stricter() {
    let mut input = base(Intent::Cancel);
    input.booking = Some(slot(2, 10));
    input.confidence = 0.85; // enough to schedule, not to cancel
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(d.reasons.contains(&Reason::LowConfidence {
        confidence: 0.85,
        threshold: 0.9
    }));
    let mut schedule = base(Intent::Schedule);
    schedule.confidence = 0.85;
    assert_eq!(decide(&schedule).send, SendMode::Automatic);
    let d = Thresholds::default();
    assert!(d.cancel > d.schedule && d.reschedule > d.schedule);
}

#[test]
fn a_model_torn_between_schedule_and_availability_still_sends_free_times() {
    // "What works for you?" with no time: 0.55 schedule, 0.35 availability_check. Either
    // reading is answered with the user's free times, so the reply is 0.90 sure.
    let mut input = base(Intent::Schedule);
    input.confidence = 0.55;
    input.free_times_confidence = Some(0.90);
    let d = decide(&input);
    assert!(matches!(d.action, Action::ProposeSlots(ref s) if !s.is_empty()));
    assert_eq!(d.send, SendMode::Automatic, "{:?}", d.reasons);

    let mut input = base(Intent::AvailabilityCheck);
    input.confidence = 0.5;
    input.free_times_confidence = Some(0.8);
    assert_eq!(decide(&input).send, SendMode::Automatic);

    // Below the threshold together, it still asks, and says how sure it was.
    let mut input = base(Intent::Schedule);
    input.confidence = 0.5;
    input.free_times_confidence = Some(0.6);
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(d.reasons.contains(&Reason::LowConfidence {
        confidence: 0.6,
        threshold: 0.75
    }));
}

#[test]
fn the_free_times_sum_never_vouches_for_accepting_a_proposed_time() {
    // Accepting Tuesday 10:00 books the guest's time: only a schedule reading supports that.
    let mut input = base(Intent::Schedule);
    input.confidence = 0.55;
    input.free_times_confidence = Some(0.95);
    input.proposed = vec![ProposedSlot {
        interval: slot(4, 9),
        rank: 1,
    }];
    let d = decide(&input);
    assert!(matches!(d.action, Action::AcceptSlot(_)));
    assert_eq!(d.send, SendMode::AskUser);
    // Nor does it lift a cancel, whose action is not sending free times.
    let mut input = base(Intent::Cancel);
    input.booking = Some(slot(2, 10));
    input.confidence = 0.5;
    input.free_times_confidence = Some(0.95);
    assert_eq!(decide(&input).send, SendMode::AskUser);
    // A NaN top confidence fails closed whatever the sum says.
    let mut input = base(Intent::Schedule);
    input.confidence = f64::NAN;
    input.free_times_confidence = Some(0.95);
    assert_eq!(decide(&input).send, SendMode::AskUser);
}

#[test]
fn a_nan_confidence_fails_closed() {
    let mut input = base(Intent::Schedule);
    input.confidence = f64::NAN;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"low_confidence"));
}

#[test]
fn an_unverified_stranger_asks_but_a_known_contact_may_be_answered() {
    let mut input = base(Intent::Schedule);
    input.trust = Trust::Unverified {
        reason: "no signature".into(),
    };
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"sender_unknown"));
    input.known_contact = true;
    assert_eq!(decide(&input).send, SendMode::Automatic);
}

#[test]
fn failed_authentication_asks_even_for_a_known_contact() {
    let mut input = base(Intent::Schedule);
    input.trust = Trust::Failed {
        reason: "dmarc=fail".into(),
    };
    input.known_contact = true;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"sender_auth_failed"));
}

#[test]
fn a_stale_calendar_asks() {
    let mut input = base(Intent::Schedule);
    input.calendars_fresh = false;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"calendars_stale"));
}

#[test]
fn the_rate_limit_asks() {
    let mut input = base(Intent::Schedule);
    input.rate_limit_allows = false;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(codes(&d).contains(&"rate_limited"));
}

#[test]
fn a_thread_reply_limit_guard_asks() {
    let mut input = base(Intent::Schedule);
    input.guards = vec![GuardReason::ThreadReplyLimit {
        replies: 3,
        limit: 3,
    }];
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert_eq!(
        d.reasons.last(),
        Some(&Reason::Guard {
            guard: GuardReason::ThreadReplyLimit {
                replies: 3,
                limit: 3
            }
        })
    );
}

#[test]
fn an_automatic_message_sends_nothing() {
    for guard in [
        GuardReason::OutOfOffice { until: None },
        GuardReason::ListUnsubscribe,
        GuardReason::OwnMail,
        GuardReason::AutoSubmitted {
            value: "auto-replied".into(),
        },
    ] {
        let mut input = base(Intent::Schedule);
        input.guards = vec![guard.clone()];
        let d = decide(&input);
        assert_eq!(d.send, SendMode::Nothing, "{guard:?}");
        assert!(d.reasons.contains(&Reason::Guard { guard }));
        assert!(codes(&d).contains(&"automatic_message"));
    }
}

#[test]
fn every_obstacle_is_recorded_not_just_the_first() {
    let mut input = base(Intent::Schedule);
    input.auto_respond = false;
    input.confidence = 0.2;
    input.trust = Trust::Unverified {
        reason: "none".into(),
    };
    input.calendars_fresh = false;
    input.rate_limit_allows = false;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    for code in [
        "auto_respond_off",
        "low_confidence",
        "sender_unknown",
        "calendars_stale",
        "rate_limited",
    ] {
        assert!(codes(&d).contains(&code), "{code}");
    }
}

#[test]
fn reasons_serialise_with_code_and_message_for_the_audit_log() {
    let reason = Reason::LowConfidence {
        confidence: 0.5,
        threshold: 0.75,
    };
    let json = reason.to_audit();
    assert_eq!(json["code"], "low_confidence");
    assert_eq!(
        json["message"],
        "confidence 0.50 is below the threshold 0.75"
    );
    assert_eq!(json["threshold"], 0.75);
    let guard = Reason::Guard {
        guard: GuardReason::Bounce,
    }
    .to_audit();
    assert_eq!(guard["code"], "guard");
    let back: Reason = serde_json::from_value(serde_json::to_value(&reason).unwrap()).unwrap();
    assert_eq!(back, reason);
}

#[test]
fn only_the_reasons_that_stop_an_automatic_answer_block_sending() {
    assert!(!Reason::ProposedSlotFree { rank: 1 }.blocks_sending());
    assert!(!Reason::FreeWindows { windows: 2 }.blocks_sending());
    assert!(Reason::SenderUnknown.blocks_sending());
    assert!(
        Reason::LowConfidence {
            confidence: 0.5,
            threshold: 0.75
        }
        .blocks_sending()
    );
}

#[test]
fn moving_or_cancelling_a_meeting_one_is_not_on_asks_the_user() {
    let mut input = base(Intent::Cancel);
    input.booking = Some(slot(3, 15));
    input.sender_on_booking = false;
    let d = decide(&input);
    assert_eq!(d.send, SendMode::AskUser);
    assert!(d.reasons.contains(&Reason::NotAnAttendee));
    input.sender_on_booking = true;
    assert_eq!(decide(&input).send, SendMode::Automatic);
}
