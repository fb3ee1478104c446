//! The HTTP server: routes, middleware (request ids, timeouts, body limits, metrics), serving.

pub mod api;
pub mod approvals;
pub mod auth;
mod error;
mod health;
pub mod inbound;
pub mod pages;
pub mod token_command;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::postgres::PgPool;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::HttpError;

use crate::config::Config;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub metrics: PrometheusHandle,
    /// False until start-up finished, and again once shutdown began (load balancers stop sending).
    pub ready: Arc<AtomicBool>,
    /// The agent behind approval links; `None` answers 503.
    pub approvals: Option<approvals::Approvals>,
    /// The agent behind the JSON API; `None` answers 503.
    pub requests: Option<api::Requests>,
}

impl AppState {
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application's routes with every middleware applied.
pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.http.request_timeout_secs);
    let body_limit = state.config.http.body_limit_bytes;
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/inbound/raw", post(inbound::raw))
        .route("/inbound/mailgun", post(inbound::mailgun))
        .route("/inbound/sendgrid", post(inbound::sendgrid))
        .route("/inbound/postmark", post(inbound::postmark))
        .merge(approvals::routes())
        .merge(api::routes())
        // The size limit is http.body_limit_bytes, enforced below for every route; axum's
        // own 2 MB default for extractors would refuse ordinary mail with attachments.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .fallback(|| async { HttpError::NotFound })
        .layer(middleware::from_fn(record_metrics))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request| {
                        let id = req
                            .headers()
                            .get(&REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("http", method = %req.method(), path = %loggable_path(req.uri().path()), request_id = %id)
                    }),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .layer(CatchPanicLayer::custom(|_| HttpError::Internal.into_response_now()))
                // Before any handler reads it, an oversized body is refused with 413.
                .layer(RequestBodyLimitLayer::new(body_limit))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)),
        )
        .with_state(state)
}

/// The path as logs may keep it: an approval link's token works for anyone holding it, so it
/// stays out of the logs.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/approve/") {
        "/approve/{token}"
    } else {
        path
    }
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("cams_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("cams_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// Serves on an already-bound listener (port 0 in tests) until `shutdown` completes, then
/// finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
