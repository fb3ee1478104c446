//! Whose request a message is (the principal CAMS user), who the guest is, and who a reply goes
//! to. Pure: the caller looks the addresses up in the database first.
//!
//! The three ways mail reaches CAMS:
//! - the user CC'd CAMS on a thread with a guest (From is the user): reply to the guests, Cc the
//!   user;
//! - the user forwarded a guest's mail (From is the user, the body holds the original): reply to
//!   the original's sender, Cc the user;
//! - a guest wrote to the user's scheduling address (`schedule+alice@…`, an alias, or with the
//!   user in To/Cc): reply-all to the guest.
//!
//! A follow-up (In-Reply-To/References naming a message of a known thread) belongs to that
//! thread's user even when the guest writes from another address; a reply by the user to CAMS's
//! approval email is an approval answer, not a new request.

use std::collections::{HashMap, HashSet};

use lettre::Address;
use lettre::message::Mailbox;
use uuid::Uuid;

use crate::db::requests::ThreadRef;
use crate::outbound::threading::{Original, reply_all_recipients};

/// Users known by the addresses that appear in the message (lower-cased), and by plus tags.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub by_address: HashMap<String, Uuid>,
    pub by_tag: HashMap<String, Uuid>,
}

/// The message's addressing, as the router needs it.
#[derive(Debug, Clone)]
pub struct RouteInput<'a> {
    pub original: &'a Original,
    pub envelope_to: &'a [String],
    /// CAMS's own addresses (outbound.from and aliases).
    pub own: &'a [Address],
    /// For a forward: the forwarded original's sender (the guest who asked).
    pub forwarded_from: Option<Mailbox>,
    /// The thread this message follows up, if its references name one.
    pub thread: Option<&'a ThreadRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The user wrote with CAMS in copy.
    UserCopied,
    /// The user forwarded a guest's message.
    UserForwarded,
    /// A guest wrote (to the scheduling address, an alias, or the user with CAMS in copy).
    GuestWrote,
    /// The user answered CAMS's approval email ("yes", "2", "no").
    ApprovalAnswer,
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub user_id: Uuid,
    pub role: Role,
    /// Whom the request is from, from the user's point of view (None for an approval answer).
    pub guest: Option<Mailbox>,
    /// Recipients of CAMS's reply.
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// CAMS addresses of this message with a plus tag: left out of replies like `own`.
    pub extra_own: Vec<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unrouted {
    #[error("no CAMS user is the sender, a recipient, a plus-address tag or the thread's owner")]
    NoUser,
    #[error("the message names several CAMS users and no thread or tag says which one it is for")]
    Ambiguous,
    #[error("there is nobody besides the user and CAMS to answer")]
    NoGuest,
}

fn key(a: &Address) -> String {
    a.to_string().to_ascii_lowercase()
}

/// `schedule+alice@cams.example` → ("schedule@cams.example", "alice").
pub fn split_plus(address: &str) -> Option<(String, String)> {
    let (local, domain) = address.rsplit_once('@')?;
    let (base, tag) = local.split_once('+')?;
    if base.is_empty() || tag.is_empty() {
        return None;
    }
    Some((
        format!("{base}@{domain}").to_ascii_lowercase(),
        tag.to_ascii_lowercase(),
    ))
}

/// Every address of the message a user could be found by (lower-cased, deduplicated).
pub fn addresses(input: &RouteInput<'_>) -> Vec<String> {
    let o = input.original;
    let mut seen = HashSet::new();
    o.from
        .iter()
        .chain(&o.reply_to)
        .chain(&o.to)
        .chain(&o.cc)
        .map(|m| key(&m.email))
        .chain(
            input
                .envelope_to
                .iter()
                .map(|a| a.trim().to_ascii_lowercase()),
        )
        .filter(|a| seen.insert(a.clone()))
        .collect()
}

/// The plus tags on CAMS's own addresses among the recipients.
pub fn plus_tags(input: &RouteInput<'_>) -> Vec<(String, String)> {
    let own: HashSet<String> = input.own.iter().map(key).collect();
    let o = input.original;
    let mut seen = HashSet::new();
    o.to.iter()
        .chain(&o.cc)
        .map(|m| key(&m.email))
        .chain(
            input
                .envelope_to
                .iter()
                .map(|a| a.trim().to_ascii_lowercase()),
        )
        .filter_map(|a| {
            let (base, tag) = split_plus(&a)?;
            own.contains(&base).then_some((a, tag))
        })
        .filter(|(a, _)| seen.insert(a.clone()))
        .collect()
}

pub fn route(input: &RouteInput<'_>, dir: &Directory) -> Result<Route, Unrouted> {
    let o = input.original;
    let user_of = |m: &Mailbox| dir.by_address.get(&key(&m.email)).copied();
    let sender_user = o.from.first().and_then(user_of);
    let tags = plus_tags(input);
    let extra_own: Vec<Address> = tags.iter().filter_map(|(a, _)| a.parse().ok()).collect();
    let tag_user = {
        let users: HashSet<Uuid> = tags
            .iter()
            .filter_map(|(_, t)| dir.by_tag.get(t).copied())
            .collect();
        (users.len() == 1).then(|| *users.iter().next().unwrap_or(&Uuid::nil()))
    };
    let recipient_users: HashSet<Uuid> =
        o.to.iter()
            .chain(&o.cc)
            .filter_map(user_of)
            .chain(
                input
                    .envelope_to
                    .iter()
                    .filter_map(|a| dir.by_address.get(&a.trim().to_ascii_lowercase()).copied()),
            )
            .collect();

    // The user answering the approval email CAMS sent them.
    if let (Some(t), Some(u)) = (input.thread, sender_user)
        && t.via_approval
        && t.user_id == u
    {
        return Ok(Route {
            user_id: u,
            role: Role::ApprovalAnswer,
            guest: None,
            to: vec![],
            cc: vec![],
            extra_own,
        });
    }

    let mut own: Vec<Address> = input.own.to_vec();
    own.extend(extra_own.iter().cloned());

    if let Some(user) = sender_user {
        let user_mailbox = o.from[0].clone();
        if let Some(guest) = input.forwarded_from.clone()
            && user_of(&guest) != Some(user)
        {
            return Ok(Route {
                user_id: user,
                role: Role::UserForwarded,
                to: vec![guest.clone()],
                cc: vec![user_mailbox],
                guest: Some(guest),
                extra_own,
            });
        }
        // The user wrote to guests with CAMS in copy: the guests are everyone else addressed.
        let mut seen: HashSet<String> = own.iter().map(key).collect();
        seen.insert(key(&user_mailbox.email));
        let guests: Vec<Mailbox> =
            o.to.iter()
                .chain(&o.cc)
                .filter(|m| user_of(m) != Some(user) && seen.insert(key(&m.email)))
                .cloned()
                .collect();
        let Some(first) = guests.first().cloned() else {
            return Err(Unrouted::NoGuest);
        };
        return Ok(Route {
            user_id: user,
            role: Role::UserCopied,
            guest: Some(first),
            to: guests,
            cc: vec![user_mailbox],
            extra_own,
        });
    }

    let user = match (tag_user, input.thread) {
        (Some(u), _) => u,
        (None, Some(t)) => t.user_id,
        (None, None) => match recipient_users.len() {
            0 => return Err(Unrouted::NoUser),
            1 => *recipient_users.iter().next().unwrap_or(&Uuid::nil()),
            _ => return Err(Unrouted::Ambiguous),
        },
    };
    let recipients = reply_all_recipients(o, &own).map_err(|_| Unrouted::NoGuest)?;
    let guest = o.from.first().cloned().ok_or(Unrouted::NoGuest)?;
    Ok(Route {
        user_id: user,
        role: Role::GuestWrote,
        guest: Some(guest),
        to: recipients.to,
        cc: recipients.cc,
        extra_own,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mb(s: &str) -> Mailbox {
        s.parse().unwrap()
    }

    fn original(from: &str, to: &[&str], cc: &[&str]) -> Original {
        Original {
            from: vec![mb(from)],
            to: to.iter().map(|s| mb(s)).collect(),
            cc: cc.iter().map(|s| mb(s)).collect(),
            subject: Some("Meeting".into()),
            ..Original::default()
        }
    }

    fn dir() -> (Directory, Uuid, Uuid) {
        let alice = Uuid::from_u128(1);
        let bob = Uuid::from_u128(2);
        let mut d = Directory::default();
        d.by_address.insert("alice@corp.example".into(), alice);
        d.by_address.insert("a.smith@corp.example".into(), alice); // an alias
        d.by_address.insert("bob@corp.example".into(), bob);
        d.by_tag.insert("alice".into(), alice);
        (d, alice, bob)
    }

    fn own() -> Vec<Address> {
        vec!["schedule@cams.example".parse().unwrap()]
    }

    fn input<'a>(o: &'a Original, own: &'a [Address]) -> RouteInput<'a> {
        RouteInput {
            original: o,
            envelope_to: &[],
            own,
            forwarded_from: None,
            thread: None,
        }
    }

    #[test]
    fn user_copying_cams_gets_the_guests_as_recipients_and_is_copied() {
        let (d, alice, _) = dir();
        let own = own();
        let o = original(
            "Alice <alice@corp.example>",
            &["Dana <dana@guest.example>"],
            &["schedule@cams.example"],
        );
        let r = route(&input(&o, &own), &d).unwrap();
        assert_eq!(r.user_id, alice);
        assert_eq!(r.role, Role::UserCopied);
        assert_eq!(r.guest.unwrap().email.to_string(), "dana@guest.example");
        assert_eq!(r.to.len(), 1);
        assert_eq!(r.cc[0].email.to_string(), "alice@corp.example");
    }

    #[test]
    fn a_forward_answers_the_original_sender_not_the_forwarder() {
        let (d, alice, _) = dir();
        let own = own();
        let o = original("alice@corp.example", &["schedule@cams.example"], &[]);
        let mut i = input(&o, &own);
        i.forwarded_from = Some(mb("Dana <dana@guest.example>"));
        let r = route(&i, &d).unwrap();
        assert_eq!(r.user_id, alice);
        assert_eq!(r.role, Role::UserForwarded);
        assert_eq!(r.to[0].email.to_string(), "dana@guest.example");
        assert_eq!(r.cc[0].email.to_string(), "alice@corp.example");
    }

    #[test]
    fn plus_address_tag_names_the_user_and_is_never_a_recipient() {
        let (d, alice, _) = dir();
        let own = own();
        let o = original("dana@guest.example", &["Schedule+Alice@cams.example"], &[]);
        let r = route(&input(&o, &own), &d).unwrap();
        assert_eq!(r.user_id, alice);
        assert_eq!(r.role, Role::GuestWrote);
        assert_eq!(r.to[0].email.to_string(), "dana@guest.example");
        assert!(r.cc.is_empty(), "{:?}", r.cc);
    }

    #[test]
    fn guest_writing_to_the_user_with_cams_in_copy_keeps_the_user_on_the_reply() {
        let (d, alice, _) = dir();
        let own = own();
        let o = original(
            "dana@guest.example",
            &["a.smith@corp.example"],
            &["schedule@cams.example"],
        );
        let r = route(&input(&o, &own), &d).unwrap();
        assert_eq!(r.user_id, alice);
        assert_eq!(r.cc[0].email.to_string(), "a.smith@corp.example");
    }

    #[test]
    fn two_users_without_a_tag_or_thread_is_ambiguous_and_a_stranger_is_nobody() {
        let (d, _, bob) = dir();
        let own = own();
        let o = original(
            "dana@guest.example",
            &["alice@corp.example", "bob@corp.example"],
            &["schedule@cams.example"],
        );
        assert_eq!(route(&input(&o, &own), &d), Err(Unrouted::Ambiguous));
        let t = ThreadRef {
            user_id: bob,
            thread_id: Some("t".into()),
            request_id: Uuid::nil(),
            via_approval: false,
        };
        let mut i = input(&o, &own);
        i.thread = Some(&t);
        assert_eq!(route(&i, &d).unwrap().user_id, bob);

        let o = original("dana@guest.example", &["schedule@cams.example"], &[]);
        assert_eq!(route(&input(&o, &own), &d), Err(Unrouted::NoUser));
    }

    #[test]
    fn a_guest_answering_from_another_address_follows_the_thread() {
        let (d, alice, _) = dir();
        let own = own();
        let o = original("dana.private@home.example", &["schedule@cams.example"], &[]);
        let t = ThreadRef {
            user_id: alice,
            thread_id: Some("t".into()),
            request_id: Uuid::nil(),
            via_approval: false,
        };
        let mut i = input(&o, &own);
        i.thread = Some(&t);
        let r = route(&i, &d).unwrap();
        assert_eq!(r.user_id, alice);
        assert_eq!(r.to[0].email.to_string(), "dana.private@home.example");
    }

    #[test]
    fn the_user_replying_to_the_approval_email_is_an_approval_answer() {
        let (d, alice, _) = dir();
        let own = own();
        let o = original("alice@corp.example", &["schedule@cams.example"], &[]);
        let t = ThreadRef {
            user_id: alice,
            thread_id: Some("t".into()),
            request_id: Uuid::nil(),
            via_approval: true,
        };
        let mut i = input(&o, &own);
        i.thread = Some(&t);
        assert_eq!(route(&i, &d).unwrap().role, Role::ApprovalAnswer);
        // Someone else replying to the approval email is not the user approving.
        let o = original("dana@guest.example", &["schedule@cams.example"], &[]);
        let mut i = input(&o, &own);
        i.thread = Some(&t);
        assert_eq!(route(&i, &d).unwrap().role, Role::GuestWrote);
    }

    #[test]
    fn the_user_alone_with_cams_has_no_guest() {
        let (d, _, _) = dir();
        let own = own();
        let o = original("alice@corp.example", &["schedule@cams.example"], &[]);
        assert_eq!(route(&input(&o, &own), &d), Err(Unrouted::NoGuest));
    }

    #[test]
    fn split_plus_needs_both_halves() {
        assert_eq!(
            split_plus("Schedule+Bob@X.example"),
            Some(("schedule@x.example".into(), "bob".into()))
        );
        assert_eq!(split_plus("schedule@x.example"), None);
        assert_eq!(split_plus("+bob@x.example"), None);
        assert_eq!(split_plus("schedule+@x.example"), None);
    }
}
