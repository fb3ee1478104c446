//! Finding a PostgreSQL to use: the configured URL, the machine's server, or a private cluster.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::DbError;
use super::local_cluster::LocalCluster;
use crate::config::{Config, LocalDatabase};

/// An open pool, and the private cluster behind it when CAMS started one.
pub struct Database {
    pub pool: PgPool,
    /// Where the pool points, without any password: for logs and `check-config`.
    pub description: String,
    cluster: Option<LocalCluster>,
}

impl Database {
    /// Closes the pool and stops the private cluster if this process started it.
    pub async fn close(mut self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster.take() {
            cluster.stop().await;
        }
    }

    pub fn started_private_cluster(&self) -> bool {
        self.cluster.as_ref().is_some_and(|c| c.started_by_us())
    }
}

/// Opens the database the configuration points at, creating it when missing.
pub async fn open(config: &Config) -> Result<Database, DbError> {
    let db = &config.database;
    let timeout = Duration::from_secs(db.connect_timeout_secs);
    if let Some(url) = &db.url {
        let opts = PgConnectOptions::from_str(url.expose_secret())?;
        let opts = quiet(opts);
        let name = opts.get_database().unwrap_or("postgres").to_string();
        ensure_database(&opts, &name, timeout).await?;
        let description = describe(&opts, &name);
        let pool = pool(config, opts.database(&name)).await?;
        return Ok(Database {
            pool,
            description,
            cluster: None,
        });
    }

    let mut tried = Vec::new();
    if db.local != LocalDatabase::Private {
        for opts in local_candidates() {
            let where_ = describe(&opts, "postgres");
            match ensure_database(&opts, &db.name, timeout).await {
                Ok(()) => {
                    let description = describe(&opts, &db.name);
                    let pool = pool(config, opts.database(&db.name)).await?;
                    return Ok(Database {
                        pool,
                        description,
                        cluster: None,
                    });
                }
                Err(e) => tried.push(format!("{where_}: {}", short(&e))),
            }
        }
    }
    if db.local == LocalDatabase::System {
        return Err(no_server(&tried, None));
    }

    let dir = absolute(&config.data_dir).join("postgres");
    let cluster = match LocalCluster::start(&dir).await {
        Ok(c) => c,
        Err(e) => return Err(no_server(&tried, Some(&e))),
    };
    let opts = cluster.connect_options();
    let result = async {
        ensure_database(&opts, &db.name, timeout).await?;
        pool(config, opts.clone().database(&db.name)).await
    }
    .await;
    match result {
        Ok(pool) => Ok(Database {
            pool,
            description: format!(
                "private cluster in {} (database {})",
                dir.display(),
                db.name
            ),
            cluster: Some(cluster),
        }),
        Err(e) => {
            cluster.stop().await;
            Err(e)
        }
    }
}

fn no_server(tried: &[String], cluster: Option<&DbError>) -> DbError {
    let mut msg = String::from("no PostgreSQL server could be used.\n");
    for t in tried {
        msg.push_str(&format!("  tried {t}\n"));
    }
    if let Some(e) = cluster {
        msg.push_str(&format!("  could not start a private cluster: {e}\n"));
    }
    msg.push_str(
        "To get one, any of:\n  \
         - docker compose up -d db   (then DATABASE_URL=postgres://cams:cams@127.0.0.1:5432/cams)\n  \
         - apt-get install postgresql && pg_ctlcluster 15 main start\n  \
         - install the PostgreSQL server binaries (initdb, pg_ctl) so CAMS can run its own cluster\n  \
         - set DATABASE_URL (or CAMS_DATABASE__URL) to a server you have",
    );
    DbError::NoServer(msg)
}

fn short(e: &DbError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

fn quiet(opts: PgConnectOptions) -> PgConnectOptions {
    opts.log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(2))
}

/// The machine's server: unix sockets first (no password, no TCP), then loopback TCP; as the
/// PGUSER, the login user, then `postgres`.
fn local_candidates() -> Vec<PgConnectOptions> {
    let mut users: Vec<String> = Vec::new();
    for u in [
        std::env::var("PGUSER").ok(),
        std::env::var("USER").ok(),
        nix::unistd::User::from_uid(nix::unistd::geteuid())
            .ok()
            .flatten()
            .map(|u| u.name),
        Some("postgres".to_string()),
    ]
    .into_iter()
    .flatten()
    {
        if !u.is_empty() && !users.contains(&u) {
            users.push(u);
        }
    }
    let mut out = Vec::new();
    for dir in ["/var/run/postgresql", "/run/postgresql", "/tmp"] {
        if Path::new(dir).join(".s.PGSQL.5432").exists() {
            for u in &users {
                out.push(quiet(
                    PgConnectOptions::new_without_pgpass()
                        .socket(dir)
                        .port(5432)
                        .username(u),
                ));
            }
        }
    }
    for u in &users {
        out.push(quiet(
            PgConnectOptions::new_without_pgpass()
                .host("127.0.0.1")
                .port(5432)
                .username(u),
        ));
    }
    out
}

/// Connects to the server's maintenance database and creates `name` when it does not exist.
async fn ensure_database(
    opts: &PgConnectOptions,
    name: &str,
    timeout: Duration,
) -> Result<(), DbError> {
    // Connecting to the target first covers servers where we may not read pg_database or
    // connect to `postgres`, as long as the database exists.
    if let Ok(Ok(conn)) = tokio::time::timeout(timeout, opts.clone().database(name).connect()).await
    {
        let _ = sqlx::Connection::close(conn).await;
        return Ok(());
    }
    let mut conn = tokio::time::timeout(timeout, opts.clone().database("postgres").connect())
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)??;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        // The name was checked by the configuration (letters, digits, underscores).
        let created = sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await;
        match created {
            Ok(_) => tracing::info!(database = name, "created database"),
            // Another process created it between our check and our CREATE.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e.into()),
        }
    }
    let _ = sqlx::Connection::close(conn).await;
    Ok(())
}

async fn pool(config: &Config, opts: PgConnectOptions) -> Result<PgPool, DbError> {
    Ok(PgPoolOptions::new()
        .max_connections(config.database.max_connections)
        .acquire_timeout(Duration::from_secs(config.database.connect_timeout_secs))
        .connect_with(opts)
        .await?)
}

fn describe(opts: &PgConnectOptions, db: &str) -> String {
    match opts.get_socket() {
        Some(sock) => format!(
            "postgres://{}@[{}]:{}/{db}",
            opts.get_username(),
            sock.display(),
            opts.get_port()
        ),
        None => format!(
            "postgres://{}@{}:{}/{db}",
            opts.get_username(),
            opts.get_host(),
            opts.get_port()
        ),
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_server_error_lists_what_was_tried_and_how_to_get_a_server() {
        let e = no_server(
            &["postgres://root@127.0.0.1:5432/postgres: connection refused".into()],
            Some(&DbError::LocalCluster("initdb not found".into())),
        );
        let text = e.to_string();
        assert!(text.contains("tried postgres://root@127.0.0.1:5432/postgres: connection refused"));
        assert!(text.contains("could not start a private cluster"));
        assert!(text.contains("docker compose up -d db"));
        assert!(text.contains("DATABASE_URL"));
    }

    #[test]
    fn long_data_directories_get_a_short_socket_directory() {
        let short = super::super::local_cluster::socket_dir_for(Path::new("/srv/cams/postgres"));
        assert_eq!(short, Path::new("/srv/cams/postgres/run"));
        let deep = format!("/{}/postgres", "d".repeat(120));
        let sock = super::super::local_cluster::socket_dir_for(Path::new(&deep));
        assert!(
            sock.to_string_lossy().starts_with("/tmp/cams-pg-"),
            "{sock:?}"
        );
        assert!(sock.join(".s.PGSQL.5432").as_os_str().len() < 100);
    }
}
