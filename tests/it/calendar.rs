//! Calendar sources through the database: ICS files and feeds, a real Radicale, staleness, and
//! `cams availability` across the US and EU DST weeks.

use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::Value;

use cams::calendar::ics::{IcsSource, Limits, Location};
use cams::calendar::{CalendarError, CalendarSource, Fetched, freshness, report, sync};

use crate::support::TestDb;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn cams(db: &TestDb, args: &[&str]) -> Output {
    crate::service::cams()
        .env("DATABASE_URL", db.url())
        .env("CAMS_SECRETS__ENCRYPTION_KEY", KEY)
        .env("CAMS_CALENDAR__ALLOW_PRIVATE_ADDRESSES", "true")
        .args(args)
        .output()
        .unwrap()
}

fn cams_ok(db: &TestDb, args: &[&str]) -> String {
    let out = cams(db, args);
    assert!(
        out.status.success(),
        "cams {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn ics(events: &[&str]) -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cams tests//EN\r\n");
    for e in events {
        for line in e.trim().lines() {
            s.push_str(line.trim());
            s.push_str("\r\n");
        }
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn spans(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["start"].as_str().unwrap().to_string(),
                f["end"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(list: &Value, start: &str, end: &str) -> bool {
    spans(list).contains(&(start.to_string(), end.to_string()))
}

/// A Tuesday 10:00 New York series: 2027-03-09 moved to Wednesday 14:00, 2027-03-16 cancelled.
const NY_SERIES: &str = "
BEGIN:VEVENT
UID:weekly-sync@cams.test
DTSTAMP:20270101T000000Z
DTSTART;TZID=America/New_York:20270302T100000
DTEND;TZID=America/New_York:20270302T110000
RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=10
SUMMARY:Private weekly sync
END:VEVENT
BEGIN:VEVENT
UID:weekly-sync@cams.test
DTSTAMP:20270101T000000Z
RECURRENCE-ID;TZID=America/New_York:20270309T100000
DTSTART;TZID=America/New_York:20270310T140000
DTEND;TZID=America/New_York:20270310T150000
SUMMARY:Private weekly sync (moved)
END:VEVENT
BEGIN:VEVENT
UID:weekly-sync@cams.test
DTSTAMP:20270101T000000Z
RECURRENCE-ID;TZID=America/New_York:20270316T100000
DTSTART;TZID=America/New_York:20270316T100000
DTEND;TZID=America/New_York:20270316T110000
STATUS:CANCELLED
SUMMARY:Private weekly sync
END:VEVENT
";

async fn setup_ics_user(db: &TestDb, email: &str, tz: &str, work_end: &str) -> std::path::PathBuf {
    cams_ok(
        db,
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Test",
            "--tz",
            tz,
            "--buffer",
            "0",
            "--notice",
            "0",
            "--work-start",
            "09:00",
            "--work-end",
            work_end,
        ],
    );
    let dir = std::env::temp_dir().join(format!("cams-ics-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("work.ics");
    std::fs::write(&file, ics(&[NY_SERIES])).unwrap();
    cams_ok(
        db,
        &[
            "calendar",
            "add-ics",
            "--user",
            email,
            "--file",
            file.to_str().unwrap(),
        ],
    );
    let out = cams_ok(
        db,
        &[
            "calendar",
            "sync",
            "--user",
            email,
            "--now",
            "2027-03-01T00:00:00Z",
        ],
    );
    assert!(out.contains("full sync"), "{out}");
    file
}

fn availability(db: &TestDb, email: &str, from: &str, to: &str, explain: &[&str]) -> Value {
    let mut args = vec![
        "availability",
        "--user",
        email,
        "--from",
        from,
        "--to",
        to,
        "--duration",
        "60",
        "--now",
        "2027-03-01T00:00:00Z",
    ];
    for e in explain {
        args.push("--explain");
        args.push(e);
    }
    let out = cams_ok(db, &args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[tokio::test]
async fn ics_weekly_series_with_moved_and_cancelled_instances_through_the_cli() {
    let db = TestDb::new().await;
    let email = "ny@example.com";
    setup_ics_user(&db, email, "America/New_York", "17:00").await;

    // The series is stored as the seed does: a master with its rule, instances, exceptions.
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let (masters, instances): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE is_recurring AND recurrence_rule IS NOT NULL), \
                count(*) FILTER (WHERE recurring_event_id IS NOT NULL) FROM events",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let exceptions: Vec<(DateTime<Utc>, bool)> = sqlx::query_as(
        "SELECT original_start_time, is_cancelled FROM recurring_event_exceptions \
         ORDER BY original_start_time",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((masters, instances), (1, 10));
    assert_eq!(
        exceptions,
        vec![
            (Utc.with_ymd_and_hms(2027, 3, 9, 15, 0, 0).unwrap(), false),
            // 10:00 EDT after the US switch on 2027-03-14.
            (Utc.with_ymd_and_hms(2027, 3, 16, 14, 0, 0).unwrap(), true),
        ]
    );

    let out = availability(
        &db,
        email,
        "2027-03-08",
        "2027-03-24",
        &["2027-03-10T14:00", "2027-03-16T10:00", "2027-03-23T10:00"],
    );
    let free = &out["free"];
    // The moved instance frees Tuesday and blocks Wednesday afternoon.
    assert!(
        has(
            free,
            "2027-03-09T09:00:00-05:00",
            "2027-03-09T17:00:00-05:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-10T09:00:00-05:00",
            "2027-03-10T14:00:00-05:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-10T15:00:00-05:00",
            "2027-03-10T17:00:00-05:00"
        ),
        "{free}"
    );
    // The cancelled instance blocks nothing; the next one is at 10:00 EDT.
    assert!(
        has(
            free,
            "2027-03-16T09:00:00-04:00",
            "2027-03-16T17:00:00-04:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-23T09:00:00-04:00",
            "2027-03-23T10:00:00-04:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-23T11:00:00-04:00",
            "2027-03-23T17:00:00-04:00"
        ),
        "{free}"
    );

    let explain = out["explain"].as_array().unwrap();
    assert_eq!(explain.len(), 3);
    let reasons = |i: usize| -> Vec<String> {
        explain[i]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(explain[0]["start"], "2027-03-10T14:00:00-05:00");
    assert!(
        reasons(0)
            .iter()
            .any(|r| r.contains("14:00–15:00 America/New_York")),
        "{:?}",
        reasons(0)
    );
    assert!(reasons(1).is_empty(), "{:?}", reasons(1));
    assert!(!reasons(2).is_empty());
    // Never another event's title.
    assert!(!out.to_string().contains("Private weekly sync"));
    for s in out["slots"].as_array().unwrap() {
        assert!(s["score"].is_number());
    }
}

#[tokio::test]
async fn us_and_eu_dst_weeks_differ_through_db_engine_and_json() {
    // A New York series seen from Berlin: 16:00 before 14 March (US switch), 15:00 for the two
    // weeks until the EU switch on 28 March, 16:00 again after it.
    let db = TestDb::new().await;
    let email = "berlin@example.com";
    setup_ics_user(&db, email, "Europe/Berlin", "18:00").await;
    let out = availability(&db, email, "2027-03-08", "2027-04-01", &[]);
    let free = &out["free"];
    assert!(
        has(
            free,
            "2027-03-09T09:00:00+01:00",
            "2027-03-09T18:00:00+01:00"
        ),
        "moved away: {free}"
    );
    // US DST week: the instance of 23 March is 10:00 EDT = 15:00 CET.
    assert!(
        has(
            free,
            "2027-03-23T09:00:00+01:00",
            "2027-03-23T15:00:00+01:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-23T16:00:00+01:00",
            "2027-03-23T18:00:00+01:00"
        ),
        "{free}"
    );
    // EU DST week: 30 March is 10:00 EDT = 16:00 CEST.
    assert!(
        has(
            free,
            "2027-03-30T09:00:00+02:00",
            "2027-03-30T16:00:00+02:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-30T17:00:00+02:00",
            "2027-03-30T18:00:00+02:00"
        ),
        "{free}"
    );
    // The Friday of the EU switch weekend keeps its CET offset; the Monday after has CEST.
    assert!(
        has(
            free,
            "2027-03-26T09:00:00+01:00",
            "2027-03-26T18:00:00+01:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-29T09:00:00+02:00",
            "2027-03-29T18:00:00+02:00"
        ),
        "{free}"
    );
}

#[tokio::test]
async fn user_add_refuses_an_unknown_zone_clearly() {
    let db = TestDb::new().await;
    let out = cams(
        &db,
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--tz",
            "Mars/Olympus",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown time zone \"Mars/Olympus\""), "{err}");
}

#[tokio::test]
async fn a_calendar_past_its_interval_and_margin_is_stale() {
    let db = TestDb::new().await;
    let user = crate::support::user(&db.pool, "stale@example.com").await;
    let now = Utc::now();
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    for (name, ago) in [
        ("fresh", 60),
        ("late-but-within-margin", 800),
        ("stale", 3600),
    ] {
        sqlx::query(
            "INSERT INTO calendars (user_id, type, name, external_id, sync_frequency, last_sync_at) \
             VALUES ($1, 'ics', $2, '/dev/null', 300, $3)",
        )
        .bind(user)
        .bind(name)
        .bind(now - TimeDelta::seconds(ago))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    let stale = freshness::stale_calendars(&mut tx, user, TimeDelta::seconds(600), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let names: Vec<&str> = stale.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["stale"]);
}

#[tokio::test]
async fn a_synced_file_calendar_is_fresh_and_a_failing_one_turns_stale() {
    let db = TestDb::new().await;
    let config = db.config();
    let user = crate::support::user(&db.pool, "failing@example.com").await;
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let missing = cams::db::calendars::insert(
        &mut tx,
        user,
        "ics",
        "gone",
        "file:///nonexistent/cams/calendar.ics",
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let err = sync::sync_calendar(&db.pool, &config, missing, Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(err, CalendarError::File { .. }), "{err}");
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let (status, error): (String, Option<String>) =
        sqlx::query_as("SELECT status, error_message FROM sync_logs WHERE calendar_id = $1")
            .bind(missing)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(status, "failed");
    assert!(error.unwrap().contains("/nonexistent/cams/calendar.ics"));
    let stale = freshness::stale_calendars(&mut tx, user, TimeDelta::seconds(600), Utc::now())
        .await
        .unwrap();
    assert_eq!(stale.len(), 1, "never synced successfully");
}

#[tokio::test]
async fn an_ics_feed_on_loopback_is_refused_unless_allowed() {
    let source = IcsSource {
        location: Location::parse("http://127.0.0.1:9/calendar.ics").unwrap(),
        limits: Limits {
            allow_private: false,
            timeout: std::time::Duration::from_secs(5),
            max_bytes: 1 << 20,
        },
    };
    let err = source.fetch(None).await.unwrap_err();
    assert!(matches!(err, CalendarError::Refused(_)), "{err}");
    // A stored source without a scheme is not read as a path on the server.
    assert!(matches!(
        Location::parse("/etc/passwd"),
        Err(CalendarError::BadUrl(_))
    ));
    let source = IcsSource {
        location: Location::parse("http://169.254.169.254/latest/meta-data").unwrap(),
        ..source
    };
    assert!(matches!(
        source.fetch(None).await.unwrap_err(),
        CalendarError::Refused(_)
    ));
}

/// A feed server counting requests, answering 304 to a matching If-None-Match.
async fn feed_server(body: String) -> (String, Arc<AtomicUsize>) {
    use axum::http::{HeaderMap, StatusCode, header};
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/cal.ics",
        axum::routing::get(move |headers: HeaderMap| {
            let body = body.clone();
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                if headers
                    .get(header::IF_NONE_MATCH)
                    .and_then(|v| v.to_str().ok())
                    == Some("\"v1\"")
                {
                    return (
                        StatusCode::NOT_MODIFIED,
                        [(header::ETAG, "\"v1\"")],
                        String::new(),
                    );
                }
                (StatusCode::OK, [(header::ETAG, "\"v1\"")], body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/cal.ics"), hits)
}

#[tokio::test]
async fn an_ics_feed_is_fetched_again_only_when_its_etag_changed() {
    let (url, hits) = feed_server(ics(&[NY_SERIES])).await;
    let source = IcsSource {
        location: Location::parse(&url).unwrap(),
        limits: Limits {
            allow_private: true,
            timeout: std::time::Duration::from_secs(5),
            max_bytes: 1 << 20,
        },
    };
    let token = match source.fetch(None).await.unwrap() {
        Fetched::Full { objects, token } => {
            assert_eq!(objects.len(), 1);
            assert!(objects[0].ics.contains("weekly-sync@cams.test"));
            token.unwrap()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        source.fetch(Some(&token)).await.unwrap(),
        Fetched::NotModified
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    let small = IcsSource {
        limits: Limits {
            max_bytes: 100,
            ..source.limits
        },
        ..source
    };
    assert!(matches!(
        small.fetch(None).await.unwrap_err(),
        CalendarError::TooLarge(100)
    ));
}

// ---------------------------------------------------------------------------------------------
// Radicale

struct Radicale {
    base: url::Url,
    user: String,
    password: String,
}

fn radicale() -> Radicale {
    let var = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!(
                "{k} is not set: the CalDAV tests need a Radicale server. Run \
                 `eval \"$(scripts/services/radicale.sh)\"` (scripts/test.sh does) and export \
                 RADICALE_URL, RADICALE_USER and RADICALE_PASSWORD."
            )
        })
    };
    Radicale {
        base: url::Url::parse(&var("RADICALE_URL")).unwrap(),
        user: var("RADICALE_USER"),
        password: var("RADICALE_PASSWORD"),
    }
}

impl Radicale {
    fn client(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    async fn request(&self, method: &str, url: &url::Url, body: Option<String>) -> u16 {
        let mut req = self
            .client()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                url.clone(),
            )
            .basic_auth(&self.user, Some(&self.password));
        if let Some(b) = body {
            req = req
                .header("Content-Type", "text/calendar; charset=utf-8")
                .body(b);
        }
        req.send().await.unwrap().status().as_u16()
    }

    /// A fresh calendar collection for one test.
    async fn new_calendar(&self) -> url::Url {
        let url = self
            .base
            .join(&format!("{}/{}/", self.user, uuid::Uuid::new_v4()))
            .unwrap();
        let status = self
            .client()
            .request(
                reqwest::Method::from_bytes(b"MKCALENDAR").unwrap(),
                url.clone(),
            )
            .basic_auth(&self.user, Some(&self.password))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 201, "MKCALENDAR {url}");
        url
    }
}

fn event(uid: &str, start: &str, end: &str) -> String {
    ics(&[&format!(
        "BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20270101T000000Z\nDTSTART:{start}\nDTEND:{end}\nSUMMARY:secret {uid}\nEND:VEVENT"
    )])
}

async fn busy_reasons(db: &TestDb, email: &str, at: &str) -> Vec<String> {
    let out = report::availability(
        &db.pool,
        &report::Request {
            user_email: email.into(),
            from: "2027-03-08T00:00:00Z".into(),
            to: "2027-03-13T00:00:00Z".into(),
            duration_minutes: 60,
            explain: vec![at.into()],
            now: Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap(),
        },
    )
    .await
    .unwrap();
    out["explain"][0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn radicale_round_trip_put_sync_busy_delete_sync_free_and_incremental_fetches() {
    let rad = radicale();
    let collection = rad.new_calendar().await;
    let db = TestDb::new().await;
    let mut config = db.config();
    config.calendar.allow_private_addresses = true;
    config.secrets.encryption_key = Some(KEY.to_string().into());
    let email = "caldav@example.com";
    cams_ok(
        &db,
        &[
            "user", "add", "--email", email, "--name", "C", "--tz", "UTC", "--buffer", "0",
            "--notice", "0",
        ],
    );

    // Discovery from the server root finds the collection through principal and home set.
    let creds = cams::calendar::caldav::Credentials {
        username: rad.user.clone(),
        password: rad.password.clone().into(),
    };
    let found = cams::calendar::caldav::discover(&rad.base, &creds, Limits::from(&config.calendar))
        .await
        .unwrap();
    assert!(found.iter().any(|c| c.url == collection), "{found:?}");

    let secrets =
        cams::crypto::SecretBox::from_config(config.secrets.encryption_key.as_ref()).unwrap();
    let user_id = cams::db::users::by_email(&mut db.pool.acquire().await.unwrap(), email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut tx = cams::db::begin_for_user(&db.pool, user_id).await.unwrap();
    let cal = cams::db::calendars::insert(
        &mut tx,
        user_id,
        "caldav",
        "radicale",
        collection.as_str(),
        &sync::sealed_metadata(&secrets, &rad.user, &rad.password),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap();

    // PUT → sync → busy.
    let a = collection.join("a.ics").unwrap();
    assert_eq!(
        rad.request(
            "PUT",
            &a,
            Some(event("a", "20270309T140000Z", "20270309T150000Z"))
        )
        .await,
        201
    );
    let first = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(
        (first.sync_type, first.objects_fetched, first.created),
        ("full", 1, 1)
    );
    assert!(first.token.is_some());
    let reasons = busy_reasons(&db, email, "2027-03-09T14:00:00Z").await;
    assert!(
        reasons.iter().any(|r| r.contains("14:00–15:00 UTC")),
        "{reasons:?}"
    );
    assert!(!reasons.iter().any(|r| r.contains("secret")));

    // A second event: the incremental sync fetches that one object only.
    let b = collection.join("b.ics").unwrap();
    assert_eq!(
        rad.request(
            "PUT",
            &b,
            Some(event("b", "20270310T100000Z", "20270310T110000Z"))
        )
        .await,
        201
    );
    let second = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(second.sync_type, "incremental");
    assert_eq!(second.objects_fetched, 1, "only b.ics is fetched");
    assert_eq!((second.created, second.deleted), (1, 0));

    // b moves: fetched again, updated in place.
    assert_eq!(
        rad.request(
            "PUT",
            &b,
            Some(event("b", "20270310T100000Z", "20270310T113000Z"))
        )
        .await,
        204
    );
    let moved = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(
        (moved.objects_fetched, moved.created, moved.updated),
        (1, 0, 1)
    );

    // Nothing changed: nothing fetched.
    let idle = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(
        (
            idle.objects_fetched,
            idle.created,
            idle.updated,
            idle.deleted
        ),
        (0, 0, 0, 0)
    );

    // DELETE → sync → free, without fetching anything; b stays busy.
    assert_eq!(rad.request("DELETE", &a, None).await, 200);
    let third = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(
        (third.sync_type, third.objects_fetched, third.deleted),
        ("incremental", 0, 1)
    );
    assert!(
        busy_reasons(&db, email, "2027-03-09T14:00:00Z")
            .await
            .is_empty()
    );
    assert!(
        !busy_reasons(&db, email, "2027-03-10T10:00:00Z")
            .await
            .is_empty()
    );

    // Each sync logged; the calendar is fresh.
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let logs: Vec<(String, String, i32)> = sqlx::query_as(
        "SELECT sync_type, status, events_deleted FROM sync_logs WHERE calendar_id = $1 \
         ORDER BY started_at",
    )
    .bind(cal)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(logs.len(), 5);
    assert_eq!(logs[0].0, "full");
    assert!(logs.iter().all(|l| l.1 == "completed"));
    assert_eq!(logs[4], ("incremental".into(), "completed".into(), 1));
    let stale = freshness::stale_calendars(&mut tx, user_id, TimeDelta::seconds(600), Utc::now())
        .await
        .unwrap();
    assert!(stale.is_empty(), "{stale:?}");

    // A day after the last full sync the next one is full again, to roll the horizon forward.
    sqlx::query(
        "UPDATE sync_logs SET started_at = started_at - interval '2 days' WHERE calendar_id = $1",
    )
    .bind(cal)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let daily = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(
        (daily.sync_type, daily.objects_fetched, daily.deleted),
        ("full", 1, 0)
    );
}

#[tokio::test]
async fn an_expired_sync_token_falls_back_to_a_full_sync() {
    let rad = radicale();
    let collection = rad.new_calendar().await;
    let db = TestDb::new().await;
    let mut config = db.config();
    config.calendar.allow_private_addresses = true;
    config.secrets.encryption_key = Some(KEY.to_string().into());
    let user = crate::support::user(&db.pool, "expired@example.com").await;
    let secrets =
        cams::crypto::SecretBox::from_config(config.secrets.encryption_key.as_ref()).unwrap();
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let cal = cams::db::calendars::insert(
        &mut tx,
        user,
        "caldav",
        "r",
        collection.as_str(),
        &sync::sealed_metadata(&secrets, &rad.user, &rad.password),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE calendars SET last_sync_token = 'http://radicale.org/ns/sync/deadbeef' WHERE id = $1")
        .bind(cal)
        .execute(&mut *tx)
        .await
        .unwrap();
    // A recent full sync, so only the token's rejection can make this one full.
    sqlx::query(
        "INSERT INTO sync_logs (calendar_id, sync_type, status, started_at) \
         VALUES ($1, 'full', 'completed', now())",
    )
    .bind(cal)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let a = collection.join("x.ics").unwrap();
    rad.request(
        "PUT",
        &a,
        Some(event("x", "20270309T140000Z", "20270309T150000Z")),
    )
    .await;
    let r = sync::sync_calendar(
        &db.pool,
        &config,
        cal,
        Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!((r.sync_type, r.objects_fetched, r.created), ("full", 1, 1));
}

#[tokio::test]
async fn due_calendars_are_synced_by_the_calendar_sync_job_through_the_worker() {
    let db = TestDb::new().await;
    let config = db.config();
    let user = crate::support::user(&db.pool, "worker@example.com").await;
    let start = Utc::now() + TimeDelta::days(7);
    let fmt = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let dir = std::env::temp_dir().join(format!("cams-ics-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("job.ics");
    std::fs::write(
        &file,
        event("job", &fmt(start), &fmt(start + TimeDelta::hours(1))),
    )
    .unwrap();
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let cal = cams::db::calendars::insert(
        &mut tx,
        user,
        "ics",
        "job",
        url::Url::from_file_path(&file).unwrap().as_str(),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(sync::enqueue_due(&db.pool, Utc::now()).await.unwrap(), 1);
    assert_eq!(
        sync::enqueue_due(&db.pool, Utc::now()).await.unwrap(),
        0,
        "already queued"
    );
    let worker = cams::worker::Worker::new(
        db.pool.clone(),
        cams::app::registry(&config),
        cams::worker::WorkerSettings::from(&config.worker),
    );
    assert_eq!(worker.run_until_empty().await.unwrap(), 1);
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let (events, synced): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM events WHERE calendar_id = $1), \
                (SELECT last_sync_at FROM calendars WHERE id = $1)",
    )
    .bind(cal)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(events, 1);
    assert!(synced.is_some());
    assert_eq!(
        sync::enqueue_due(&db.pool, Utc::now()).await.unwrap(),
        0,
        "fresh"
    );
}

#[tokio::test]
async fn caldav_through_the_cli_discovers_seals_the_password_and_syncs() {
    let rad = radicale();
    let collection = rad.new_calendar().await;
    let a = collection.join("cli.ics").unwrap();
    assert_eq!(
        rad.request(
            "PUT",
            &a,
            Some(event("cli", "20270309T140000Z", "20270309T150000Z"))
        )
        .await,
        201
    );
    let db = TestDb::new().await;
    let email = "cli-caldav@example.com";
    cams_ok(
        &db,
        &[
            "user", "add", "--email", email, "--name", "C", "--tz", "UTC", "--buffer", "0",
            "--notice", "0",
        ],
    );
    let out = crate::service::cams()
        .env("DATABASE_URL", db.url())
        .env("CAMS_SECRETS__ENCRYPTION_KEY", KEY)
        .env("CAMS_CALENDAR__ALLOW_PRIVATE_ADDRESSES", "true")
        .env("TEST_DAV_PASSWORD", &rad.password)
        .args([
            "calendar",
            "add-caldav",
            "--user",
            email,
            "--url",
            rad.base.as_str(),
            "--username",
            &rad.user,
            "--password-env",
            "TEST_DAV_PASSWORD",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(collection.as_str()), "{text}");
    // The password is stored sealed, never in the clear.
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let meta: Vec<String> = sqlx::query_scalar("SELECT connection_metadata::text FROM calendars")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        meta.iter()
            .all(|m| !m.contains(&rad.password) && m.contains("password_sealed"))
    );

    let out = cams_ok(
        &db,
        &["calendar", "sync", "--all", "--now", "2027-03-01T00:00:00Z"],
    );
    assert!(!out.contains("FAILED"), "{out}");
    let json = availability(
        &db,
        email,
        "2027-03-09T00:00:00Z",
        "2027-03-10T00:00:00Z",
        &["2027-03-09T14:00:00Z"],
    );
    assert!(
        has(
            &json["free"],
            "2027-03-09T09:00:00+00:00",
            "2027-03-09T14:00:00+00:00"
        ),
        "{json}"
    );
    assert!(!json["explain"][0]["reasons"].as_array().unwrap().is_empty());

    // A wrong password names the problem instead of adding anything.
    let out = crate::service::cams()
        .env("DATABASE_URL", db.url())
        .env("CAMS_SECRETS__ENCRYPTION_KEY", KEY)
        .env("CAMS_CALENDAR__ALLOW_PRIVATE_ADDRESSES", "true")
        .env("TEST_DAV_PASSWORD", "wrong")
        .args([
            "calendar",
            "add-caldav",
            "--user",
            email,
            "--url",
            rad.base.as_str(),
            "--username",
            &rad.user,
            "--password-env",
            "TEST_DAV_PASSWORD",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
}

#[tokio::test]
async fn declined_transparent_and_all_day_events_are_stored_with_their_semantics() {
    let db = TestDb::new().await;
    let config = db.config();
    let email = "semantics@example.com";
    cams_ok(
        &db,
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "S",
            "--tz",
            "America/Los_Angeles",
            "--buffer",
            "0",
            "--notice",
            "0",
        ],
    );
    let feed = ics(&[
        // Declined by the user: free.
        "BEGIN:VEVENT\nUID:declined\nDTSTAMP:20270101T000000Z\nDTSTART:20270309T170000Z\nDTEND:20270309T180000Z\nATTENDEE;PARTSTAT=DECLINED:mailto:semantics@example.com\nEND:VEVENT",
        // Transparent: free.
        "BEGIN:VEVENT\nUID:transparent\nDTSTAMP:20270101T000000Z\nDTSTART:20270309T190000Z\nDTEND:20270309T200000Z\nTRANSP:TRANSPARENT\nEND:VEVENT",
        // Tentative: blocks.
        "BEGIN:VEVENT\nUID:tentative\nDTSTAMP:20270101T000000Z\nDTSTART:20270309T210000Z\nDTEND:20270309T220000Z\nSTATUS:TENTATIVE\nEND:VEVENT",
        // All day on Wednesday, in the user's own calendar days.
        "BEGIN:VEVENT\nUID:allday\nDTSTAMP:20270101T000000Z\nDTSTART;VALUE=DATE:20270310\nDTEND;VALUE=DATE:20270311\nEND:VEVENT",
    ]);
    let dir = std::env::temp_dir().join(format!("cams-ics-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.ics");
    std::fs::write(&file, feed).unwrap();
    let user_id = cams::db::users::by_email(&mut db.pool.acquire().await.unwrap(), email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut tx = cams::db::begin_for_user(&db.pool, user_id).await.unwrap();
    let cal = cams::db::calendars::insert(
        &mut tx,
        user_id,
        "ics",
        "s",
        url::Url::from_file_path(&file).unwrap().as_str(),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let now = Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap();
    let r = sync::sync_calendar(&db.pool, &config, cal, now)
        .await
        .unwrap();
    assert_eq!(r.created, 4);

    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let response: String = sqlx::query_scalar(
        "SELECT a.response_status FROM event_attendees a JOIN events e ON e.id = a.event_id \
         WHERE e.external_id = 'declined'",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let all_day: (bool, DateTime<Utc>) =
        sqlx::query_as("SELECT all_day, start_time FROM events WHERE external_id = 'allday'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(response, "declined");
    assert_eq!(
        all_day,
        (true, Utc.with_ymd_and_hms(2027, 3, 10, 0, 0, 0).unwrap())
    );

    let out = availability(&db, email, "2027-03-09", "2027-03-11", &[]);
    let free = &out["free"];
    // Tuesday 9 March in Los Angeles is still PST (UTC-8): the declined 09:00 and the
    // transparent 11:00 leave the morning free; the tentative 13:00 blocks.
    assert!(
        has(
            free,
            "2027-03-09T09:00:00-08:00",
            "2027-03-09T13:00:00-08:00"
        ),
        "{free}"
    );
    assert!(
        has(
            free,
            "2027-03-09T14:00:00-08:00",
            "2027-03-09T17:00:00-08:00"
        ),
        "{free}"
    );
    // Wednesday is taken by the all-day event, not shifted by the UTC offset.
    assert!(
        !spans(free).iter().any(|(s, _)| s.starts_with("2027-03-10")),
        "{free}"
    );
}

#[tokio::test]
async fn the_benchmark_runs_engine_and_sql_on_the_same_data_and_cleans_up() {
    let db = TestDb::new().await;
    let r = cams::calendar::bench::run(&db.pool, 1_000, 3)
        .await
        .unwrap();
    assert_eq!(r.events, 1_000);
    assert!(r.engine_slots > 0 && r.sql_free_slots > 0, "{r:?}");
    assert!(
        r.engine_median > std::time::Duration::ZERO && r.sql_median > std::time::Duration::ZERO
    );
    let mut tx = cams::db::begin_system(&db.pool).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(left, 0, "the synthetic user and events are deleted");
}

#[tokio::test]
async fn busy_semantics_are_set_per_calendar_and_holds_block_offered_times() {
    let db = TestDb::new().await;
    let email = "policy@example.com";
    cams_ok(
        &db,
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "P",
            "--tz",
            "America/New_York",
            "--buffer",
            "0",
            "--notice",
            "0",
        ],
    );
    // A "focus" calendar whose free (transparent) blocks should still count as busy.
    let dir = std::env::temp_dir().join(format!("cams-ics-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("focus.ics");
    std::fs::write(
        &file,
        ics(&["BEGIN:VEVENT\nUID:focus-1\nDTSTAMP:20270101T000000Z\nDTSTART:20270309T150000Z\nDTEND:20270309T160000Z\nTRANSP:TRANSPARENT\nEND:VEVENT"]),
    )
    .unwrap();
    cams_ok(
        &db,
        &[
            "calendar",
            "add-ics",
            "--user",
            email,
            "--file",
            file.to_str().unwrap(),
        ],
    );
    cams_ok(
        &db,
        &[
            "calendar",
            "sync",
            "--user",
            email,
            "--now",
            "2027-03-01T00:00:00Z",
        ],
    );
    let window = ("2027-03-09T09:00:00-05:00", "2027-03-09T17:00:00-05:00");
    // Default semantics: a transparent event does not block 10:00-11:00 New York.
    let v = availability(
        &db,
        email,
        window.0,
        window.1,
        &["2027-03-09T10:00:00-05:00"],
    );
    assert!(
        v["explain"][0]["reasons"].as_array().unwrap().is_empty(),
        "{v}"
    );

    sqlx::query("UPDATE calendars SET connection_metadata = jsonb_set(COALESCE(connection_metadata, '{}'), '{busy_policy}', '{\"free_blocks\": true}')")
        .execute(&db.pool)
        .await
        .unwrap();
    let v = availability(
        &db,
        email,
        window.0,
        window.1,
        &["2027-03-09T10:00:00-05:00"],
    );
    let reasons = v["explain"][0]["reasons"].to_string();
    assert!(
        reasons.contains("busy"),
        "the calendar's own policy makes it block: {v}"
    );

    // A time held for another thread is not offered again.
    let user: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO holds (user_id, during, expires_at) VALUES ($1, tstzrange('2027-03-09T18:00:00Z', '2027-03-09T19:00:00Z'), '2027-12-31T00:00:00Z')")
        .bind(user)
        .execute(&db.pool)
        .await
        .unwrap();
    let v = availability(
        &db,
        email,
        window.0,
        window.1,
        &["2027-03-09T13:00:00-05:00"],
    );
    let reasons = v["explain"][0]["reasons"].to_string();
    assert!(reasons.to_lowercase().contains("hold"), "{v}");
    assert!(
        !has(
            &v["free"],
            "2027-03-09T13:00:00-05:00",
            "2027-03-09T14:00:00-05:00"
        ),
        "{v}"
    );
}
