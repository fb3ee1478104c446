//! The HTTP layer's error: each variant knows its status; a 500 logs the cause and says nothing.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("the database is unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    #[error("database error: {0}")]
    Db(#[from] DbError),
}

impl HttpError {
    fn status(&self) -> StatusCode {
        match self {
            HttpError::NotFound => StatusCode::NOT_FOUND,
            HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Db(e) if e.is_retryable() => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Internal | HttpError::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// For places that need a response synchronously (the panic catcher).
    pub fn into_response_now(self) -> Response {
        self.into_response()
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            HttpError::Db(e) => {
                // The cause goes to the log; the client learns only that it failed.
                tracing::error!(error = %e, "request failed");
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    "the database is unavailable".to_string()
                } else {
                    "internal error".to_string()
                }
            }
            other => other.to_string(),
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}
