use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request};
use futures::FutureExt;
use tower::ServiceExt;

use super::*;

/// A fake agent: one valid token per behaviour, counting calls, acting once.
#[derive(Default)]
struct Fake {
    previews: AtomicUsize,
    acts: AtomicUsize,
    done: AtomicBool,
    seen: Mutex<Vec<String>>,
}

const GOOD: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";

impl ApprovalService for Fake {
    fn preview(&self, token: &str) -> BoxFuture<'_, Result<ApprovalPreview, ApprovalFailure>> {
        self.previews.fetch_add(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(token.to_string());
        let result = match token {
            GOOD => Ok(ApprovalPreview {
                action: "Book slot 2: Tue 3 Mar, 15:00–15:30 EST".into(),
                summary: "Dana <script>alert('x')</script> <dana@example.com> asks to schedule"
                    .into(),
                subject: Some("Lunch & \"chat\"".into()),
                draft_text: Some("Hi Dana,\n<b>Tuesday</b> works.".into()),
                already_done: self
                    .done
                    .load(Ordering::SeqCst)
                    .then(|| "Slot 2 was booked.".to_string()),
            }),
            "expired" => Err(ApprovalFailure::Expired),
            "unknown" => Err(ApprovalFailure::NotFound),
            "taken" => Err(ApprovalFailure::Conflict(
                "<i>That time</i> was taken.".into(),
            )),
            "broken" => Err(ApprovalFailure::Internal("db password in message".into())),
            _ => Err(ApprovalFailure::Invalid),
        };
        async move { result }.boxed()
    }

    fn act(&self, token: &str) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>> {
        self.acts.fetch_add(1, Ordering::SeqCst);
        let result = match token {
            GOOD if self.done.swap(true, Ordering::SeqCst) => Ok(ApprovalOutcome::AlreadyDone {
                message: "Slot 2 was booked.".into(),
            }),
            GOOD => Ok(ApprovalOutcome::Done {
                message: "Booked <Tue 3 Mar>; the invitation is on its way.".into(),
            }),
            "expired" => Err(ApprovalFailure::Expired),
            "unknown" => Err(ApprovalFailure::NotFound),
            _ => Err(ApprovalFailure::Invalid),
        };
        async move { result }.boxed()
    }
}

pub(crate) fn state(
    approvals: Option<Approvals>,
    requests: Option<crate::http::api::Requests>,
) -> AppState {
    AppState {
        // Never connected: these routes must not need the database.
        pool: sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap(),
        config: Arc::new(crate::config::Config::defaults()),
        metrics: crate::telemetry::metrics_handle(),
        ready: Arc::new(AtomicBool::new(true)),
        approvals,
        requests,
    }
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app
        .clone()
        .oneshot(
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn app(fake: &Arc<Fake>) -> Router {
    crate::http::router(state(Some(fake.clone() as Approvals), None))
}

#[tokio::test]
async fn opening_the_link_ten_times_changes_nothing() {
    let fake = Arc::new(Fake::default());
    let app = app(&fake);
    for _ in 0..10 {
        let (status, _, body) = call(&app, Method::GET, &format!("/approve/{GOOD}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("<form method=\"post\" action=\"/approve/AQIDBAUG"));
        assert!(
            body.contains(
                "<button type=\"submit\">Book slot 2: Tue 3 Mar, 15:00–15:30 EST</button>"
            )
        );
    }
    assert_eq!(fake.previews.load(Ordering::SeqCst), 10);
    assert_eq!(fake.acts.load(Ordering::SeqCst), 0);
    // HEAD (what some scanners send) must not act either.
    let (status, _, _) = call(&app, Method::HEAD, &format!("/approve/{GOOD}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fake.acts.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn post_acts_once_and_a_second_post_says_already_done() {
    let fake = Arc::new(Fake::default());
    let app = app(&fake);
    let (status, _, body) = call(&app, Method::POST, &format!("/approve/{GOOD}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<h1>Done</h1>"), "{body}");
    assert!(body.contains("Booked &lt;Tue 3 Mar&gt;; the invitation is on its way."));
    let (status, _, body) = call(&app, Method::POST, &format!("/approve/{GOOD}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<h1>Already done</h1>"), "{body}");
    assert_eq!(fake.acts.load(Ordering::SeqCst), 2);
    // After acting, the link's page says so and offers no button.
    let (status, _, body) = call(&app, Method::GET, &format!("/approve/{GOOD}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Already done") && !body.contains("<form"),
        "{body}"
    );
}

#[tokio::test]
async fn failures_have_their_status_and_a_page() {
    let fake = Arc::new(Fake::default());
    let app = app(&fake);
    for (token, status, words) in [
        ("garbage", StatusCode::BAD_REQUEST, "not valid"),
        ("expired", StatusCode::GONE, "expired"),
        ("unknown", StatusCode::NOT_FOUND, "Nothing to approve"),
        (
            "taken",
            StatusCode::CONFLICT,
            "&lt;i&gt;That time&lt;/i&gt; was taken.",
        ),
        (
            "broken",
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
        ),
    ] {
        let (got, headers, body) = call(&app, Method::GET, &format!("/approve/{token}")).await;
        assert_eq!(got, status, "{token}");
        assert!(body.contains(words), "{token}: {body}");
        assert!(body.contains("<html lang=\"en\">"));
        assert!(
            !body.contains("<form"),
            "{token}: no button on an error page"
        );
        assert!(
            !body.contains("password"),
            "internal details stay in the log"
        );
        assert_eq!(headers["cache-control"], "no-store");
    }
    for (token, status) in [
        ("garbage", StatusCode::BAD_REQUEST),
        ("expired", StatusCode::GONE),
        ("unknown", StatusCode::NOT_FOUND),
    ] {
        let (got, _, _) = call(&app, Method::POST, &format!("/approve/{token}")).await;
        assert_eq!(got, status, "POST {token}");
    }
}

#[tokio::test]
async fn every_value_is_escaped() {
    let fake = Arc::new(Fake::default());
    let (_, _, body) = call(&app(&fake), Method::GET, &format!("/approve/{GOOD}")).await;
    assert!(!body.contains("<script>"), "{body}");
    assert!(!body.contains("<b>Tuesday"), "{body}");
    assert!(
        body.contains(
            "Dana &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &lt;dana@example.com&gt;"
        )
    );
    assert!(body.contains("Lunch &amp; &quot;chat&quot;"));
    assert!(body.contains("&lt;b&gt;Tuesday&lt;/b&gt; works."));
}

#[tokio::test]
async fn the_token_in_the_url_is_passed_through_and_posted_back_encoded() {
    let fake = Arc::new(Fake::default());
    let (status, _, body) = call(&app(&fake), Method::GET, "/approve/a%22b%3Cc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!body.contains("a\"b<c"));
    assert_eq!(fake.seen.lock().unwrap().as_slice(), ["a\"b<c"]);
    assert_eq!(
        path_segment("a\"b<c/d AZaz09-_.~"),
        "a%22b%3Cc%2Fd%20AZaz09-_.~"
    );
}

#[test]
fn tokens_stay_out_of_the_logged_path() {
    assert_eq!(
        crate::http::loggable_path(&format!("/approve/{GOOD}")),
        "/approve/{token}"
    );
    assert_eq!(crate::http::loggable_path("/api/requests"), "/api/requests");
}

#[tokio::test]
async fn pages_carry_the_privacy_headers() {
    let fake = Arc::new(Fake::default());
    let app = app(&fake);
    for method in [Method::GET, Method::POST] {
        let (_, h, _) = call(&app, method, &format!("/approve/{GOOD}")).await;
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(h["x-robots-tag"].to_str().unwrap().contains("noindex"));
        assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
    }
}

#[tokio::test]
async fn without_an_agent_the_routes_answer_503() {
    let app = crate::http::router(state(None, None));
    for method in [Method::GET, Method::POST] {
        let (status, h, body) = call(&app, method, &format!("/approve/{GOOD}")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("Approvals are not available"));
        assert_eq!(h["cache-control"], "no-store");
    }
}

#[tokio::test]
async fn api_refuses_requests_without_a_usable_token_before_touching_the_database() {
    // The pool points nowhere: a 401 here proves no lookup was attempted for these.
    let app = crate::http::router(state(None, None));
    for auth in [
        None,
        Some("Basic YTpi"),
        Some("Bearer"),
        Some("Bearer cams_short"),
        Some("Bearer xyz"),
    ] {
        let mut req = Request::builder().uri("/api/requests");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"cams\"");
        let body = to_bytes(res.into_body(), 1 << 16).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json["error"].as_str().unwrap().contains("token"));
    }
}
