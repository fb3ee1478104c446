//! `availability_requests` and `proposed_time_slots`: what was asked, in which thread, what CAMS
//! decided and offered; and the lookups that tie a follow-up to its thread.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::DbError;

/// A request to record, once per (user, inbound message).
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub user_id: Uuid,
    pub inbound_message_id: Option<Uuid>,
    pub email_message_id: Option<&'a str>,
    pub thread_id: Option<&'a str>,
    pub from_email: &'a str,
    pub from_name: Option<&'a str>,
    pub guest_email: Option<&'a str>,
    pub guest_name: Option<&'a str>,
    pub cc_emails: &'a [String],
    pub subject: Option<&'a str>,
    pub body: &'a str,
    pub parsed_data: &'a Value,
    pub priority: &'a str,
    pub intent: &'a str,
    pub confidence: f64,
    pub auto_respond: bool,
}

/// A proposed slot as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotRow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub timezone: String,
    pub flexible: bool,
    pub rank: Option<i32>,
}

/// Whether the request row was made now or already existed (a retried job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New(Uuid),
    /// Made by an earlier attempt, with the status it reached.
    Existing(Uuid, RequestStatus),
}

/// The statuses of `availability_requests.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Processing,
    AwaitingApproval,
    Responded,
    Scheduled,
    Declined,
    Ignored,
    Failed,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Processing => "processing",
            RequestStatus::AwaitingApproval => "awaiting_approval",
            RequestStatus::Responded => "responded",
            RequestStatus::Scheduled => "scheduled",
            RequestStatus::Declined => "declined",
            RequestStatus::Ignored => "ignored",
            RequestStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<RequestStatus> {
        Some(match s {
            "pending" => RequestStatus::Pending,
            "processing" => RequestStatus::Processing,
            "awaiting_approval" => RequestStatus::AwaitingApproval,
            "responded" => RequestStatus::Responded,
            "scheduled" => RequestStatus::Scheduled,
            "declined" => RequestStatus::Declined,
            "ignored" => RequestStatus::Ignored,
            "failed" => RequestStatus::Failed,
            _ => return None,
        })
    }

    /// Whether the request's handling finished (a decision was committed).
    pub fn is_settled(self) -> bool {
        !matches!(self, RequestStatus::Pending | RequestStatus::Processing)
    }
}

/// The request already made of this message for this user: by its stored row or by its
/// Message-ID (one message can reach CAMS twice: by IMAP and a webhook, or stored before and
/// after its user was known).
pub async fn existing(
    conn: &mut PgConnection,
    user_id: Uuid,
    inbound_message_id: Option<Uuid>,
    email_message_id: Option<&str>,
) -> Result<Option<Uuid>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM availability_requests
          WHERE user_id = $1 AND (inbound_message_id = $2 OR email_message_id = $3)
          ORDER BY created_at LIMIT 1",
    )
    .bind(user_id)
    .bind(inbound_message_id)
    .bind(email_message_id)
    .fetch_optional(conn)
    .await?)
}

/// Records the request and its proposed slots; an existing row for the same (user, message) is
/// returned as it is, so a retried job never records a message twice.
pub async fn record(
    conn: &mut PgConnection,
    r: &NewRequest<'_>,
    slots: &[SlotRow],
) -> Result<Recorded, DbError> {
    if let Some(id) = existing(conn, r.user_id, r.inbound_message_id, r.email_message_id).await? {
        let status: String =
            sqlx::query_scalar("SELECT status::text FROM availability_requests WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        let status = RequestStatus::parse(&status).unwrap_or(RequestStatus::Pending);
        return Ok(Recorded::Existing(id, status));
    }
    // Confidence is DECIMAL(3,2): round here so what is stored is what the decision used.
    let confidence = (r.confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0;
    // Two attempts can pass the check above together (a restarted worker and the job the
    // killed one held): the loser finds the winner's row instead of failing on the constraint.
    let id: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO availability_requests
            (user_id, inbound_message_id, email_message_id, thread_id, from_email, from_name,
             guest_email, guest_name, cc_emails, subject, body, parsed_data, priority,
             detected_intent, confidence_score, auto_respond, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                 $15::float8::numeric(3,2), $16, 'processing')
         ON CONFLICT ON CONSTRAINT unique_request_message_per_user DO NOTHING
         RETURNING id",
    )
    .bind(r.user_id)
    .bind(r.inbound_message_id)
    .bind(r.email_message_id)
    .bind(r.thread_id)
    .bind(r.from_email)
    .bind(r.from_name)
    .bind(r.guest_email)
    .bind(r.guest_name)
    .bind(r.cc_emails)
    .bind(r.subject)
    .bind(r.body)
    .bind(r.parsed_data)
    .bind(r.priority)
    .bind(r.intent)
    .bind(confidence)
    .bind(r.auto_respond)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Box::pin(record(conn, r, slots)).await;
    };
    for s in slots {
        sqlx::query(
            "INSERT INTO proposed_time_slots
                (request_id, start_time, end_time, timezone, is_flexible, preference_rank)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(s.start)
        .bind(s.end)
        .bind(&s.timezone)
        .bind(s.flexible)
        .bind(s.rank)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Recorded::New(id))
}

/// Stores the outcome: status, decision, the slots offered to the guest, and the booked event.
pub async fn settle(
    conn: &mut PgConnection,
    id: Uuid,
    status: RequestStatus,
    decision: &Value,
    offered: &Value,
    event_id: Option<Uuid>,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE availability_requests
            SET status = $2, decision = $3, offered_slots = $4,
                scheduled_event_id = COALESCE($5, scheduled_event_id),
                responded_at = CASE WHEN $2 IN ('responded', 'scheduled', 'declined')
                                    THEN now() ELSE responded_at END,
                handled_at = CASE WHEN $2 <> 'awaiting_approval' THEN now() ELSE NULL END
          WHERE id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(decision)
    .bind(offered)
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a request on from `awaiting_approval` only: the caller learns whether it won (a second
/// approval of the same request, by link, API or reply, finds nothing to move).
pub async fn resolve_approval(
    conn: &mut PgConnection,
    id: Uuid,
    status: RequestStatus,
    offered: Option<&Value>,
    event_id: Option<Uuid>,
) -> Result<bool, DbError> {
    let n = sqlx::query(
        "UPDATE availability_requests
            SET status = $2, offered_slots = COALESCE($3, offered_slots),
                scheduled_event_id = COALESCE($4, scheduled_event_id), handled_at = now(),
                responded_at = CASE WHEN $2 IN ('responded', 'scheduled', 'declined')
                                    THEN now() ELSE responded_at END
          WHERE id = $1 AND status = 'awaiting_approval'",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(offered)
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(n.rows_affected() == 1)
}

/// A request as the agent, the approval pages and the API read it.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub status: String,
    pub thread_id: Option<String>,
    pub email_message_id: Option<String>,
    pub from_email: String,
    pub from_name: Option<String>,
    pub guest_email: Option<String>,
    pub guest_name: Option<String>,
    pub cc_emails: Vec<String>,
    pub subject: Option<String>,
    pub intent: Option<String>,
    pub confidence: Option<f64>,
    pub parsed_data: Option<Value>,
    pub decision: Option<Value>,
    pub offered_slots: Value,
    pub created_at: DateTime<Utc>,
}

const REQUEST_COLUMNS: &str = "id, user_id, status::text AS status, thread_id, email_message_id, \
     from_email::text AS from_email, from_name, guest_email, guest_name, cc_emails, subject, \
     detected_intent::text AS intent, confidence_score::float8 AS confidence, parsed_data, \
     decision, offered_slots, created_at";

fn request_from_row(r: &sqlx::postgres::PgRow) -> RequestRow {
    RequestRow {
        id: r.get("id"),
        user_id: r.get("user_id"),
        status: r.get("status"),
        thread_id: r.get("thread_id"),
        email_message_id: r.get("email_message_id"),
        from_email: r.get("from_email"),
        from_name: r.get("from_name"),
        guest_email: r.get("guest_email"),
        guest_name: r.get("guest_name"),
        cc_emails: r.get("cc_emails"),
        subject: r.get("subject"),
        intent: r.get("intent"),
        confidence: r.get("confidence"),
        parsed_data: r.get("parsed_data"),
        decision: r.get("decision"),
        offered_slots: r.get("offered_slots"),
        created_at: r.get("created_at"),
    }
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<RequestRow>, DbError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM availability_requests WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(request_from_row))
}

/// Locks the request row for the rest of the transaction (approvals of one request serialise).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<RequestRow>, DbError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM availability_requests WHERE id = $1 FOR UPDATE"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.as_ref().map(request_from_row))
}

/// The user's requests, newest first, optionally of one status.
pub async fn list(
    conn: &mut PgConnection,
    user_id: Uuid,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<RequestRow>, DbError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM availability_requests
          WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY created_at DESC, id LIMIT $3"
    )))
    .bind(user_id)
    .bind(status)
    .bind(limit.clamp(1, 500))
    .fetch_all(conn)
    .await?;
    Ok(rows.iter().map(request_from_row).collect())
}

/// `(start, end, timezone, is_flexible, preference_rank)` as stored.
type StoredSlot = (
    DateTime<Utc>,
    DateTime<Utc>,
    Option<String>,
    Option<bool>,
    Option<i32>,
);

pub async fn slots(conn: &mut PgConnection, request_id: Uuid) -> Result<Vec<SlotRow>, DbError> {
    let rows: Vec<StoredSlot> = sqlx::query_as(
        "SELECT start_time, end_time, timezone, is_flexible, preference_rank
               FROM proposed_time_slots WHERE request_id = $1
              ORDER BY preference_rank NULLS LAST, start_time",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(start, end, tz, flexible, rank)| SlotRow {
            start,
            end,
            timezone: tz.unwrap_or_else(|| "UTC".into()),
            flexible: flexible.unwrap_or(false),
            rank,
        })
        .collect())
}

/// The thread a follow-up belongs to, found by the Message-IDs it refers to (In-Reply-To and
/// References, without angle brackets): a request's own message, or a reply CAMS sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRef {
    pub user_id: Uuid,
    pub thread_id: Option<String>,
    pub request_id: Uuid,
    /// The reference was CAMS's approval email to the user (a "yes"/"2"/"no" answer).
    pub via_approval: bool,
}

pub async fn find_thread(
    conn: &mut PgConnection,
    ids: &[String],
) -> Result<Option<ThreadRef>, DbError> {
    if ids.is_empty() {
        return Ok(None);
    }
    let bracketed: Vec<String> = ids.iter().map(|i| format!("<{i}>")).collect();
    // Our own replies first: they are the most specific (and the approval email is one).
    let row: Option<(Uuid, Option<String>, Uuid, Option<String>)> = sqlx::query_as(
        "SELECT r.user_id, r.thread_id, r.id, e.action_taken
           FROM email_responses e JOIN availability_requests r ON r.id = e.request_id
          WHERE e.message_id = ANY($1)
          ORDER BY e.created_at DESC LIMIT 1",
    )
    .bind(&bracketed)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((user_id, thread_id, request_id, action)) = row {
        return Ok(Some(ThreadRef {
            user_id,
            thread_id,
            request_id,
            via_approval: action.as_deref() == Some(APPROVAL_ACTION),
        }));
    }
    let row: Option<(Uuid, Option<String>, Uuid)> = sqlx::query_as(
        "SELECT user_id, thread_id, id FROM availability_requests
          WHERE email_message_id = ANY($1) ORDER BY created_at DESC LIMIT 1",
    )
    .bind(ids)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(user_id, thread_id, request_id)| ThreadRef {
        user_id,
        thread_id,
        request_id,
        via_approval: false,
    }))
}

/// `email_responses.action_taken` of the email asking the user to approve.
pub const APPROVAL_ACTION: &str = "approval_request";

/// The slots offered most recently in the thread (by a reply that was sent or is on its way).
pub async fn thread_offered(
    conn: &mut PgConnection,
    user_id: Uuid,
    thread_id: &str,
) -> Result<Value, DbError> {
    let v: Option<Value> = sqlx::query_scalar(
        "SELECT offered_slots FROM availability_requests
          WHERE user_id = $1 AND thread_id = $2 AND jsonb_array_length(offered_slots) > 0
            AND status IN ('responded', 'scheduled')
          ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(thread_id)
    .fetch_optional(conn)
    .await?;
    Ok(v.unwrap_or_else(|| Value::Array(vec![])))
}

/// Whether the user has dealt with this address before: an earlier request from it that was
/// answered, or an attendee of one of the user's events.
pub async fn is_known_contact(
    conn: &mut PgConnection,
    user_id: Uuid,
    email: &str,
    before: Uuid,
) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1 FROM availability_requests
              WHERE user_id = $1 AND id <> $3 AND lower(coalesce(guest_email, from_email)) = lower($2)
                AND status IN ('responded', 'scheduled'))
         OR EXISTS (
             SELECT 1 FROM event_attendees a JOIN events e ON e.id = a.event_id
               JOIN calendars c ON c.id = e.calendar_id
              WHERE c.user_id = $1 AND lower(a.email) = lower($2))",
    )
    .bind(user_id)
    .bind(email)
    .bind(before)
    .fetch_one(conn)
    .await?)
}

/// A newer request in the same thread than `request_id` (the guest wrote again).
pub async fn newer_in_thread(conn: &mut PgConnection, request_id: Uuid) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM availability_requests r
                          JOIN availability_requests me ON me.id = $1
                         WHERE r.user_id = me.user_id AND r.thread_id = me.thread_id
                           AND r.id <> me.id AND r.created_at > me.created_at)",
    )
    .bind(request_id)
    .fetch_one(conn)
    .await?)
}

/// Users whose address or alias is one of `addresses` (lower-cased), with the address matched.
pub async fn users_by_address(
    conn: &mut PgConnection,
    addresses: &[String],
) -> Result<Vec<(String, Uuid)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT lower(email::text), id FROM users
          WHERE lower(email::text) = ANY($1) AND deleted_at IS NULL AND is_active IS NOT FALSE
         UNION
         SELECT a.alias::text, a.user_id FROM user_aliases a JOIN users u ON u.id = a.user_id
          WHERE a.alias = ANY($1) AND u.deleted_at IS NULL AND u.is_active IS NOT FALSE",
    )
    .bind(addresses)
    .fetch_all(conn)
    .await?)
}

/// The user a plus-address tag names: a tag alias, else a unique email local part.
pub async fn user_by_tag(conn: &mut PgConnection, tag: &str) -> Result<Option<Uuid>, DbError> {
    let tag = tag.to_lowercase();
    let by_alias: Option<Uuid> =
        sqlx::query_scalar("SELECT user_id FROM user_aliases WHERE alias = $1")
            .bind(&tag)
            .fetch_optional(&mut *conn)
            .await?;
    if by_alias.is_some() {
        return Ok(by_alias);
    }
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE split_part(lower(email::text), '@', 1) = $1
            AND deleted_at IS NULL LIMIT 2",
    )
    .bind(&tag)
    .fetch_all(conn)
    .await?;
    Ok(if ids.len() == 1 { Some(ids[0]) } else { None })
}

pub async fn add_alias(conn: &mut PgConnection, user_id: Uuid, alias: &str) -> Result<(), DbError> {
    sqlx::query("INSERT INTO user_aliases (user_id, alias) VALUES ($1, lower($2))")
        .bind(user_id)
        .bind(alias.trim())
        .execute(conn)
        .await?;
    Ok(())
}

/// Older requests of the thread still waiting for the user's approval: a newer message in the
/// thread makes their proposed replies stale, so they are closed (their links then say so).
pub async fn supersede_waiting(
    conn: &mut PgConnection,
    user_id: Uuid,
    thread_id: &str,
    newer: Uuid,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE availability_requests SET status = 'ignored', handled_at = now(),
                decision = jsonb_set(coalesce(decision, '{}'), '{superseded_by}', to_jsonb($3::text))
          WHERE user_id = $1 AND thread_id = $2 AND id <> $3 AND status = 'awaiting_approval'",
    )
    .bind(user_id)
    .bind(thread_id)
    .bind(newer)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Marks one request superseded by a newer message of its thread (its reply never left).
pub async fn supersede(conn: &mut PgConnection, id: Uuid, newer: Uuid) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE availability_requests SET status = 'ignored', handled_at = now(),
                offered_slots = '[]',
                decision = jsonb_set(coalesce(decision, '{}'), '{superseded_by}', to_jsonb($2::text))
          WHERE id = $1",
    )
    .bind(id)
    .bind(newer)
    .execute(conn)
    .await?;
    Ok(())
}
