//! Each CHECK, UNIQUE, partial unique index and exclusion constraint refuses what it should.

use crate::support::{self, TestDb, violated};

/// Runs `ok` (which must succeed) then `bad` (which must fail on `constraint`), in one database
/// prepared by `setup` with $U = a user id and $C = a calendar id of that user.
struct Case {
    constraint: &'static str,
    ok: &'static str,
    bad: &'static str,
}

const CASES: &[Case] = &[
    Case {
        constraint: "email_format",
        ok: "INSERT INTO users (email) VALUES ('fine@example.org')",
        bad: "INSERT INTO users (email) VALUES ('not-an-email')",
    },
    Case {
        constraint: "users_email_key",
        ok: "INSERT INTO users (email) VALUES ('dup@example.org')",
        bad: "INSERT INTO users (email) VALUES ('dup@example.org')",
    },
    Case {
        constraint: "user_preferences_user_id_key",
        ok: "INSERT INTO user_preferences (user_id) VALUES ($U)",
        bad: "INSERT INTO user_preferences (user_id) VALUES ($U)",
    },
    Case {
        constraint: "buffer_time_non_negative",
        ok: "SELECT 1",
        bad: "INSERT INTO user_preferences (user_id, buffer_time) VALUES ($U, -5)",
    },
    Case {
        constraint: "unique_user_provider",
        ok: "INSERT INTO oauth_tokens (user_id, provider, access_token, key_id) VALUES ($U, 'google', '\\x01', 'k1')",
        bad: "INSERT INTO oauth_tokens (user_id, provider, access_token, key_id) VALUES ($U, 'google', '\\x02', 'k1')",
    },
    Case {
        constraint: "one_primary_per_user",
        ok: "INSERT INTO calendars (user_id, type, name, is_primary) VALUES ($U, 'ics', 'P1', true)",
        bad: "INSERT INTO calendars (user_id, type, name, is_primary) VALUES ($U, 'ics', 'P2', true)",
    },
    Case {
        constraint: "calendar_visibility_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO calendars (user_id, type, name, visibility) VALUES ($U, 'ics', 'V', 'everyone')",
    },
    Case {
        constraint: "calendar_color_hex",
        ok: "SELECT 1",
        bad: "INSERT INTO calendars (user_id, type, name, color) VALUES ($U, 'ics', 'C', 'blue')",
    },
    Case {
        constraint: "unique_calendar_share",
        ok: "INSERT INTO calendar_shares (calendar_id, shared_with_user_id, shared_by_user_id) VALUES ($C, $U, $U)",
        bad: "INSERT INTO calendar_shares (calendar_id, shared_with_user_id, shared_by_user_id) VALUES ($C, $U, $U)",
    },
    Case {
        constraint: "share_permission_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO calendar_shares (calendar_id, shared_with_user_id, shared_by_user_id, permission) VALUES ($C, $U, $U, 'admin')",
    },
    Case {
        constraint: "valid_time_range",
        ok: "SELECT 1",
        bad: "INSERT INTO events (calendar_id, title, start_time, end_time) VALUES ($C, 't', '2026-12-01T10:00Z', '2026-12-01T10:00Z')",
    },
    Case {
        constraint: "unique_external_event",
        ok: "INSERT INTO events (calendar_id, external_id, title, start_time, end_time) VALUES ($C, 'uid-1', 't', '2026-12-01T10:00Z', '2026-12-01T11:00Z')",
        bad: "INSERT INTO events (calendar_id, external_id, title, start_time, end_time) VALUES ($C, 'uid-1', 't', '2026-12-02T10:00Z', '2026-12-02T11:00Z')",
    },
    Case {
        constraint: "event_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO events (calendar_id, title, start_time, end_time, status) VALUES ($C, 't', '2026-12-01T10:00Z', '2026-12-01T11:00Z', 'maybe')",
    },
    Case {
        constraint: "event_busy_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO events (calendar_id, title, start_time, end_time, busy_status) VALUES ($C, 't', '2026-12-01T10:00Z', '2026-12-01T11:00Z', 'away')",
    },
    Case {
        constraint: "events_recurring_event_id_fkey",
        ok: "SELECT 1",
        bad: "INSERT INTO events (calendar_id, title, start_time, end_time, recurring_event_id) VALUES ($C, 't', '2026-12-01T10:00Z', '2026-12-01T11:00Z', gen_random_uuid())",
    },
    Case {
        constraint: "unique_event_attendee",
        ok: "INSERT INTO event_attendees (event_id, email) VALUES ((SELECT min(id::text)::uuid FROM events), 'a@example.org')",
        bad: "INSERT INTO event_attendees (event_id, email) VALUES ((SELECT min(id::text)::uuid FROM events), 'a@example.org')",
    },
    Case {
        constraint: "attendee_response_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO event_attendees (event_id, email, response_status) VALUES ((SELECT min(id::text)::uuid FROM events), 'b@example.org', 'perhaps')",
    },
    Case {
        constraint: "reminder_method_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO event_reminders (event_id, method, minutes_before) VALUES ((SELECT min(id::text)::uuid FROM events), 'pigeon', 10)",
    },
    Case {
        constraint: "unique_exception",
        ok: "INSERT INTO recurring_event_exceptions (recurring_event_id, original_start_time) VALUES ((SELECT min(id::text)::uuid FROM events), '2026-12-08T10:00Z')",
        bad: "INSERT INTO recurring_event_exceptions (recurring_event_id, original_start_time) VALUES ((SELECT min(id::text)::uuid FROM events), '2026-12-08T10:00Z')",
    },
    Case {
        constraint: "unique_default_template",
        ok: "INSERT INTO email_templates (user_id, name, type, subject, body, is_default) VALUES ($U, 'a', 'confirmation', 's', 'b', true)",
        bad: "INSERT INTO email_templates (user_id, name, type, subject, body, is_default) VALUES ($U, 'b', 'confirmation', 's', 'b', true)",
    },
    Case {
        constraint: "template_type_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO email_templates (user_id, name, type, subject, body) VALUES ($U, 'a', 'spam', 's', 'b')",
    },
    Case {
        constraint: "unique_request_message_per_user",
        ok: "INSERT INTO availability_requests (user_id, email_message_id, from_email) VALUES ($U, '<m1@x>', 'g@example.org')",
        bad: "INSERT INTO availability_requests (user_id, email_message_id, from_email) VALUES ($U, '<m1@x>', 'g@example.org')",
    },
    Case {
        constraint: "confidence_in_unit_range",
        ok: "SELECT 1",
        bad: "INSERT INTO availability_requests (user_id, from_email, confidence_score) VALUES ($U, 'g@example.org', 1.5)",
    },
    Case {
        constraint: "request_intent_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO availability_requests (user_id, from_email, detected_intent) VALUES ($U, 'g@example.org', 'party')",
    },
    Case {
        constraint: "request_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO availability_requests (user_id, from_email, status) VALUES ($U, 'g@example.org', 'lost')",
    },
    Case {
        constraint: "proposed_slot_valid_range",
        ok: "SELECT 1",
        bad: "INSERT INTO proposed_time_slots (request_id, start_time, end_time) VALUES ((SELECT id FROM availability_requests LIMIT 1), '2026-12-01T11:00Z', '2026-12-01T10:00Z')",
    },
    Case {
        constraint: "unique_response_message_id",
        ok: "INSERT INTO email_responses (request_id, message_id, to_email, subject, body) VALUES ((SELECT id FROM availability_requests LIMIT 1), '<r1@cams>', 'g@example.org', 's', 'b')",
        bad: "INSERT INTO email_responses (request_id, message_id, to_email, subject, body) VALUES ((SELECT id FROM availability_requests LIMIT 1), '<r1@cams>', 'g@example.org', 's', 'b')",
    },
    Case {
        constraint: "delivery_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO email_responses (request_id, to_email, subject, body, delivery_status) VALUES ((SELECT id FROM availability_requests LIMIT 1), 'g@example.org', 's', 'b', 'lost')",
    },
    Case {
        constraint: "scraping_jobs_calendar_id_key",
        ok: "INSERT INTO scraping_jobs (calendar_id, url, auth_type) VALUES ($C, 'https://x', 'none')",
        bad: "INSERT INTO scraping_jobs (calendar_id, url, auth_type) VALUES ($C, 'https://y', 'none')",
    },
    Case {
        constraint: "scraping_sealed_with_key",
        ok: "SELECT 1",
        bad: "UPDATE scraping_jobs SET auth_config = '\\x01'",
    },
    Case {
        constraint: "scraping_run_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO scraping_runs (job_id, status, started_at) VALUES ((SELECT id FROM scraping_jobs LIMIT 1), 'exploded', now())",
    },
    Case {
        constraint: "unique_analysis_period",
        ok: "INSERT INTO availability_analyses (user_id, analysis_period, period_start, period_end) VALUES ($U, 'week', '2026-11-23', '2026-11-29')",
        bad: "INSERT INTO availability_analyses (user_id, analysis_period, period_start, period_end) VALUES ($U, 'week', '2026-11-23', '2026-11-29')",
    },
    Case {
        constraint: "analysis_period_order",
        ok: "SELECT 1",
        bad: "INSERT INTO availability_analyses (user_id, analysis_period, period_start, period_end) VALUES ($U, 'day', '2026-11-23', '2026-11-20')",
    },
    Case {
        constraint: "busiest_hour_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO availability_analyses (user_id, analysis_period, period_start, period_end, busiest_hour) VALUES ($U, 'day', '2026-11-01', '2026-11-01', 24)",
    },
    Case {
        constraint: "sync_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO sync_logs (calendar_id, sync_type, status, started_at) VALUES ($C, 'full', 'meh', now())",
    },
    Case {
        constraint: "webhook_subscriptions_channel_id_key",
        ok: "INSERT INTO webhook_subscriptions (calendar_id, provider, webhook_url, channel_id) VALUES ($C, 'google', 'https://x', 'ch-1')",
        bad: "INSERT INTO webhook_subscriptions (calendar_id, provider, webhook_url, channel_id) VALUES ($C, 'microsoft', 'https://x', 'ch-1')",
    },
    Case {
        constraint: "webhook_subscriptions_calendar_id_provider_key",
        ok: "SELECT 1",
        bad: "INSERT INTO webhook_subscriptions (calendar_id, provider, webhook_url, channel_id) VALUES ($C, 'google', 'https://x', 'ch-2')",
    },
    Case {
        constraint: "job_status_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO job_queue (job_type, payload, status) VALUES ('x', '{}', 'sleeping')",
    },
    Case {
        constraint: "job_lease_consistent",
        ok: "SELECT 1",
        bad: "INSERT INTO job_queue (job_type, payload, status) VALUES ('x', '{}', 'processing')",
    },
    Case {
        constraint: "unique_live_job_dedupe",
        ok: "INSERT INTO job_queue (job_type, payload, dedupe_key) VALUES ('x', '{}', 'k1')",
        bad: "INSERT INTO job_queue (job_type, payload, dedupe_key) VALUES ('x', '{}', 'k1')",
    },
    Case {
        constraint: "unique_inbound_per_user",
        ok: "INSERT INTO inbound_messages (source, dedupe_key, content_sha256, raw, size_bytes) VALUES ('cli', '<a@b>', sha256('x'), 'x', 1)",
        bad: "INSERT INTO inbound_messages (source, dedupe_key, content_sha256, raw, size_bytes) VALUES ('imap', '<a@b>', sha256('y'), 'y', 1)",
    },
    Case {
        constraint: "inbound_size_matches",
        ok: "SELECT 1",
        bad: "INSERT INTO inbound_messages (source, dedupe_key, content_sha256, raw, size_bytes) VALUES ('cli', 'k', sha256('x'), 'x', 5)",
    },
    Case {
        constraint: "mailbox_move_target",
        ok: "SELECT 1",
        bad: "INSERT INTO mailboxes (name, host, port, username, processed_action) VALUES ('m', 'h', 993, 'u', 'move')",
    },
    Case {
        constraint: "mailbox_port_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO mailboxes (name, host, port, username) VALUES ('m', 'h', 70000, 'u')",
    },
    Case {
        constraint: "approval_slot_for_pick",
        ok: "INSERT INTO approval_tokens (request_id, user_id, action, slot_index, token_hash, expires_at) VALUES ((SELECT id FROM availability_requests LIMIT 1), $U, 'pick_slot', 2, '\\x01', now() + interval '1 day')",
        bad: "INSERT INTO approval_tokens (request_id, user_id, action, token_hash, expires_at) VALUES ((SELECT id FROM availability_requests LIMIT 1), $U, 'pick_slot', '\\x02', now() + interval '1 day')",
    },
    Case {
        constraint: "approval_tokens_token_hash_key",
        ok: "SELECT 1",
        bad: "INSERT INTO approval_tokens (request_id, user_id, action, token_hash, expires_at) VALUES ((SELECT id FROM availability_requests LIMIT 1), $U, 'send', '\\x01', now() + interval '1 day')",
    },
    Case {
        constraint: "no_overlapping_active_holds",
        ok: "INSERT INTO holds (user_id, during, expires_at) VALUES ($U, tstzrange('2026-12-01T10:00Z', '2026-12-01T11:00Z'), now() + interval '1 day')",
        bad: "INSERT INTO holds (user_id, during, expires_at) VALUES ($U, tstzrange('2026-12-01T10:30Z', '2026-12-01T11:30Z'), now() + interval '1 day')",
    },
    Case {
        constraint: "hold_range_valid",
        ok: "SELECT 1",
        bad: "INSERT INTO holds (user_id, during, expires_at) VALUES ($U, tstzrange('2026-12-05T10:00Z', NULL), now() + interval '1 day')",
    },
    Case {
        constraint: "no_overlapping_bookings",
        ok: "INSERT INTO bookings (user_id, during, ics_uid) VALUES ($U, tstzrange('2026-12-01T10:00Z', '2026-12-01T11:00Z'), 'b1')",
        bad: "INSERT INTO bookings (user_id, during, ics_uid) VALUES ($U, tstzrange('2026-12-01T10:59Z', '2026-12-01T12:00Z'), 'b2')",
    },
    Case {
        constraint: "bookings_ics_uid_key",
        ok: "SELECT 1",
        bad: "INSERT INTO bookings (user_id, during, ics_uid) VALUES ($U, tstzrange('2026-12-09T10:00Z', '2026-12-09T11:00Z'), 'b1')",
    },
];

#[tokio::test]
async fn every_guarding_constraint_refuses_bad_rows() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "owner@example.org").await;
    let cal = support::calendar(&db.pool, user, "Work").await;
    support::event(
        &db.pool,
        cal,
        "2026-11-30T10:00:00Z",
        "2026-11-30T11:00:00Z",
    )
    .await;
    let fill = |sql: &str| {
        sql.replace("$U", &format!("'{user}'"))
            .replace("$C", &format!("'{cal}'"))
    };
    let mut failures = Vec::new();
    for case in CASES {
        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(fill(case.ok)))
            .execute(&db.pool)
            .await
        {
            failures.push(format!(
                "{}: the valid row was refused: {e}",
                case.constraint
            ));
            continue;
        }
        match sqlx::query(sqlx::AssertSqlSafe(fill(case.bad)))
            .execute(&db.pool)
            .await
        {
            Ok(_) => failures.push(format!("{}: the bad row was accepted", case.constraint)),
            Err(e) if violated(&e).as_deref() == Some(case.constraint) => {}
            Err(e) => failures.push(format!(
                "{}: refused for another reason: {e}",
                case.constraint
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn partial_uniques_release_their_slot() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "owner@example.org").await;
    let other = support::user(&db.pool, "second@example.org").await;

    // The same Message-ID CC'd to two users is two requests (fix 4).
    for u in [user, other] {
        sqlx::query("INSERT INTO availability_requests (user_id, email_message_id, from_email) VALUES ($1, '<same@x>', 'g@example.org')")
            .bind(u).execute(&db.pool).await.unwrap();
    }
    // A soft-deleted primary calendar frees the primary slot.
    sqlx::query("INSERT INTO calendars (user_id, type, name, is_primary, deleted_at) VALUES ($1, 'ics', 'old', true, now())")
        .bind(user).execute(&db.pool).await.unwrap();
    sqlx::query(
        "INSERT INTO calendars (user_id, type, name, is_primary) VALUES ($1, 'ics', 'new', true)",
    )
    .bind(user)
    .execute(&db.pool)
    .await
    .unwrap();
    // A default template per language.
    for lang in ["en", "fr"] {
        sqlx::query("INSERT INTO email_templates (user_id, name, type, subject, body, is_default, language) VALUES ($1, 'd', 'decline', 's', 'b', true, $2)")
            .bind(user).bind(lang).execute(&db.pool).await.unwrap();
    }
    // A finished job frees its dedupe key.
    sqlx::query("INSERT INTO job_queue (job_type, payload, dedupe_key, status) VALUES ('x', '{}', 'k', 'completed')")
        .execute(&db.pool).await.unwrap();
    sqlx::query("INSERT INTO job_queue (job_type, payload, dedupe_key) VALUES ('x', '{}', 'k')")
        .execute(&db.pool)
        .await
        .unwrap();
    // A cancelled booking and a released hold no longer block their time.
    sqlx::query("INSERT INTO bookings (user_id, during, ics_uid, status, cancelled_at) VALUES ($1, tstzrange('2026-12-01T10:00Z', '2026-12-01T11:00Z'), 'c1', 'cancelled', now())")
        .bind(user).execute(&db.pool).await.unwrap();
    sqlx::query("INSERT INTO bookings (user_id, during, ics_uid) VALUES ($1, tstzrange('2026-12-01T10:00Z', '2026-12-01T11:00Z'), 'c2')")
        .bind(user).execute(&db.pool).await.unwrap();
    // Adjacent bookings do not overlap ([10:00, 11:00) and [11:00, 12:00)), other users never clash.
    sqlx::query("INSERT INTO bookings (user_id, during, ics_uid) VALUES ($1, tstzrange('2026-12-01T11:00Z', '2026-12-01T12:00Z'), 'c3')")
        .bind(user).execute(&db.pool).await.unwrap();
    sqlx::query("INSERT INTO bookings (user_id, during, ics_uid) VALUES ($1, tstzrange('2026-12-01T10:00Z', '2026-12-01T11:00Z'), 'c4')")
        .bind(other).execute(&db.pool).await.unwrap();
}

#[tokio::test]
async fn two_racing_bookings_of_one_slot_commit_once() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "racer@example.org").await;
    let mut handles = Vec::new();
    for i in 0..8 {
        let pool = db.pool.clone();
        handles.push(tokio::spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            let r = sqlx::query("INSERT INTO bookings (user_id, during, ics_uid) VALUES ($1, tstzrange('2026-12-07T15:00Z', '2026-12-07T15:30Z'), $2)")
                .bind(user)
                .bind(format!("race-{i}"))
                .execute(&mut *tx)
                .await;
            match r {
                Ok(_) => tx.commit().await.is_ok(),
                Err(e) => {
                    assert_eq!(violated(&e).as_deref(), Some("no_overlapping_bookings"), "{e}");
                    false
                }
            }
        }));
    }
    let mut won = 0;
    for h in handles {
        if h.await.unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}
