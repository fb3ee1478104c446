//! The inbound store's SQL: raw messages saved before any processing, deduplicated per user.

use serde_json::json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::DbError;
use super::jobs::{self, NewJob};

/// The job type that processes a stored message.
pub const PROCESS_JOB: &str = "inbound.process";

/// Where a message came from (the `source` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Imap,
    WebhookRaw,
    Mailgun,
    Sendgrid,
    Postmark,
    Cli,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Imap => "imap",
            Source::WebhookRaw => "webhook_raw",
            Source::Mailgun => "mailgun",
            Source::Sendgrid => "sendgrid",
            Source::Postmark => "postmark",
            Source::Cli => "cli",
        }
    }
}

/// A message to store, with the identity it is deduplicated by.
#[derive(Debug, Clone)]
pub struct NewInbound<'a> {
    pub source: Source,
    pub mailbox_id: Option<Uuid>,
    pub envelope_from: Option<&'a str>,
    pub envelope_to: &'a [String],
    pub message_id: Option<&'a str>,
    pub dedupe_key: &'a str,
    pub sha256: [u8; 32],
    pub raw: &'a [u8],
    /// Processing attempts before the message is dead-lettered.
    pub max_attempts: i32,
}

/// The outcome of storing: a new message (its processing job is queued in the same
/// transaction), or one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New(Uuid),
    Duplicate(Uuid),
}

impl Stored {
    pub fn id(self) -> Uuid {
        match self {
            Stored::New(id) | Stored::Duplicate(id) => id,
        }
    }
}

/// Stores the raw bytes and queues processing, on the caller's transaction. The CAMS user is
/// the one whose address is among the envelope recipients, when exactly one matches; otherwise
/// the message belongs to the shared agent address and the pipeline routes it.
pub async fn store(tx: &mut PgConnection, m: &NewInbound<'_>) -> Result<Stored, DbError> {
    let lowered: Vec<String> = m
        .envelope_to
        .iter()
        .map(|a| a.trim().to_lowercase())
        .collect();
    let users: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE lower(email) = ANY($1) AND deleted_at IS NULL LIMIT 2",
    )
    .bind(&lowered)
    .fetch_all(&mut *tx)
    .await?;
    let user_id = if users.len() == 1 {
        Some(users[0])
    } else {
        None
    };

    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO inbound_messages
            (user_id, mailbox_id, source, envelope_from, envelope_to, message_id, dedupe_key,
             content_sha256, raw, size_bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT ON CONSTRAINT unique_inbound_per_user DO NOTHING
         RETURNING id",
    )
    .bind(user_id)
    .bind(m.mailbox_id)
    .bind(m.source.as_str())
    .bind(m.envelope_from)
    .bind(m.envelope_to)
    .bind(m.message_id)
    .bind(m.dedupe_key)
    .bind(m.sha256.as_slice())
    .bind(m.raw)
    .bind(m.raw.len() as i32)
    .fetch_optional(&mut *tx)
    .await?;
    match inserted {
        Some(id) => {
            jobs::enqueue(
                tx,
                &NewJob::new(PROCESS_JOB, json!({ "inbound_id": id }))
                    .max_retries((m.max_attempts - 1).max(0))
                    .dedupe_key(format!("{PROCESS_JOB}:{id}")),
            )
            .await?;
            Ok(Stored::New(id))
        }
        None => {
            let id: Uuid = sqlx::query_scalar(
                "SELECT id FROM inbound_messages
                  WHERE user_id IS NOT DISTINCT FROM $1 AND dedupe_key = $2",
            )
            .bind(user_id)
            .bind(m.dedupe_key)
            .fetch_one(&mut *tx)
            .await?;
            Ok(Stored::Duplicate(id))
        }
    }
}

/// What a webhook delivery token says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// First time this token is seen.
    New,
    /// The provider retrying the same content: answer as before.
    Retry(Option<Uuid>),
    /// The token came back with other content: a replayed signature.
    Replay,
}

/// Records a provider's delivery token with the hash of what it carried.
pub async fn record_delivery(
    tx: &mut PgConnection,
    provider: &str,
    token: &str,
    sha256: &[u8; 32],
) -> Result<Delivery, DbError> {
    let inserted = sqlx::query(
        "INSERT INTO webhook_deliveries (provider, token, content_sha256) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT unique_webhook_delivery DO NOTHING",
    )
    .bind(provider)
    .bind(token)
    .bind(sha256.as_slice())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Delivery::New);
    }
    let row = sqlx::query(
        "SELECT content_sha256, inbound_message_id FROM webhook_deliveries
          WHERE provider = $1 AND token = $2",
    )
    .bind(provider)
    .bind(token)
    .fetch_one(&mut *tx)
    .await?;
    let seen: Vec<u8> = row.get("content_sha256");
    Ok(if seen == sha256.as_slice() {
        Delivery::Retry(row.get("inbound_message_id"))
    } else {
        Delivery::Replay
    })
}

/// Links a delivery token to the message it stored.
pub async fn link_delivery(
    tx: &mut PgConnection,
    provider: &str,
    token: &str,
    inbound_id: Uuid,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE webhook_deliveries SET inbound_message_id = $3 WHERE provider = $1 AND token = $2",
    )
    .bind(provider)
    .bind(token)
    .bind(inbound_id)
    .execute(tx)
    .await?;
    Ok(())
}

/// A stored message, as the processing job and the operator commands see it.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub source: String,
    pub message_id: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub raw: Vec<u8>,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<InboundMessage>, DbError> {
    let row = sqlx::query(
        "SELECT id, user_id, source, message_id, status, attempts, last_error, raw, received_at
           FROM inbound_messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(message_from_row))
}

/// Marks the start of a processing attempt.
pub async fn begin_attempt(conn: &mut PgConnection, id: Uuid) -> Result<i32, DbError> {
    Ok(sqlx::query_scalar(
        "UPDATE inbound_messages SET status = 'processing', attempts = attempts + 1
          WHERE id = $1 RETURNING attempts",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}

/// Records how processing ended: processed, ignored, failed (will retry) or dead.
pub async fn finish(
    conn: &mut PgConnection,
    id: Uuid,
    status: &str,
    error: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE inbound_messages
            SET status = $2, last_error = $3,
                processed_at = CASE WHEN $2 IN ('processed', 'ignored') THEN now() END
          WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Puts a failed or dead message back in the queue. Processed messages are replayed only with
/// `force`: replaying one runs the whole flow again, which may answer the guest twice.
pub async fn replay(
    tx: &mut PgConnection,
    id: Uuid,
    force: bool,
    max_attempts: i32,
) -> Result<Result<(), String>, DbError> {
    let Some(status): Option<String> =
        sqlx::query_scalar("SELECT status FROM inbound_messages WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(Err(format!("no inbound message {id}")));
    };
    match status.as_str() {
        "failed" | "dead" => {}
        "processed" | "ignored" if force => {}
        "processed" | "ignored" => {
            return Ok(Err(format!(
                "message {id} was {status}; replaying it may send a second reply (use --force)"
            )));
        }
        other => {
            return Ok(Err(format!(
                "message {id} is {other}: it is already queued"
            )));
        }
    }
    sqlx::query("UPDATE inbound_messages SET status = 'stored', last_error = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let queued = jobs::enqueue(
        tx,
        &NewJob::new(PROCESS_JOB, json!({ "inbound_id": id }))
            .max_retries((max_attempts - 1).max(0))
            .dedupe_key(format!("{PROCESS_JOB}:{id}")),
    )
    .await?;
    Ok(match queued {
        Some(_) => Ok(()),
        None => Err(format!("message {id} already has a processing job queued")),
    })
}

/// Messages by status, newest first, for `cams inbound list`.
pub async fn list(
    conn: &mut PgConnection,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<InboundMessage>, DbError> {
    let rows = sqlx::query(
        "SELECT id, user_id, source, message_id, status, attempts, last_error, ''::bytea AS raw,
                received_at
           FROM inbound_messages WHERE $1::text IS NULL OR status = $1
          ORDER BY received_at DESC LIMIT $2",
    )
    .bind(status)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(message_from_row).collect())
}

fn message_from_row(r: &sqlx::postgres::PgRow) -> InboundMessage {
    InboundMessage {
        id: r.get("id"),
        user_id: r.get("user_id"),
        source: r.get("source"),
        message_id: r.get("message_id"),
        status: r.get("status"),
        attempts: r.get("attempts"),
        last_error: r.get("last_error"),
        raw: r.get("raw"),
        received_at: r.get("received_at"),
    }
}
