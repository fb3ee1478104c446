//! The JSON API for a user's requests: list, show, approve, decline. Authenticated by API
//! tokens (`ApiUser`); the agent implements `RequestsApi`, this module only speaks HTTP.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::AppState;
use super::approvals::{ApprovalFailure, ApprovalOutcome};
use super::auth::ApiUser;

/// One request in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: Uuid,
    pub status: String,
    pub intent: Option<String>,
    pub confidence: Option<f64>,
    pub from_email: String,
    pub subject: Option<String>,
    pub thread_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A time slot: proposed by the guest, or offered by CAMS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotJson {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub rank: Option<i32>,
    pub flexible: bool,
}

/// A reply CAMS wrote for the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseJson {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub delivery_status: String,
    pub action_taken: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// One request with everything CAMS knows about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub summary: RequestSummary,
    pub parsed_data: Option<Value>,
    pub proposed_slots: Vec<SlotJson>,
    pub offered: Vec<SlotJson>,
    pub decision: Option<Value>,
    pub responses: Vec<ResponseJson>,
}

/// Why listing or showing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// Worth retrying (the database is down or busy).
    Unavailable(String),
    /// Logged; the client sees a generic message.
    Internal(String),
}

/// The agent's side of the JSON API. Every call is scoped to `user`: another user's request is
/// `None` / `NotFound`, never visible.
pub trait RequestsApi: Send + Sync + 'static {
    fn list(
        &self,
        user: Uuid,
        status: Option<String>,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<RequestSummary>, ApiFailure>>;
    fn show(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Option<RequestDetail>, ApiFailure>>;
    /// `slot` is 1-based, as in the approval email; `None` approves the reply as proposed.
    fn approve(
        &self,
        user: Uuid,
        id: Uuid,
        slot: Option<u32>,
    ) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>>;
    fn decline(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>>;
}

/// The shared handle `AppState` keeps.
pub type Requests = Arc<dyn RequestsApi>;

/// A JSON API error: `{"error": "..."}` with its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing, invalid, revoked or expired API token")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status(), Json(json!({ "error": self.to_string() }))).into_response();
        if matches!(self, ApiError::Unauthorized) {
            // RFC 6750 §3: tell the client which scheme to use.
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"cams\""),
            );
        }
        res
    }
}

impl From<ApiFailure> for ApiError {
    fn from(f: ApiFailure) -> ApiError {
        match f {
            ApiFailure::Unavailable(why) => {
                tracing::warn!(error = %why, "api: service unavailable");
                ApiError::Unavailable("temporarily unavailable; retry later".into())
            }
            ApiFailure::Internal(why) => {
                tracing::error!(error = %why, "api request failed");
                ApiError::Internal
            }
        }
    }
}

impl From<ApprovalFailure> for ApiError {
    fn from(f: ApprovalFailure) -> ApiError {
        match f {
            ApprovalFailure::Invalid => {
                ApiError::BadRequest("this action does not apply to the request".into())
            }
            ApprovalFailure::Expired => {
                ApiError::Gone("the request can no longer be acted on".into())
            }
            ApprovalFailure::NotFound => ApiError::NotFound,
            ApprovalFailure::Conflict(why) => ApiError::Conflict(why),
            ApprovalFailure::Internal(why) => {
                tracing::error!(error = %why, "api approval failed");
                ApiError::Internal
            }
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/requests", get(list))
        .route("/api/requests/{id}", get(show))
        .route("/api/requests/{id}/approve", post(approve))
        .route("/api/requests/{id}/decline", post(decline))
}

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 500;

#[derive(Debug, Deserialize)]
struct ListParams {
    status: Option<String>,
    limit: Option<i64>,
}

fn service(state: &AppState) -> Result<Requests, ApiError> {
    state.requests.clone().ok_or_else(|| {
        ApiError::Unavailable("the requests API is not enabled on this server".into())
    })
}

/// A path id that is not a UUID names no request.
fn request_id(path: Result<Path<Uuid>, PathRejection>) -> Result<Uuid, ApiError> {
    path.map(|Path(id)| id).map_err(|_| ApiError::NotFound)
}

fn outcome(o: ApprovalOutcome) -> Result<Json<Value>, ApiError> {
    match o {
        ApprovalOutcome::Done { message } => {
            Ok(Json(json!({ "status": "done", "message": message })))
        }
        // The caller's intent already holds, but its call changed nothing: say so distinctly.
        ApprovalOutcome::AlreadyDone { message } => {
            Err(ApiError::Conflict(format!("already done: {message}")))
        }
    }
}

/// `GET /api/requests?status=&limit=`: the user's requests, newest first.
async fn list(
    user: ApiUser,
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let status = params.status.filter(|s| !s.trim().is_empty());
    let requests = service(&state)?.list(user.user_id, status, limit).await?;
    Ok(Json(json!({ "requests": requests })))
}

/// `GET /api/requests/{id}`.
async fn show(
    user: ApiUser,
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<RequestDetail>, ApiError> {
    let id = request_id(id)?;
    match service(&state)?.show(user.user_id, id).await? {
        Some(detail) => Ok(Json(detail)),
        None => Err(ApiError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproveBody {
    slot: Option<u32>,
}

/// `POST /api/requests/{id}/approve` with an optional `{"slot": k}` (1-based).
async fn approve(
    user: ApiUser,
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let id = request_id(id)?;
    let body: ApproveBody = if body.iter().all(u8::is_ascii_whitespace) {
        ApproveBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::BadRequest(format!("expected {{\"slot\": k}} or no body: {e}"))
        })?
    };
    if body.slot == Some(0) {
        return Err(ApiError::BadRequest("slots are numbered from 1".into()));
    }
    outcome(
        service(&state)?
            .approve(user.user_id, id, body.slot)
            .await?,
    )
}

/// `POST /api/requests/{id}/decline`.
async fn decline(
    user: ApiUser,
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = request_id(id)?;
    outcome(service(&state)?.decline(user.user_id, id).await?)
}
