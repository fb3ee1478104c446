//! The job queue against the real PostgreSQL: exactly once under concurrency, lease expiry,
//! panics, retries with backoff, dead letters, dedupe, transactional enqueue, NOTIFY wake-up.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cams::db::jobs::{self, Backoff, FailOutcome, NewJob};
use cams::worker::{JobError, JobOutcome, Registry, Worker, WorkerSettings};
use serde_json::json;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::support::TestDb;

fn settings(concurrency: usize) -> WorkerSettings {
    WorkerSettings {
        concurrency,
        lease: Duration::from_secs(30),
        poll_interval: Duration::from_millis(50),
        reaper_interval: Duration::from_millis(100),
        backoff: Backoff {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(40),
        },
    }
}

async fn enqueue(pool: &PgPool, job: NewJob) -> Option<uuid::Uuid> {
    let mut conn = pool.acquire().await.unwrap();
    jobs::enqueue(&mut conn, &job).await.unwrap()
}

async fn status_counts(pool: &PgPool) -> Vec<(String, i64)> {
    jobs::stats(pool).await.unwrap().by_status
}

/// A handler that records each run in a table, so "exactly once" is checked by the database.
fn recording_registry() -> Registry {
    let mut r = Registry::new();
    r.register("record", |ctx| async move {
        sqlx::query("INSERT INTO it_runs (job_id) VALUES ($1)")
            .bind(ctx.job_id)
            .execute(&ctx.pool)
            .await
            .map_err(|e| JobError::retryable(e.to_string()))?;
        Ok(())
    });
    r
}

async fn runs_table(pool: &PgPool) {
    sqlx::query(
        "CREATE TABLE it_runs (job_id uuid NOT NULL, at timestamptz DEFAULT clock_timestamp())",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn eight_workers_run_two_thousand_jobs_each_exactly_once() {
    let db = TestDb::new().await;
    runs_table(&db.pool).await;
    sqlx::query("INSERT INTO job_queue (job_type, payload) SELECT 'record', jsonb_build_object('n', g) FROM generate_series(1, 2000) g")
        .execute(&db.pool)
        .await
        .unwrap();

    let mut handles = Vec::new();
    for _ in 0..8 {
        let w = Worker::new(db.pool.clone(), recording_registry(), settings(1));
        handles.push(tokio::spawn(
            async move { w.run_until_empty().await.unwrap() },
        ));
    }
    let mut total = 0;
    let mut busy_workers = 0;
    for h in handles {
        let n = h.await.unwrap();
        total += n;
        if n > 0 {
            busy_workers += 1;
        }
    }
    assert_eq!(total, 2000);
    assert!(
        busy_workers >= 2,
        "work was shared ({busy_workers} workers ran jobs)"
    );
    let (runs, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT job_id) FROM it_runs")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!((runs, distinct), (2000, 2000));
    assert_eq!(
        status_counts(&db.pool).await,
        vec![("completed".to_string(), 2000)]
    );
}

#[tokio::test]
async fn a_job_whose_worker_died_runs_again_after_its_lease_expires() {
    let db = TestDb::new().await;
    runs_table(&db.pool).await;
    let id = enqueue(&db.pool, NewJob::new("record", json!({})))
        .await
        .unwrap();

    // A worker claims it with a short lease and then "dies": it never completes or renews.
    let claimed = jobs::claim(
        &db.pool,
        "doomed-worker",
        &["record".to_string()],
        Duration::from_millis(300),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(claimed.id, id);
    let w = Worker::new(db.pool.clone(), recording_registry(), settings(1));
    assert_eq!(
        w.run_until_empty().await.unwrap(),
        0,
        "a leased job is not run twice"
    );

    tokio::time::sleep(Duration::from_millis(400)).await;
    let backoff = Backoff {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(1),
    };
    assert_eq!(jobs::reap_expired(&db.pool, backoff).await.unwrap(), 1);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(w.run_until_empty().await.unwrap(), 1);

    let (status, retries, err): (String, i32, Option<String>) =
        sqlx::query_as("SELECT status, retry_count, last_error FROM job_queue WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(status, "completed");
    assert_eq!(retries, 1);
    assert!(err.unwrap().contains("doomed-worker"));
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM it_runs")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(runs, 1);

    // The dead worker's late completion is refused: the lease is no longer its own.
    assert!(!jobs::complete(&db.pool, id, "doomed-worker").await.unwrap());
}

#[tokio::test]
async fn a_panicking_job_is_retried_then_dead_lettered_and_the_others_still_run() {
    let db = TestDb::new().await;
    runs_table(&db.pool).await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let mut registry = recording_registry();
    let seen = attempts.clone();
    registry.register("explode", move |_ctx| {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            panic!("boom in the handler");
        }
    });
    let bad = enqueue(&db.pool, NewJob::new("explode", json!({})).max_retries(2))
        .await
        .unwrap();
    for i in 0..20 {
        enqueue(&db.pool, NewJob::new("record", json!({ "i": i })))
            .await
            .unwrap();
    }
    let w = Worker::new(db.pool.clone(), registry, settings(1));
    // Retries are scheduled a few milliseconds ahead; keep draining until the bad job is dead.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        w.run_until_empty().await.unwrap();
        let status: String = sqlx::query_scalar("SELECT status FROM job_queue WHERE id = $1")
            .bind(bad)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if status == "dead" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the panicking job never dead-lettered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(attempts.load(Ordering::SeqCst), 3, "first run + 2 retries");
    let (retries, last_error, error_message): (i32, String, String) = sqlx::query_as(
        "SELECT retry_count, last_error, error_message FROM job_queue WHERE id = $1",
    )
    .bind(bad)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(retries, 3);
    assert!(
        last_error.contains("panicked: boom in the handler"),
        "{last_error}"
    );
    assert_eq!(error_message, last_error);
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM it_runs")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(runs, 20);
}

#[tokio::test]
async fn retries_back_off_exponentially_and_permanent_errors_do_not_retry() {
    let db = TestDb::new().await;
    let backoff = Backoff {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(3600),
    };
    let id = enqueue(&db.pool, NewJob::new("flaky", json!({})).max_retries(5))
        .await
        .unwrap();
    let types = ["flaky".to_string()];
    let mut delays = Vec::new();
    for _ in 0..3 {
        // Make it due again, claim, fail, and read how far ahead the retry was put.
        sqlx::query("UPDATE job_queue SET scheduled_for = now() WHERE id = $1")
            .bind(id)
            .execute(&db.pool)
            .await
            .unwrap();
        let job = jobs::claim(&db.pool, "w", &types, Duration::from_secs(30))
            .await
            .unwrap()
            .unwrap();
        let before = chrono::Utc::now();
        let FailOutcome::Retry(at) = jobs::fail(
            &db.pool,
            job.id,
            "w",
            "timeout talking to server",
            true,
            backoff,
        )
        .await
        .unwrap() else {
            panic!("expected a retry");
        };
        delays.push((at - before).num_milliseconds() as f64 / 1000.0);
    }
    // base * 2^n scaled by a jitter in [0.5, 1]: 5-10 s, 10-20 s, 20-40 s.
    for (n, d) in delays.iter().enumerate() {
        let full = 10.0 * 2f64.powi(n as i32);
        assert!(
            *d >= full * 0.5 - 0.5 && *d <= full + 0.5,
            "retry {n}: {d} s, expected within [{}, {full}]",
            full * 0.5
        );
    }

    let id2 = enqueue(&db.pool, NewJob::new("flaky", json!({})))
        .await
        .unwrap();
    sqlx::query("UPDATE job_queue SET scheduled_for = now() + interval '1 day' WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    let job = jobs::claim(&db.pool, "w", &types, Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.id, id2);
    let outcome = jobs::fail(
        &db.pool,
        job.id,
        "w",
        "550 mailbox does not exist",
        false,
        backoff,
    )
    .await
    .unwrap();
    assert_eq!(outcome, FailOutcome::Failed);
    let (status, msg): (String, String) =
        sqlx::query_as("SELECT status, error_message FROM job_queue WHERE id = $1")
            .bind(id2)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), msg.as_str()),
        ("failed", "550 mailbox does not exist")
    );
}

#[tokio::test]
async fn enqueue_commits_with_the_callers_transaction_and_dedupes_live_jobs() {
    let db = TestDb::new().await;
    let mut tx = db.pool.begin().await.unwrap();
    jobs::enqueue(&mut tx, &NewJob::new("record", json!({})))
        .await
        .unwrap()
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(
        status_counts(&db.pool).await.is_empty(),
        "a rolled-back enqueue leaves no job"
    );

    let first = enqueue(
        &db.pool,
        NewJob::new("record", json!({})).dedupe_key("inbound:<m1@x>"),
    )
    .await;
    let second = enqueue(
        &db.pool,
        NewJob::new("record", json!({})).dedupe_key("inbound:<m1@x>"),
    )
    .await;
    assert!(first.is_some());
    assert!(second.is_none(), "a live job with the same key exists");

    runs_table(&db.pool).await;
    let w = Worker::new(db.pool.clone(), recording_registry(), settings(1));
    assert_eq!(w.run_until_empty().await.unwrap(), 1);
    let third = enqueue(
        &db.pool,
        NewJob::new("record", json!({})).dedupe_key("inbound:<m1@x>"),
    )
    .await;
    assert!(third.is_some(), "once done, the key is free again");
}

#[tokio::test]
async fn priority_and_schedule_decide_the_order() {
    let db = TestDb::new().await;
    let types = ["t".to_string()];
    let low = enqueue(&db.pool, NewJob::new("t", json!({})).priority(0))
        .await
        .unwrap();
    let high = enqueue(&db.pool, NewJob::new("t", json!({})).priority(10))
        .await
        .unwrap();
    let later = enqueue(
        &db.pool,
        NewJob::new("t", json!({}))
            .priority(100)
            .run_at(chrono::Utc::now() + chrono::Duration::hours(1)),
    )
    .await
    .unwrap();
    let lease = Duration::from_secs(30);
    assert_eq!(
        jobs::claim(&db.pool, "w", &types, lease)
            .await
            .unwrap()
            .unwrap()
            .id,
        high
    );
    assert_eq!(
        jobs::claim(&db.pool, "w", &types, lease)
            .await
            .unwrap()
            .unwrap()
            .id,
        low
    );
    assert!(
        jobs::claim(&db.pool, "w", &types, lease)
            .await
            .unwrap()
            .is_none(),
        "{later} is not due"
    );
    // Types this worker does not know are left for workers that do.
    assert!(
        jobs::claim(&db.pool, "w", &["other".to_string()], lease)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_running_worker_wakes_on_notify_and_finishes_jobs_on_shutdown() {
    let db = TestDb::new().await;
    runs_table(&db.pool).await;
    let mut registry = recording_registry();
    let finished = Arc::new(AtomicUsize::new(0));
    let f = finished.clone();
    registry.register("slow", move |_ctx| {
        let f = f.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(800)).await;
            f.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    // Polling once a minute: a job picked up within a second can only have come through NOTIFY.
    let mut s = settings(2);
    s.poll_interval = Duration::from_secs(60);
    let worker = Worker::new(db.pool.clone(), registry, s);
    let stop = CancellationToken::new();
    let tracker = TaskTracker::new();
    worker.spawn(stop.clone(), &tracker);
    tracker.close();
    tokio::time::sleep(Duration::from_millis(500)).await; // let LISTEN start

    enqueue(&db.pool, NewJob::new("record", json!({})))
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM it_runs")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if runs == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the job was not picked up through NOTIFY"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A slow job is running when shutdown starts: it finishes, it is not abandoned.
    enqueue(&db.pool, NewJob::new("slow", json!({})))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), tracker.wait())
        .await
        .expect("workers stop");
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    assert_eq!(
        status_counts(&db.pool).await,
        vec![("completed".to_string(), 2)],
        "nothing left running or pending"
    );
}

#[tokio::test]
async fn an_outcome_is_reported_for_each_run() {
    let db = TestDb::new().await;
    let mut registry = Registry::new();
    registry.register("fails", |_ctx| async {
        Err(JobError::retryable("server busy"))
    });
    let w = Worker::new(db.pool.clone(), registry, settings(1));
    enqueue(&db.pool, NewJob::new("fails", json!({})).max_retries(0))
        .await
        .unwrap();
    let (_, outcome) = w.run_one().await.unwrap().unwrap();
    assert_eq!(outcome, JobOutcome::Failed(FailOutcome::Dead));
}
