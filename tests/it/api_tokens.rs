//! API tokens against the real database, and the JSON API behind them with a fake agent.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode};
use chrono::{TimeDelta, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

use cams::db::api_tokens;
use cams::http::api::{ApiFailure, RequestDetail, RequestSummary, RequestsApi};
use cams::http::approvals::{ApprovalFailure, ApprovalOutcome};
use cams::http::{AppState, auth};

use crate::support::{self, TestDb};

async fn token_for(db: &TestDb, user: Uuid, expires_in: Option<TimeDelta>) -> (Uuid, String) {
    let minted = auth::mint();
    let mut conn = db.pool.acquire().await.unwrap();
    let id = api_tokens::insert(
        &mut conn,
        user,
        "laptop",
        &minted.hash,
        &minted.prefix,
        expires_in.map(|d| Utc::now() + d),
    )
    .await
    .unwrap();
    (id, minted.token)
}

#[tokio::test]
async fn tokens_authenticate_their_user_until_revoked_or_expired() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.org").await;
    let bob = support::user(&db.pool, "bob@example.org").await;
    let (a_id, a_token) = token_for(&db, alice, None).await;
    let (_, b_token) = token_for(&db, bob, Some(TimeDelta::days(1))).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let now = Utc::now();

    let a_hash = auth::hash(&a_token).unwrap();
    let b_hash = auth::hash(&b_token).unwrap();
    assert_eq!(
        api_tokens::authenticate(&mut conn, &a_hash, now)
            .await
            .unwrap(),
        Some(alice)
    );
    assert_eq!(
        api_tokens::authenticate(&mut conn, &b_hash, now)
            .await
            .unwrap(),
        Some(bob)
    );
    // A token nobody issued.
    let other = auth::mint();
    assert_eq!(
        api_tokens::authenticate(&mut conn, &other.hash, now)
            .await
            .unwrap(),
        None
    );
    // Bob's token expires after a day.
    assert_eq!(
        api_tokens::authenticate(&mut conn, &b_hash, now + TimeDelta::days(2))
            .await
            .unwrap(),
        None
    );

    // The secret is not stored: only its hash and a display prefix.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE id = $1")
        .bind(a_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(stored, a_hash.to_vec());
    let texts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_tokens WHERE position($1 in prefix) > 0 OR position($1 in name) > 0",
    )
    .bind(&a_token[5..])
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(texts, 0);

    let listed = api_tokens::list(&mut conn, alice).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, a_id);
    assert_eq!(listed[0].prefix, &a_token[..11]);
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    assert!(listed[0].revoked_at.is_none());

    assert!(api_tokens::revoke(&mut conn, a_id, now).await.unwrap());
    assert!(
        !api_tokens::revoke(&mut conn, a_id, now).await.unwrap(),
        "once"
    );
    assert!(
        !api_tokens::revoke(&mut conn, Uuid::new_v4(), now)
            .await
            .unwrap()
    );
    assert_eq!(
        api_tokens::authenticate(&mut conn, &a_hash, now)
            .await
            .unwrap(),
        None
    );
    assert!(
        api_tokens::list(&mut conn, alice).await.unwrap()[0]
            .revoked_at
            .is_some()
    );

    // A deactivated or deleted user's tokens stop working.
    sqlx::query("UPDATE users SET is_active = false WHERE id = $1")
        .bind(bob)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        api_tokens::authenticate(&mut conn, &b_hash, now)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn hashes_are_unique_and_must_be_sha256_sized() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.org").await;
    let minted = auth::mint();
    let mut conn = db.pool.acquire().await.unwrap();
    api_tokens::insert(&mut conn, alice, "a", &minted.hash, &minted.prefix, None)
        .await
        .unwrap();
    let again = api_tokens::insert(&mut conn, alice, "b", &minted.hash, &minted.prefix, None)
        .await
        .unwrap_err();
    assert_eq!(again.constraint(), Some("api_tokens_token_hash_key"));
    let short = sqlx::query(
        "INSERT INTO api_tokens (user_id, token_hash, prefix) VALUES ($1, '\\x0102', 'cams_x')",
    )
    .bind(alice)
    .execute(&db.pool)
    .await
    .unwrap_err();
    assert!(
        short.to_string().contains("api_token_hash_is_sha256"),
        "{short}"
    );
    // Deleting the user deletes their tokens.
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(alice)
        .execute(&db.pool)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM api_tokens")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// A fake agent holding requests by owner; records approvals.
#[derive(Default)]
struct FakeRequests {
    owned: HashMap<Uuid, (Uuid, RequestSummary)>,
    approved: Mutex<Vec<(Uuid, Uuid, Option<u32>)>>,
}

fn summary(id: Uuid, status: &str, from: &str) -> RequestSummary {
    RequestSummary {
        id,
        status: status.into(),
        intent: Some("schedule".into()),
        confidence: Some(0.62),
        from_email: from.into(),
        subject: Some("Coffee?".into()),
        thread_id: Some("<t1@example.com>".into()),
        created_at: "2027-03-01T12:00:00Z".parse().unwrap(),
    }
}

impl RequestsApi for FakeRequests {
    fn list(
        &self,
        user: Uuid,
        status: Option<String>,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<RequestSummary>, ApiFailure>> {
        let mut out: Vec<RequestSummary> = self
            .owned
            .values()
            .filter(|(owner, s)| *owner == user && status.as_ref().is_none_or(|w| *w == s.status))
            .map(|(_, s)| s.clone())
            .collect();
        out.sort_by_key(|s| s.id);
        out.truncate(limit as usize);
        async move { Ok(out) }.boxed()
    }

    fn show(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Option<RequestDetail>, ApiFailure>> {
        let found = self
            .owned
            .get(&id)
            .filter(|(owner, _)| *owner == user)
            .map(|(_, s)| RequestDetail {
                summary: s.clone(),
                parsed_data: Some(json!({"intent": "schedule"})),
                proposed_slots: Vec::new(),
                offered: Vec::new(),
                decision: None,
                responses: Vec::new(),
            });
        async move { Ok(found) }.boxed()
    }

    fn approve(
        &self,
        user: Uuid,
        id: Uuid,
        slot: Option<u32>,
    ) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>> {
        let result = match self.owned.get(&id) {
            Some((owner, _)) if *owner == user => {
                let mut done = self.approved.lock().unwrap();
                if done.iter().any(|(_, r, _)| *r == id) {
                    Ok(ApprovalOutcome::AlreadyDone {
                        message: "the reply was sent".into(),
                    })
                } else if slot == Some(9) {
                    Err(ApprovalFailure::Conflict(
                        "slot 9 was taken meanwhile".into(),
                    ))
                } else {
                    done.push((user, id, slot));
                    Ok(ApprovalOutcome::Done {
                        message: "sent".into(),
                    })
                }
            }
            _ => Err(ApprovalFailure::NotFound),
        };
        async move { result }.boxed()
    }

    fn decline(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<ApprovalOutcome, ApprovalFailure>> {
        let result = match self.owned.get(&id) {
            Some((owner, _)) if *owner == user => Ok(ApprovalOutcome::Done {
                message: "declined".into(),
            }),
            _ => Err(ApprovalFailure::NotFound),
        };
        async move { result }.boxed()
    }
}

fn app(db: &TestDb, requests: Option<Arc<FakeRequests>>) -> axum::Router {
    cams::http::router(AppState {
        pool: db.pool.clone(),
        config: Arc::new(db.config()),
        metrics: cams::telemetry::metrics_handle(),
        ready: Arc::new(AtomicBool::new(true)),
        approvals: None,
        requests: requests.map(|r| r as Arc<dyn RequestsApi>),
    })
}

async fn call(
    app: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, json)
}

#[tokio::test]
async fn the_api_serves_only_the_token_owners_requests() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.org").await;
    let bob = support::user(&db.pool, "bob@example.org").await;
    let (revoked_id, revoked) = token_for(&db, alice, None).await;
    let (_, a_token) = token_for(&db, alice, None).await;
    let (_, b_token) = token_for(&db, bob, None).await;
    let (expired_id, expired) = token_for(&db, alice, Some(TimeDelta::hours(1))).await;
    {
        let mut conn = db.pool.acquire().await.unwrap();
        api_tokens::revoke(&mut conn, revoked_id, Utc::now())
            .await
            .unwrap();
    }
    // Make the second token expired (created two hours ago, expired one hour ago).
    sqlx::query(
        "UPDATE api_tokens SET created_at = now() - interval '2 hours', \
         expires_at = now() - interval '1 hour' WHERE id = $1",
    )
    .bind(expired_id)
    .execute(&db.pool)
    .await
    .unwrap();

    let (a1, a2, b1) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let mut fake = FakeRequests::default();
    fake.owned
        .insert(a1, (alice, summary(a1, "pending", "dana@example.com")));
    fake.owned
        .insert(a2, (alice, summary(a2, "responded", "eve@example.com")));
    fake.owned
        .insert(b1, (bob, summary(b1, "pending", "zed@example.com")));
    let fake = Arc::new(fake);
    let app = app(&db, Some(fake.clone()));

    // Authentication.
    for token in [
        None,
        Some("cams_nope"),
        Some(revoked.as_str()),
        Some(expired.as_str()),
    ] {
        let (status, body) = call(&app, Method::GET, "/api/requests", token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert!(body["error"].is_string());
    }
    let unknown = auth::mint().token;
    let (status, _) = call(&app, Method::GET, "/api/requests", Some(&unknown), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Listing: only Alice's, filtered and limited.
    let (status, body) = call(&app, Method::GET, "/api/requests", Some(&a_token), None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&b1.to_string().as_str()));
    let (_, body) = call(
        &app,
        Method::GET,
        "/api/requests?status=pending",
        Some(&a_token),
        None,
    )
    .await;
    assert_eq!(body["requests"].as_array().unwrap().len(), 1);
    assert_eq!(body["requests"][0]["from_email"], "dana@example.com");
    let (_, body) = call(
        &app,
        Method::GET,
        "/api/requests?limit=1",
        Some(&a_token),
        None,
    )
    .await;
    assert_eq!(body["requests"].as_array().unwrap().len(), 1);
    for bad in ["limit=0", "limit=100000", "limit=many"] {
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("/api/requests?{bad}"),
            Some(&a_token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["error"].is_string());
    }

    // Showing: own request flattened; another user's is 404, like a missing one.
    let (status, body) = call(
        &app,
        Method::GET,
        &format!("/api/requests/{a1}"),
        Some(&a_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], a1.to_string());
    assert_eq!(body["status"], "pending");
    assert_eq!(body["parsed_data"]["intent"], "schedule");
    for uri in [
        format!("/api/requests/{b1}"),
        format!("/api/requests/{}", Uuid::new_v4()),
        "/api/requests/not-a-uuid".to_string(),
    ] {
        let (status, body) = call(&app, Method::GET, &uri, Some(&a_token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body["error"], "not found");
    }
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/requests/{b1}/approve"),
        Some(&a_token),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "Alice cannot approve Bob's request"
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/requests/{b1}/decline"),
        Some(&a_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Approving: the slot reaches the agent; a repeat is a conflict; errors map to statuses.
    let uri = format!("/api/requests/{a1}/approve");
    let (status, body) = call(
        &app,
        Method::POST,
        &uri,
        Some(&a_token),
        Some("{\"slot\": 9}"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "slot 9 was taken meanwhile");
    for bad in [
        "{\"slot\": 0}",
        "{\"slot\": -1}",
        "{\"slot\": \"two\"}",
        "{\"slott\": 2}",
        "not json",
    ] {
        let (status, _) = call(&app, Method::POST, &uri, Some(&a_token), Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, body) = call(
        &app,
        Method::POST,
        &uri,
        Some(&a_token),
        Some("{\"slot\": 2}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "done");
    let (status, body) = call(&app, Method::POST, &uri, Some(&a_token), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"].as_str().unwrap().starts_with("already done"));
    let uri = format!("/api/requests/{a2}/approve");
    let (status, _) = call(&app, Method::POST, &uri, Some(&a_token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        fake.approved.lock().unwrap().as_slice(),
        [(alice, a1, Some(2)), (alice, a2, None)]
    );
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/requests/{b1}/decline"),
        Some(&b_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["message"], "declined");
}

#[tokio::test]
async fn without_an_agent_the_api_answers_503_after_authentication() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.org").await;
    let (_, token) = token_for(&db, alice, None).await;
    let app = app(&db, None);
    let (status, _) = call(&app, Method::GET, "/api/requests", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(&app, Method::GET, "/api/requests", Some(&token), None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body["error"].as_str().unwrap().contains("not enabled"));
}
