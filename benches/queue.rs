//! Job queue throughput against the real PostgreSQL: enqueue rate, and jobs per second run by 1, 4
//! and 8 concurrent workers (each job a trivial INSERT, so the figure is the queue's own cost).
//! Run: `cargo bench --bench queue` (uses TEST_ADMIN_DATABASE_URL, default the local server).

use std::str::FromStr;
use std::time::{Duration, Instant};

use cams::db::jobs::Backoff;
use cams::worker::{JobError, Registry, Worker, WorkerSettings};
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const JOBS: usize = 4000;

#[tokio::main]
async fn main() {
    let url = std::env::var("TEST_ADMIN_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin_opts = PgConnectOptions::from_str(&url).expect("a valid URL");
    let name = format!("cams_bench_{}", uuid::Uuid::new_v4().simple());
    let mut admin = admin_opts.connect().await.expect("PostgreSQL is reachable");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect_with(admin_opts.clone().database(&name))
        .await
        .unwrap();
    cams::db::migrate(&pool).await.unwrap();
    sqlx::query("CREATE TABLE bench_runs (job_id uuid)")
        .execute(&pool)
        .await
        .unwrap();

    println!(
        "job queue, {JOBS} jobs per run, PostgreSQL at {}",
        admin_opts.get_host()
    );
    for workers in [1usize, 4, 8] {
        sqlx::query("TRUNCATE job_queue, bench_runs")
            .execute(&pool)
            .await
            .unwrap();
        let t = Instant::now();
        let mut conn = pool.acquire().await.unwrap();
        for i in 0..JOBS {
            cams::db::jobs::enqueue(
                &mut conn,
                &cams::db::jobs::NewJob::new("bench", serde_json::json!({ "i": i })),
            )
            .await
            .unwrap();
        }
        drop(conn);
        let enqueue = t.elapsed();

        let t = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..workers {
            let mut r = Registry::new();
            r.register("bench", |ctx| async move {
                sqlx::query("INSERT INTO bench_runs VALUES ($1)")
                    .bind(ctx.job_id)
                    .execute(&ctx.pool)
                    .await
                    .map_err(|e| JobError::retryable(e.to_string()))?;
                Ok(())
            });
            let w = Worker::new(
                pool.clone(),
                r,
                WorkerSettings {
                    concurrency: 1,
                    lease: Duration::from_secs(60),
                    poll_interval: Duration::from_millis(100),
                    reaper_interval: Duration::from_secs(10),
                    backoff: Backoff {
                        base: Duration::from_secs(1),
                        cap: Duration::from_secs(10),
                    },
                },
            );
            handles.push(tokio::spawn(
                async move { w.run_until_empty().await.unwrap() },
            ));
        }
        let mut ran = 0;
        for h in handles {
            ran += h.await.unwrap();
        }
        let run = t.elapsed();
        assert_eq!(ran, JOBS);
        println!(
            "  {workers} worker(s): enqueue {:>7.0} jobs/s (one at a time), run {:>7.0} jobs/s",
            JOBS as f64 / enqueue.as_secs_f64(),
            JOBS as f64 / run.as_secs_f64()
        );
    }
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}
