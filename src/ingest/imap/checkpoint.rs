//! What to fetch after SELECT, from the stored checkpoint and the server's UIDVALIDITY (RFC 3501
//! section 2.3.1.1: a UID means nothing without the UIDVALIDITY it was given under).

use crate::db::mailboxes::Checkpoint;

/// How a poller catches up with a mailbox it just selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Same UIDVALIDITY: only UIDs above the last one handled are new.
    After(u32),
    /// First visit, or the UIDVALIDITY changed (mailbox recreated, UIDs renumbered): the stored
    /// UID is meaningless, so every message not yet marked processed is looked at again. The
    /// inbound store's Message-ID dedupe makes old ones come back as duplicates, not new work.
    Resync { previous_validity: Option<u32> },
}

pub fn plan(stored: Checkpoint, server_validity: u32) -> Plan {
    match stored.uid_validity {
        Some(v) if v == server_validity => Plan::After(stored.last_uid),
        previous_validity => Plan::Resync { previous_validity },
    }
}

/// The checkpoint after a pass: the highest UID handled, and after a resync at least everything
/// below UIDNEXT as seen at SELECT (those were either handled now or already marked processed).
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

    fn cp(v: Option<u32>, last: u32) -> Checkpoint {
        Checkpoint {
            uid_validity: v,
            last_uid: last,
        }
    }

    #[test]
    fn same_validity_resumes_after_the_last_uid() {
        assert_eq!(plan(cp(Some(7), 41), 7), Plan::After(41));
        assert_eq!(
            advance(7, Plan::After(41), Some(45), Some(46)),
            cp(Some(7), 45)
        );
        assert_eq!(advance(7, Plan::After(41), None, Some(42)), cp(Some(7), 41));
    }

    #[test]
    fn a_changed_or_missing_validity_resynchronises() {
        assert_eq!(
            plan(cp(Some(7), 41), 9),
            Plan::Resync {
                previous_validity: Some(7)
            }
        );
        assert_eq!(
            plan(cp(None, 0), 9),
            Plan::Resync {
                previous_validity: None
            }
        );
        // The old UID 41 must not survive into the new validity: the new mailbox has UIDs 1..3.
        let p = Plan::Resync {
            previous_validity: Some(7),
        };
        assert_eq!(advance(9, p, Some(2), Some(4)), cp(Some(9), 3));
        assert_eq!(advance(9, p, None, None), cp(Some(9), 0));
    }
}
