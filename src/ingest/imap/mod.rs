//! IMAP ingest: one poller per mailbox (config and `mailboxes` table), IDLE or polling, a
//! UIDVALIDITY/UID checkpoint, a lease so one process polls each mailbox, reconnect with backoff.
//!
//! Why a lease in the `mailboxes` row rather than an advisory lock: a session advisory lock must be
//! held on one dedicated connection for as long as the mailbox is polled (one pooled connection per
//! mailbox, lost silently behind a transaction-mode pooler), while a lease costs one UPDATE per
//! renewal, is visible (`lease_owner`, `lease_until`) and fences the checkpoint: a process whose
//! lease ran out cannot move the checkpoint of a mailbox another process has taken over. The price
//! is that a crashed process's mailbox waits up to `imap.lease_secs` for a new poller.

mod backoff;
mod checkpoint;
mod poller;
mod settings;
mod transport;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::postgres::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

pub use backoff::Backoff;
pub use checkpoint::{Plan, advance, plan};
pub use poller::{PollerOptions, run_poller};
pub use settings::{FlagError, MailboxSettings, Processed, ProcessedFlag, SettingsError};
pub use transport::{ImapSession, ImapStream, connect, xoauth2_response};

use crate::config::{Config, ImapMailboxConfig};
use crate::crypto::SecretBox;
use crate::db::DbError;
use crate::db::mailboxes::{self, ConfiguredMailbox};

/// Why a poller's session ended.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("login refused: {0}")]
    Auth(String),
    #[error("server refused: {0}")]
    Refused(String),
    #[error("connection closed {0}")]
    Closed(&'static str),
    #[error("timed out: {0}")]
    Timeout(&'static str),
    #[error("the server gave no UIDVALIDITY for the folder")]
    NoUidValidity,
    #[error("the lease was lost to another process")]
    LeaseLost,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A running poller, as the caller sees it.
#[derive(Debug, Clone)]
pub struct PollerHandle {
    pub mailbox_id: Uuid,
    pub name: String,
    polling: Arc<AtomicBool>,
}

impl PollerHandle {
    /// Whether this process holds the mailbox's lease and is connected to it right now.
    pub fn is_polling(&self) -> bool {
        self.polling.load(Ordering::SeqCst)
    }
}

/// The owner name this process uses for leases: host, pid and a random part.
pub fn process_owner() -> String {
    let host = nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "host".into());
    format!(
        "{host}:{}:{}",
        std::process::id(),
        &Uuid::new_v4().simple().to_string()[..8]
    )
}

fn configured<'a>(m: &'a ImapMailboxConfig) -> ConfiguredMailbox<'a> {
    use crate::config::{ImapAuth, ImapProcessed, ImapTls};
    ConfiguredMailbox {
        name: &m.name,
        user_email: m.user_email.as_deref(),
        host: &m.host,
        port: m.port,
        tls_mode: match m.tls {
            ImapTls::Tls => "tls",
            ImapTls::Starttls => "starttls",
            ImapTls::Plain => "plain",
        },
        username: &m.username,
        auth_method: match m.auth {
            ImapAuth::Password => "password",
            ImapAuth::Xoauth2 => "xoauth2",
        },
        folder: &m.folder,
        processed_action: match m.processed {
            ImapProcessed::Flag => "flag",
            ImapProcessed::Move => "move",
        },
        move_to_folder: m.move_to.as_deref(),
    }
}

/// Writes the configured mailboxes to their rows, then starts one poller per active mailbox
/// (configured or table-only) on `tracker`, each stopping when `shutdown` fires. `owner` names
/// this process in the leases. A table mailbox whose settings cannot be used is logged and
/// skipped; the others still start. Rows added to the table later are picked up every
/// `imap.refresh_secs`; a row set inactive loses its poller at the next lease renewal.
pub async fn start(
    pool: &PgPool,
    config: &Config,
    owner: &str,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) -> Result<Vec<PollerHandle>, DbError> {
    let imap = &config.imap;
    let mut from_config = Vec::new();
    for m in &imap.mailboxes {
        let id = mailboxes::upsert_configured(pool, &configured(m)).await?;
        from_config.push((id, m));
    }
    let secrets = SecretBox::from_config(config.secrets.encryption_key.as_ref()).ok();
    let options = PollerOptions::from_config(config, owner);
    let mut handles = Vec::new();
    let mut known = HashSet::new();
    for row in mailboxes::list_active(pool).await? {
        known.insert(row.id);
        let parsed = match from_config.iter().find(|(id, _)| *id == row.id) {
            Some((id, m)) => match &m.tls_ca_file {
                None => MailboxSettings::from_config(*id, m, &imap.processed_flag, None),
                Some(path) => match std::fs::read(path) {
                    Ok(pem) => {
                        MailboxSettings::from_config(*id, m, &imap.processed_flag, Some(pem))
                    }
                    Err(e) => Err(SettingsError::Invalid(
                        m.name.clone(),
                        format!("tls_ca_file {}: {e}", path.display()),
                    )),
                },
            },
            None => MailboxSettings::from_row(&row, secrets.as_ref(), &imap.processed_flag),
        };
        match parsed {
            Ok(s) => handles.push(spawn(pool, s, &options, shutdown, tracker)),
            Err(e) => not_polled(pool, &row, &e).await,
        }
    }
    tracker.spawn(watch_table(
        pool.clone(),
        secrets,
        imap.processed_flag.clone(),
        Duration::from_secs(imap.refresh_secs),
        options,
        shutdown.child_token(),
        tracker.clone(),
        known,
    ));
    Ok(handles)
}

fn spawn(
    pool: &PgPool,
    s: MailboxSettings,
    options: &PollerOptions,
    shutdown: &CancellationToken,
    tracker: &TaskTracker,
) -> PollerHandle {
    let polling = Arc::new(AtomicBool::new(false));
    let handle = PollerHandle {
        mailbox_id: s.id,
        name: s.name.clone(),
        polling: polling.clone(),
    };
    tracker.spawn(run_poller(
        pool.clone(),
        s,
        options.clone(),
        shutdown.child_token(),
        polling,
    ));
    handle
}

async fn not_polled(pool: &PgPool, row: &mailboxes::MailboxRow, e: &SettingsError) {
    // A row without a secret is usually a mailbox that was removed from the configuration:
    // set its is_active to false to silence this.
    tracing::warn!(mailbox = %row.name, "not polled: {e}");
    let _ = mailboxes::record_poll(pool, row.id, Some(&e.to_string())).await;
}

/// Starts pollers for mailboxes added to the table after start-up.
#[allow(clippy::too_many_arguments)]
async fn watch_table(
    pool: PgPool,
    secrets: Option<SecretBox>,
    default_flag: String,
    every: Duration,
    options: PollerOptions,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    mut known: HashSet<Uuid>,
) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let rows = match mailboxes::list_active(&pool).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!("cannot list mailboxes: {e}");
                continue;
            }
        };
        for row in rows {
            if !known.insert(row.id) {
                continue;
            }
            match MailboxSettings::from_row(&row, secrets.as_ref(), &default_flag) {
                Ok(s) => {
                    tracing::info!(mailbox = %s.name, "new mailbox in the table; polling it");
                    spawn(&pool, s, &options, &shutdown, &tracker);
                }
                Err(e) => not_polled(&pool, &row, &e).await,
            }
        }
    }
}
