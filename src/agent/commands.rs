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

/// The demo's fixed "now": Monday 1 March 2027, 12:00 in New York. The example emails were
/// written that morning, so the demo gives the same answers whenever it is run.
pub const DEMO_NOW: &str = "2027-03-01T12:00:00-05:00";
const DEMO_USER: &str = "avery@demo.example";

/// `cams demo`: a demo user with working hours and the example calendar, then every example
/// email through the whole flow, printing each decision and reply, then a summary table.
pub async fn demo(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let now = chrono::DateTime::parse_from_rfc3339(DEMO_NOW)?.with_timezone(&chrono::Utc);
    let calendar_file = dir.join("calendar.ics");
    let emails = example_emails(dir)?;

    // The demo's own settings: mail stamped by the demo's MX, no DNS lookups, the outbox.
    let mut config = config.clone();
    config.outbound.from = "CAMS <schedule@cams.demo.example>".into();
    config.outbound.message_id_domain = "cams.demo.example".into();
    config.trust.authserv_id = Some("mx.demo.example".into());
    config.trust.verify_signatures = false;

    let database = crate::db::open(&config).await?;
    let pool = database.pool.clone();
    let result = async {
        crate::db::migrate(&pool).await?;
        let user = setup_demo_user(&config, &pool, &calendar_file, now).await?;
        println!(
            "CAMS demo — user {DEMO_USER} (Avery Quinn, America/New_York, Mon–Fri 09:00–17:00),\n\
             calendar {} imported, clock fixed at {DEMO_NOW}.\n\
             Database: {}; outgoing mail: {}\n",
            calendar_file.display(),
            database.description,
            match &config.outbound.smtp.host {
                Some(h) => format!("SMTP {h}"),
                None => config.data_dir.join("outbox").display().to_string(),
            }
        );
        let agent = Arc::new(Agent::new(Arc::new(config.clone()))?.with_clock(now));
        let mut rows = Vec::new();
        for path in &emails {
            let raw = std::fs::read(path)?;
            forget_message(&pool, &raw).await?;
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            println!("━━━ {name}");
            let outcome = run_one(&config, &pool, &agent, &raw, None, false).await?;
            print!("{}", describe(&outcome));
            rows.push((name, outcome));
        }
        println!("{}", summary_table(&rows));
        let booked: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM bookings WHERE user_id = $1 AND status = 'confirmed'",
        )
        .bind(user)
        .fetch_one(&pool)
        .await?;
        println!(
            "{} emails, {booked} meeting(s) booked. Replies are in the outbox; approval links \
             work while `cams serve` runs.",
            rows.len()
        );
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

/// The `.eml` files of `<dir>/emails`, in name order.
pub(crate) fn example_emails(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let folder = dir.join("emails");
    let mut emails: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    emails.sort();
    anyhow::ensure!(!emails.is_empty(), "no .eml files in {}", folder.display());
    Ok(emails)
}

/// Makes the demo user afresh (an earlier run's user, requests and bookings are deleted).
pub(crate) async fn setup_demo_user(
    config: &Config,
    pool: &PgPool,
    calendar: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<uuid::Uuid> {
    use crate::db::users;
    let mut conn = pool.acquire().await?;
    sqlx::query("DELETE FROM users WHERE lower(email) = $1")
        .bind(DEMO_USER)
        .execute(&mut *conn)
        .await?;
    let id = users::insert(
        &mut conn,
        &users::NewUser {
            email: DEMO_USER.into(),
            name: "Avery Quinn".into(),
            timezone: "America/New_York".into(),
            working_hours: crate::calendar::commands::working_hours_json(
                "mon,tue,wed,thu,fri",
                "09:00",
                "17:00",
            )?,
            buffer_minutes: 15,
            default_duration_minutes: 30,
            scheduling: serde_json::json!({"avoid_back_to_back": true, "minimum_notice": 120}),
        },
    )
    .await?;
    users::set_auto_respond(&mut conn, id, true, 0).await?;
    drop(conn);
    let path = std::fs::canonicalize(calendar)
        .with_context(|| format!("cannot read {}", calendar.display()))?;
    let url = url::Url::from_file_path(&path)
        .map_err(|_| anyhow::anyhow!("{} is not an absolute path", path.display()))?;
    let mut tx = crate::db::begin_for_user(pool, id).await?;
    let cal = crate::db::calendars::insert(
        &mut tx,
        id,
        "ics",
        "Work (examples/calendar.ics)",
        url.as_str(),
        &serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    let report = crate::calendar::sync::sync_calendar(pool, config, cal, now).await?;
    anyhow::ensure!(report.created > 0, "{} gave no events", calendar.display());
    Ok(id)
}

/// Lets an example be stored and processed again on a second run of the demo.
pub(crate) async fn forget_message(pool: &PgPool, raw: &[u8]) -> anyhow::Result<()> {
    let (_, key, _) = crate::ingest::store::identity(raw)?;
    sqlx::query("DELETE FROM inbound_messages WHERE dedupe_key = $1")
        .bind(&key)
        .execute(pool)
        .await?;
    Ok(())
}

fn summary_table(rows: &[(String, Outcome)]) -> String {
    let mut out = String::from("\nSummary\n");
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(5).max(5);
    out.push_str(&format!(
        "{:<width$}  {:<18}  {:>4}  {:<10}  {}\n",
        "email", "intent", "conf", "decision", "what went out"
    ));
    out.push_str(&format!("{}\n", "-".repeat(width + 60)));
    for (name, o) in rows {
        let went = match (&o.reply, &o.approval) {
            (Some(r), None) if r.ics.is_some() => {
                let method = r
                    .ics
                    .as_deref()
                    .and_then(|i| i.lines().find_map(|l| l.strip_prefix("METHOD:")))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                format!("reply + ICS {method} to {}", r.to.join(", "))
            }
            (Some(r), None) => format!("reply to {}", r.to.join(", ")),
            (_, Some(a)) => format!("approval request to {}", a.to.join(", ")),
            (None, None) => o.note.clone().unwrap_or_else(|| "nothing".into()),
        };
        out.push_str(&format!(
            "{:<width$}  {:<18}  {:>4}  {:<10}  {}\n",
            name,
            o.intent.as_deref().unwrap_or("-"),
            o.confidence
                .map(|c| format!("{c:.2}"))
                .unwrap_or_else(|| "-".into()),
            o.decision,
            went
        ));
    }
    out
}
