//! `cams bench availability`: the Rust engine and the seed's SQL `calculate_availability` on the
//! same synthetic user, timed in one run.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, TimeZone, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use super::report::{ReportError, load_busy};
use crate::availability::{Engine, Interval, Preferences, Query};
use crate::db::{self, DbError};

/// Medians of one run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub events: usize,
    pub engine_median: Duration,
    pub engine_with_load_median: Duration,
    pub sql_median: Duration,
    pub engine_slots: usize,
    pub sql_free_slots: i64,
}

impl BenchReport {
    pub fn ratio(&self) -> f64 {
        self.sql_median.as_secs_f64() / self.engine_median.as_secs_f64().max(1e-9)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "events": self.events,
            "engine_two_weeks_us": self.engine_median.as_secs_f64() * 1e6,
            "engine_with_db_load_us": self.engine_with_load_median.as_secs_f64() * 1e6,
            "sql_calculate_availability_us": self.sql_median.as_secs_f64() * 1e6,
            "sql_over_engine": self.ratio(),
            "engine_slots": self.engine_slots,
            "sql_available_slots": self.sql_free_slots,
        })
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Creates a throwaway user with `events` rows (a fifth of them instances of weekly series, plus
/// their masters), times both over two weeks, and deletes the user.
pub async fn run(
    pool: &PgPool,
    events: usize,
    iterations: u32,
) -> Result<BenchReport, ReportError> {
    let iterations = iterations.max(1);
    let email = format!("bench-{}@example.com", Uuid::new_v4().simple());
    let mut tx = db::begin_system(pool).await?;
    let user_id: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, name, timezone) VALUES ($1, 'bench', 'America/New_York') \
         RETURNING id",
    )
    .bind(&email)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO user_preferences (user_id) VALUES ($1)")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let cal: Uuid = sqlx::query_scalar(
        "INSERT INTO calendars (user_id, type, name) VALUES ($1, 'cams', 'bench') RETURNING id",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let base = Utc.with_ymd_and_hms(2027, 1, 4, 0, 0, 0).unwrap();
    let recurring = events / 5;
    let singles = events - recurring;
    // Single events spread over a year either side of the base, 30 to 90 minutes long.
    sqlx::query(
        "INSERT INTO events (calendar_id, external_id, title, start_time, end_time) \
         SELECT $1, 's' || i, 'single', \
                $2 - interval '365 days' + (i * (730 * 1440 / $3)) * interval '1 minute', \
                $2 - interval '365 days' + (i * (730 * 1440 / $3) + 30 + (i % 3) * 30) * interval '1 minute' \
         FROM generate_series(0, $3 - 1) AS i",
    )
    .bind(cal)
    .bind(base)
    .bind(singles as i64)
    .execute(&mut *tx)
    .await?;
    // Weekly series of 50 instances each: a master row and its materialised instances.
    let series = recurring.div_ceil(50).max(1) as i64;
    sqlx::query(
        "WITH m AS ( \
           INSERT INTO events (calendar_id, external_id, title, start_time, end_time, is_recurring) \
           SELECT $1, 'm' || k, 'series', $2 + (k % 5) * interval '1 day' + (9 + k % 8) * interval '1 hour', \
                  $2 + (k % 5) * interval '1 day' + (9 + k % 8) * interval '1 hour' + interval '45 minutes', true \
           FROM generate_series(0, $3 - 1) AS k RETURNING id, start_time, external_id) \
         INSERT INTO events (calendar_id, external_id, title, start_time, end_time, \
                             recurring_event_id, original_start_time) \
         SELECT $1, m.external_id || '#' || w, 'series', m.start_time + w * interval '7 days', \
                m.start_time + w * interval '7 days' + interval '45 minutes', m.id, \
                m.start_time + w * interval '7 days' \
         FROM m, generate_series(-25, 24) AS w \
         LIMIT $4",
    )
    .bind(cal)
    .bind(base)
    .bind(series)
    .bind(recurring as i64)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    let result = measure(pool, user_id, &email, base, iterations).await;
    let mut tx = db::begin_system(pool).await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut r = result?;
    r.events = events;
    Ok(r)
}

async fn measure(
    pool: &PgPool,
    user_id: Uuid,
    email: &str,
    base: chrono::DateTime<Utc>,
    iterations: u32,
) -> Result<BenchReport, ReportError> {
    let prefs = Preferences::from_seed("America/New_York", None, Some(15), Some(30), None)?;
    let zone = prefs.zone();
    let range = Interval::new(base, base + TimeDelta::days(14))?;
    let query = Query::new(
        range,
        TimeDelta::minutes(30),
        TimeDelta::minutes(15),
        base - TimeDelta::days(3),
    )?;
    // The whole year of events in the index, as a long-running process would hold it.
    let everything = Interval::new(base - TimeDelta::days(400), base + TimeDelta::days(400))?;
    let busy = load_busy(pool, user_id, email, zone, &everything, None).await?;
    let engine = Engine::new(&prefs, &busy, &[])?;
    let mut engine_times = Vec::new();
    let mut slots = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        let free = engine.free_intervals(&query);
        let ranked = engine.ranked_slots(&query);
        engine_times.push(t.elapsed());
        slots = ranked.len();
        std::hint::black_box(free);
    }
    let mut with_load = Vec::new();
    for _ in 0..iterations.min(20) {
        let t = Instant::now();
        let busy = load_busy(pool, user_id, email, zone, &range, None).await?;
        let engine = Engine::new(&prefs, &busy, &[])?;
        std::hint::black_box(engine.ranked_slots(&query));
        with_load.push(t.elapsed());
    }
    let mut sql_times = Vec::new();
    let mut sql_free = 0;
    for _ in 0..iterations.min(20) {
        let t = Instant::now();
        let mut tx = db::begin_system(pool).await?;
        sql_free = sqlx::query_scalar(
            "SELECT count(*) FROM calculate_availability($1, $2, $3, 30, 15) WHERE is_available",
        )
        .bind(user_id)
        .bind(range.start())
        .bind(range.end())
        .fetch_one(&mut *tx)
        .await
        .map_err(DbError::from)?;
        tx.commit().await?;
        sql_times.push(t.elapsed());
    }
    Ok(BenchReport {
        events: 0,
        engine_median: median(engine_times),
        engine_with_load_median: median(with_load),
        sql_median: median(sql_times),
        engine_slots: slots,
        sql_free_slots: sql_free,
    })
}
