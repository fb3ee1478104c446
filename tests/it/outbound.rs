//! Outbound mail against the real test SMTP receiver (scripts/services/smtp-sink.sh): threading
//! and RFC 3834 headers as received, 451 retried through the job queue, 550 failed at once, a
//! connection dropped after DATA, and the outbox used when no SMTP host is configured.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cams::config::{Config, SmtpSecurity};
use cams::db::jobs::Backoff;
use cams::db::responses;
use cams::outbound::{self, Original, Outbound, QueuedResponse, ResponseDraft};
use cams::worker::{Registry, Worker, WorkerSettings};
use mail_parser::MimeHeaders;
use sqlx::PgPool;
use uuid::Uuid;

use crate::support::{self, TestDb};

/// Where the test SMTP receiver listens and stores. Missing variables fail the test: run the
/// suite through scripts/test.sh, or `eval "$(scripts/services/smtp-sink.sh)"` first.
pub(crate) struct Sink {
    pub(crate) host: String,
    pub(crate) port: u16,
    dir: std::path::PathBuf,
}

pub(crate) fn sink() -> Sink {
    Sink {
        host: sink_var("SMTP_HOST"),
        port: sink_var("SMTP_PORT")
            .parse()
            .expect("SMTP_PORT is a port number"),
        dir: sink_var("SMTP_SINK_DIR").into(),
    }
}

fn sink_var(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| {
        panic!(
            "{k} is not set: the outbound tests need the test SMTP receiver. Start it with \
             `eval \"$(scripts/services/smtp-sink.sh)\"` and export SMTP_HOST, SMTP_PORT, \
             SMTP_STARTTLS_PORT, SMTP_TLS_PORT, SMTP_SINK_CA and SMTP_SINK_DIR \
             (scripts/test.sh does this)"
        )
    })
}

/// One DATA transaction the receiver kept.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Received {
    pub(crate) file: String,
    message_id: Option<String>,
    rcpt_tos: Vec<String>,
    replied: bool,
    listener: String,
    peer: String,
    auth_user: Option<String>,
}

impl Sink {
    /// The transactions that had `rcpt` among their recipients, oldest first.
    pub(crate) fn received_for(&self, rcpt: &str) -> Vec<Received> {
        self.lines("received.jsonl")
            .into_iter()
            .filter_map(|l| serde_json::from_str::<Received>(&l).ok())
            .filter(|r| r.rcpt_tos.iter().any(|t| t.eq_ignore_ascii_case(rcpt)))
            .collect()
    }

    /// How many failures of `kind` the receiver injected for `rcpt`.
    fn injected(&self, kind: &str, rcpt: &str) -> usize {
        self.lines("events.jsonl")
            .into_iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
            .filter(|v| v["event"] == kind && v["rcpt"].as_str() == Some(rcpt))
            .count()
    }

    fn lines(&self, name: &str) -> Vec<String> {
        match std::fs::read_to_string(self.dir.join(name)) {
            Ok(s) => s.lines().map(str::to_string).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => panic!("cannot read the receiver's {name}: {e}"),
        }
    }
}

fn config(db: &TestDb, sink: Option<&Sink>, max_attempts: i32) -> Config {
    let mut c = db.config();
    c.outbound.from = "CAMS <cams@cams.test>".into();
    c.outbound.message_id_domain = "cams.test".into();
    c.outbound.max_attempts = max_attempts;
    c.data_dir = std::env::temp_dir().join(format!("cams-it-outbound-{}", Uuid::new_v4()));
    if let Some(s) = sink {
        c.outbound.smtp.host = Some(s.host.clone());
        c.outbound.smtp.port = s.port;
        c.outbound.smtp.security = SmtpSecurity::None;
        c.outbound.smtp.timeout_secs = 5;
    }
    c
}

fn settings() -> WorkerSettings {
    WorkerSettings {
        concurrency: 1,
        lease: Duration::from_secs(30),
        poll_interval: Duration::from_millis(20),
        reaper_interval: Duration::from_secs(1),
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(100),
        },
    }
}

fn worker(db: &TestDb, config: &Config) -> Worker {
    let mut r = Registry::new();
    outbound::send::register(&mut r, Arc::new(Outbound::from_config(config).unwrap()));
    Worker::new(db.pool.clone(), r, settings())
}

/// Runs due jobs until the response is no longer pending (retries are due a little later).
async fn run_until_final(w: &Worker, pool: &PgPool, id: Uuid) -> responses::ResponseRow {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        w.run_until_empty().await.unwrap();
        let row = response(pool, id).await;
        if row.delivery_status != "pending" {
            return row;
        }
        assert!(
            Instant::now() < deadline,
            "still pending after 30 s: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn response(pool: &PgPool, id: Uuid) -> responses::ResponseRow {
    let mut conn = pool.acquire().await.unwrap();
    responses::get(&mut conn, id)
        .await
        .unwrap()
        .expect("the response exists")
}

async fn job_state(pool: &PgPool, id: Uuid) -> (String, i32) {
    sqlx::query_as(
        "SELECT status, retry_count FROM job_queue WHERE job_type = 'outbound.send'
            AND payload->>'response_id' = $1",
    )
    .bind(id.to_string())
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A user and an availability request for the response to belong to.
async fn request(pool: &PgPool) -> Uuid {
    let user = support::user(pool, &format!("u{}@example.com", Uuid::new_v4().simple())).await;
    sqlx::query_scalar(
        "INSERT INTO availability_requests (user_id, from_email, subject)
         VALUES ($1, 'ann@example.com', 'Meeting') RETURNING id",
    )
    .bind(user)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The mail being answered: Ann writes to Bob and CCs CAMS, in a thread of two earlier messages.
fn original(ann: &str, bob: &str) -> Vec<u8> {
    format!(
        "From: Ann Example <{ann}>\r\n\
         To: Bob <{bob}>\r\n\
         Cc: CAMS <Cams@cams.test>\r\n\
         Subject: RE: Aw: Meeting next week\r\n\
         Message-ID: <m3.{ann}>\r\n\
         In-Reply-To: <m2@example.org>\r\n\
         References: <m1@example.com> <m2@example.org>\r\n\
         Date: Tue, 24 Nov 2026 09:00:00 +0100\r\n\
         \r\n\
         Could we meet Tuesday at 3pm CET?\r\n"
    )
    .into_bytes()
}

/// Answers `raw` with reply-all, unapproved (an automatic reply), and queues it in a transaction.
async fn queue_reply(pool: &PgPool, config: &Config, raw: &[u8]) -> QueuedResponse {
    let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
    let own = outbound::send::own_addresses(&config.outbound);
    let reply = outbound::reply_headers(&Original::from_parsed(&parsed), &own).unwrap();
    let draft = ResponseDraft {
        request_id: request(pool).await,
        template_id: None,
        from: None,
        to: reply.recipients.to,
        cc: reply.recipients.cc,
        subject: reply.subject,
        text: "Tuesday 1 December, 15:00-16:00 CET works for me.\r\n".into(),
        html: None,
        calendar: None,
        in_reply_to: reply.in_reply_to,
        references: reply.references,
        approved_at: None,
        action_taken: Some("auto_reply".into()),
        suggested_slots: None,
        draft: false,
        send_after: None,
    };
    let mut tx = pool.begin().await.unwrap();
    let queued = outbound::queue_response(&mut tx, &config.outbound, &draft)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    queued
}

fn unique(local: &str, domain: &str) -> String {
    format!("{local}+{}@{domain}", Uuid::new_v4().simple())
}

#[tokio::test]
async fn a_threaded_automatic_reply_arrives_once() {
    support::logging();
    let sink = sink();
    let db = TestDb::new().await;
    let config = config(&db, Some(&sink), 3);
    let (ann, bob) = (unique("ann", "example.com"), unique("bob", "example.org"));
    let queued = queue_reply(&db.pool, &config, &original(&ann, &bob)).await;
    assert_eq!(
        queued.message_id.to_string(),
        format!("<{}@cams.test>", queued.id)
    );
    // The Message-ID is on the row before any attempt.
    let before = response(&db.pool, queued.id).await;
    assert_eq!(before.delivery_status, "pending");
    assert_eq!(
        before.message_id.as_deref(),
        Some(queued.message_id.to_string().as_str())
    );

    let w = worker(&db, &config);
    let row = run_until_final(&w, &db.pool, queued.id).await;
    assert_eq!(row.delivery_status, "sent", "{row:?}");
    assert!(row.sent_at.is_some());
    assert_eq!(row.delivery_attempts, 1);
    assert_eq!(row.error_details, None);

    // A stray second job for the same response sends nothing.
    let mut conn = db.pool.acquire().await.unwrap();
    cams::db::jobs::enqueue(
        &mut conn,
        &cams::db::jobs::NewJob::new(
            "outbound.send",
            serde_json::json!({"response_id": queued.id}),
        ),
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(w.run_until_empty().await.unwrap(), 1);

    let got = sink.received_for(&ann);
    assert_eq!(got.len(), 1, "{got:?}");
    let got = &got[0];
    assert!(got.replied);
    assert_eq!(
        got.rcpt_tos.len(),
        2,
        "Ann and Bob, not CAMS: {:?}",
        got.rcpt_tos
    );
    assert!(got.rcpt_tos.iter().any(|r| r == &bob));
    assert_eq!(
        got.message_id.as_deref(),
        Some(queued.message_id.to_string().as_str())
    );

    let raw = std::fs::read(&got.file).unwrap();
    let m = mail_parser::MessageParser::default()
        .parse(&raw[..])
        .unwrap();
    assert_eq!(m.subject(), Some("Re: Meeting next week"));
    assert_eq!(m.message_id(), Some(queued.message_id.as_str()));
    assert_eq!(
        m.in_reply_to().as_text(),
        Some(format!("m3.{ann}").as_str())
    );
    let refs: Vec<String> = m
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        refs,
        vec![
            "m1@example.com".to_string(),
            "m2@example.org".into(),
            format!("m3.{ann}")
        ]
    );
    assert_eq!(
        m.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-replied")
    );
    assert_eq!(
        m.header_raw("X-Auto-Response-Suppress").map(str::trim),
        Some("All")
    );
    let to: Vec<&str> = m
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address.as_deref())
        .collect();
    let cc: Vec<&str> = m
        .cc()
        .unwrap()
        .iter()
        .filter_map(|a| a.address.as_deref())
        .collect();
    assert_eq!(to, vec![ann.as_str()]);
    assert_eq!(cc, vec![bob.as_str()]);
    assert_eq!(
        m.from().unwrap().first().unwrap().address.as_deref(),
        Some("cams@cams.test")
    );
}

#[tokio::test]
async fn a_451_is_retried_by_the_queue_until_it_passes() {
    support::logging();
    let sink = sink();
    let db = TestDb::new().await;
    let config = config(&db, Some(&sink), 5);
    let ann = unique("tempfail2", "example.com");
    let queued = queue_reply(
        &db.pool,
        &config,
        &original(&ann, &unique("bob", "example.org")),
    )
    .await;
    let w = worker(&db, &config);
    let row = run_until_final(&w, &db.pool, queued.id).await;
    assert_eq!(row.delivery_status, "sent", "{row:?}");
    assert_eq!(row.delivery_attempts, 3);
    assert_eq!(sink.injected("tempfail", &ann), 2);
    assert_eq!(sink.received_for(&ann).len(), 1);
    assert_eq!(
        job_state(&db.pool, queued.id).await,
        ("completed".into(), 2)
    );
}

#[tokio::test]
async fn a_451_that_never_clears_fails_after_the_attempt_limit() {
    support::logging();
    let sink = sink();
    let db = TestDb::new().await;
    let config = config(&db, Some(&sink), 3);
    let ann = unique("tempfail", "example.com");
    let queued = queue_reply(
        &db.pool,
        &config,
        &original(&ann, &unique("bob", "example.org")),
    )
    .await;
    let row = run_until_final(&worker(&db, &config), &db.pool, queued.id).await;
    assert_eq!(row.delivery_status, "failed");
    assert_eq!(row.delivery_attempts, 3);
    let why = row.error_details.unwrap();
    assert!(
        why.contains("gave up after 3 attempts") && why.contains("451"),
        "{why}"
    );
    assert_eq!(sink.injected("tempfail", &ann), 3);
    assert!(sink.received_for(&ann).is_empty());
    assert_eq!(job_state(&db.pool, queued.id).await.0, "failed");
}

#[tokio::test]
async fn a_550_fails_at_once_with_the_error_kept() {
    support::logging();
    let sink = sink();
    let db = TestDb::new().await;
    let config = config(&db, Some(&sink), 5);
    let ann = unique("permfail", "example.com");
    let queued = queue_reply(
        &db.pool,
        &config,
        &original(&ann, &unique("bob", "example.org")),
    )
    .await;
    let row = run_until_final(&worker(&db, &config), &db.pool, queued.id).await;
    assert_eq!(row.delivery_status, "failed");
    assert_eq!(row.delivery_attempts, 1);
    assert!(row.sent_at.is_none());
    let why = row.error_details.unwrap();
    assert!(why.contains("550"), "{why}");
    assert_eq!(sink.injected("permfail", &ann), 1);
    assert!(sink.received_for(&ann).is_empty());
    // Not retried: the job is failed after its first run.
    assert_eq!(job_state(&db.pool, queued.id).await, ("failed".into(), 1));
}

/// SMTP has no way to ask a server whether it kept a message whose 250 never arrived, so the
/// retry sends again. What CAMS guarantees: the copy is byte for byte the same message with the
/// same Message-ID, so a receiver that deduplicates by Message-ID keeps one, and any client
/// threads both as one message.
#[tokio::test]
async fn a_connection_dropped_after_data_is_retried_with_the_identical_message() {
    support::logging();
    let sink = sink();
    let db = TestDb::new().await;
    let config = config(&db, Some(&sink), 5);
    let ann = unique("dropconn1", "example.com");
    let queued = queue_reply(
        &db.pool,
        &config,
        &original(&ann, &unique("bob", "example.org")),
    )
    .await;
    let w = worker(&db, &config);
    // First attempt: the receiver keeps the message but never answers; CAMS cannot know, so
    // the response stays pending with the reason, and the job is due again.
    w.run_one().await.unwrap().expect("the send job ran");
    let after_first = response(&db.pool, queued.id).await;
    assert_eq!(after_first.delivery_status, "pending");
    assert_eq!(after_first.delivery_attempts, 1);
    let why = after_first.error_details.clone().unwrap();
    assert!(why.contains("SMTP connection"), "{why}");
    assert_eq!(job_state(&db.pool, queued.id).await, ("pending".into(), 1));
    let row = run_until_final(&w, &db.pool, queued.id).await;
    assert_eq!(row.delivery_status, "sent", "{row:?}");
    assert_eq!(row.delivery_attempts, 2);
    assert_eq!(sink.injected("dropconn", &ann), 1);

    let got = sink.received_for(&ann);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(!got[0].replied && got[1].replied);
    let ids: std::collections::BTreeSet<_> = got.iter().map(|r| r.message_id.clone()).collect();
    assert_eq!(ids.len(), 1, "one Message-ID for both copies: {ids:?}");
    assert_eq!(
        std::fs::read(&got[0].file).unwrap(),
        std::fs::read(&got[1].file).unwrap(),
        "the retry is the same bytes"
    );
    // What a Message-ID-deduplicating mailbox ends up with.
    let distinct: std::collections::BTreeSet<_> = got
        .iter()
        .map(|r| std::fs::read(&r.file).unwrap())
        .collect();
    assert_eq!(distinct.len(), 1);
}

#[tokio::test]
async fn without_an_smtp_host_mail_goes_to_the_outbox() {
    support::logging();
    let db = TestDb::new().await;
    let config = config(&db, None, 3);
    assert!(config.outbound.smtp.host.is_none());
    let queued = queue_reply(
        &db.pool,
        &config,
        &original("ann@example.com", "bob@example.org"),
    )
    .await;
    let row = run_until_final(&worker(&db, &config), &db.pool, queued.id).await;
    assert_eq!(row.delivery_status, "sent");
    let file = config
        .data_dir
        .join("outbox")
        .join(format!("{}@cams.test.eml", queued.id));
    let raw = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let m = mail_parser::MessageParser::default()
        .parse(&raw[..])
        .unwrap();
    assert_eq!(m.message_id(), Some(queued.message_id.as_str()));
    let leftovers: Vec<_> = std::fs::read_dir(config.data_dir.join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temp files left: {leftovers:?}");
    std::fs::remove_dir_all(&config.data_dir).unwrap();
}

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CAMS//EN\r\nMETHOD:REQUEST\r\n\
    BEGIN:VEVENT\r\nUID:it-1@cams.test\r\nDTSTAMP:20261125T100000Z\r\n\
    DTSTART:20261201T140000Z\r\nDTEND:20261201T150000Z\r\nSUMMARY:Meeting\r\n\
    END:VEVENT\r\nEND:VCALENDAR\r\n";

/// An approved invitation, sent through the memory mailer: no Auto-Submitted, a text/calendar
/// part; and a second email to the same domain over its budget goes back to the queue without
/// counting as an attempt.
#[tokio::test]
async fn approved_invitations_and_per_domain_throttling() {
    support::logging();
    let db = TestDb::new().await;
    let mut config = config(&db, None, 3);
    config.outbound.per_domain_per_minute = 1;
    config.outbound.per_domain_burst = 1;
    config.outbound.throttle_max_wait_secs = 0;
    let memory = outbound::MemoryMailer::new();
    let sender =
        Outbound::with_mailer(&config.outbound, outbound::Mailer::Memory(memory.clone())).unwrap();
    let mut r = Registry::new();
    outbound::send::register(&mut r, Arc::new(sender));
    let w = Worker::new(db.pool.clone(), r, settings());

    let draft = |to: &str| ResponseDraft {
        request_id: Uuid::nil(),
        template_id: None,
        from: None,
        to: vec![to.parse().unwrap()],
        cc: vec![],
        subject: "Invitation: Meeting".into(),
        text: "Tuesday 1 December, 15:00-16:00 CET.\r\n".into(),
        html: Some("<p>Tuesday 1 December, 15:00&ndash;16:00 CET.</p>".into()),
        calendar: Some(
            outbound::CalendarPart::new(outbound::CalendarMethod::Request, ICS).unwrap(),
        ),
        in_reply_to: None,
        references: vec![],
        approved_at: Some(chrono::Utc::now()),
        action_taken: Some("approved".into()),
        suggested_slots: None,
        draft: false,
        send_after: None,
    };
    let request_id = request(&db.pool).await;
    let mut tx = db.pool.begin().await.unwrap();
    let first = outbound::queue_response(
        &mut tx,
        &config.outbound,
        &ResponseDraft {
            request_id,
            ..draft("ann@example.com")
        },
    )
    .await
    .unwrap();
    let second = outbound::queue_response(
        &mut tx,
        &config.outbound,
        &ResponseDraft {
            request_id,
            ..draft("bob@EXAMPLE.com")
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    w.run_until_empty().await.unwrap();
    let (a, b) = (
        response(&db.pool, first.id).await,
        response(&db.pool, second.id).await,
    );
    let (sent, held) = if a.delivery_status == "sent" {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(sent.delivery_status, "sent");
    assert_eq!(held.delivery_status, "pending", "{held:?}");
    assert_eq!(
        held.delivery_attempts, 0,
        "a throttled run is not an SMTP attempt"
    );
    let (status, retries) = job_state(&db.pool, held.id).await;
    assert_eq!((status.as_str(), retries), ("pending", 1));
    // Retried at the domain's next slot (a minute away), not after the short test backoff.
    let wait: f64 = sqlx::query_scalar(
        "SELECT EXTRACT(EPOCH FROM scheduled_for - now())::float8 FROM job_queue
          WHERE job_type = 'outbound.send' AND payload->>'response_id' = $1",
    )
    .bind(held.id.to_string())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(wait > 30.0, "retry scheduled {wait} s ahead");

    let out = memory.sent();
    assert_eq!(out.len(), 1);
    let m = mail_parser::MessageParser::default()
        .parse(&out[0].raw[..])
        .unwrap();
    assert!(
        m.header_raw("Auto-Submitted").is_none(),
        "approved mail is not automatic"
    );
    assert!(m.body_html(0).unwrap().contains("16:00"));
    let cal = m
        .parts
        .iter()
        .find(|p| p.is_content_type("text", "calendar"))
        .expect("a text/calendar part");
    assert!(cal.text_contents().unwrap().contains("UID:it-1@cams.test"));
}

/// Sends one reply to `ann` through the receiver's TLS listener on `port` and returns the row.
async fn send_over(
    security: SmtpSecurity,
    port_var: &str,
    trust_ca: bool,
    password: Option<&str>,
    ann: &str,
) -> responses::ResponseRow {
    let sink = sink();
    let db = TestDb::new().await;
    let mut config = config(&db, Some(&sink), 1);
    config.outbound.smtp.host = Some("127.0.0.1".into());
    config.outbound.smtp.port = sink_var(port_var).parse().unwrap();
    config.outbound.smtp.security = security;
    if trust_ca {
        config.outbound.smtp.ca_file = Some(sink_var("SMTP_SINK_CA").into());
    }
    if let Some(p) = password {
        config.outbound.smtp.username = Some(sink_var("SMTP_SINK_USER"));
        config.outbound.smtp.password = Some(p.to_string().into());
    }
    let queued = queue_reply(
        &db.pool,
        &config,
        &original(ann, &unique("bob", "example.org")),
    )
    .await;
    run_until_final(&worker(&db, &config), &db.pool, queued.id).await
}

#[tokio::test]
async fn starttls_and_implicit_tls_deliver_over_a_verified_connection() {
    support::logging();
    let sink = sink();
    let ann = unique("ann-starttls", "example.com");
    let password = sink_var("SMTP_SINK_PASSWORD");
    let row = send_over(
        SmtpSecurity::Starttls,
        "SMTP_STARTTLS_PORT",
        true,
        Some(&password),
        &ann,
    )
    .await;
    assert_eq!(row.delivery_status, "sent", "{row:?}");
    let got = sink.received_for(&ann);
    assert_eq!(got.len(), 1);
    // That listener refuses mail before STARTTLS: this arrived encrypted, and authenticated.
    assert_eq!(got[0].listener, "starttls");
    assert_eq!(got[0].auth_user.as_deref(), Some("cams"));

    let ann = unique("ann-tls", "example.com");
    let row = send_over(SmtpSecurity::Tls, "SMTP_TLS_PORT", true, None, &ann).await;
    assert_eq!(row.delivery_status, "sent", "{row:?}");
    let got = sink.received_for(&ann);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].listener, "tls");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    support::logging();
    let sink = sink();
    let ann = unique("ann-untrusted", "example.com");
    let row = send_over(
        SmtpSecurity::Starttls,
        "SMTP_STARTTLS_PORT",
        false,
        None,
        &ann,
    )
    .await;
    assert_eq!(row.delivery_status, "failed");
    let why = row.error_details.unwrap();
    assert!(why.to_lowercase().contains("certificate"), "{why}");
    assert!(sink.received_for(&ann).is_empty());
}

#[tokio::test]
async fn a_wrong_smtp_password_fails_without_retry() {
    support::logging();
    let sink = sink();
    let ann = unique("ann-badauth", "example.com");
    let row = send_over(
        SmtpSecurity::Starttls,
        "SMTP_STARTTLS_PORT",
        true,
        Some("not-the-password"),
        &ann,
    )
    .await;
    assert_eq!(row.delivery_status, "failed");
    assert_eq!(row.delivery_attempts, 1);
    let why = row.error_details.unwrap();
    assert!(why.contains("535"), "{why}");
    assert!(sink.received_for(&ann).is_empty());
}

/// Consecutive sends reuse one pooled SMTP connection.
#[tokio::test]
async fn sends_share_a_pooled_connection() {
    support::logging();
    let sink = sink();
    let db = TestDb::new().await;
    let mut config = config(&db, Some(&sink), 3);
    // All to one domain: lift the throttle, which would otherwise pace these at 1 a second.
    config.outbound.per_domain_per_minute = 100_000;
    config.outbound.per_domain_burst = 1_000;
    let w = worker(&db, &config);
    let ann = unique("ann-pool", "example.com");
    let n = 20;
    let mut ids = Vec::new();
    for _ in 0..n {
        ids.push(
            queue_reply(
                &db.pool,
                &config,
                &original(&ann, &unique("bob", "example.org")),
            )
            .await
            .id,
        );
    }
    let started = Instant::now();
    w.run_until_empty().await.unwrap();
    let elapsed = started.elapsed();
    for id in ids {
        assert_eq!(response(&db.pool, id).await.delivery_status, "sent");
    }
    let got = sink.received_for(&ann);
    assert_eq!(got.len(), n);
    let peers: std::collections::BTreeSet<_> = got.iter().map(|r| r.peer.clone()).collect();
    assert_eq!(peers.len(), 1, "one connection for all: {peers:?}");
    eprintln!("{n} sends through one pooled connection in {elapsed:?}");
}
