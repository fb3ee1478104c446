//! Users and their preferences: creating one from the CLI, reading one for availability.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// What `cams user add` stores: the `users` row and its `user_preferences`.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub timezone: String,
    pub working_hours: Value,
    pub buffer_minutes: i32,
    pub default_duration_minutes: i32,
    pub scheduling: Value,
}

/// A user's row and preferences as the availability engine needs them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub timezone: String,
    pub working_hours: Option<Value>,
    pub buffer_time: Option<i32>,
    pub default_meeting_duration: Option<i32>,
    pub scheduling_preferences: Option<Value>,
}

/// Inserts the user and their preferences; an existing email is an error (unique constraint).
pub async fn insert(conn: &mut PgConnection, user: &NewUser) -> Result<Uuid, DbError> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, name, timezone) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.timezone)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO user_preferences \
         (user_id, working_hours, buffer_time, default_meeting_duration, scheduling_preferences) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(&user.working_hours)
    .bind(user.buffer_minutes)
    .bind(user.default_duration_minutes)
    .bind(&user.scheduling)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The live user with this email (case-insensitive), with their preferences if any.
pub async fn by_email(conn: &mut PgConnection, email: &str) -> Result<Option<UserRecord>, DbError> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.email::text AS email, u.timezone::text AS timezone, p.working_hours, \
                p.buffer_time, p.default_meeting_duration, p.scheduling_preferences \
         FROM users u LEFT JOIN user_preferences p ON p.user_id = u.id \
         WHERE lower(u.email) = lower($1) AND u.deleted_at IS NULL",
    )
    .bind(email)
    .fetch_optional(&mut *conn)
    .await?)
}
