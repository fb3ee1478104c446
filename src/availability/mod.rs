//! Availability: free time out of busy events, preferences and holds (pure, no I/O).
//!
//! The sync job parses calendars with `ics::parse_ics`, stores each series' rule as
//! `recurrence::RecurrenceSet` JSON and materialises instances with `ics::Series::instances`;
//! a query builds a `busy::BusyIndex` from `busy::BusyEvent`s and asks an `engine::Engine`.
//!
//! How the seed's tables map onto these types:
//! - `events` master of a series: `recurrence_rule` = `recurrence::RecurrenceSet::to_json`,
//!   `is_recurring = true`; read back with `recurrence::RecurrenceSet::from_json` and expand
//!   with `recurrence::RecurrenceSet::occurrences` when the materialised horizon moves on.
//! - each `ics::Instance`: an `events` row with `recurring_event_id` = the master,
//!   `original_start_time` = `recurrence::OriginalStart::as_storage_instant`; one with
//!   `is_override` is also a `recurring_event_exceptions` row (`is_cancelled` when its status is
//!   cancelled; EXDATEs stay in the rule and produce no instance).
//! - all-day rows: `all_day = true`, dates stored as UTC midnights; read back with
//!   `interval::DateSpan::from_utc_midnights`, never as instants.
//! - `status`, `busy_status` and the user's `event_attendees.response_status` parse with
//!   `FromStr` into `busy::EventStatus`, `busy::BusyStatus`, `busy::Response`.
//! - `user_preferences` and `users.timezone`: `preferences::Preferences::from_seed`.

pub mod busy;
pub mod engine;
pub mod error;
pub mod explain;
pub mod ics;
pub mod interval;
pub mod preferences;
pub mod recurrence;
pub mod vtimezone;
pub mod working_hours;
pub mod zone;

pub use busy::{
    BlockKind, BusyBlock, BusyEvent, BusyIndex, BusyPolicy, BusyStatus, EventSpan, EventStatus,
    Hold, Response,
};
pub use engine::{Engine, Query, Slot};
pub use error::AvailabilityError;
pub use explain::{Explanation, Reason};
pub use interval::{DateSpan, Interval};
pub use preferences::{DailyCap, Preferences};
pub use working_hours::{WorkRange, WorkingHours};
