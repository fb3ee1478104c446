//! The inbound store and its webhooks, against the real PostgreSQL and the real HTTP server.

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::service::start;
use crate::support::{self, TestDb};

const SECRET: &str = "inbound-secret-0123456789";
const MAILGUN_KEY: &str = "mailgun-signing-key-abcdef";

fn message(id: &str, body: &str) -> String {
    format!(
        "From: Guest <guest@example.org>\r\nTo: alice@example.com\r\nSubject: Meeting?\r\n\
         Date: Tue, 3 Mar 2026 10:15:00 -0500\r\nMessage-ID: <{id}>\r\n\r\n{body}\r\n"
    )
}

fn configure(c: &mut cams::config::Config) {
    c.inbound.webhook_secret = Some(SecretString::from(SECRET));
    c.inbound.mailgun_signing_key = Some(SecretString::from(MAILGUN_KEY));
    c.inbound.max_message_bytes = 64 * 1024;
    c.worker.concurrency = 0; // the tests drive processing themselves
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

async fn post_raw(
    base: &str,
    auth: Option<&str>,
    ctype: &str,
    body: String,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{base}/inbound/raw"))
        .header("content-type", ctype)
        .body(body);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn raw_webhook_stores_once_and_refuses_what_it_should() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.com").await;
    let (base, stop, _h) = start(&db, configure).await;
    let bearer = format!("Bearer {SECRET}");

    let (s, body) = post_raw(
        &base,
        Some(&bearer),
        "message/rfc822",
        message("m1@example.org", "Tuesday 3pm?"),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["status"], "stored");
    // The same delivery again (a retry): 200, not stored twice.
    let (s, again) = post_raw(
        &base,
        Some(&bearer),
        "message/rfc822",
        message("m1@example.org", "Tuesday 3pm?"),
    )
    .await;
    assert_eq!(
        (s, again["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    assert_eq!(again["id"], body["id"]);
    assert_eq!(count(&db, "SELECT count(*) FROM inbound_messages").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM job_queue WHERE job_type = 'inbound.process'"
        )
        .await,
        1
    );

    // The raw bytes are kept exactly, with the envelope, routed to the user by recipient.
    let res = reqwest::Client::new()
        .post(format!("{base}/inbound/raw"))
        .header("authorization", &bearer)
        .header("content-type", "message/rfc822")
        .header("x-envelope-to", "<Alice@Example.com>")
        .body(message("m2@example.org", "Wednesday?"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (raw, user): (Vec<u8>, Option<uuid::Uuid>) = sqlx::query_as(
        "SELECT raw, user_id FROM inbound_messages WHERE message_id = 'm2@example.org'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(raw, message("m2@example.org", "Wednesday?").into_bytes());
    assert_eq!(user, Some(alice));

    // Refusals, each with its status and nothing stored.
    let (s, _) = post_raw(&base, None, "message/rfc822", message("x1@e.org", "x")).await;
    assert_eq!(s, 401);
    let (s, _) = post_raw(
        &base,
        Some("Bearer wrong-secret-wrong-secret"),
        "message/rfc822",
        message("x2@e.org", "x"),
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = post_raw(&base, Some(&bearer), "text/plain", message("x3@e.org", "x")).await;
    assert_eq!(s, 415);
    let (s, e) = post_raw(
        &base,
        Some(&bearer),
        "message/rfc822",
        "\r\n\r\nno headers at all".into(),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let (s, _) = post_raw(
        &base,
        Some(&bearer),
        "message/rfc822",
        message("big@e.org", &"x".repeat(70_000)),
    )
    .await;
    assert_eq!(s, 413);
    assert_eq!(count(&db, "SELECT count(*) FROM inbound_messages").await, 2);
    stop.cancel();
}

#[tokio::test]
async fn the_same_message_to_two_users_is_stored_for_each() {
    let db = TestDb::new().await;
    support::user(&db.pool, "alice@example.com").await;
    support::user(&db.pool, "bob@example.com").await;
    let (base, stop, _h) = start(&db, configure).await;
    for to in ["alice@example.com", "bob@example.com", "bob@example.com"] {
        let res = reqwest::Client::new()
            .post(format!("{base}/inbound/raw"))
            .bearer_auth(SECRET)
            .header("content-type", "message/rfc822")
            .header("x-envelope-to", to)
            .body(message("shared@example.org", "Lunch Friday?"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    assert_eq!(
        count(&db, "SELECT count(DISTINCT user_id) FROM inbound_messages").await,
        2
    );
    assert_eq!(count(&db, "SELECT count(*) FROM inbound_messages").await, 2);
    stop.cancel();
}

fn mailgun_sig(ts: &str, token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(MAILGUN_KEY.as_bytes()).unwrap();
    mac.update(ts.as_bytes());
    mac.update(token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn post_mailgun(base: &str, ts: &str, token: &str, sig: &str, mime: String) -> StatusCode {
    let form = reqwest::multipart::Form::new()
        .text("timestamp", ts.to_string())
        .text("token", token.to_string())
        .text("signature", sig.to_string())
        .text("recipient", "alice@example.com")
        .text("sender", "guest@example.org")
        .part(
            "body-mime",
            reqwest::multipart::Part::bytes(mime.into_bytes()).file_name("message.mime"),
        );
    reqwest::Client::new()
        .post(format!("{base}/inbound/mailgun"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn mailgun_signatures_and_replays() {
    let db = TestDb::new().await;
    let (base, stop, _h) = start(&db, configure).await;
    let now = chrono::Utc::now().timestamp().to_string();
    let sig = mailgun_sig(&now, "tok-1");

    assert_eq!(
        post_mailgun(&base, &now, "tok-1", &sig, message("mg1@x", "Friday?")).await,
        200
    );
    // Mailgun retrying the very same delivery: accepted, not stored twice.
    assert_eq!(
        post_mailgun(&base, &now, "tok-1", &sig, message("mg1@x", "Friday?")).await,
        200
    );
    // The captured signature replayed with other content: refused.
    assert_eq!(
        post_mailgun(&base, &now, "tok-1", &sig, message("evil@x", "wire money")).await,
        409
    );
    // A wrong signature, and an old one.
    assert_eq!(
        post_mailgun(&base, &now, "tok-2", &sig, message("mg2@x", "x")).await,
        401
    );
    let old = (chrono::Utc::now().timestamp() - 3600).to_string();
    assert_eq!(
        post_mailgun(
            &base,
            &old,
            "tok-3",
            &mailgun_sig(&old, "tok-3"),
            message("mg3@x", "x")
        )
        .await,
        401
    );
    assert_eq!(count(&db, "SELECT count(*) FROM inbound_messages").await, 1);
    let source: String = sqlx::query_scalar("SELECT source FROM inbound_messages")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(source, "mailgun");
    stop.cancel();
}

#[tokio::test]
async fn sendgrid_and_postmark_formats_are_stored() {
    let db = TestDb::new().await;
    let (base, stop, _h) = start(&db, configure).await;
    let client = reqwest::Client::new();

    let form = reqwest::multipart::Form::new()
        .text("email", message("sg1@example.org", "Monday 10am?"))
        .text(
            "envelope",
            json!({"to": ["alice@example.com"], "from": "guest@example.org"}).to_string(),
        )
        .text("subject", "Meeting?");
    let res = client
        .post(format!("{base}/inbound/sendgrid"))
        .basic_auth("sendgrid", Some(SECRET))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let form = reqwest::multipart::Form::new().text("text", "parsed fields only");
    let res = client
        .post(format!("{base}/inbound/sendgrid"))
        .basic_auth("sendgrid", Some(SECRET))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        422,
        "without raw MIME the reason says how to enable it"
    );
    let res = client
        .post(format!("{base}/inbound/sendgrid"))
        .multipart(reqwest::multipart::Form::new())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let payload = json!({"From": "guest@example.org", "OriginalRecipient": "alice@example.com", "Subject": "Meeting?", "RawEmail": message("pm1@example.org", "Thursday?")});
    let res = client
        .post(format!("{base}/inbound/postmark"))
        .basic_auth("postmark", Some(SECRET))
        .json(&payload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(format!("{base}/inbound/postmark"))
        .basic_auth("postmark", Some(SECRET))
        .json(&json!({"Subject": "no raw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = client
        .post(format!("{base}/inbound/postmark"))
        .basic_auth("postmark", Some(SECRET))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let sources: Vec<(String, Vec<String>)> =
        sqlx::query_as("SELECT source, envelope_to FROM inbound_messages ORDER BY source")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        sources,
        vec![
            (
                "postmark".to_string(),
                vec!["alice@example.com".to_string()]
            ),
            (
                "sendgrid".to_string(),
                vec!["alice@example.com".to_string()]
            )
        ]
    );
    stop.cancel();
}

#[tokio::test]
async fn with_the_database_down_the_webhook_answers_5xx_not_2xx() {
    let db = TestDb::new().await;
    let (base, stop, _h) = start(&db, configure).await;
    support::drop_database(db.name.clone());
    let (s, body) = post_raw(
        &base,
        Some(&format!("Bearer {SECRET}")),
        "message/rfc822",
        message("lost@x", "x"),
    )
    .await;
    assert!(s.is_server_error(), "{s} {body}");
    stop.cancel();
}

#[tokio::test]
async fn failed_processing_keeps_the_message_dead_letters_it_and_replay_requeues_it() {
    let db = TestDb::new().await;
    let mut config = db.config();
    config.inbound.max_attempts = 2;
    for (id, body) in [("ok@x", "fine"), ("poison@x", "POISON")] {
        cams::ingest::store::ingest(
            &db.pool,
            1 << 20,
            2,
            &cams::ingest::store::RawInbound {
                source: cams::db::inbound::Source::Cli,
                raw: message(id, body).as_bytes(),
                envelope_from: None,
                envelope_to: vec![],
                mailbox_id: None,
                delivery_token: None,
            },
        )
        .await
        .unwrap();
    }
    fn picky(
        _ctx: cams::worker::JobContext,
        m: cams::db::inbound::InboundMessage,
    ) -> futures::future::BoxFuture<
        'static,
        Result<cams::ingest::process::Processed, cams::worker::JobError>,
    > {
        Box::pin(async move {
            if String::from_utf8_lossy(&m.raw).contains("POISON") {
                Err(cams::worker::JobError::retryable(
                    "pipeline choked on this one",
                ))
            } else {
                Ok(cams::ingest::process::Processed::Done)
            }
        })
    }
    let mut registry = cams::worker::Registry::new();
    cams::ingest::process::register(&mut registry, cams::ingest::process::pipeline(picky), 2);
    let mut settings = cams::worker::WorkerSettings::from(&config.worker);
    settings.backoff = cams::db::jobs::Backoff {
        base: Duration::from_millis(5),
        cap: Duration::from_millis(5),
    };
    let worker = cams::worker::Worker::new(db.pool.clone(), registry, settings);
    for _ in 0..50 {
        worker.run_until_empty().await.unwrap();
        if count(
            &db,
            "SELECT count(*) FROM inbound_messages WHERE status IN ('processed', 'dead')",
        )
        .await
            == 2
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rows: Vec<(String, String, i32, Option<String>)> = sqlx::query_as(
        "SELECT message_id, status, attempts, last_error FROM inbound_messages ORDER BY message_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(rows[0].0, "ok@x");
    assert_eq!(
        (rows[0].1.as_str(), rows[0].2),
        ("processed", 1),
        "the good one is not blocked"
    );
    assert_eq!((rows[1].1.as_str(), rows[1].2), ("dead", 2));
    assert_eq!(rows[1].3.as_deref(), Some("pipeline choked on this one"));

    // `cams inbound replay` puts it back; a processed message needs --force.
    let poison: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM inbound_messages WHERE message_id = 'poison@x'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let ok: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM inbound_messages WHERE message_id = 'ok@x'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let replay = |id: uuid::Uuid, force: bool| {
        let mut c = crate::service::cams();
        c.args(["inbound", "replay", &id.to_string()])
            .env("CAMS_DATABASE__URL", db.url());
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let out = replay(poison, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM inbound_messages WHERE status = 'stored'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM job_queue WHERE status = 'pending'"
        )
        .await,
        1
    );
    let out = replay(ok, false);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(replay(ok, true).status.success());

    let out = crate::service::cams()
        .args(["inbound", "list", "--status", "stored"])
        .env("CAMS_DATABASE__URL", db.url())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("poison@x") && listed.contains("ok@x"),
        "{listed}"
    );
}

#[tokio::test]
async fn screening_records_why_automatic_mail_gets_no_reply() {
    let db = TestDb::new().await;
    let mut config = db.config();
    config.trust.verify_signatures = false; // no DNS here; trust is tested with a seeded resolver
    config.trust.authserv_id = Some("mx.cams.example".into());
    config.outbound.own_addresses = vec!["schedule@cams.example".into()];
    config.outbound.message_id_domain = "cams.example".into();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/guards");
    let mut expected = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read(&path).unwrap();
        cams::ingest::store::ingest(
            &db.pool,
            1 << 20,
            2,
            &cams::ingest::store::RawInbound {
                source: cams::db::inbound::Source::Imap,
                raw: &raw,
                envelope_from: None,
                envelope_to: vec![],
                mailbox_id: None,
                delivery_token: None,
            },
        )
        .await
        .unwrap();
        expected.push(name);
    }
    // The screening step alone (the agent runs it first; here nobody is a CAMS user).
    let mut registry = cams::worker::Registry::new();
    cams::ingest::process::register(
        &mut registry,
        cams::ingest::screen::screening(std::sync::Arc::new(config.clone())),
        2,
    );
    let worker = cams::worker::Worker::new(
        db.pool.clone(),
        registry,
        cams::worker::WorkerSettings::from(&config.worker),
    );
    worker.run_until_empty().await.unwrap();

    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT message_id, status, last_error FROM inbound_messages ORDER BY message_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), expected.len());
    for (id, status, why) in &rows {
        let person = id.starts_with("person@") || id.starts_with("auto-submitted-no@");
        if person {
            assert_eq!(status, "processed", "{id}: {why:?}");
        } else {
            assert_eq!(status, "ignored", "{id} should get no automatic reply");
            assert!(
                why.as_deref()
                    .unwrap_or("")
                    .starts_with("no automatic reply: "),
                "{id}: {why:?}"
            );
        }
    }
    // Each decision is in the audit log with its reasons and the sender's trust.
    let audits: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT new_values FROM audit_logs WHERE action = 'inbound.screened'")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(audits.len(), expected.len());
    assert!(
        audits.iter().all(|a| a["trust"]["level"] == "unverified"),
        "no Authentication-Results from our server in these"
    );
    let codes: Vec<String> = audits
        .iter()
        .flat_map(|a| {
            a["guards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["code"].as_str().unwrap().to_string())
        })
        .collect();
    for code in [
        "auto_submitted",
        "precedence",
        "list_id",
        "list_unsubscribe",
        "auto_reply_header",
        "null_return_path",
        "bounce",
        "postmaster",
        "no_reply_sender",
        "own_mail",
        "out_of_office",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "{code} never recorded: {codes:?}"
        );
    }
}
