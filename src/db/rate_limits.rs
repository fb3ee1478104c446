//! Limits on automatic replies per sender and per thread, counted in PostgreSQL.

use std::time::Duration;

use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Replies to one sender address.
    Sender,
    /// Replies in one thread (keyed by its root Message-ID).
    Thread,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Sender => "sender",
            Scope::Thread => "thread",
        }
    }
}

/// Takes one automatic reply from the allowance of `key` (on the caller's transaction, so a
/// reply that is rolled back gives it back). False when the limit is reached.
pub async fn try_take(
    tx: &mut PgConnection,
    user_id: Option<Uuid>,
    scope: Scope,
    key: &str,
    limit: u32,
    window: Duration,
) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT take_auto_reply_allowance($1, $2, $3, $4, make_interval(secs => $5))",
    )
    .bind(user_id)
    .bind(scope.as_str())
    .bind(key)
    .bind(limit as i32)
    .bind(window.as_secs_f64())
    .fetch_one(tx)
    .await?)
}

/// Replies already counted for `key` within the window (the thread guard reads this).
pub async fn used(
    conn: &mut PgConnection,
    user_id: Option<Uuid>,
    scope: Scope,
    key: &str,
    window: Duration,
) -> Result<u32, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM auto_reply_events
          WHERE scope = $2 AND key = lower($3) AND user_id IS NOT DISTINCT FROM $1
            AND created_at > clock_timestamp() - make_interval(secs => $4)",
    )
    .bind(user_id)
    .bind(scope.as_str())
    .bind(key)
    .bind(window.as_secs_f64())
    .fetch_one(conn)
    .await?;
    Ok(n as u32)
}
