//! The `email_responses` table: responses waiting to be sent, and their delivery status
//! (pending, then sent or failed; each attempt counted).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::DbError;

/// A response to store; its id and Message-ID are chosen by the caller before the insert.
#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    pub id: Uuid,
    pub request_id: Uuid,
    pub template_id: Option<Uuid>,
    /// With angle brackets.
    pub message_id: &'a str,
    pub from_email: &'a str,
    /// At least one; the first also goes to the seed's `to_email`.
    pub to_emails: &'a [String],
    pub cc_emails: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
    pub body_html: Option<&'a str>,
    pub calendar_method: Option<&'a str>,
    pub calendar_ics: Option<&'a str>,
    pub in_reply_to: Option<&'a str>,
    pub references: &'a [String],
    pub approved_at: Option<DateTime<Utc>>,
    pub action_taken: Option<&'a str>,
    pub suggested_slots: Option<&'a Value>,
    /// 'pending' (to be sent) or 'draft' (waiting for the user's approval).
    pub status: &'a str,
    /// Not sent before this instant (auto_respond_delay).
    pub send_after: Option<DateTime<Utc>>,
}

/// Inserts a pending response; returns its creation time (the Date its email will carry).
pub async fn insert(
    conn: &mut PgConnection,
    r: &NewResponse<'_>,
) -> Result<DateTime<Utc>, DbError> {
    let created: DateTime<Utc> = sqlx::query_scalar(
        "INSERT INTO email_responses
            (id, request_id, template_id, message_id, from_email, to_email, to_emails, cc_emails,
             subject, body, body_html, calendar_method, calendar_ics, in_reply_to, references_ids,
             approved_at, action_taken, suggested_slots, delivery_status, send_after)
         VALUES ($1, $2, $3, $4, $5, $6[1], $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19)
         RETURNING created_at",
    )
    .bind(r.id)
    .bind(r.request_id)
    .bind(r.template_id)
    .bind(r.message_id)
    .bind(r.from_email)
    .bind(r.to_emails)
    .bind(r.cc_emails)
    .bind(r.subject)
    .bind(r.body)
    .bind(r.body_html)
    .bind(r.calendar_method)
    .bind(r.calendar_ics)
    .bind(r.in_reply_to)
    .bind(r.references)
    .bind(r.approved_at)
    .bind(r.action_taken)
    .bind(r.suggested_slots)
    .bind(r.status)
    .bind(r.send_after)
    .fetch_one(conn)
    .await?;
    Ok(created)
}

/// A stored response with what sending it needs.
#[derive(Debug, Clone)]
pub struct ResponseRow {
    pub id: Uuid,
    pub request_id: Uuid,
    pub message_id: Option<String>,
    pub from_email: Option<String>,
    pub to_emails: Vec<String>,
    pub cc_emails: Vec<String>,
    pub subject: String,
    pub body: String,
    pub body_html: Option<String>,
    pub calendar_method: Option<String>,
    pub calendar_ics: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivery_status: String,
    pub delivery_attempts: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub error_details: Option<String>,
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<ResponseRow>, DbError> {
    let row = sqlx::query(
        "SELECT id, request_id, message_id, from_email,
                CASE WHEN cardinality(to_emails) > 0 THEN to_emails ELSE ARRAY[to_email] END
                    AS to_emails,
                COALESCE(cc_emails, '{}') AS cc_emails, subject, body, body_html,
                calendar_method, calendar_ics, in_reply_to, references_ids, approved_at,
                created_at, COALESCE(delivery_status, 'pending') AS delivery_status,
                delivery_attempts, sent_at, error_details
           FROM email_responses WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| ResponseRow {
        id: r.get("id"),
        request_id: r.get("request_id"),
        message_id: r.get("message_id"),
        from_email: r.get("from_email"),
        to_emails: r.get("to_emails"),
        cc_emails: r.get("cc_emails"),
        subject: r.get("subject"),
        body: r.get("body"),
        body_html: r.get("body_html"),
        calendar_method: r.get("calendar_method"),
        calendar_ics: r.get("calendar_ics"),
        in_reply_to: r.get("in_reply_to"),
        references: r.get("references_ids"),
        approved_at: r.get("approved_at"),
        created_at: r.get("created_at"),
        delivery_status: r.get("delivery_status"),
        delivery_attempts: r.get("delivery_attempts"),
        sent_at: r.get("sent_at"),
        error_details: r.get("error_details"),
    }))
}

/// Records, before the SMTP transaction starts, that an attempt is being made; returns the
/// attempt's number, or None when the response is no longer pending (already sent or failed).
pub async fn begin_attempt(conn: &mut PgConnection, id: Uuid) -> Result<Option<i32>, DbError> {
    let n = sqlx::query_scalar(
        "UPDATE email_responses
            SET delivery_attempts = delivery_attempts + 1, last_attempt_at = clock_timestamp()
          WHERE id = $1 AND COALESCE(delivery_status, 'pending') = 'pending'
         RETURNING delivery_attempts",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(n)
}

/// pending → sent; the Message-ID is confirmed (it was set at insert). False when the row was
/// not pending.
pub async fn mark_sent(
    conn: &mut PgConnection,
    id: Uuid,
    message_id: &str,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE email_responses
            SET delivery_status = 'sent', sent_at = clock_timestamp(), message_id = $2,
                error_details = NULL
          WHERE id = $1 AND COALESCE(delivery_status, 'pending') = 'pending'",
    )
    .bind(id)
    .bind(message_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the error of an attempt that will be retried; the response stays pending.
pub async fn record_error(conn: &mut PgConnection, id: Uuid, error: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE email_responses SET error_details = $2
          WHERE id = $1 AND COALESCE(delivery_status, 'pending') = 'pending'",
    )
    .bind(id)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// pending → failed, keeping why. False when the row was not pending.
pub async fn mark_failed(conn: &mut PgConnection, id: Uuid, error: &str) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE email_responses SET delivery_status = 'failed', error_details = $2
          WHERE id = $1 AND COALESCE(delivery_status, 'pending') = 'pending'",
    )
    .bind(id)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns a draft into a pending response, approved now; false when it is no longer a draft.
pub async fn approve_draft(conn: &mut PgConnection, id: Uuid) -> Result<bool, DbError> {
    let n = sqlx::query(
        "UPDATE email_responses SET delivery_status = 'pending', approved_at = now()
          WHERE id = $1 AND delivery_status = 'draft'",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(n.rows_affected() == 1)
}

/// Cancels the replies of a thread that have not left yet (drafts and delayed sends), because
/// the user acted or the guest wrote again. Approval emails to the user are left alone. Returns
/// the requests whose replies were cancelled.
pub async fn cancel_waiting(
    conn: &mut PgConnection,
    user_id: Uuid,
    thread_id: &str,
    except_request: Option<Uuid>,
    reason: &str,
) -> Result<Vec<Uuid>, DbError> {
    Ok(sqlx::query_scalar(
        "UPDATE email_responses e SET delivery_status = 'cancelled', cancelled_reason = $4
           FROM availability_requests r
          WHERE e.request_id = r.id AND r.user_id = $1 AND r.thread_id = $2
            AND ($3::uuid IS NULL OR r.id <> $3)
            AND e.action_taken IS DISTINCT FROM 'approval_request'
            AND (e.delivery_status = 'draft'
                 OR (e.delivery_status = 'pending' AND e.delivery_attempts = 0
                     AND e.send_after IS NOT NULL AND e.send_after > now()))
         RETURNING e.request_id",
    )
    .bind(user_id)
    .bind(thread_id)
    .bind(except_request)
    .bind(reason)
    .fetch_all(conn)
    .await?)
}

/// The responses of a request, oldest first: (id, action_taken, delivery_status).
pub async fn for_request(
    conn: &mut PgConnection,
    request_id: Uuid,
) -> Result<Vec<ResponseSummary>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, COALESCE(to_emails[1], to_email) AS to_email, subject, action_taken,
                COALESCE(delivery_status, 'pending') AS delivery_status, sent_at, message_id,
                calendar_method
           FROM email_responses WHERE request_id = $1 ORDER BY created_at, id",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?)
}

/// A response in a list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResponseSummary {
    pub id: Uuid,
    pub to_email: String,
    pub subject: String,
    pub action_taken: Option<String>,
    pub delivery_status: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub message_id: Option<String>,
    pub calendar_method: Option<String>,
}

/// Withdraws a draft the user did not approve (they picked another slot, declined, ignored).
pub async fn cancel_draft(
    conn: &mut PgConnection,
    id: Uuid,
    reason: &str,
) -> Result<bool, DbError> {
    let n = sqlx::query(
        "UPDATE email_responses SET delivery_status = 'cancelled', cancelled_reason = $2
          WHERE id = $1 AND delivery_status = 'draft'",
    )
    .bind(id)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(n.rows_affected() == 1)
}
