//! What to fetch after SELECT, from the stored checkpoint and the server's UIDVALIDITY (RFC 3501
//! section 2.3.1.1: a UID means nothing without the UIDVALIDITY it was given under).

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::db::mailboxes::{Checkpoint, SavedCheckpoint};

/// How far before the last checkpoint a resynchronisation looks: SEARCH SINCE compares dates
/// only, in the server's time zone (RFC 3501 section 6.4.4), so one day is not enough.
const SINCE_MARGIN_DAYS: u64 = 2;

/// How a poller catches up with a mailbox it just selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Same UIDVALIDITY: only UIDs above the last one handled are new.
    After(u32),
    /// First visit, or the UIDVALIDITY changed (mailbox recreated, UIDs renumbered): the stored
    /// UID is meaningless, so mail not yet marked processed that arrived since shortly before the
    /// last checkpoint (or, on a first visit, since shortly before now) is looked at again. The
    /// inbound store's Message-ID dedupe turns what was already stored into duplicates, not new
    /// work; the date bound keeps a first visit to a personal mailbox from taking in its history.
    Resync {
        previous_validity: Option<u32>,
        since: NaiveDate,
    },
}

pub fn plan(stored: SavedCheckpoint, server_validity: u32, now: DateTime<Utc>) -> Plan {
    match stored.checkpoint.uid_validity {
        Some(v) if v == server_validity => Plan::After(stored.checkpoint.last_uid),
        previous_validity => {
            let from = match previous_validity {
                Some(_) => stored.saved_at.unwrap_or(now).min(now),
                None => now,
            };
            Plan::Resync {
                previous_validity,
                since: from.date_naive() - Days::new(SINCE_MARGIN_DAYS),
            }
        }
    }
}

/// The SEARCH date format (RFC 3501 date-text: 1-Jan-2026).
pub fn search_date(d: NaiveDate) -> String {
    d.format("%-d-%b-%Y").to_string()
}

/// The checkpoint after a pass: the highest UID handled, and after a resync at least everything
/// below UIDNEXT as seen at SELECT (those were either handled now or are not to be handled).
pub fn advance(
    validity: u32,
    plan: Plan,
    handled_max: Option<u32>,
    uid_next: Option<u32>,
) -> Checkpoint {
    let floor = match plan {
        Plan::After(last) => last,
        Plan::Resync { .. } => uid_next.map(|n| n.saturating_sub(1)).unwrap_or(0),
    };
    Checkpoint {
        uid_validity: Some(validity),
        last_uid: handled_max.map_or(floor, |m| m.max(floor)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(v: Option<u32>, last: u32, at: Option<&str>) -> SavedCheckpoint {
        SavedCheckpoint {
            checkpoint: Checkpoint {
                uid_validity: v,
                last_uid: last,
            },
            saved_at: at.map(|s| s.parse().unwrap()),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-11-25T21:00:00Z".parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn same_validity_resumes_after_the_last_uid() {
        assert_eq!(plan(saved(Some(7), 41, None), 7, now()), Plan::After(41));
        let cp = |v, l| Checkpoint {
            uid_validity: Some(v),
            last_uid: l,
        };
        assert_eq!(advance(7, Plan::After(41), Some(45), Some(46)), cp(7, 45));
        assert_eq!(advance(7, Plan::After(41), None, Some(42)), cp(7, 41));
    }

    #[test]
    fn a_changed_validity_looks_again_from_before_the_last_checkpoint() {
        let p = plan(saved(Some(7), 41, Some("2026-11-20T08:00:00Z")), 9, now());
        assert_eq!(
            p,
            Plan::Resync {
                previous_validity: Some(7),
                since: day("2026-11-18")
            }
        );
        // The old UID 41 must not survive into the new validity: the new mailbox has UIDs 1..3.
        let cp = advance(9, p, Some(2), Some(4));
        assert_eq!((cp.uid_validity, cp.last_uid), (Some(9), 3));
        let cp = advance(9, p, None, None);
        assert_eq!((cp.uid_validity, cp.last_uid), (Some(9), 0));
    }

    #[test]
    fn a_first_visit_takes_recent_mail_only() {
        assert_eq!(
            plan(saved(None, 0, None), 9, now()),
            Plan::Resync {
                previous_validity: None,
                since: day("2026-11-23")
            }
        );
    }

    #[test]
    fn search_dates_use_the_imap_format() {
        assert_eq!(search_date(day("2026-01-05")), "5-Jan-2026");
        assert_eq!(search_date(day("2026-11-23")), "23-Nov-2026");
    }
}
