//! An email CAMS sends, and its MIME form: text, optional HTML, optional iMIP calendar part.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use super::threading::MessageId;

/// Why an email could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("the email has no To recipient")]
    NoRecipient,
    #[error("calendar part: {0}")]
    Calendar(String),
    #[error("cannot build the MIME message: {0}")]
    Build(String),
}

/// The iTIP method of a calendar part (RFC 5546): an invitation or its cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarMethod {
    Request,
    Cancel,
}

impl CalendarMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarMethod::Request => "REQUEST",
            CalendarMethod::Cancel => "CANCEL",
        }
    }

    pub fn parse(s: &str) -> Result<CalendarMethod, MessageError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "REQUEST" => Ok(CalendarMethod::Request),
            "CANCEL" => Ok(CalendarMethod::Cancel),
            other => Err(MessageError::Calendar(format!(
                "method {other:?} is not REQUEST or CANCEL"
            ))),
        }
    }
}

/// A `text/calendar` part whose METHOD property matches its Content-Type's method parameter, as
/// RFC 6047 section 2.4 requires (clients ignore or misread an invitation where they differ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarPart {
    method: CalendarMethod,
    ics: String,
}

impl CalendarPart {
    pub fn new(
        method: CalendarMethod,
        ics: impl Into<String>,
    ) -> Result<CalendarPart, MessageError> {
        let ics = ics.into();
        let mut lines = ics.lines().map(str::trim_end);
        if !lines
            .next()
            .is_some_and(|l| l.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
        {
            return Err(MessageError::Calendar(
                "does not start with BEGIN:VCALENDAR".into(),
            ));
        }
        let methods: Vec<&str> = ics
            .lines()
            .filter_map(|l| {
                let (name, value) = l.trim_end().split_once(':')?;
                name.eq_ignore_ascii_case("METHOD").then_some(value)
            })
            .collect();
        match methods.as_slice() {
            [m] if m.eq_ignore_ascii_case(method.as_str()) => Ok(CalendarPart { method, ics }),
            [m] => Err(MessageError::Calendar(format!(
                "METHOD:{m} in the object but {} asked for",
                method.as_str()
            ))),
            _ => Err(MessageError::Calendar(
                "the object must have exactly one METHOD property".into(),
            )),
        }
    }

    pub fn method(&self) -> CalendarMethod {
        self.method
    }

    pub fn ics(&self) -> &str {
        &self.ics
    }
}

/// Everything that goes into one sent email. Built from an `email_responses` row on every
/// attempt, so each attempt produces the same bytes.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub message_id: MessageId,
    /// The Date header: when the response was created, not when an attempt runs.
    pub date: DateTime<Utc>,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub calendar: Option<CalendarPart>,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
    /// A person approved this text; otherwise it is marked as an automatic reply.
    pub approved: bool,
}

impl OutgoingEmail {
    /// The MIME message: a single text part, or multipart/alternative of text, HTML and the
    /// calendar part (RFC 6047 section 2.4 puts an iMIP object among the alternatives).
    pub fn to_message(&self) -> Result<Message, MessageError> {
        if self.to.is_empty() {
            return Err(MessageError::NoRecipient);
        }
        let mut b = Message::builder()
            .message_id(Some(self.message_id.to_string()))
            .date(SystemTime::from(self.date))
            .from(self.from.clone())
            .subject(self.subject.clone());
        for m in &self.to {
            b = b.to(m.clone());
        }
        for m in &self.cc {
            b = b.cc(m.clone());
        }
        if let Some(parent) = &self.in_reply_to {
            b = b.in_reply_to(parent.to_string());
        }
        if !self.references.is_empty() {
            let joined = self
                .references
                .iter()
                .map(MessageId::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            b = b.references(joined);
        }
        if !self.approved {
            // RFC 3834 section 5: a message sent without a person's say is auto-replied, so
            // well-behaved responders do not answer it and loops cannot start.
            b = b.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-replied".into(),
            ));
        }
        // CAMS's mailbox is read by a machine: Exchange out-of-office and delivery notices for
        // our mail would only be noise there.
        b = b.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
            "All".into(),
        ));

        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(self.text.clone());
        let built = if self.html.is_none() && self.calendar.is_none() {
            b.singlepart(text)
        } else {
            // A boundary derived from the Message-ID (lettre picks a random one), so a retry is
            // byte for byte the message a receiver may already have.
            let digest = Sha256::digest(self.message_id.as_str().as_bytes());
            let boundary = format!("cams-{}", hex::encode(&digest[..12]));
            let mut alt = MultiPart::alternative().boundary(boundary).singlepart(text);
            if let Some(html) = &self.html {
                alt = alt.singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                );
            }
            if let Some(cal) = &self.calendar {
                let ct = ContentType::parse(&format!(
                    "text/calendar; method={}; charset=UTF-8",
                    cal.method.as_str()
                ))
                .map_err(|e| MessageError::Build(e.to_string()))?;
                alt = alt.singlepart(SinglePart::builder().header(ct).body(cal.ics.clone()));
            }
            b.multipart(alt)
        };
        built.map_err(|e| MessageError::Build(e.to_string()))
    }

    /// The lowercased domains of every recipient, each once: what throttling is keyed by.
    pub fn recipient_domains(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .to
            .iter()
            .chain(&self.cc)
            .map(|m| m.email.domain().to_ascii_lowercase())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MimeHeaders;

    fn email() -> OutgoingEmail {
        OutgoingEmail {
            message_id: MessageId::parse("<r1@cams.test>").unwrap(),
            date: DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            from: "CAMS <cams@cams.test>".parse().unwrap(),
            to: vec!["Ann <ann@example.com>".parse().unwrap()],
            cc: vec![
                "bob@Example.org".parse().unwrap(),
                "carol@example.com".parse().unwrap(),
            ],
            subject: "Re: Meeting".into(),
            text: "Tuesday 15:00 CET works.\n".into(),
            html: None,
            calendar: None,
            in_reply_to: Some(MessageId::parse("<p@example.com>").unwrap()),
            references: vec![
                MessageId::parse("<root@example.com>").unwrap(),
                MessageId::parse("<p@example.com>").unwrap(),
            ],
            approved: false,
        }
    }

    fn headers(raw: &[u8]) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(raw).unwrap()
    }

    const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CAMS//EN\r\nMETHOD:REQUEST\r\n\
        BEGIN:VEVENT\r\nUID:x@cams.test\r\nDTSTAMP:20261125T100000Z\r\n\
        DTSTART:20261201T140000Z\r\nDTEND:20261201T150000Z\r\nSUMMARY:Meeting\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn an_automatic_reply_is_threaded_and_marked() {
        let raw = email().to_message().unwrap().formatted();
        let m = headers(&raw);
        assert_eq!(m.message_id(), Some("r1@cams.test"));
        assert_eq!(m.in_reply_to().as_text(), Some("p@example.com"));
        let refs: Vec<&str> = m
            .references()
            .as_text_list()
            .unwrap()
            .iter()
            .map(|s| s.as_ref())
            .collect();
        assert_eq!(refs, vec!["root@example.com", "p@example.com"]);
        assert_eq!(m.subject(), Some("Re: Meeting"));
        assert_eq!(
            m.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-replied")
        );
        assert_eq!(
            m.header_raw("X-Auto-Response-Suppress").map(str::trim),
            Some("All")
        );
        assert_eq!(m.cc().unwrap().iter().count(), 2);
        assert_eq!(m.body_text(0).unwrap().trim(), "Tuesday 15:00 CET works.");
        assert_eq!(m.date().unwrap().to_rfc3339(), "2026-11-25T10:00:00Z");
    }

    #[test]
    fn an_approved_reply_is_not_marked_automatic() {
        let mut e = email();
        e.approved = true;
        let raw = e.to_message().unwrap().formatted();
        assert!(headers(&raw).header_raw("Auto-Submitted").is_none());
    }

    #[test]
    fn an_invitation_is_a_real_imip_part_and_retries_are_identical() {
        let mut e = email();
        e.html = Some("<p>Tuesday <b>15:00</b> CET works.</p>".into());
        e.calendar = Some(CalendarPart::new(CalendarMethod::Request, ICS).unwrap());
        let raw = e.to_message().unwrap().formatted();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("multipart/alternative"), "{text}");
        // lettre writes the charset in lower case; charset names are case-insensitive
        // (RFC 2046 section 4.1.2).
        assert!(
            text.to_ascii_lowercase()
                .contains("content-type: text/calendar; method=request; charset=utf-8"),
            "{text}"
        );
        assert!(text.contains("method=REQUEST"), "{text}");
        let m = headers(&raw);
        let cal = m
            .parts
            .iter()
            .find(|p| p.is_content_type("text", "calendar"))
            .expect("a text/calendar part");
        assert!(cal.text_contents().unwrap().contains("METHOD:REQUEST"));
        assert!(m.body_html(0).unwrap().contains("<b>15:00</b>"));
        // Same row, same bytes: a receiver can tell a retry from a new message.
        assert_eq!(raw, e.to_message().unwrap().formatted());
    }

    #[test]
    fn calendar_parts_must_say_what_they_are() {
        assert!(CalendarPart::new(CalendarMethod::Cancel, ICS).is_err());
        assert!(CalendarPart::new(CalendarMethod::Request, "METHOD:REQUEST\r\n").is_err());
        let two = ICS.replace("METHOD:REQUEST\r\n", "METHOD:REQUEST\r\nMETHOD:CANCEL\r\n");
        assert!(CalendarPart::new(CalendarMethod::Request, two).is_err());
        assert_eq!(
            CalendarMethod::parse("cancel").unwrap(),
            CalendarMethod::Cancel
        );
        assert!(CalendarMethod::parse("PUBLISH").is_err());
    }

    #[test]
    fn no_recipient_is_an_error_and_domains_are_unique() {
        let mut e = email();
        assert_eq!(e.recipient_domains(), vec!["example.com", "example.org"]);
        e.to.clear();
        assert!(matches!(e.to_message(), Err(MessageError::NoRecipient)));
    }
}
