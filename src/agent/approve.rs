//! Acting on the user's approval — by link, by the JSON API, or by replying "yes"/"2"/"no" to
//! the approval email. Each path ends in one transaction that locks the request: the first
//! approval wins, every later one (another link, a second POST, a reply) is told it is done.

use chrono::{TimeDelta, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::handle::{Outcome, Retry, StoredDecision, apply_effect};
use super::plan::{Effect, Plan};
use super::reply::{self, InviteId};
use super::{Agent, AgentError};
use crate::availability::Interval;
use crate::db::requests::{self, RequestStatus, ThreadRef};
use crate::db::{self, DbError, approvals, audit, bookings, responses, users};
use crate::ingest::screen::Screening;
use crate::outbound::approval::{self, ApprovalAction, TokenError};
use crate::outbound::render::TemplateKind;
use crate::outbound::{send, timefmt};

/// How an approval ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActResult {
    Done(String),
    AlreadyDone(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    #[error("the link is not valid")]
    Invalid,
    #[error("the link has expired")]
    Expired,
    #[error("no such request or link")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for ActError {
    fn from(e: DbError) -> Self {
        ActError::Internal(e.to_string())
    }
}

impl From<sqlx::Error> for ActError {
    fn from(e: sqlx::Error) -> Self {
        ActError::Internal(e.to_string())
    }
}

impl From<AgentError> for ActError {
    fn from(e: AgentError) -> Self {
        ActError::Internal(e.to_string())
    }
}

/// What a link would do, shown before anything happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub action: String,
    pub summary: String,
    pub subject: Option<String>,
    pub draft_text: Option<String>,
    /// Set when the link can no longer act (used, or the request handled another way).
    pub already_done: Option<String>,
}

impl Agent {
    fn check_token(&self, token: &str) -> Result<approval::VerifiedToken, ActError> {
        approval::verify(&self.link_key, token, self.now()).map_err(|e| match e {
            TokenError::Expired { .. } => ActError::Expired,
            _ => ActError::Invalid,
        })
    }

    /// What the link does; changes nothing (mail scanners follow links with GET).
    pub async fn preview_token(&self, pool: &PgPool, token: &str) -> Result<Preview, ActError> {
        let v = self.check_token(token)?;
        let mut conn = pool.acquire().await?;
        let row = approvals::find(&mut conn, &v.token_hash)
            .await?
            .ok_or(ActError::NotFound)?;
        let r = requests::get(&mut conn, row.request_id)
            .await?
            .ok_or(ActError::NotFound)?;
        let stored: Option<StoredDecision> = r
            .decision
            .clone()
            .and_then(|d| serde_json::from_value(d).ok());
        let draft_text = match stored.as_ref().and_then(|s| s.draft_response_id) {
            Some(id) => responses::get(&mut conn, id).await?.map(|d| d.body),
            None => None,
        };
        let already_done = if row.used_at.is_some() {
            Some("This link was already used.".to_string())
        } else if r.status != "awaiting_approval" {
            Some(format!(
                "This request was already handled ({}).",
                status_words(&r.status)
            ))
        } else {
            None
        };
        Ok(Preview {
            action: action_words(v.action, stored.as_ref()),
            summary: summary(&r),
            subject: r.subject.clone(),
            draft_text,
            already_done,
        })
    }

    /// Acts on a link, once.
    pub async fn act_token(&self, pool: &PgPool, token: &str) -> Result<ActResult, ActError> {
        let v = self.check_token(token)?;
        let user_id = {
            let mut conn = pool.acquire().await?;
            let row = approvals::find(&mut conn, &v.token_hash)
                .await?
                .ok_or(ActError::NotFound)?;
            if row.request_id != v.request_id {
                return Err(ActError::Invalid);
            }
            if row.used_at.is_some() {
                return Ok(ActResult::AlreadyDone(
                    "This link was already used; nothing more was done.".into(),
                ));
            }
            row.user_id
        };
        let mut tx = db::begin_for_user(pool, user_id).await?;
        if !approvals::consume(&mut tx, &v.token_hash).await? {
            return Ok(ActResult::AlreadyDone(
                "This link was already used; nothing more was done.".into(),
            ));
        }
        let result = self
            .act_in_tx(pool, &mut tx, user_id, v.request_id, v.action, "link")
            .await;
        finish(tx, result).await
    }

    /// Acts for an authenticated user (the JSON API, an email answer).
    pub async fn act_request(
        &self,
        pool: &PgPool,
        user_id: Uuid,
        request_id: Uuid,
        action: ApprovalAction,
        via: &str,
    ) -> Result<ActResult, ActError> {
        let mut tx = db::begin_for_user(pool, user_id).await?;
        let result = self
            .act_in_tx(pool, &mut tx, user_id, request_id, action, via)
            .await;
        finish(tx, result).await
    }

    /// The user answered the approval email. Only an answer authenticated as the user acts: a
    /// forged "yes" must not send mail in their name.
    pub(crate) async fn answer_by_email(
        &self,
        pool: &PgPool,
        thread: &ThreadRef,
        route: &super::route::Route,
        screening: &Screening,
        text: &str,
    ) -> Result<Outcome, AgentError> {
        let mut conn = pool.acquire().await?;
        let user = users::profile(&mut conn, route.user_id)
            .await?
            .ok_or_else(|| AgentError::Setup("user is gone".into()))?;
        let base = Outcome {
            decision: "ignore",
            intent: None,
            confidence: None,
            reasons: vec![],
            reply: None,
            approval: None,
            request_id: Some(thread.request_id),
            user_id: Some(route.user_id),
            note: None,
        };
        let note = if !screening.trust.vouches_for(&user.email) {
            "an answer to an approval email acts only when it is authenticated as the user".into()
        } else {
            match super::answer::read_answer(text) {
                None => "the answer is not yes, a slot number, no or ignore".into(),
                Some(action) => {
                    drop(conn);
                    let r = self
                        .act_request(pool, route.user_id, thread.request_id, action, "email")
                        .await;
                    conn = pool.acquire().await?;
                    match r {
                        Ok(ActResult::Done(m)) | Ok(ActResult::AlreadyDone(m)) => m,
                        Err(e) => format!("the answer could not be applied: {e}"),
                    }
                }
            }
        };
        audit::record(
            &mut conn,
            Some(route.user_id),
            "approval.email_answer",
            ("availability_request", thread.request_id),
            &json!({"result": note, "trust": screening.trust}),
        )
        .await?;
        Ok(Outcome {
            note: Some(note),
            ..base
        })
    }

    async fn act_in_tx(
        &self,
        pool: &PgPool,
        tx: &mut PgConnection,
        user_id: Uuid,
        request_id: Uuid,
        action: ApprovalAction,
        via: &str,
    ) -> Result<ActResult, ActError> {
        let r = requests::lock(tx, request_id)
            .await?
            .filter(|r| r.user_id == user_id)
            .ok_or(ActError::NotFound)?;
        if r.status != "awaiting_approval" {
            return Ok(ActResult::AlreadyDone(format!(
                "This request was already handled ({}); nothing more was done.",
                status_words(&r.status)
            )));
        }
        let stored: StoredDecision = r
            .decision
            .clone()
            .and_then(|d| serde_json::from_value(d).ok())
            .ok_or_else(|| ActError::Internal("the stored decision is unreadable".into()))?;
        // Approving by reply or API ages like the links do.
        let expiry = TimeDelta::hours(self.config.agent.approval_expiry_hours);
        if let Some(at) = stored.decided_at
            && self.now() - at > expiry
        {
            return Err(ActError::Conflict(format!(
                "this request is older than {} hours; CAMS no longer acts on it",
                expiry.num_hours()
            )));
        }
        let frame = stored
            .frame
            .clone()
            .ok_or_else(|| ActError::Internal("the stored decision has no frame".into()))?;
        let now = self.now();
        let hold_until = now + TimeDelta::hours(self.config.agent.hold_hours);
        let uid = stored
            .invite_uid
            .clone()
            .unwrap_or_else(|| format!("{request_id}@{}", self.config.outbound.message_id_domain));
        let thread = r.thread_id.as_deref();
        let draft_id = stored.draft_response_id;
        let taken = |slot: &Interval| -> ActError {
            let zone = frame.user_tz().unwrap_or(chrono_tz::UTC);
            ActError::Conflict(format!(
                "{} is no longer free; nothing was sent. Pick another time.",
                timefmt::when(slot, zone, None)
            ))
        };
        let to_act = |e: Retry| -> ActError {
            match e {
                Retry::Taken(slot) => taken(&slot),
                Retry::RateLimited => ActError::Conflict("rate limited".into()),
                Retry::Fail(e) => ActError::Internal(e.to_string()),
            }
        };
        let (message, status, offered, event) = match action {
            ApprovalAction::Send => {
                let plan = stored
                    .plan
                    .clone()
                    .ok_or_else(|| ActError::Conflict("there is no reply to send".into()))?;
                let moving = match plan.effect {
                    Effect::Move { booking, .. } => {
                        bookings::get(tx, booking).await?.and_then(|b| b.event_id)
                    }
                    _ => None,
                };
                if let Effect::Book { slot } | Effect::Move { to: slot, .. } = plan.effect
                    && !self.still_free(pool, user_id, &slot, moving).await?
                {
                    return Err(taken(&slot));
                }
                if plan.effect == Effect::Hold {
                    // The holds made when asking may have expired; hold the offer afresh.
                    bookings::release_request(tx, request_id, "renewed on approval").await?;
                }
                let event = apply_effect(
                    tx, request_id, user_id, thread, &frame, &plan, &uid, hold_until,
                )
                .await
                .map_err(to_act)?;
                let Some(id) = draft_id else {
                    return Err(ActError::Internal("the draft reply is missing".into()));
                };
                if !send::release_draft(tx, &self.config.outbound, id)
                    .await
                    .map_err(|e| ActError::Internal(e.to_string()))?
                {
                    return Err(ActError::Conflict(
                        "the proposed reply was withdrawn (a newer message arrived); nothing was sent"
                            .into(),
                    ));
                }
                (
                    format!("Sent to {}: {}", frame.to.join(", "), frame.reply_subject),
                    plan.status,
                    plan.slots.clone(),
                    event,
                )
            }
            ApprovalAction::PickSlot(k) => {
                let slot = *stored
                    .choices
                    .get(k as usize - 1)
                    .ok_or(ActError::NotFound)?;
                // The thread already has a meeting (a reschedule): move it; else book one.
                let booked = match thread {
                    Some(t) => bookings::thread_booking(tx, user_id, t).await?,
                    None => None,
                };
                let (kind, effect, previous, invite) = match &booked {
                    Some(b) => (
                        TemplateKind::Reschedule,
                        Effect::Move {
                            booking: b.id,
                            to: slot,
                        },
                        Interval::new(b.start_time, b.end_time).ok(),
                        InviteId {
                            uid: b.ics_uid.clone(),
                            sequence: b.ics_sequence + 1,
                        },
                    ),
                    None => (
                        TemplateKind::Confirmation,
                        Effect::Book { slot },
                        None,
                        InviteId {
                            uid: uid.clone(),
                            sequence: 0,
                        },
                    ),
                };
                let moving = booked.as_ref().and_then(|b| b.event_id);
                if !self.still_free(pool, user_id, &slot, moving).await? {
                    return Err(taken(&slot));
                }
                let plan = Plan {
                    kind,
                    slots: vec![],
                    windows: vec![],
                    meeting: Some(slot),
                    previous,
                    apology: false,
                    no_free_time: false,
                    guest_declined: false,
                    effect,
                    status: RequestStatus::Scheduled,
                };
                let event = apply_effect(
                    tx, request_id, user_id, thread, &frame, &plan, &uid, hold_until,
                )
                .await
                .map_err(to_act)?;
                self.send_instead(tx, request_id, &frame, &plan, Some(invite), draft_id, now)
                    .await?;
                let zone = frame.user_tz().unwrap_or(chrono_tz::UTC);
                (
                    format!(
                        "{} {} and sent the invitation to {}",
                        if booked.is_some() {
                            "Moved the meeting to"
                        } else {
                            "Booked"
                        },
                        timefmt::when(&slot, zone, None),
                        frame.to.join(", ")
                    ),
                    RequestStatus::Scheduled,
                    vec![slot],
                    event,
                )
            }
            ApprovalAction::Decline => {
                let plan = Plan {
                    kind: TemplateKind::Decline,
                    slots: vec![],
                    windows: vec![],
                    meeting: None,
                    previous: None,
                    apology: false,
                    no_free_time: false,
                    guest_declined: false,
                    effect: Effect::Release,
                    status: RequestStatus::Declined,
                };
                apply_effect(
                    tx, request_id, user_id, thread, &frame, &plan, &uid, hold_until,
                )
                .await
                .map_err(to_act)?;
                self.send_instead(tx, request_id, &frame, &plan, None, draft_id, now)
                    .await?;
                (
                    format!("Declined; a polite answer went to {}", frame.to.join(", ")),
                    RequestStatus::Declined,
                    vec![],
                    None,
                )
            }
            ApprovalAction::Ignore => {
                if let Some(id) = draft_id {
                    responses::cancel_draft(tx, id, "the user chose to ignore the request").await?;
                }
                bookings::release_request(tx, request_id, "ignored").await?;
                (
                    "Ignored; nothing was sent.".to_string(),
                    RequestStatus::Ignored,
                    vec![],
                    None,
                )
            }
        };
        if !requests::resolve_approval(tx, request_id, status, Some(&json!(offered)), event).await?
        {
            return Ok(ActResult::AlreadyDone(
                "This request was already handled; nothing more was done.".into(),
            ));
        }
        metrics::counter!("cams_approvals_total", "action" => action.as_str(), "via" => via.to_string())
            .increment(1);
        audit::record(
            tx,
            Some(user_id),
            "approval.acted",
            ("availability_request", request_id),
            &json!({"action": action.as_str(), "slot": action.slot_index(), "via": via,
                    "result": message}),
        )
        .await?;
        Ok(ActResult::Done(message))
    }

    /// Sends another reply than the draft (a picked slot, a decline) and withdraws the draft.
    #[allow(clippy::too_many_arguments)]
    async fn send_instead(
        &self,
        tx: &mut PgConnection,
        request_id: Uuid,
        frame: &reply::Frame,
        plan: &Plan,
        invite: Option<InviteId>,
        draft_id: Option<Uuid>,
        now: chrono::DateTime<Utc>,
    ) -> Result<(), ActError> {
        let user_id = frame_user(tx, request_id).await?;
        super::handle::queue_reply(
            &self.renderer,
            &self.config.outbound,
            tx,
            user_id,
            request_id,
            frame,
            plan,
            invite.as_ref(),
            now,
            super::handle::Release {
                approved_at: Some(now),
                draft: false,
                send_after: None,
            },
        )
        .await?;
        if let Some(id) = draft_id {
            responses::cancel_draft(tx, id, "the user chose another answer").await?;
        }
        Ok(())
    }
}

async fn frame_user(tx: &mut PgConnection, request_id: Uuid) -> Result<Uuid, ActError> {
    Ok(requests::get(tx, request_id)
        .await?
        .ok_or(ActError::NotFound)?
        .user_id)
}

/// Commits a successful action; anything else rolls back (a used token stays unused when the
/// action could not be done, so the user can try another link).
async fn finish(
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    result: Result<ActResult, ActError>,
) -> Result<ActResult, ActError> {
    match result {
        Ok(ActResult::Done(m)) => {
            tx.commit().await?;
            Ok(ActResult::Done(m))
        }
        Ok(other) => {
            tx.rollback().await?;
            Ok(other)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

fn summary(r: &requests::RequestRow) -> String {
    let who = match (&r.guest_name, &r.guest_email) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (None, Some(e)) => e.clone(),
        _ => r.from_email.clone(),
    };
    let intent = r.intent.as_deref().unwrap_or("other");
    match &r.subject {
        Some(s) => format!("{who}: {intent} — “{s}”"),
        None => format!("{who}: {intent}"),
    }
}

fn action_words(action: ApprovalAction, stored: Option<&StoredDecision>) -> String {
    match action {
        ApprovalAction::Send => "Send the reply as proposed".into(),
        ApprovalAction::PickSlot(k) => {
            let when = stored.and_then(|s| {
                let slot = s.choices.get(k as usize - 1)?;
                let zone = s.frame.as_ref()?.user_tz().ok()?;
                Some(timefmt::when(slot, zone, None))
            });
            match when {
                Some(w) => format!("Book option {k}: {w}"),
                None => format!("Book option {k}"),
            }
        }
        ApprovalAction::Decline => "Decline politely".into(),
        ApprovalAction::Ignore => "Ignore the request (nothing is sent)".into(),
    }
}

fn status_words(status: &str) -> &'static str {
    match status {
        "scheduled" => "the meeting is booked",
        "responded" => "a reply was sent",
        "declined" => "it was declined",
        "ignored" => "it was ignored or superseded by a newer message",
        "failed" => "it failed",
        _ => "it is no longer waiting for approval",
    }
}
