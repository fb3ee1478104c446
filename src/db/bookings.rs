//! Holds (times offered, kept from other threads) and bookings (meetings CAMS made, each also an
//! event in the user's CAMS calendar). Overlaps are refused by exclusion constraints; this module
//! turns those refusals into `Taken` so callers can answer "that time is gone" instead of failing.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::DbError;

/// The exclusion constraints that make "taken" a database fact.
const HOLD_OVERLAP: &str = "no_overlapping_active_holds";
const BOOKING_OVERLAP: &str = "no_overlapping_bookings";

/// A write that may find its time already taken by another thread.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("the time is taken by another booking or hold")]
    Taken,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for BookingError {
    fn from(e: sqlx::Error) -> Self {
        let e = DbError::from(e);
        match e.constraint() {
            Some(HOLD_OVERLAP) | Some(BOOKING_OVERLAP) => BookingError::Taken,
            _ => BookingError::Db(e),
        }
    }
}

/// Holds `[start, end)` for the request until `expires_at`. Runs in a savepoint, so a refusal
/// leaves the caller's transaction usable.
pub async fn hold(
    conn: &mut PgConnection,
    user_id: Uuid,
    request_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Uuid, BookingError> {
    // Expired holds still count for the constraint until released; release them first so an
    // old offer never blocks a new one.
    release_expired(&mut *conn, user_id).await?;
    sqlx::query("SAVEPOINT cams_hold")
        .execute(&mut *conn)
        .await?;
    let r = sqlx::query_scalar(
        "INSERT INTO holds (user_id, request_id, during, expires_at)
         VALUES ($1, $2, tstzrange($3, $4, '[)'), $5) RETURNING id",
    )
    .bind(user_id)
    .bind(request_id)
    .bind(start)
    .bind(end)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await;
    match r {
        Ok(id) => {
            sqlx::query("RELEASE SAVEPOINT cams_hold")
                .execute(&mut *conn)
                .await?;
            Ok(id)
        }
        Err(e) => {
            sqlx::query("ROLLBACK TO SAVEPOINT cams_hold")
                .execute(&mut *conn)
                .await?;
            Err(e.into())
        }
    }
}

/// Releases the user's holds that outlived their expiry.
pub async fn release_expired(conn: &mut PgConnection, user_id: Uuid) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE holds SET status = 'released', released_at = now(), release_reason = 'expired',
                updated_at = now()
          WHERE user_id = $1 AND status = 'active' AND expires_at <= now()",
    )
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Releases every active hold of the thread's requests (declined, confirmed, moved on).
pub async fn release_thread(
    conn: &mut PgConnection,
    user_id: Uuid,
    thread_id: &str,
    reason: &str,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE holds h SET status = 'released', released_at = now(), release_reason = $3,
                updated_at = now()
          FROM availability_requests r
         WHERE h.request_id = r.id AND r.user_id = $1 AND r.thread_id = $2
           AND h.status = 'active'",
    )
    .bind(user_id)
    .bind(thread_id)
    .bind(reason)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Releases the holds of one request.
pub async fn release_request(
    conn: &mut PgConnection,
    request_id: Uuid,
    reason: &str,
) -> Result<u64, DbError> {
    Ok(sqlx::query(
        "UPDATE holds SET status = 'released', released_at = now(), release_reason = $2,
                updated_at = now()
          WHERE request_id = $1 AND status = 'active'",
    )
    .bind(request_id)
    .bind(reason)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Active holds of other threads overlapping `[from, to)`: what the engine must not offer.
/// The thread's own holds are left out: the guest may confirm what was offered to them.
pub async fn foreign_holds(
    conn: &mut PgConnection,
    user_id: Uuid,
    thread_id: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT lower(h.during), upper(h.during), h.expires_at
           FROM holds h LEFT JOIN availability_requests r ON r.id = h.request_id
          WHERE h.user_id = $1 AND h.status = 'active' AND h.expires_at > now()
            AND h.during && tstzrange($3, $4)
            AND ($2::text IS NULL OR r.thread_id IS DISTINCT FROM $2)
          ORDER BY lower(h.during)",
    )
    .bind(user_id)
    .bind(thread_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// The user's calendar for meetings CAMS books (type 'cams'), made on first use.
pub async fn cams_calendar(conn: &mut PgConnection, user_id: Uuid) -> Result<Uuid, DbError> {
    let existing: Option<Uuid> = sqlx::query_scalar(
        "SELECT id FROM calendars WHERE user_id = $1 AND type = 'cams' AND deleted_at IS NULL
          ORDER BY created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO calendars (user_id, type, name, sync_enabled, visibility)
         VALUES ($1, 'cams', 'Booked by CAMS', true, 'private') RETURNING id",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// A meeting to book.
#[derive(Debug, Clone)]
pub struct NewBooking<'a> {
    pub user_id: Uuid,
    pub request_id: Uuid,
    pub thread_id: Option<&'a str>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub title: &'a str,
    pub location: Option<&'a str>,
    pub organizer_email: &'a str,
    pub attendees: &'a [(String, Option<String>)],
    pub ics_uid: &'a str,
}

/// A booking as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: Uuid,
    pub event_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub status: String,
    pub ics_uid: String,
    pub ics_sequence: i32,
    pub attendees: Vec<String>,
    pub title: Option<String>,
}

/// Books the meeting: the booking row (refused if it overlaps another confirmed booking) and its
/// event in the CAMS calendar with the attendees. Runs in a savepoint so `Taken` leaves the
/// caller's transaction usable for the apology.
pub async fn book(conn: &mut PgConnection, b: &NewBooking<'_>) -> Result<BookingRow, BookingError> {
    sqlx::query("SAVEPOINT cams_book")
        .execute(&mut *conn)
        .await?;
    match book_inner(&mut *conn, b).await {
        Ok(row) => {
            sqlx::query("RELEASE SAVEPOINT cams_book")
                .execute(&mut *conn)
                .await?;
            Ok(row)
        }
        Err(e) => {
            sqlx::query("ROLLBACK TO SAVEPOINT cams_book")
                .execute(&mut *conn)
                .await?;
            Err(e)
        }
    }
}

async fn book_inner(
    conn: &mut PgConnection,
    b: &NewBooking<'_>,
) -> Result<BookingRow, BookingError> {
    let attendees: Vec<String> = b.attendees.iter().map(|(e, _)| e.clone()).collect();
    let booking_id: Uuid = sqlx::query_scalar(
        "INSERT INTO bookings (user_id, request_id, thread_id, during, ics_uid, attendees, title)
         VALUES ($1, $2, $3, tstzrange($4, $5, '[)'), $6, $7, $8) RETURNING id",
    )
    .bind(b.user_id)
    .bind(b.request_id)
    .bind(b.thread_id)
    .bind(b.start)
    .bind(b.end)
    .bind(b.ics_uid)
    .bind(&attendees)
    .bind(b.title)
    .fetch_one(&mut *conn)
    .await?;
    let calendar = cams_calendar(&mut *conn, b.user_id).await?;
    let event_id: Uuid = sqlx::query_scalar(
        "INSERT INTO events (calendar_id, external_id, title, location, start_time, end_time,
                             status, busy_status, visibility, organizer_email)
         VALUES ($1, $2, $3, $4, $5, $6, 'confirmed', 'busy', 'private', $7) RETURNING id",
    )
    .bind(calendar)
    .bind(b.ics_uid)
    .bind(b.title)
    .bind(b.location)
    .bind(b.start)
    .bind(b.end)
    .bind(b.organizer_email)
    .fetch_one(&mut *conn)
    .await?;
    for (email, name) in b.attendees {
        sqlx::query(
            "INSERT INTO event_attendees (event_id, email, name, response_status)
             VALUES ($1, $2, $3, 'needsAction') ON CONFLICT (event_id, email) DO NOTHING",
        )
        .bind(event_id)
        .bind(email)
        .bind(name)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE bookings SET event_id = $2 WHERE id = $1")
        .bind(booking_id)
        .bind(event_id)
        .execute(&mut *conn)
        .await?;
    get(conn, booking_id)
        .await?
        .ok_or(BookingError::Db(DbError::Sqlx(sqlx::Error::RowNotFound)))
}

const BOOKING_COLUMNS: &str = "id, event_id, request_id, lower(during) AS start_time, \
     upper(during) AS end_time, status::text AS status, ics_uid::text AS ics_uid, ics_sequence, \
     attendees, title::text AS title";

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<BookingRow>, DbError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The confirmed booking of the thread, if any (the latest when there are several).
pub async fn thread_booking(
    conn: &mut PgConnection,
    user_id: Uuid,
    thread_id: &str,
) -> Result<Option<BookingRow>, DbError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings
          WHERE user_id = $1 AND thread_id = $2 AND status = 'confirmed'
          ORDER BY created_at DESC LIMIT 1 FOR UPDATE"
    )))
    .bind(user_id)
    .bind(thread_id)
    .fetch_optional(conn)
    .await?)
}

/// The booking, locked for the rest of the transaction (what a move or cancel acts on must be
/// what it read).
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<BookingRow>, DbError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 FOR UPDATE"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Takes back the bookings a request made whose reply never left (the reply was cancelled
/// before its delay ran out): the guest never heard of them, so no CANCEL is sent.
pub async fn withdraw_for_request(
    conn: &mut PgConnection,
    request_id: Uuid,
) -> Result<u64, DbError> {
    sqlx::query(
        "UPDATE events SET status = 'cancelled', updated_at = now()
          WHERE id IN (SELECT event_id FROM bookings
                        WHERE request_id = $1 AND status = 'confirmed' AND ics_sequence = 0)",
    )
    .bind(request_id)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = now(), updated_at = now()
          WHERE request_id = $1 AND status = 'confirmed' AND ics_sequence = 0",
    )
    .bind(request_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Cancels the booking (its sequence bumped for the CANCEL) and its event.
pub async fn cancel(conn: &mut PgConnection, id: Uuid) -> Result<BookingRow, DbError> {
    sqlx::query(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = now(),
                ics_sequence = ics_sequence + 1, updated_at = now()
          WHERE id = $1 AND status = 'confirmed'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE events SET status = 'cancelled', updated_at = now()
          WHERE id = (SELECT event_id FROM bookings WHERE id = $1)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    get(conn, id)
        .await?
        .ok_or(DbError::Sqlx(sqlx::Error::RowNotFound))
}

/// Moves the booking (sequence bumped for the updated REQUEST), refused if the new time
/// overlaps another confirmed booking.
pub async fn reschedule(
    conn: &mut PgConnection,
    id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<BookingRow, BookingError> {
    sqlx::query("SAVEPOINT cams_move")
        .execute(&mut *conn)
        .await?;
    let r = sqlx::query(
        "UPDATE bookings SET during = tstzrange($2, $3, '[)'), ics_sequence = ics_sequence + 1,
                updated_at = now()
          WHERE id = $1 AND status = 'confirmed'",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .execute(&mut *conn)
    .await;
    if let Err(e) = r {
        sqlx::query("ROLLBACK TO SAVEPOINT cams_move")
            .execute(&mut *conn)
            .await?;
        return Err(e.into());
    }
    sqlx::query("RELEASE SAVEPOINT cams_move")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE events SET start_time = $2, end_time = $3, updated_at = now()
          WHERE id = (SELECT event_id FROM bookings WHERE id = $1)",
    )
    .bind(id)
    .bind(start)
    .bind(end)
    .execute(&mut *conn)
    .await?;
    get(conn, id)
        .await?
        .ok_or(BookingError::Db(DbError::Sqlx(sqlx::Error::RowNotFound)))
}
