//! All SQL lives here: connecting, migrating, scoping transactions for row-level security, tables.

pub mod api_tokens;
pub mod approvals;
pub mod audit;
pub mod bookings;
pub mod calendars;
pub mod connect;
pub mod events;
pub mod inbound;
pub mod jobs;
pub mod local_cluster;
pub mod mailboxes;
pub mod rate_limits;
pub mod requests;
pub mod responses;
pub mod templates;
pub mod users;

use sqlx::postgres::PgPool;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

pub use connect::{Database, open};

/// The migrations, embedded in the binary so `cams migrate` needs no files on disk.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Errors of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    NoServer(String),
    #[error("private PostgreSQL cluster: {0}")]
    LocalCluster(String),
}

impl DbError {
    /// Whether trying again later may succeed (the server was unreachable or busy), as opposed to
    /// a statement that will fail the same way every time.
    pub fn is_retryable(&self) -> bool {
        match self {
            DbError::Sqlx(e) => is_transient(e),
            DbError::NoServer(_) | DbError::LocalCluster(_) => true,
            DbError::Migrate(_) => false,
        }
    }

    /// The name of the constraint a statement violated, if that is what happened.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            DbError::Sqlx(sqlx::Error::Database(db)) => db.constraint(),
            _ => None,
        }
    }
}

/// Connection trouble, pool exhaustion, serialization failures and deadlocks pass with time.
pub fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            // serialization_failure, deadlock_detected, admin/crash shutdown, cannot_connect_now,
            // too_many_connections
            Some("40001" | "40P01" | "57P01" | "57P02" | "57P03" | "53300")
        ),
        _ => false,
    }
}

/// Applies pending migrations; a second run is a no-op. sqlx holds an advisory lock meanwhile, so
/// several processes starting at once migrate once.
pub async fn migrate(pool: &PgPool) -> Result<usize, DbError> {
    let before = applied_migrations(pool).await.unwrap_or(0);
    MIGRATOR.run(pool).await?;
    let after = applied_migrations(pool).await?;
    Ok(after.saturating_sub(before))
}

async fn applied_migrations(pool: &PgPool) -> Result<usize, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok(n as usize)
}

/// Creates this month's and the next months' partitions of the append-only tables.
pub async fn ensure_partitions(pool: &PgPool, months_ahead: i32) -> Result<i32, DbError> {
    Ok(sqlx::query_scalar("SELECT create_monthly_partitions($1)")
        .bind(months_ahead)
        .fetch_one(pool)
        .await?)
}

/// A transaction acting for one user: row-level security shows it only that user's rows (and what
/// is shared with them). It runs as `cams_app`, which has no way around the policies, so this holds
/// even when CAMS connects as a superuser.
pub async fn begin_for_user(
    pool: &PgPool,
    user_id: Uuid,
) -> Result<Transaction<'static, Postgres>, DbError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL ROLE cams_app")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT set_config('app.current_user_id', $1, true)")
        .bind(user_id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// A transaction for system work across users (sync, workers, maintenance).
pub async fn begin_system(pool: &PgPool) -> Result<Transaction<'static, Postgres>, DbError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('app.system', 'on', true)")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Routine upkeep: the seed's maintain_database procedure, then VACUUM ANALYZE of the busy
/// tables, which PostgreSQL only allows outside functions and transactions.
pub async fn maintain(pool: &PgPool) -> Result<(), DbError> {
    sqlx::query("CALL maintain_database()")
        .execute(pool)
        .await?;
    for table in [
        "events",
        "availability_requests",
        "sync_logs",
        "job_queue",
        "inbound_messages",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM (ANALYZE) {table}")))
            .execute(pool)
            .await?;
    }
    Ok(())
}
