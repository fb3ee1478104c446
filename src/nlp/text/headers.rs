//! Header facts of one message: addresses, threading ids and the automation markers the guards read.

use chrono::{DateTime, FixedOffset, NaiveDate};
use mail_parser::{Address, HeaderValue, Message, MimeHeaders};
use serde::{Deserialize, Serialize};

/// An address of the form `local@domain`; the only way in is [`EmailAddress::parse`].
///
/// The domain is lower-cased (RFC 5321 §2.4: domains are case-insensitive); the local part is
/// kept as written, because only the receiving server may interpret its case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// The text given to [`EmailAddress::parse`] is not `local@domain`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an email address: {0:?}")]
pub struct InvalidEmailAddress(pub String);

impl EmailAddress {
    /// Accepts `local@domain` (surrounding spaces, angle brackets and a `mailto:` are dropped).
    pub fn parse(text: &str) -> Result<Self, InvalidEmailAddress> {
        let trimmed = text
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let trimmed = strip_prefix_ignore_case(trimmed, "mailto:").unwrap_or(trimmed);
        let invalid = || InvalidEmailAddress(text.to_string());
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.chars().all(|c| {
                c.is_alphanumeric() || c == '.' || c == '-' || c == '[' || c == ']' || c == ':'
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
        if !domain_ok || !local_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the last `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    /// The lower-cased domain.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmailAddress;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name and an address; either may be missing in real mail (`From: MAILER-DAEMON`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: Option<EmailAddress>,
}

impl Mailbox {
    /// Builds a mailbox from the parts a parser found, dropping empty names.
    pub fn new(name: Option<&str>, address: Option<&str>) -> Self {
        let name = name
            .map(|n| n.trim().trim_matches('"').trim().to_string())
            .filter(|n| !n.is_empty());
        let address = address.and_then(|a| EmailAddress::parse(a).ok());
        Self { name, address }
    }
}

/// The `Return-Path` the final server recorded: `<>` (a bounce or auto-reply, RFC 5321 §4.5.5)
/// must stay distinguishable from an absent header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ReturnPath {
    /// `Return-Path: <>`: the null reverse-path.
    Null,
    /// A parseable reverse-path address.
    Address(EmailAddress),
    /// Something else, kept as written.
    Unparsed(String),
}

/// Everything the later layers read from the header block of the top-level message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HeaderFacts {
    pub from: Option<Mailbox>,
    pub sender: Option<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Decoded (RFC 2047 encoded words resolved).
    pub subject: Option<String>,
    /// The Date header with the sender's own offset; `None` when absent or unparseable.
    pub date: Option<DateTime<FixedOffset>>,
    /// When the receiving server stamped the newest Received header: the reference for a
    /// message that lost its Date header.
    #[serde(default)]
    pub received: Option<DateTime<FixedOffset>>,
    /// Without the angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub list_id: Option<String>,
    pub list_unsubscribe: Option<String>,
    /// `None` when the header is absent; see [`ReturnPath`] for `<>`.
    pub return_path: Option<ReturnPath>,
    pub x_autoreply: Option<String>,
    pub x_autorespond: Option<String>,
    pub x_auto_response_suppress: Option<String>,
    /// Every `Authentication-Results` header, raw and unfolded, top first (the newest hop).
    pub authentication_results: Vec<String>,
    /// `type/subtype` of the top part, lower-cased (`text/plain` when the header is missing).
    pub content_type: String,
}

/// What went wrong reading the Date header (reported as parse flags, never as an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateProblem {
    Missing,
    Unparseable,
}

/// Reads the header facts of `message`'s top part.
pub(crate) fn header_facts(message: &Message<'_>) -> (HeaderFacts, Option<DateProblem>) {
    let mut facts = HeaderFacts {
        from: message.from().and_then(first_mailbox),
        sender: message.sender().and_then(first_mailbox),
        reply_to: message.reply_to().map(mailboxes).unwrap_or_default(),
        to: message.to().map(mailboxes).unwrap_or_default(),
        cc: message.cc().map(mailboxes).unwrap_or_default(),
        subject: message.subject().map(unfold).filter(|s| !s.is_empty()),
        message_id: message.message_id().map(clean_id).filter(|s| !s.is_empty()),
        in_reply_to: id_list(message.in_reply_to()),
        references: id_list(message.references()),
        content_type: message
            .root_part()
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                None => ct.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "text/plain".to_string()),
        ..HeaderFacts::default()
    };
    let mut date_seen = false;
    for (name, value) in message.headers_raw() {
        let slot = match name.to_ascii_lowercase().as_str() {
            "auto-submitted" => &mut facts.auto_submitted,
            "precedence" => &mut facts.precedence,
            "list-id" => &mut facts.list_id,
            "list-unsubscribe" => &mut facts.list_unsubscribe,
            "x-autoreply" => &mut facts.x_autoreply,
            "x-autorespond" => &mut facts.x_autorespond,
            "x-auto-response-suppress" => &mut facts.x_auto_response_suppress,
            "authentication-results" => {
                facts.authentication_results.push(unfold(value));
                continue;
            }
            "return-path" => {
                // The first Return-Path is the one the delivering server added (RFC 5321 §4.4).
                if facts.return_path.is_none() {
                    facts.return_path = Some(return_path(value));
                }
                continue;
            }
            "date" => {
                date_seen = true;
                continue;
            }
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(unfold(value));
        }
    }
    facts.date = message.date().and_then(to_chrono);
    facts.received = message
        .received()
        .and_then(|r| r.date.as_ref())
        .and_then(to_chrono);
    let problem = match (date_seen, facts.date) {
        (false, _) => Some(DateProblem::Missing),
        (true, None) => Some(DateProblem::Unparseable),
        (true, Some(_)) => None,
    };
    (facts, problem)
}

/// Converts mail-parser's date, rejecting impossible values rather than guessing.
pub(crate) fn to_chrono(date: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let seconds = i32::from(date.tz_hour) * 3600 + i32::from(date.tz_minute) * 60;
    let offset = if date.tz_before_gmt {
        FixedOffset::west_opt(seconds)
    } else {
        FixedOffset::east_opt(seconds)
    }?;
    let naive = NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )?
    .and_hms_opt(
        u32::from(date.hour),
        u32::from(date.minute),
        u32::from(date.second.min(59)),
    )?;
    naive.and_local_timezone(offset).single()
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    address
        .first()
        .map(|a| Mailbox::new(a.name.as_deref(), a.address.as_deref()))
}

fn mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .map(|a| Mailbox::new(a.name.as_deref(), a.address.as_deref()))
        .collect()
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![clean_id(id)],
        HeaderValue::TextList(ids) => ids.iter().map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|id| !id.is_empty())
    .collect()
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn return_path(raw: &str) -> ReturnPath {
    let value = unfold(raw);
    let inner = value.trim_start_matches('<').trim_end_matches('>').trim();
    if inner.is_empty() {
        return ReturnPath::Null;
    }
    match EmailAddress::parse(inner) {
        Ok(address) => ReturnPath::Address(address),
        Err(_) => ReturnPath::Unparsed(value),
    }
}

/// Joins folded header lines (RFC 5322 §2.2.3) and trims.
pub(crate) fn unfold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// `text` without `prefix`, compared ASCII case-insensitively.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_address_lowercases_the_domain_only() {
        let a = EmailAddress::parse(" <Alice.Smith@Example.COM> ").unwrap();
        assert_eq!(a.as_str(), "Alice.Smith@example.com");
        assert_eq!(a.local_part(), "Alice.Smith");
        assert_eq!(a.domain(), "example.com");
    }

    #[test]
    fn email_address_rejects_text_without_a_domain() {
        assert!(EmailAddress::parse("MAILER-DAEMON").is_err());
        assert!(EmailAddress::parse("a b@example.com").is_err());
        assert!(EmailAddress::parse("alice@").is_err());
    }

    #[test]
    fn email_address_accepts_mailto_links() {
        let a = EmailAddress::parse("mailto:bob@example.org").unwrap();
        assert_eq!(a.as_str(), "bob@example.org");
    }

    #[test]
    fn return_path_null_is_not_absent() {
        assert_eq!(return_path("<>"), ReturnPath::Null);
        assert_eq!(return_path(" < > "), ReturnPath::Null);
        assert_eq!(
            return_path("<bounce@lists.example.org>"),
            ReturnPath::Address(EmailAddress::parse("bounce@lists.example.org").unwrap())
        );
    }

    #[test]
    fn unfold_joins_continuation_lines() {
        assert_eq!(unfold(" a;\r\n\tb=c\r\n  d "), "a; b=c d");
    }
}
