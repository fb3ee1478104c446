//! `ParsedRequest`: everything understood from one email, as stored in
//! `availability_requests.parsed_data`; and `Reader`, which makes one from raw bytes or text.

use std::sync::Arc;

use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::intent::{self, Distribution, Intent, IntentEngine, IntentInput, RuleModelEngine};
use super::text::{self, Language, Mailbox, ParsedEmail, TextError};
use super::time::{self, MeetingMode, ProposedSlot, TimeContext, TimeReading};

/// What CAMS understood from an email: who asks, what for, which times, how sure it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedRequest {
    pub intent: Intent,
    /// Calibrated: of the requests read with confidence 0.9, about 9 in 10 are right.
    pub confidence: f64,
    /// The calibrated probability of every intent (absent from requests stored before it was
    /// kept). The policy needs more than the top one: two intents can call for the same reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
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

/// What the caller knows, from its users' profiles, about the people of an email: the zone of
/// whoever reads it (a guest's "10am your time" is the user's 10am) and of whoever wrote it (the
/// user's own mail: a zone-less "Tuesday 31 March at 10" keeps the user's DST rules, which the
/// Date header's offset does not carry).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KnownZones {
    pub reader: Option<Tz>,
    pub writer: Option<Tz>,
}

impl KnownZones {
    pub fn reader(tz: Tz) -> KnownZones {
        KnownZones {
            reader: Some(tz),
            writer: None,
        }
    }
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
        self.read_email_for(raw, fallback_reference, KnownZones::default())
    }

    /// A raw message whose reader's or writer's zone may be known (see `read_parsed_for`).
    pub fn read_email_for(
        &self,
        raw: &[u8],
        fallback_reference: Option<DateTime<FixedOffset>>,
        known: KnownZones,
    ) -> Result<ParsedRequest, ReadError> {
        let email = text::parse_email(raw)?;
        let reference = email
            .reference_date()
            .or(fallback_reference)
            .ok_or(ReadError::NoDate)?;
        Ok(self.read_parsed_for(&email, reference, known))
    }

    /// An already parsed email.
    pub fn read_parsed(
        &self,
        email: &ParsedEmail,
        reference: DateTime<FixedOffset>,
    ) -> ParsedRequest {
        self.read_parsed_for(email, reference, KnownZones::default())
    }

    /// An already parsed email whose reader's zone (the CAMS user a guest wrote to: "10am your
    /// time" is then 10:00 there) or writer's zone (the user's own mail) may be known.
    pub fn read_parsed_for(
        &self,
        email: &ParsedEmail,
        reference: DateTime<FixedOffset>,
        known: KnownZones,
    ) -> ParsedRequest {
        let framing = Framing::of(email);
        let h = &email.headers;
        // "Date: Tue, Jan 12, 2027 at 8:00 AM" in a forward has no offset, and the forwarder's
        // was assumed: a guest's signature ("Burbank, CA") says whose clock it was.
        let guest_zone = email
            .forwarded
            .as_ref()
            .filter(|f| f.date_offset_assumed)
            .and_then(|f| time::signature_zone(&f.signature));
        let reference = guest_zone
            .and_then(|tz| {
                tz.from_local_datetime(&reference.naive_local())
                    .earliest()
                    .map(|t| t.fixed_offset())
            })
            .unwrap_or(reference);
        let writer_zone = writer_zone_of(email, &framing, reference, known.writer);
        let quote = Quote::of(&email.quoted_text);
        let reader_zone = known
            .reader
            .or_else(|| reader_zone_of(email, &quote, reference));
        let mut req = self.read(
            IntentInput {
                subject: framing.subject.as_deref().unwrap_or(""),
                body: &framing.text,
                is_reply: framing.is_reply,
                is_forward: email.forwarded.is_some(),
                proposed_times: 0,
                headers: framing.headers,
            },
            reference,
            reader_zone,
            writer_zone,
        );
        // "Thursday at 3:15 works" under "conferences are about 20 minutes": the accepted
        // time lasts as long as the quoted thread said, unless the new text says otherwise.
        if req.duration_minutes.is_none()
            && !req.slots.is_empty()
            && let Some(Ok(ctx)) = time::thread_meeting_minutes(&framing.text, &email.quoted_text)
                .map(|m| context(reference, reader_zone, writer_zone).with_meeting_minutes(m))
        {
            let reading = time::read_times(&framing.text, &ctx);
            req.slots = reading.slots;
            req.duration_minutes = reading.duration_minutes;
        }
        // "CAMS - please book the Thursday option" above a forwarded request: the user's
        // note chooses among the guest's times; it proposes none of its own.
        if let Some(fwd) = &email.forwarded
            && !req.slots.is_empty()
        {
            let ctx = context(reference, reader_zone, writer_zone);
            let original = time::read_times(&fwd.new_text, &ctx).slots;
            let note = note_times(&email.new_text, &ctx);
            if let Some(kept) = forward_choice(&original, &note, &email.new_text) {
                req.slots = kept;
            }
        }
        // "Wednesday at 2pm ET works" under "Wednesday the 11th at 2pm ET": the new text names
        // one of the quoted proposals, whose date (and zone and length) the new text lacks.
        if req.intent == Intent::Confirm
            && let Some((slot, minutes)) =
                accepted_proposal(&framing.text, &req.slots, &quote, reference, reader_zone)
        {
            req.slots = vec![slot];
            req.duration_minutes = req.duration_minutes.or(minutes);
        }
        if matches!(
            req.intent,
            Intent::Reschedule | Intent::Schedule | Intent::Confirm
        ) && let Some(slots) =
            same_time_as_quoted(&framing.text, &req.slots, &quote, reference, reader_zone)
        {
            req.slots = slots;
        }
        if req.intent == Intent::Reschedule {
            drop_reasons_before_the_move(&framing.text, &mut req.slots);
            drop_reason_windows(&framing.text, &mut req.slots);
        }
        // "Could we move Thursday's call an hour later?" under "Thursday at 11": the quoted
        // meeting, moved.
        if matches!(
            req.intent,
            Intent::Reschedule | Intent::Schedule | Intent::Confirm
        ) && let Some(minutes) = time::relative_move(&framing.text)
            && let Some(slot) = moved_proposal(&req.slots, &quote, reference, minutes, reader_zone)
        {
            req.slots = vec![slot];
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
        let writer_zone = writer_zone_of(&email, &framing, reference, None);
        let proposed = time::read_times(&framing.text, &context(reference, None, writer_zone))
            .slots
            .len() as u32;
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
            IntentInput {
                subject: "",
                body: text,
                is_reply: false,
                is_forward: false,
                proposed_times: 0,
                headers: intent::HeaderFacts::default(),
            },
            reference,
            None,
            None,
        )
    }

    /// `input` without its `proposed_times`, which the time reading here fills in.
    fn read(
        &self,
        mut input: IntentInput<'_>,
        reference: DateTime<FixedOffset>,
        reader_zone: Option<Tz>,
        writer_zone: Option<Tz>,
    ) -> ParsedRequest {
        let body = input.body;
        let reading = time::read_times(body, &context(reference, reader_zone, writer_zone));
        input.proposed_times = reading.slots.len() as u32;
        let prediction = self.engine.classify(&input);
        let is_forward = input.is_forward;
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
            distribution: Some(prediction.distribution),
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
            subject: (!input.subject.is_empty()).then(|| input.subject.to_string()),
            message_id: None,
            in_reply_to: Vec::new(),
            references: Vec::new(),
            text: body.to_string(),
        }
    }
}

/// The context the text the intent is read from is resolved in: `reference`, in the
/// writer's zone when the email shows it (else guessed from the offset), with the reader's.
fn context(
    reference: DateTime<FixedOffset>,
    reader_zone: Option<Tz>,
    writer_zone: Option<Tz>,
) -> TimeContext {
    let ctx = match writer_zone {
        Some(tz) => TimeContext::new(reference).with_zone(tz),
        None => TimeContext::new(reference).guess_zone(),
    };
    match reader_zone {
        Some(tz) => ctx.with_reader_zone(tz),
        None => ctx,
    }
}

/// When the caller does not know who reads the email: the zone of the person it answers,
/// from the quoted message's signature ("Fargo, ND"), else from the country of the one
/// address it is sent to. "10am your time" is then that person's 10am, not the writer's.
fn reader_zone_of(
    email: &ParsedEmail,
    quote: &Quote,
    reference: DateTime<FixedOffset>,
) -> Option<Tz> {
    if email.forwarded.is_some() {
        return None;
    }
    time::other_named_zone(&email.new_text, reference)
        .or_else(|| time::signature_zone(&quote.text))
        .or_else(|| match email.headers.to.as_slice() {
            [only] => only
                .address
                .as_ref()
                .and_then(|a| time::country_zone(a.as_str())),
            _ => None,
        })
}

/// The zone of whoever wrote the text that is read (the forwarded original's sender for a
/// forward), from their address's country and, unless forwarded, their signature.
fn writer_zone_of(
    email: &ParsedEmail,
    framing: &Framing,
    reference: DateTime<FixedOffset>,
    known: Option<Tz>,
) -> Option<Tz> {
    let address = framing
        .requester
        .as_ref()
        .and_then(|m| m.address.as_ref())
        .map(|a| a.as_str());
    // A forward's own signature is the forwarder's; the original's is the guest's.
    let signature = match &email.forwarded {
        Some(f) => f.signature.as_str(),
        None => email.signature.as_str(),
    };
    // A forward's text is the guest's: the forwarder's zone, however well known, is not theirs.
    let known = known.filter(|_| email.forwarded.is_none());
    time::writer_zone(known, address, signature, reference)
}

/// The times a forwarder's note names: "the Thursday option" points at the guest's time, and
/// here it is the choice.
fn note_times(note: &str, ctx: &TimeContext) -> Vec<ProposedSlot> {
    let text = unpointed(note);
    time::read_times(text.as_deref().unwrap_or(note), ctx).slots
}

/// The guest's times a forwarder's note picks, in the note's order: those inside a window it
/// names ("next week"), on a day it names ("the Thursday option", "Tuesday if possible"), and,
/// for a part of day ("the Wednesday afternoon one"), at that part of the day on the guest's
/// clock. A soft preference ("if possible", "ideally") keeps the others after them. `None`
/// when the note names no time or picks none of the guest's.
fn forward_choice(
    original: &[ProposedSlot],
    note: &[ProposedSlot],
    note_text: &str,
) -> Option<Vec<ProposedSlot>> {
    if original.is_empty() || note.is_empty() {
        return None;
    }
    // The note's times were read from its English ("El martes" -> "El Tuesday").
    let lower = time::in_english(note_text).to_lowercase();
    let mut chosen: Vec<&ProposedSlot> = Vec::new();
    // "I'd rather not do the Friday": that one goes last; "not the Monday one": it goes.
    let mut demoted: Vec<&ProposedSlot> = Vec::new();
    let mut dropped: Vec<&ProposedSlot> = Vec::new();
    for n in note {
        let needle = n.text.to_lowercase();
        let found_at = lower.find(&needle);
        // The words just before the day, in its sentence: "rather not do the Friday".
        let before = found_at
            .map(|at| {
                let head = &lower[..at];
                let head = &head[head.rfind(['.', '?', '!', '\n']).map_or(0, |k| k + 1)..];
                let cut = head.len().saturating_sub(30);
                head.get(cut..).unwrap_or(head)
            })
            .unwrap_or("");
        let rather_not = ["rather not", "prefer not", "rather avoid", "ideally not"]
            .iter()
            .any(|w| before.contains(w));
        // "at 9 I'm in the greenhouse": the hour the forwarder is busy.
        // (The lower-cased needle's own length: lower-casing can change a text's byte length.)
        let after = found_at
            .map(|at| lower[at + needle.len()..].trim_start())
            .unwrap_or("");
        // "On Wednesday I'm with the auditors all day", "El martes estoy en obra todo el día".
        let rest_of_sentence = after
            .split(['.', '?', '!', '\n', ';', ',', '-', '\u{2013}'])
            .next()
            .unwrap_or("");
        let straight = after.replace('\u{2019}', "'");
        let busy = [
            "i'm in ",
            "i am in ",
            "i'm at ",
            "i am at ",
            "i'm busy",
            "i'm already",
            "i have ",
            "i've got",
            "i'm with ",
            "i am with ",
            "i'm out",
            "i'm away",
            "i'm travel",
            "i'm tied up",
            "i'm booked",
            "i'm off",
            "i'm on site",
            "estoy ",
            "je suis ",
            "ich bin ",
            "sono ",
            "estou ",
        ]
        .iter()
        .any(|w| straight.starts_with(w))
            || [
                "all day",
                "the whole day",
                "todo el día",
                "toute la journée",
                "den ganzen tag",
                "tutto il giorno",
                "o dia todo",
                "o dia inteiro",
            ]
            .iter()
            .any(|w| rest_of_sentence.contains(w));
        let not = busy
            || ["not ", "n't", "avoid", "except", "no "]
                .iter()
                .any(|w| before.contains(w));
        let inside = |o: &&ProposedSlot| o.start >= n.start && o.start < n.end;
        let same_date = |o: &&ProposedSlot| o.start.date_naive() == n.start.date_naive();
        let same_weekday = |o: &&ProposedSlot| o.start.weekday() == n.start.weekday();
        // "book me into the 1 pm one": a clock alone points at the option at that hour of
        // the guest's day.
        let same_clock = |o: &&ProposedSlot| !n.flexible && o.start.time() == n.start.time();
        let clock_only = n.text.split_whitespace().all(|w| {
            w.starts_with(|c: char| c.is_ascii_digit())
                || matches!(
                    w.to_lowercase().as_str(),
                    "at" | "am" | "pm" | "a.m." | "p.m."
                )
        });
        let by: Vec<&dyn Fn(&&ProposedSlot) -> bool> = if clock_only {
            vec![&same_clock]
        } else {
            vec![&inside, &same_date, &same_weekday]
        };
        let Some(mut picked) = by
            .iter()
            .map(|f| original.iter().filter(|o| f(o)).collect::<Vec<_>>())
            .find(|v| !v.is_empty())
        else {
            continue;
        };
        // A part of day: the guest's times at that part of their own day.
        let part = n.flexible && n.end - n.start < chrono::Duration::hours(8);
        if part {
            let at_part: Vec<&ProposedSlot> = picked
                .iter()
                .copied()
                .filter(|o| n.start.time() <= o.start.time() && o.start.time() < n.end.time())
                .collect();
            if !at_part.is_empty() {
                picked = at_part;
            }
        }
        let into = if rather_not {
            &mut demoted
        } else if not {
            &mut dropped
        } else {
            &mut chosen
        };
        for o in picked {
            if !into.contains(&o) {
                into.push(o);
            }
        }
    }
    if chosen.is_empty() && demoted.is_empty() && dropped.is_empty() {
        return None;
    }
    if chosen.is_empty() {
        // Only days to avoid: the others, in the guest's order, then the ones rather not.
        chosen = original
            .iter()
            .filter(|o| !demoted.contains(o) && !dropped.contains(o))
            .collect();
        chosen.extend(demoted.iter().copied());
        if chosen.is_empty() {
            return None;
        }
    }
    let soft = [
        "if possible",
        "ideally",
        "prefer",
        "if it works",
        "if they can",
        "is better",
        "would be better",
        "would be best",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let mut out: Vec<ProposedSlot> = chosen.into_iter().cloned().collect();
    if soft {
        for o in original {
            if !out.contains(o) && !dropped.contains(&o) {
                out.push(o.clone());
            }
        }
    }
    for (i, s) in out.iter_mut().enumerate() {
        s.rank = i as u32 + 1;
    }
    Some(out)
}

/// The quoted proposal a confirmation points at, by clock time and weekday of the times it
/// names, else by an ordinal ("the first option", "die zweite Option"); with the quoted
/// thread's meeting length. `None` when the quote proposes nothing or nothing matches.
fn accepted_proposal(
    new_text: &str,
    new_slots: &[ProposedSlot],
    quote: &Quote,
    reference: DateTime<FixedOffset>,
    reader_zone: Option<Tz>,
) -> Option<(ProposedSlot, Option<u32>)> {
    let quoted = &quote.text;
    // "I confirm Wednesday, 9:30 Singapore time" under "9:30 to 10 on Wednesday works": the
    // zone the confirmation names is the one both sides meant, so the quoted message's
    // zone-less times are read in it, not in the replier's own zone.
    // Only a zone the new text writes: the replier's own zone is not the quote's.
    let named_zone = new_slots
        .first()
        .filter(|_| time::names_zone(new_text))
        .and_then(|s| s.zone.parse::<Tz>().ok());
    let reading = quoted_reading(quote, reference, named_zone, reader_zone);
    let mut proposals = reading.slots;
    if proposals.is_empty() {
        return None;
    }
    // Ordinals count in the order the proposals were written, not by preference.
    proposals.sort_by_key(|p| quoted.find(&p.text).unwrap_or(usize::MAX));
    // "The Tuesday 2pm slot works": a time named as one of the options is a pointer, which
    // the time layer leaves out of the new text's proposals; read it back here.
    let pointed;
    let new_slots = if new_slots.is_empty() {
        pointed = pointer_times(new_text, reference);
        pointed.as_slice()
    } else {
        new_slots
    };
    let chosen = if new_slots.is_empty() {
        ordinal(new_text)
            .and_then(|i| match i {
                Ordinal::Nth(n) => proposals.get(n).cloned(),
                Ordinal::Last => proposals.last().cloned(),
            })
            .or_else(|| {
                // "Sounds good, see you then" under one exact proposal accepts it.
                let mut exact = proposals.iter().filter(|p| !p.flexible);
                match (exact.next(), exact.next()) {
                    (Some(p), None) if proposals.len() == 1 => Some(p.clone()),
                    _ => None,
                }
            })
    } else {
        let named = &new_slots[0];
        let clock = !matches!(
            named.grain,
            time::Grain::Day | time::Grain::Week | time::Grain::Month | time::Grain::Year
        );
        let day_named = named_weekday(&named.text);
        let lower_named = named.text.to_ascii_lowercase();
        let bare_clock = clock
            && !["am", "pm", "a.m", "p.m", "noon", "midnight"]
                .iter()
                .any(|w| lower_named.contains(w))
            && named.start.hour() >= 13;
        let twelve_hours = chrono::Duration::hours(12);
        // "Wednesday it is, let's say 7pm" under "dinner Tuesday or Wednesday night": a
        // clock inside a quoted window picks that window's day at the clock named.
        // The named clock on the quoted proposal's own clock: "15:00 your time (14:00 here)"
        // inside "zwischen 14 und 16 Uhr (MESZ)" is 15:00 there.
        let named_there = |p: &ProposedSlot| named.start.with_timezone(p.start.offset()).time();
        let inside = |p: &ProposedSlot| {
            clock
                && p.flexible
                && p.end - p.start <= chrono::Duration::days(1)
                && p.start.time() <= named_there(p)
                && named_there(p) < p.end.time()
        };
        let fits = |p: &ProposedSlot| {
            // "15h works (9h for you)" under "9am my time": the same instant in the
            // replier's clock also names it.
            // "Wednesday at 15:00 your time (16:00 here)": the named clock, moved into the
            // quoted proposal's offset, is the quoted clock though the day differs.
            let same_clock = !clock
                || p.start.time() == named.start.time()
                || named.start.with_timezone(p.start.offset()).time() == p.start.time()
                || inside(p);
            let same_day = !day_named || p.start.weekday() == named.start.weekday();
            // "Wednesday 28th at 7:30 my time suits" under "9:30pm UK time (7:30am in
            // Brisbane)": a clock written without am/pm, read as the evening, is the quoted
            // proposal at that very instant in the morning.
            let same_instant_before_noon = bare_clock && p.start == named.start - twelve_hours;
            (same_clock && same_day) || same_instant_before_noon
        };
        let mut fitting = proposals.iter().filter(|p| fits(p));
        match (fitting.next(), fitting.next()) {
            (Some(p), None) if inside(p) => {
                let start = p
                    .start
                    .date_naive()
                    .and_time(named_there(p))
                    .and_local_timezone(*p.start.offset())
                    .single();
                start.map(|start| ProposedSlot {
                    start,
                    end: start + (named.end - named.start),
                    grain: named.grain,
                    flexible: false,
                    ..p.clone()
                })
            }
            (Some(p), None) => Some(p.clone()),
            _ => None,
        }
    }?;
    Some((ProposedSlot { rank: 1, ..chosen }, reading.duration_minutes))
}

/// "Our broker cannot join tomorrow. May I ask to move our meeting to Monday?": in a
/// reschedule, times written in sentences before the one that asks for the move are the
/// meeting being moved or the reason for it, not new options, when the move names its own.
fn drop_reasons_before_the_move(text: &str, slots: &mut Vec<ProposedSlot>) {
    static MOVE_ASK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b(?:move|moving|push|pushing|reschedule|rescheduling|shift|bump|postpone|swap|switch|instead|can we do|could we do|how about|what about|stattdessen|en su lugar|à la place|plutôt|em vez|invece|in plaats daarvan)\b")
            .unwrap_or_else(|_| unreachable!())
    });
    if slots.len() < 2 {
        return;
    }
    let lower = text.to_lowercase();
    let Some(ask) = MOVE_ASK.find(&lower) else {
        return;
    };
    let sentence_start = time::sentence_bounds(&lower, &ask.range()).start;
    let at = |s: &ProposedSlot| lower.find(&s.text.to_lowercase());
    let after = slots
        .iter()
        .filter(|s| at(s).is_some_and(|p| p >= sentence_start))
        .count();
    if after == 0 || after == slots.len() {
        return;
    }
    slots.retain(|s| at(s).is_none_or(|p| p >= sentence_start));
    renumber(slots);
}

/// "Could we move it to Friday at 2pm? I have surgery on Thursday afternoon.": beside an
/// exact new time, a window in a sentence that asks nothing and offers no alternative is the
/// reason for the move.
fn drop_reason_windows(text: &str, slots: &mut Vec<ProposedSlot>) {
    if !slots.iter().any(|s| !s.flexible) {
        return;
    }
    let lower = text.to_lowercase();
    let offered = |s: &ProposedSlot| {
        // Not found: the slot's words were translated ("jeudi après-midi"); beside an exact
        // new time a window in another language's reschedule is kept only when found offered.
        let Some(p) = lower.find(&s.text.to_lowercase()) else {
            return false;
        };
        let bounds = time::sentence_bounds(&lower, &(p..p));
        let sentence = &lower[bounds.clone()];
        let hi = bounds.end;
        lower[hi..].starts_with('?')
            || [
                " or ",
                "otherwise",
                "alternativ",
                " also ",
                " ou ",
                " o ",
                " oder ",
            ]
            .iter()
            .any(|w| sentence.contains(w))
    };
    let before = slots.len();
    slots.retain(|s| !s.flexible || offered(s));
    if slots.len() != before {
        renumber(slots);
    }
}

fn renumber(slots: &mut [ProposedSlot]) {
    for (i, s) in slots.iter_mut().enumerate() {
        s.rank = i as u32 + 1;
    }
}

/// The times a confirmation names as one of the options ("the Tuesday 2pm slot", "the
/// Wednesday option"), read without the word that makes them a pointer.
fn pointer_times(new_text: &str, reference: DateTime<FixedOffset>) -> Vec<ProposedSlot> {
    match unpointed(new_text) {
        Some(text) => time::read_times(&text, &context(reference, None, None)).slots,
        None => Vec::new(),
    }
}

/// The text with "the Tuesday 2pm slot" written as "Tuesday 2pm", which the time layer
/// otherwise leaves out as a pointer at a time offered elsewhere; `None` when it has none.
fn unpointed(text: &str) -> Option<String> {
    static POINTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\bthe\s+([^.?!\n]{2,40}?)\s+(?:time\s+)?(?:slot|option|one)\b")
            .unwrap_or_else(|_| unreachable!())
    });
    POINTER
        .is_match(text)
        .then(|| POINTER.replace_all(text, "$1").into_owned())
}

/// "Thursday is booked, could we do Friday at the same time?" under "Thursday 12 November at
/// 11:00 Irish time": each whole day the new text names takes the quoted proposal's clock,
/// zone and length, when the quote holds exactly one exact time.
fn same_time_as_quoted(
    new_text: &str,
    new_slots: &[ProposedSlot],
    quote: &Quote,
    reference: DateTime<FixedOffset>,
    reader_zone: Option<Tz>,
) -> Option<Vec<ProposedSlot>> {
    if !time::says_same_time(new_text) {
        return None;
    }
    let days: Vec<&ProposedSlot> = new_slots
        .iter()
        .filter(|s| s.grain == time::Grain::Day)
        .collect();
    if days.is_empty() || days.len() != new_slots.len() {
        return None;
    }
    let reading = quoted_reading(quote, reference, None, reader_zone);
    let mut exact = reading.slots.iter().filter(|p| !p.flexible);
    let original = match (exact.next(), exact.next()) {
        (Some(p), None) => p,
        _ => return None,
    };
    let zone = original.zone.parse::<Tz>().ok();
    let length = original.end - original.start;
    let clock = original.start.time();
    let out: Option<Vec<ProposedSlot>> = days
        .iter()
        .map(|d| {
            let date = d.start.date_naive();
            let start = match zone {
                Some(tz) => date
                    .and_time(clock)
                    .and_local_timezone(tz)
                    .earliest()?
                    .fixed_offset(),
                None => date
                    .and_time(clock)
                    .and_local_timezone(*original.start.offset())
                    .single()?,
            };
            Some(ProposedSlot {
                start,
                end: start + length,
                zone: original.zone.clone(),
                grain: original.grain,
                flexible: false,
                ..(*d).clone()
            })
        })
        .collect();
    out.filter(|v| !v.is_empty())
}

/// The quoted thread's one exact time moved by `minutes`, when the new text names no exact
/// time of its own; a day it names ("tomorrow's call", "Thursday's call") picks among them.
fn moved_proposal(
    new_slots: &[ProposedSlot],
    quote: &Quote,
    reference: DateTime<FixedOffset>,
    minutes: i64,
    reader_zone: Option<Tz>,
) -> Option<ProposedSlot> {
    let exact = |s: &ProposedSlot| {
        !s.flexible && matches!(s.grain, time::Grain::Minute | time::Grain::Hour)
    };
    if new_slots.iter().any(exact) {
        return None;
    }
    let day = new_slots
        .iter()
        .find(|s| s.grain == time::Grain::Day)
        .map(|s| s.start.date_naive());
    let reading = quoted_reading(quote, reference, None, reader_zone);
    let mut originals = reading
        .slots
        .into_iter()
        .filter(|p| exact(p) && day.is_none_or(|d| p.start.date_naive() == d));
    let original = match (originals.next(), originals.next()) {
        (Some(p), None) => p,
        _ => return None,
    };
    let by = chrono::Duration::minutes(minutes);
    Some(ProposedSlot {
        start: original.start + by,
        end: original.end + by,
        rank: 1,
        ..original
    })
}

/// The times of the quoted message, dated from its attribution, zone-less times in `zone`
/// when the reply says which zone was meant, else in the quoted writer's zone as far as it
/// is known, else in the replier's.
fn quoted_reading(
    quote: &Quote,
    reference: DateTime<FixedOffset>,
    zone: Option<Tz>,
    reader_zone: Option<Tz>,
) -> TimeReading {
    let (quoted, quoted_text) = (quote.text.as_str(), quote.raw);
    let at = quoted_date(quoted_text, reference).unwrap_or(reference);
    // The quoted writer's clocks are in their zone, which their signature may say
    // ("Minneapolis, MN"). A guest writing to the user quotes, most often, the user's own
    // message, so the user's zone comes next; else the replier's is the best guess.
    let zone = zone
        .or_else(|| time::signature_zone(quoted))
        .or(reader_zone);
    let ctx = match zone {
        // Read in another writer's zone, the quote's "11 your time" is the replier's 11.
        Some(tz) => TimeContext {
            reader_zone: Some(time::Zone::likely_for(reference)),
            ..TimeContext::new(at).with_zone(tz)
        },
        None => TimeContext::new(at).guess_zone(),
    };
    time::read_times(quoted, &ctx)
}

/// When the quoted message was sent, from its attribution or header block ("On Tue, Mar 3,
/// 2026 at 10:15 AM … wrote:", "Sent: Friday, September 11, 2026", "Am 04.06.2026 um 11:00
/// schrieb"), at the reply's own time of day and offset: its "next Wednesday" counts from
/// that day. Only a date in the ten weeks before the reply is believed.
fn quoted_date(quoted: &str, reference: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    static NAMED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b|\b(\d{1,2})\.?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b|\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b",
        )
        .unwrap_or_else(|_| unreachable!())
    });
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = |m: &str| {
        let m = m.to_ascii_lowercase();
        MONTHS.iter().position(|x| *x == m).map(|i| i as u32 + 1)
    };
    let line = quoted
        .lines()
        .map(|l| l.trim_start_matches(['>', ' ']))
        .filter(|l| !l.trim().is_empty())
        .take(6)
        .find(|l| is_header_or_attribution(l) || l.to_lowercase().starts_with("on "))?;
    let c = NAMED.captures(line)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = if c.get(1).is_some() {
        (num(3)?, month(&c[1])?, num(2)?)
    } else if c.get(5).is_some() {
        (num(6)?, month(&c[5])?, num(4)?)
    } else {
        (num(9)?, num(8)?, num(7)?)
    };
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let days_before = (reference.date_naive() - date).num_days();
    if !(0..=70).contains(&days_before) {
        return None;
    }
    date.and_time(reference.time())
        .and_local_timezone(*reference.offset())
        .single()
}

/// Whether a time expression names a day of the week (English or German).
fn named_weekday(text: &str) -> bool {
    const DAYS: [&str; 14] = [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
    ];
    let lower = text.to_lowercase();
    lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| DAYS.iter().any(|d| w.starts_with(d)))
}

enum Ordinal {
    Nth(usize),
    Last,
}

/// "the first option", "option 2", "die zweite Option", "the last one".
fn ordinal(text: &str) -> Option<Ordinal> {
    const NTH: [(&[&str], usize); 3] = [
        (
            &[
                "first",
                "1st",
                "option 1",
                "option a",
                "erste",
                "ersten",
                "option eins",
            ],
            0,
        ),
        (
            &["second", "2nd", "option 2", "option b", "zweite", "zweiten"],
            1,
        ),
        (
            &["third", "3rd", "option 3", "option c", "dritte", "dritten"],
            2,
        ),
    ];
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = words.join(" ");
    let has = |phrase: &str| {
        let padded = format!(" {joined} ");
        padded.contains(&format!(" {phrase} "))
    };
    for (phrases, n) in NTH {
        if phrases.iter().any(|p| has(p)) {
            return Some(Ordinal::Nth(n));
        }
    }
    ["last one", "last option", "latter", "letzte", "letzten"]
        .iter()
        .any(|p| has(p))
        .then_some(Ordinal::Last)
}

/// The quoted history as written (its attribution lines date it) and as text (what its
/// times and signature are read from), unquoted once per email.
struct Quote<'a> {
    raw: &'a str,
    text: String,
}

impl<'a> Quote<'a> {
    fn of(raw: &'a str) -> Quote<'a> {
        Quote {
            raw,
            text: unquote(raw),
        }
    }
}

/// The quoted message without its `>` markers, attribution lines ("On … wrote:") and header
/// blocks ("Sent: Friday, September 11, 2026 10:00 AM"), whose dates are no proposals, so
/// its proposals read like new text. A quote without markers (Outlook style) is kept whole.
fn unquote(quoted: &str) -> String {
    let marked = quoted.lines().any(|l| l.trim_start().starts_with('>'));
    quoted
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            if !marked {
                return Some(t);
            }
            t.strip_prefix('>')
                .map(|rest| rest.trim_start_matches(['>', ' ']))
        })
        .filter(|l| !is_header_or_attribution(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "Sent: …", "Von: …", "On Tue, Mar 3, 2026 at 10:15 AM Dana wrote:".
fn is_header_or_attribution(line: &str) -> bool {
    const HEADERS: [&str; 12] = [
        "from:",
        "sent:",
        "to:",
        "cc:",
        "subject:",
        "date:",
        "von:",
        "gesendet:",
        "an:",
        "betreff:",
        "datum:",
        "envoyé :",
    ];
    let lower = line.trim().to_lowercase();
    HEADERS.iter().any(|h| lower.starts_with(h))
        || lower.ends_with("wrote:")
        || lower.contains(" schrieb ")
        || lower.ends_with("schrieb:")
        || (lower.starts_with("on ") && lower.contains(" at ") && lower.contains('<'))
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

    fn slots_of(text: &str, at: &str) -> Vec<ProposedSlot> {
        let reference = DateTime::parse_from_rfc3339(at).expect("valid");
        time::read_times(text, &context(reference, None, None)).slots
    }

    fn note_slots(note: &str, at: &str) -> Vec<ProposedSlot> {
        let reference = DateTime::parse_from_rfc3339(at).expect("valid");
        note_times(note, &context(reference, None, None))
    }

    #[test]
    fn a_forwarders_note_chooses_among_the_guests_times() {
        let at = "2026-11-25T10:00:00-05:00";
        let original = slots_of(
            "Could we talk Wednesday 2 December at 9am or 3pm, or Thursday 3 December at 3pm?",
            at,
        );
        assert_eq!(original.len(), 3);
        let starts = |v: Option<Vec<ProposedSlot>>| {
            v.expect("a choice")
                .iter()
                .map(|s| (s.start.format("%d %H").to_string(), s.rank))
                .collect::<Vec<_>>()
        };
        let note = "Please book the Wednesday afternoon one, otherwise Thursday.";
        assert_eq!(
            starts(forward_choice(&original, &note_slots(note, at), note)),
            [("02 15".to_string(), 1), ("03 15".to_string(), 2)]
        );
        let note = "Any of these is fine, though I'd rather not do the Thursday.";
        assert_eq!(
            starts(forward_choice(&original, &note_slots(note, at), note)),
            [
                ("02 09".to_string(), 1),
                ("02 15".to_string(), 2),
                ("03 15".to_string(), 3)
            ]
        );
        let note = "Thursday if possible.";
        assert_eq!(
            starts(forward_choice(&original, &note_slots(note, at), note)),
            [
                ("03 15".to_string(), 1),
                ("02 09".to_string(), 2),
                ("02 15".to_string(), 3)
            ]
        );
        // A clock alone points at the guest's option at that hour; a clock the forwarder is
        // busy at rules that one out.
        let note = "Please book me into the 3 pm one - at 9 I'm in the greenhouse.";
        assert_eq!(
            starts(forward_choice(&original, &note_slots(note, at), note)),
            [("02 15".to_string(), 1), ("03 15".to_string(), 2)]
        );
        // A note that names no time, or none of the guest's, changes nothing.
        let note = "Can you set this up?";
        assert!(forward_choice(&original, &note_slots(note, at), note).is_none());
        let note = "Friday would have been better.";
        assert!(forward_choice(&original, &note_slots(note, at), note).is_none());
    }

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

    fn reply(date: &str, new: &str, quoted: &str) -> String {
        let quoted: String = quoted.lines().map(|l| format!("> {l}\r\n")).collect();
        format!(
            "From: Sam <sam@example.com>\r\nTo: Kim <kim@example.org>\r\n\
Subject: Re: Budget review\r\nDate: {date}\r\nIn-Reply-To: <k1@example.org>\r\n\
Message-ID: <s1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
{new}\r\n\r\nOn Mon, Mar 2, 2026 at 9:00 AM Kim <kim@example.org> wrote:\r\n\r\n{quoted}"
        )
    }

    #[test]
    fn your_time_is_the_quoted_writers_zone_when_the_reader_is_not_known() {
        let reader = Reader::embedded().expect("embedded model loads");
        // Sam writes from London (+00:00) to Kim, whose signature puts her in Fargo.
        let raw = reply(
            "Mon, 02 Mar 2026 10:00:00 +0000",
            "Thursday is full for me. Could we do Friday the 13th at 9am your time instead?",
            "Hi Sam,\nCould we talk on Thursday the 12th at 2pm my time?\nKim\n\n\
Kim Larsen\nProvider Relations\nFargo, ND",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        // 9am in Fargo (Central, -05:00 after the US change of March 8), not 9am in London.
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-13T09:00:00-05:00");
        // A caller that knows the reader (the agent, from the user's profile) wins.
        let email = text::parse_email(raw.as_bytes()).expect("parses");
        let reference = email.reference_date().expect("dated");
        let known = reader.read_parsed_for(&email, reference, KnownZones::reader(Tz::Asia__Tokyo));
        assert_eq!(
            known.slots[0].start.to_rfc3339(),
            "2026-03-13T09:00:00+09:00"
        );
    }

    #[test]
    fn a_confirmation_takes_the_date_and_length_of_the_quoted_proposal_it_names() {
        let reader = Reader::embedded().expect("embedded model loads");
        let raw = reply(
            "Mon, 02 Mar 2026 10:00:00 -0500",
            "Thursday at 4pm works for me, thanks!",
            "Hi Sam,\nCould we do 30 minutes on Tuesday the 10th at 11am ET\n\
or Thursday the 12th at 4pm ET?\nKim",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.intent, Intent::Confirm);
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        // The 12th, not the coming Thursday (the 5th), and after the DST change of March 8.
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-12T16:00:00-04:00");
        assert_eq!(
            req.slots[0].end - req.slots[0].start,
            chrono::Duration::minutes(30)
        );
    }

    #[test]
    fn a_confirmation_pointing_at_an_option_or_naming_none_takes_the_quoted_time() {
        let reader = Reader::embedded().expect("embedded model loads");
        let options = "Hi Sam,\nWe could do Monday the 9th at 10am ET, Tuesday the 10th at 2pm ET\n\
or Wednesday the 11th at 4pm ET.\nKim";
        let raw = reply(
            "Mon, 02 Mar 2026 10:00:00 -0500",
            "The Tuesday 2pm slot works for us, see you then.",
            options,
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.intent, Intent::Confirm);
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-10T14:00:00-04:00");

        let raw = reply(
            "Mon, 02 Mar 2026 10:00:00 -0500",
            "Great, see you then!",
            "Hi Sam,\nWould Thursday the 12th at 9am ET work for a call?\nKim",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.intent, Intent::Confirm);
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-12T09:00:00-04:00");
    }

    #[test]
    fn another_day_at_the_same_time_takes_the_quoted_clock_and_zone() {
        let reader = Reader::embedded().expect("embedded model loads");
        // The replier writes from Berlin (+01:00); the quoted time is New York's.
        let raw = reply(
            "Mon, 02 Mar 2026 16:00:00 +0100",
            "Wednesday is out for me, sorry. Could we do Thursday at the same time instead?",
            "Hi Sam,\nHow about Wednesday the 4th at 11am ET?\nKim",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-05T11:00:00-05:00");
        assert_eq!(req.slots[0].zone, "America/New_York");
    }

    #[test]
    fn your_time_is_the_readers_zone_when_the_caller_knows_it() {
        let reader = Reader::embedded().expect("embedded model loads");
        let raw = "From: Kim <kim@example.org>\r\nTo: Sam <sam@example.com>\r\n\
Subject: Interview\r\nDate: Mon, 02 Mar 2026 09:00:00 -0500\r\nMessage-ID: <y1@example.org>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nCould we talk Wednesday at 10am your time?\r\n";
        let email = text::parse_email(raw.as_bytes()).expect("parses");
        let reference = email.reference_date().expect("dated");
        let req = reader.read_parsed_for(&email, reference, KnownZones::reader(Tz::Europe__Berlin));
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-04T10:00:00+01:00");
        // Without the reader's zone the writer's own is the best guess.
        let req = reader.read_parsed(&email, reference);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-04T10:00:00-05:00");
    }

    #[test]
    fn a_reschedule_offers_only_the_new_time_not_the_reason() {
        let slot = |text: &str, start: &str, flexible: bool| ProposedSlot {
            start: DateTime::parse_from_rfc3339(start).expect("rfc3339"),
            end: DateTime::parse_from_rfc3339(start).expect("rfc3339")
                + chrono::Duration::minutes(30),
            zone: "UTC".into(),
            grain: if flexible {
                time::Grain::Day
            } else {
                time::Grain::Minute
            },
            flexible,
            rank: 1,
            text: text.into(),
        };
        let text = "Our auditor can't come tomorrow. Could we move the review to Monday at 9? \
I have a site visit on Friday.";
        let mut slots = vec![
            slot("tomorrow", "2026-03-03T09:00:00+00:00", true),
            slot("Monday at 9", "2026-03-09T09:00:00+00:00", false),
            slot("on Friday", "2026-03-06T09:00:00+00:00", true),
        ];
        drop_reasons_before_the_move(text, &mut slots);
        drop_reason_windows(text, &mut slots);
        assert_eq!(slots.len(), 1, "{slots:?}");
        assert_eq!(slots[0].text, "Monday at 9");
        assert_eq!(slots[0].rank, 1);
    }

    #[test]
    fn a_confirmation_naming_a_zone_reads_the_quoted_times_in_it() {
        let reader = Reader::embedded().expect("embedded model loads");
        // The replier is in Tokyo (+09:00); both sides meant Singapore time (+08:00).
        let raw = reply(
            "Tue, 03 Mar 2026 09:10:00 +0900",
            "Thank you. I confirm Wednesday 4 March, 9:30 Singapore time.",
            "Hiroshi, 9:30 to 10 on Wednesday works well for me.\nRahul",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-04T09:30:00+08:00");
        assert_eq!(req.slots[0].end.to_rfc3339(), "2026-03-04T10:00:00+08:00");
    }

    #[test]
    fn a_bare_confirmation_is_in_the_quoted_writer_zone_from_their_signature() {
        let reader = Reader::embedded().expect("embedded model loads");
        // The replier writes from Madrid (+01:00); the proposal was Kim's, in Atlanta.
        let raw = reply(
            "Mon, 02 Mar 2026 18:00:00 +0100",
            "Great, see you on Thursday 5 March at 9 o'clock then.",
            "Hi Sam,\nHow about Thursday the 5th at 9am?\n\nKim Ortega\nPartner | Atlanta, GA",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.intent, Intent::Confirm);
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-03-05T09:00:00-05:00");
    }

    #[test]
    fn a_move_relative_to_the_quoted_meeting_moves_it() {
        let reader = Reader::embedded().expect("embedded model loads");
        let cases = [
            (
                "Could we move Thursday's call an hour later? Something came up at 11.",
                "2026-03-05T12:00:00-05:00",
            ),
            (
                "Would it be possible to bring the call forward by half an hour?",
                "2026-03-05T10:30:00-05:00",
            ),
            (
                "Running behind - can we start 15 minutes later? Same link.",
                "2026-03-05T11:15:00-05:00",
            ),
        ];
        for (new, want) in cases {
            let raw = reply(
                "Tue, 03 Mar 2026 16:00:00 -0500",
                new,
                "Sam - let's do a follow-up call Thursday at 11 to go through it.\nKim",
            );
            let req = reader.read_email(raw.as_bytes(), None).expect("readable");
            assert_eq!(req.slots.len(), 1, "{new}: {:?}", req.slots);
            assert_eq!(req.slots[0].start.to_rfc3339(), want, "{new}");
        }
    }

    #[test]
    fn a_confirmation_by_ordinal_takes_that_quoted_option() {
        let reader = Reader::embedded().expect("embedded model loads");
        let raw = reply(
            "Mon, 01 Jun 2026 18:00:00 +0200",
            "Die zweite Option passt mir gut, danke!",
            "Hallo Sam,\nich könnte Mittwoch, 3. Juni um 9 Uhr oder Freitag, 5. Juni um 14 Uhr.\nKim",
        );
        let req = reader.read_email(raw.as_bytes(), None).expect("readable");
        assert_eq!(req.intent, Intent::Confirm);
        assert_eq!(req.slots.len(), 1, "{:?}", req.slots);
        assert_eq!(req.slots[0].start.to_rfc3339(), "2026-06-05T14:00:00+02:00");
    }

    #[test]
    fn an_ordinal_counts_proposals_in_written_order_and_ignores_headers() {
        assert!(matches!(
            ordinal("the first option suits me"),
            Some(Ordinal::Nth(0))
        ));
        assert!(matches!(ordinal("Option 2 is fine"), Some(Ordinal::Nth(1))));
        assert!(ordinal("sounds good").is_none());
        let text = unquote("> Sent: Friday, September 11, 2026 10:00 AM\n> Tuesday at 3pm?");
        assert_eq!(text, "Tuesday at 3pm?");
    }

    #[test]
    fn the_quoted_message_date_comes_from_its_attribution_or_header() {
        let reply = chrono::DateTime::parse_from_rfc3339("2026-03-09T10:00:00-04:00")
            .unwrap_or_else(|_| unreachable!());
        let on = quoted_date(
            "On Tue, Mar 3, 2026 at 10:15 AM Dana <d@x.org> wrote:\n> Hi",
            reply,
        );
        assert_eq!(
            on.map(|d| d.date_naive().to_string()).as_deref(),
            Some("2026-03-03")
        );
        let de = quoted_date("Am 04.03.2026 um 11:00 schrieb Jonas:\n> Hallo", reply);
        assert_eq!(
            de.map(|d| d.date_naive().to_string()).as_deref(),
            Some("2026-03-04")
        );
        // A year-old date is a stale thread or a typo, not the quoted message's date.
        assert_eq!(quoted_date("On Mar 3, 2025 Dana wrote:", reply), None);
    }
}
