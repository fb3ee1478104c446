//! Per-user API tokens: stored as SHA-256 hashes, found by hash, revocable, optionally expiring.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// A token as `cams token list` shows it; the secret itself is never stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Stores a new token's hash; returns its id.
pub async fn insert(
    conn: &mut PgConnection,
    user_id: Uuid,
    name: &str,
    token_hash: &[u8; 32],
    prefix: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<Uuid, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(&token_hash[..])
    .bind(prefix)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?)
}

/// A user's tokens, newest first, revoked ones included (marked).
pub async fn list(conn: &mut PgConnection, user_id: Uuid) -> Result<Vec<TokenInfo>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name::text AS name, prefix::text AS prefix, created_at, \
                last_used_at, expires_at, revoked_at \
         FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Revokes a token at `now`. `false` when there is no such token or it was already revoked
/// (revoking twice keeps the first time).
pub async fn revoke(
    conn: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The user a token hash belongs to, if the token is live at `now` (not revoked, not expired)
/// and its user is active; records the use. The lookup is by the hash's unique index, so no
/// secret is ever compared byte by byte.
pub async fn authenticate(
    conn: &mut PgConnection,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbError> {
    Ok(sqlx::query_scalar(
        "UPDATE api_tokens t SET last_used_at = $2 \
         FROM users u \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
           AND (t.expires_at IS NULL OR t.expires_at > $2) \
           AND u.id = t.user_id AND u.deleted_at IS NULL AND u.is_active IS NOT FALSE \
         RETURNING t.user_id",
    )
    .bind(&token_hash[..])
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?)
}
