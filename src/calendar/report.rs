//! `cams availability`: a user's synced events and preferences through the engine, as JSON with
//! times in the user's zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::availability::busy::{BusyEvent, BusyPolicy, EventSpan, Hold};
use crate::availability::interval::{DateSpan, Interval};
use crate::availability::zone::local_to_utc;
use crate::availability::{AvailabilityError, BusyIndex, Engine, Preferences, Query};
use crate::db::{self, DbError};

/// Candidate starts are this far apart.
pub const STEP_MINUTES: i64 = 15;

/// Errors of the report: a missing user, bad input, or the database.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no user with email {0}")]
    NoUser(String),
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Availability(#[from] AvailabilityError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ReportError {
    fn from(e: sqlx::Error) -> Self {
        ReportError::Db(e.into())
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct Request {
    pub user_email: String,
    /// RFC 3339, or a local date/time ("2027-03-08", "2027-03-08T09:00") in the user's zone.
    pub from: String,
    pub to: String,
    pub duration_minutes: i64,
    pub explain: Vec<String>,
    pub now: DateTime<Utc>,
}

/// Reads a time: with an offset it is an instant; without, the user's wall clock.
pub fn parse_time(s: &str, zone: Tz) -> Result<DateTime<Utc>, ReportError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, f) {
            return Ok(local_to_utc(&zone, local));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(local_to_utc(&zone, d.and_time(chrono::NaiveTime::MIN)));
    }
    Err(ReportError::Input(format!(
        "cannot read time {s:?}: use RFC 3339 (2027-03-08T09:00:00-05:00) or a local \
         2027-03-08T09:00 / 2027-03-08"
    )))
}

fn rfc3339(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).to_rfc3339()
}

/// The busy events of the user's calendars around `range`, each with its calendar's policy.
pub async fn load_busy(
    pool: &PgPool,
    user_id: uuid::Uuid,
    email: &str,
    zone: Tz,
    range: &Interval,
    except: Option<uuid::Uuid>,
) -> Result<BusyIndex, ReportError> {
    // All-day rows are UTC midnights: a day either side catches every zone's reading of them.
    let mut tx = db::begin_for_user(pool, user_id).await?;
    let rows = db::events::busy_rows(
        &mut tx,
        user_id,
        email,
        range.start() - TimeDelta::days(1),
        range.end() + TimeDelta::days(1),
        except,
    )
    .await?;
    // Each calendar's own busy semantics; a malformed setting falls back to the defaults
    // with a warning rather than hiding the calendar's events.
    let mut policies: Vec<(uuid::Uuid, BusyPolicy)> = Vec::new();
    for (id, raw) in db::events::busy_policies(&mut tx, user_id).await? {
        let policy = match raw {
            None => BusyPolicy::default(),
            Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
                tracing::warn!(calendar = %id, "busy_policy is malformed, using defaults: {e}");
                BusyPolicy::default()
            }),
        };
        policies.push((id, policy));
    }
    tx.commit().await?;
    let mut by_calendar: Vec<(BusyPolicy, Vec<BusyEvent>)> =
        policies.iter().map(|(_, p)| (*p, Vec::new())).collect();
    for r in rows {
        let span = if r.all_day {
            EventSpan::AllDay(DateSpan::from_utc_midnights(r.start_time, r.end_time)?)
        } else {
            EventSpan::Timed(Interval::new(r.start_time, r.end_time)?)
        };
        let event = BusyEvent {
            span,
            status: r.status.as_deref().unwrap_or("confirmed").parse()?,
            busy_status: r.busy_status.as_deref().unwrap_or("busy").parse()?,
            response: r.response.as_deref().map(str::parse).transpose()?,
        };
        match policies.iter().position(|(id, _)| *id == r.calendar_id) {
            Some(i) => by_calendar[i].1.push(event),
            None => by_calendar.push((BusyPolicy::default(), vec![event])),
        }
    }
    Ok(BusyIndex::build(
        zone,
        by_calendar.iter().map(|(p, e)| (p, e.as_slice())),
    ))
}

/// The user's active holds in `range`, for the engine.
pub async fn load_holds(
    pool: &PgPool,
    user_id: uuid::Uuid,
    range: &Interval,
) -> Result<Vec<Hold>, ReportError> {
    let mut conn = pool.acquire().await?;
    let rows = db::events::active_holds(&mut conn, user_id, range.start(), range.end()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (start, end, expires_at) in rows {
        out.push(Hold {
            interval: Interval::new(start, end)?,
            expires_at: Some(expires_at),
        });
    }
    Ok(out)
}

/// Computes the report: `{"free": [...], "slots": [...], "explain": [...]}`.
pub async fn availability(pool: &PgPool, req: &Request) -> Result<Value, ReportError> {
    let user = {
        let mut conn = pool.acquire().await?;
        db::users::by_email(&mut conn, &req.user_email)
            .await?
            .ok_or_else(|| ReportError::NoUser(req.user_email.clone()))?
    };
    let prefs = Preferences::from_seed(
        &user.timezone,
        user.working_hours.as_ref(),
        user.buffer_time.map(i64::from),
        user.default_meeting_duration.map(i64::from),
        user.scheduling_preferences.as_ref(),
    )?;
    let zone = prefs.zone();
    let from = parse_time(&req.from, zone)?;
    let to = parse_time(&req.to, zone)?;
    let range = Interval::new(from, to).map_err(|_| {
        ReportError::Input(format!("--to {} is not after --from {}", req.to, req.from))
    })?;
    let query = Query::new(
        range,
        TimeDelta::minutes(req.duration_minutes),
        TimeDelta::minutes(STEP_MINUTES),
        req.now,
    )?;
    let busy = load_busy(pool, user.id, &user.email, zone, &range, None).await?;
    let holds = load_holds(pool, user.id, &range).await?;
    let engine = Engine::new(&prefs, &busy, &holds)?;
    let free: Vec<Value> = engine
        .free_intervals(&query)
        .iter()
        .map(|i| json!({"start": rfc3339(i.start(), zone), "end": rfc3339(i.end(), zone)}))
        .collect();
    let slots: Vec<Value> = engine
        .ranked_slots(&query)
        .iter()
        .map(|s| {
            json!({
                "start": rfc3339(s.interval.start(), zone),
                "end": rfc3339(s.interval.end(), zone),
                "score": s.score,
            })
        })
        .collect();
    let mut explain = Vec::new();
    for t in &req.explain {
        let start = parse_time(t, zone)?;
        let candidate = Interval::starting_at(start, query.duration())
            .ok_or_else(|| ReportError::Input(format!("--explain {t}: out of range")))?;
        let e = engine.explain(&query, &candidate);
        explain.push(json!({
            "start": rfc3339(candidate.start(), zone),
            "end": rfc3339(candidate.end(), zone),
            "reasons": e.render(zone),
        }));
    }
    Ok(json!({"free": free, "slots": slots, "explain": explain}))
}
