//! Wiring: open the database, migrate, start the worker, IMAP pollers and HTTP, shut down cleanly.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::agent::Agent;
use crate::config::Config;
use crate::db;
use crate::http::{self, AppState};
use crate::telemetry;
use crate::worker::{self, Registry, Worker, WorkerSettings};

/// The agent this configuration asks for; None (logged) when it cannot start, in which case
/// stored messages wait, unprocessed, until it can.
pub fn agent(config: &Config) -> Option<Arc<Agent>> {
    match Agent::new(Arc::new(config.clone())) {
        Ok(a) => Some(Arc::new(a)),
        Err(e) => {
            tracing::error!("the agent cannot start; messages are kept for later: {e}");
            None
        }
    }
}

/// The job types this build knows.
pub fn registry(config: &Config) -> Registry {
    registry_with(config, agent(config))
}

/// The job types, with the agent processing inbound mail.
pub fn registry_with(config: &Config, agent: Option<Arc<Agent>>) -> Registry {
    let mut r = Registry::new();
    worker::builtin::register(&mut r);
    let pipeline = match agent {
        Some(a) => a.pipeline(),
        None => crate::ingest::process::pipeline(|_, _| {
            Box::pin(async {
                Err(crate::worker::JobError::retryable(
                    "the agent is not running (see the startup log)",
                ))
            })
        }),
    };
    crate::ingest::process::register(&mut r, pipeline, config.inbound.max_attempts);
    crate::calendar::sync::register(&mut r, config);
    match crate::outbound::Outbound::from_config(config) {
        Ok(o) => crate::outbound::send::register(&mut r, Arc::new(o)),
        Err(e) => {
            tracing::error!("outbound mail is disabled: {e}");
            crate::outbound::send::register_broken(
                &mut r,
                format!("outbound mail is disabled: {e}"),
            );
        }
    }
    r
}

/// `cams serve`: runs until SIGINT or SIGTERM, then stops accepting work and lets running
/// requests and jobs finish (up to `worker.shutdown_grace_secs`).
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let signals = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown requested");
        signals.cancel();
    });
    let listener = tokio::net::TcpListener::bind(config.http.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} (http.bind): {e}", config.http.bind))?;
    run(config, listener, shutdown).await
}

/// The server on a bound listener until `shutdown` fires; what `serve` and the tests run.
pub async fn run(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let database = db::open(&config).await?;
    tracing::info!(database = %database.description, "database connected");
    let result = run_with(&config, &database, listener, shutdown).await;
    database.close().await;
    result
}

async fn run_with(
    config: &Config,
    database: &db::Database,
    listener: tokio::net::TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let pool = database.pool.clone();
    if config.database.migrate_on_start {
        let applied = db::migrate(&pool).await?;
        tracing::info!(applied, "migrations up to date");
    }
    db::ensure_partitions(&pool, 2).await?;
    worker::builtin::schedule_maintenance(&pool).await?;
    crate::calendar::sync::schedule(&pool, chrono::Utc::now()).await?;

    let agent = agent(config);
    let service = agent
        .clone()
        .map(|a| crate::agent::service::AgentService::new(a, pool.clone()));
    let state = AppState {
        pool: pool.clone(),
        config: Arc::new(config.clone()),
        metrics: telemetry::metrics_handle(),
        ready: Arc::new(AtomicBool::new(false)),
        approvals: service
            .clone()
            .map(|s| s as crate::http::approvals::Approvals),
        requests: service.map(|s| s as crate::http::api::Requests),
    };

    let tracker = TaskTracker::new();
    let jobs_stop = CancellationToken::new();
    let worker = Worker::new(
        pool.clone(),
        registry_with(config, agent),
        WorkerSettings::from(&config.worker),
    );
    worker.spawn(jobs_stop.clone(), &tracker);
    if config.imap.enabled {
        // Pollers stop with the worker: after HTTP has drained, under the same grace period.
        let pollers = crate::ingest::imap::start(
            &pool,
            config,
            &crate::ingest::imap::process_owner(),
            &jobs_stop,
            &tracker,
        )
        .await?;
        tracing::info!(mailboxes = pollers.len(), "IMAP pollers started");
    }
    tracker.close();

    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening");
    state.set_ready(true);
    let http_stop = shutdown.clone();
    let ready = state.clone();
    let server = http::serve(listener, http::router(state), async move {
        http_stop.cancelled().await;
        ready.set_ready(false);
    });
    server.await?;

    // HTTP has drained; stop claiming jobs and give running ones their grace period.
    jobs_stop.cancel();
    let grace = Duration::from_secs(config.worker.shutdown_grace_secs);
    if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
        tracing::warn!(
            ?grace,
            "jobs still running after the grace period; their leases will expire and they will run again"
        );
    }
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot watch SIGTERM: {e}");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
