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

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SecretsConfig {
    #[serde(default, serialize_with = "redact_opt")]
    pub encryption_key: Option<SecretString>,
    #[serde(default, serialize_with = "redact_opt")]
    pub link_signing_key: Option<SecretString>,
}

fn redact_opt<S: Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => s.serialize_str("[redacted]"),
        None => s.serialize_none(),
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
        out
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
    fn wrong_url_scheme_and_short_key_are_refused() {
        let err =
            with("[database]\nurl = \"mysql://x@y/z\"\n[secrets]\nlink_signing_key = \"short\"\n")
                .unwrap_err();
        let keys = err.keys();
        assert!(keys.contains(&"database.url".to_string()));
        assert!(keys.contains(&"secrets.link_signing_key".to_string()));
        assert!(!err.to_string().contains("mysql://x@y/z"));
    }
}
