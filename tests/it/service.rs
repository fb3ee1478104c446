//! The service as people run it: health, readiness, metrics, request ids, limits, shutdown,
//! `cams check-config`, and `cams serve` on a machine with no configuration.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::support::{self, TestDb};

pub async fn start(
    db: &TestDb,
    tweak: impl FnOnce(&mut cams::config::Config),
) -> (
    String,
    CancellationToken,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    support::logging();
    let mut config = db.config();
    config.worker.poll_interval_ms = 100;
    tweak(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    let handle = tokio::spawn(cams::app::run(config, listener, stop.clone()));
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        assert!(Instant::now() < deadline, "server not ready within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (base, stop, handle)
}

#[tokio::test]
async fn health_readiness_metrics_and_request_ids() {
    let db = TestDb::new().await;
    let (base, stop, handle) = start(&db, |_| {}).await;
    let client = reqwest::Client::new();

    let res = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let id = res
        .headers()
        .get("x-request-id")
        .expect("a request id is set")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");

    // A caller's own request id is kept, so logs can be correlated across services.
    let res = client
        .get(format!("{base}/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-42");

    let res = client
        .get(format!("{base}/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // The maintenance job scheduled at start ran through the queue and shows in the metrics.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            text.contains(
                "cams_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"
            ),
            "{text}"
        );
        assert!(text.contains("cams_job_queue_depth"), "{text}");
        // Other start-up jobs (calendar.schedule) complete too: look for maintenance itself.
        let maintained: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM job_queue WHERE job_type = 'db.maintain' \
             AND status = 'completed')",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if maintained && !text.contains("cams_jobs{state=\"completed\"} 0") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "maintenance job did not complete: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    stop.cancel();
    tokio::time::timeout(Duration::from_secs(10), handle)
        .await
        .expect("stops")
        .unwrap()
        .unwrap();
    assert!(
        client.get(format!("{base}/healthz")).send().await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_and_a_lost_database_is_unhealthy() {
    let db = TestDb::new().await;
    let (base, stop, handle) = start(&db, |c| c.http.body_limit_bytes = 4096).await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{base}/healthz"))
        .body(vec![b'x'; 100_000])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);

    // The database disappears under the running server: /healthz says so with a 503.
    support::drop_database(db.name.clone());
    let res = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "the database is unavailable");
    stop.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(10), handle)
        .await
        .expect("stops");
}

pub fn cams() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cams"));
    // A clean environment: only what each test sets, as on a fresh machine.
    for (k, _) in std::env::vars() {
        if k.starts_with("CAMS_") || k == "DATABASE_URL" {
            c.env_remove(k);
        }
    }
    c.env("CAMS_LOG__LEVEL", "info");
    c
}

#[test]
fn check_config_prints_redacted_settings_and_names_bad_keys() {
    let out = cams()
        .arg("check-config")
        .env("DATABASE_URL", "postgres://cams:s3cr3t-pw@db.internal/cams")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[redacted]") && !text.contains("s3cr3t-pw"),
        "{text}"
    );
    assert!(text.contains("bind = \"127.0.0.1:8080\""));

    let out = cams()
        .arg("check-config")
        .env("CAMS_HTTP__BIND", "everywhere")
        .env("CAMS_WORKER__CONCURENCY", "4")
        .env("CAMS_LOG__FORMAT", "xml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for key in ["http.bind", "worker.concurency: unknown key", "log.format"] {
        assert!(err.contains(key), "{key} not named in: {err}");
    }

    let out = cams()
        .args(["--config", "/nonexistent/cams.toml", "check-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/cams.toml"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `cams serve` with `envs`, waits for /healthz 200 (returns how long it took), then SIGTERM.
fn serve_until_healthy(envs: &[(&str, String)], limit: Duration) -> (Duration, String) {
    let port = free_port();
    let mut cmd = cams();
    cmd.arg("serve")
        .env("CAMS_HTTP__BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let healthy_after = loop {
        if let Ok(r) = reqwest::blocking_get(&url)
            && r == 200
        {
            break started.elapsed();
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            panic!("cams serve exited with {status}: {err}");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("/healthz not 200 within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "cams serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(status.success(), "exit {status}: {err}");
    (healthy_after, err)
}

mod reqwest {
    pub use ::reqwest::*;
    /// A tiny blocking GET for the process tests (no runtime there).
    pub fn blocking_get(url: &str) -> std::io::Result<u16> {
        use std::io::{Read, Write};
        let rest = url.trim_start_matches("http://");
        let (host, path) = rest.split_once('/').unwrap();
        let mut s = std::net::TcpStream::connect(host)?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(3)))?;
        write!(
            s,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?;
        let mut buf = String::new();
        s.read_to_string(&mut buf)?;
        buf.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| std::io::Error::other("bad response"))
    }
}

#[test]
fn serve_with_no_configuration_is_healthy_within_ten_seconds() {
    // No URL: CAMS finds the machine's PostgreSQL and creates its database there. Only the
    // database name differs from a bare `cams serve`, so the test cleans up after itself.
    let name = format!("cams_it_fresh_{}", uuid::Uuid::new_v4().simple());
    let data = tempdir();
    let (took, log) = serve_until_healthy(
        &[
            ("CAMS_DATABASE__NAME", name.clone()),
            ("CAMS_DATA_DIR", data.clone()),
        ],
        Duration::from_secs(10),
    );
    support::drop_database(name.clone());
    assert!(took < Duration::from_secs(10));
    assert!(log.contains("created database"), "{log}");
    assert!(
        log.contains("shutdown requested") && log.contains("stopped"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn serve_starts_and_stops_a_private_cluster_when_asked() {
    let data = tempdir();
    let (_, log) = serve_until_healthy(
        &[
            ("CAMS_DATABASE__LOCAL", "private".into()),
            ("CAMS_DATA_DIR", data.clone()),
        ],
        Duration::from_secs(60),
    );
    assert!(
        log.contains("started a private PostgreSQL cluster"),
        "{log}"
    );
    assert!(
        log.contains("stopped the private PostgreSQL cluster"),
        "{log}"
    );
    let cluster = std::path::Path::new(&data).join("postgres/data");
    assert!(cluster.join("PG_VERSION").exists());
    assert!(
        !cluster.join("postmaster.pid").exists(),
        "the cluster was stopped on exit"
    );

    // A second start reuses the cluster (and the database with its schema).
    let (_, log) = serve_until_healthy(
        &[
            ("CAMS_DATABASE__LOCAL", "private".into()),
            ("CAMS_DATA_DIR", data.clone()),
        ],
        Duration::from_secs(60),
    );
    assert!(
        !log.contains("initialised a private PostgreSQL cluster"),
        "{log}"
    );
    assert!(log.contains("applied=0"), "{log}");
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn an_unreachable_server_is_a_clean_error() {
    let data = tempdir();
    let out = cams()
        .arg("migrate")
        .env("CAMS_DATABASE__LOCAL", "system")
        .env("CAMS_DATABASE__URL", "postgres://nobody@127.0.0.1:1/cams")
        .env("CAMS_DATA_DIR", &data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("cams: ") && err.contains("refused"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let _ = std::fs::remove_dir_all(data);
}

fn tempdir() -> String {
    let d = std::env::temp_dir().join(format!("cams-it-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d.to_string_lossy().into_owned()
}

/// `cams nlp extract < big | head -1`: the reader closes the pipe after one line. cams must end
/// quietly, as a Unix filter does, not print a panic or an error about the broken pipe.
#[test]
fn a_reader_that_closes_the_pipe_early_gets_no_panic_or_error() {
    use std::io::{BufRead, BufReader, Write};
    let mut child = cams()
        .args(["nlp", "extract"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cams starts");
    let mut stdin = child.stdin.take().unwrap();
    // More output than a pipe holds, written from a thread: cams buffers its output, so the
    // first line only arrives once it has read a good deal of input.
    let writer = std::thread::spawn(move || {
        let line = r#"{"id": 1, "text": "could we meet Tuesday at 3pm?", "ref": "2026-03-02T09:00:00-05:00"}"#;
        for _ in 0..5_000 {
            if writeln!(stdin, "{line}").is_err() {
                break;
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"intent\":\"schedule\""), "{first}");
    drop(stdout);
    writer.join().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
