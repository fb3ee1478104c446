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

/// Everything the agent needs about the user it acts for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserProfile {
    pub id: Uuid,
    pub email: String,
    pub name: Option<String>,
    pub timezone: String,
    pub locale: Option<String>,
    pub working_hours: Option<Value>,
    pub buffer_time: Option<i32>,
    pub default_meeting_duration: Option<i32>,
    pub scheduling_preferences: Option<Value>,
    pub auto_respond: Option<bool>,
    pub auto_respond_delay: Option<i32>,
}

pub async fn profile(conn: &mut PgConnection, id: Uuid) -> Result<Option<UserProfile>, DbError> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.email::text AS email, u.name::text AS name, u.timezone::text AS timezone, \
                u.locale::text AS locale, p.working_hours, p.buffer_time, \
                p.default_meeting_duration, p.scheduling_preferences, p.auto_respond, \
                p.auto_respond_delay \
         FROM users u LEFT JOIN user_preferences p ON p.user_id = u.id \
         WHERE u.id = $1 AND u.deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Turns automatic replies on or off, with the delay before one is sent.
pub async fn set_auto_respond(
    conn: &mut PgConnection,
    id: Uuid,
    on: bool,
    delay_secs: i32,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE user_preferences SET auto_respond = $2, auto_respond_delay = $3, \
                updated_at = now() WHERE user_id = $1",
    )
    .bind(id)
    .bind(on)
    .bind(delay_secs)
    .execute(conn)
    .await?;
    Ok(())
}

impl UserProfile {
    /// The user's scheduling preferences as the availability engine reads them.
    pub fn preferences(
        &self,
    ) -> Result<crate::availability::Preferences, crate::availability::AvailabilityError> {
        crate::availability::Preferences::from_seed(
            &self.timezone,
            self.working_hours.as_ref(),
            self.buffer_time.map(i64::from),
            self.default_meeting_duration.map(i64::from),
            self.scheduling_preferences.as_ref(),
        )
    }
}
