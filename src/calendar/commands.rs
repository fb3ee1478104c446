//! The `cams user`, `cams calendar`, `cams availability` and `cams bench` commands.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use super::caldav::{self, Credentials};
use super::ics::Limits;
use super::{freshness, report, sync};
use crate::availability::WorkingHours;
use crate::availability::zone::parse_zone;
use crate::cli::{CalendarCommand, UserCommand};
use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::{self, users};

fn parse_now(now: Option<String>) -> anyhow::Result<DateTime<Utc>> {
    match now {
        None => Ok(Utc::now()),
        Some(s) => Ok(DateTime::parse_from_rfc3339(&s)
            .with_context(|| format!("--now {s}: not RFC 3339"))?
            .with_timezone(&Utc)),
    }
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("mon", "monday"),
    ("tue", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
];

/// The seed's `working_hours` JSON for the same hours on each listed weekday.
pub fn working_hours_json(days: &str, start: &str, end: &str) -> anyhow::Result<Value> {
    let mut map = Map::new();
    for d in days.split(',').map(|d| d.trim().to_ascii_lowercase()) {
        let full = WEEKDAYS
            .iter()
            .find(|(short, long)| d == *short || d == *long)
            .map(|(_, long)| *long)
            .with_context(|| format!("unknown weekday {d:?}: use mon,tue,wed,thu,fri,sat,sun"))?;
        map.insert(full.into(), json!({"start": start, "end": end}));
    }
    let value = Value::Object(map);
    WorkingHours::from_json(&value).context("working hours")?;
    Ok(value)
}

pub async fn user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let database = match &command {
        UserCommand::Alias { .. } | UserCommand::AutoRespond { .. } => db::open(config).await?,
        UserCommand::Add { .. } => return add_user(config, command).await,
    };
    let pool = database.pool.clone();
    let result = async {
        match command {
            UserCommand::Alias { user, alias } => {
                let alias = alias.trim().to_lowercase();
                if alias.is_empty() || alias.contains(char::is_whitespace) {
                    bail!("--alias {alias:?}: an address or a tag without spaces");
                }
                let u = user_by_email(&pool, &user).await?;
                let mut conn = pool.acquire().await?;
                crate::db::requests::add_alias(&mut conn, u.id, &alias)
                    .await
                    .map_err(|e| {
                        if e.constraint() == Some("unique_alias") {
                            anyhow::anyhow!("{alias} is already an alias")
                        } else {
                            e.into()
                        }
                    })?;
                println!("{user} is also reached as {alias}");
            }
            UserCommand::AutoRespond { user, on, delay } => {
                if delay < 0 {
                    bail!("--delay must not be negative");
                }
                let u = user_by_email(&pool, &user).await?;
                let mut conn = pool.acquire().await?;
                users::set_auto_respond(&mut conn, u.id, on, delay).await?;
                println!(
                    "automatic replies for {user}: {}",
                    if on {
                        format!("on, after {delay} s")
                    } else {
                        "off".into()
                    }
                );
            }
            UserCommand::Add { .. } => unreachable!("handled above"),
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

async fn add_user(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        email,
        name,
        tz,
        work_start,
        work_end,
        days,
        buffer,
        notice,
        default_duration,
    } = command
    else {
        bail!("not an add command");
    };
    if parse_zone(&tz).is_err() {
        bail!(
            "unknown time zone {tz:?}: use an IANA name such as America/New_York or Europe/Paris"
        );
    }
    if buffer < 0 || notice < 0 || default_duration <= 0 {
        bail!("--buffer and --notice must not be negative, --default-duration must be positive");
    }
    let new = users::NewUser {
        email: email.clone(),
        name,
        timezone: tz.clone(),
        working_hours: working_hours_json(&days, &work_start, &work_end)?,
        buffer_minutes: buffer,
        default_duration_minutes: default_duration,
        scheduling: json!({"avoid_back_to_back": true, "minimum_notice": notice}),
    };
    let database = db::open(config).await?;
    let result = async {
        let mut tx = database.pool.begin().await?;
        let id = users::insert(&mut tx, &new).await.map_err(|e| {
            if e.constraint() == Some("users_email_key") {
                anyhow::anyhow!("a user with email {email} already exists")
            } else {
                e.into()
            }
        })?;
        tx.commit().await?;
        println!("added user {id} <{email}> in {tz}");
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

async fn user_by_email(pool: &sqlx::PgPool, email: &str) -> anyhow::Result<users::UserRecord> {
    let mut conn = pool.acquire().await?;
    users::by_email(&mut conn, email)
        .await?
        .with_context(|| format!("no user with email {email}"))
}

pub async fn calendar(config: &Config, command: CalendarCommand) -> anyhow::Result<()> {
    let database = db::open(config).await?;
    let pool = database.pool.clone();
    let result = match command {
        CalendarCommand::AddIcs {
            user,
            url,
            file,
            name,
        } => add_ics(&pool, &user, url, file.as_deref(), name).await,
        CalendarCommand::AddCaldav {
            user,
            url,
            username,
            password_env,
        } => add_caldav(config, &pool, &user, &url, &username, &password_env).await,
        CalendarCommand::Sync { user, all, now } => {
            sync_command(config, &pool, user.filter(|_| !all), parse_now(now)?).await
        }
    };
    database.close().await;
    result
}

async fn add_ics(
    pool: &sqlx::PgPool,
    user: &str,
    url: Option<String>,
    file: Option<&Path>,
    name: Option<String>,
) -> anyhow::Result<()> {
    let user = user_by_email(pool, user).await?;
    let source = match (url, file) {
        (Some(u), None) => {
            let parsed = url::Url::parse(&u).with_context(|| format!("--url {u}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("--url {u}: only http and https feeds");
            }
            parsed.to_string()
        }
        (None, Some(f)) => {
            let path =
                std::fs::canonicalize(f).with_context(|| format!("--file {}", f.display()))?;
            url::Url::from_file_path(&path)
                .map_err(|_| anyhow::anyhow!("--file {}: not an absolute path", path.display()))?
                .to_string()
        }
        _ => bail!("give exactly one of --url and --file"),
    };
    let name = name.unwrap_or_else(|| source.rsplit('/').next().unwrap_or("ics").to_string());
    let mut tx = db::begin_for_user(pool, user.id).await?;
    let id = db::calendars::insert(&mut tx, user.id, "ics", &name, &source, &json!({})).await?;
    tx.commit().await?;
    println!("added ICS calendar {id} ({source})");
    Ok(())
}

async fn add_caldav(
    config: &Config,
    pool: &sqlx::PgPool,
    user: &str,
    url: &str,
    username: &str,
    password_env: &str,
) -> anyhow::Result<()> {
    let user = user_by_email(pool, user).await?;
    let password = std::env::var(password_env)
        .with_context(|| format!("environment variable {password_env} is not set"))?;
    let secrets = SecretBox::from_config(config.secrets.encryption_key.as_ref())
        .context("secrets.encryption_key is needed to store a CalDAV password")?;
    let url = url::Url::parse(url).with_context(|| format!("--url {url}"))?;
    let credentials = Credentials {
        username: username.to_string(),
        password: password.clone().into(),
    };
    let found = caldav::discover(&url, &credentials, Limits::from(&config.calendar)).await?;
    if found.is_empty() {
        bail!("{url}: no calendars found for {username}");
    }
    let meta = sync::sealed_metadata(&secrets, username, &password);
    let mut tx = db::begin_for_user(pool, user.id).await?;
    for cal in &found {
        let name = cal
            .name
            .clone()
            .unwrap_or_else(|| cal.url.path().to_string());
        let id = db::calendars::insert(&mut tx, user.id, "caldav", &name, cal.url.as_str(), &meta)
            .await?;
        println!("added CalDAV calendar {id} ({})", cal.url);
    }
    tx.commit().await?;
    Ok(())
}

async fn sync_command(
    config: &Config,
    pool: &sqlx::PgPool,
    user: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let user_id = match &user {
        Some(email) => Some(user_by_email(pool, email).await?.id),
        None => None,
    };
    let cals = {
        let mut tx = db::begin_system(pool).await?;
        let c = db::calendars::syncable(&mut tx, user_id).await?;
        tx.commit().await?;
        c
    };
    // A bar is for people watching; logs and pipes get one line per calendar.
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(cals.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("valid template"),
        );
        b
    });
    let mut failed = 0;
    for cal in &cals {
        if let Some(b) = &bar {
            b.set_message(cal.name.clone());
        }
        let line = match sync::sync_calendar(pool, config, cal.id, now).await {
            Ok(r) => format!(
                "{} {}: {} sync, {} fetched, {} created, {} updated, {} deleted{}",
                cal.id,
                cal.name,
                r.sync_type,
                r.objects_fetched,
                r.created,
                r.updated,
                r.deleted,
                if r.not_modified {
                    " (not modified)"
                } else {
                    ""
                }
            ),
            Err(e) => {
                failed += 1;
                format!("{} {}: FAILED: {e}", cal.id, cal.name)
            }
        };
        match &bar {
            Some(b) => {
                b.println(line);
                b.inc(1);
            }
            None => println!("{line}"),
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if failed > 0 {
        bail!("{failed} of {} calendar(s) failed to sync", cals.len());
    }
    Ok(())
}

pub async fn availability(
    config: &Config,
    user: String,
    from: String,
    to: String,
    duration: i64,
    explain: Vec<String>,
    now: Option<String>,
) -> anyhow::Result<()> {
    let now = parse_now(now)?;
    let database = db::open(config).await?;
    let pool = database.pool.clone();
    let result = async {
        let req = report::Request {
            user_email: user.clone(),
            from,
            to,
            duration_minutes: duration,
            explain,
            now,
        };
        let out = report::availability(&pool, &req).await?;
        let record = user_by_email(&pool, &user).await?;
        let mut tx = db::begin_system(&pool).await?;
        let margin = TimeDelta::seconds(config.calendar.stale_margin_secs as i64);
        for s in freshness::stale_calendars(&mut tx, record.id, margin, now).await? {
            eprintln!(
                "warning: calendar {} ({}) is stale: last synced {}",
                s.name,
                s.calendar_id,
                s.last_sync_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_else(|| "never".into())
            );
        }
        tx.commit().await?;
        println!("{}", serde_json::to_string_pretty(&out)?);
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

pub async fn bench(config: &Config, events: usize, iterations: u32) -> anyhow::Result<()> {
    let database = db::open(config).await?;
    let result = super::bench::run(&database.pool, events, iterations).await;
    database.close().await;
    let r = result?;
    println!("{}", serde_json::to_string_pretty(&r.to_json())?);
    Ok(())
}
