//! The job runner: claims jobs, runs each under catch_unwind with a renewed lease, records results.

pub mod builtin;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::Value;
use sqlx::postgres::{PgListener, PgPool};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use uuid::Uuid;

use crate::config::WorkerConfig;
use crate::db::DbError;
use crate::db::jobs::{self, Backoff, ClaimedJob, FailOutcome};

/// A job's failure, saying whether another attempt may succeed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct JobError {
    pub message: String,
    pub retryable: bool,
    /// When the job knows how long retrying is pointless (a throttled domain's next slot),
    /// the retry waits that long instead of the usual backoff.
    pub retry_after: Option<Duration>,
}

impl JobError {
    pub fn retryable(message: impl Into<String>) -> JobError {
        JobError {
            message: message.into(),
            retryable: true,
            retry_after: None,
        }
    }

    /// Retryable, but not before `after`.
    pub fn retry_after(message: impl Into<String>, after: Duration) -> JobError {
        JobError {
            message: message.into(),
            retryable: true,
            retry_after: Some(after),
        }
    }

    pub fn permanent(message: impl Into<String>) -> JobError {
        JobError {
            message: message.into(),
            retryable: false,
            retry_after: None,
        }
    }
}

impl From<DbError> for JobError {
    fn from(e: DbError) -> JobError {
        JobError {
            retryable: e.is_retryable(),
            message: e.to_string(),
            retry_after: None,
        }
    }
}

/// What a handler gets: the pool (it opens its own short transactions), the payload and the
/// attempt number.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub job_id: Uuid,
    pub payload: Value,
    /// 1 on the first run.
    pub attempt: i32,
}

type Handler = Arc<dyn Fn(JobContext) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;

/// Job types and the code that runs them.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn register<F, Fut>(&mut self, job_type: &str, f: F) -> &mut Self
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.handlers
            .insert(job_type.to_string(), Arc::new(move |ctx| Box::pin(f(ctx))));
        self
    }

    pub fn job_types(&self) -> Vec<String> {
        let mut t: Vec<String> = self.handlers.keys().cloned().collect();
        t.sort();
        t
    }
}

/// How one claimed job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Completed,
    Failed(FailOutcome),
    /// Completed, but the lease had been lost meanwhile; another run may repeat the work.
    CompletedLeaseLost,
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub concurrency: usize,
    pub lease: Duration,
    pub poll_interval: Duration,
    pub reaper_interval: Duration,
    pub backoff: Backoff,
}

impl From<&WorkerConfig> for WorkerSettings {
    fn from(c: &WorkerConfig) -> Self {
        WorkerSettings {
            concurrency: c.concurrency,
            lease: Duration::from_secs(c.lease_secs),
            poll_interval: Duration::from_millis(c.poll_interval_ms),
            reaper_interval: Duration::from_secs(c.reaper_interval_secs),
            backoff: Backoff {
                base: Duration::from_secs_f64(c.retry_base_secs),
                cap: Duration::from_secs_f64(c.retry_cap_secs),
            },
        }
    }
}

/// Runs jobs from the queue.
#[derive(Clone)]
pub struct Worker {
    pool: PgPool,
    registry: Arc<Registry>,
    settings: WorkerSettings,
    job_types: Arc<Vec<String>>,
    name: String,
}

const CHANNEL: &str = "cams_jobs";

impl Worker {
    pub fn new(pool: PgPool, registry: Registry, settings: WorkerSettings) -> Worker {
        let name = format!(
            "{}:{}:{}",
            hostname(),
            std::process::id(),
            &Uuid::new_v4().simple().to_string()[..8]
        );
        Worker {
            pool,
            job_types: Arc::new(registry.job_types()),
            registry: Arc::new(registry),
            settings,
            name,
        }
    }

    /// The name this worker claims leases under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Claims and runs one due job; None when nothing is due.
    pub async fn run_one(&self) -> Result<Option<(ClaimedJob, JobOutcome)>, DbError> {
        self.run_one_as(&self.name).await
    }

    async fn run_one_as(
        &self,
        lease_name: &str,
    ) -> Result<Option<(ClaimedJob, JobOutcome)>, DbError> {
        let Some(job) =
            jobs::claim(&self.pool, lease_name, &self.job_types, self.settings.lease).await?
        else {
            return Ok(None);
        };
        let outcome = self.execute(&job, lease_name).await?;
        Ok(Some((job, outcome)))
    }

    /// Runs due jobs one after another until none is due; for tests and one-shot commands.
    /// Returns how many ran.
    pub async fn run_until_empty(&self) -> Result<usize, DbError> {
        let mut n = 0;
        while self.run_one().await?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    async fn execute(&self, job: &ClaimedJob, lease_name: &str) -> Result<JobOutcome, DbError> {
        let Some(handler) = self.registry.handlers.get(&job.job_type).cloned() else {
            // Cannot happen (we only claim registered types), but never leave a lease dangling.
            let outcome = jobs::fail(
                &self.pool,
                job.id,
                lease_name,
                "no handler registered for this job type",
                false,
                self.settings.backoff,
            )
            .await?;
            return Ok(JobOutcome::Failed(outcome));
        };
        let ctx = JobContext {
            pool: self.pool.clone(),
            job_id: job.id,
            payload: job.payload.clone(),
            attempt: job.retry_count + 1,
        };
        let span =
            tracing::info_span!("job", id = %job.id, kind = %job.job_type, attempt = ctx.attempt);

        // Renew the lease while the job runs, so a long job is not taken for a dead one.
        let heartbeat = CancellationToken::new();
        let hb = {
            let pool = self.pool.clone();
            let stop = heartbeat.clone();
            let lease = self.settings.lease;
            let id = job.id;
            let name = lease_name.to_string();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        _ = tokio::time::sleep(lease / 3) => {
                            match jobs::renew_lease(&pool, id, &name, lease).await {
                                Ok(true) => {}
                                Ok(false) => return,
                                Err(e) => tracing::warn!(job = %id, "lease renewal failed: {e}"),
                            }
                        }
                    }
                }
            })
        };

        let started = std::time::Instant::now();
        let result = AssertUnwindSafe(handler(ctx).instrument(span.clone()))
            .catch_unwind()
            .await;
        heartbeat.cancel();
        let _ = hb.await;
        let elapsed = started.elapsed();

        let outcome = match result {
            Ok(Ok(())) => {
                if jobs::complete(&self.pool, job.id, lease_name).await? {
                    JobOutcome::Completed
                } else {
                    JobOutcome::CompletedLeaseLost
                }
            }
            Ok(Err(e)) => JobOutcome::Failed(
                jobs::fail(
                    &self.pool,
                    job.id,
                    lease_name,
                    &e.message,
                    e.retryable,
                    // The delay is jittered to 50-100 % of the backoff: twice the wait
                    // keeps the retry at or after the time the job named.
                    match e.retry_after {
                        Some(after) => jobs::Backoff {
                            base: (after * 2).max(self.settings.backoff.base),
                            cap: (after * 2).max(self.settings.backoff.cap),
                        },
                        None => self.settings.backoff,
                    },
                )
                .await?,
            ),
            Err(panic) => {
                let msg = panic_message(&panic);
                JobOutcome::Failed(
                    jobs::fail(
                        &self.pool,
                        job.id,
                        lease_name,
                        &format!("panicked: {msg}"),
                        true,
                        self.settings.backoff,
                    )
                    .await?,
                )
            }
        };
        let label = match &outcome {
            JobOutcome::Completed | JobOutcome::CompletedLeaseLost => "completed",
            JobOutcome::Failed(FailOutcome::Retry(_)) => "retry",
            JobOutcome::Failed(FailOutcome::Dead) => "dead",
            JobOutcome::Failed(FailOutcome::Failed) => "failed",
            JobOutcome::Failed(FailOutcome::LeaseLost) => "lease_lost",
        };
        metrics::counter!("cams_jobs_finished_total", "type" => job.job_type.clone(), "outcome" => label)
            .increment(1);
        metrics::histogram!("cams_job_duration_seconds", "type" => job.job_type.clone())
            .record(elapsed.as_secs_f64());
        match &outcome {
            JobOutcome::Completed => {
                tracing::debug!(parent: &span, ms = elapsed.as_millis() as u64, "job completed")
            }
            other => tracing::warn!(parent: &span, outcome = ?other, "job did not complete"),
        }
        Ok(outcome)
    }

    /// Runs `concurrency` loops, a lease reaper and a LISTEN wake-up until `shutdown` fires; then
    /// stops claiming and lets running jobs finish (the caller waits on `tracker`).
    pub fn spawn(&self, shutdown: CancellationToken, tracker: &TaskTracker) {
        if self.settings.concurrency == 0 || self.job_types.is_empty() {
            tracing::info!("no job worker in this process");
            return;
        }
        let wake = Arc::new(tokio::sync::Notify::new());
        tracker.spawn(listen(self.pool.clone(), wake.clone(), shutdown.clone()));
        tracker.spawn(reaper(self.clone(), shutdown.clone()));
        for i in 0..self.settings.concurrency {
            let w = self.clone();
            let stop = shutdown.clone();
            let wake = wake.clone();
            tracker.spawn(async move { w.claim_loop(i, wake, stop).await });
        }
        tracing::info!(
            worker = %self.name,
            concurrency = self.settings.concurrency,
            types = ?self.job_types,
            "job worker started"
        );
    }

    async fn claim_loop(
        self,
        slot: usize,
        wake: Arc<tokio::sync::Notify>,
        stop: CancellationToken,
    ) {
        let lease_name = format!("{}#{slot}", self.name);
        let mut backoff_on_error = Duration::from_millis(200);
        while !stop.is_cancelled() {
            match self.run_one_as(&lease_name).await {
                Ok(Some(_)) => {
                    backoff_on_error = Duration::from_millis(200);
                    continue;
                }
                Ok(None) => {
                    // Nothing due: sleep until a NOTIFY, the poll interval (for jobs scheduled in
                    // the future and for a lost LISTEN connection) or shutdown.
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = wake.notified() => {}
                        _ = tokio::time::sleep(self.settings.poll_interval) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!("job queue unavailable: {e}");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(backoff_on_error) => {}
                    }
                    backoff_on_error = (backoff_on_error * 2).min(Duration::from_secs(30));
                }
            }
        }
    }
}

async fn listen(pool: PgPool, wake: Arc<tokio::sync::Notify>, stop: CancellationToken) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!("LISTEN unavailable, polling only: {e}");
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
                }
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::debug!("LISTEN failed: {e}");
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
            }
        }
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                n = listener.recv() => match n {
                    Ok(_) => wake.notify_waiters(),
                    Err(e) => {
                        tracing::debug!("LISTEN connection lost: {e}");
                        break;
                    }
                }
            }
        }
    }
}

async fn reaper(worker: Worker, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(worker.settings.reaper_interval) => {}
        }
        match jobs::reap_expired(&worker.pool, worker.settings.backoff).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(jobs = n, "freed expired job leases"),
            Err(e) => tracing::warn!("lease reaper: {e}"),
        }
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

fn hostname() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "host".into())
}
