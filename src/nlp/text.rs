//! MIME to clean text: header facts, the body, the sender's new text, quotes, signature, forward.
//!
//! [`parse_email`] is pure and total: any bytes give either a [`ParsedEmail`] or a [`TextError`]
//! that says what is missing, never a panic.

pub mod forward;
pub mod headers;
pub mod html;
pub mod language;
mod markers;
pub mod mime;
pub mod quotes;
pub mod signature;
pub mod written_date;

use mail_parser::MessageParser;
use serde::{Deserialize, Serialize};

pub use forward::{ForwardStyle, ForwardedMessage};
pub use headers::{EmailAddress, HeaderFacts, InvalidEmailAddress, Mailbox, ReturnPath};
pub use language::Language;
pub use mime::{BodySource, ParseFlag};

use headers::DateProblem;
use mime::push_flag;

/// One email, read: what the guards, the time layer and the intent layer consume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedEmail {
    pub headers: HeaderFacts,
    /// The whole readable body (text/plain, else HTML as text), decoded.
    pub body: String,
    pub body_source: BodySource,
    /// What the sender wrote in this message: no quoted history, no signature, no forwarded
    /// original (a forwarder's own note stays here).
    pub new_text: String,
    /// Quoted history, with the attribution lines that introduce it.
    pub quoted_text: String,
    /// Closing, name block, device line and legal footer cut from `new_text`.
    pub signature: String,
    pub forwarded: Option<ForwardedMessage>,
    /// Guessed from the new text (the forwarded original's when the note is too short).
    pub language: Option<Language>,
    /// What was recovered from rather than read cleanly.
    pub flags: Vec<ParseFlag>,
}

impl ParsedEmail {
    /// The instant relative words ("tomorrow", "next Tuesday") refer to: the forwarded
    /// original's date when there is one (the guest wrote them then), else this message's,
    /// else the time the receiving server stamped on it.
    pub fn reference_date(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.forwarded
            .as_ref()
            .and_then(|f| f.date)
            .or(self.headers.date)
            .or(self.headers.received)
    }
}

/// Why bytes could not be read as an email.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TextError {
    #[error("empty input")]
    Empty,
    /// The bytes have no RFC 5322 header block (no From, To, Subject, Date, Message-ID, …).
    #[error("not an email message: no recognisable header fields")]
    NotAMessage,
    /// Headers were read but there is no text part and no subject; the header facts are kept
    /// so that guards can still classify the message (a bounce, an empty auto-reply).
    #[error("the message has no text body and no subject")]
    NoBody { headers: Box<HeaderFacts> },
}

/// Header names of which at least one must be present for bytes to count as a message.
const MESSAGE_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "received",
    "return-path",
    "sender",
    "reply-to",
    "delivered-to",
];

/// Reads a raw RFC 5322 message.
pub fn parse_email(raw: &[u8]) -> Result<ParsedEmail, TextError> {
    // Webhook payloads and saved files sometimes start with blank lines, which would otherwise
    // end the header block before it starts (RFC 5322 §2.1).
    let Some(start) = raw.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(TextError::Empty);
    };
    let raw = &raw[start..];
    let message = MessageParser::new()
        .parse(raw)
        .ok_or(TextError::NotAMessage)?;
    let is_message = message.headers_raw().any(|(name, _)| {
        MESSAGE_HEADERS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name.trim()))
    });
    if !is_message {
        return Err(TextError::NotAMessage);
    }
    let mut flags = Vec::new();
    let (headers, date_problem) = headers::header_facts(&message);
    match date_problem {
        Some(DateProblem::Missing) => push_flag(&mut flags, ParseFlag::DateMissing),
        Some(DateProblem::Unparseable) => push_flag(&mut flags, ParseFlag::DateUnparseable),
        None => {}
    }
    let (body, body_source) = mime::body_text(&message, &mut flags);
    let attached = mime::attached_message(&message);
    if body_source == BodySource::None && headers.subject.is_none() && attached.is_none() {
        return Err(TextError::NoBody {
            headers: Box::new(headers),
        });
    }

    let lines: Vec<&str> = body.lines().collect();
    let is_fwd_subject = headers
        .subject
        .as_deref()
        .is_some_and(forward::subject_is_forward);
    let outer_offset = headers.date.map(|d| *d.offset());
    let (own_text, forwarded) = match forward::find_forward(&lines, is_fwd_subject) {
        Some(start) => (
            lines[..start.line].join("\n"),
            Some(forward::read_inline(&lines, start, outer_offset)),
        ),
        None => (
            body.clone(),
            attached.map(|nested| forward::read_attached(nested, &mut flags)),
        ),
    };
    let quotes = quotes::split_quotes(&own_text);
    let signature = signature::split_signature(&quotes.new_text);

    let language = language::guess_language(&signature.text)
        .or_else(|| {
            forwarded
                .as_ref()
                .and_then(|f| language::guess_language(&f.new_text))
        })
        .or_else(|| language::guess_language(&body))
        .or_else(|| {
            headers
                .subject
                .as_deref()
                .and_then(language::guess_language)
        });

    Ok(ParsedEmail {
        headers,
        body,
        body_source,
        new_text: signature.text,
        quoted_text: quotes.quoted_text,
        signature: signature.signature,
        forwarded,
        language,
        flags,
    })
}

#[cfg(test)]
mod fixture_tests;

#[cfg(test)]
mod robustness_tests;

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "From: Alice <alice@example.com>\r\nSubject: Lunch\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n\r\nLunch on Friday?\r\n";

    #[test]
    fn mbox_separator_line_is_tolerated() {
        let raw = format!("From alice@example.com Tue Mar  3 10:00:00 2026\r\n{MINIMAL}");
        let e = parse_email(raw.as_bytes()).unwrap();
        assert_eq!(e.headers.subject.as_deref(), Some("Lunch"));
        assert_eq!(e.new_text, "Lunch on Friday?");
    }

    #[test]
    fn leading_blank_lines_are_tolerated() {
        let raw = format!("\r\n\r\n{MINIMAL}");
        let e = parse_email(raw.as_bytes()).unwrap();
        assert_eq!(e.headers.subject.as_deref(), Some("Lunch"));
    }

    #[test]
    fn missing_and_impossible_dates_are_flagged() {
        let no_date = "From: a@example.com\r\nSubject: x\r\n\r\nhi\r\n";
        let e = parse_email(no_date.as_bytes()).unwrap();
        assert_eq!(e.flags, [ParseFlag::DateMissing]);
        assert_eq!(e.headers.date, None);
        let bad_date = "From: a@example.com\r\nDate: Tue, 31 Feb 2026 10:00:00 +0100\r\nSubject: x\r\n\r\nhi\r\n";
        let e = parse_email(bad_date.as_bytes()).unwrap();
        assert_eq!(e.flags, [ParseFlag::DateUnparseable]);
    }

    #[test]
    fn bare_lf_line_endings_work_like_crlf() {
        let e = parse_email(MINIMAL.replace("\r\n", "\n").as_bytes()).unwrap();
        assert_eq!(e.new_text, "Lunch on Friday?");
        assert_eq!(
            e.headers.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-03-03T10:00:00+01:00")
        );
    }
}
