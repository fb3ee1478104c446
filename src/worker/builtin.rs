//! Jobs CAMS runs for itself: daily database upkeep.

use chrono::{Days, NaiveTime, Utc};
use serde_json::json;
use sqlx::postgres::PgPool;

use super::{JobContext, JobError, Registry};
use crate::db::{self, DbError, jobs::NewJob};

pub const MAINTENANCE: &str = "db.maintain";

/// Registers the built-in job types.
pub fn register(registry: &mut Registry) {
    registry.register(MAINTENANCE, run_maintenance);
}

/// Queues today's maintenance unless it is already queued; safe to call at every start.
pub async fn schedule_maintenance(pool: &PgPool) -> Result<(), DbError> {
    let mut conn = pool.acquire().await?;
    let today = Utc::now().date_naive();
    db::jobs::enqueue(
        &mut conn,
        &NewJob::new(MAINTENANCE, json!({})).dedupe_key(format!("{MAINTENANCE}:{today}")),
    )
    .await?;
    Ok(())
}

async fn run_maintenance(ctx: JobContext) -> Result<(), JobError> {
    db::maintain(&ctx.pool).await?;
    // The next run, tomorrow at 03:00 UTC, keyed by its date so a restart does not double it.
    let tomorrow = Utc::now().date_naive() + Days::new(1);
    let at = tomorrow
        .and_time(NaiveTime::from_hms_opt(3, 0, 0).expect("valid time"))
        .and_utc();
    let mut conn = ctx.pool.acquire().await.map_err(DbError::from)?;
    db::jobs::enqueue(
        &mut conn,
        &NewJob::new(MAINTENANCE, json!({}))
            .run_at(at)
            .dedupe_key(format!("{MAINTENANCE}:{tomorrow}")),
    )
    .await?;
    Ok(())
}
