//! The first pipeline step: read the message, decide whether it may ever be answered
//! automatically (guards) and how far its sender can be believed (trust), and record both.

use std::sync::Arc;

use serde_json::json;

use super::process::{Pipeline, Processed};
use crate::config::Config;
use crate::db::rate_limits::{self, Scope};
use crate::db::{DbError, audit, inbound::InboundMessage};
use crate::guard::{self, GuardContext, GuardReason};
use crate::nlp::text::{self, HeaderFacts, TextError};
use crate::trust::{self, DnsCache, Trust, Verifier};
use crate::worker::{JobContext, JobError};

/// What screening concluded, as recorded in the audit log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Screening {
    pub guards: Vec<GuardReason>,
    pub trust: Trust,
}

/// The thread a message belongs to: the root of its References, else what it replies to, else
/// itself. Rate limits and the thread guard count per thread.
pub fn thread_key(h: &HeaderFacts) -> Option<String> {
    h.references
        .first()
        .or(h.in_reply_to.first())
        .or(h.message_id.as_ref())
        .cloned()
}

/// The screening pipeline, configured once (it holds the DKIM verifier and its DNS cache).
pub fn screening(config: Arc<Config>) -> Pipeline {
    let verifier = Arc::new(Verifier::new(DnsCache::default()));
    Arc::new(move |ctx: JobContext, message: InboundMessage| {
        let config = config.clone();
        let verifier = verifier.clone();
        Box::pin(async move { screen(&ctx, &config, &verifier, &message).await })
    })
}

/// A message read and screened.
pub struct Assessed {
    pub screening: Screening,
    pub headers: HeaderFacts,
    /// None when the message has no text at all (a bare bounce).
    pub email: Option<text::ParsedEmail>,
}

async fn screen(
    ctx: &JobContext,
    config: &Config,
    verifier: &Verifier,
    message: &InboundMessage,
) -> Result<Processed, JobError> {
    let assessed = assess(&ctx.pool, config, verifier, message).await?;
    let screening = assessed.screening;
    let mut conn = ctx.pool.acquire().await.map_err(DbError::from)?;
    audit::record(
        &mut conn,
        message.user_id,
        "inbound.screened",
        ("inbound_message", message.id),
        &json!(screening),
    )
    .await?;
    if screening.guards.is_empty() {
        Ok(Processed::Done)
    } else {
        let codes: Vec<&str> = screening.guards.iter().map(GuardReason::code).collect();
        Ok(Processed::Ignored(format!(
            "no automatic reply: {}",
            codes.join(", ")
        )))
    }
}

/// Reads the message, runs the guards and judges the sender's trust (no writes).
pub async fn assess(
    pool: &sqlx::PgPool,
    config: &Config,
    verifier: &Verifier,
    message: &InboundMessage,
) -> Result<Assessed, JobError> {
    let (headers, email) = match text::parse_email(&message.raw) {
        Ok(e) => (e.headers.clone(), Some(e)),
        // No text at all (a bare bounce): the headers still say what it is.
        Err(TextError::NoBody { headers }) => (*headers, None),
        Err(e) => return Err(JobError::permanent(format!("unreadable message: {e}"))),
    };
    let own: Vec<String> = crate::outbound::send::own_addresses(&config.outbound)
        .iter()
        .map(|a| a.to_string().to_lowercase())
        .collect();
    let thread = thread_key(&headers);
    let thread_auto_replies = match &thread {
        Some(key) => {
            let mut conn = pool.acquire().await.map_err(DbError::from)?;
            rate_limits::used(
                &mut conn,
                message.user_id,
                Scope::Thread,
                key,
                std::time::Duration::from_secs(365 * 86400),
            )
            .await?
        }
        None => 0,
    };
    let gctx = GuardContext {
        own_addresses: own,
        own_message_id_domain: Some(config.outbound.message_id_domain.clone()),
        thread_auto_replies,
        thread_reply_limit: config.limits.auto_replies_per_thread,
    };
    let guards = match &email {
        Some(e) => guard::check(e, &gctx),
        None => {
            let mut g = guard::automatic_message(&headers);
            if g.is_empty() {
                g.push(GuardReason::Bounce); // headers only, no text: nothing a person wrote
            }
            g
        }
    };
    let from_domain = headers
        .from
        .as_ref()
        .and_then(|m| m.address.as_ref())
        .map(|a| a.domain().to_string())
        .unwrap_or_default();
    let trust = match (&config.trust.authserv_id, message.source.as_str()) {
        // Mail our own server received (from its mailbox, or saved from it and given to
        // `cams process`): its Authentication-Results say what it checked.
        (Some(id), "imap" | "cli") => {
            trust::from_auth_results(&headers.authentication_results, id, &from_domain)
        }
        _ if config.trust.verify_signatures => verifier.verify(&message.raw).await,
        _ => Trust::Unverified {
            reason: "signature verification is turned off".into(),
        },
    };
    Ok(Assessed {
        screening: Screening { guards, trust },
        headers,
        email,
    })
}
