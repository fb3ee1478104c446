//! Reply threading (RFC 5322 section 3.6.4): Message-IDs, In-Reply-To, References, "Re:" subjects
//! and reply-all recipients. Pure functions.

use std::collections::HashSet;
use std::fmt;

use lettre::Address;
use lettre::message::Mailbox;
use uuid::Uuid;

/// Why a threading value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreadingError {
    #[error("not a Message-ID: {0:?}")]
    BadMessageId(String),
    #[error("the reply would have no recipient once CAMS's own addresses are removed")]
    NoRecipients,
}

/// A Message-ID's `id-left@id-right`, kept without the angle brackets; shown with them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageId(String);

impl MessageId {
    /// Accepts `<left@right>` or `left@right`; refuses whitespace, brackets inside, no `@`.
    pub fn parse(s: &str) -> Result<MessageId, ThreadingError> {
        let t = s.trim();
        let inner = t.strip_prefix('<').unwrap_or(t);
        let inner = inner.strip_suffix('>').unwrap_or(inner);
        let ok = inner.len() <= 900
            && inner
                .split_once('@')
                .is_some_and(|(l, r)| !l.is_empty() && !r.is_empty())
            && inner
                .chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\'));
        if ok {
            Ok(MessageId(inner.to_string()))
        } else {
            Err(ThreadingError::BadMessageId(s.chars().take(100).collect()))
        }
    }

    /// The Message-ID of the email a response row becomes: `<response-uuid@domain>`. Made from
    /// the row before sending, so every attempt carries the same one (see `valid_id_domain`).
    pub fn for_response(response_id: Uuid, domain: &str) -> MessageId {
        MessageId(format!("{}@{}", response_id.hyphenated(), domain))
    }

    /// Without angle brackets.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

/// Whether `domain` can be the right-hand side of a Message-ID CAMS makes: a plain dot-atom
/// host name (RFC 5322 `id-right` allows more, but a domain we control keeps IDs unique).
pub fn valid_id_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Reply prefixes mail clients add, in several languages: English "Re", German "Aw",
/// Scandinavian "Sv"/"Vs", Dutch "Antw", Polish "Odp", Italian "R". Stripped before one "Re: " is
/// put back, so a thread never grows "Re: Re: Aw:".
const REPLY_PREFIXES: [&str; 7] = ["re", "aw", "sv", "vs", "antw", "odp", "r"];

/// The subject of a reply: "Re: " and the original subject without its reply prefixes (also
/// counted ones such as "Re[2]:" or "RE(3):"). A missing subject gives "Re: (no subject)".
pub fn reply_subject(original: Option<&str>) -> String {
    let mut rest = original.unwrap_or("").trim();
    while let Some(after) = strip_reply_prefix(rest) {
        rest = after.trim_start();
    }
    if rest.is_empty() {
        "Re: (no subject)".to_string()
    } else {
        format!("Re: {rest}")
    }
}

fn strip_reply_prefix(s: &str) -> Option<&str> {
    let word_end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    let word = &s[..word_end];
    if !REPLY_PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) {
        return None;
    }
    let mut after = s[word_end..].trim_start();
    // "Re[2]:" / "Re(2):"
    if let Some(open) = after.chars().next().filter(|c| matches!(c, '[' | '(')) {
        let close = if open == '[' { ']' } else { ')' };
        let end = after.find(close)?;
        if !after[1..end].chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        after = after[end + 1..].trim_start();
    }
    // Some clients write a full-width colon (U+FF1A).
    after
        .strip_prefix(':')
        .or_else(|| after.strip_prefix('\u{ff1a}'))
}

/// References kept at most; long threads would otherwise grow a header without bound.
pub const MAX_REFERENCES: usize = 20;

/// The References of a reply (RFC 5322 section 3.6.4): the parent's References (or, when it has
/// none, its single In-Reply-To), then the parent's Message-ID. Duplicates are dropped; when
/// more than `MAX_REFERENCES` remain, the first (the thread's root, which clients thread by) and
/// the most recent ones are kept, as RFC 5537 section 3.4.4 advises for trimming.
pub fn reply_references(
    parent_references: &[MessageId],
    parent_in_reply_to: &[MessageId],
    parent_id: Option<&MessageId>,
) -> Vec<MessageId> {
    let mut chain: Vec<MessageId> = if !parent_references.is_empty() {
        parent_references.to_vec()
    } else if parent_in_reply_to.len() == 1 {
        parent_in_reply_to.to_vec()
    } else {
        Vec::new()
    };
    chain.extend(parent_id.cloned());
    let mut seen = HashSet::new();
    // Keep the last occurrence of a repeated ID: its position is the more recent one.
    let mut deduped: Vec<MessageId> = chain
        .into_iter()
        .rev()
        .filter(|id| seen.insert(id.clone()))
        .collect();
    deduped.reverse();
    if deduped.len() > MAX_REFERENCES {
        let tail_from = deduped.len() - (MAX_REFERENCES - 1);
        let mut trimmed = vec![deduped[0].clone()];
        trimmed.extend_from_slice(&deduped[tail_from..]);
        return trimmed;
    }
    deduped
}

/// The headers of the message being answered that a reply is built from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Original {
    pub from: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: Option<String>,
    pub message_id: Option<MessageId>,
    pub in_reply_to: Vec<MessageId>,
    pub references: Vec<MessageId>,
}

impl Original {
    /// Reads the headers of a parsed message. Addresses that are not valid mailboxes (a group's
    /// empty "undisclosed-recipients:;", a bare name) and malformed Message-IDs are left out.
    pub fn from_parsed(message: &mail_parser::Message<'_>) -> Original {
        let mailboxes = |a: Option<&mail_parser::Address<'_>>| -> Vec<Mailbox> {
            a.map(|a| {
                a.iter()
                    .filter_map(|addr| {
                        let address: Address = addr.address.as_deref()?.trim().parse().ok()?;
                        let name = addr
                            .name
                            .as_deref()
                            .map(str::trim)
                            .filter(|n| !n.is_empty())
                            .map(str::to_string);
                        Some(Mailbox::new(name, address))
                    })
                    .collect()
            })
            .unwrap_or_default()
        };
        let ids = |v: &mail_parser::HeaderValue<'_>| -> Vec<MessageId> {
            v.as_text_list()
                .unwrap_or(&[])
                .iter()
                .filter_map(|s| MessageId::parse(s).ok())
                .collect()
        };
        Original {
            from: mailboxes(message.from()),
            reply_to: mailboxes(message.reply_to()),
            to: mailboxes(message.to()),
            cc: mailboxes(message.cc()),
            subject: message.subject().map(str::to_string),
            message_id: message.message_id().and_then(|m| MessageId::parse(m).ok()),
            in_reply_to: ids(message.in_reply_to()),
            references: ids(message.references()),
        }
    }
}

/// Who a reply goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipients {
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
}

/// Reply-all: To is the original's Reply-To (or From), Cc everyone else it was addressed to;
/// CAMS's own addresses are removed and each address appears once (compared without regard to
/// case: RFC 5321 lets the local part be case-sensitive, but no mail system in use treats
/// "Ann@x" and "ann@x" as two people). When removing CAMS empties To (CAMS wrote the original
/// itself), the first Cc moves up.
pub fn reply_all_recipients(
    original: &Original,
    own: &[Address],
) -> Result<Recipients, ThreadingError> {
    let key = |m: &Mailbox| m.email.to_string().to_ascii_lowercase();
    let mut seen: HashSet<String> = own
        .iter()
        .map(|a| a.to_string().to_ascii_lowercase())
        .collect();
    let mut take = |list: &[Mailbox]| -> Vec<Mailbox> {
        list.iter()
            .filter(|m| seen.insert(key(m)))
            .cloned()
            .collect()
    };
    let authors = if original.reply_to.is_empty() {
        &original.from
    } else {
        &original.reply_to
    };
    let mut to = take(authors);
    let mut cc = take(&original.to);
    cc.extend(take(&original.cc));
    if to.is_empty() {
        if cc.is_empty() {
            return Err(ThreadingError::NoRecipients);
        }
        to.push(cc.remove(0));
    }
    Ok(Recipients { to, cc })
}

/// Everything threading puts in a reply.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyHeaders {
    pub recipients: Recipients,
    pub subject: String,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
}

/// The recipients, subject and threading headers of a reply-all to `original`.
pub fn reply_headers(original: &Original, own: &[Address]) -> Result<ReplyHeaders, ThreadingError> {
    Ok(ReplyHeaders {
        recipients: reply_all_recipients(original, own)?,
        subject: reply_subject(original.subject.as_deref()),
        in_reply_to: original.message_id.clone(),
        references: reply_references(
            &original.references,
            &original.in_reply_to,
            original.message_id.as_ref(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mb(s: &str) -> Mailbox {
        s.parse().unwrap()
    }

    fn id(s: &str) -> MessageId {
        MessageId::parse(s).unwrap()
    }

    #[test]
    fn subject_gets_one_re_whatever_the_prefixes() {
        assert_eq!(reply_subject(Some("Lunch?")), "Re: Lunch?");
        assert_eq!(reply_subject(Some("Re: Lunch?")), "Re: Lunch?");
        assert_eq!(reply_subject(Some("RE: re: Lunch?")), "Re: Lunch?");
        assert_eq!(reply_subject(Some("Aw: SV: Treffen")), "Re: Treffen");
        assert_eq!(reply_subject(Some("Re[2]: Lunch")), "Re: Lunch");
        assert_eq!(reply_subject(Some("RE(3) : Lunch")), "Re: Lunch");
        assert_eq!(reply_subject(Some("  Antw: Odp: sync  ")), "Re: sync");
        assert_eq!(reply_subject(None), "Re: (no subject)");
        assert_eq!(reply_subject(Some("Re:")), "Re: (no subject)");
    }

    #[test]
    fn subject_keeps_words_that_merely_start_like_a_prefix() {
        assert_eq!(
            reply_subject(Some("Review: Q3 plan")),
            "Re: Review: Q3 plan"
        );
        assert_eq!(reply_subject(Some("Fwd: Q3 plan")), "Re: Fwd: Q3 plan");
        assert_eq!(reply_subject(Some("Re[x]: odd")), "Re: Re[x]: odd");
        assert_eq!(reply_subject(Some("R&D sync")), "Re: R&D sync");
    }

    #[test]
    fn message_ids_parse_with_or_without_brackets() {
        assert_eq!(id("<a.b@c>").to_string(), "<a.b@c>");
        assert_eq!(id("a.b@c").as_str(), "a.b@c");
        for bad in ["", "<>", "no-at", "<a b@c>", "<@c>", "<a@>", "<a<b@c>"] {
            assert!(MessageId::parse(bad).is_err(), "{bad:?} accepted");
        }
        let r = Uuid::parse_str("9b2e6f1c-3c1d-4e7a-9a55-1f0f8e6d2c11").unwrap();
        assert_eq!(
            MessageId::for_response(r, "cams.example.org").to_string(),
            "<9b2e6f1c-3c1d-4e7a-9a55-1f0f8e6d2c11@cams.example.org>"
        );
    }

    #[test]
    fn id_domains_are_plain_host_names() {
        assert!(valid_id_domain("cams.example.org"));
        assert!(valid_id_domain("localhost"));
        for bad in ["", "a..b", ".a", "a b", "-a.org", "a@b", "[127.0.0.1]"] {
            assert!(!valid_id_domain(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn references_are_the_parents_then_the_parent() {
        let refs = reply_references(
            &[id("<r1@x>"), id("<r2@x>")],
            &[id("<r2@x>")],
            Some(&id("<p@x>")),
        );
        assert_eq!(refs, vec![id("<r1@x>"), id("<r2@x>"), id("<p@x>")]);
        // No References: a single In-Reply-To stands in for them.
        let refs = reply_references(&[], &[id("<r2@x>")], Some(&id("<p@x>")));
        assert_eq!(refs, vec![id("<r2@x>"), id("<p@x>")]);
        // Several In-Reply-To IDs are ambiguous and left out.
        let refs = reply_references(&[], &[id("<a@x>"), id("<b@x>")], Some(&id("<p@x>")));
        assert_eq!(refs, vec![id("<p@x>")]);
        assert!(reply_references(&[], &[], None).is_empty());
    }

    #[test]
    fn long_reference_chains_keep_the_root_and_the_latest() {
        let chain: Vec<MessageId> = (0..50).map(|i| id(&format!("<m{i}@x>"))).collect();
        let refs = reply_references(&chain, &[], Some(&id("<p@x>")));
        assert_eq!(refs.len(), MAX_REFERENCES);
        assert_eq!(refs[0], id("<m0@x>"));
        assert_eq!(refs[MAX_REFERENCES - 1], id("<p@x>"));
        assert_eq!(refs[MAX_REFERENCES - 2], id("<m49@x>"));
        // A repeated ID appears once, at its latest position.
        let refs = reply_references(
            &[id("<a@x>"), id("<b@x>"), id("<a@x>")],
            &[],
            Some(&id("<c@x>")),
        );
        assert_eq!(refs, vec![id("<b@x>"), id("<a@x>"), id("<c@x>")]);
    }

    fn original() -> Original {
        Original {
            from: vec![mb("Ann <ann@example.com>")],
            to: vec![mb("Bob <bob@example.org>"), mb("cams@cams.test")],
            cc: vec![
                mb("CAMS <CAMS@cams.test>"),
                mb("carol@example.net"),
                mb("BOB@example.org"),
            ],
            ..Original::default()
        }
    }

    #[test]
    fn reply_all_goes_to_the_author_and_copies_the_others_without_cams() {
        let own = vec!["cams@cams.test".parse().unwrap()];
        let r = reply_all_recipients(&original(), &own).unwrap();
        assert_eq!(r.to, vec![mb("Ann <ann@example.com>")]);
        assert_eq!(
            r.cc,
            vec![mb("Bob <bob@example.org>"), mb("carol@example.net")]
        );
    }

    #[test]
    fn reply_to_wins_over_from_and_the_author_is_not_copied_twice() {
        let mut o = original();
        o.reply_to = vec![mb("team@example.com")];
        o.cc.push(mb("TEAM@example.com"));
        let own = vec!["cams@cams.test".parse().unwrap()];
        let r = reply_all_recipients(&o, &own).unwrap();
        assert_eq!(r.to, vec![mb("team@example.com")]);
        assert!(
            !r.cc
                .iter()
                .any(|m| m.email.to_string() == "TEAM@example.com")
        );
    }

    #[test]
    fn mail_cams_wrote_itself_is_answered_to_the_next_person_or_refused() {
        let own: Vec<Address> = vec!["cams@cams.test".parse().unwrap()];
        let o = Original {
            from: vec![mb("cams@cams.test")],
            to: vec![mb("dan@example.com")],
            ..Original::default()
        };
        let r = reply_all_recipients(&o, &own).unwrap();
        assert_eq!(r.to, vec![mb("dan@example.com")]);
        assert!(r.cc.is_empty());
        let alone = Original {
            from: vec![mb("cams@cams.test")],
            to: vec![mb("CAMS@cams.test")],
            ..Original::default()
        };
        assert_eq!(
            reply_all_recipients(&alone, &own),
            Err(ThreadingError::NoRecipients)
        );
    }

    #[test]
    fn headers_of_a_parsed_message_make_a_threaded_reply() {
        let raw = b"From: Ann <ann@example.com>\r\n\
            To: cams@cams.test, Bob <bob@example.org>\r\n\
            Cc: undisclosed-recipients:;\r\n\
            Subject: AW: Meeting next week\r\n\
            Message-ID: <m3@example.com>\r\n\
            In-Reply-To: <m2@example.org>\r\n\
            References: <m1@example.com>\r\n <m2@example.org>\r\n\
            \r\n\
            Tuesday at 3pm?\r\n";
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw[..])
            .unwrap();
        let original = Original::from_parsed(&parsed);
        let own = vec!["cams@cams.test".parse().unwrap()];
        let reply = reply_headers(&original, &own).unwrap();
        assert_eq!(reply.subject, "Re: Meeting next week");
        assert_eq!(reply.recipients.to, vec![mb("Ann <ann@example.com>")]);
        assert_eq!(reply.recipients.cc, vec![mb("Bob <bob@example.org>")]);
        assert_eq!(reply.in_reply_to, Some(id("<m3@example.com>")));
        assert_eq!(
            reply.references,
            vec![
                id("<m1@example.com>"),
                id("<m2@example.org>"),
                id("<m3@example.com>")
            ]
        );
    }
}
