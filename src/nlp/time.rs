//! Proposed meeting times in an email's text, resolved against its Date header and zones.
//!
//! `read_times` is pure and never panics. The pipeline: blank quoted history and signature
//! (`new_text`), pre-scan for time cues (`cues`), hand only the short spans around cues to
//! Duckling, then apply zone words (`zones`), product conventions (`conventions`), drop
//! non-proposals (`nonproposals`), rank by stated preference (`rank`), and read the meeting
//! length (`duration`), mode and place (`venue`).

mod conventions;
mod cues;
mod duration;
mod new_text;
mod nonproposals;
mod rank;
mod venue;
mod zones;

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use chrono_tz::Tz;
use duckling::{Context, DimensionKind, DimensionValue, Lang, Locale, Options, TimePoint};
use serde::{Deserialize, Serialize};

pub use conventions::DEFAULT_MEETING_MINUTES;
pub use venue::MeetingMode;
pub use zones::Zone;

/// Errors building a [`TimeContext`] from untrusted strings (a CLI line, a stored record).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TimeError {
    /// The reference time is not RFC 3339 with an offset.
    #[error("reference time {0:?} is not RFC 3339 with an offset")]
    BadReference(String),
    /// The zone is not an IANA zone name.
    #[error("unknown IANA time zone {0:?}")]
    UnknownZone(String),
    /// A stated meeting length of zero minutes or more than a day.
    #[error("meeting length {0} minutes is outside 1..=1440")]
    BadMeetingLength(u32),
}

/// What a time expression is resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeContext {
    /// The email's Date header, in the sender's offset.
    pub reference: DateTime<FixedOffset>,
    /// The sender's zone: an IANA zone when known, else the Date header's fixed offset.
    pub sender_zone: Zone,
    /// The meeting length, when the caller already knows it; overrides what the text says.
    pub meeting_minutes: Option<u32>,
}

impl TimeContext {
    /// A context whose sender zone is the reference's own fixed offset.
    pub fn new(reference: DateTime<FixedOffset>) -> Self {
        Self {
            reference,
            sender_zone: Zone::Fixed(*reference.offset()),
            meeting_minutes: None,
        }
    }

    /// The same context with the sender's IANA zone.
    pub fn with_zone(mut self, tz: Tz) -> Self {
        self.sender_zone = Zone::Iana(tz);
        self
    }

    /// The same context with a known meeting length.
    pub fn with_meeting_minutes(mut self, minutes: u32) -> Result<Self, TimeError> {
        if minutes == 0 || minutes > 1440 {
            return Err(TimeError::BadMeetingLength(minutes));
        }
        self.meeting_minutes = Some(minutes);
        Ok(self)
    }

    /// Parses an RFC 3339 reference ("2026-11-25T10:00:00-05:00") and an optional IANA zone.
    pub fn parse(reference: &str, zone: Option<&str>) -> Result<Self, TimeError> {
        let at = DateTime::parse_from_rfc3339(reference.trim())
            .map_err(|_| TimeError::BadReference(reference.to_string()))?;
        let ctx = Self::new(at);
        match zone {
            None => Ok(ctx),
            Some(name) => {
                let tz: Tz = name
                    .trim()
                    .parse()
                    .map_err(|_| TimeError::UnknownZone(name.to_string()))?;
                Ok(ctx.with_zone(tz))
            }
        }
    }
}

/// Precision of a proposed slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    /// "3:30pm".
    Minute,
    /// "3pm", "Tuesday afternoon".
    Hour,
    /// "Tuesday".
    Day,
    /// "next week".
    Week,
    /// "in December".
    Month,
    /// A year (rarely a proposal; kept for completeness of the output format).
    Year,
}

/// One proposed time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedSlot {
    /// Start, with the offset of the slot's zone at that date.
    pub start: DateTime<FixedOffset>,
    /// End (exclusive), with the offset of the slot's zone at that date.
    pub end: DateTime<FixedOffset>,
    /// The slot's zone: an IANA name, `UTC` or `UTC+02:00`.
    pub zone: String,
    /// Precision of the expression.
    pub grain: Grain,
    /// True for a window to place a meeting in, false for an exact time.
    pub flexible: bool,
    /// Preference, 1 = most preferred.
    pub rank: u32,
    /// The words it came from.
    pub text: String,
}

/// Everything about time and place that an email's text says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeReading {
    /// Proposed times, most preferred first.
    pub slots: Vec<ProposedSlot>,
    /// The meeting length: from the caller, else stated in the text ("15 min", "an hour";
    /// a meal without a length is 60).
    pub duration_minutes: Option<u32>,
    /// Call, video or in person, when the text says.
    pub mode: Option<MeetingMode>,
    /// The place named for the meeting, as written.
    pub location: Option<String>,
}

static LOCALE: LazyLock<Locale> = LazyLock::new(|| Locale::new(Lang::EN, None));

/// Reads the proposed times, meeting length, mode and place of an email's new text.
pub fn read_times(text: &str, ctx: &TimeContext) -> TimeReading {
    let clean = new_text::keep_new_text(text);
    let lower = clean.to_ascii_lowercase();
    let stated = ctx.meeting_minutes.or_else(|| duration::stated_minutes(&lower));
    let location = venue::location(&clean);
    let mode = venue::mode(&lower, location.as_deref());
    let slots = proposed_slots(&clean, &lower, ctx, stated);
    TimeReading {
        slots,
        duration_minutes: stated,
        mode,
        location,
    }
}

/// One Duckling answer placed back in the email's text.
struct Found {
    span: Range<usize>,
    value: duckling::TimeValue,
    /// The cue window it came from (for the words around it).
    window: Range<usize>,
}

fn proposed_slots(clean: &str, lower: &str, ctx: &TimeContext, stated: Option<u32>) -> Vec<ProposedSlot> {
    let windows = cues::windows(clean);
    if windows.is_empty() {
        return Vec::new();
    }
    let sender_ref = match ctx.sender_zone {
        Zone::Iana(tz) => ctx.reference.with_timezone(&tz).fixed_offset(),
        Zone::Fixed(off) => ctx.reference.with_timezone(&off),
    };
    let dctx = Context::new(sender_ref, *LOCALE);
    let options = Options { with_latent: false };
    let mentions = zones::all_mentions(clean);

    let mut found: Vec<Found> = Vec::new();
    for w in &windows {
        let input = blank_zone_words(clean, w.span.clone(), &mentions);
        let entities = duckling::parse(&input, &LOCALE, &[DimensionKind::Time], &dctx, &options);
        for e in entities {
            let DimensionValue::Time(value) = e.value else { continue };
            let start = w.span.start + e.start.min(input.len());
            let end = w.span.start + e.end.min(input.len());
            if start >= end || !clean.is_char_boundary(start) || !clean.is_char_boundary(end) {
                continue;
            }
            found.push(Found {
                span: start..end,
                value,
                window: w.span.clone(),
            });
        }
    }
    found.sort_by_key(|f| f.span.start);

    let facts = conventions::Facts {
        reference_local: sender_ref.naive_local(),
        stated_minutes: stated,
    };
    let sender_zone = ctx.sender_zone;
    let to_local = |p: &TimePoint| -> NaiveDateTime {
        match p {
            TimePoint::Naive { value, .. } => *value,
            TimePoint::Instant { value, .. } => sender_zone.local_of(*value),
        }
    };

    let mut slots: Vec<(Range<usize>, ProposedSlot)> = Vec::new();
    for (k, f) in found.iter().enumerate() {
        if nonproposals::classify(lower, &f.span).is_some() {
            continue;
        }
        let body = &lower[f.span.clone()];
        let around = words_around(lower, f, found.get(k.wrapping_sub(1)), found.get(k + 1));
        let words = conventions::wording(body, around);
        let Some(local) = conventions::apply(&f.value, words, &facts, &to_local) else {
            continue;
        };
        // Duckling moves a passed "today at 9am" to tomorrow's 9am; the writer meant today,
        // which is past.
        let says_today = body.contains("today") || body.contains("tonight");
        if says_today && local.start.date() != facts.reference_local.date() {
            continue;
        }
        let (zone, text_span) = zone_for(clean, &f.span, &mentions, sender_zone);
        let (Some(start), Some(end)) = (zone.resolve(local.start), zone.resolve(local.end)) else {
            continue;
        };
        // The past is not a proposal: an exact time must not have begun, a window must not
        // have ended. A window that is under way ("this week") is kept whole, as written.
        let past = if local.flexible { end <= ctx.reference } else { start < ctx.reference };
        if past || end <= start {
            continue;
        }
        slots.push((
            text_span.clone(),
            ProposedSlot {
                start,
                end,
                zone: zone.name(),
                grain: local.grain,
                flexible: local.flexible,
                rank: 0,
                text: clean[text_span].trim().to_string(),
            },
        ));
    }
    // The same time said twice ("Tuesday 3pm... so Tuesday 3pm then") is one proposal.
    let mut seen: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = Vec::new();
    slots.retain(|(_, s)| {
        let key = (s.start, s.end);
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    let spans: Vec<Range<usize>> = slots.iter().map(|(r, _)| r.clone()).collect();
    let ranks = rank::ranks(lower, &spans);
    let mut out: Vec<ProposedSlot> = slots
        .into_iter()
        .zip(ranks)
        .map(|((_, mut s), r)| {
            s.rank = r;
            s
        })
        .collect();
    out.sort_by_key(|s| s.rank);
    out
}

/// The window's text with zone words replaced by spaces: Duckling reads "EST" as a fixed
/// UTC-5 all year, and misses "ET" or "London time"; zones are applied by `zones` instead.
fn blank_zone_words(clean: &str, span: Range<usize>, mentions: &[zones::ZoneMention]) -> String {
    let mut s = clean[span.clone()].to_string();
    for m in mentions {
        if m.start >= span.start && m.end <= span.end {
            let (a, b) = (m.start - span.start, m.end - span.start);
            // Zone mentions are ASCII, so the replacement keeps byte offsets and UTF-8.
            if s.is_char_boundary(a) && s.is_char_boundary(b) && s[a..b].is_ascii() {
                s.replace_range(a..b, &" ".repeat(b - a));
            }
        }
    }
    s
}

/// The words of the cue window around a found time, stopping at its neighbours: a part of
/// day written beside a day ("lunch Thursday") belongs to it.
fn words_around<'a>(lower: &'a str, f: &Found, prev: Option<&Found>, next: Option<&Found>) -> &'a str {
    let mut lo = f.window.start;
    if let Some(p) = prev.filter(|p| p.window == f.window) {
        lo = lo.max(p.span.end);
    }
    let mut hi = f.window.end;
    if let Some(n) = next.filter(|n| n.window == f.window) {
        hi = hi.min(n.span.start);
    }
    let lo = lo.min(f.span.start);
    let hi = hi.max(f.span.end);
    lower.get(lo..hi).unwrap_or("")
}

/// The zone of a time, and the text span to report (the time plus its zone word).
///
/// Order: a zone written right after the time ("3pm ET"); a zone later in the same
/// sentence ("Tue at 2 or Wed at 4pm ET"); one earlier in it; an email-wide statement ("all
/// times Pacific", "I'm in PT"); else the sender's zone.
fn zone_for(clean: &str, span: &Range<usize>, mentions: &[zones::ZoneMention], sender: Zone) -> (Zone, Range<usize>) {
    let bytes = clean.as_bytes();
    if let Some(m) = mentions
        .iter()
        .find(|m| m.start >= span.start && m.start <= span.end + 2)
    {
        return (m.zone, span.start..m.end.max(span.end));
    }
    let is_break = |c: u8| matches!(c, b'.' | b'!' | b'?' | b'\n' | b';');
    let mut s_lo = span.start;
    while s_lo > 0 && !is_break(bytes[s_lo - 1]) {
        s_lo -= 1;
    }
    let mut s_hi = span.end;
    while s_hi < bytes.len() && !is_break(bytes[s_hi]) {
        s_hi += 1;
    }
    if let Some(m) = mentions.iter().find(|m| m.start >= span.end && m.end <= s_hi) {
        return (m.zone, span.clone());
    }
    if let Some(m) = mentions.iter().rev().find(|m| m.end <= span.start && m.start >= s_lo) {
        return (m.zone, span.clone());
    }
    let lower_stmt = |m: &zones::ZoneMention| {
        let head = clean[..m.start].to_ascii_lowercase();
        let head = head.trim_end();
        let tail = &head[head.len().saturating_sub(24)..];
        tail.ends_with("times")
            || tail.ends_with("times are")
            || tail.ends_with("times in")
            || tail.ends_with("times are in")
            || tail.ends_with("i'm in")
            || tail.ends_with("i am in")
            || tail.ends_with("i'm on")
            || tail.ends_with("i am on")
            || tail.ends_with("based in")
            || tail.ends_with("all in")
    };
    if let Some(m) = mentions.iter().find(|m| lower_stmt(m)) {
        return (m.zone, span.clone());
    }
    (sender, span.clone())
}

#[cfg(test)]
mod tests;
