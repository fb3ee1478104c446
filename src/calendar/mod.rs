//! Calendar sources (ICS feeds and files, CalDAV) behind one trait, their sync into the database,
//! freshness, and the availability report built on what was synced.

pub mod address;
pub mod bench;
pub mod caldav;
pub mod commands;
pub mod freshness;
pub mod ics;
pub mod report;
pub mod sync;

use std::future::Future;

/// One calendar object as a source delivers it: where it lives and its iCalendar text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteObject {
    /// CalDAV: the object's href; an ICS feed is one object named by `ics::FEED_HREF`.
    pub href: String,
    pub etag: Option<String>,
    pub ics: String,
}

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// Everything the source holds (in the synced range): whatever is not here is gone.
    Full {
        objects: Vec<RemoteObject>,
        token: Option<String>,
    },
    /// Only what changed since the token the fetch was given.
    Changes {
        changed: Vec<RemoteObject>,
        removed: Vec<String>,
        token: Option<String>,
    },
    /// Nothing changed (HTTP 304); keep the token.
    NotModified,
}

/// Errors of the calendar layer.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("refused address: {0}")]
    Refused(String),
    #[error("bad calendar URL {0}")]
    BadUrl(String),
    #[error("HTTP error: {0}")]
    Http(#[from] reqwest::Error),
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("calendar larger than the limit of {0} bytes")]
    TooLarge(usize),
    #[error("cannot read {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: not UTF-8 text")]
    NotUtf8(String),
    #[error("CalDAV: {0}")]
    Dav(String),
    #[error("sync token no longer valid")]
    TokenExpired,
    #[error("calendar data: {0}")]
    Parse(#[from] crate::availability::AvailabilityError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("secret: {0}")]
    Secret(String),
}

impl CalendarError {
    /// Network trouble and server errors pass; refused addresses and bad data do not.
    pub fn is_retryable(&self) -> bool {
        match self {
            CalendarError::Http(_) => true,
            CalendarError::Status { status, .. } => *status >= 500 || *status == 429,
            CalendarError::Db(e) => e.is_retryable(),
            _ => false,
        }
    }
}

/// A place calendar objects come from. `token` is what the previous fetch returned (an ETag or a
/// CalDAV sync token); without one the fetch is full.
pub trait CalendarSource {
    fn fetch(
        &self,
        token: Option<&str>,
    ) -> impl Future<Output = Result<Fetched, CalendarError>> + Send;
}
