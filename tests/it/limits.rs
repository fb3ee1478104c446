//! Automatic-reply limits held in PostgreSQL: exact under concurrency, returned on rollback.

use std::time::Duration;

use cams::db::rate_limits::{self, Scope};

use crate::support::{self, TestDb};

#[tokio::test]
async fn concurrent_workers_never_exceed_the_sender_limit() {
    let db = TestDb::new().await;
    let user = support::user(&db.pool, "alice@example.com").await;
    let mut handles = Vec::new();
    for _ in 0..12 {
        let pool = db.pool.clone();
        handles.push(tokio::spawn(async move {
            let mut tx = pool.begin().await.unwrap();
            let ok = rate_limits::try_take(
                &mut tx,
                Some(user),
                Scope::Sender,
                "Guest@Example.org",
                5,
                Duration::from_secs(86400),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            ok
        }));
    }
    let mut granted = 0;
    for h in handles {
        if h.await.unwrap() {
            granted += 1;
        }
    }
    assert_eq!(granted, 5);
    // Keys are case-insensitive (addresses), and other users have their own allowance.
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        rate_limits::used(
            &mut conn,
            Some(user),
            Scope::Sender,
            "guest@example.org",
            Duration::from_secs(86400)
        )
        .await
        .unwrap(),
        5
    );
    let bob = support::user(&db.pool, "bob@example.com").await;
    assert!(
        rate_limits::try_take(
            &mut conn,
            Some(bob),
            Scope::Sender,
            "guest@example.org",
            5,
            Duration::from_secs(86400)
        )
        .await
        .unwrap()
    );
}

#[tokio::test]
async fn a_rolled_back_reply_gives_its_allowance_back_and_windows_expire() {
    let db = TestDb::new().await;
    let day = Duration::from_secs(86400);
    let mut tx = db.pool.begin().await.unwrap();
    assert!(
        rate_limits::try_take(&mut tx, None, Scope::Thread, "<root@x>", 1, day)
            .await
            .unwrap()
    );
    tx.rollback().await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(
        rate_limits::try_take(&mut conn, None, Scope::Thread, "<root@x>", 1, day)
            .await
            .unwrap()
    );
    assert!(
        !rate_limits::try_take(&mut conn, None, Scope::Thread, "<root@x>", 1, day)
            .await
            .unwrap()
    );
    // Outside the window the old reply no longer counts.
    sqlx::query("UPDATE auto_reply_events SET created_at = now() - interval '2 days'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(
        rate_limits::try_take(&mut conn, None, Scope::Thread, "<root@x>", 1, day)
            .await
            .unwrap()
    );
}
