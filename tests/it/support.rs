//! Test databases: a template migrated once per test process, a fresh copy per test, dropped after.

use std::str::FromStr;
use std::sync::OnceLock;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::sync::OnceCell;

/// The server the tests use: TEST_ADMIN_DATABASE_URL, else the machine's PostgreSQL on loopback.
/// A test needing it fails loudly when it is missing; it is never skipped.
pub fn admin_url() -> String {
    std::env::var("TEST_ADMIN_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

pub fn admin_options() -> PgConnectOptions {
    PgConnectOptions::from_str(&admin_url())
        .expect("TEST_ADMIN_DATABASE_URL is a valid URL")
        .log_statements(tracing::log::LevelFilter::Trace)
}

pub async fn admin() -> PgConnection {
    admin_options().connect().await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required for the integration tests and is not reachable at {}: {e}. \
             Start it (scripts/test.sh does) or set TEST_ADMIN_DATABASE_URL.",
            admin_url()
        )
    })
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template, named after the migrations' checksums so a changed schema gets a new one.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let mut sum = 0u64;
            for m in cams::db::MIGRATOR.iter() {
                for b in m.checksum.iter() {
                    sum = sum.wrapping_mul(31).wrapping_add(*b as u64);
                }
            }
            let name = format!("cams_it_tpl_{:012x}", sum & 0xffff_ffff_ffff);
            let mut admin = admin().await;
            // Serialise with other test processes building the same template.
            sqlx::query("SELECT pg_advisory_lock(727274)")
                .execute(&mut admin)
                .await
                .unwrap();
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut admin)
                    .await
                    .unwrap();
            if !exists {
                let building = format!("{name}_building");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {building}")))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                {
                    let pool = PgPoolOptions::new()
                        .max_connections(2)
                        .connect_with(admin_options().database(&building))
                        .await
                        .unwrap();
                    cams::db::migrate(&pool)
                        .await
                        .expect("migrations apply to an empty database");
                    pool.close().await;
                }
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "ALTER DATABASE {building} RENAME TO {name}"
                )))
                .execute(&mut admin)
                .await
                .unwrap();
            }
            sqlx::query("SELECT pg_advisory_unlock(727274)")
                .execute(&mut admin)
                .await
                .unwrap();
            let _ = admin.close().await;
            name
        })
        .await
}

/// A database of its own for one test, a copy of the migrated template; dropped when the value
/// is dropped, also when the test panics.
pub struct TestDb {
    pub name: String,
    pub pool: PgPool,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let template = template().await;
        let name = format!("cams_it_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin().await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        )))
        .execute(&mut admin)
        .await
        .unwrap();
        let _ = admin.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(12)
            .connect_with(admin_options().database(&name))
            .await
            .unwrap();
        TestDb { name, pool }
    }

    /// An empty database (no migrations), for testing the migrations themselves.
    pub async fn empty() -> TestDb {
        let name = format!("cams_it_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let _ = admin.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(admin_options().database(&name))
            .await
            .unwrap();
        TestDb { name, pool }
    }

    pub fn url(&self) -> String {
        let mut u = url::Url::parse(&admin_url()).unwrap();
        u.set_path(&format!("/{}", self.name));
        u.to_string()
    }

    /// A CAMS configuration pointing at this database.
    pub fn config(&self) -> cams::config::Config {
        let mut c = cams::config::Config::defaults();
        c.database.url = Some(secrecy::SecretString::from(self.url()));
        c
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        drop_database(self.name.clone());
    }
}

/// Drops a database from a thread of its own, so it works inside and outside a runtime.
pub fn drop_database(name: String) {
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            if let Ok(mut admin) = admin_options().connect().await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await;
            }
        });
    })
    .join();
}

/// Makes a user and returns its id.
pub async fn user(pool: &PgPool, email: &str) -> uuid::Uuid {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, timezone) VALUES ($1, $1, 'Europe/Paris') RETURNING id",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Makes a calendar for a user and returns its id.
pub async fn calendar(pool: &PgPool, user: uuid::Uuid, name: &str) -> uuid::Uuid {
    sqlx::query_scalar(
        "INSERT INTO calendars (user_id, type, name) VALUES ($1, 'ics', $2) RETURNING id",
    )
    .bind(user)
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Makes an event and returns its id.
pub async fn event(pool: &PgPool, calendar: uuid::Uuid, start: &str, end: &str) -> uuid::Uuid {
    sqlx::query_scalar(
        "INSERT INTO events (calendar_id, title, start_time, end_time)
         VALUES ($1, 'Private title', $2::timestamptz, $3::timestamptz) RETURNING id",
    )
    .bind(calendar)
    .bind(start)
    .bind(end)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Initialises test logging once (RUST_LOG decides what shows).
pub fn logging() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    });
}

/// The constraint a failed statement violated.
pub fn violated(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.constraint().map(str::to_string),
        _ => None,
    }
}
