//! Guards: reasons never to answer a message automatically (RFC 3834 and loops), each with a code.

pub mod out_of_office;

use serde::{Deserialize, Serialize};

use crate::nlp::text::{HeaderFacts, ParsedEmail, ReturnPath};

pub use out_of_office::{OutOfOffice, detect_out_of_office};

/// Why CAMS must not answer a message by itself. Several can fire at once; all are recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum GuardReason {
    /// `Auto-Submitted` other than `no` (RFC 3834 §5).
    AutoSubmitted { value: String },
    /// `Precedence: bulk | junk | list` (RFC 3834 §3.1.8 honours the de-facto header).
    Precedence { value: String },
    /// A mailing list message (`List-Id`, RFC 2919).
    ListId { value: String },
    /// `List-Unsubscribe` (RFC 2369): newsletters and bulk mail.
    ListUnsubscribe,
    /// `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress` set by a responder.
    AutoReplyHeader { header: String },
    /// `Return-Path: <>`: a bounce or auto-reply, which must never be answered (RFC 5321 §4.5.5).
    NullReturnPath,
    /// A delivery status notification (multipart/report, RFC 3464) or a MAILER-DAEMON sender.
    Bounce,
    /// From a `postmaster@` address.
    Postmaster,
    /// From a no-reply address: nobody reads the answer.
    NoReplySender { address: String },
    /// Sent by CAMS itself (one of its addresses, or a Message-ID it minted).
    OwnMail,
    /// The thread already had this many automatic replies.
    ThreadReplyLimit { replies: u32, limit: u32 },
    /// An out-of-office reply, with the date the person is back when it says.
    OutOfOffice { until: Option<chrono::NaiveDate> },
}

impl GuardReason {
    /// A stable code for audit logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            GuardReason::AutoSubmitted { .. } => "auto_submitted",
            GuardReason::Precedence { .. } => "precedence",
            GuardReason::ListId { .. } => "list_id",
            GuardReason::ListUnsubscribe => "list_unsubscribe",
            GuardReason::AutoReplyHeader { .. } => "auto_reply_header",
            GuardReason::NullReturnPath => "null_return_path",
            GuardReason::Bounce => "bounce",
            GuardReason::Postmaster => "postmaster",
            GuardReason::NoReplySender { .. } => "no_reply_sender",
            GuardReason::OwnMail => "own_mail",
            GuardReason::ThreadReplyLimit { .. } => "thread_reply_limit",
            GuardReason::OutOfOffice { .. } => "out_of_office",
        }
    }
}

/// What the guards need to know besides the message.
#[derive(Debug, Clone, Default)]
pub struct GuardContext {
    /// CAMS's own addresses (the scheduling address, per-user aliases), lower case.
    pub own_addresses: Vec<String>,
    /// The domain CAMS puts in the Message-IDs it mints (`<uuid@domain>`).
    pub own_message_id_domain: Option<String>,
    /// Automatic replies CAMS already sent in this thread.
    pub thread_auto_replies: u32,
    pub thread_reply_limit: u32,
}

/// Every guard that fires for a message; empty means it may be answered automatically (if the
/// policy agrees on everything else).
pub fn check(email: &ParsedEmail, ctx: &GuardContext) -> Vec<GuardReason> {
    let mut out = automatic_message(&email.headers);
    if is_own_mail(&email.headers, ctx) {
        out.push(GuardReason::OwnMail);
    }
    if ctx.thread_reply_limit > 0 && ctx.thread_auto_replies >= ctx.thread_reply_limit {
        out.push(GuardReason::ThreadReplyLimit {
            replies: ctx.thread_auto_replies,
            limit: ctx.thread_reply_limit,
        });
    }
    let subject = email.headers.subject.as_deref().unwrap_or("");
    if let Some(ooo) = detect_out_of_office(subject, &email.body, email.headers.date) {
        out.push(GuardReason::OutOfOffice { until: ooo.until });
    }
    out
}

/// The header-level signs of a message written by a machine (RFC 3834 and common practice).
pub fn automatic_message(h: &HeaderFacts) -> Vec<GuardReason> {
    let mut out = Vec::new();
    if let Some(v) = h.auto_submitted.as_deref() {
        // RFC 3834 §5: only "no" means a person sent it; parameters may follow a semicolon.
        let token = v
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if token != "no" && !token.is_empty() {
            out.push(GuardReason::AutoSubmitted {
                value: v.trim().to_string(),
            });
        }
    }
    if let Some(v) = h.precedence.as_deref() {
        let p = v.trim().to_ascii_lowercase();
        if matches!(p.as_str(), "bulk" | "junk" | "list") {
            out.push(GuardReason::Precedence { value: p });
        }
    }
    if let Some(v) = h.list_id.as_deref().filter(|v| !v.trim().is_empty()) {
        out.push(GuardReason::ListId {
            value: v.trim().to_string(),
        });
    }
    if h.list_unsubscribe
        .as_deref()
        .is_some_and(|v| !v.trim().is_empty())
    {
        out.push(GuardReason::ListUnsubscribe);
    }
    for (name, value) in [
        ("X-Autoreply", &h.x_autoreply),
        ("X-Autorespond", &h.x_autorespond),
    ] {
        if value
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case("no"))
        {
            out.push(GuardReason::AutoReplyHeader {
                header: name.to_string(),
            });
        }
    }
    // Exchange sets X-Auto-Response-Suppress on its own automatic mail: "All", "OOF", "AutoReply".
    if let Some(v) = h.x_auto_response_suppress.as_deref() {
        let v = v.to_ascii_lowercase();
        if v.contains("all") || v.contains("oof") || v.contains("autoreply") {
            out.push(GuardReason::AutoReplyHeader {
                header: "X-Auto-Response-Suppress".to_string(),
            });
        }
    }
    if matches!(h.return_path, Some(ReturnPath::Null)) {
        out.push(GuardReason::NullReturnPath);
    }
    let ctype = h.content_type.to_ascii_lowercase();
    let from = h.from.as_ref().and_then(|m| m.address.as_ref());
    let local = from
        .map(|a| a.local_part().to_ascii_lowercase())
        .unwrap_or_default();
    if ctype.starts_with("multipart/report") || local == "mailer-daemon" {
        out.push(GuardReason::Bounce);
    }
    if local == "postmaster" {
        out.push(GuardReason::Postmaster);
    }
    if let Some(addr) = from
        && is_no_reply(&local)
    {
        out.push(GuardReason::NoReplySender {
            address: addr.as_str().to_string(),
        });
    }
    out
}

/// no-reply, noreply, do-not-reply, donotreply, no_reply, and the same with a suffix
/// ("noreply-billing").
fn is_no_reply(local: &str) -> bool {
    let squashed: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    squashed.starts_with("noreply")
        || squashed.starts_with("donotreply")
        || squashed == "notifications"
}

fn is_own_mail(h: &HeaderFacts, ctx: &GuardContext) -> bool {
    let from_us = h
        .from
        .as_ref()
        .and_then(|m| m.address.as_ref())
        .is_some_and(|a| {
            ctx.own_addresses
                .iter()
                .any(|o| o.eq_ignore_ascii_case(a.as_str()))
        });
    let minted_by_us = match (&ctx.own_message_id_domain, &h.message_id) {
        (Some(domain), Some(id)) => id
            .trim_end_matches('>')
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain)),
        _ => false,
    };
    from_us || minted_by_us
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nlp::text::parse_email;

    fn ctx() -> GuardContext {
        GuardContext {
            own_addresses: vec!["schedule@cams.example".into()],
            own_message_id_domain: Some("cams.example".into()),
            thread_auto_replies: 0,
            thread_reply_limit: 3,
        }
    }

    fn fixture(name: &str) -> ParsedEmail {
        let path = format!(
            "{}/tests/fixtures/guards/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse_email(&raw).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn codes(name: &str, ctx: &GuardContext) -> Vec<&'static str> {
        check(&fixture(name), ctx)
            .iter()
            .map(GuardReason::code)
            .collect()
    }

    /// One fixture per rule; each fires its own reason (and so gets no automatic reply).
    #[test]
    fn each_guard_rule_fires_on_its_fixture() {
        let cases = [
            ("auto-submitted-auto-replied.eml", "auto_submitted"),
            ("auto-submitted-auto-generated.eml", "auto_submitted"),
            ("precedence-bulk.eml", "precedence"),
            ("precedence-junk.eml", "precedence"),
            ("list-id.eml", "list_id"),
            ("list-unsubscribe.eml", "list_unsubscribe"),
            ("x-autoreply.eml", "auto_reply_header"),
            ("x-auto-response-suppress.eml", "auto_reply_header"),
            ("null-return-path.eml", "null_return_path"),
            ("mailer-daemon-bounce.eml", "bounce"),
            ("postmaster.eml", "postmaster"),
            ("no-reply-sender.eml", "no_reply_sender"),
            ("own-mail.eml", "own_mail"),
            ("out-of-office.eml", "out_of_office"),
        ];
        for (file, code) in cases {
            let got = codes(file, &ctx());
            assert!(got.contains(&code), "{file}: expected {code}, got {got:?}");
        }
    }

    #[test]
    fn a_person_writing_is_not_stopped() {
        assert!(codes("person.eml", &ctx()).is_empty());
        // Auto-Submitted: no is explicitly a person.
        assert!(codes("auto-submitted-no.eml", &ctx()).is_empty());
    }

    #[test]
    fn a_thread_with_enough_automatic_replies_stops() {
        let mut c = ctx();
        c.thread_auto_replies = 3;
        assert_eq!(codes("person.eml", &c), vec!["thread_reply_limit"]);
    }

    #[test]
    fn out_of_office_return_date_is_read() {
        let reasons = check(&fixture("out-of-office.eml"), &ctx());
        assert!(
            reasons.contains(&GuardReason::OutOfOffice {
                until: chrono::NaiveDate::from_ymd_opt(2026, 3, 16)
            }),
            "{reasons:?}"
        );
    }
}
