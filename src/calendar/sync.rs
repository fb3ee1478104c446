//! The sync job (`calendar.sync`): fetch a calendar from its source and make the `events` rows
//! match it, materialising recurring series as instance rows within a horizon.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::caldav::{CalDavSource, Credentials};
use super::ics::{IcsSource, Limits, Location};
use super::{CalendarError, CalendarSource, Fetched, RemoteObject};
use crate::availability::busy::{BusyStatus, EventSpan, EventStatus, Response};
use crate::availability::ics::{IcsEvent, Instance, parse_ics};
use crate::availability::interval::Interval;
use crate::availability::zone::parse_zone;
use crate::config::Config;
use crate::crypto::{Sealed, SecretBox};
use crate::db::calendars::{self, CalendarRecord, SyncLog};
use crate::db::events::{self, EventRow};
use crate::db::jobs::NewJob;
use crate::db::{self, DbError};
use crate::worker::{JobContext, JobError, Registry};

/// The job type of a calendar sync; its payload is `{"calendar_id": "<uuid>"}`.
pub const JOB_TYPE: &str = "calendar.sync";

/// The job that queues due syncs once a minute and then queues itself again.
pub const SCHEDULE_JOB_TYPE: &str = "calendar.schedule";

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub calendar_id: Uuid,
    pub sync_type: &'static str,
    /// Calendar objects downloaded from the source (the feed counts as one).
    pub objects_fetched: usize,
    pub not_modified: bool,
    pub created: i32,
    pub updated: i32,
    pub deleted: i32,
    pub token: Option<String>,
}

/// Registers `calendar.sync`; the handler keeps a copy of the configuration it needs.
pub fn register(registry: &mut Registry, config: &Config) {
    let config = Arc::new(config.clone());
    registry.register(JOB_TYPE, move |ctx: JobContext| {
        let config = config.clone();
        async move { run_job(ctx, &config).await }
    });
    registry.register(SCHEDULE_JOB_TYPE, run_schedule);
}

/// Queues a sync of one calendar now, unless one is already queued or running.
pub async fn enqueue_sync(conn: &mut PgConnection, calendar_id: Uuid) -> Result<bool, DbError> {
    Ok(db::jobs::enqueue(
        conn,
        &NewJob::new(JOB_TYPE, json!({"calendar_id": calendar_id}))
            .dedupe_key(format!("{JOB_TYPE}:{calendar_id}")),
    )
    .await?
    .is_some())
}

/// Queues a sync for every calendar whose `sync_frequency` has passed since its last sync;
/// returns how many were queued.
pub async fn enqueue_due(pool: &PgPool, now: DateTime<Utc>) -> Result<usize, DbError> {
    let mut tx = db::begin_system(pool).await?;
    let due: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM calendars WHERE deleted_at IS NULL AND sync_enabled \
         AND type IN ('ics', 'caldav') AND connection_status <> 'disconnected' \
         AND (last_sync_at IS NULL \
              OR last_sync_at + make_interval(secs => COALESCE(sync_frequency, 300)) <= $1)",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    let mut queued = 0;
    for id in due {
        if enqueue_sync(&mut tx, id).await? {
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

/// Starts the once-a-minute scheduling chain; safe at every start (keyed by the minute, so two
/// chains meet on the same key and merge).
pub async fn schedule(pool: &PgPool, at: DateTime<Utc>) -> Result<(), DbError> {
    let minute = at.timestamp() / 60;
    let mut conn = pool.acquire().await?;
    db::jobs::enqueue(
        &mut conn,
        &NewJob::new(SCHEDULE_JOB_TYPE, json!({}))
            .run_at(at)
            .dedupe_key(format!("{SCHEDULE_JOB_TYPE}:{minute}")),
    )
    .await?;
    Ok(())
}

async fn run_schedule(ctx: JobContext) -> Result<(), JobError> {
    let now = Utc::now();
    enqueue_due(&ctx.pool, now).await?;
    schedule(&ctx.pool, now + TimeDelta::minutes(1)).await?;
    Ok(())
}

async fn run_job(ctx: JobContext, config: &Config) -> Result<(), JobError> {
    let id = ctx
        .payload
        .get("calendar_id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Uuid>().ok())
        .ok_or_else(|| JobError::permanent("calendar.sync payload needs a calendar_id"))?;
    match sync_calendar(&ctx.pool, config, id, Utc::now()).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_retryable() => Err(JobError::retryable(e.to_string())),
        Err(e) => Err(JobError::permanent(e.to_string())),
    }
}

/// Seals a CalDAV password for `connection_metadata`.
pub fn sealed_metadata(secrets: &SecretBox, username: &str, password: &str) -> Value {
    let sealed = secrets.seal(password.as_bytes());
    json!({
        "username": username,
        "password_sealed": base64::engine::general_purpose::STANDARD.encode(&sealed.bytes),
        "password_key_id": sealed.key_id,
    })
}

fn open_credentials(config: &Config, meta: Option<&Value>) -> Result<Credentials, CalendarError> {
    let meta = meta.ok_or_else(|| CalendarError::Secret("no connection_metadata".into()))?;
    let field = |k: &str| {
        meta.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| CalendarError::Secret(format!("connection_metadata.{k} missing")))
    };
    let secrets = SecretBox::from_config(config.secrets.encryption_key.as_ref())
        .map_err(|e| CalendarError::Secret(e.to_string()))?;
    let sealed = Sealed {
        key_id: field("password_key_id")?.to_string(),
        bytes: base64::engine::general_purpose::STANDARD
            .decode(field("password_sealed")?)
            .map_err(|_| CalendarError::Secret("password_sealed is not base64".into()))?,
    };
    let password = secrets
        .open(&sealed)
        .map_err(|e| CalendarError::Secret(e.to_string()))?;
    Ok(Credentials {
        username: field("username")?.to_string(),
        password: String::from_utf8(password)
            .map_err(|_| CalendarError::Secret("password is not UTF-8".into()))?
            .into(),
    })
}

/// Syncs one calendar now: fetch, apply in one transaction, log. `now` fixes the horizon.
pub async fn sync_calendar(
    pool: &PgPool,
    config: &Config,
    calendar_id: Uuid,
    now: DateTime<Utc>,
) -> Result<SyncReport, CalendarError> {
    let started = Utc::now();
    let (cal, email, zone) = {
        let mut tx = db::begin_system(pool).await?;
        let cal = calendars::get(&mut tx, calendar_id)
            .await?
            .ok_or_else(|| CalendarError::Dav(format!("no calendar {calendar_id}")))?;
        let (email, tz): (String, String) =
            sqlx::query_as("SELECT email::text, timezone::text FROM users WHERE id = $1")
                .bind(cal.user_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(DbError::from)?;
        tx.commit().await.map_err(DbError::from)?;
        (cal, email, parse_zone(&tz)?)
    };
    let result = fetch_and_apply(pool, config, &cal, &email, zone, now, started).await;
    if let Err(e) = &result {
        let mut tx = db::begin_system(pool).await?;
        calendars::record_failure(&mut tx, calendar_id).await?;
        calendars::write_log(
            &mut tx,
            calendar_id,
            &SyncLog {
                sync_type: if cal.last_sync_token.is_some() {
                    "incremental"
                } else {
                    "full"
                },
                status: "failed",
                started_at: started,
                error: Some(e.to_string()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await.map_err(DbError::from)?;
    }
    result
}

async fn fetch_and_apply(
    pool: &PgPool,
    config: &Config,
    cal: &CalendarRecord,
    email: &str,
    zone: Tz,
    now: DateTime<Utc>,
    started: DateTime<Utc>,
) -> Result<SyncReport, CalendarError> {
    let limits = Limits::from(&config.calendar);
    let source_id = cal
        .external_id
        .clone()
        .ok_or_else(|| CalendarError::BadUrl("calendar has no source (external_id)".into()))?;
    let window = Interval::new(
        now - TimeDelta::days(config.calendar.past_days.into()),
        now + TimeDelta::days(config.calendar.horizon_days.into()),
    )?;
    let counter = Arc::new(AtomicUsize::new(0));
    // Incremental syncs only see changed objects, so unchanged series would stop being
    // materialised as the horizon moves on: a full sync at least once a day rolls it forward.
    let mut token = cal.last_sync_token.as_deref();
    if cal.kind == "caldav" && token.is_some() {
        let mut conn = pool.acquire().await.map_err(DbError::from)?;
        let last_full = calendars::last_full_sync(&mut conn, cal.id).await?;
        if last_full.is_none_or(|t| started - t > TimeDelta::days(1)) {
            token = None;
        }
    }
    let fetched = match cal.kind.as_str() {
        "ics" => {
            let source = IcsSource {
                location: Location::parse(&source_id)?,
                limits,
            };
            let f = source.fetch(token).await?;
            if let Fetched::Full { objects, .. } = &f {
                counter.fetch_add(objects.len(), Ordering::Relaxed);
            }
            f
        }
        "caldav" => {
            let source = CalDavSource {
                collection: url::Url::parse(&source_id)
                    .map_err(|e| CalendarError::BadUrl(format!("{source_id}: {e}")))?,
                credentials: open_credentials(config, cal.connection_metadata.as_ref())?,
                limits,
                range: (window.start(), window.end()),
                objects_fetched: counter.clone(),
            };
            source.fetch(token).await?
        }
        other => {
            return Err(CalendarError::Dav(format!(
                "calendar type {other} has no sync source"
            )));
        }
    };
    let mut log = SyncLog {
        sync_type: "full",
        status: "completed",
        started_at: started,
        ..Default::default()
    };
    let mut tx = db::begin_system(pool).await?;
    // One apply at a time per calendar (the CLI and the job may sync it at once).
    sqlx::query("SELECT 1 FROM calendars WHERE id = $1 FOR UPDATE")
        .bind(cal.id)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    let mut not_modified = false;
    let new_token = match fetched {
        Fetched::NotModified => {
            not_modified = true;
            log.sync_type = "incremental";
            cal.last_sync_token.clone()
        }
        Fetched::Full { objects, token } => {
            let mut keep = Vec::new();
            for obj in &objects {
                apply_object(
                    &mut tx, cal.id, obj, email, &window, zone, &mut log, &mut keep,
                )
                .await?;
            }
            log.deleted += events::delete_missing(&mut tx, cal.id, None, &keep).await? as i32;
            token
        }
        Fetched::Changes {
            changed,
            removed,
            token,
        } => {
            log.sync_type = "incremental";
            let mut keep = Vec::new();
            let mut touched: Vec<String> = removed;
            for obj in &changed {
                touched.push(obj.href.clone());
                apply_object(
                    &mut tx, cal.id, obj, email, &window, zone, &mut log, &mut keep,
                )
                .await?;
            }
            log.deleted +=
                events::delete_missing(&mut tx, cal.id, Some(&touched), &keep).await? as i32;
            token
        }
    };
    log.token = new_token.clone();
    calendars::record_success(&mut tx, cal.id, now, new_token.as_deref()).await?;
    calendars::write_log(&mut tx, cal.id, &log).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(SyncReport {
        calendar_id: cal.id,
        sync_type: log.sync_type,
        objects_fetched: counter.load(Ordering::Relaxed),
        not_modified,
        created: log.created,
        updated: log.updated,
        deleted: log.deleted,
        token: new_token,
    })
}

fn status_str(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Confirmed => "confirmed",
        EventStatus::Tentative => "tentative",
        EventStatus::Cancelled => "cancelled",
    }
}

fn busy_str(b: BusyStatus) -> &'static str {
    match b {
        BusyStatus::Busy => "busy",
        BusyStatus::Free => "free",
        BusyStatus::Tentative => "tentative",
    }
}

/// The seed has no 'delegated'; a delegated invitation is someone else's meeting now.
fn response_str(r: Response) -> &'static str {
    match r {
        Response::Accepted => "accepted",
        Response::Declined | Response::Delegated => "declined",
        Response::Tentative => "tentative",
        Response::NeedsAction => "needsAction",
    }
}

/// `(start, end, all_day)` as stored: all-day dates as UTC midnights (see availability/mod.rs).
fn stored_span(span: &EventSpan) -> (DateTime<Utc>, DateTime<Utc>, bool) {
    match span {
        EventSpan::Timed(i) => (i.start(), i.end(), false),
        EventSpan::AllDay(d) => (
            d.first().and_hms_opt(0, 0, 0).expect("midnight").and_utc(),
            d.end_exclusive()
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc(),
            true,
        ),
    }
}

fn title_of(ev: Option<&IcsEvent>) -> String {
    ev.and_then(|e| e.summary.clone())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "(no title)".into())
}

async fn upsert_counted(
    conn: &mut PgConnection,
    calendar_id: Uuid,
    row: &EventRow,
    log: &mut SyncLog,
    keep: &mut Vec<String>,
) -> Result<Uuid, CalendarError> {
    let (id, inserted) = events::upsert(conn, calendar_id, row).await?;
    log.processed += 1;
    if inserted {
        log.created += 1;
    } else {
        log.updated += 1;
    }
    keep.push(row.external_id.clone());
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn apply_instance(
    conn: &mut PgConnection,
    calendar_id: Uuid,
    uid: &str,
    href: &str,
    title: &str,
    master: Option<Uuid>,
    inst: &Instance,
    email: &str,
    log: &mut SyncLog,
    keep: &mut Vec<String>,
) -> Result<Option<Uuid>, CalendarError> {
    let (start, end, all_day) = stored_span(&inst.span);
    if end <= start {
        return Ok(None);
    }
    let original = inst.original_start.map(|o| o.as_storage_instant());
    let external_id = match original {
        // One row per instance, named by the instance it replaces (RFC 5545 RECURRENCE-ID).
        Some(o) => format!("{uid}#{}", o.to_rfc3339()),
        None => uid.to_string(),
    };
    let row = EventRow {
        external_id,
        source_href: href.to_string(),
        title: title.to_string(),
        start_time: start,
        end_time: end,
        all_day,
        status: status_str(inst.status),
        busy_status: busy_str(inst.busy_status),
        recurring_event_id: master,
        original_start_time: original,
        is_recurring: false,
        recurrence_rule: None,
        etag: None,
    };
    let id = upsert_counted(conn, calendar_id, &row, log, keep).await?;
    if let Some(r) = inst.response {
        events::set_response(conn, id, email, response_str(r)).await?;
    }
    Ok(Some(id))
}

#[allow(clippy::too_many_arguments)]
async fn apply_object(
    conn: &mut PgConnection,
    calendar_id: Uuid,
    obj: &RemoteObject,
    email: &str,
    window: &Interval,
    zone: Tz,
    log: &mut SyncLog,
    keep: &mut Vec<String>,
) -> Result<(), CalendarError> {
    // Floating times (no zone) are the user's wall clock.
    let parsed = parse_ics(&obj.ics, &[email])?;
    for w in &parsed.warnings {
        tracing::warn!(calendar = %calendar_id, href = %obj.href, "{w}");
    }
    for series in &parsed.series {
        let title = title_of(series.master.as_ref().or(series.overrides.first()));
        let master_rule = series
            .master
            .as_ref()
            .and_then(|m| m.recurrence.as_ref().map(|r| (m, r)));
        let master_id = match master_rule {
            Some((m, rule)) => {
                let Some(span) = m.span(zone)? else {
                    continue;
                };
                let (start, end, all_day) = stored_span(&span);
                let row = EventRow {
                    external_id: series.uid.clone(),
                    source_href: obj.href.clone(),
                    title: title.clone(),
                    start_time: start,
                    end_time: end.max(start + TimeDelta::seconds(1)),
                    all_day,
                    status: status_str(m.status),
                    busy_status: busy_str(m.busy_status),
                    recurring_event_id: None,
                    original_start_time: None,
                    is_recurring: true,
                    recurrence_rule: Some(rule.to_json()),
                    etag: obj.etag.clone(),
                };
                Some(upsert_counted(conn, calendar_id, &row, log, keep).await?)
            }
            None => None,
        };
        let mut exceptions = Vec::new();
        for inst in series.instances(window, zone)? {
            let id = apply_instance(
                conn,
                calendar_id,
                &series.uid,
                &obj.href,
                &title,
                master_id,
                &inst,
                email,
                log,
                keep,
            )
            .await?;
            if let (Some(master), true, Some(orig)) =
                (master_id, inst.is_override, inst.original_start)
            {
                let at = orig.as_storage_instant();
                events::upsert_exception(
                    conn,
                    master,
                    at,
                    inst.status == EventStatus::Cancelled,
                    id,
                )
                .await?;
                exceptions.push(at);
            }
        }
        if let Some(master) = master_id {
            events::prune_exceptions(conn, master, &exceptions).await?;
        }
    }
    Ok(())
}
