//! Which calendar events block time: event facts, a per-calendar busy policy, holds, and an index.

use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::AvailabilityError;
use super::interval::{DateSpan, Interval};

/// When an event happens: instants, or floating dates for an all-day event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventSpan {
    Timed(Interval),
    /// Blocks these DATES in the user's zone, whatever zone the calendar was written in.
    AllDay(DateSpan),
}

impl EventSpan {
    /// The instants covered when read by a user living in `zone`.
    pub fn interval_in(&self, zone: Tz) -> Interval {
        match self {
            EventSpan::Timed(i) => *i,
            EventSpan::AllDay(days) => days.in_zone(zone),
        }
    }
}

macro_rules! parse_enum {
    ($ty:ident, $field:literal, { $($text:literal => $variant:ident),+ $(,)? }) => {
        impl FromStr for $ty {
            type Err = AvailabilityError;
            /// Accepts the seed's lower-case values and the RFC 5545 upper-case ones.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().replace(['-', '_'], "").as_str() {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(AvailabilityError::UnknownValue { field: $field, value: s.to_string() }),
                }
            }
        }
    };
}

/// Seed `events.status`, RFC 5545 STATUS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    #[default]
    Confirmed,
    Tentative,
    Cancelled,
}
parse_enum!(EventStatus, "status", { "confirmed" => Confirmed, "tentative" => Tentative, "cancelled" => Cancelled, "canceled" => Cancelled });

/// Seed `events.busy_status`; RFC 5545 TRANSP (OPAQUE = busy, TRANSPARENT = free) and
/// Microsoft's X-MICROSOFT-CDO-BUSYSTATUS (TENTATIVE, OOF = busy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BusyStatus {
    #[default]
    Busy,
    Free,
    Tentative,
}
parse_enum!(BusyStatus, "busy_status", { "busy" => Busy, "opaque" => Busy, "oof" => Busy, "free" => Free, "transparent" => Free, "tentative" => Tentative });

/// The user's own answer to an invitation (seed `event_attendees.response_status`, PARTSTAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Accepted,
    Declined,
    Tentative,
    NeedsAction,
    Delegated,
}
parse_enum!(Response, "response_status", { "accepted" => Accepted, "declined" => Declined, "tentative" => Tentative, "needsaction" => NeedsAction, "delegated" => Delegated });

/// What the engine needs of one event (or one materialised instance). Deliberately no title,
/// description, place or attendees: nothing the engine outputs can leak them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusyEvent {
    pub span: EventSpan,
    #[serde(default)]
    pub status: EventStatus,
    #[serde(default)]
    pub busy_status: BusyStatus,
    /// `None` when the user organises the event or is not listed as an attendee.
    #[serde(default)]
    pub response: Option<Response>,
}

impl BusyEvent {
    /// A confirmed, busy, timed event: the common case.
    pub fn timed(interval: Interval) -> Self {
        Self {
            span: EventSpan::Timed(interval),
            status: EventStatus::Confirmed,
            busy_status: BusyStatus::Busy,
            response: None,
        }
    }

    pub fn all_day(days: DateSpan) -> Self {
        Self {
            span: EventSpan::AllDay(days),
            ..Self::timed(days.in_zone(chrono_tz::UTC))
        }
    }
}

/// Busy semantics of one calendar. The defaults are what users expect of a scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusyPolicy {
    /// STATUS:TENTATIVE or busy_status tentative ("maybe") blocks. Default true.
    pub tentative_blocks: bool,
    /// An invitation the user has not answered blocks. Default true (fail closed).
    pub unanswered_blocks: bool,
    /// A declined invitation blocks. Default false.
    pub declined_blocks: bool,
    /// A busy all-day event blocks its dates (a free/transparent one never does). Default true.
    pub all_day_blocks: bool,
    /// A free/transparent event blocks anyway (a calendar used for "focus" or holidays). Default false.
    pub free_blocks: bool,
}

impl Default for BusyPolicy {
    fn default() -> Self {
        Self {
            tentative_blocks: true,
            unanswered_blocks: true,
            declined_blocks: false,
            all_day_blocks: true,
            free_blocks: false,
        }
    }
}

impl BusyPolicy {
    /// Whether `event` blocks time under this policy. Cancelled events never do.
    pub fn blocks(&self, event: &BusyEvent) -> bool {
        if event.status == EventStatus::Cancelled {
            return false;
        }
        let by_transparency = match event.busy_status {
            BusyStatus::Busy => true,
            BusyStatus::Tentative => self.tentative_blocks,
            BusyStatus::Free => self.free_blocks,
        };
        let by_status = event.status != EventStatus::Tentative || self.tentative_blocks;
        let by_response = match event.response {
            None | Some(Response::Accepted) => true,
            Some(Response::Declined) => self.declined_blocks,
            Some(Response::Tentative) => self.tentative_blocks,
            // Delegated: someone else goes; like declined for this user.
            Some(Response::Delegated) => self.declined_blocks,
            Some(Response::NeedsAction) => self.unanswered_blocks,
        };
        let by_kind = match event.span {
            EventSpan::Timed(_) => true,
            EventSpan::AllDay(_) => self.all_day_blocks,
        };
        by_transparency && by_status && by_response && by_kind
    }
}

/// Time CAMS has offered and keeps free until the offer is answered or expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub interval: Interval,
    /// A hold whose expiry is at or before `now` no longer blocks.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Hold {
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// What kind of thing a busy block is; it decides buffers, caps and the wording of reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A timed event of the user's calendars ("outside" the engine): buffered, counted in caps.
    Event,
    /// An all-day event: blocks whole dates, no buffer, not a meeting for the daily cap.
    AllDay,
    /// A CAMS hold: buffered and counted like a meeting.
    Hold,
}

/// One blocking interval, with no trace of which event it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusyBlock {
    pub interval: Interval,
    pub kind: BlockKind,
}

impl BusyBlock {
    pub(crate) fn is_meeting(&self) -> bool {
        matches!(self.kind, BlockKind::Event | BlockKind::Hold)
    }
}

/// A user's blocking intervals, sorted once (at load or sync time) so a query cuts its range
/// with two binary searches instead of scanning every event.
#[derive(Debug, Clone)]
pub struct BusyIndex {
    zone: Tz,
    blocks: Vec<BusyBlock>,
    /// `max_end[i]` = latest end among `blocks[..=i]`: monotonic, so searchable, and it makes a
    /// long event that starts before the range still found.
    max_end: Vec<DateTime<Utc>>,
}

impl BusyIndex {
    /// Builds the index for a user living in `zone` (all-day dates are read there) from each
    /// calendar's events under that calendar's policy.
    pub fn build<'a>(
        zone: Tz,
        calendars: impl IntoIterator<Item = (&'a BusyPolicy, &'a [BusyEvent])>,
    ) -> Self {
        let mut blocks: Vec<BusyBlock> = Vec::new();
        for (policy, events) in calendars {
            blocks.extend(
                events
                    .iter()
                    .filter(|e| policy.blocks(e))
                    .map(|e| BusyBlock {
                        interval: e.span.interval_in(zone),
                        kind: match e.span {
                            EventSpan::Timed(_) => BlockKind::Event,
                            EventSpan::AllDay(_) => BlockKind::AllDay,
                        },
                    }),
            );
        }
        blocks.sort_unstable_by_key(|b| (b.interval.start(), b.interval.end()));
        let mut max_end = Vec::with_capacity(blocks.len());
        let mut latest = DateTime::<Utc>::MIN_UTC;
        for b in &blocks {
            latest = latest.max(b.interval.end());
            max_end.push(latest);
        }
        Self {
            zone,
            blocks,
            max_end,
        }
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Blocks overlapping `range`, in start order.
    pub fn overlapping(&self, range: &Interval) -> impl Iterator<Item = &BusyBlock> {
        let first = self.max_end.partition_point(|end| *end <= range.start());
        let last = self
            .blocks
            .partition_point(|b| b.interval.start() < range.end());
        self.blocks[first..last.max(first)]
            .iter()
            .filter(move |b| b.interval.overlaps(range))
    }
}

/// A buffer is a non-negative length; the engine widens buffered blocks by it on both sides.
pub(crate) fn buffered(block: &BusyBlock, buffer: TimeDelta) -> Interval {
    match block.kind {
        BlockKind::AllDay => block.interval,
        BlockKind::Event | BlockKind::Hold => block.interval.widened(buffer, buffer),
    }
}
