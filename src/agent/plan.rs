//! From the policy's decision to what CAMS does: which reply (template and its times), which
//! calendar change (book, move, cancel, hold), and the request's status afterwards. Pure.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::availability::Interval;
use crate::db::requests::RequestStatus;
use crate::outbound::render::TemplateKind;
use crate::policy::{Action, Decision, SendMode};

/// The calendar change a reply stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Book this time (and send the invitation).
    Book {
        slot: Interval,
    },
    /// Move the thread's booking (an updated invitation, its sequence bumped).
    Move {
        booking: Uuid,
        to: Interval,
    },
    /// Cancel the thread's booking (a CANCEL).
    Cancel {
        booking: Uuid,
    },
    /// Hold the offered times from other threads.
    Hold,
    /// Let the thread's holds go (the guest declined).
    Release,
    Nothing,
}

/// Everything a reply needs, before people and zones are filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub kind: TemplateKind,
    /// Times offered, numbered 1.. in the reply.
    pub slots: Vec<Interval>,
    /// Free windows (for "when are you free?").
    pub windows: Vec<Interval>,
    /// The meeting booked, moved or cancelled.
    pub meeting: Option<Interval>,
    /// A move's old time.
    pub previous: Option<Interval>,
    /// The confirmed time was taken meanwhile.
    pub apology: bool,
    pub no_free_time: bool,
    /// The guest said no (the reply thanks them), as opposed to the user declining.
    #[serde(default)]
    pub guest_declined: bool,
    pub effect: Effect,
    /// The request's status once the reply is on its way.
    pub status: RequestStatus,
}

/// The thread's booking, as the plan needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadBooking {
    pub id: Uuid,
    pub interval: Interval,
}

/// The reply for an action; None when nothing is to be said (`Ignore`).
pub fn plan(action: &Action, booking: Option<ThreadBooking>, max_windows: usize) -> Option<Plan> {
    let base = |kind| Plan {
        kind,
        slots: vec![],
        windows: vec![],
        meeting: None,
        previous: None,
        apology: false,
        no_free_time: false,
        guest_declined: false,
        effect: Effect::Nothing,
        status: RequestStatus::Responded,
    };
    let offer = |kind, slots: &Vec<Interval>, apology| Plan {
        no_free_time: slots.is_empty(),
        slots: slots.clone(),
        apology,
        effect: if slots.is_empty() {
            Effect::Nothing
        } else {
            Effect::Hold
        },
        ..base(kind)
    };
    let book = |slot: &Interval| Plan {
        meeting: Some(*slot),
        effect: Effect::Book { slot: *slot },
        status: RequestStatus::Scheduled,
        ..base(TemplateKind::Confirmation)
    };
    Some(match action {
        Action::AcceptSlot(slot) => book(slot),
        // A confirmation in a thread that already has a meeting (the guest picked one of the
        // times offered for a move) moves that meeting; it never books a second one.
        Action::BookConfirmed(slot) => match booking {
            Some(b) if b.interval == *slot => Plan {
                meeting: Some(*slot),
                status: RequestStatus::Scheduled,
                ..base(TemplateKind::Confirmation)
            },
            Some(b) => Plan {
                meeting: Some(*slot),
                previous: Some(b.interval),
                effect: Effect::Move {
                    booking: b.id,
                    to: *slot,
                },
                status: RequestStatus::Scheduled,
                ..base(TemplateKind::Reschedule)
            },
            None => book(slot),
        },
        Action::CounterPropose(slots) | Action::ProposeSlots(slots) => {
            offer(TemplateKind::Availability, slots, false)
        }
        Action::ApologiseAndPropose(slots) => offer(TemplateKind::Availability, slots, true),
        Action::AnswerAvailability(windows) => Plan {
            no_free_time: windows.is_empty(),
            windows: windows.iter().take(max_windows).copied().collect(),
            ..base(TemplateKind::Availability)
        },
        Action::Reschedule { to, .. } => match (booking, to.as_slice()) {
            // The guest named a new time and it is free: move the meeting there.
            (Some(b), [one]) => Plan {
                meeting: Some(*one),
                previous: Some(b.interval),
                effect: Effect::Move {
                    booking: b.id,
                    to: *one,
                },
                status: RequestStatus::Scheduled,
                ..base(TemplateKind::Reschedule)
            },
            // Offer new times; the meeting stays where it is until one is confirmed.
            (b, slots) => Plan {
                previous: b.map(|b| b.interval),
                ..offer(TemplateKind::Reschedule, &slots.to_vec(), false)
            },
        },
        Action::Cancel(_) => match booking {
            Some(b) => Plan {
                meeting: Some(b.interval),
                effect: Effect::Cancel { booking: b.id },
                status: RequestStatus::Declined,
                ..base(TemplateKind::Cancellation)
            },
            None => base(TemplateKind::Cancellation),
        },
        Action::AcknowledgeDecline => Plan {
            guest_declined: true,
            effect: Effect::Release,
            status: RequestStatus::Declined,
            ..base(TemplateKind::Decline)
        },
        Action::Ignore => return None,
    })
}

/// What `cams process --json` and the demo call the outcome.
pub fn label(decision: &Decision, plan: Option<&Plan>) -> &'static str {
    match (decision.send, plan) {
        (SendMode::Nothing, _) | (_, None) => "ignore",
        (SendMode::AskUser, _) => "approval",
        (SendMode::Automatic, Some(p)) => match p.effect {
            Effect::Book { .. } | Effect::Move { .. } => "book",
            _ => "auto_reply",
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn iv(h: u32) -> Interval {
        Interval::new(
            Utc.with_ymd_and_hms(2027, 3, 2, h, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2027, 3, 2, h, 30, 0).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn accepting_books_and_offering_holds() {
        let p = plan(&Action::AcceptSlot(iv(15)), None, 6).unwrap();
        assert_eq!(p.effect, Effect::Book { slot: iv(15) });
        assert_eq!(p.status, RequestStatus::Scheduled);
        assert_eq!(p.kind, TemplateKind::Confirmation);

        let p = plan(&Action::CounterPropose(vec![iv(15), iv(16)]), None, 6).unwrap();
        assert_eq!(p.effect, Effect::Hold);
        assert_eq!(p.slots.len(), 2);
        assert_eq!(p.status, RequestStatus::Responded);

        // Nothing free: say so, hold nothing.
        let p = plan(&Action::ProposeSlots(vec![]), None, 6).unwrap();
        assert!(p.no_free_time);
        assert_eq!(p.effect, Effect::Nothing);
    }

    #[test]
    fn reschedule_moves_only_a_known_booking_to_one_named_time() {
        let b = ThreadBooking {
            id: Uuid::from_u128(7),
            interval: iv(10),
        };
        let action = Action::Reschedule {
            from: Some(iv(10)),
            to: vec![iv(15)],
        };
        let p = plan(&action, Some(b), 6).unwrap();
        assert_eq!(
            p.effect,
            Effect::Move {
                booking: b.id,
                to: iv(15)
            }
        );
        assert_eq!(p.previous, Some(iv(10)));

        let action = Action::Reschedule {
            from: Some(iv(10)),
            to: vec![iv(15), iv(16)],
        };
        let p = plan(&action, Some(b), 6).unwrap();
        assert_eq!(p.effect, Effect::Hold);
        assert_eq!(p.status, RequestStatus::Responded);
    }

    #[test]
    fn cancel_needs_the_booking_and_decline_releases_holds() {
        let b = ThreadBooking {
            id: Uuid::from_u128(7),
            interval: iv(10),
        };
        let p = plan(&Action::Cancel(Some(iv(10))), Some(b), 6).unwrap();
        assert_eq!(p.effect, Effect::Cancel { booking: b.id });
        let p = plan(&Action::Cancel(None), None, 6).unwrap();
        assert_eq!(p.effect, Effect::Nothing);
        let p = plan(&Action::AcknowledgeDecline, None, 6).unwrap();
        assert_eq!(p.effect, Effect::Release);
        assert!(plan(&Action::Ignore, None, 6).is_none());
    }

    #[test]
    fn a_confirmation_in_a_thread_with_a_meeting_moves_it() {
        let b = ThreadBooking {
            id: Uuid::from_u128(7),
            interval: iv(10),
        };
        let p = plan(&Action::BookConfirmed(iv(15)), Some(b), 6).unwrap();
        assert_eq!(
            p.effect,
            Effect::Move {
                booking: b.id,
                to: iv(15)
            }
        );
        assert_eq!(p.kind, TemplateKind::Reschedule);
        // Confirming the meeting's own time changes nothing.
        let p = plan(&Action::BookConfirmed(iv(10)), Some(b), 6).unwrap();
        assert_eq!(p.effect, Effect::Nothing);
        // A new meeting proposed in the thread is a new booking.
        let p = plan(&Action::AcceptSlot(iv(15)), Some(b), 6).unwrap();
        assert_eq!(p.effect, Effect::Book { slot: iv(15) });
    }

    #[test]
    fn windows_are_capped() {
        let w: Vec<Interval> = (8..18).map(iv).collect();
        let p = plan(&Action::AnswerAvailability(w), None, 6).unwrap();
        assert_eq!(p.windows.len(), 6);
    }
}
