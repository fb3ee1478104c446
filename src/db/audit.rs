//! The audit trail: every decision CAMS takes about a message, with its reasons.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// Appends one entry to `audit_logs`.
pub async fn record(
    conn: &mut PgConnection,
    user_id: Option<Uuid>,
    action: &str,
    entity: (&str, Uuid),
    details: &Value,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_logs (user_id, action, entity_type, entity_id, new_values)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(action)
    .bind(entity.0)
    .bind(entity.1)
    .bind(details)
    .execute(conn)
    .await?;
    Ok(())
}
