//! Whether a calendar's data is fresh enough to act on: the policy refuses to auto-send offers
//! computed from a calendar that has not synced within its interval plus a margin.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::DbError;

/// A calendar that never synced, or whose last sync is older than `sync_frequency + margin`.
pub fn is_stale(
    last_sync_at: Option<DateTime<Utc>>,
    sync_frequency_secs: i32,
    margin: TimeDelta,
    now: DateTime<Utc>,
) -> bool {
    match last_sync_at {
        None => true,
        Some(at) => now - at > TimeDelta::seconds(sync_frequency_secs.max(0).into()) + margin,
    }
}

/// One stale calendar, for the policy and for people.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaleCalendar {
    pub calendar_id: Uuid,
    pub name: String,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// `(id, name, last_sync_at, sync_frequency)` of one calendar.
type CalendarSyncState = (Uuid, String, Option<DateTime<Utc>>, Option<i32>);

/// The user's sync-enabled calendars that are stale at `now`; empty means all are fresh.
pub async fn stale_calendars(
    conn: &mut PgConnection,
    user_id: Uuid,
    margin: TimeDelta,
    now: DateTime<Utc>,
) -> Result<Vec<StaleCalendar>, DbError> {
    let rows: Vec<CalendarSyncState> = sqlx::query_as(
        "SELECT id, name::text, last_sync_at, sync_frequency FROM calendars \
         WHERE user_id = $1 AND deleted_at IS NULL AND sync_enabled \
           AND type IN ('ics', 'caldav', 'google', 'outlook', 'external') ORDER BY name",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, at, freq)| is_stale(*at, freq.unwrap_or(300), margin, now))
        .map(|(calendar_id, name, last_sync_at, _)| StaleCalendar {
            calendar_id,
            name,
            last_sync_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn stale_only_past_frequency_plus_margin() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        let margin = TimeDelta::minutes(10);
        assert!(is_stale(None, 300, margin, now));
        // 300 s + 600 s margin = 15 minutes.
        assert!(!is_stale(
            Some(now - TimeDelta::minutes(15)),
            300,
            margin,
            now
        ));
        assert!(is_stale(
            Some(now - TimeDelta::minutes(15) - TimeDelta::seconds(1)),
            300,
            margin,
            now
        ));
    }
}
