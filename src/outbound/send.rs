//! Queuing a response and the `outbound.send` job that delivers it: pending, then sent or failed.
//!
//! Delivery guarantee. The Message-ID is made from the row id and stored before the first
//! attempt, and every attempt sends the same bytes. An attempt whose outcome is certain is
//! recorded exactly (250: sent; 5xx: failed; 4xx: retried). When the connection is lost after the
//! message data went out, or CAMS stops between the server's 250 and the status update, SMTP
//! gives no way to ask the server whether it kept the message, so the send is retried: delivery
//! is at least once, and a second copy can only ever be the identical message with the same
//! Message-ID, which receivers that deduplicate by Message-ID (Gmail, Dovecot's duplicate
//! database, most archives) drop and which threads as one message everywhere else.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::Address;
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::mailer::{Mailer, MailerSetupError};
use super::message::{CalendarMethod, CalendarPart, OutgoingEmail};
use super::threading::MessageId;
use super::throttle::DomainThrottle;
use crate::config::{Config, OutboundConfig};
use crate::db::jobs::{self, NewJob};
use crate::db::{DbError, responses};
use crate::worker::{JobContext, JobError, Registry};

/// The job type that sends one `email_responses` row.
pub const SEND_JOB: &str = "outbound.send";

/// Job attempts beyond `outbound.max_attempts`, for runs that end throttled before any SMTP
/// attempt: those do not count against the SMTP attempt limit.
const THROTTLE_HEADROOM: i32 = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Payload {
    response_id: Uuid,
}

/// A response to send, before it has an id.
#[derive(Debug, Clone)]
pub struct ResponseDraft {
    pub request_id: Uuid,
    pub template_id: Option<Uuid>,
    /// None: `outbound.from`.
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub calendar: Option<CalendarPart>,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
    /// When a person approved the text; None sends it as an automatic reply.
    pub approved_at: Option<chrono::DateTime<Utc>>,
    pub action_taken: Option<String>,
    pub suggested_slots: Option<Value>,
    /// Kept as a draft until the user approves it (`release_draft`); nothing is queued.
    pub draft: bool,
    /// Not sent before this instant (the user's auto_respond_delay).
    pub send_after: Option<chrono::DateTime<Utc>>,
}

/// A response stored and queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedResponse {
    pub id: Uuid,
    pub message_id: MessageId,
}

/// Errors of the outbound layer outside a job.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Setup(#[from] MailerSetupError),
    #[error("invalid outbound configuration: {0}")]
    Config(String),
    #[error("a response needs at least one To recipient")]
    NoRecipient,
}

/// Stores the response with its Message-ID and queues its sending, in the caller's transaction,
/// so a committed response is always sent and an uncommitted one never is.
pub async fn queue_response(
    conn: &mut PgConnection,
    config: &OutboundConfig,
    draft: &ResponseDraft,
) -> Result<QueuedResponse, OutboundError> {
    if draft.to.is_empty() {
        return Err(OutboundError::NoRecipient);
    }
    let id = Uuid::new_v4();
    let message_id = MessageId::for_response(id, &config.message_id_domain);
    let from = match &draft.from {
        Some(m) => m.to_string(),
        None => config.from.clone(),
    };
    let list = |v: &[Mailbox]| v.iter().map(Mailbox::to_string).collect::<Vec<_>>();
    let to = list(&draft.to);
    let cc = list(&draft.cc);
    let references: Vec<String> = draft.references.iter().map(MessageId::to_string).collect();
    let in_reply_to = draft.in_reply_to.as_ref().map(MessageId::to_string);
    let mid = message_id.to_string();
    responses::insert(
        conn,
        &responses::NewResponse {
            id,
            request_id: draft.request_id,
            template_id: draft.template_id,
            message_id: &mid,
            from_email: &from,
            to_emails: &to,
            cc_emails: &cc,
            subject: &draft.subject,
            body: &draft.text,
            body_html: draft.html.as_deref(),
            calendar_method: draft.calendar.as_ref().map(|c| c.method().as_str()),
            calendar_ics: draft.calendar.as_ref().map(|c| c.ics()),
            in_reply_to: in_reply_to.as_deref(),
            references: &references,
            approved_at: draft.approved_at,
            action_taken: draft.action_taken.as_deref(),
            suggested_slots: draft.suggested_slots.as_ref(),
            status: if draft.draft { "draft" } else { "pending" },
            send_after: draft.send_after,
        },
    )
    .await?;
    if !draft.draft {
        enqueue_send(conn, config, id, draft.send_after).await?;
    }
    Ok(QueuedResponse { id, message_id })
}

/// Queues the sending of a stored response (at `send_after`, else now).
pub async fn enqueue_send(
    conn: &mut PgConnection,
    config: &OutboundConfig,
    id: Uuid,
    send_after: Option<chrono::DateTime<Utc>>,
) -> Result<(), OutboundError> {
    let mut job = NewJob::new(
        SEND_JOB,
        serde_json::to_value(Payload { response_id: id }).unwrap_or_default(),
    )
    .priority(5)
    .max_retries(config.max_attempts - 1 + THROTTLE_HEADROOM)
    .dedupe_key(format!("{SEND_JOB}:{id}"));
    if let Some(at) = send_after {
        job = job.run_at(at);
    }
    jobs::enqueue(conn, &job).await?;
    Ok(())
}

/// Sends a draft the user approved; false when it was not a draft any more (already approved,
/// cancelled).
pub async fn release_draft(
    conn: &mut PgConnection,
    config: &OutboundConfig,
    id: Uuid,
) -> Result<bool, OutboundError> {
    if !responses::approve_draft(conn, id).await? {
        return Ok(false);
    }
    enqueue_send(conn, config, id, None).await?;
    Ok(true)
}

/// What one run of the job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Nothing to do: the response was already sent or failed.
    AlreadyFinal(String),
}

/// The sender: a mailer, the throttle and the settings the job needs. One per process.
pub struct Outbound {
    mailer: Mailer,
    throttle: DomainThrottle,
    max_attempts: i32,
}

impl Outbound {
    /// The mailer the configuration asks for (SMTP, else the outbox).
    pub fn from_config(config: &Config) -> Result<Outbound, OutboundError> {
        Outbound::with_mailer(&config.outbound, Mailer::from_config(config)?)
    }

    pub fn with_mailer(config: &OutboundConfig, mailer: Mailer) -> Result<Outbound, OutboundError> {
        let nz = |n: u32, key: &str| {
            NonZeroU32::new(n).ok_or_else(|| OutboundError::Config(format!("outbound.{key} is 0")))
        };
        Ok(Outbound {
            throttle: DomainThrottle::new(
                nz(config.per_domain_per_minute, "per_domain_per_minute")?,
                nz(config.per_domain_burst, "per_domain_burst")?,
                Duration::from_secs(config.throttle_max_wait_secs),
            ),
            mailer,
            max_attempts: config.max_attempts,
        })
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Sends one response unless it is already final. Never holds a database connection while
    /// talking to the mail server.
    pub async fn deliver(&self, pool: &sqlx::PgPool, id: Uuid) -> Result<Delivery, JobError> {
        let mut conn = pool.acquire().await.map_err(DbError::from)?;
        let Some(row) = responses::get(&mut conn, id).await? else {
            return Err(JobError::permanent(format!(
                "email response {id} does not exist"
            )));
        };
        if row.delivery_status != "pending" {
            return Ok(Delivery::AlreadyFinal(row.delivery_status));
        }
        let email = match email_from_row(&row) {
            Ok(e) => e,
            Err(why) => {
                responses::mark_failed(&mut conn, id, &why).await?;
                return Err(JobError::permanent(why));
            }
        };
        let message = match email.to_message() {
            Ok(m) => m,
            Err(e) => {
                let why = e.to_string();
                responses::mark_failed(&mut conn, id, &why).await?;
                return Err(JobError::permanent(why));
            }
        };
        drop(conn);

        // Throttled before any SMTP attempt: back to the queue, not counted as an attempt.
        if let Err(t) = self.throttle.acquire(&email.recipient_domains()).await {
            // Not before the domain's next slot: an earlier retry would only be throttled again.
            let after = t.retry_after;
            return Err(JobError::retry_after(t.to_string(), after));
        }

        let mut conn = pool.acquire().await.map_err(DbError::from)?;
        let Some(attempt) = responses::begin_attempt(&mut conn, id).await? else {
            return Ok(Delivery::AlreadyFinal("not pending".into()));
        };
        drop(conn);

        let result = self.mailer.send(&message).await;

        let mut conn = pool.acquire().await.map_err(DbError::from)?;
        match result {
            Ok(()) => {
                responses::mark_sent(&mut conn, id, &email.message_id.to_string()).await?;
                tracing::info!(response = %id, message_id = %email.message_id, attempt,
                    mailer = self.mailer.kind(), "response sent");
                Ok(Delivery::Sent)
            }
            Err(e) if e.is_retryable() && attempt < self.max_attempts => {
                let why = format!("attempt {attempt}: {e}");
                responses::record_error(&mut conn, id, &why).await?;
                tracing::warn!(response = %id, attempt, "send failed, will retry: {e}");
                Err(JobError::retryable(why))
            }
            Err(e) => {
                let why = if e.is_retryable() {
                    format!("gave up after {attempt} attempts; last: {e}")
                } else {
                    format!("attempt {attempt}: {e}")
                };
                responses::mark_failed(&mut conn, id, &why).await?;
                tracing::warn!(response = %id, attempt, "send failed for good: {e}");
                Err(JobError::permanent(why))
            }
        }
    }
}

/// Rebuilds the email from its row; a row that cannot become an email is an error to keep.
pub fn email_from_row(row: &responses::ResponseRow) -> Result<OutgoingEmail, String> {
    let mailbox = |s: &str| -> Result<Mailbox, String> {
        s.parse::<Mailbox>()
            .map_err(|e| format!("bad address {s:?}: {e}"))
    };
    let mailboxes = |v: &[String]| v.iter().map(|s| mailbox(s)).collect::<Result<Vec<_>, _>>();
    let id = |s: &str| MessageId::parse(s).map_err(|e| e.to_string());
    let message_id = id(row
        .message_id
        .as_deref()
        .ok_or("the response has no Message-ID")?)?;
    let calendar = match (&row.calendar_method, &row.calendar_ics) {
        (Some(m), Some(ics)) => Some(
            CalendarMethod::parse(m)
                .and_then(|m| CalendarPart::new(m, ics.clone()))
                .map_err(|e| e.to_string())?,
        ),
        _ => None,
    };
    Ok(OutgoingEmail {
        message_id,
        date: row.created_at,
        from: mailbox(
            row.from_email
                .as_deref()
                .ok_or("the response has no From")?,
        )?,
        to: mailboxes(&row.to_emails)?,
        cc: mailboxes(&row.cc_emails)?,
        subject: row.subject.clone(),
        text: row.body.clone(),
        html: row.body_html.clone(),
        calendar,
        in_reply_to: row.in_reply_to.as_deref().map(id).transpose()?,
        references: row
            .references
            .iter()
            .map(|s| id(s))
            .collect::<Result<_, _>>()?,
        approved: row.approved_at.is_some(),
    })
}

/// CAMS's own addresses (From and aliases), for reply-all.
pub fn own_addresses(config: &OutboundConfig) -> Vec<Address> {
    let mut out: Vec<Address> = config
        .own_addresses
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect();
    if let Ok(m) = config.from.parse::<Mailbox>() {
        out.push(m.email);
    }
    out
}

/// Registers `outbound.send`.
pub fn register(registry: &mut Registry, outbound: Arc<Outbound>) {
    registry.register(SEND_JOB, move |ctx: JobContext| {
        let outbound = outbound.clone();
        async move {
            let payload: Payload = serde_json::from_value(ctx.payload.clone())
                .map_err(|e| JobError::permanent(format!("bad payload: {e}")))?;
            outbound
                .deliver(&ctx.pool, payload.response_id)
                .await
                .map(|_| ())
        }
    });
}

/// Registers a job that fails every send with `why`, when the mailer cannot be built: responses
/// stay visible as failed instead of silently piling up.
pub fn register_broken(registry: &mut Registry, why: String) {
    registry.register(SEND_JOB, move |ctx: JobContext| {
        let why = why.clone();
        async move {
            if let Ok(p) = serde_json::from_value::<Payload>(ctx.payload.clone()) {
                let mut conn = ctx.pool.acquire().await.map_err(DbError::from)?;
                responses::mark_failed(&mut conn, p.response_id, &why).await?;
            }
            Err(JobError::permanent(why))
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> responses::ResponseRow {
        responses::ResponseRow {
            id: Uuid::nil(),
            request_id: Uuid::nil(),
            message_id: Some("<r@cams.test>".into()),
            from_email: Some("CAMS <cams@cams.test>".into()),
            to_emails: vec![],
            cc_emails: vec![],
            subject: "Re: x".into(),
            body: "hi".into(),
            body_html: None,
            calendar_method: None,
            calendar_ics: None,
            in_reply_to: Some("<p@example.com>".into()),
            references: vec!["<p@example.com>".into()],
            approved_at: None,
            created_at: Utc::now(),
            delivery_status: "pending".into(),
            delivery_attempts: 0,
            sent_at: None,
            error_details: None,
        }
    }

    #[test]
    fn mailboxes_survive_the_trip_through_the_table() {
        let people: Vec<Mailbox> = vec![
            "\"Müller, Jörg\" <jm@example.de>".parse().unwrap(),
            "Ann O'Neil <ann@example.com>".parse().unwrap(),
            "plain@example.org".parse().unwrap(),
        ];
        let mut r = row();
        r.to_emails = people.iter().map(Mailbox::to_string).collect();
        let email = email_from_row(&r).unwrap();
        assert_eq!(email.to, people);
        assert!(!email.approved);
        assert_eq!(email.message_id.as_str(), "r@cams.test");
        let raw = email.to_message().unwrap().formatted();
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw[..])
            .unwrap();
        let first = parsed.to().unwrap().first().unwrap();
        assert_eq!(first.name.as_deref(), Some("Müller, Jörg"));
        assert_eq!(first.address.as_deref(), Some("jm@example.de"));
    }

    #[test]
    fn a_row_that_cannot_become_an_email_says_why() {
        let mut r = row();
        r.to_emails = vec!["not an address".into()];
        assert!(email_from_row(&r).unwrap_err().contains("bad address"));
        let mut r = row();
        r.to_emails = vec!["a@example.com".into()];
        r.calendar_method = Some("PUBLISH".into());
        r.calendar_ics = Some("BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n".into());
        assert!(email_from_row(&r).unwrap_err().contains("PUBLISH"));
    }
}
