//! The migrations: every seed table, the added ones, idempotence, triggers, partitions, procedures.

use crate::support::{self, TestDb};

/// The 21 tables of the seed's table sections, plus events_archive (fix 8).
const SEED_TABLES: [&str; 22] = [
    "users",
    "user_preferences",
    "oauth_tokens",
    "calendars",
    "calendar_shares",
    "events",
    "event_attendees",
    "event_reminders",
    "recurring_event_exceptions",
    "email_templates",
    "availability_requests",
    "proposed_time_slots",
    "email_responses",
    "scraping_jobs",
    "scraping_runs",
    "availability_analyses",
    "usage_metrics",
    "sync_logs",
    "webhook_subscriptions",
    "audit_logs",
    "job_queue",
    "events_archive",
];

/// Fix 10.
const ADDED_TABLES: [&str; 5] = [
    "inbound_messages",
    "mailboxes",
    "approval_tokens",
    "holds",
    "bookings",
];

async fn tables(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn migrate_creates_every_table_and_a_second_run_is_a_no_op() {
    let db = TestDb::empty().await;
    assert!(tables(&db.pool).await.is_empty());
    let applied = cams::db::migrate(&db.pool).await.unwrap();
    assert_eq!(applied, cams::db::MIGRATOR.iter().count());
    let present = tables(&db.pool).await;
    for t in SEED_TABLES.iter().chain(ADDED_TABLES.iter()) {
        assert!(
            present.iter().any(|p| p == t),
            "table {t} missing; have {present:?}"
        );
    }
    assert_eq!(
        cams::db::migrate(&db.pool).await.unwrap(),
        0,
        "second run applies nothing"
    );
    assert_eq!(tables(&db.pool).await.len(), present.len());
}

#[tokio::test]
async fn cams_migrate_command_applies_then_reports_nothing_to_do() {
    let db = TestDb::empty().await;
    let run = || {
        crate::service::cams()
            .arg("migrate")
            .env("CAMS_DATABASE__URL", db.url())
            .env("CAMS_LOG__LEVEL", "warn")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // Counted from the embedded migrations, so adding one does not break this test.
    let expected = format!("applied {} migration(s)", cams::db::MIGRATOR.iter().count());
    assert!(
        String::from_utf8_lossy(&first.stdout).contains(&expected),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let second = run();
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("nothing to apply"),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
    assert!(tables(&db.pool).await.iter().any(|t| t == "job_queue"));
}

#[tokio::test]
async fn timestamps_are_timestamptz_everywhere() {
    let db = TestDb::new().await;
    let naive: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(naive.is_empty(), "naive timestamps left: {naive:?}");
}

#[tokio::test]
async fn updated_at_is_maintained_on_every_table_that_has_it() {
    let db = TestDb::new().await;
    let with_col: Vec<String> = sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE c.table_schema = 'public' AND c.column_name = 'updated_at'
            AND t.table_type = 'BASE TABLE' AND c.table_name <> 'events_archive'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let with_trigger: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT event_object_table::text FROM information_schema.triggers
          WHERE trigger_name LIKE 'update_%_updated_at'",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    for t in &with_col {
        assert!(
            with_trigger.contains(t),
            "{t} has updated_at but no trigger"
        );
    }
    assert!(with_col.len() >= 15, "{with_col:?}");

    // And it really moves: an update in a later transaction gets a later updated_at.
    let user = support::user(&db.pool, "ts@example.com").await;
    let cal = support::calendar(&db.pool, user, "Work").await;
    let ev = support::event(
        &db.pool,
        cal,
        "2026-12-01T10:00:00Z",
        "2026-12-01T11:00:00Z",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    for (table, id) in [("users", user), ("calendars", cal), ("events", ev)] {
        let (before, after): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "WITH old AS (SELECT updated_at FROM {table} WHERE id = $1)
                 UPDATE {table} SET created_at = created_at WHERE id = $1
                 RETURNING (SELECT updated_at FROM old), updated_at"
            )))
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(after > before, "{table}: updated_at did not move");
    }
}

#[tokio::test]
async fn soft_deleting_a_user_soft_deletes_calendars_and_their_events() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "gone@example.com").await;
    let other = support::user(&db.pool, "stays@example.com").await;
    let cal = support::calendar(&db.pool, user, "Work").await;
    let other_cal = support::calendar(&db.pool, other, "Work").await;
    support::event(
        &db.pool,
        cal,
        "2026-12-01T10:00:00Z",
        "2026-12-01T11:00:00Z",
    )
    .await;
    support::event(
        &db.pool,
        cal,
        "2026-12-02T10:00:00Z",
        "2026-12-02T11:00:00Z",
    )
    .await;
    support::event(
        &db.pool,
        other_cal,
        "2026-12-02T10:00:00Z",
        "2026-12-02T11:00:00Z",
    )
    .await;

    sqlx::query("UPDATE users SET deleted_at = now() WHERE id = $1")
        .bind(user)
        .execute(&db.pool)
        .await
        .unwrap();
    let (cals, events, other_events): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM calendars WHERE user_id = $1 AND deleted_at IS NOT NULL),
                (SELECT count(*) FROM events WHERE calendar_id = $2 AND deleted_at IS NOT NULL),
                (SELECT count(*) FROM events WHERE calendar_id = $3 AND deleted_at IS NULL)",
    )
    .bind(user)
    .bind(cal)
    .bind(other_cal)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((cals, events, other_events), (1, 2, 1));

    // Deleting a calendar on its own cascades to its events too (the seed forgot this trigger).
    let cal2 = support::calendar(&db.pool, other, "Home").await;
    support::event(
        &db.pool,
        cal2,
        "2026-12-03T10:00:00Z",
        "2026-12-03T11:00:00Z",
    )
    .await;
    sqlx::query("UPDATE calendars SET deleted_at = now() WHERE id = $1")
        .bind(cal2)
        .execute(&db.pool)
        .await
        .unwrap();
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE calendar_id = $1 AND deleted_at IS NULL",
    )
    .bind(cal2)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(live, 0);
}

#[tokio::test]
async fn monthly_partitions_are_created_and_late_rows_move_out_of_the_default() {
    let db = TestDb::new().await;
    // A row six months ahead has no partition yet: it lands in the default partition, not an error.
    sqlx::query("INSERT INTO audit_logs (action, created_at) VALUES ('future', date_trunc('month', now()) + interval '6 months' + interval '3 days')")
        .execute(&db.pool)
        .await
        .unwrap();
    let home: String = sqlx::query_scalar(
        "SELECT tableoid::regclass::text FROM audit_logs WHERE action = 'future'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(home, "audit_logs_default");

    let created = cams::db::ensure_partitions(&db.pool, 7).await.unwrap();
    assert!(created >= 10, "created {created}"); // 5+ new months for each of two tables
    let month: String = sqlx::query_scalar(
        "SELECT 'audit_logs_' || to_char(date_trunc('month', now()) + interval '6 months', 'YYYY_MM')",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let home: String = sqlx::query_scalar(
        "SELECT tableoid::regclass::text FROM audit_logs WHERE action = 'future'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(home, month, "the row moved into its month");
    assert_eq!(
        cams::db::ensure_partitions(&db.pool, 7).await.unwrap(),
        0,
        "idempotent"
    );

    for table in ["audit_logs", "usage_metrics"] {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1",
        )
        .bind(table)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert!(n >= 9, "{table} has {n} partitions"); // default + this month + 7 ahead
    }
}

#[tokio::test]
async fn calculate_availability_marks_busy_slots_with_buffer() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "avail@example.com").await;
    let cal = support::calendar(&db.pool, user, "Work").await;
    support::event(
        &db.pool,
        cal,
        "2026-12-01T10:00:00Z",
        "2026-12-01T11:00:00Z",
    )
    .await;
    // Cancelled and free events do not block.
    sqlx::query("INSERT INTO events (calendar_id, title, start_time, end_time, status) VALUES ($1, 'x', '2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z', 'cancelled')")
        .bind(cal).execute(&db.pool).await.unwrap();
    sqlx::query("INSERT INTO events (calendar_id, title, start_time, end_time, busy_status) VALUES ($1, 'x', '2026-12-01T13:00:00Z', '2026-12-01T14:00:00Z', 'free')")
        .bind(cal).execute(&db.pool).await.unwrap();

    let rows: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, bool)> = sqlx::query_as(
        "SELECT * FROM calculate_availability($1, '2026-12-01T09:00:00+00:00', '2026-12-01T15:00:00+00:00', 30, 15)",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    // 09:00 .. 14:30 every 15 minutes.
    assert_eq!(rows.len(), 23);
    let free = |h: u32, m: u32| {
        rows.iter()
            .find(|r| r.0.format("%H:%M").to_string() == format!("{h:02}:{m:02}"))
            .unwrap()
            .2
    };
    assert!(free(9, 0));
    assert!(free(9, 15)); // ends 09:45, buffer starts 09:45
    assert!(!free(9, 30)); // ends 10:00, inside the 15-minute buffer
    assert!(!free(10, 30));
    assert!(!free(11, 0)); // buffer after the event
    assert!(free(11, 15));
    assert!(free(12, 0)); // cancelled event
    assert!(free(13, 0)); // free event

    // A bad duration is refused, not looped on.
    let err = sqlx::query(
        "SELECT * FROM calculate_availability($1, now(), now() + interval '1 hour', 0)",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("duration must be positive"),
        "{err}"
    );
}

#[tokio::test]
async fn maintenance_procedures_run_and_archive_only_what_is_finished() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "old@example.com").await;
    let cal = support::calendar(&db.pool, user, "Work").await;
    let old = support::event(
        &db.pool,
        cal,
        "2024-01-10T10:00:00Z",
        "2024-01-10T11:00:00Z",
    )
    .await;
    let recent = support::event(
        &db.pool,
        cal,
        "2026-10-10T10:00:00Z",
        "2026-10-10T11:00:00Z",
    )
    .await;
    let master: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO events (calendar_id, title, start_time, end_time, is_recurring, recurrence_rule)
         VALUES ($1, 'weekly', '2024-01-01T09:00:00Z', '2024-01-01T09:30:00Z', true, '{\"rrule\":\"FREQ=WEEKLY\"}') RETURNING id",
    )
    .bind(cal)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    // A request that booked the old event keeps its history when the event is archived.
    sqlx::query("INSERT INTO availability_requests (user_id, from_email, scheduled_event_id) VALUES ($1, 'g@example.com', $2)")
        .bind(user)
        .bind(old)
        .execute(&db.pool)
        .await
        .unwrap();

    sqlx::query("CALL archive_old_events()")
        .execute(&db.pool)
        .await
        .unwrap();
    let archived: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM events_archive")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(archived, vec![old]);
    let live: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM events ORDER BY start_time")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        live,
        vec![master, recent],
        "the running series and the recent event stay"
    );
    let link: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT scheduled_event_id FROM availability_requests")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(link, None);
    sqlx::query("CALL archive_old_events()")
        .execute(&db.pool)
        .await
        .unwrap(); // re-run is safe

    // Maintenance: expired holds are released, old finished jobs go, VACUUM runs from the client.
    sqlx::query("INSERT INTO holds (user_id, during, expires_at, created_at) VALUES ($1, tstzrange('2026-12-01T10:00Z', '2026-12-01T11:00Z'), now() - interval '1 minute', now() - interval '2 minutes')")
        .bind(user).execute(&db.pool).await.unwrap();
    sqlx::query("INSERT INTO job_queue (job_type, payload, status, created_at, completed_at) VALUES ('x', '{}', 'completed', now() - interval '40 days', now() - interval '40 days')")
        .execute(&db.pool).await.unwrap();
    cams::db::maintain(&db.pool).await.unwrap();
    let (holds, jobs): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM holds WHERE status = 'active'), (SELECT count(*) FROM job_queue WHERE job_type = 'x')",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((holds, jobs), (0, 0));
}
