//! The `mailboxes` table: IMAP mailboxes, their UIDVALIDITY/last-UID checkpoint and poller lease.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgPool;
use uuid::Uuid;

use super::DbError;

/// A mailbox row with its owner's address, as the pollers read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailboxRow {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub user_email: Option<String>,
    pub name: String,
    pub host: String,
    pub port: i32,
    pub tls_mode: String,
    pub username: String,
    pub auth_method: String,
    pub secret: Option<Vec<u8>>,
    pub key_id: Option<String>,
    pub folder: String,
    pub processed_action: String,
    pub move_to_folder: Option<String>,
    pub uid_validity: Option<i64>,
    pub last_uid: i64,
    pub is_active: bool,
}

/// A mailbox named in configuration, written to its row so the checkpoint and lease have a home.
/// Its password stays in the configuration and is never written to the table.
#[derive(Debug, Clone)]
pub struct ConfiguredMailbox<'a> {
    pub name: &'a str,
    pub user_email: Option<&'a str>,
    pub host: &'a str,
    pub port: u16,
    pub tls_mode: &'a str,
    pub username: &'a str,
    pub auth_method: &'a str,
    pub folder: &'a str,
    pub processed_action: &'a str,
    pub move_to_folder: Option<&'a str>,
}

/// Where a poller resumes: RFC 3501 section 2.3.1.1 makes a UID meaningful only together with
/// its UIDVALIDITY, so both are stored and compared together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pub uid_validity: Option<u32>,
    pub last_uid: u32,
}

/// The checkpoint with the time it was last saved (`last_poll_at`): mail delivered after that
/// may not have been seen yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedCheckpoint {
    pub checkpoint: Checkpoint,
    pub saved_at: Option<DateTime<Utc>>,
}

/// Creates or updates the row of a configured mailbox (matched by name) and returns its id. When
/// the server or folder changed, the old checkpoint means nothing there, so it is cleared.
pub async fn upsert_configured(pool: &PgPool, m: &ConfiguredMailbox<'_>) -> Result<Uuid, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO mailboxes AS mb
            (name, user_id, host, port, tls_mode, username, auth_method, folder,
             processed_action, move_to_folder, secret, key_id, is_active)
         VALUES ($1, (SELECT id FROM users WHERE lower(email) = lower($2) AND deleted_at IS NULL),
                 $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, TRUE)
         ON CONFLICT (name) DO UPDATE SET
            user_id = EXCLUDED.user_id,
            host = EXCLUDED.host, port = EXCLUDED.port, tls_mode = EXCLUDED.tls_mode,
            username = EXCLUDED.username, auth_method = EXCLUDED.auth_method,
            folder = EXCLUDED.folder, processed_action = EXCLUDED.processed_action,
            move_to_folder = EXCLUDED.move_to_folder, is_active = TRUE,
            uid_validity = CASE WHEN (mb.host, mb.port, mb.username, mb.folder)
                                   = (EXCLUDED.host, EXCLUDED.port, EXCLUDED.username, EXCLUDED.folder)
                                THEN mb.uid_validity END,
            last_uid = CASE WHEN (mb.host, mb.port, mb.username, mb.folder)
                               = (EXCLUDED.host, EXCLUDED.port, EXCLUDED.username, EXCLUDED.folder)
                            THEN mb.last_uid ELSE 0 END
         RETURNING id",
    )
    .bind(m.name)
    .bind(m.user_email)
    .bind(m.host)
    .bind(i32::from(m.port))
    .bind(m.tls_mode)
    .bind(m.username)
    .bind(m.auth_method)
    .bind(m.folder)
    .bind(m.processed_action)
    .bind(m.move_to_folder)
    .fetch_one(pool)
    .await?)
}

/// Every active mailbox, with the owner's address when it has one.
pub async fn list_active(pool: &PgPool) -> Result<Vec<MailboxRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT mb.id, mb.user_id, u.email AS user_email, mb.name, mb.host, mb.port, mb.tls_mode,
                mb.username, mb.auth_method, mb.secret, mb.key_id, mb.folder, mb.processed_action,
                mb.move_to_folder, mb.uid_validity, mb.last_uid, mb.is_active
           FROM mailboxes mb LEFT JOIN users u ON u.id = mb.user_id AND u.deleted_at IS NULL
          WHERE mb.is_active
          ORDER BY mb.name",
    )
    .fetch_all(pool)
    .await?)
}

/// The stored checkpoint of a mailbox.
pub async fn checkpoint(pool: &PgPool, id: Uuid) -> Result<Checkpoint, DbError> {
    Ok(saved_checkpoint(pool, id).await?.checkpoint)
}

/// The stored checkpoint and when it was saved.
pub async fn saved_checkpoint(pool: &PgPool, id: Uuid) -> Result<SavedCheckpoint, DbError> {
    let (validity, last, saved_at): (Option<i64>, i64, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT uid_validity, last_uid, last_poll_at FROM mailboxes WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
    Ok(SavedCheckpoint {
        checkpoint: Checkpoint {
            // Both columns only ever receive u32 values (RFC 3501: nz-number, 32 bits).
            uid_validity: validity.and_then(|v| u32::try_from(v).ok()),
            last_uid: u32::try_from(last).unwrap_or(0),
        },
        saved_at,
    })
}

/// Takes the mailbox's lease for `owner` when it is free, expired or already `owner`'s; true when
/// `owner` holds it afterwards. One statement, so two processes cannot both win.
pub async fn try_lease(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    ttl_secs: u64,
) -> Result<bool, DbError> {
    let row: Option<Uuid> = sqlx::query_scalar(
        "UPDATE mailboxes SET lease_owner = $2,
                lease_until = CURRENT_TIMESTAMP + make_interval(secs => $3)
          WHERE id = $1 AND is_active
            AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until IS NULL
                 OR lease_until < CURRENT_TIMESTAMP)
          RETURNING id",
    )
    .bind(id)
    .bind(owner)
    .bind(ttl_secs as f64)
    .fetch_optional(pool)
    .await?;
    Ok(row.is_some())
}

/// Extends a lease `owner` still holds; false when it was lost (expired and taken by another).
pub async fn renew_lease(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    ttl_secs: u64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE mailboxes SET lease_until = CURRENT_TIMESTAMP + make_interval(secs => $3)
          WHERE id = $1 AND lease_owner = $2 AND is_active",
    )
    .bind(id)
    .bind(owner)
    .bind(ttl_secs as f64)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the lease up, so another process need not wait for it to expire.
pub async fn release_lease(pool: &PgPool, id: Uuid, owner: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE mailboxes SET lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2",
    )
    .bind(id)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(())
}

/// Who holds the lease and until when.
pub async fn lease(pool: &PgPool, id: Uuid) -> Result<Option<(String, DateTime<Utc>)>, DbError> {
    let row: (Option<String>, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT lease_owner, lease_until FROM mailboxes WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
    Ok(match row {
        (Some(o), Some(u)) => Some((o, u)),
        _ => None,
    })
}

/// Saves the checkpoint, fenced by the lease: a process that lost its lease cannot move the
/// checkpoint of a mailbox another process now polls. False when the lease was lost.
pub async fn save_checkpoint(
    pool: &PgPool,
    id: Uuid,
    owner: &str,
    checkpoint: Checkpoint,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE mailboxes SET uid_validity = $3, last_uid = $4, last_poll_at = CURRENT_TIMESTAMP
          WHERE id = $1 AND lease_owner = $2",
    )
    .bind(id)
    .bind(owner)
    .bind(checkpoint.uid_validity.map(i64::from))
    .bind(i64::from(checkpoint.last_uid))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the latest failure, or clears it with None. `last_poll_at` is left alone: it says
/// when the checkpoint was last saved, which a resynchronisation relies on.
pub async fn record_poll(pool: &PgPool, id: Uuid, error: Option<&str>) -> Result<(), DbError> {
    sqlx::query("UPDATE mailboxes SET last_error = $2 WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(pool)
        .await?;
    Ok(())
}
