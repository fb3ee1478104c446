//! The job queue's SQL: enqueue in the caller's transaction, claim with a lease, finish, retry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::DbError;

/// Work to be done later.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub job_type: String,
    pub payload: Value,
    pub priority: i32,
    pub max_retries: i32,
    /// Not before this instant; now when unset.
    pub run_at: Option<DateTime<Utc>>,
    /// While a job with this key is pending or running, enqueueing another is a no-op.
    pub dedupe_key: Option<String>,
}

impl NewJob {
    pub fn new(job_type: impl Into<String>, payload: Value) -> NewJob {
        NewJob {
            job_type: job_type.into(),
            payload,
            priority: 0,
            max_retries: 3,
            run_at: None,
            dedupe_key: None,
        }
    }

    pub fn priority(mut self, p: i32) -> Self {
        self.priority = p;
        self
    }

    pub fn max_retries(mut self, n: i32) -> Self {
        self.max_retries = n;
        self
    }

    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }

    pub fn dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }
}

/// A job this worker holds the lease of.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub job_type: String,
    pub payload: Value,
    /// Failed attempts so far (0 on the first run).
    pub retry_count: i32,
    pub max_retries: i32,
}

/// What became of a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailOutcome {
    /// Back in the queue, due at this instant.
    Retry(DateTime<Utc>),
    /// Out of retries: kept with its last error for a person to look at.
    Dead,
    /// The job said retrying is pointless.
    Failed,
    /// The lease had already passed to another worker; nothing was changed.
    LeaseLost,
}

/// Enqueues inside the caller's transaction (or on any connection), so the state change that
/// calls for the job and the job itself commit together. Returns None when a live job with the
/// same dedupe key exists.
pub async fn enqueue(conn: &mut PgConnection, job: &NewJob) -> Result<Option<Uuid>, DbError> {
    let row = sqlx::query(
        "INSERT INTO job_queue (job_type, payload, priority, max_retries, scheduled_for, dedupe_key)
         VALUES ($1, $2, $3, $4, COALESCE($5, CURRENT_TIMESTAMP), $6)
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'processing')
         DO NOTHING
         RETURNING id",
    )
    .bind(&job.job_type)
    .bind(&job.payload)
    .bind(job.priority)
    .bind(job.max_retries)
    .bind(job.run_at)
    .bind(&job.dedupe_key)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.get("id")))
}

/// Claims the most urgent due job of the given types in one statement; no transaction stays open
/// while the job runs, the lease (`locked_until`) stands in for it.
pub async fn claim(
    pool: &PgPool,
    worker: &str,
    job_types: &[String],
    lease: Duration,
) -> Result<Option<ClaimedJob>, DbError> {
    let row = sqlx::query(
        "UPDATE job_queue
            SET status = 'processing', locked_by = $1,
                locked_until = clock_timestamp() + make_interval(secs => $2),
                started_at = clock_timestamp()
          WHERE id = (
                SELECT id FROM job_queue
                 WHERE status = 'pending' AND scheduled_for <= clock_timestamp()
                   AND job_type = ANY($3)
                 ORDER BY priority DESC, scheduled_for, created_at
                 FOR UPDATE SKIP LOCKED
                 LIMIT 1)
         RETURNING id, job_type, payload, retry_count, max_retries",
    )
    .bind(worker)
    .bind(lease.as_secs_f64())
    .bind(job_types)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| ClaimedJob {
        id: r.get("id"),
        job_type: r.get("job_type"),
        payload: r.get("payload"),
        retry_count: r.get("retry_count"),
        max_retries: r.get("max_retries"),
    }))
}

/// Extends the lease of a running job; false when it is no longer ours.
pub async fn renew_lease(
    pool: &PgPool,
    id: Uuid,
    worker: &str,
    lease: Duration,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE job_queue SET locked_until = clock_timestamp() + make_interval(secs => $3)
          WHERE id = $1 AND locked_by = $2 AND status = 'processing'",
    )
    .bind(id)
    .bind(worker)
    .bind(lease.as_secs_f64())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a job done; false when the lease had passed to another worker (whose result counts).
pub async fn complete(pool: &PgPool, id: Uuid, worker: &str) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE job_queue
            SET status = 'completed', completed_at = clock_timestamp(),
                locked_by = NULL, locked_until = NULL
          WHERE id = $1 AND locked_by = $2 AND status = 'processing'",
    )
    .bind(id)
    .bind(worker)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Backoff settings for retries.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

/// Records a failed attempt: back to pending with an exponential delay computed in SQL, or dead
/// when out of retries, or failed when the job said retrying is pointless.
pub async fn fail(
    pool: &PgPool,
    id: Uuid,
    worker: &str,
    error: &str,
    retryable: bool,
    backoff: Backoff,
) -> Result<FailOutcome, DbError> {
    let row = sqlx::query(
        "UPDATE job_queue
            SET retry_count = retry_count + 1,
                last_error = $3,
                locked_by = NULL, locked_until = NULL,
                status = CASE WHEN NOT $4 THEN 'failed'
                              WHEN retry_count + 1 > max_retries THEN 'dead'
                              ELSE 'pending' END,
                error_message = CASE WHEN NOT $4 OR retry_count + 1 > max_retries
                                     THEN $3 ELSE error_message END,
                completed_at = CASE WHEN NOT $4 OR retry_count + 1 > max_retries
                                    THEN clock_timestamp() END,
                scheduled_for = CASE WHEN $4 AND retry_count + 1 <= max_retries
                                     THEN clock_timestamp() + job_retry_delay(retry_count, $5, $6)
                                     ELSE scheduled_for END
          WHERE id = $1 AND locked_by = $2 AND status = 'processing'
         RETURNING status, scheduled_for",
    )
    .bind(id)
    .bind(worker)
    .bind(truncate(error, 4000))
    .bind(retryable)
    .bind(backoff.base.as_secs_f64())
    .bind(backoff.cap.as_secs_f64())
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        None => FailOutcome::LeaseLost,
        Some(r) => match r.get::<String, _>("status").as_str() {
            "pending" => FailOutcome::Retry(r.get("scheduled_for")),
            "dead" => FailOutcome::Dead,
            _ => FailOutcome::Failed,
        },
    })
}

/// Frees the leases of jobs whose worker stopped renewing them (it crashed or hung). The lost run
/// counts as an attempt, so a job that kills its worker every time ends up dead, not looping.
pub async fn reap_expired(pool: &PgPool, backoff: Backoff) -> Result<u64, DbError> {
    let done = sqlx::query(
        "UPDATE job_queue
            SET retry_count = retry_count + 1,
                last_error = 'lease expired: worker ' || locked_by || ' stopped without finishing',
                status = CASE WHEN retry_count + 1 > max_retries THEN 'dead' ELSE 'pending' END,
                error_message = CASE WHEN retry_count + 1 > max_retries
                                     THEN 'lease expired too often' ELSE error_message END,
                completed_at = CASE WHEN retry_count + 1 > max_retries
                                    THEN clock_timestamp() END,
                scheduled_for = clock_timestamp() + job_retry_delay(retry_count, $1, $2),
                locked_by = NULL, locked_until = NULL
          WHERE status = 'processing' AND locked_until < clock_timestamp()",
    )
    .bind(backoff.base.as_secs_f64())
    .bind(backoff.cap.as_secs_f64())
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Number of jobs per status, and how many pending jobs are already due (the queue depth).
#[derive(Debug, Clone, Default)]
pub struct QueueStats {
    pub by_status: Vec<(String, i64)>,
    pub due: i64,
}

pub async fn stats(pool: &PgPool) -> Result<QueueStats, DbError> {
    let rows =
        sqlx::query("SELECT status, count(*) AS n FROM job_queue GROUP BY status ORDER BY 1")
            .fetch_all(pool)
            .await?;
    let due: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM job_queue WHERE status = 'pending' AND scheduled_for <= clock_timestamp()",
    )
    .fetch_one(pool)
    .await?;
    Ok(QueueStats {
        by_status: rows.iter().map(|r| (r.get("status"), r.get("n"))).collect(),
        due,
    })
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Completes the pending job with this dedupe key (its work was done another way).
pub async fn complete_by_key(conn: &mut PgConnection, key: &str) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE job_queue SET status = 'completed', completed_at = now()
          WHERE dedupe_key = $1 AND status = 'pending'",
    )
    .bind(key)
    .execute(conn)
    .await?
    .rows_affected())
}
