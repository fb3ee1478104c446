//! Liveness (`/healthz`, checks the database), readiness (`/readyz`) and Prometheus `/metrics`.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::{AppState, HttpError};
use crate::db;

pub async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, HttpError> {
    let ping = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => Ok(Json(json!({ "status": "ok", "database": "ok" }))),
        Ok(Err(e)) => {
            tracing::warn!("health check: database error: {e}");
            Err(HttpError::Unavailable)
        }
        Err(_) => Err(HttpError::Unavailable),
    }
}

pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.ready.load(Ordering::SeqCst) {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not ready" })),
        )
    }
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // Queue figures are read at scrape time, so every process reports the shared queue.
    match db::jobs::stats(&state.pool).await {
        Ok(stats) => {
            for status in ["pending", "processing", "completed", "failed", "dead"] {
                let n = stats
                    .by_status
                    .iter()
                    .find(|(s, _)| s == status)
                    .map(|(_, n)| *n)
                    .unwrap_or(0);
                metrics::gauge!("cams_jobs", "state" => status).set(n as f64);
            }
            metrics::gauge!("cams_job_queue_depth").set(stats.due as f64);
        }
        Err(e) => tracing::warn!("metrics: cannot read the job queue: {e}"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
