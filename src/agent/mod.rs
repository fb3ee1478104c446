//! The agent: a stored message becomes a request, a decision and its effects (a reply, a
//! booking, holds, or an approval email to the user), in one transaction per message.
//!
//! - `route`: whose request it is and who the guest is (pure);
//! - `plan`: from the policy's decision to a reply and a calendar change (pure);
//! - `reply`: the reply's context, text and invitation (pure);
//! - `answer`: "yes" / "2" / "no" read from a short answer (pure);
//! - `moves`: a reschedule's proposals shaped by the booking it moves (pure);
//! - `handle`: the message flow (I/O); `approve`: acting on an approval (I/O).

pub mod answer;
pub mod approve;
pub mod bench;
pub mod commands;
pub mod handle;
pub mod moves;
pub mod plan;
pub mod reply;
pub mod route;
pub mod service;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::Serialize;
use uuid::Uuid;

use crate::availability::AvailabilityError;
use crate::config::Config;
use crate::db::DbError;
use crate::ingest::process::{Pipeline, Processed};
use crate::nlp::request::Reader;
use crate::outbound::render::{RenderError, Renderer};
use crate::outbound::send::OutboundError;
use crate::trust::{DnsCache, Verifier};
use crate::worker::JobError;

pub use handle::Outcome;

/// Errors of the agent layer.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Reply(#[from] reply::ReplyError),
    #[error(transparent)]
    Availability(#[from] AvailabilityError),
    #[error("{0}")]
    Job(JobError),
    #[error("{0}")]
    Setup(String),
    /// Another thread took a time while this one was deciding; trying again decides anew.
    #[error("a concurrent change needs a fresh decision: {0}")]
    Conflict(String),
}

impl From<sqlx::Error> for AgentError {
    fn from(e: sqlx::Error) -> Self {
        AgentError::Db(e.into())
    }
}

impl From<JobError> for AgentError {
    fn from(e: JobError) -> Self {
        AgentError::Job(e)
    }
}

impl From<crate::calendar::report::ReportError> for AgentError {
    fn from(e: crate::calendar::report::ReportError) -> Self {
        use crate::calendar::report::ReportError as R;
        match e {
            R::Db(d) => AgentError::Db(d),
            R::Availability(a) => AgentError::Availability(a),
            other => AgentError::Setup(other.to_string()),
        }
    }
}

impl AgentError {
    fn into_job(self) -> JobError {
        match self {
            AgentError::Job(j) => j,
            AgentError::Db(d) => d.into(),
            AgentError::Conflict(m) => JobError::retryable(m),
            AgentError::Outbound(OutboundError::Db(d)) => d.into(),
            other => JobError::permanent(other.to_string()),
        }
    }
}

/// One per process: the reader (its model loaded once), the templates, the DKIM verifier and
/// the key that signs approval links.
pub struct Agent {
    pub(crate) config: Arc<Config>,
    pub(crate) reader: Reader,
    pub(crate) renderer: Renderer,
    pub(crate) verifier: Arc<Verifier>,
    pub(crate) link_key: Vec<u8>,
    /// A fixed "now" (the demo replays mail dated in the future); None: the real clock.
    pub(crate) clock: Option<DateTime<Utc>>,
}

impl Agent {
    pub fn new(config: Arc<Config>) -> Result<Agent, AgentError> {
        let link_key = link_key(&config)?;
        Ok(Agent {
            reader: Reader::embedded().map_err(|e| AgentError::Setup(e.to_string()))?,
            renderer: Renderer::new()?,
            verifier: Arc::new(Verifier::new(DnsCache::default())),
            link_key,
            clock: None,
            config,
        })
    }

    /// The same agent with a fixed clock.
    pub fn with_clock(mut self, now: DateTime<Utc>) -> Agent {
        self.clock = Some(now);
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The `inbound.process` pipeline that runs every stored message through the agent.
    pub fn pipeline(self: Arc<Self>) -> Pipeline {
        Arc::new(move |ctx, message| {
            let agent = self.clone();
            Box::pin(async move {
                match agent.handle(&ctx.pool, &message, false).await {
                    Ok(o) if o.decision == "ignore" && o.request_id.is_none() => Ok(
                        Processed::Ignored(o.note.unwrap_or_else(|| "ignored".into())),
                    ),
                    Ok(_) => Ok(Processed::Done),
                    Err(e) => Err(e.into_job()),
                }
            })
        })
    }
}

/// The link-signing key: configured, else made once and kept in the data directory, so links
/// keep working across restarts without any setup.
fn link_key(config: &Config) -> Result<Vec<u8>, AgentError> {
    if let Some(k) = &config.secrets.link_signing_key {
        return Ok(k.expose_secret().as_bytes().to_vec());
    }
    let path = config.data_dir.join("link_signing_key");
    read_or_make_key(&path).map_err(|e| {
        AgentError::Setup(format!(
            "no secrets.link_signing_key and cannot keep one in {}: {e}",
            path.display()
        ))
    })
}

fn read_or_make_key(path: &Path) -> std::io::Result<Vec<u8>> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    if let Ok(text) = std::fs::read_to_string(path)
        && let Ok(key) = b64.decode(text.trim())
        && key.len() >= 32
    {
        return Ok(key);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let key: [u8; 32] = rand::random();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    options.open(path)?.write_all(b64.encode(key).as_bytes())?;
    Ok(key.to_vec())
}

/// A reply as `cams process --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyOut {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub ics: Option<String>,
    /// When it leaves: now, after the user's delay, or once approved.
    pub status: String,
}

/// The request a message became, for callers that go on with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestRef {
    pub id: Uuid,
    pub user_id: Uuid,
}
