//! Availability: free time out of busy events, preferences and holds (pure, no I/O).
//!
//! The sync job parses calendars with [`ics::parse_ics`], stores each series' rule as
//! [`recurrence::RecurrenceSet`] JSON and materialises instances with [`ics::Series::instances`];
//! a query builds a [`busy::BusyIndex`] from [`busy::BusyEvent`]s and asks an [`engine::Engine`].

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
