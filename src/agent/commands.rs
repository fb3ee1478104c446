//! `cams process` (one email through the whole flow) and `cams demo` (the first command to try).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use sqlx::PgPool;

use super::{Agent, Outcome, ReplyOut};
use crate::config::Config;
use crate::db::inbound::{self, InboundMessage, Source, Stored};
use crate::ingest::store::{RawInbound, ingest};
use crate::worker::{Worker, WorkerSettings};

/// Runs one email through the flow. Without `dry_run` the message is stored, decided, and its
/// replies sent (or written to the outbox); with it, everything is decided and rendered, then
/// rolled back.
pub async fn process(
    config: &Config,
    file: &Path,
    user: Option<String>,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    let raw = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let database = crate::db::open(config).await?;
    let pool = database.pool.clone();
    let result = async {
        crate::db::migrate(&pool).await?;
        let agent = Arc::new(Agent::new(Arc::new(config.clone()))?);
        let outcome = run_one(config, &pool, &agent, &raw, user, dry_run).await?;
        if json {
            println!("{}", serde_json::to_string_pretty(&outcome)?);
        } else {
            print!("{}", describe(&outcome));
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

/// Stores (unless dry), decides and sends one message; the outcome as `handle` returns it.
pub async fn run_one(
    config: &Config,
    pool: &PgPool,
    agent: &Arc<Agent>,
    raw: &[u8],
    user: Option<String>,
    dry_run: bool,
) -> anyhow::Result<Outcome> {
    let envelope: Vec<String> = user.into_iter().collect();
    if dry_run {
        let (message_id, _, _) = crate::ingest::store::identity(raw)?;
        let message = InboundMessage {
            id: uuid::Uuid::new_v4(),
            user_id: None,
            source: Source::Cli.as_str().into(),
            message_id,
            status: "processing".into(),
            attempts: 1,
            last_error: None,
            raw: raw.to_vec(),
            received_at: agent.now(),
        };
        return Ok(agent
            .handle_with(pool, &message, Some(&envelope), true)
            .await?);
    }
    let stored = ingest(
        pool,
        config.inbound.max_message_bytes,
        config.inbound.max_attempts,
        &RawInbound {
            source: Source::Cli,
            raw,
            envelope_from: None,
            envelope_to: envelope,
            mailbox_id: None,
            delivery_token: None,
        },
    )
    .await?;
    let id = match stored {
        Stored::New(id) | Stored::Duplicate(id) => id,
    };
    let mut conn = pool.acquire().await?;
    let message = inbound::get(&mut conn, id)
        .await?
        .context("the stored message vanished")?;
    drop(conn);
    let outcome = agent.handle(pool, &message, false).await?;
    crate::ingest::process::mark_handled(pool, id, &outcome.processed()).await?;
    // The worker sends what is due.
    let worker = Worker::new(
        pool.clone(),
        crate::app::registry_with(config, Some(agent.clone())),
        WorkerSettings::from(&config.worker),
    );
    worker.run_until_empty().await?;
    Ok(outcome)
}

/// The outcome for a person.
pub fn describe(o: &Outcome) -> String {
    let mut out = String::new();
    let conf = match (&o.intent, o.confidence) {
        (Some(i), Some(c)) => format!(" (intent {i}, confidence {c:.2})"),
        _ => String::new(),
    };
    out.push_str(&format!("decision: {}{conf}\n", o.decision));
    if let Some(n) = &o.note {
        out.push_str(&format!("note: {n}\n"));
    }
    if !o.reasons.is_empty() {
        out.push_str("reasons:\n");
        for r in &o.reasons {
            out.push_str(&format!("  - {r}\n"));
        }
    }
    let mail = |out: &mut String, title: &str, r: &ReplyOut| {
        out.push_str(&format!("{title} ({}):\n", r.status));
        out.push_str(&format!("  To: {}\n", r.to.join(", ")));
        if !r.cc.is_empty() {
            out.push_str(&format!("  Cc: {}\n", r.cc.join(", ")));
        }
        out.push_str(&format!("  Subject: {}\n", r.subject));
        if let Some(ics) = &r.ics {
            let method = ics
                .lines()
                .find_map(|l| l.strip_prefix("METHOD:"))
                .unwrap_or("?");
            out.push_str(&format!("  Invitation: METHOD:{}\n", method.trim()));
        }
        out.push('\n');
        for line in r.text.lines() {
            out.push_str(&format!("  | {line}\n"));
        }
        out.push('\n');
    };
    if let Some(r) = &o.reply {
        mail(&mut out, "reply", r);
    }
    if let Some(a) = &o.approval {
        mail(&mut out, "approval email to the user", a);
    }
    out
}
