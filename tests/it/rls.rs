//! Row-level security: a user reads only their calendars and events, and what is shared with them.

use crate::support::{self, TestDb};
use cams::db::{begin_for_user, begin_system};

async fn visible(db: &TestDb, as_user: uuid::Uuid) -> (Vec<String>, i64) {
    let mut tx = begin_for_user(&db.pool, as_user).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT name::text FROM calendars ORDER BY name")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    (names, events)
}

#[tokio::test]
async fn users_see_only_their_own_and_accepted_shares() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.org").await;
    let bob = support::user(&db.pool, "bob@example.org").await;
    let a_cal = support::calendar(&db.pool, alice, "alice-work").await;
    let b_cal = support::calendar(&db.pool, bob, "bob-work").await;
    support::event(
        &db.pool,
        a_cal,
        "2026-12-01T10:00:00Z",
        "2026-12-01T11:00:00Z",
    )
    .await;
    let b_event = support::event(
        &db.pool,
        b_cal,
        "2026-12-01T10:00:00Z",
        "2026-12-01T11:00:00Z",
    )
    .await;
    support::event(
        &db.pool,
        b_cal,
        "2026-12-02T10:00:00Z",
        "2026-12-02T11:00:00Z",
    )
    .await;

    assert_eq!(
        visible(&db, alice).await,
        (vec!["alice-work".to_string()], 1)
    );
    assert_eq!(visible(&db, bob).await, (vec!["bob-work".to_string()], 2));

    // A share that was not accepted gives nothing.
    sqlx::query("INSERT INTO calendar_shares (calendar_id, shared_with_user_id, shared_by_user_id) VALUES ($1, $2, $3)")
        .bind(b_cal).bind(alice).bind(bob).execute(&db.pool).await.unwrap();
    assert_eq!(
        visible(&db, alice).await,
        (vec!["alice-work".to_string()], 1)
    );

    // Accepted: Alice reads Bob's calendar and its events...
    sqlx::query("UPDATE calendar_shares SET accepted = true, accepted_at = now()")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        visible(&db, alice).await,
        (vec!["alice-work".to_string(), "bob-work".to_string()], 3)
    );

    // ...but a read share cannot change them.
    let mut tx = begin_for_user(&db.pool, alice).await.unwrap();
    let changed = sqlx::query("UPDATE events SET title = 'hijacked' WHERE id = $1")
        .bind(b_event)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 0);
    let deleted = sqlx::query("DELETE FROM calendars WHERE id = $1")
        .bind(b_cal)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(deleted, 0);
    // Nor can she create a calendar in Bob's name.
    let err = sqlx::query("INSERT INTO calendars (user_id, type, name) VALUES ($1, 'ics', 'fake')")
        .bind(bob)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    // An expired share reads nothing again.
    sqlx::query("UPDATE calendar_shares SET expires_at = now() - interval '1 second'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        visible(&db, alice).await,
        (vec!["alice-work".to_string()], 1)
    );
}

#[tokio::test]
async fn without_a_user_the_application_role_sees_nothing_and_system_sees_all() {
    let db = TestDb::new().await;
    let alice = support::user(&db.pool, "alice@example.org").await;
    let cal = support::calendar(&db.pool, alice, "alice-work").await;
    support::event(
        &db.pool,
        cal,
        "2026-12-01T10:00:00Z",
        "2026-12-01T11:00:00Z",
    )
    .await;

    // The application role with no user set: fail closed, and no error either.
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE cams_app")
        .execute(&mut *tx)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM calendars")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // It cannot switch itself to system mode either: that policy is for the owner role only.
    sqlx::query("SELECT set_config('app.system', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    tx.rollback().await.unwrap();

    let mut tx = begin_system(&db.pool).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 1);
    tx.rollback().await.unwrap();

    // Both tables force RLS, so the owner is subject to the policies when it is not a superuser.
    let forced: Vec<(String, bool, bool)> = sqlx::query_as(
        "SELECT relname::text, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname IN ('calendars', 'events') ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        forced,
        vec![
            ("calendars".into(), true, true),
            ("events".into(), true, true)
        ]
    );
}
