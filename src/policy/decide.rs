//! The policy: intent + availability + trust → an action, a send mode and the reasons for both.

use std::collections::BTreeSet;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::availability::interval::Interval;
use crate::guard::GuardReason;
use crate::nlp::intent::Intent;
use crate::trust::Trust;

/// Slots offered when the guest gave no time (issue 5, item 2).
pub const DEFAULT_SLOT_COUNT: usize = 3;

/// A time the guest proposed; rank 1 is the guest's favourite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedSlot {
    pub interval: Interval,
    pub rank: u32,
}

/// Minimum intent confidence to answer alone, per intent. Moving or cancelling a real meeting
/// on a misread is worse than a late reply, so those two are stricter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub schedule: f64,
    pub availability_check: f64,
    pub confirm: f64,
    pub decline: f64,
    pub reschedule: f64,
    pub cancel: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            schedule: 0.75,
            availability_check: 0.75,
            confirm: 0.8,
            decline: 0.8,
            reschedule: 0.9,
            cancel: 0.9,
        }
    }
}

impl Thresholds {
    /// `None` for `Other`: it is never answered, so no confidence makes it sendable.
    pub fn for_intent(&self, intent: Intent) -> Option<f64> {
        match intent {
            Intent::Schedule => Some(self.schedule),
            Intent::AvailabilityCheck => Some(self.availability_check),
            Intent::Confirm => Some(self.confirm),
            Intent::Decline => Some(self.decline),
            Intent::Reschedule => Some(self.reschedule),
            Intent::Cancel => Some(self.cancel),
            Intent::Other => None,
        }
    }
}

/// Everything the policy looks at; the caller gathers it (database, engine, guards, trust).
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub intent: Intent,
    pub confidence: f64,
    /// The probability that the email asks for the user's free times in either form: a
    /// `schedule` with no time proposed or an `availability_check` (P(schedule) +
    /// P(availability_check)). Both are answered by sending free times, so when that is the
    /// action, a model torn between the two ("What works for you?") is not unsure of the reply.
    /// `None` when only the top intent's confidence is known.
    pub free_times_confidence: Option<f64>,
    /// Times the guest proposed (any order; `rank` decides).
    pub proposed: Vec<ProposedSlot>,
    /// The engine's ranked candidate slots of the meeting's length, best first.
    pub candidates: Vec<Interval>,
    /// The user's free intervals over the asked range (the engine's `free_intervals`): a
    /// proposed time is free when one of these contains it.
    pub free: Vec<Interval>,
    /// Slots CAMS offered earlier in this thread, in the order offered (a bare "yes" confirms
    /// the only one).
    pub offered: Vec<Interval>,
    /// The meeting already booked in this thread, if any (reschedule and cancel act on it).
    pub booking: Option<Interval>,
    /// The user's zone: "spread over days" means the user's days.
    pub zone: Tz,
    pub auto_respond: bool,
    pub thresholds: Thresholds,
    pub trust: Trust,
    pub known_contact: bool,
    pub calendars_fresh: bool,
    pub guards: Vec<GuardReason>,
    /// The thread/sender rate limit allows another automatic reply.
    pub rate_limit_allows: bool,
    /// The sender is one of the booked meeting's attendees (or the user). Moving or cancelling
    /// someone else's meeting is never done alone, whoever can reply into its thread.
    pub sender_on_booking: bool,
    /// How many slots to propose (N); 0 is read as the default.
    pub slot_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", content = "slots", rename_all = "snake_case")]
pub enum Action {
    /// The guest's proposed time is free: accept it.
    AcceptSlot(Interval),
    /// None of the guest's times is free: offer these instead.
    CounterPropose(Vec<Interval>),
    /// The guest gave no time: offer these.
    ProposeSlots(Vec<Interval>),
    /// Free windows, for "when are you free?".
    AnswerAvailability(Vec<Interval>),
    /// The confirmed time is still free: book it.
    BookConfirmed(Interval),
    /// The confirmed time was taken meanwhile: apologise and offer these.
    ApologiseAndPropose(Vec<Interval>),
    /// Move `from` (the thread's booking, when known) to one of `to`.
    Reschedule {
        from: Option<Interval>,
        to: Vec<Interval>,
    },
    /// Cancel the thread's booking (when known).
    Cancel(Option<Interval>),
    AcknowledgeDecline,
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendMode {
    Automatic,
    AskUser,
    Nothing,
}

/// One rule that shaped the decision; serialised (tag `code`) into `audit_logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    ProposedSlotFree { rank: u32 },
    ProposedSlotsBusy { proposed: usize },
    NoTimeProposed,
    FreeWindows { windows: usize },
    ConfirmedSlotFree,
    ConfirmedSlotTaken,
    ConfirmWithoutTime,
    RescheduleRequested,
    CancelRequested,
    DeclineReceived,
    NotScheduling,
    NoFreeTime,
    NoBookingInThread,
    AutoRespondOff,
    LowConfidence { confidence: f64, threshold: f64 },
    SenderAuthFailed,
    SenderUnknown,
    CalendarsStale,
    Guard { guard: GuardReason },
    AutomaticMessage,
    RateLimited,
    NotAnAttendee,
}

impl Reason {
    /// The stable code (same as the serialised `code` tag).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::ProposedSlotFree { .. } => "proposed_slot_free",
            Reason::ProposedSlotsBusy { .. } => "proposed_slots_busy",
            Reason::NoTimeProposed => "no_time_proposed",
            Reason::FreeWindows { .. } => "free_windows",
            Reason::ConfirmedSlotFree => "confirmed_slot_free",
            Reason::ConfirmedSlotTaken => "confirmed_slot_taken",
            Reason::ConfirmWithoutTime => "confirm_without_time",
            Reason::RescheduleRequested => "reschedule_requested",
            Reason::CancelRequested => "cancel_requested",
            Reason::DeclineReceived => "decline_received",
            Reason::NotScheduling => "not_scheduling",
            Reason::NoFreeTime => "no_free_time",
            Reason::NoBookingInThread => "no_booking_in_thread",
            Reason::AutoRespondOff => "auto_respond_off",
            Reason::LowConfidence { .. } => "low_confidence",
            Reason::SenderAuthFailed => "sender_auth_failed",
            Reason::SenderUnknown => "sender_unknown",
            Reason::CalendarsStale => "calendars_stale",
            Reason::Guard { .. } => "guard",
            Reason::AutomaticMessage => "automatic_message",
            Reason::RateLimited => "rate_limited",
            Reason::NotAnAttendee => "not_an_attendee",
        }
    }

    /// Whether this reason stands in the way of answering alone (what the approval email lists
    /// as "why I did not answer on my own"), as opposed to describing the answer.
    pub fn blocks_sending(&self) -> bool {
        matches!(
            self,
            Reason::ConfirmWithoutTime
                | Reason::NoFreeTime
                | Reason::NoBookingInThread
                | Reason::AutoRespondOff
                | Reason::LowConfidence { .. }
                | Reason::SenderAuthFailed
                | Reason::SenderUnknown
                | Reason::CalendarsStale
                | Reason::Guard { .. }
                | Reason::AutomaticMessage
                | Reason::RateLimited
                | Reason::NotAnAttendee
        )
    }

    /// A sentence for the audit log and the approval email.
    pub fn message(&self) -> String {
        match self {
            Reason::ProposedSlotFree { rank } => format!("proposed time #{rank} is free"),
            Reason::ProposedSlotsBusy { proposed } => {
                format!("none of the {proposed} proposed times is free")
            }
            Reason::NoTimeProposed => "no time was proposed".into(),
            Reason::FreeWindows { windows } => format!("{windows} free windows found"),
            Reason::ConfirmedSlotFree => "the confirmed time is still free".into(),
            Reason::ConfirmedSlotTaken => "the confirmed time is no longer free".into(),
            Reason::ConfirmWithoutTime => "a confirmation without a time to match".into(),
            Reason::RescheduleRequested => "the sender asks to move the meeting".into(),
            Reason::CancelRequested => "the sender asks to cancel the meeting".into(),
            Reason::DeclineReceived => "the sender declines".into(),
            Reason::NotScheduling => "the message is not about scheduling".into(),
            Reason::NoFreeTime => "no free time to offer".into(),
            Reason::NoBookingInThread => "no booked meeting found in this thread".into(),
            Reason::AutoRespondOff => "automatic replies are off for this user".into(),
            Reason::LowConfidence {
                confidence,
                threshold,
            } => format!("confidence {confidence:.2} is below the threshold {threshold:.2}"),
            Reason::SenderAuthFailed => "the sender failed authentication (possible spoof)".into(),
            Reason::SenderUnknown => {
                "the sender is neither authenticated nor a known contact".into()
            }
            Reason::CalendarsStale => "a calendar is not fresh".into(),
            Reason::Guard { guard } => format!("guard fired: {}", guard.code()),
            Reason::AutomaticMessage => "the message is automatic; never answered".into(),
            Reason::RateLimited => "the rate limit allows no further automatic reply".into(),
            Reason::NotAnAttendee => {
                "the sender is not an attendee of the meeting they ask to change".into()
            }
        }
    }

    /// `{"code", "message", ...fields}` for `audit_logs`.
    pub fn to_audit(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({}));
        if let Some(map) = value.as_object_mut() {
            map.insert("code".into(), self.code().into());
            map.insert("message".into(), self.message().into());
        }
        value
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub action: Action,
    pub send: SendMode,
    pub reasons: Vec<Reason>,
}

/// Guards that mean a machine wrote the message: answering it is never right, not even by asking.
pub fn is_automatic(guard: &GuardReason) -> bool {
    !matches!(guard, GuardReason::ThreadReplyLimit { .. })
}

pub fn decide(input: &DecisionInput) -> Decision {
    let n = if input.slot_count == 0 {
        DEFAULT_SLOT_COUNT
    } else {
        input.slot_count
    };
    let mut reasons = Vec::new();
    // Reasons inside the action that block sending alone (no time to offer, nothing to move).
    let mut blocked = false;
    let is_free = |slot: &Interval| input.free.iter().any(|f| f.contains(slot));
    let spread = |reasons: &mut Vec<Reason>, blocked: &mut bool| {
        let picked = spread_over_days(&input.candidates, n, input.zone);
        if picked.is_empty() {
            reasons.push(Reason::NoFreeTime);
            *blocked = true;
        }
        picked
    };
    let mut by_rank: Vec<ProposedSlot> = input.proposed.clone();
    by_rank.sort_by_key(|p| p.rank);
    let best_free = by_rank.iter().find(|p| is_free(&p.interval)).copied();

    let action = match input.intent {
        Intent::Schedule => match best_free {
            Some(p) => {
                reasons.push(Reason::ProposedSlotFree { rank: p.rank });
                Action::AcceptSlot(p.interval)
            }
            None if by_rank.is_empty() => {
                reasons.push(Reason::NoTimeProposed);
                Action::ProposeSlots(spread(&mut reasons, &mut blocked))
            }
            None => {
                reasons.push(Reason::ProposedSlotsBusy {
                    proposed: by_rank.len(),
                });
                Action::CounterPropose(spread(&mut reasons, &mut blocked))
            }
        },
        Intent::AvailabilityCheck => {
            reasons.push(Reason::FreeWindows {
                windows: input.free.len(),
            });
            if input.free.is_empty() {
                reasons.push(Reason::NoFreeTime);
                blocked = true;
            }
            Action::AnswerAvailability(input.free.clone())
        }
        Intent::Confirm => {
            let confirmed = match by_rank.first() {
                Some(p) => Some(p.interval),
                None if input.offered.len() == 1 => Some(input.offered[0]),
                None => None,
            };
            match confirmed {
                Some(slot) if is_free(&slot) => {
                    reasons.push(Reason::ConfirmedSlotFree);
                    Action::BookConfirmed(slot)
                }
                Some(_) => {
                    reasons.push(Reason::ConfirmedSlotTaken);
                    Action::ApologiseAndPropose(spread(&mut reasons, &mut blocked))
                }
                None => {
                    reasons.push(Reason::ConfirmWithoutTime);
                    blocked = true;
                    Action::ProposeSlots(spread_over_days(&input.candidates, n, input.zone))
                }
            }
        }
        Intent::Reschedule => {
            reasons.push(Reason::RescheduleRequested);
            if input.booking.is_none() {
                reasons.push(Reason::NoBookingInThread);
                blocked = true;
            }
            let to = match best_free {
                Some(p) => {
                    reasons.push(Reason::ProposedSlotFree { rank: p.rank });
                    vec![p.interval]
                }
                None => spread(&mut reasons, &mut blocked),
            };
            Action::Reschedule {
                from: input.booking,
                to,
            }
        }
        Intent::Cancel => {
            reasons.push(Reason::CancelRequested);
            if input.booking.is_none() {
                reasons.push(Reason::NoBookingInThread);
                blocked = true;
            }
            Action::Cancel(input.booking)
        }
        Intent::Decline => {
            reasons.push(Reason::DeclineReceived);
            Action::AcknowledgeDecline
        }
        Intent::Other => {
            reasons.push(Reason::NotScheduling);
            Action::Ignore
        }
    };

    let send = send_mode(input, &action, blocked, &mut reasons);
    Decision {
        action,
        send,
        reasons,
    }
}

/// Every condition is checked and recorded (not just the first), so the audit log says all
/// that stood in the way. Anything not positively allowed asks the user: fail closed.
fn send_mode(
    input: &DecisionInput,
    action: &Action,
    blocked: bool,
    reasons: &mut Vec<Reason>,
) -> SendMode {
    let mut automatic_message = false;
    let mut ask = blocked;
    for guard in &input.guards {
        reasons.push(Reason::Guard {
            guard: guard.clone(),
        });
        automatic_message |= is_automatic(guard);
        ask = true;
    }
    if automatic_message {
        reasons.push(Reason::AutomaticMessage);
    }
    if matches!(action, Action::Ignore) || automatic_message {
        return SendMode::Nothing;
    }
    if !input.auto_respond {
        reasons.push(Reason::AutoRespondOff);
        ask = true;
    }
    let threshold = input
        .thresholds
        .for_intent(input.intent)
        .unwrap_or(f64::INFINITY);
    let sends_free_times = matches!(
        (input.intent, action),
        (Intent::Schedule, Action::ProposeSlots(_))
            | (Intent::AvailabilityCheck, Action::AnswerAvailability(_))
    );
    let confidence = match input.free_times_confidence {
        // Any comparison with NaN is false: a NaN on either side keeps the top confidence,
        // and a NaN top confidence fails below.
        Some(p) if sends_free_times && p > input.confidence => p.min(1.0),
        _ => input.confidence,
    };
    // Only a confidence that compares at or above passes: NaN (incomparable) asks the user.
    let passes = matches!(
        confidence.partial_cmp(&threshold),
        Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
    );
    if !passes {
        reasons.push(Reason::LowConfidence {
            confidence,
            threshold,
        });
        ask = true;
    }
    match &input.trust {
        Trust::Authenticated { .. } => {}
        // A known contact's address on a message that failed DMARC is the spoof case exactly.
        Trust::Failed { .. } => {
            reasons.push(Reason::SenderAuthFailed);
            ask = true;
        }
        Trust::Unverified { .. } if input.known_contact => {}
        Trust::Unverified { .. } => {
            reasons.push(Reason::SenderUnknown);
            ask = true;
        }
    }
    if !input.calendars_fresh {
        reasons.push(Reason::CalendarsStale);
        ask = true;
    }
    if !input.rate_limit_allows {
        reasons.push(Reason::RateLimited);
        ask = true;
    }
    if matches!(input.intent, Intent::Reschedule | Intent::Cancel)
        && input.booking.is_some()
        && !input.sender_on_booking
    {
        reasons.push(Reason::NotAnAttendee);
        ask = true;
    }
    if ask {
        SendMode::AskUser
    } else {
        SendMode::Automatic
    }
}

/// Up to `n` slots in the engine's ranked order, at most one per local day first; then, if days
/// run out, more from the same days (never two overlapping slots).
fn spread_over_days(ranked: &[Interval], n: usize, zone: Tz) -> Vec<Interval> {
    let mut picked: Vec<Interval> = Vec::with_capacity(n);
    let mut days = BTreeSet::new();
    for slot in ranked {
        if picked.len() == n {
            break;
        }
        if days.insert(slot.start().with_timezone(&zone).date_naive()) {
            picked.push(*slot);
        }
    }
    for slot in ranked {
        if picked.len() == n {
            break;
        }
        if !picked.iter().any(|p| p.overlaps(slot)) {
            picked.push(*slot);
        }
    }
    picked
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
