//! Configuration: `config/default.toml`, an optional file, then `DATABASE_URL` and `CAMS_*` variables.

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

/// The defaults shipped with the binary, so a bare `cams` needs no file on disk.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// The whole effective configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub http: HttpConfig,
    pub log: LogConfig,
    pub worker: WorkerConfig,
    pub secrets: SecretsConfig,
    pub inbound: InboundConfig,
    pub calendar: CalendarConfig,
    pub imap: ImapConfig,
    pub outbound: OutboundConfig,
    pub limits: LimitsConfig,
    pub trust: TrustConfig,
    pub agent: AgentConfig,
}

/// How the agent answers: how much it offers, how sure it must be, how long things wait.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AgentConfig {
    /// Slots offered when the guest gave no time, or none of theirs is free.
    pub slot_count: usize,
    /// Offers are looked for this many days ahead.
    pub search_days: i64,
    /// Minutes between candidate start times.
    pub slot_step_minutes: i64,
    /// Offered slots are held (kept from other threads) this long.
    pub hold_hours: i64,
    /// Approval links expire after this long.
    pub approval_expiry_hours: i64,
    /// Free windows listed at most in an answer to "when are you free?".
    pub max_windows: usize,
    /// Minimum confidence to answer alone, per intent (cancel and reschedule are stricter).
    pub thresholds: crate::policy::Thresholds,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TrustConfig {
    #[serde(default)]
    pub authserv_id: Option<String>,
    pub verify_signatures: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LimitsConfig {
    pub auto_replies_per_sender_per_day: u32,
    pub auto_replies_per_thread: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DatabaseConfig {
    #[serde(default, serialize_with = "redact_opt")]
    pub url: Option<SecretString>,
    pub name: String,
    pub local: LocalDatabase,
    pub max_connections: u32,
    pub connect_timeout_secs: u64,
    pub migrate_on_start: bool,
}

/// What to do when no database URL is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LocalDatabase {
    /// The machine's server if one answers, else a private cluster in the data directory.
    Auto,
    /// Only the machine's server.
    System,
    /// Always the private cluster in the data directory.
    Private,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct HttpConfig {
    pub bind: SocketAddr,
    pub public_url: url::Url,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WorkerConfig {
    pub concurrency: usize,
    pub lease_secs: u64,
    pub poll_interval_ms: u64,
    pub reaper_interval_secs: u64,
    pub retry_base_secs: f64,
    pub retry_cap_secs: f64,
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct InboundConfig {
    pub max_message_bytes: usize,
    #[serde(default, serialize_with = "redact_opt")]
    pub webhook_secret: Option<SecretString>,
    #[serde(default, serialize_with = "redact_opt")]
    pub mailgun_signing_key: Option<SecretString>,
    pub signature_max_age_secs: u64,
    pub max_attempts: i32,
}

/// Calendar sync: network limits for feeds and CalDAV, the materialised horizon, staleness.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CalendarConfig {
    pub allow_private_addresses: bool,
    pub fetch_timeout_secs: u64,
    pub max_feed_bytes: usize,
    pub horizon_days: u32,
    pub past_days: u32,
    pub stale_margin_secs: u64,
}

/// Mail CAMS sends: who it is from, how Message-IDs are made, throttling, and the SMTP relay.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OutboundConfig {
    /// The From of every email CAMS sends (`Name <address>` or a bare address).
    pub from: String,
    /// The right-hand side of the Message-IDs CAMS makes: `<response-id@message_id_domain>`.
    pub message_id_domain: String,
    /// Other addresses that are CAMS itself (aliases), never put among a reply's recipients.
    pub own_addresses: Vec<String>,
    /// A send is tried this many times in all before the response is marked failed.
    pub max_attempts: i32,
    /// Sends allowed per recipient domain per minute, with this burst.
    pub per_domain_per_minute: u32,
    pub per_domain_burst: u32,
    /// A throttled send waits this long at most, then goes back to the queue to try later.
    pub throttle_max_wait_secs: u64,
    pub smtp: SmtpConfig,
}

/// The SMTP relay. With no host, mail is written to `<data_dir>/outbox` as `.eml` files.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SmtpConfig {
    #[serde(default)]
    pub host: Option<String>,
    pub port: u16,
    pub security: SmtpSecurity,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default, serialize_with = "redact_opt")]
    pub password: Option<SecretString>,
    pub timeout_secs: u64,
    /// Open connections kept for reuse.
    pub pool_max_size: u32,
    /// A PEM file of extra root certificates to trust (a private relay's CA), besides the
    /// built-in Mozilla roots.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, then STARTTLS, which must succeed (port 587).
    Starttls,
    /// No encryption at all: loopback and tests only.
    None,
}

/// IMAP polling: process-wide settings and the mailboxes named in configuration (more can live in
/// the `mailboxes` table).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ImapConfig {
    /// Whether `cams serve` runs the pollers at all.
    pub enabled: bool,
    /// How long a process holds a mailbox; renewed at a third of it.
    pub lease_secs: u64,
    /// IDLE is ended and re-issued after this long (RFC 2177: servers may drop it after 30 min).
    pub idle_reissue_secs: u64,
    /// Polling interval when the server lacks IDLE or a mailbox turns IDLE off.
    pub poll_interval_secs: u64,
    /// First reconnect delay; doubles per failure up to the cap, with jitter.
    pub backoff_base_ms: u64,
    pub backoff_cap_secs: u64,
    /// TCP connect, TLS handshake, greeting and login, and every command, each bounded by this.
    pub timeout_secs: u64,
    /// Messages fetched per FETCH command.
    pub fetch_batch: usize,
    /// The flag or keyword set on processed mail when a mailbox does not name its own.
    pub processed_flag: String,
    /// How often the `mailboxes` table is read for mailboxes added while running.
    pub refresh_secs: u64,
    pub mailboxes: Vec<ImapMailboxConfig>,
}

/// One `[[imap.mailboxes]]` entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImapMailboxConfig {
    /// Unique; the `mailboxes` row of the same name holds its checkpoint and lease.
    pub name: String,
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub tls: ImapTls,
    /// PEM certificates trusted for this server besides the public roots (a private CA, a
    /// self-signed test server). Read when the pollers start.
    #[serde(default)]
    pub tls_ca_file: Option<PathBuf>,
    pub username: String,
    #[serde(default)]
    pub auth: ImapAuth,
    /// The password, or the OAuth access token for `auth = "xoauth2"`.
    #[serde(serialize_with = "redact")]
    pub password: SecretString,
    #[serde(default = "default_folder")]
    pub folder: String,
    #[serde(default)]
    pub processed: ImapProcessed,
    /// Overrides `imap.processed_flag` for this mailbox.
    #[serde(default)]
    pub processed_flag: Option<String>,
    /// Target folder for `processed = "move"` (created when missing).
    #[serde(default)]
    pub move_to: Option<String>,
    /// Use IDLE when the server offers it; false polls every `imap.poll_interval_secs`.
    #[serde(default = "default_true")]
    pub idle: bool,
    /// The CAMS user this mailbox belongs to; unset: the shared agent address.
    #[serde(default)]
    pub user_email: Option<String>,
}

fn default_folder() -> String {
    "INBOX".to_string()
}

fn default_true() -> bool {
    true
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapTls {
    /// TLS from the first byte (port 993).
    #[default]
    Tls,
    /// Plain, then STARTTLS before login (RFC 3501 section 6.2.1).
    Starttls,
    /// No TLS at all: only for loopback test servers.
    Plain,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapAuth {
    /// LOGIN with a password.
    #[default]
    Password,
    /// SASL XOAUTH2 with an OAuth access token (Gmail, Microsoft 365).
    Xoauth2,
}

/// What happens to a message on the server once it is stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapProcessed {
    /// Set the processed flag (a keyword or `\Seen`).
    #[default]
    Flag,
    /// Move it to `move_to` (MOVE, or COPY + \Deleted + EXPUNGE).
    Move,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SecretsConfig {
    #[serde(default, serialize_with = "redact_opt")]
    pub encryption_key: Option<SecretString>,
    #[serde(default, serialize_with = "redact_opt")]
    pub link_signing_key: Option<SecretString>,
}

fn redact<S: Serializer>(_: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("[redacted]")
}

fn redact_opt<S: Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => s.serialize_str("[redacted]"),
        None => s.serialize_none(),
    }
}

impl OutboundConfig {
    /// The checks of the `[outbound]` section, each naming its key.
    fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let mut bad = |key: &str, message: String| {
            out.push(ConfigProblem {
                key: format!("outbound.{key}"),
                message,
            })
        };
        if let Err(e) = self.from.parse::<lettre::message::Mailbox>() {
            bad("from", format!("not an email address: {e}"));
        }
        if !crate::outbound::threading::valid_id_domain(&self.message_id_domain) {
            bad(
                "message_id_domain",
                "must be a domain name such as cams.example.org".into(),
            );
        }
        for (i, a) in self.own_addresses.iter().enumerate() {
            if a.parse::<lettre::Address>().is_err() {
                bad(
                    &format!("own_addresses[{i}]"),
                    "not an email address".into(),
                );
            }
        }
        if self.max_attempts < 1 {
            bad("max_attempts", "must be at least 1".into());
        }
        if self.per_domain_per_minute == 0 {
            bad("per_domain_per_minute", "must be at least 1".into());
        }
        if self.per_domain_burst == 0 {
            bad("per_domain_burst", "must be at least 1".into());
        }
        if let Some(host) = &self.smtp.host
            && url::Host::parse(host).is_err()
        {
            bad("smtp.host", "must be a host name or an IP address".into());
        }
        if self.smtp.port == 0 {
            bad("smtp.port", "must be a TCP port".into());
        }
        if self.smtp.password.is_some() && self.smtp.username.is_none() {
            bad(
                "smtp.username",
                "is required when smtp.password is set".into(),
            );
        }
        if self.smtp.timeout_secs == 0 {
            bad("smtp.timeout_secs", "must be at least 1".into());
        }
        if self.smtp.pool_max_size == 0 {
            bad("smtp.pool_max_size", "must be at least 1".into());
        }
        out
    }
}

/// One thing wrong with the configuration, named by its dotted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ConfigProblem>),
    #[error("cannot read configuration file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ConfigError {
    /// The keys named by the problems, for callers and tests.
    pub fn keys(&self) -> Vec<String> {
        match self {
            ConfigError::Invalid(problems) => problems.iter().map(|p| p.key.clone()).collect(),
            ConfigError::File { .. } => Vec::new(),
        }
    }
}

impl Config {
    /// The layered sources: defaults, then `file`, then `DATABASE_URL`, then `CAMS_*` variables.
    pub fn figment(file: Option<&Path>) -> Result<Figment, ConfigError> {
        let mut fig = Figment::new().merge(Toml::string(DEFAULT_TOML));
        if let Some(path) = file {
            // Read it ourselves: figment silently ignores a missing file, and a typo in
            // --config must not fall back to the defaults unnoticed.
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::File {
                path: path.to_path_buf(),
                source,
            })?;
            fig = fig.merge(Toml::string(&text));
        }
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.is_empty()
        {
            fig = fig.merge(("database.url", url));
        }
        Ok(fig.merge(Env::prefixed("CAMS_").split("__").ignore(&["config"])))
    }

    /// Loads and checks the configuration from the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Config::from_figment(&Config::figment(file)?)
    }

    /// Extracts and checks; every problem is reported, not just the first.
    pub fn from_figment(fig: &Figment) -> Result<Config, ConfigError> {
        let mut problems = unknown_keys(fig);
        // Each section on its own, so one bad value does not hide the others.
        problems.extend(section_problems::<PathBuf>(fig, "data_dir"));
        problems.extend(section_problems::<DatabaseConfig>(fig, "database"));
        problems.extend(section_problems::<HttpConfig>(fig, "http"));
        problems.extend(section_problems::<LogConfig>(fig, "log"));
        problems.extend(section_problems::<WorkerConfig>(fig, "worker"));
        problems.extend(section_problems::<SecretsConfig>(fig, "secrets"));
        problems.extend(section_problems::<InboundConfig>(fig, "inbound"));
        problems.extend(section_problems::<LimitsConfig>(fig, "limits"));
        problems.extend(section_problems::<TrustConfig>(fig, "trust"));
        problems.extend(section_problems::<OutboundConfig>(fig, "outbound"));
        problems.extend(section_problems::<ImapConfig>(fig, "imap"));
        problems.extend(section_problems::<CalendarConfig>(fig, "calendar"));
        problems.extend(section_problems::<AgentConfig>(fig, "agent"));
        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems));
        }
        let config: Config = fig.extract().map_err(|e| {
            ConfigError::Invalid(vec![ConfigProblem {
                key: e.path.join("."),
                message: e.kind.to_string(),
            }])
        })?;
        let problems = config.semantic_problems();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// Checks that types alone cannot express.
    fn semantic_problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let mut bad = |key: &str, message: String| {
            out.push(ConfigProblem {
                key: key.to_string(),
                message,
            })
        };
        if let Some(url) = &self.database.url {
            match url::Url::parse(url.expose_secret()) {
                Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") => {}
                Ok(u) => bad(
                    "database.url",
                    format!(
                        "scheme must be postgres:// or postgresql://, not {}://",
                        u.scheme()
                    ),
                ),
                // The parse error never includes the URL, so no password is printed.
                Err(e) => bad("database.url", format!("not a URL: {e}")),
            }
        }
        if !valid_database_name(&self.database.name) {
            bad(
                "database.name",
                "use 1-63 letters, digits and underscores, starting with a letter".into(),
            );
        }
        if self.database.max_connections == 0 {
            bad("database.max_connections", "must be at least 1".into());
        }
        if self.database.connect_timeout_secs == 0 {
            bad("database.connect_timeout_secs", "must be at least 1".into());
        }
        if !matches!(self.http.public_url.scheme(), "http" | "https") {
            bad(
                "http.public_url",
                "must be an http:// or https:// URL".into(),
            );
        }
        if self.http.request_timeout_secs == 0 {
            bad("http.request_timeout_secs", "must be at least 1".into());
        }
        if self.http.body_limit_bytes < 1024 {
            bad("http.body_limit_bytes", "must be at least 1024".into());
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            bad("log.level", format!("not a tracing filter: {e}"));
        }
        if self.worker.lease_secs < 2 {
            bad("worker.lease_secs", "must be at least 2".into());
        }
        if self.worker.poll_interval_ms == 0 {
            bad("worker.poll_interval_ms", "must be at least 1".into());
        }
        if self.worker.reaper_interval_secs == 0 {
            bad("worker.reaper_interval_secs", "must be at least 1".into());
        }
        if !(self.worker.retry_base_secs.is_finite() && self.worker.retry_base_secs > 0.0) {
            bad("worker.retry_base_secs", "must be a positive number".into());
        }
        if !(self.worker.retry_cap_secs.is_finite()
            && self.worker.retry_cap_secs >= self.worker.retry_base_secs)
        {
            bad(
                "worker.retry_cap_secs",
                "must be a number not below worker.retry_base_secs".into(),
            );
        }
        if self.inbound.max_message_bytes < 1024 {
            bad("inbound.max_message_bytes", "must be at least 1024".into());
        }
        if self.inbound.max_attempts < 1 {
            bad("inbound.max_attempts", "must be at least 1".into());
        }
        if let Some(secret) = &self.inbound.webhook_secret
            && secret.expose_secret().len() < 16
        {
            bad(
                "inbound.webhook_secret",
                "must be at least 16 characters".into(),
            );
        }
        self.imap_problems(&mut bad);
        if let Some(key) = &self.secrets.link_signing_key
            && key.expose_secret().len() < 32
        {
            bad(
                "secrets.link_signing_key",
                "must be at least 32 characters".into(),
            );
        }
        if let Some(key) = &self.secrets.encryption_key {
            use base64::Engine as _;
            match base64::engine::general_purpose::STANDARD.decode(key.expose_secret().trim()) {
                Ok(bytes) if bytes.len() == 32 => {}
                Ok(bytes) => bad(
                    "secrets.encryption_key",
                    format!("must decode to 32 bytes, got {}", bytes.len()),
                ),
                Err(_) => bad("secrets.encryption_key", "must be base64".into()),
            }
        }
        out.extend(self.outbound.problems());
        out.extend(self.agent.problems());
        out
    }

    fn imap_problems(&self, bad: &mut impl FnMut(&str, String)) {
        let imap = &self.imap;
        if imap.lease_secs < 3 {
            bad("imap.lease_secs", "must be at least 3".into());
        }
        // Below RFC 2177's 29 minutes with a margin, and above a minute so it is not a busy loop.
        if !(60..=1500).contains(&imap.idle_reissue_secs) {
            bad(
                "imap.idle_reissue_secs",
                "must be between 60 and 1500 (25 minutes)".into(),
            );
        }
        if imap.poll_interval_secs == 0 {
            bad("imap.poll_interval_secs", "must be at least 1".into());
        }
        if imap.backoff_base_ms == 0 {
            bad("imap.backoff_base_ms", "must be at least 1".into());
        }
        if imap.backoff_cap_secs.saturating_mul(1000) < imap.backoff_base_ms {
            bad(
                "imap.backoff_cap_secs",
                "must not be below imap.backoff_base_ms".into(),
            );
        }
        if imap.timeout_secs == 0 {
            bad("imap.timeout_secs", "must be at least 1".into());
        }
        if imap.refresh_secs == 0 {
            bad("imap.refresh_secs", "must be at least 1".into());
        }
        if imap.fetch_batch == 0 {
            bad("imap.fetch_batch", "must be at least 1".into());
        }
        if let Err(e) = crate::ingest::imap::ProcessedFlag::parse(&imap.processed_flag) {
            bad("imap.processed_flag", e.to_string());
        }
        let mut names = BTreeSet::new();
        for (i, m) in imap.mailboxes.iter().enumerate() {
            let key = |field: &str| format!("imap.mailboxes[{i}].{field}");
            if m.name.trim().is_empty() || m.name.len() > 255 {
                bad(&key("name"), "must be 1-255 characters".into());
            } else if !names.insert(m.name.as_str()) {
                bad(
                    &key("name"),
                    format!("{:?} is used by two mailboxes", m.name),
                );
            }
            if m.host.trim().is_empty() {
                bad(&key("host"), "must not be empty".into());
            }
            if m.port == 0 {
                bad(&key("port"), "must be 1-65535".into());
            }
            if m.username.is_empty() {
                bad(&key("username"), "must not be empty".into());
            }
            if m.folder.is_empty() {
                bad(&key("folder"), "must not be empty".into());
            }
            if let Some(flag) = &m.processed_flag
                && let Err(e) = crate::ingest::imap::ProcessedFlag::parse(flag)
            {
                bad(&key("processed_flag"), e.to_string());
            }
            match (m.processed, &m.move_to) {
                (ImapProcessed::Move, None) => bad(
                    &key("move_to"),
                    "is required when processed = \"move\"".into(),
                ),
                (ImapProcessed::Move, Some(to)) if to == &m.folder || to.is_empty() => bad(
                    &key("move_to"),
                    "must name a folder other than the one polled".into(),
                ),
                _ => {}
            }
        }
    }

    /// The configuration as TOML with every secret replaced by `[redacted]`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }

    /// Configuration for tests and embedding: the defaults with no file and no environment.
    pub fn defaults() -> Config {
        Config::from_figment(&Figment::new().merge(Toml::string(DEFAULT_TOML)))
            .expect("the shipped defaults are valid")
    }
}

/// The value errors of one section, each named by its full dotted key.
fn section_problems<T: serde::de::DeserializeOwned>(
    fig: &Figment,
    section: &str,
) -> Vec<ConfigProblem> {
    let Err(errors) = fig.extract_inner::<T>(section) else {
        return Vec::new();
    };
    errors
        .into_iter()
        .map(|e| {
            // figment appends the focused section to the path; put it first.
            let mut key = section.to_string();
            for part in e.path.iter().filter(|p| p.as_str() != section) {
                key.push('.');
                key.push_str(part);
            }
            ConfigProblem {
                key,
                message: e.kind.to_string(),
            }
        })
        .collect()
}

fn valid_database_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 63
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every key present in the sources that the configuration does not know, as a dotted path.
fn unknown_keys(fig: &Figment) -> Vec<ConfigProblem> {
    let known = known_keys();
    let mut out = Vec::new();
    if let Ok(root) = fig.extract::<figment::value::Dict>() {
        walk(&root, "", &known, &mut out);
    }
    out
}

fn walk(
    dict: &figment::value::Dict,
    prefix: &str,
    known: &BTreeSet<String>,
    out: &mut Vec<ConfigProblem>,
) {
    for (key, value) in dict {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if !known.contains(&path) {
            out.push(ConfigProblem {
                key: path,
                message: "unknown key".into(),
            });
            continue;
        }
        if let figment::value::Value::Dict(_, inner) = value
            && known.iter().any(|k| k.starts_with(&format!("{path}.")))
        {
            walk(inner, &path, known, out);
        }
    }
}

/// The dotted paths of every field, taken from the shipped defaults serialised with every optional
/// key present, so the list cannot drift from the structs.
fn known_keys() -> BTreeSet<String> {
    let defaults: Config = Figment::new()
        .merge(Toml::string(DEFAULT_TOML))
        .extract()
        .expect("the shipped defaults are valid");
    let mut value = serde_json::to_value(&defaults).expect("config serialises");
    // Optional secrets serialise as null when unset; they are still keys.
    let mut keys = BTreeSet::new();
    collect(&mut value, "", &mut keys);
    keys
}

fn collect(value: &mut serde_json::Value, prefix: &str, keys: &mut BTreeSet<String>) {
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map.iter_mut() {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            keys.insert(path.clone());
            collect(v, &path, keys);
        }
    }
}

impl AgentConfig {
    fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let mut bad = |key: &str, message: &str| {
            out.push(ConfigProblem {
                key: format!("agent.{key}"),
                message: message.into(),
            })
        };
        if !(1..=10).contains(&self.slot_count) {
            bad("slot_count", "must be between 1 and 10");
        }
        if !(1..=90).contains(&self.search_days) {
            bad("search_days", "must be between 1 and 90");
        }
        if !(5..=120).contains(&self.slot_step_minutes) {
            bad("slot_step_minutes", "must be between 5 and 120");
        }
        if self.hold_hours < 1 {
            bad("hold_hours", "must be at least 1");
        }
        if self.approval_expiry_hours < 1 {
            bad("approval_expiry_hours", "must be at least 1");
        }
        if self.max_windows < 1 {
            bad("max_windows", "must be at least 1");
        }
        let t = &self.thresholds;
        for (name, v) in [
            ("schedule", t.schedule),
            ("availability_check", t.availability_check),
            ("confirm", t.confirm),
            ("decline", t.decline),
            ("reschedule", t.reschedule),
            ("cancel", t.cancel),
        ] {
            if !(0.0..=1.0).contains(&v) {
                out.push(ConfigProblem {
                    key: format!("agent.thresholds.{name}"),
                    message: "must be between 0 and 1".into(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(toml: &str) -> Result<Config, ConfigError> {
        Config::from_figment(
            &Figment::new()
                .merge(Toml::string(DEFAULT_TOML))
                .merge(Toml::string(toml)),
        )
    }

    #[test]
    fn shipped_defaults_are_valid() {
        let c = Config::defaults();
        assert_eq!(c.database.name, "cams");
        assert!(c.database.url.is_none());
        assert_eq!(c.log.format, LogFormat::Pretty);
    }

    #[test]
    fn every_bad_key_is_named_not_just_the_first() {
        let err = with(
            "[http]\nbind = \"not an address\"\n[worker]\nconcurrency = \"four\"\n\
             [database]\nlocal = \"cloud\"\nbogus = 1\n[nonsense]\nx = 1\n",
        )
        .unwrap_err();
        let keys = err.keys();
        for expected in [
            "http.bind",
            "worker.concurrency",
            "database.local",
            "database.bogus",
            "nonsense",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "{expected} not in {keys:?}"
            );
        }
    }

    #[test]
    fn semantic_errors_name_their_key() {
        let err =
            with("[log]\nlevel = \"info,,=[\"\n[database]\nname = \"1bad-name\"\n").unwrap_err();
        let keys = err.keys();
        assert!(keys.contains(&"log.level".to_string()), "{keys:?}");
        assert!(keys.contains(&"database.name".to_string()), "{keys:?}");
    }

    #[test]
    fn secrets_are_redacted_when_printed() {
        let c = with(
            "[database]\nurl = \"postgres://cams:hunter2secret@db/cams\"\n\
             [secrets]\nlink_signing_key = \"0123456789abcdef0123456789abcdef-extra\"\n",
        )
        .unwrap();
        let printed = c.to_redacted_toml();
        assert!(!printed.contains("hunter2secret"), "{printed}");
        assert!(!printed.contains("0123456789abcdef"), "{printed}");
        assert!(printed.contains("[redacted]"));
        assert!(!format!("{c:?}").contains("hunter2secret"));
    }

    #[test]
    fn outbound_problems_name_their_key_and_the_smtp_password_is_redacted() {
        let c = with(
            "[outbound.smtp]\nhost = \"smtp.example.org\"\nusername = \"cams\"\n\
             password = \"smtp-hunter2\"\n",
        )
        .unwrap();
        assert!(!c.to_redacted_toml().contains("smtp-hunter2"));
        assert!(!format!("{c:?}").contains("smtp-hunter2"));
        let err = with(
            "[outbound]\nfrom = \"not an address\"\nmessage_id_domain = \"a b\"\n\
             per_domain_burst = 0\n[outbound.smtp]\nhost = \"bad host!\"\n\
             password = \"x\"\nsecurity = \"ssl\"\ntypo = 1\n",
        )
        .unwrap_err();
        let keys = err.keys();
        assert!(
            keys.contains(&"outbound.smtp.security".to_string()),
            "{keys:?}"
        );
        assert!(keys.contains(&"outbound.smtp.typo".to_string()), "{keys:?}");
        let err = with(
            "[outbound]\nfrom = \"not an address\"\nmessage_id_domain = \"a b\"\n\
             per_domain_burst = 0\n[outbound.smtp]\nhost = \"bad host!\"\npassword = \"x\"\n",
        )
        .unwrap_err();
        let keys = err.keys();
        for k in [
            "outbound.from",
            "outbound.message_id_domain",
            "outbound.per_domain_burst",
            "outbound.smtp.host",
            "outbound.smtp.username",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} not in {keys:?}");
        }
        assert!(!err.to_string().contains("\"x\""));
    }

    #[test]
    fn wrong_url_scheme_and_short_key_are_refused() {
        let err =
            with("[database]\nurl = \"mysql://x@y/z\"\n[secrets]\nlink_signing_key = \"short\"\n")
                .unwrap_err();
        let keys = err.keys();
        assert!(keys.contains(&"database.url".to_string()));
        assert!(keys.contains(&"secrets.link_signing_key".to_string()));
        assert!(!err.to_string().contains("mysql://x@y/z"));
    }

    const MAILBOX: &str = "[[imap.mailboxes]]\nname = \"agent\"\nhost = \"imap.example.org\"\n\
                           port = 993\nusername = \"agent@example.org\"\n\
                           password = \"imap-hunter2-secret\"\n";

    #[test]
    fn imap_mailboxes_parse_with_defaults_and_hide_their_password() {
        let c = with(MAILBOX).unwrap();
        let m = &c.imap.mailboxes[0];
        assert_eq!(m.tls, ImapTls::Tls);
        assert_eq!(m.auth, ImapAuth::Password);
        assert_eq!(m.folder, "INBOX");
        assert_eq!(m.processed, ImapProcessed::Flag);
        assert!(m.idle);
        let printed = c.to_redacted_toml();
        assert!(!printed.contains("imap-hunter2-secret"), "{printed}");
        assert!(printed.contains("[redacted]"));
        assert!(!format!("{c:?}").contains("imap-hunter2-secret"));
    }

    #[test]
    fn imap_mistakes_are_named_by_key() {
        let err = with(&format!("{MAILBOX}colour = \"blue\"\n")).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");

        let err = with(&format!(
            "{MAILBOX}processed = \"move\"\n{}processed_flag = \"two words\"\n\
             [imap]\nidle_reissue_secs = 1800\nprocessed_flag = \"\\\\Deleted\"\n",
            MAILBOX.replace("port = 993", "port = 0")
        ))
        .unwrap_err();
        let keys = err.keys();
        for expected in [
            "imap.mailboxes[0].move_to",
            "imap.mailboxes[1].name",
            "imap.mailboxes[1].port",
            "imap.mailboxes[1].processed_flag",
            "imap.idle_reissue_secs",
            "imap.processed_flag",
        ] {
            assert!(
                keys.iter().any(|k| k == expected),
                "{expected} not in {keys:?}"
            );
        }
        assert!(!err.to_string().contains("imap-hunter2-secret"));
    }
}
