//! Why a candidate time is not available: typed reasons and their wording, never an event title.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::busy::BlockKind;
use super::interval::Interval;

/// Which side of a busy block its buffer lies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Before,
    After,
}

/// Which daily limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum CapKind {
    Meetings {
        limit: u32,
        booked: u32,
    },
    MeetingTime {
        limit_minutes: i64,
        booked_minutes: i64,
    },
}

/// One reason a candidate is not available. Blocks are given by time and kind only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    OutsideQueryRange {
        range: Interval,
    },
    WrongDuration {
        expected_minutes: i64,
    },
    OutsideWorkingHours {
        date: NaiveDate,
        hours: Vec<(NaiveTime, NaiveTime)>,
    },
    InsideMinimumNotice {
        earliest: DateTime<Utc>,
    },
    OverlapsBusy {
        block: Interval,
        kind: BlockKind,
    },
    InsideBuffer {
        side: Side,
        block: Interval,
        buffer_minutes: i64,
    },
    DailyCapReached {
        date: NaiveDate,
        cap: CapKind,
    },
}

/// Local "HH:MM" of an instant in `zone`.
fn clock(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

/// "14:00–15:00 America/New_York", with dates when the block is not within one local day.
pub fn render_interval(i: &Interval, zone: Tz) -> String {
    let s = i.start().with_timezone(&zone);
    let e = i.end().with_timezone(&zone);
    let same_day = s.date_naive() == e.date_naive()
        || (e.time() == NaiveTime::MIN
            && e.date_naive() == s.date_naive().succ_opt().unwrap_or(e.date_naive()));
    if same_day {
        format!(
            "{}–{} {}",
            clock(i.start(), zone),
            clock(i.end(), zone),
            zone.name()
        )
    } else {
        format!(
            "{} {}–{} {} {}",
            s.format("%Y-%m-%d"),
            clock(i.start(), zone),
            e.format("%Y-%m-%d"),
            clock(i.end(), zone),
            zone.name()
        )
    }
}

impl Reason {
    /// The reason in words, times in the user's `zone`.
    pub fn render(&self, zone: Tz) -> String {
        match self {
            Reason::OutsideQueryRange { range } => {
                format!(
                    "outside the requested range {}",
                    render_interval(range, zone)
                )
            }
            Reason::WrongDuration { expected_minutes } => {
                format!("not {expected_minutes} minutes long")
            }
            Reason::OutsideWorkingHours { date, hours } => {
                if hours.is_empty() {
                    format!(
                        "outside working hours ({} is not a working day)",
                        date.format("%a %Y-%m-%d")
                    )
                } else {
                    let ranges: Vec<String> = hours
                        .iter()
                        .map(|(s, e)| format!("{}–{}", s.format("%H:%M"), e.format("%H:%M")))
                        .collect();
                    format!(
                        "outside working hours ({} {} {})",
                        date.format("%a"),
                        ranges.join(", "),
                        zone.name()
                    )
                }
            }
            Reason::InsideMinimumNotice { earliest } => format!(
                "inside minimum notice (earliest {} {})",
                earliest.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
                zone.name()
            ),
            Reason::OverlapsBusy { block, kind } => match kind {
                BlockKind::Event => {
                    format!("overlaps a busy block {}", render_interval(block, zone))
                }
                BlockKind::AllDay => {
                    // All-day blocks are whole local dates: name the dates, not midnights.
                    let first = block.start().with_timezone(&zone).date_naive();
                    let last = (block.end() - TimeDelta::seconds(1))
                        .with_timezone(&zone)
                        .date_naive();
                    if first == last {
                        format!(
                            "overlaps an all-day event on {}",
                            first.format("%a %Y-%m-%d")
                        )
                    } else {
                        format!(
                            "overlaps an all-day event from {} to {}",
                            first.format("%a %Y-%m-%d"),
                            last.format("%a %Y-%m-%d")
                        )
                    }
                }
                BlockKind::Hold => format!("overlaps a hold {}", render_interval(block, zone)),
            },
            Reason::InsideBuffer {
                side,
                block,
                buffer_minutes,
            } => {
                let side = match side {
                    Side::Before => "before",
                    Side::After => "after",
                };
                format!(
                    "buffer {side} {} ({buffer_minutes} min)",
                    render_interval(block, zone)
                )
            }
            Reason::DailyCapReached { date, cap } => match cap {
                CapKind::Meetings { limit, booked } => format!(
                    "daily cap reached ({booked} of {limit} meetings on {})",
                    date.format("%a %Y-%m-%d")
                ),
                CapKind::MeetingTime {
                    limit_minutes,
                    booked_minutes,
                } => format!(
                    "daily cap reached ({} of {} meeting hours on {})",
                    hours(*booked_minutes),
                    hours(*limit_minutes),
                    date.format("%a %Y-%m-%d")
                ),
            },
        }
    }
}

fn hours(minutes: i64) -> String {
    let d = TimeDelta::minutes(minutes);
    format!("{}h{:02}", d.num_hours(), d.num_minutes() % 60)
}

/// A candidate and every reason it is unavailable; no reasons means it is free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub candidate: Interval,
    pub reasons: Vec<Reason>,
}

impl Explanation {
    pub fn is_available(&self) -> bool {
        self.reasons.is_empty()
    }

    pub fn render(&self, zone: Tz) -> Vec<String> {
        self.reasons.iter().map(|r| r.render(zone)).collect()
    }
}
