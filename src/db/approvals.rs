//! `approval_tokens`: the one-click links of an approval email. Only the SHA-256 of a token is
//! stored; using one is a single statement, so two clicks race to one winner.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

pub async fn insert(
    conn: &mut PgConnection,
    request_id: Uuid,
    user_id: Uuid,
    action: &str,
    slot_index: Option<i32>,
    token_hash: &[u8; 32],
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO approval_tokens (request_id, user_id, action, slot_index, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(request_id)
    .bind(user_id)
    .bind(action)
    .bind(slot_index)
    .bind(token_hash.as_slice())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A stored token's state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub request_id: Uuid,
    pub user_id: Uuid,
    pub action: String,
    pub slot_index: Option<i32>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn find(conn: &mut PgConnection, hash: &[u8; 32]) -> Result<Option<TokenRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT request_id, user_id, action::text AS action, slot_index, expires_at, used_at
           FROM approval_tokens WHERE token_hash = $1",
    )
    .bind(hash.as_slice())
    .fetch_optional(conn)
    .await?)
}

/// Marks the token used, if it was unused and unexpired; true for the one caller that wins.
pub async fn consume(conn: &mut PgConnection, hash: &[u8; 32]) -> Result<bool, DbError> {
    let n = sqlx::query(
        "UPDATE approval_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()",
    )
    .bind(hash.as_slice())
    .execute(conn)
    .await?;
    Ok(n.rows_affected() == 1)
}
