//! `ParsedRequest`: everything understood from one email, as stored in
//! `availability_requests.parsed_data`; and `Reader`, which makes one from raw bytes or text.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::intent::{self, Intent, IntentEngine, IntentInput, RuleModelEngine};
use super::text::{self, Language, Mailbox, ParsedEmail, TextError};
use super::time::{self, MeetingMode, ProposedSlot, TimeContext, TimeReading};

/// What CAMS understood from an email: who asks, what for, which times, how sure it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedRequest {
    pub intent: Intent,
    /// Calibrated: of the requests read with confidence 0.9, about 9 in 10 are right.
    pub confidence: f64,
    /// The intent rules that fired, for the audit trail.
    pub rules_fired: Vec<String>,
    /// Proposed times, most preferred first (rank 1).
    pub slots: Vec<ProposedSlot>,
    pub duration_minutes: Option<u32>,
    pub mode: Option<MeetingMode>,
    pub location: Option<String>,
    pub language: Option<Language>,
    /// The instant relative times were resolved against (the forwarded original's date for a
    /// forward).
    pub reference: DateTime<FixedOffset>,
    /// The person asking: the sender, or for a forward the original's sender (the guest).
    pub requester: Option<Mailbox>,
    /// Whoever sent this message (for a forward, the forwarder: usually the CAMS user).
    pub sender: Option<Mailbox>,
    pub forwarded: bool,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The text the intent and times were read from.
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("the message has no usable Date header, so relative times cannot be resolved")]
    NoDate,
}

/// Reads emails with one intent engine (load it once: the model takes milliseconds to load).
#[derive(Clone)]
pub struct Reader {
    engine: Arc<dyn IntentEngine>,
}

impl Reader {
    /// The default engine: rules plus the model embedded in the binary.
    pub fn embedded() -> Result<Reader, intent::ModelError> {
        Ok(Reader {
            engine: Arc::new(RuleModelEngine::embedded()?),
        })
    }

    pub fn with_engine(engine: Arc<dyn IntentEngine>) -> Reader {
        Reader { engine }
    }

    /// A raw RFC 5322 message. Its Date header (the forwarded original's, for a forward) is the
    /// reference for relative times; without one, `fallback_reference` (e.g. the time it was
    /// received) is used, and without that the message cannot be read.
    pub fn read_email(
        &self,
        raw: &[u8],
        fallback_reference: Option<DateTime<FixedOffset>>,
    ) -> Result<ParsedRequest, ReadError> {
        let email = text::parse_email(raw)?;
        let reference = email
            .reference_date()
            .or(fallback_reference)
            .ok_or(ReadError::NoDate)?;
        Ok(self.read_parsed(&email, reference))
    }

    /// An already parsed email.
    pub fn read_parsed(
        &self,
        email: &ParsedEmail,
        reference: DateTime<FixedOffset>,
    ) -> ParsedRequest {
        let framing = Framing::of(email);
        let h = &email.headers;
        let mut req = self.read(
            &framing.text,
            framing.subject.as_deref(),
            reference,
            framing.is_reply,
            email.forwarded.is_some(),
            framing.headers,
        );
        // "Thursday at 3:15 works" under "conferences are about 20 minutes": the accepted
        // time lasts as long as the quoted thread said, unless the new text says otherwise.
        if req.duration_minutes.is_none()
            && !req.slots.is_empty()
            && let Some(Ok(ctx)) = time::stated_meeting_minutes(&email.quoted_text).map(|m| {
                TimeContext::new(reference)
                    .guess_zone()
                    .with_meeting_minutes(m)
            })
        {
            let reading = time::read_times(&framing.text, &ctx);
            req.slots = reading.slots;
            req.duration_minutes = reading.duration_minutes;
        }
        req.language = email.language;
        req.requester = framing.requester;
        req.sender = h.from.clone();
        req.forwarded = email.forwarded.is_some();
        req.message_id = h.message_id.clone();
        req.in_reply_to = h.in_reply_to.clone();
        req.references = h.references.clone();
        req
    }

    /// A training example labelled `intent` whose inputs are exactly what the intent engine sees
    /// when this reader reads the raw message (text chosen, subject, header facts, and the number
    /// of times the time layer found), so the model trains on what it meets at run time.
    pub fn training_example(
        &self,
        raw: &[u8],
        fallback_reference: Option<DateTime<FixedOffset>>,
        intent: Intent,
    ) -> Result<intent::Example, ReadError> {
        let email = text::parse_email(raw)?;
        let reference = email
            .reference_date()
            .or(fallback_reference)
            .ok_or(ReadError::NoDate)?;
        let framing = Framing::of(&email);
        let proposed = time_reading(&framing.text, reference).slots.len() as u32;
        Ok(intent::Example {
            has_times: proposed,
            text: framing.text,
            subject: framing.subject.unwrap_or_default(),
            is_reply: framing.is_reply,
            is_forward: email.forwarded.is_some(),
            auto_submitted: framing.headers.auto_submitted,
            list: framing.headers.list,
            bulk: framing.headers.bulk,
            intent,
            origin: intent::Origin::Corpus,
            source: String::new(),
        })
    }

    /// Plain text with a reference instant (the evaluation and `"text"` input path).
    pub fn read_text(&self, text: &str, reference: DateTime<FixedOffset>) -> ParsedRequest {
        self.read(
            text,
            None,
            reference,
            false,
            false,
            intent::HeaderFacts::default(),
        )
    }

    fn read(
        &self,
        body: &str,
        subject: Option<&str>,
        reference: DateTime<FixedOffset>,
        is_reply: bool,
        is_forward: bool,
        headers: intent::HeaderFacts,
    ) -> ParsedRequest {
        let reading = time_reading(body, reference);
        let prediction = self.engine.classify(&IntentInput {
            subject: subject.unwrap_or(""),
            body,
            is_reply,
            is_forward,
            proposed_times: reading.slots.len() as u32,
            headers,
        });
        let intent = prediction.intent;
        // A cancellation, a refusal or a non-scheduling message proposes nothing: a date in it
        // is the meeting being cancelled, a deadline, or news.
        let slots = match intent {
            Intent::Cancel | Intent::Decline | Intent::Other => Vec::new(),
            _ => reading.slots,
        };
        ParsedRequest {
            intent,
            confidence: prediction.confidence.get(),
            rules_fired: prediction
                .rules_fired
                .iter()
                .map(|r| r.to_string())
                .collect(),
            slots,
            duration_minutes: reading.duration_minutes,
            mode: reading.mode,
            location: reading.location,
            language: None,
            reference,
            requester: None,
            sender: None,
            forwarded: is_forward,
            subject: subject.map(str::to_string),
            message_id: None,
            in_reply_to: Vec::new(),
            references: Vec::new(),
            text: body.to_string(),
        }
    }
}

/// The times in the text the intent is read from, resolved against `reference`.
fn time_reading(body: &str, reference: DateTime<FixedOffset>) -> TimeReading {
    let ctx = TimeContext::new(reference).guess_zone();
    time::read_times(body, &ctx)
}

/// Which text, subject and facts of an email the intent and times are read from.
struct Framing {
    text: String,
    subject: Option<String>,
    requester: Option<Mailbox>,
    is_reply: bool,
    headers: intent::HeaderFacts,
}

impl Framing {
    fn of(email: &ParsedEmail) -> Framing {
        let h = &email.headers;
        let (text, subject, requester) = match &email.forwarded {
            // The guest's request is the forwarded original; the forwarder's note ("can you find
            // a time with Bob?") adds context, so it is read too, after the original.
            Some(fwd) => {
                let mut t = fwd.new_text.clone();
                if !email.new_text.trim().is_empty() {
                    t.push_str("\n\n");
                    t.push_str(&email.new_text);
                }
                (
                    t,
                    fwd.subject.clone().or_else(|| h.subject.clone()),
                    fwd.from.clone(),
                )
            }
            None => (email.new_text.clone(), h.subject.clone(), h.from.clone()),
        };
        let is_reply = !h.in_reply_to.is_empty()
            || h.subject
                .as_deref()
                .is_some_and(|s| s.trim_start().to_ascii_lowercase().starts_with("re:"));
        let headers = intent::HeaderFacts {
            auto_submitted: h
                .auto_submitted
                .as_deref()
                .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no")),
            list: h.list_id.is_some() || h.list_unsubscribe.is_some(),
            bulk: h.precedence.as_deref().is_some_and(|p| {
                matches!(
                    p.trim().to_ascii_lowercase().as_str(),
                    "bulk" | "junk" | "list"
                )
            }),
        };
        Framing {
            text,
            subject,
            requester,
            is_reply,
            headers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORWARD: &str = "From: Alex <alex@example.com>\r\nTo: cams@example.com\r\n\
Subject: Fwd: Project sync\r\nDate: Mon, 02 Mar 2026 18:00:00 +0000\r\n\
Message-ID: <f1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Can you find us a time?\r\n\r\n---------- Forwarded message ---------\r\n\
From: Bob <bob@example.org>\r\nDate: Mon, 2 Mar 2026 09:00:00 -0500\r\n\
Subject: Project sync\r\nTo: Alex <alex@example.com>\r\n\r\n\
Could we meet Tuesday at 3pm ET, or Wednesday at 10am ET?\r\n";

    #[test]
    fn a_training_example_holds_what_the_engine_reads_at_run_time() {
        let reader = Reader::embedded().expect("embedded model loads");
        let req = reader
            .read_email(FORWARD.as_bytes(), None)
            .expect("readable");
        let example = reader
            .training_example(FORWARD.as_bytes(), None, Intent::Schedule)
            .expect("readable");
        assert_eq!(example.text, req.text);
        assert!(example.text.starts_with("Could we meet Tuesday"));
        assert_eq!(example.subject, "Project sync");
        assert!(example.is_forward);
        assert_eq!(example.has_times, 2);
        assert_eq!(req.slots.len(), 2);
        assert_eq!(example.intent, Intent::Schedule);
        assert_eq!(example.origin, intent::Origin::Corpus);
    }

    #[test]
    fn a_training_example_needs_a_date_like_reading_does() {
        let reader = Reader::embedded().expect("embedded model loads");
        let raw = b"From: a@example.com\r\nSubject: hi\r\n\r\nTuesday at 3?\r\n";
        assert!(matches!(
            reader.training_example(raw, None, Intent::Schedule),
            Err(ReadError::NoDate)
        ));
    }
}
