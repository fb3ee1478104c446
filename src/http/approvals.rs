//! One-click approval links: `GET /approve/{token}` shows what the link would do and changes
//! nothing (mail scanners follow links); `POST /approve/{token}` acts, once.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures::future::BoxFuture;

use super::AppState;
use super::pages;

/// What an approval link would do, for the confirmation page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApprovalPreview {
    /// "Send the reply as proposed", "Book slot 2: Tue 3 Mar, 15:00–15:30 EST", …
    pub action: String,
    /// One line about the request: who asks for what.
    pub summary: String,
    pub subject: Option<String>,
    /// The reply that would be sent, if the action sends one.
    pub draft_text: Option<String>,
    /// Set when the request was already handled (by this link or otherwise): what happened.
    pub already_done: Option<String>,
}

/// What acting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalOutcome {
    Done {
        message: String,
    },
    /// The token was used before, or the request was handled another way meanwhile.
    AlreadyDone {
        message: String,
    },
}

/// Why a link (or an API approval) cannot be acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalFailure {
    /// The token is malformed or its signature does not verify (or the action does not apply,
    /// e.g. a slot that does not exist).
    Invalid,
    Expired,
    /// No such request or token.
    NotFound,
    /// The action cannot be done now, e.g. the slot was taken meanwhile; the text says why.
    Conflict(String),
    /// Logged; the person sees a generic message.
    Internal(String),
}

/// The agent's side of approval links; the HTTP layer only renders.
pub trait ApprovalService: Send + Sync + 'static {
    /// What the link would do; changes nothing (mail scanners open links with GET).
    fn preview(&self, token: &str) -> BoxFuture<'_, Result<ApprovalPreview, ApprovalFailure>>;
    /// Acts once; a second call for the same token (or a request already handled) → AlreadyDone.
    fn act(&self, token: &str) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>>;
}

/// The shared handle `AppState` keeps.
pub type Approvals = Arc<dyn ApprovalService>;

pub fn routes() -> Router<AppState> {
    Router::new().route("/approve/{token}", get(show).post(act))
}

/// An HTML page with the headers every approval page carries: the token is in the URL, so it
/// must not be cached, sent onwards as a Referer, or indexed.
fn page(status: StatusCode, html: String) -> Response {
    let mut res = (status, Html(html)).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    res
}

fn failure(f: ApprovalFailure) -> Response {
    let (status, title, text) = match f {
        ApprovalFailure::Invalid => (
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "The link is damaged or was not made by CAMS. Open it again from the email, \
             copying the whole address."
                .to_string(),
        ),
        ApprovalFailure::Expired => (
            StatusCode::GONE,
            "This link has expired",
            "Approval links are valid for a limited time. The request is still in CAMS; \
             handle it from a newer email or the API."
                .to_string(),
        ),
        ApprovalFailure::NotFound => (
            StatusCode::NOT_FOUND,
            "Nothing to approve here",
            "CAMS knows no request for this link. It may have been removed.".to_string(),
        ),
        ApprovalFailure::Conflict(why) => (StatusCode::CONFLICT, "This cannot be done now", why),
        ApprovalFailure::Internal(why) => {
            tracing::error!(error = %why, "approval link failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "CAMS could not handle this link just now. Nothing was changed; try again later."
                    .to_string(),
            )
        }
    };
    page(status, pages::message(title, &text))
}

fn unavailable() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        pages::message(
            "Approvals are not available",
            "This CAMS server does not handle approval links at the moment. Try again later.",
        ),
    )
}

/// `GET /approve/{token}`: the confirmation page, or why the link cannot be used.
async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(service) = state.approvals.clone() else {
        return unavailable();
    };
    match service.preview(&token).await {
        Ok(p) => match &p.already_done {
            Some(what) => page(StatusCode::OK, pages::message("Already done", what)),
            None => page(
                StatusCode::OK,
                pages::confirm(&pages::Confirm {
                    action: &p.action,
                    summary: &p.summary,
                    subject: p.subject.as_deref(),
                    draft_text: p.draft_text.as_deref(),
                    post_to: &format!("/approve/{}", path_segment(&token)),
                }),
            ),
        },
        Err(f) => failure(f),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so the form posts back to the
/// very token it was opened with (tokens are base64url, but a link may have been mangled).
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `POST /approve/{token}`: acts and shows the result; a repeat says it was already done.
async fn act(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(service) = state.approvals.clone() else {
        return unavailable();
    };
    match service.act(&token).await {
        Ok(ApprovalOutcome::Done { message }) => {
            page(StatusCode::OK, pages::message("Done", &message))
        }
        Ok(ApprovalOutcome::AlreadyDone { message }) => {
            page(StatusCode::OK, pages::message("Already done", &message))
        }
        Err(f) => failure(f),
    }
}

#[cfg(test)]
#[path = "approvals_tests.rs"]
mod tests;
