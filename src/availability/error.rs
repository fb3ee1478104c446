//! The availability layer's one error type: every way its input can be refused.

use chrono::{DateTime, NaiveDate, Utc};

/// Why availability input was refused. Nothing here is retryable: the same input fails again.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AvailabilityError {
    #[error("interval is empty or reversed: {start} .. {end}")]
    EmptyInterval {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    #[error("date span is empty or reversed: {first} .. {end_exclusive}")]
    EmptyDateSpan {
        first: NaiveDate,
        end_exclusive: NaiveDate,
    },
    #[error("unknown IANA time zone {0:?}")]
    UnknownZone(String),
    #[error("working hours: {0}")]
    WorkingHours(String),
    #[error("preferences: {0}")]
    Preferences(String),
    #[error("unknown {field} value {value:?}")]
    UnknownValue { field: &'static str, value: String },
    #[error("query: {0}")]
    Query(String),
    #[error("recurrence rule: {0}")]
    Rule(String),
    #[error("ICS: {0}")]
    Ics(String),
}
