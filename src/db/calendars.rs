//! Calendars: adding ICS and CalDAV sources, reading what a sync needs, recording its outcome.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// A calendar row as sync and freshness read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub external_id: Option<String>,
    pub kind: String,
    pub name: String,
    pub connection_metadata: Option<Value>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_sync_token: Option<String>,
    pub sync_frequency: Option<i32>,
}

const COLUMNS: &str = "id, user_id, external_id::text AS external_id, type::text AS kind, \
     name::text AS name, connection_metadata, last_sync_at, last_sync_token, sync_frequency";

/// Adds a calendar of `kind` ('ics' or 'caldav') whose source is `external_id` (feed URL, file
/// path or collection URL); `metadata` holds the source's settings (sealed password, ...).
pub async fn insert(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: &str,
    name: &str,
    external_id: &str,
    metadata: &Value,
) -> Result<Uuid, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO calendars (user_id, type, name, external_id, connection_metadata) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(kind)
    .bind(name)
    .bind(external_id)
    .bind(metadata)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<CalendarRecord>, DbError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM calendars WHERE id = $1 AND deleted_at IS NULL"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The sync-enabled ICS and CalDAV calendars of one user, or of everyone.
pub async fn syncable(
    conn: &mut PgConnection,
    user_id: Option<Uuid>,
) -> Result<Vec<CalendarRecord>, DbError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM calendars WHERE deleted_at IS NULL AND sync_enabled \
         AND type IN ('ics', 'caldav') AND ($1::uuid IS NULL OR user_id = $1) \
         ORDER BY user_id, created_at"
    )))
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Records a successful sync: when, the token for the next one, and that the connection works.
pub async fn record_success(
    conn: &mut PgConnection,
    id: Uuid,
    at: DateTime<Utc>,
    token: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE calendars SET last_sync_at = $2, last_sync_token = $3, \
         connection_status = 'connected', updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .bind(at)
    .bind(token)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A failed sync leaves `last_sync_at` alone, so the calendar turns stale if failures go on.
pub async fn record_failure(conn: &mut PgConnection, id: Uuid) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE calendars SET connection_status = 'error', updated_at = now() WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One `sync_logs` row: the outcome of a sync.
#[derive(Debug, Clone, Default)]
pub struct SyncLog {
    pub sync_type: &'static str,
    pub status: &'static str,
    pub started_at: DateTime<Utc>,
    pub processed: i32,
    pub created: i32,
    pub updated: i32,
    pub deleted: i32,
    pub token: Option<String>,
    pub error: Option<String>,
}

pub async fn write_log(
    conn: &mut PgConnection,
    calendar_id: Uuid,
    log: &SyncLog,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sync_logs (calendar_id, sync_type, status, started_at, completed_at, \
         events_processed, events_created, events_updated, events_deleted, sync_token, \
         error_message) VALUES ($1, $2, $3, $4, now(), $5, $6, $7, $8, $9, $10)",
    )
    .bind(calendar_id)
    .bind(log.sync_type)
    .bind(log.status)
    .bind(log.started_at)
    .bind(log.processed)
    .bind(log.created)
    .bind(log.updated)
    .bind(log.deleted)
    .bind(&log.token)
    .bind(&log.error)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the calendar's last completed full sync started.
pub async fn last_full_sync(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<DateTime<Utc>>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT max(started_at) FROM sync_logs WHERE calendar_id = $1 AND sync_type = 'full' \
         AND status = 'completed'",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}
