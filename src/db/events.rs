//! Events: upserting what a sync read, deleting what disappeared, reading busy time back.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// One `events` row as sync writes it.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub external_id: String,
    pub source_href: String,
    pub title: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub all_day: bool,
    pub status: &'static str,
    pub busy_status: &'static str,
    pub recurring_event_id: Option<Uuid>,
    pub original_start_time: Option<DateTime<Utc>>,
    pub is_recurring: bool,
    pub recurrence_rule: Option<Value>,
    pub etag: Option<String>,
}

/// Inserts or updates by `(calendar_id, external_id)`; returns the id and whether it was new.
pub async fn upsert(
    conn: &mut PgConnection,
    calendar_id: Uuid,
    row: &EventRow,
) -> Result<(Uuid, bool), DbError> {
    // xmax = 0 only on a freshly inserted tuple: the cheap way to tell insert from update.
    let (id, inserted): (Uuid, bool) = sqlx::query_as(
        "INSERT INTO events (calendar_id, external_id, source_href, title, start_time, end_time, \
           all_day, status, busy_status, recurring_event_id, original_start_time, is_recurring, \
           recurrence_rule, etag, deleted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL) \
         ON CONFLICT (calendar_id, external_id) DO UPDATE SET source_href = EXCLUDED.source_href, \
           title = EXCLUDED.title, start_time = EXCLUDED.start_time, \
           end_time = EXCLUDED.end_time, all_day = EXCLUDED.all_day, status = EXCLUDED.status, \
           busy_status = EXCLUDED.busy_status, recurring_event_id = EXCLUDED.recurring_event_id, \
           original_start_time = EXCLUDED.original_start_time, \
           is_recurring = EXCLUDED.is_recurring, recurrence_rule = EXCLUDED.recurrence_rule, \
           etag = EXCLUDED.etag, deleted_at = NULL, updated_at = now() \
         RETURNING id, (xmax = 0)",
    )
    .bind(calendar_id)
    .bind(&row.external_id)
    .bind(&row.source_href)
    .bind(&row.title)
    .bind(row.start_time)
    .bind(row.end_time)
    .bind(row.all_day)
    .bind(row.status)
    .bind(row.busy_status)
    .bind(row.recurring_event_id)
    .bind(row.original_start_time)
    .bind(row.is_recurring)
    .bind(&row.recurrence_rule)
    .bind(&row.etag)
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, inserted))
}

/// Records an override or a cancellation of one instance of a series.
pub async fn upsert_exception(
    conn: &mut PgConnection,
    master_id: Uuid,
    original_start: DateTime<Utc>,
    cancelled: bool,
    modified_event_id: Option<Uuid>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO recurring_event_exceptions \
           (recurring_event_id, original_start_time, is_cancelled, modified_event_id) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (recurring_event_id, original_start_time) \
         DO UPDATE SET is_cancelled = EXCLUDED.is_cancelled, \
           modified_event_id = EXCLUDED.modified_event_id",
    )
    .bind(master_id)
    .bind(original_start)
    .bind(cancelled)
    .bind(modified_event_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Drops the exceptions of a series that are no longer in its feed.
pub async fn prune_exceptions(
    conn: &mut PgConnection,
    master_id: Uuid,
    keep: &[DateTime<Utc>],
) -> Result<(), DbError> {
    sqlx::query(
        "DELETE FROM recurring_event_exceptions WHERE recurring_event_id = $1 \
         AND NOT (original_start_time = ANY($2))",
    )
    .bind(master_id)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the user's own response to an invitation (what makes a declined event free).
pub async fn set_response(
    conn: &mut PgConnection,
    event_id: Uuid,
    email: &str,
    response: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO event_attendees (event_id, email, response_status) VALUES ($1, $2, $3) \
         ON CONFLICT (event_id, email) DO UPDATE SET response_status = EXCLUDED.response_status, \
         updated_at = now()",
    )
    .bind(event_id)
    .bind(email)
    .bind(response)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes the rows of the named remote objects except `keep`; returns how many went.
/// `hrefs = None` means every object of the calendar (a full sync saw all there is).
pub async fn delete_missing(
    conn: &mut PgConnection,
    calendar_id: Uuid,
    hrefs: Option<&[String]>,
    keep: &[String],
) -> Result<u64, DbError> {
    // Instances go first so the count does not depend on cascade order.
    let r = sqlx::query(
        "DELETE FROM events WHERE calendar_id = $1 \
         AND ($2::text[] IS NULL OR source_href = ANY($2)) \
         AND NOT (external_id = ANY($3))",
    )
    .bind(calendar_id)
    .bind(hrefs)
    .bind(keep)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}

/// A stored event as the availability engine reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BusyRow {
    pub calendar_id: Uuid,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub all_day: bool,
    pub status: Option<String>,
    pub busy_status: Option<String>,
    pub response: Option<String>,
}

/// The user's events overlapping `[from, to)` on live, sync-enabled calendars. Series masters are
/// left out: their materialised instances stand for them; so is `except` (the meeting being
/// moved, which must not block its own new time).
pub async fn busy_rows(
    conn: &mut PgConnection,
    user_id: Uuid,
    user_email: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<Vec<BusyRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT e.calendar_id, e.start_time, e.end_time, COALESCE(e.all_day, false) AS all_day, \
                e.status::text AS status, e.busy_status::text AS busy_status, \
                a.response_status::text AS response \
         FROM events e JOIN calendars c ON c.id = e.calendar_id \
         LEFT JOIN event_attendees a ON a.event_id = e.id AND lower(a.email) = lower($2) \
         WHERE c.user_id = $1 AND c.deleted_at IS NULL AND c.sync_enabled \
           AND e.deleted_at IS NULL AND NOT COALESCE(e.is_recurring, false) \
           AND e.end_time > $3 AND e.start_time < $4 \
           AND ($5::uuid IS NULL OR e.id <> $5) \
         ORDER BY e.start_time",
    )
    .bind(user_id)
    .bind(user_email)
    .bind(from)
    .bind(to)
    .bind(except)
    .fetch_all(&mut *conn)
    .await?)
}

/// Each live calendar of the user with its busy semantics (`connection_metadata.busy_policy`,
/// any keys left out keep their defaults).
pub async fn busy_policies(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Vec<(Uuid, Option<serde_json::Value>)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, connection_metadata->'busy_policy' FROM calendars \
         WHERE user_id = $1 AND deleted_at IS NULL",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Active, unexpired holds of the user overlapping `[from, to)`: times already offered elsewhere.
pub async fn active_holds(
    conn: &mut PgConnection,
    user_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT lower(during), upper(during), expires_at FROM holds \
         WHERE user_id = $1 AND status = 'active' AND expires_at > now() \
           AND during && tstzrange($2, $3) ORDER BY lower(during)",
    )
    .bind(user_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}
