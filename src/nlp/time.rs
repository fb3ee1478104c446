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
mod fast;
mod narrow;
mod new_text;
mod nonproposals;
mod normalise;
mod offer;
mod rank;
mod segments;
mod shift;
mod translate;
mod venue;
mod visit;
mod weeks;
mod writer_zone;
mod zones;

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use duckling::{
    Context, DimensionKind, DimensionValue, Grain as DGrain, Lang, Locale, Options, TimePoint,
    TimeValue,
};
use serde::{Deserialize, Serialize};

pub use conventions::DEFAULT_MEETING_MINUTES;
pub use venue::MeetingMode;
pub use writer_zone::{country_zone, writer_zone};
pub use zones::Zone;

/// Whether `text` names a zone ("9:30 Singapore time", "3pm ET").
pub fn names_zone(text: &str) -> bool {
    !zones::all_mentions(text).is_empty()
}

/// "10:00 Darwin time (10:30 here) ... or 2:30pm your time": the one zone a text names that is
/// not the writer's (whose offset at `reference` is the writer's), which its "your time" is.
/// `None` when it names none, or several.
pub fn other_named_zone(text: &str, reference: DateTime<FixedOffset>) -> Option<Tz> {
    let english = translate::to_english(text);
    let mut found: Option<Tz> = None;
    for m in zones::all_mentions(&english) {
        let Zone::Iana(tz) = m.zone else { continue };
        let offset = reference
            .with_timezone(&tz)
            .fixed_offset()
            .offset()
            .local_minus_utc();
        if offset == reference.offset().local_minus_utc() {
            continue;
        }
        match found {
            Some(f) if f != tz => return None,
            _ => found = Some(tz),
        }
    }
    found
}

/// The zone of the place in a message's signature ("Minneapolis, MN | 612-555-0147"): where
/// a quoted writer's zone-less clocks live.
pub fn signature_zone(text: &str) -> Option<Tz> {
    zones::signature_place(text)
}

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
    /// The reader's zone, when the caller knows it (the CAMS user the mail is to): what
    /// "10am your time" means when the email does not restate it in a known clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader_zone: Option<Zone>,
}

impl TimeContext {
    /// A context whose sender zone is the reference's own fixed offset.
    pub fn new(reference: DateTime<FixedOffset>) -> Self {
        Self {
            reference,
            sender_zone: Zone::Fixed(*reference.offset()),
            meeting_minutes: None,
            reader_zone: None,
        }
    }

    /// The same context with the reader's zone known.
    pub fn with_reader_zone(mut self, tz: Tz) -> Self {
        self.reader_zone = Some(Zone::Iana(tz));
        self
    }

    /// The same context with the sender's IANA zone.
    pub fn with_zone(mut self, tz: Tz) -> Self {
        self.sender_zone = Zone::Iana(tz);
        self
    }

    /// The same context with the sender's IANA zone guessed from the Date header's offset
    /// when it is not known (see [`Zone::likely_for`]); a known zone is kept.
    pub fn guess_zone(mut self) -> Self {
        if let Zone::Fixed(_) = self.sender_zone {
            self.sender_zone = Zone::likely_for(self.reference);
        }
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
    /// a lunch without a length is 60), else an exact clock range's ("10 to 11:30").
    pub duration_minutes: Option<u32>,
    /// Call, video or in person, when the text says.
    pub mode: Option<MeetingMode>,
    /// The place named for the meeting, as written.
    pub location: Option<String>,
}

/// The meeting length a text states ("conferences are about 20 minutes", "an hour"), in
/// minutes: a reply that accepts a time without restating the length keeps the thread's.
pub fn stated_meeting_minutes(text: &str) -> Option<u32> {
    // The quoted thread may be French or German ("une petite heure"), as the new text may.
    duration::stated_minutes(&translate::to_english(text).to_ascii_lowercase())
}

/// The meeting length a reply keeps from its quoted thread: what the quote states, unless
/// the reply turns the quoted lunch into something else ("coffee rather than lunch?").
pub fn thread_meeting_minutes(new_text: &str, quoted: &str) -> Option<u32> {
    let new_lower = translate::to_english(new_text).to_ascii_lowercase();
    let quoted_lower = translate::to_english(quoted).to_ascii_lowercase();
    if duration::lunch_given_up(&new_lower) {
        duration::written_minutes(&quoted_lower)
    } else {
        duration::stated_minutes(&quoted_lower)
    }
}

static LOCALE: LazyLock<Locale> = LazyLock::new(|| Locale::new(Lang::EN, None));

/// Reads the proposed times, meeting length, mode and place of an email's new text.
pub fn read_times(text: &str, ctx: &TimeContext) -> TimeReading {
    let kept = new_text::keep_new_text(text);
    let english = translate::to_english(&kept);
    let normal = normalise::normalise(&english, &ctx.sender_zone, ctx.reference.date_naive());
    let clean = weeks::rewrite(&normal, ctx.reference.date_naive()).into_owned();
    let lower = clean.to_ascii_lowercase();
    let stated = ctx
        .meeting_minutes
        .or_else(|| duration::stated_minutes(&lower));
    let location = venue::location(&clean);
    let mode = venue::mode(&lower, location.as_deref());
    let (mut slots, range_minutes) = proposed_slots(&clean, &lower, ctx, stated);
    narrow::narrow_days(&mut slots, &lower);
    narrow::drop_windows_holding_a_clock(&mut slots, &lower);
    TimeReading {
        slots,
        duration_minutes: stated.or(range_minutes),
        mode,
        location,
    }
}

/// Whether a text, in any language the layer reads, asks for "the same time" as before
/// ("Friday at the same time", "a la misma hora").
/// A text in the English the time layer reads (foreign date and clock words rewritten), for
/// callers that match a reading's spans against the words around them.
pub fn in_english(text: &str) -> std::borrow::Cow<'_, str> {
    translate::to_english(text)
}

pub fn says_same_time(text: &str) -> bool {
    let english = translate::to_english(text).to_lowercase();
    english.contains("same time") || english.contains("same hour")
}

/// How far a text moves a meeting ("an hour later", "bring it forward 30 minutes"), in
/// minutes, later positive: the caller moves the original time it finds elsewhere.
pub fn relative_move(text: &str) -> Option<i64> {
    shift::relative_move(text).map(|(minutes, _)| minutes)
}

/// One resolved time placed back in the email's text.
#[derive(Debug, Clone)]
struct Found {
    span: Range<usize>,
    value: TimeValue,
    /// The cue window it came from (for the words around it).
    window: Range<usize>,
    /// A day with no time of day ("Tuesday", "Dec 3").
    date_only: bool,
    /// A time of day with no date of its own ("at 3pm", "10-11am").
    clock_only: bool,
    /// A date and a clock joined ("Tue 1/12" + "10:00-11:00 AM").
    combined: bool,
    /// Where its time of day was written, when that is elsewhere ("Tuesday? ... say 11:30
    /// PT", "Friday, same time"): its am/pm and zone count for this time.
    clock_from: Option<Range<usize>>,
    /// Words of a neighbour that also speak of this time ("Tuesday or Wednesday evening":
    /// "evening" is Tuesday's too).
    shared_words: Option<Range<usize>>,
}

/// Calls Duckling on one rewritten segment, time dimension only. Instants ("in 2 hours")
/// become wall-clock times of the reference's offset, like every other answer.
fn resolve_segment(seg: &segments::Segment, dctx: &Context) -> Vec<(Range<usize>, TimeValue)> {
    if let Some((range, value)) =
        fast::resolve(&seg.text, seg.role, dctx.reference_time.naive_local())
    {
        return seg
            .original(range)
            .map(|r| vec![(r, value)])
            .unwrap_or_default();
    }
    let options = Options { with_latent: false };
    // Duckling catches its own panics only in release builds; never let one through.
    let entities = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        duckling::parse(&seg.text, &LOCALE, &[DimensionKind::Time], dctx, &options)
    }))
    .unwrap_or_default();
    entities
        .into_iter()
        .filter_map(|e| {
            let DimensionValue::Time(v) = e.value else {
                return None;
            };
            Some((
                seg.original(e.start..e.end)?,
                to_naive(v, dctx.reference_time.offset()),
            ))
        })
        .collect()
}

fn to_naive(v: TimeValue, offset: &FixedOffset) -> TimeValue {
    let naive = |p: TimePoint| match p {
        TimePoint::Instant { value, grain } => TimePoint::Naive {
            value: value.with_timezone(offset).naive_local(),
            grain,
        },
        p => p,
    };
    match v {
        TimeValue::Single { value, .. } => TimeValue::Single {
            value: naive(value),
            values: Vec::new(),
            holiday: None,
        },
        TimeValue::Interval { from, to, .. } => TimeValue::Interval {
            from: from.map(naive),
            to: to.map(naive),
            values: Vec::new(),
            holiday: None,
        },
    }
}

fn is_day_value(v: &TimeValue) -> bool {
    match v {
        TimeValue::Single {
            value: TimePoint::Naive { grain, .. },
            ..
        } => *grain == DGrain::Day,
        _ => false,
    }
}

fn is_clock_value(v: &TimeValue) -> bool {
    let fine = |p: &TimePoint| {
        matches!(
            p,
            TimePoint::Naive {
                grain: DGrain::Hour | DGrain::Minute,
                ..
            }
        )
    };
    match v {
        TimeValue::Single { value, .. } => fine(value),
        TimeValue::Interval { from, to, .. } => {
            from.as_ref().is_none_or(fine)
                && to.as_ref().is_none_or(fine)
                && (from.is_some() || to.is_some())
        }
    }
}

fn day_of(v: &TimeValue) -> Option<NaiveDate> {
    match v {
        TimeValue::Single {
            value: TimePoint::Naive { value, .. },
            ..
        } => Some(value.date()),
        TimeValue::Interval {
            from: Some(TimePoint::Naive { value, .. }),
            ..
        } => Some(value.date()),
        _ => None,
    }
}

/// The clock value moved onto `date` (its end may fall on the next day).
fn on_date(v: &TimeValue, date: NaiveDate) -> Option<TimeValue> {
    let anchor = match v {
        TimeValue::Single {
            value: TimePoint::Naive { value, .. },
            ..
        } => value.date(),
        TimeValue::Interval {
            from: Some(TimePoint::Naive { value, .. }),
            ..
        } => value.date(),
        TimeValue::Interval {
            from: None,
            to: Some(TimePoint::Naive { value, .. }),
            ..
        } => value.date(),
        _ => return None,
    };
    let shift = date.signed_duration_since(anchor);
    let move_point = |p: &TimePoint| -> Option<TimePoint> {
        match p {
            TimePoint::Naive { value, grain } => Some(TimePoint::Naive {
                value: value.checked_add_signed(shift)?,
                grain: *grain,
            }),
            TimePoint::Instant { .. } => None,
        }
    };
    Some(match v {
        TimeValue::Single { value, .. } => TimeValue::Single {
            value: move_point(value)?,
            values: Vec::new(),
            holiday: None,
        },
        TimeValue::Interval { from, to, .. } => TimeValue::Interval {
            from: match from {
                Some(p) => Some(move_point(p)?),
                None => None,
            },
            to: match to {
                Some(p) => Some(move_point(p)?),
                None => None,
            },
            values: Vec::new(),
            holiday: None,
        },
    })
}

/// Resolves every cue window: date and clock parts separately, joined back when a window
/// holds both ("Tue 1/12: 10:00-11:00 AM").
fn find_times(
    clean: &str,
    windows: &[cues::Window],
    mentions: &[zones::ZoneMention],
    dctx: &Context,
) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for w in windows {
        let mut parts: Vec<(segments::Role, Range<usize>, TimeValue)> = Vec::new();
        // Duckling reads most windows right whole ("a quarter past 3pm", "the week of Dec
        // 7"). A window with both a date and a clock that comes back without a time of day,
        // or with a date or clock word left out, is read again in parts.
        if let Some((seg, shape)) = segments::whole(clean, w.span.clone(), mentions) {
            // Date with clock: always in parts. Duckling's cost explodes on some such
            // combinations (tens of ms for "Wednesday, November 4 from 10 to 11:30 AM").
            let whole = if shape.has_clock && shape.has_date {
                Vec::new()
            } else {
                resolve_segment(&seg, dctx)
            };
            let complete = !(shape.has_clock && shape.has_date)
                || (whole.iter().any(|(_, v)| is_clock_value(v))
                    && shape.strong.iter().all(|s| {
                        whole
                            .iter()
                            .any(|(r, _)| r.start <= s.start && s.end <= r.end)
                    }));
            if complete {
                let role = if shape.has_clock && !shape.has_date {
                    segments::Role::Clock
                } else {
                    segments::Role::Date
                };
                parts.extend(whole.into_iter().map(|(r, v)| {
                    let role = if shape.has_date && shape.has_clock {
                        segments::Role::Date
                    } else {
                        role
                    };
                    (role, r, v)
                }));
            } else {
                for seg in segments::split(clean, w.span.clone(), mentions) {
                    for (span, v) in resolve_segment(&seg, dctx) {
                        parts.push((seg.role, span, v));
                    }
                }
            }
        }
        for part in parts.iter_mut() {
            if let Some((span, day)) = moved_to_day(clean, &part.1, &part.2) {
                part.1 = span;
                part.2 = day;
            }
        }
        parts.sort_by_key(|p| p.1.start);
        // Duckling sometimes answers twice for one span (a day and a time): keep the finer.
        parts.dedup_by(|b, a| {
            if a.1 == b.1 {
                if is_clock_value(&b.2) && !is_clock_value(&a.2) {
                    std::mem::swap(a, b);
                }
                true
            } else {
                false
            }
        });
        // Days a clock can attach to: real days, and parts of day that name one ("Tuesday
        // afternoon"), not a bare "early afternoon" that Duckling puts on today.
        let dates: Vec<usize> = (0..parts.len())
            .filter(|&k| {
                let (role, span, v) = &parts[k];
                is_day_value(v)
                    || (*role == segments::Role::Date
                        && matches!(v, TimeValue::Interval { .. })
                        && is_clock_value(v)
                        && !undated_part_of_day_text(clean.get(span.clone()).unwrap_or("")))
            })
            .collect();
        let mut used = vec![false; parts.len()];
        let mut out: Vec<Found> = Vec::new();
        for k in 0..parts.len() {
            let (role, span, v) = &parts[k];
            if *role != segments::Role::Clock || !is_clock_value(v) {
                continue;
            }
            let date_k = dates
                .iter()
                .rev()
                .find(|&&d| d < k)
                .or_else(|| dates.iter().find(|&&d| d > k))
                .copied();
            let Some(d) = date_k else { continue };
            let Some(date) = day_of(&parts[d].2) else {
                continue;
            };
            let Some(moved) = on_date(v, date) else {
                continue;
            };
            used[k] = true;
            used[d] = true;
            let ds = &parts[d].1;
            out.push(Found {
                span: span.start.min(ds.start)..span.end.max(ds.end),
                value: moved,
                window: w.span.clone(),
                date_only: false,
                clock_only: false,
                combined: true,
                shared_words: None,
                clock_from: None,
            });
        }
        for (k, (role, span, v)) in parts.into_iter().enumerate() {
            if used[k] {
                continue;
            }
            out.push(Found {
                span,
                date_only: is_day_value(&v),
                clock_only: role == segments::Role::Clock && is_clock_value(&v),
                value: v,
                window: w.span.clone(),
                combined: false,
                shared_words: None,
                clock_from: None,
            });
        }
        out.sort_by_key(|f| f.span.start);
        part_of_day_after_clock(clean, &mut out);
        found.extend(out);
    }
    found.sort_by_key(|f| f.span.start);
    join_across_sentences(clean, found)
}

/// "at 4:30 in the afternoon", "Wednesday at 9 in the evening": a part of day written just
/// after a clock says which half of the day the clock is in; it is not a window of its own.
/// Resolved apart, the clock is Duckling's next 4:30 and the part of day today's afternoon.
fn part_of_day_after_clock(clean: &str, out: &mut Vec<Found>) {
    let mut k = 0;
    while k + 1 < out.len() {
        let (c, p) = (&out[k], &out[k + 1]);
        let gap = clean.get(c.span.end..p.span.start).unwrap_or("x");
        let hour = match &c.value {
            TimeValue::Single {
                value:
                    TimePoint::Naive {
                        value,
                        grain: DGrain::Hour | DGrain::Minute,
                    },
                ..
            } => Some(value.hour()),
            _ => None,
        };
        let pod =
            conventions::part_of_day(&clean.get(p.span.clone()).unwrap_or("").to_ascii_lowercase());
        let (Some(hour), Some(pod), true, true) = (
            hour,
            pod,
            matches!(
                gap.trim().to_ascii_lowercase().as_str(),
                "" | "in" | "in the" | ","
            ),
            undated_part_of_day(clean, p),
        ) else {
            k += 1;
            continue;
        };
        let shift = match pod {
            conventions::PartOfDay::Morning if hour >= 12 => -12,
            conventions::PartOfDay::Afternoon
            | conventions::PartOfDay::Evening
            | conventions::PartOfDay::EndOfDay
                if hour < 12 =>
            {
                12
            }
            _ => 0,
        };
        let Some(value) = shifted(&c.value, chrono::Duration::hours(shift)) else {
            k += 1;
            continue;
        };
        let end = p.span.end;
        out[k].value = value;
        out[k].span.end = end;
        out.remove(k + 1);
        k += 1;
    }
}

/// A single clock value moved by `by`.
fn shifted(v: &TimeValue, by: chrono::Duration) -> Option<TimeValue> {
    match v {
        TimeValue::Single {
            value: TimePoint::Naive { value, grain },
            ..
        } => Some(TimeValue::Single {
            value: TimePoint::Naive {
                value: value.checked_add_signed(by)?,
                grain: *grain,
            },
            values: Vec::new(),
            holiday: None,
        }),
        _ => None,
    }
}

/// "move our call from Friday 30 October to Monday 2 November": Duckling reads a day range;
/// the writer proposes only the day after "to".
fn moved_to_day(
    clean: &str,
    span: &Range<usize>,
    v: &TimeValue,
) -> Option<(Range<usize>, TimeValue)> {
    let TimeValue::Interval {
        from: Some(TimePoint::Naive {
            grain: DGrain::Day, ..
        }),
        to:
            Some(TimePoint::Naive {
                value: to,
                grain: DGrain::Day,
            }),
        ..
    } = v
    else {
        return None;
    };
    let body = clean.get(span.clone())?.to_ascii_lowercase();
    let sentence_start = clean[..span.start]
        .rfind(['.', '?', '!', '\n'])
        .map_or(0, |i| i + 1);
    let head = clean[sentence_start..span.start].to_ascii_lowercase();
    let moving = ["move", "push", "shift", "reschedule", "bump"]
        .iter()
        .any(|w| head.contains(w));
    if !moving || !body.starts_with("from ") {
        return None;
    }
    let at = body.find(" to ")? + 4;
    let day = to.date().pred_opt()?;
    Some((
        span.start + at..span.end,
        TimeValue::Single {
            value: TimePoint::Naive {
                value: day.and_time(chrono::NaiveTime::MIN),
                grain: DGrain::Day,
            },
            values: Vec::new(),
            holiday: None,
        },
    ))
}

/// Whether the time at `span` of `lower` is a deadline or in the past.
fn not_offered(lower: &str, span: &Range<usize>) -> bool {
    matches!(
        nonproposals::classify(lower, span),
        Some(nonproposals::NotAProposal::Deadline | nonproposals::NotAProposal::Past)
    )
}

/// "Dinner Saturday? 7:30 at Via Carota", "mon or tues? ... like 7:30": a time of day
/// written just after one or more bare days applies to each of them.
fn join_across_sentences(clean: &str, found: Vec<Found>) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    // Lower-cased once, and only for an email whose clock needs it.
    let lower = std::cell::OnceCell::new();
    for f in found {
        // "Monday 21 or Tuesday 22 December, any time in the morning": a part of day with no
        // day of its own is said of the days just before it in its sentence.
        let part_of_day = !f.clock_only && undated_part_of_day(clean, &f);
        if f.clock_only || part_of_day {
            // "Tue 3/16 - 10:00-11:00 or 3:00-4:00 PM": a second clock joined by "or" to a
            // dated time is on that time's day.
            // A day that took a clock written after it ends where that clock ends.
            if let Some(o) = out.last()
                && o.combined
                && matches!(
                    clean
                        .get(
                            o.clock_from
                                .as_ref()
                                .map_or(o.span.end, |c| c.end.max(o.span.end))
                                ..f.span.start
                        )
                        .unwrap_or("x")
                        .trim()
                        .to_ascii_lowercase()
                        .as_str(),
                    "or" | "," | ", or" | "and" | "/"
                )
                && let Some(moved) = day_of(&o.value).and_then(|d| on_date(&f.value, d))
            {
                let window = o.window.clone();
                out.push(Found {
                    value: moved,
                    window,
                    clock_only: false,
                    combined: true,
                    ..f
                });
                continue;
            }
            if let Some(expanded) = clock_over_day_range(clean, &out, &f) {
                out.pop();
                out.extend(expanded);
                continue;
            }
            let mut days: Vec<usize> = Vec::new();
            for k in (0..out.len()).rev() {
                let o = &out[k];
                let gap = clean.get(o.span.end..f.span.start).unwrap_or("");
                if gap.contains("\n\n") || f.span.start.saturating_sub(o.span.end) > 160 {
                    break;
                }
                if part_of_day && (gap.contains(['.', '?', '!', '\n', ';']) || gap.len() > 60) {
                    break;
                }
                // "Tuesday? ... Late morning my time, say 11:30": a part of day with no day
                // of its own sits between the day and the clock.
                if !o.date_only && undated_part_of_day(clean, o) {
                    continue;
                }
                // "a quick call Thurs? They want it by the 20th. 9am Pacific work?": a
                // deadline or a past day between is not the day the clock is for.
                if f.clock_only
                    && !o.date_only
                    && not_offered(lower.get_or_init(|| clean.to_ascii_lowercase()), &o.span)
                {
                    continue;
                }
                if !o.date_only {
                    break;
                }
                days.push(k);
            }
            if !days.is_empty() {
                days.reverse();
                let mut joined = Vec::new();
                for &k in &days {
                    let d = &out[k];
                    if let Some(date) = day_of(&d.value)
                        && let Some(moved) = on_date(&f.value, date)
                    {
                        joined.push(Found {
                            span: d.span.clone(),
                            value: moved,
                            window: d.window.clone(),
                            date_only: false,
                            clock_only: false,
                            combined: true,
                            shared_words: None,
                            clock_from: Some(f.span.clone()),
                        });
                    }
                }
                if !joined.is_empty() {
                    // The days become the joined times; anything between them stays.
                    let mut kept: Vec<Found> = Vec::new();
                    for (k, o) in out.drain(days[0]..).enumerate() {
                        // A bare part of day bridged over ("early afternoon ... 1:30") was
                        // said of those days; the clock now says it better.
                        if !days.contains(&(k + days[0])) && !undated_part_of_day(clean, &o) {
                            kept.push(o);
                        }
                    }
                    out.extend(joined);
                    out.extend(kept);
                    out.sort_by_key(|o| o.span.start);
                    continue;
                }
            }
        }
        out.push(f);
    }
    clock_before_its_day(clean, &mut out);
    add_second_day_of_month(clean, &mut out);
    // Twice: in "Monday, Tuesday or Wednesday at 10" the clock reaches Tuesday, then Monday.
    share_across_or(clean, &mut out);
    share_across_or(clean, &mut out);
    second_clock_for_each_day(clean, &mut out);
    out
}

/// "Tuesday 8 or Wednesday 9 December, at either 11:00 or 15:00": the second clock of a pair
/// is offered on every day of the list, not only on the last one, which the resolver joined
/// it to. Each day that borrowed the first clock gets the second too.
fn second_clock_for_each_day(clean: &str, out: &mut Vec<Found>) {
    // Most emails lend no clock: no lower-cased copy of the text for them.
    if out.iter().all(|f| f.clock_from.is_none()) {
        return;
    }
    let lower = clean.to_ascii_lowercase();
    let mut added: Vec<Found> = Vec::new();
    for second in out.iter() {
        if !clock_word(&lower, &second.span) {
            continue;
        }
        // The first clock of the pair, lent to the days: "at either 11:00 or 15:00".
        let Some(first) = out.iter().find_map(|d| {
            let c = d.clock_from.as_ref()?;
            let gap = lower.get(c.end..second.span.start)?.trim();
            matches!(gap, "or" | "or at" | "and" | "and at").then(|| c.clone())
        }) else {
            continue;
        };
        let own_day = day_of(&second.value);
        // Only days offered: "we close on 18 December" may have borrowed the clock too.
        for day in out.iter().filter(|d| {
            d.clock_from.as_ref() == Some(&first)
                && nonproposals::classify(&lower, &d.span).is_none()
        }) {
            if let Some(date) = day_of(&day.value)
                && Some(date) != own_day
                && let Some(moved) = on_date(&second.value, date)
            {
                let mut extra = second.clone();
                extra.value = moved;
                extra.clock_only = false;
                extra.combined = true;
                added.push(extra);
            }
        }
    }
    if added.is_empty() {
        return;
    }
    out.extend(added);
    out.sort_by_key(|o| o.span.start);
}

/// "I'm flexible Tuesday through Thursday, anytime between 8 and 11am": a time of day
/// written just after a run of days, in its sentence, is offered on each of those days.
/// The run's days, each with the clock, to replace the run; `None` when `f` does not follow
/// a run of at most a week.
fn clock_over_day_range(clean: &str, out: &[Found], f: &Found) -> Option<Vec<Found>> {
    let o = out.last()?;
    let TimeValue::Interval {
        from:
            Some(TimePoint::Naive {
                value: first,
                grain: DGrain::Day,
            }),
        to:
            Some(TimePoint::Naive {
                value: end,
                grain: DGrain::Day,
            }),
        ..
    } = &o.value
    else {
        return None;
    };
    let gap = clean.get(o.span.end..f.span.start)?;
    if gap.len() > 40 || gap.contains(['.', '?', '!', '\n', ';']) {
        return None;
    }
    let (first, last) = (first.date(), end.date().pred_opt()?);
    let days = (last - first).num_days();
    if !(1..=6).contains(&days) {
        return None;
    }
    let mut joined = Vec::new();
    for n in 0..=days {
        let date = first + chrono::Duration::days(n);
        joined.push(Found {
            span: o.span.clone(),
            value: on_date(&f.value, date)?,
            window: o.window.clone(),
            date_only: false,
            clock_only: false,
            combined: true,
            shared_words: None,
            clock_from: Some(f.span.clone()),
        });
    }
    Some(joined)
}

/// "either 10 or 11 on Friday", "3pm, or 4pm Tuesday": a time of day with no day of its own,
/// joined by "or" to a dated time that follows, is on that time's day.
fn clock_before_its_day(clean: &str, out: &mut [Found]) {
    for i in (0..out.len().saturating_sub(1)).rev() {
        if !out[i].clock_only || !out[i + 1].combined {
            continue;
        }
        let gap = clean
            .get(out[i].span.end..out[i + 1].span.start)
            .unwrap_or("x")
            .trim()
            .to_ascii_lowercase();
        if !matches!(gap.as_str(), "or" | "," | ", or" | "or at" | "/") {
            continue;
        }
        if let Some(moved) = day_of(&out[i + 1].value).and_then(|d| on_date(&out[i].value, d)) {
            out[i].value = moved;
            out[i].clock_only = false;
            out[i].combined = true;
        }
    }
}

/// "on the 21st and 22nd", "the 3rd or 4th": Duckling reads the first day; the bare second
/// ordinal is the same month's.
fn add_second_day_of_month(clean: &str, out: &mut Vec<Found>) {
    let mut extra: Vec<Found> = Vec::new();
    for f in out.iter().filter(|f| f.date_only && is_day_value(&f.value)) {
        let tail = clean.get(f.span.end..).unwrap_or("");
        let rest = tail.trim_start();
        let Some(rest) = ["and ", "or ", "& "]
            .iter()
            .find_map(|c| rest.strip_prefix(c))
            .map(str::trim_start)
        else {
            continue;
        };
        let rest = rest.strip_prefix("the ").unwrap_or(rest);
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let suffix = rest.get(digits..digits + 2).unwrap_or("");
        if !(1..=2).contains(&digits)
            || !matches!(suffix, "st" | "nd" | "rd" | "th")
            || rest
                .as_bytes()
                .get(digits + 2)
                .is_some_and(u8::is_ascii_alphanumeric)
        {
            continue;
        }
        let start = f.span.end + (tail.len() - rest.len());
        let span = start..start + digits + 2;
        if out
            .iter()
            .any(|o| o.span.start < span.end && span.start < o.span.end)
        {
            continue;
        }
        let Some(day) = rest[..digits].parse::<u32>().ok() else {
            continue;
        };
        let Some(date) = day_of(&f.value).and_then(|d| d.with_day(day)) else {
            continue;
        };
        let Some(value) = on_date(&f.value, date) else {
            continue;
        };
        extra.push(Found {
            span,
            value,
            ..f.clone()
        });
    }
    out.extend(extra);
    out.sort_by_key(|f| f.span.start);
}

/// "Tuesday 8 or Wednesday 9 December, between 15:00 and 18:00", "Tuesday 11am or
/// Wednesday", "Tuesday or Wednesday evening": a bare day joined by "or" to a neighbour with
/// a time of day, or a part of day, takes it too.
fn share_across_or(clean: &str, out: &mut [Found]) {
    let joined = |a: &Found, b: &Found| -> bool {
        let gap = clean
            .get(a.span.end..b.span.start)
            .unwrap_or("x")
            .trim()
            .to_ascii_lowercase();
        matches!(
            gap.as_str(),
            "or" | "," | ", or" | "and" | "or on" | "/" | "&" | "or the"
                // The same in the languages read: "segunda ou terça", "martes o miércoles".
                | "ou" | "o" | "oder" | "und" | "y" | "et" | "e"
        )
    };
    let lower = clean.to_ascii_lowercase();
    for i in 0..out.len() {
        if !out[i].date_only {
            continue;
        }
        // "Friday at the same time", "Wednesday, same time (10:00 UK time)": the clock of
        // the time mentioned before, even the one being moved.
        let after = clean.get(out[i].span.end..).unwrap_or("");
        let after = after
            .get(..after.len().min(24))
            .unwrap_or("")
            .to_ascii_lowercase();
        let after = after.trim_start_matches([',', ' ']);
        if [
            "at the same time",
            "same time",
            "at the same hour",
            "same hour",
        ]
        .iter()
        .any(|w| after.starts_with(w))
            && let Some(p) = out[..i].iter().enumerate().rev().find_map(|(k, p)| {
                // "8:00 AM JST (5:00 PM in Salt Lake City) ... Friday at the same time": the
                // clock proposed, not the one that restates it for the reader.
                let earlier = out[..k].iter().any(|o| !o.date_only);
                // "on 24 April, so this should be 11:00 in Alexandria": a date joined to a
                // restating clock is no more a proposal than the clock alone.
                let clock = p
                    .clock_from
                    .clone()
                    .unwrap_or_else(|| last_clock(&lower, &p.span));
                // "our clocks go forward the weekend before": not a clock to borrow.
                let filler = matches!(
                    nonproposals::classify(&lower, &p.span),
                    Some(nonproposals::NotAProposal::Filler)
                );
                (is_clock_value(&p.value)
                    && !filler
                    && !is_restatement(clean, &lower, &p.span, earlier)
                    && !is_restatement(clean, &lower, &clock, earlier))
                .then_some(p)
            })
            && let Some(date) = day_of(&out[i].value)
            && let Some(moved) = on_date(&p.value, date)
        {
            let from = p.clock_from.clone().unwrap_or_else(|| p.span.clone());
            out[i].value = moved;
            out[i].date_only = false;
            out[i].combined = true;
            out[i].clock_from = Some(from);
            continue;
        }
        let neighbours = [i.checked_add(1), i.checked_sub(1)];
        for j in neighbours.into_iter().flatten() {
            if j >= out.len() {
                continue;
            }
            let (a, b) = if i < j {
                (&out[i], &out[j])
            } else {
                (&out[j], &out[i])
            };
            if !joined(a, b) {
                continue;
            }
            let n = &out[j];
            // "Tuesday at 11:00, or Wednesday afternoon": a day with its own part of day
            // keeps it rather than borrowing the other day's clock.
            let own_part = {
                let span = &out[i].span;
                let end = (span.end + 14).min(clean.len());
                clean
                    .get(span.start..end)
                    .or_else(|| clean.get(span.clone()))
                    .is_some_and(|t| conventions::part_of_day(&t.to_ascii_lowercase()).is_some())
            };
            if n.combined && !own_part {
                if let Some(date) = day_of(&out[i].value)
                    && let Some(moved) = on_date(&n.value, date)
                {
                    let from = n.clock_from.clone().unwrap_or_else(|| n.span.clone());
                    out[i].value = moved;
                    out[i].date_only = false;
                    out[i].combined = true;
                    out[i].clock_from = Some(from);
                    break;
                }
            } else if !n.clock_only
                && j > i
                && conventions::part_of_day(
                    &clean
                        .get(out[i].span.clone())
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                )
                .is_none()
            {
                // Only a later neighbour lends its part of day: "Tuesday or Wednesday evening",
                // and only to a day without one ("Tuesday afternoon or Wednesday morning"); a
                // neighbour that borrowed its words passes them on ("the 7th, 8th or 9th in
                // the morning").
                out[i].shared_words =
                    Some(n.shared_words.clone().unwrap_or_else(|| n.span.clone()));
            }
        }
    }
}

/// "2027", "12/3/2026": a year is written.
fn has_year(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(3)).any(|i| {
        b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i] == b'2'
            && b[i + 1] == b'0'
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
    })
}

/// The sentence around `span`.
fn sentence_of<'a>(lower: &'a str, span: &Range<usize>) -> &'a str {
    &lower[sentence_bounds(lower, span)]
}

/// Where the last clock of a span was written ("… 11 March at 10:00 Morocco time, 13:00"
/// -> "13:00"), to the span's end; the whole span when it holds no digit.
fn last_clock(lower: &str, span: &Range<usize>) -> Range<usize> {
    let Some(body) = lower.get(span.clone()) else {
        return span.clone();
    };
    let Some(digit) = body.rfind(|c: char| c.is_ascii_digit()) else {
        return span.clone();
    };
    // Back over the clock and its range ("10:00-11:00").
    let start = body[..=digit]
        .rfind(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | '.' | '-' | '–' | ' ')))
        .map_or(0, |i| i + c_len(body, i));
    let start = start + (body[start..].len() - body[start..].trim_start().len());
    span.start + start..span.end
}

fn c_len(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(1, char::len_utf8)
}

/// Whether a clock ("10:00", "3pm", "9.30") is written in `text`.
fn holds_clock(text: &str) -> bool {
    static CLOCK: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\d[:.]\d\d|\d\s*(?:am|pm)\b").unwrap_or_else(|_| unreachable!())
    });
    CLOCK.is_match(text)
}

/// A found time said again for the reader: the whole span, or, for a date joined to a
/// clock by segmenting, the clock alone ("Wednesday 11 March at 10:00 Morocco time, 13:00
/// in Doha": the 13:00 restates).
/// Returns the words that restate: the whole span, or the clock alone. A zone written
/// before that clock ("Thursday 3 December at 3pm London time - 10am with you") is the
/// first time's, not the restatement's.
fn restates(clean: &str, lower: &str, f: &Found, earlier: bool) -> Option<Range<usize>> {
    if is_restatement(clean, lower, &f.span, earlier) {
        return Some(f.span.clone());
    }
    let clock = last_clock(lower, &f.span);
    (f.combined
        && f.clock_from.is_none()
        && holds_clock(&lower[f.span.start..clock.start])
        && is_restatement(clean, lower, &clock, earlier))
    .then_some(clock)
}

/// The sentence holding `span`: from the last sentence end before it to the next one after
/// it (either end exclusive of the punctuation). `span` is clamped to the text.
pub(crate) fn sentence_bounds(lower: &str, span: &Range<usize>) -> Range<usize> {
    let (start, end) = (span.start.min(lower.len()), span.end.min(lower.len()));
    let lo = lower[..start]
        .rfind(['.', '?', '!', '\n'])
        .map_or(0, |k| k + 1);
    let hi = lower[end..]
        .find(['.', '?', '!', '\n'])
        .map_or(lower.len(), |k| end + k);
    lo..hi
}

/// A verb that moves an agreed meeting to a new time.
static MOVE_VERB: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\b(?:move|moving|push|pushing|shift|shifting|bump|bumping|reschedule|rescheduling|change|switch|bring)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "push our 1pm to 3", "move Thursday's 2pm call to 4pm", "move our 16 September meeting
/// to the afternoon, 15:00": in a sentence that moves a meeting, the times between the verb
/// and "to" are the meeting being moved (dropped), and those after "to" are the new ones;
/// a new time of day with no day of its own keeps the moved meeting's day. Returns the
/// spans of the new times, which stand as proposals whatever the sentence's other words.
fn apply_moves(lower: &str, found: &mut Vec<Found>) -> Vec<Range<usize>> {
    let mut targets: Vec<Range<usize>> = Vec::new();
    let mut drop: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let start = found[i].span.start;
        let lo = lower[..start]
            .rfind(['.', '?', '!', '\n'])
            .map_or(0, |k| k + 1);
        let hi = lower[start..]
            .find(['.', '?', '!', '\n'])
            .map_or(lower.len(), |k| start + k);
        let same: Vec<usize> = (i..found.len())
            .take_while(|&k| found[k].span.start < hi)
            .collect();
        let next = i + same.len().max(1);
        // "we switch to daylight time on the 8th": the clocks move, not a meeting.
        let Some(verb) = MOVE_VERB
            .find(&lower[lo..hi])
            .filter(|_| !nonproposals::clock_change(&lower[lo..hi]))
        else {
            i = next;
            continue;
        };
        let verb_end = lo + verb.end();
        // The first " to " after the verb, outside any found time ("from 10 to 11").
        let inside = |p: usize| found.iter().any(|f| f.span.start < p && p < f.span.end);
        let to_at = lower[verb_end..hi]
            .match_indices(" to ")
            .map(|(k, _)| verb_end + k)
            .find(|&p| !inside(p + 1));
        let Some(to_at) = to_at else {
            i = next;
            continue;
        };
        // A day before "to" that took a clock written after it ("move our 16 September
        // meeting to the afternoon, 15:00") is new too.
        // Not when a new day is written too ("push Thursday's call to Friday, same time").
        let new_day = same.iter().any(|&k| {
            let f = &found[k];
            f.span.start > to_at
                && !f.clock_only
                && !undated_part_of_day_text(&lower[f.span.clone()])
        });
        let is_new = |f: &Found| {
            f.span.start > to_at
                || (!new_day && f.clock_from.as_ref().is_some_and(|c| c.start > to_at))
        };
        let news: Vec<usize> = same
            .iter()
            .copied()
            .filter(|&k| is_new(&found[k]))
            .collect();
        let verb_start = lo + verb.start();
        let sources: Vec<usize> = same
            .iter()
            .copied()
            .filter(|&k| found[k].span.start >= verb_start && found[k].span.end <= to_at)
            .filter(|&k| !is_new(&found[k]))
            .collect();
        if news.is_empty() {
            i = next;
            continue;
        }
        let source_day = sources
            .iter()
            .filter(|&&k| {
                !found[k].clock_only && !undated_part_of_day_text(&lower[found[k].span.clone()])
            })
            .find_map(|&k| day_of(&found[k].value));
        for &k in &news {
            if let Some(day) = source_day
                && (found[k].clock_only || undated_part_of_day_text(&lower[found[k].span.clone()]))
                && let Some(moved) = on_date(&found[k].value, day)
            {
                found[k].value = moved;
                found[k].clock_only = false;
                found[k].combined = true;
            }
            targets.push(found[k].span.clone());
        }
        drop.extend(sources.iter().map(|&k| found[k].span.clone()));
        i = next;
    }
    found.retain(|f| !drop.contains(&f.span));
    targets
}

/// "Could we find 45 minutes next week? ... Thursday morning works", "I'll be in Perth the
/// week of 10 August. Dinner Tuesday or Wednesday night?": a bare weekday after a named
/// week is that week's, not the coming one; unless the week is one the writer cannot do.
fn apply_next_week(lower: &str, found: &mut Vec<Found>) {
    let week = found.iter().position(|f| {
        lower.get(f.span.clone()).is_some_and(|b| {
            b.contains("next week")
                || (b.bytes().any(|c| c.is_ascii_digit())
                    && nonproposals::classify(lower, &f.span).is_none()
                    && !week_ruled_out(sentence_of(lower, &f.span)))
        }) && matches!(
            &f.value,
            TimeValue::Single {
                value: TimePoint::Naive {
                    grain: DGrain::Week,
                    ..
                },
                ..
            }
        )
    });
    let Some(k) = week else {
        // "next week, Tuesday or Thursday": the resolver joined the week to the first day;
        // the days after it are in that week too.
        if let Some(k) = found.iter().position(|f| {
            lower
                .get(f.span.clone())
                .is_some_and(|b| b.contains("next week"))
        }) && let Some(d) = day_of(&found[k].value)
        {
            let monday = d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
            mark_days_into_week(lower, found, k, monday);
            // "thurs or fri next week": the days listed just before it are that week's too.
            let mut j = k;
            while j > 0 {
                let gap = lower
                    .get(found[j - 1].span.end..found[j].span.start)
                    .unwrap_or("x")
                    .trim();
                let body = lower.get(found[j - 1].span.clone()).unwrap_or("");
                if !matches!(gap, "or" | "," | "and" | ", or" | "/") || !is_bare_weekday(body) {
                    break;
                }
                j -= 1;
                if let Some(day) = day_of(&found[j].value) {
                    let offset = i64::from(day.weekday().num_days_from_monday());
                    if let Some(moved) =
                        on_date(&found[j].value, monday + chrono::Duration::days(offset))
                    {
                        found[j].value = moved;
                    }
                }
            }
        }
        return;
    };
    let Some(monday) = day_of(&found[k].value) else {
        return;
    };
    mark_days_into_week(lower, found, k, monday);
    // "any availability next week? Late afternoon would be ideal": a part of day with no
    // day of its own, after the named week, is the hours wanted inside it, not today's.
    let week_end = found[k].span.end;
    found.retain(|f| {
        let body = lower.get(f.span.clone()).unwrap_or("");
        !(f.span.start >= week_end
            && f.span.start - week_end <= 300
            && matches!(f.value, TimeValue::Interval { .. })
            && undated_part_of_day_text(body)
            && !body.contains("this"))
    });
}

/// "Thursday, 12th March at 11:30? If that doesn't suit, Friday same time": a bare weekday
/// offered as the alternative to a dated day soon before it is in that day's week, not the
/// week the email was written in.
fn apply_dated_week(lower: &str, found: &mut [Found]) {
    for i in 1..found.len() {
        let body = lower.get(found[i].span.clone()).unwrap_or("");
        if !is_bare_weekday(body) {
            continue;
        }
        // The time just before it (past clocks said again: "(3 pm KST)"), when it is dated.
        let Some(j) = (0..i).rev().find(|&j| !found[j].clock_only) else {
            continue;
        };
        if !lower
            .get(found[j].span.clone())
            .is_some_and(has_date_number)
        {
            continue;
        }
        let between = lower
            .get(found[j].span.end..found[i].span.start)
            .unwrap_or("");
        if between.len() > 160
            || !says_alternative(between)
            || nonproposals::classify(lower, &found[j].span).is_some()
        {
            continue;
        }
        let (Some(anchor), Some(d)) = (day_of(&found[j].value), day_of(&found[i].value)) else {
            continue;
        };
        let monday =
            anchor - chrono::Duration::days(i64::from(anchor.weekday().num_days_from_monday()));
        if d < monday {
            let weeks = ((monday - d).num_days() + 6) / 7;
            if let Some(moved) = on_date(&found[i].value, d + chrono::Duration::days(7 * weeks)) {
                found[i].value = moved;
            }
        }
    }
}

/// "Thursday 17 September at 10:00? If that is too early, the same Thursday at 13:00": "the
/// same" weekday is the dated one named before it, not the next such day.
fn apply_same_weekday(lower: &str, found: &mut [Found]) {
    for i in 1..found.len() {
        let span = found[i].span.clone();
        let body = lower.get(span.clone()).unwrap_or("");
        let head = lower.get(..span.start).unwrap_or("").trim_end();
        let same = head.ends_with(" same")
            || body.starts_with("the same ")
            || body.starts_with("same ")
            || body.starts_with("that same ");
        if !same || !is_bare_weekday(body) {
            continue;
        }
        let Some(j) = (0..i).rev().find(|&j| {
            !found[j].clock_only
                && lower
                    .get(found[j].span.clone())
                    .is_some_and(has_date_number)
        }) else {
            continue;
        };
        let (Some(anchor), Some(d)) = (day_of(&found[j].value), day_of(&found[i].value)) else {
            continue;
        };
        if anchor.weekday() == d.weekday()
            && anchor != d
            && let Some(moved) = on_date(&found[i].value, anchor)
        {
            found[i].value = moved;
        }
    }
}

/// "I'm in Lagos 13-17 July ... Dinner on the Wednesday?": "the" weekday, after a run of days
/// named before it, is that weekday inside the run, not the next one.
fn apply_weekday_in_run(lower: &str, found: &mut [Found]) {
    for i in 1..found.len() {
        let span = found[i].span.clone();
        let body = lower.get(span.clone()).unwrap_or("");
        let head = lower.get(..span.start).unwrap_or("").trim_end();
        let the = body.starts_with("the ") || body.starts_with("on the ") || head.ends_with(" the");
        if !the || !is_bare_weekday(body) || body.contains("same") {
            continue;
        }
        let Some(d) = day_of(&found[i].value) else {
            continue;
        };
        let inside = (0..i).rev().find_map(|j| {
            let TimeValue::Interval {
                from:
                    Some(TimePoint::Naive {
                        value: a,
                        grain: DGrain::Day,
                    }),
                to: Some(TimePoint::Naive { value: b, .. }),
                ..
            } = &found[j].value
            else {
                return None;
            };
            let (first, last) = (a.date(), b.date());
            // Duckling closes a run of days at the day after it, or on its last day.
            (1..=14)
                .contains(&(last - first).num_days())
                .then(|| {
                    first
                        .iter_days()
                        .take_while(|x| {
                            *x < last || (*x == last && b.time() != chrono::NaiveTime::MIN)
                        })
                        .find(|x| x.weekday() == d.weekday())
                })
                .flatten()
        });
        if let Some(day) = inside
            && day != d
            && let Some(moved) = on_date(&found[i].value, day)
        {
            found[i].value = moved;
        }
    }
}

/// "in my morning", "during the afternoon": a part of day said after the days it narrows.
static MY_PART_OF_DAY: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\b(?:in|during)\s+(?:my|the)\s+(morning|afternoon|evening)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "Thursday 23 April at 10:00? If not, 14:00 the same day": a clock said to be on "the same
/// day" is on the last day named before it, not today.
fn apply_same_day(lower: &str, found: &mut [Found]) {
    for k in 1..found.len() {
        if !found[k].clock_only {
            continue;
        }
        let span = found[k].span.clone();
        let after = lower.get(span.end..).unwrap_or("").trim_start();
        let before = lower.get(..span.start).unwrap_or("").trim_end();
        let same_day = [
            "the same day",
            "same day",
            "that same day",
            "on the same day",
        ]
        .iter()
        .any(|w| after.starts_with(w))
            || ["same day at", "same day,", "same day"]
                .iter()
                .any(|w| before.ends_with(w));
        if !same_day {
            continue;
        }
        let day = found[..k]
            .iter()
            .rev()
            .filter(|f| !f.clock_only)
            .find_map(|f| day_of(&f.value));
        if let Some(day) = day
            && let Some(moved) = on_date(&found[k].value, day)
        {
            found[k].value = moved;
            found[k].clock_only = false;
        }
    }
}

/// "next Tuesday, 9 March? 10am would be ideal, otherwise 11am": a clock offered as the
/// fallback to a clock a day borrowed is on that day too, not today.
fn fallback_clock_on_lent_day(lower: &str, found: &mut [Found]) {
    for k in 1..found.len() {
        if !found[k].clock_only {
            continue;
        }
        let Some((day, lent_end)) = found[..k].iter().rev().find_map(|f| {
            let c = f.clock_from.as_ref()?;
            Some((day_of(&f.value)?, c.end))
        }) else {
            continue;
        };
        let Some(between) = lower.get(lent_end..found[k].span.start) else {
            continue;
        };
        if between.len() < 60
            && !between.contains(['.', '?', '!', '\n'])
            && says_alternative(between)
            && let Some(moved) = on_date(&found[k].value, day)
        {
            found[k].value = moved;
            found[k].clock_only = false;
        }
    }
}

/// A weekday named with nothing that dates it ("Friday", not "next Friday" or "Friday 13").
fn is_bare_weekday(body: &str) -> bool {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .any(|d| body.contains(d))
        && !body.contains("next")
        && !body.contains("this")
        && !body.contains("tomorrow")
        && !body.contains("today")
        && !has_date_number(body)
}

/// Bare weekdays written after the week found at `k` (whose Monday is `monday`) are that
/// week's days.
fn mark_days_into_week(lower: &str, found: &mut [Found], k: usize, monday: NaiveDate) {
    for f in found.iter_mut().skip(k + 1) {
        // "late afternoon" with no day of its own is today's, not the week's.
        if !is_bare_weekday(lower.get(f.span.clone()).unwrap_or("")) {
            continue;
        }
        if let Some(d) = day_of(&f.value)
            && d < monday
        {
            // The same weekday inside the named week, however far off it is.
            let weeks = ((monday - d).num_days() + 6) / 7;
            if let Some(moved) = on_date(&f.value, d + chrono::Duration::days(7 * weeks)) {
                f.value = moved;
            }
        }
    }
}

/// "I am away the week of 9 November", "not the week of the 9th": the sentence naming the
/// week rules it out, so a weekday written after it is not that week's.
fn week_ruled_out(sentence: &str) -> bool {
    sentence
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .any(|w| {
            matches!(
                w,
                "away"
                    | "out"
                    | "off"
                    | "busy"
                    | "travelling"
                    | "traveling"
                    | "holiday"
                    | "vacation"
                    | "leave"
                    | "unavailable"
                    | "not"
                    | "except"
                    | "can't"
                    | "cannot"
            )
        })
}

/// "the week starting 6 July", "the week commencing Monday": the day names a whole
/// business week (its Monday 09:00 to Friday 17:00), not that one day.
fn apply_week_starting(lower: &str, found: &mut Vec<Found>) {
    // Where "week" itself was written: Duckling may read "the week" alone as this week.
    let mut week_words: Vec<Range<usize>> = Vec::new();
    for f in found.iter_mut() {
        let head = lower[..f.span.start.min(lower.len())].trim_end();
        let head = head.strip_suffix(" on").unwrap_or(head).trim_end();
        let names_week = [
            "week starting",
            "week beginning",
            "week commencing",
            "week of",
        ]
        .iter()
        .any(|w| head.ends_with(w));
        if !names_week || !is_day_value(&f.value) {
            continue;
        }
        let Some(day) = day_of(&f.value) else {
            continue;
        };
        if let Some(at) = head.rfind("week") {
            week_words.push(at..at + 4);
        }
        let monday = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
        f.value = TimeValue::Single {
            value: TimePoint::Naive {
                value: monday.and_time(chrono::NaiveTime::MIN),
                grain: DGrain::Week,
            },
            values: Vec::new(),
            holiday: None,
        };
        f.date_only = false;
    }
    found.retain(|f| {
        !week_words
            .iter()
            .any(|w| f.span.start <= w.start && w.end <= f.span.end)
    });
}

/// "the 11th", "Dec 3", "1/12": the day is written, not implied by a weekday.
fn has_date_number(body: &str) -> bool {
    let b = body.as_bytes();
    b.windows(2)
        .any(|w| w[0].is_ascii_digit() && matches!(w[1], b'/' | b's' | b'n' | b'r' | b't'))
        || [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .any(|m| body.contains(m))
}

/// "late morning", "this afternoon" without a day: Duckling puts it on today.
fn undated_part_of_day(clean: &str, f: &Found) -> bool {
    matches!(f.value, TimeValue::Interval { .. })
        && undated_part_of_day_text(clean.get(f.span.clone()).unwrap_or(""))
}

fn undated_part_of_day_text(text: &str) -> bool {
    let body = text.to_ascii_lowercase();
    conventions::part_of_day(&body).is_some()
        && !body.bytes().any(|b| b.is_ascii_digit())
        && ![
            "mon", "tue", "wed", "thu", "fri", "sat", "sun", "today", "tomorrow", "tonight",
        ]
        .iter()
        .any(|w| body.contains(w))
}

/// A time of day that could be the first statement of a time the reader's clock then
/// restates: not "last week" or "the call yesterday", which are past, not offered.
fn offered_time(lower: &str, f: &Found) -> bool {
    let body = lower.get(f.span.clone()).unwrap_or("");
    // A clock is what "your time" restates: "all of next week ... Monday the 23rd at 8am
    // your time" offers Monday, it does not restate the week.
    !f.date_only
        && is_clock_value(&f.value)
        && !["last ", "yesterday", " ago", "previous "]
            .iter()
            .any(|w| body.contains(w))
        && nonproposals::classify(lower, &f.span).is_none()
}

/// "8:30 PM IST / 11 AM ET", "(2pm in London)", "that's 7pm Tuesday your time": the same
/// instant said again for the reader, not a second proposal. Only after a first time.
fn is_restatement(clean: &str, lower: &str, span: &Range<usize>, earlier_time: bool) -> bool {
    if !earlier_time {
        return false;
    }
    let before = lower[..span.start].trim_end();
    let after = lower[span.end..].trim_start();
    // "wed arvo for you": a part of day may sit between the time and "for you".
    let after = ["morning ", "afternoon ", "arvo ", "evening ", "night "]
        .iter()
        .find_map(|w| after.strip_prefix(w))
        .unwrap_or(after);
    // "Thu 10:00 / Fri 14:30" lists two times; "8:30 PM IST / 11 AM ET" says one twice, and
    // names a zone for it.
    let zoned = || {
        let end = (span.end + 24..=lower.len().max(span.end + 24))
            .find(|&e| e >= lower.len() || lower.is_char_boundary(e))
            .map_or(lower.len(), |e| e.min(lower.len()));
        clean
            .get(span.start..end)
            .is_some_and(|t| !zones::all_mentions(t).is_empty())
    };
    // "which I believe is 23:00 in Sapporo": a restating clause with a hedge in it.
    static WHICH_IS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\bwhich(?:\s+(?:i|we)\s+(?:believe|think|reckon|guess|calculate))?\s+(?:is|should be|would be|will be|makes it|comes to)$")
            .unwrap_or_else(|_| unreachable!())
    });
    let marked = || {
        [
            "your time",
            "for you",
            "here",
            "my time",
            "your end",
            "on your side",
            "yours",
        ]
        .iter()
        .any(|w| after.starts_with(w))
            // "11am NZ / 9am you".
            || (after.starts_with("you")
                && !after[3..].starts_with(|c: char| c.is_ascii_alphabetic()))
    };
    // "3pm ET (noon PT)" restates the clock before it; "Thursday, September 10 (17:00 JST,
    // 9:00 in Edinburgh)" gives the day its clock.
    (before.ends_with('(')
        && (holds_clock(&before[before.ceil_char_boundary(before.len().saturating_sub(40))..])
            || !lower[span.clone()].starts_with(|c: char| c.is_ascii_digit())))
        // "8:00 here / 15:00 your time": one clock, then the other side's.
        || (before.ends_with('/') && (zoned() || marked()))
        || before.ends_with('=')
        || WHICH_IS.is_match(before)
        || [
            "that's",
            "that is",
            "which is",
            "which would be",
            "that'd be",
            "that would be",
            "that will be",
            "that'll be",
            "that should be",
            "this will be",
            "this is",
            "this would be",
            "makes it",
            "should be",
            "i.e.",
            "or",
            "aka",
        ]
        .iter()
        .any(|w| before.ends_with(w) && *w != "or")
        || [
            "your time",
            "for you",
            "here",
            "my time)",
            "in london",
            "your end",
            "on your side",
            "with you",
        ]
        .iter()
        .any(|w| after.starts_with(w))
        && !offered_instead(lower, span)
        // "Tuesday, 5 January or Wednesday, 6 January at 8:00 am your time": a time with a
        // day of its own is an option, not the last one said again.
        && !has_date_number(&lower[span.clone()])
        // "say 2pm AEST, so noon yours": the reader's clock for it.
        || (after.starts_with("yours")
            && !after[5..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        // "3pm Pacific works - noon for me": the writer's own clock for the time just named.
        // Not "If mornings suit you better, Thursday the 22nd at 8:30am my time": no clock
        // just before, nothing to restate.
        || (before.ends_with(['-', '\u{2013}', '\u{2014}', ','])
            && (after.starts_with("for me") || after.starts_with("my time"))
            && holds_clock(
                &before[before
                    .ceil_char_boundary(before.len().saturating_sub(40))
                    .max(before.rfind(['.', '?', '!', '\n']).map_or(0, |k| k + 1))..],
            ))
        // "Copenhagen time - so 13:00 in Lisbon": "so" and a place's clock say it again.
        || ((before.ends_with("- so") || before.ends_with(", so") || before.ends_with("\u{2013} so"))
            && clock_word(lower, span)
            && zoned())
        // "16:00 in Italy, 10:00 in Santiago": a clock in another place, straight after a
        // first time, is that time in the other place.
        || (before.ends_with(['-', '\u{2013}', '\u{2014}', ',']) && clock_word(lower, span) && zoned())
        // "che dovrebbero essere le 10:00 a Santiago", "also ebenfalls 10:00 Uhr bei Ihnen".
        || [
            "essere le",
            "sarebbero le",
            "serían las",
            "seria às",
            "soit",
            "ebenfalls",
            "das wäre",
            "dat is",
        ]
        .iter()
        .any(|w| before.ends_with(w))
        // "Bei Ihnen wäre das 10 Uhr", "bei dir wäre es dann 17 Uhr": the reader's clock.
        || READERS_CLOCK_DE.is_match(before)
}

static READERS_CLOCK_DE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\b(?:bei (?:ihnen|dir|euch)|für (?:sie|dich|euch)),?\s+(?:wäre|wären|ist|sind)\s+(?:das|es)(?:\s+(?:dann|also|ja))?(?:\s+um)?$")
        .unwrap_or_else(|_| unreachable!())
});

/// Whether the time at `span` is a clock alone ("10:00", "3pm"), with no day of its own.
fn clock_word(lower: &str, span: &Range<usize>) -> bool {
    let body = lower.get(span.clone()).unwrap_or("").trim();
    body.starts_with(|c: char| c.is_ascii_digit())
        && !body.contains(|c: char| c.is_ascii_alphabetic() && !"apmhrsuo.".contains(c))
}

/// The words that mark a clock as the reader's: "10am your time", "2pm for you".
const YOURS: [&str; 5] = [
    "your time",
    "for you",
    "your end",
    "on your side",
    "you time",
];

/// Where a found time's clock was written last: the borrowed clock's end when it lent one
/// ("Thursday works! How about 10:30 your time").
fn written_end(f: &Found) -> usize {
    f.clock_from
        .as_ref()
        .map_or(f.span.end, |c| c.end.max(f.span.end))
}

/// Whether the clock of `f` is marked as the reader's ("10am your time"). The mark may
/// follow a comma or a parenthesis ("Tuesday morning, your time"), or close a list of times
/// joined by "or"/"and", for each of which it speaks ("Tuesday or Wednesday morning next
/// week, your time"). Past the first time only a mark that says "your" counts: "for you"
/// after a comma is about something else.
fn says_yours(lower: &str, f: &Found, later: &[Found]) -> bool {
    let direct = lower.get(written_end(f)..).unwrap_or("").trim_start();
    if YOURS.iter().any(|w| direct.starts_with(w)) {
        return true;
    }
    let mut at = written_end(f);
    let mut next = later.iter().filter(|n| n.span.start >= written_end(f));
    loop {
        let after = lower.get(at..).unwrap_or("");
        let mut t = after.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '('));
        for joint in ["in ", "on "] {
            t = t.strip_prefix(joint).unwrap_or(t);
        }
        if t.starts_with("your time") || t.starts_with("your end") || t.starts_with("your side") {
            return true;
        }
        // Only "or"/"and" and week words may stand between the times of one list.
        let mut gap = after.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        for joint in ["or ", "and ", "next week", "this week"] {
            gap = gap.strip_prefix(joint).unwrap_or(gap).trim_start();
        }
        let Some(n) = next.next() else {
            return false;
        };
        if lower.len() - gap.len() != n.span.start {
            return false;
        }
        at = written_end(n);
    }
}

/// A clock restated at once in another zone: how far to move the written clock, the zone the
/// moved clock is in (`None`: the writer's own), and whether the written one was the reader's.
#[derive(Debug, Clone, Copy)]
struct Restated {
    by: chrono::Duration,
    zone: Option<Zone>,
    yours: bool,
}

/// "..., or Tuesday at 11 your time", "Or Tuesday, after 10 your time": a clause or sentence
/// that opens with "or" offers another time, in the reader's clock, not the same one again.
fn offered_instead(lower: &str, span: &Range<usize>) -> bool {
    let head = &lower[..span.start];
    let sentence = head.rfind(['.', '?', '!', '\n']).map_or(0, |i| i + 1);
    let clause = head
        .rfind([',', ';', '(', ')', '-'])
        .map_or(0, |i| i + 1)
        .max(sentence);
    [clause, sentence].iter().any(|&at| {
        let words = head[at..].trim_start();
        ["or ", "otherwise", "alternatively", "failing that"]
            .iter()
            .any(|w| words.starts_with(w))
    })
}

/// "10am your time (9am here)": a time in the reader's unknown zone, restated at once in the
/// writer's own ("here", "my time", "for me"), is the writer's restated clock. "3pm your time
/// (1pm Perth)", "10:00 my time (11:00 in Tel Aviv)": restated in a named zone, the named
/// clock fixes the instant, whoever's the first one was. The shift from the written clock to
/// the restated one (within twelve hours either way), to apply to it.
fn own_clock_shift(
    lower: &str,
    f: &Found,
    later: &[Found],
    written: chrono::NaiveTime,
    mentions: &[zones::ZoneMention],
) -> Option<Restated> {
    let end = written_end(f);
    let next = later.iter().find(|n| n.span.start >= end)?;
    let after = lower.get(end..next.span.start)?.trim();
    let yours = YOURS.iter().any(|w| after.starts_with(w));
    let my_time = after.starts_with("my time");
    let gap = after
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == ' ')
        .trim_matches(|c: char| c == ' ' || c == '(' || c == ',' || c == '/' || c == '-');
    let mine = lower[next.span.end..].trim_start();
    let own = [
        "here",
        "my time",
        "for me",
        "for us",
        "our time",
        "locally",
        "local time",
    ]
    .iter()
    .any(|w| mine.starts_with(w))
        // "2pm your time (4pm mine)".
        || (mine.starts_with("mine") && !mine[4..].starts_with(|c: char| c.is_ascii_alphabetic()));
    // "(1pm Perth)", "(11:00 in Tel Aviv)": a zone named right after the restated clock.
    let named = mentions
        .iter()
        .find(|m| {
            m.start >= next.span.end
                && lower
                    .get(next.span.end..m.start)
                    .is_some_and(|g| matches!(g.trim(), "" | "in"))
        })
        .map(|m| m.zone);
    let zone = match (own, named) {
        (true, _) if yours => None,
        (false, Some(z)) if yours || my_time => Some(z),
        _ => return None,
    };
    // "9:30 your time (4:30pm here)", "9:30 your time, which is 4:30pm here", "6pm your
    // time? That's 8am Wednesday for me".
    let restating = [
        "which is",
        "which would be",
        "which makes it",
        "that's",
        "that is",
        "that'd be",
        "i.e.",
        "so",
    ]
    .contains(
        &gap.trim_start_matches(['?', '.', '!'])
            .trim_end_matches(',')
            .trim(),
    );
    if f.date_only || next.date_only || (gap.len() > 4 && !restating) {
        return None;
    }
    static CLOCK: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\b(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?|\bnoon\b")
            .unwrap_or_else(|_| unreachable!())
    });
    let c = CLOCK.captures(&lower[next.span.clone()])?;
    let (mut hour, minute, half) = match c.get(1) {
        Some(h) => (
            h.as_str().parse::<u32>().ok()?,
            c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?,
            c.get(3).map(|m| m.as_str().starts_with('p')),
        ),
        None => (12, 0, Some(true)),
    };
    match half {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let restated = chrono::NaiveTime::from_hms_opt(hour % 24, minute, 0)?;
    let mut diff = (restated - written).num_minutes();
    // "16:00 your time, 10:00 for me": a writer of the 24-hour clock restates in it too.
    let written_text = lower.get(f.span.start..end).unwrap_or("");
    static MERIDIEM: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\d\s*(?:am|pm|a\.m\.|p\.m\.)").unwrap_or_else(|_| unreachable!())
    });
    let twenty_four = written.hour() >= 13 && !MERIDIEM.is_match(written_text);
    if half.is_none() && hour < 13 && !twenty_four {
        // "(9 here)": the nearer of the two readings.
        diff = (diff + 24 * 60) % (12 * 60);
        if diff > 6 * 60 {
            diff -= 12 * 60;
        }
    } else {
        diff = (diff + 36 * 60) % (24 * 60) - 12 * 60;
    }
    // "Thursday 10am your time works - that's Wednesday noon here": the restatement names
    // its own day, a day before or after, and the shift crosses midnight.
    if !f.clock_only
        && !next.clock_only
        && let (Some(d1), Some(d2)) = (day_of(&f.value), day_of(&next.value))
    {
        // "Tuesday 16 June at 8 pm your time (Wednesday 9 am here)": the restating weekday
        // is the next day's, whatever week the resolver put it in.
        let apart =
            (d2.weekday().num_days_from_monday() + 7 - d1.weekday().num_days_from_monday()) % 7;
        let days = match apart {
            1 => Some(1),
            6 => Some(-1),
            _ => None,
        };
        if let Some(days) = days {
            diff = (d1.and_time(restated) + chrono::Duration::days(days) - d1.and_time(written))
                .num_minutes();
        }
    }
    Some(Restated {
        by: chrono::Duration::minutes(diff),
        zone,
        yours,
    })
}

/// Whether a clock written on the reader's clock (`reader`) and its restatement (`r`, on the
/// writer's or a named clock) are the same instant, up to whole days.
fn agrees_with_reader(
    reader: &Zone,
    r: &Restated,
    written: NaiveDateTime,
    sender_zone: &Zone,
) -> bool {
    let restated_zone = r.zone.as_ref().unwrap_or(sender_zone);
    match (
        reader.resolve(written),
        restated_zone.resolve(written + r.by),
    ) {
        (Some(a), Some(b)) => (a - b).num_minutes().rem_euclid(24 * 60) == 0,
        _ => false,
    }
}

/// The proposed slots, most preferred first, and the length of an exact clock range among
/// them ("from 10 to 11:30" states a 90-minute meeting).
fn proposed_slots(
    clean: &str,
    lower: &str,
    ctx: &TimeContext,
    stated: Option<u32>,
) -> (Vec<ProposedSlot>, Option<u32>) {
    // A short one-sentence text (a phrase: "the ides of march", "3 fridays from now") is
    // cheap for Duckling whole; the cue pre-scan is for emails, whose length makes Duckling
    // slow.
    let trimmed = clean.trim();
    let one_sentence = !trimmed
        .trim_end_matches(['.', '?', '!'])
        .contains(['.', '?', '!', ';', '\n', '(', '/']);
    let windows = if !trimmed.is_empty() && trimmed.len() <= cues::MAX_WINDOW && one_sentence {
        let start = clean.len() - clean.trim_start().len();
        vec![cues::Window {
            span: start..start + trimmed.len(),
        }]
    } else {
        cues::windows(clean)
    };
    if windows.is_empty() {
        return (Vec::new(), None);
    }
    let sender_ref = match ctx.sender_zone {
        Zone::Iana(tz) => ctx.reference.with_timezone(&tz).fixed_offset(),
        Zone::Fixed(off) => ctx.reference.with_timezone(&off),
    };
    let dctx = Context::new(sender_ref, *LOCALE);
    let mentions = zones::all_mentions(clean);
    let mut found = find_times(clean, &windows, &mentions, &dctx);
    apply_week_starting(lower, &mut found);
    apply_next_week(lower, &mut found);
    apply_dated_week(lower, &mut found);
    apply_same_weekday(lower, &mut found);
    apply_weekday_in_run(lower, &mut found);
    apply_same_day(lower, &mut found);
    fallback_clock_on_lent_day(lower, &mut found);
    let move_targets = apply_moves(lower, &mut found);

    let writes_24h = conventions::writes_24h(lower);
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
    let mut range_minutes: Option<u32> = None;
    let mut deadline_end: Option<usize> = None;
    // "next week, except Friday": days cut off the ends of the windows around them.
    let mut excluded_days: Vec<NaiveDate> = Vec::new();
    // "Can we push our 3pm tomorrow back 30 minutes?": the one time named before a relative
    // move, in its sentence, is the original, and the proposal is that time moved. A time
    // written after the move ("back an hour, to 12") is already the new one: nothing moves.
    let relative = shift::relative_move(lower);
    let moved_origin = |f: &Found| {
        relative.is_some_and(|(_, at)| {
            !f.date_only
                && written_end(f) <= at
                && !lower[written_end(f)..at].contains(['.', '?', '!', '\n'])
        })
    };
    let new_time_written =
        relative.is_some_and(|(_, at)| found.iter().any(|f| !f.date_only && written_end(f) > at));
    let moved_by = match relative {
        Some((minutes, _))
            if !new_time_written && found.iter().filter(|f| moved_origin(f)).count() == 1 =>
        {
            Some(chrono::Duration::minutes(minutes))
        }
        _ => None,
    };
    // Times said again for the reader ("(9am in Chicago)"): a zone written after one of them
    // is its own, not the zone of the time before it.
    // Whether an offered time comes before each found one (what a restatement restates),
    // worked out once: `offered_time` classifies, and both passes below ask it.
    let offered_before: Vec<bool> = found
        .iter()
        .scan(false, |seen, f| {
            let before = *seen;
            *seen |= offered_time(lower, f);
            Some(before)
        })
        .collect();
    let mut restating: Vec<Option<Range<usize>>> = found
        .iter()
        .enumerate()
        .map(|(k, f)| restates(clean, lower, f, offered_before[k]))
        .collect();
    let mut is_restated: Vec<bool> = restating.iter().map(Option::is_some).collect();
    // "Wednesday at 14:00 or Thursday at 10:00, Copenhagen time - so 13:00 or 09:00 in
    // Lisbon": a clock listed after a restating one, before a zone, restates too.
    for k in 1..found.len() {
        let gap = lower
            .get(found[k - 1].span.end..found[k].span.start)
            .unwrap_or("x")
            .trim();
        if is_restated[k - 1]
            && !is_restated[k]
            && matches!(gap, "or" | "and" | "," | "/")
            && clock_word(lower, &found[k].span)
        {
            is_restated[k] = true;
            restating[k] = Some(found[k].span.clone());
        }
    }
    let restated: Vec<Range<usize>> = restating.into_iter().flatten().collect();
    let own_mentions: Vec<zones::ZoneMention> = mentions
        .iter()
        .filter(|m| {
            !restated
                .iter()
                .any(|r| r.start <= m.start && m.start <= r.end + 4)
        })
        .copied()
        .collect();
    let mut reader_shift: Option<(chrono::Duration, Option<Zone>)> = None;
    // Times read on the reader's clock, and how: a clock borrowed from one is read the same.
    let mut yours_spans: Vec<(Range<usize>, chrono::Duration, Option<Zone>)> = Vec::new();
    // Read once, and only for an email with a time that names no zone.
    let meeting_zone = std::cell::OnceCell::new();
    for (k, f) in found.iter().enumerate() {
        let target = move_targets.contains(&f.span) || moved_origin(f);
        let why = if !target {
            nonproposals::classify(lower, &f.span)
        } else if nonproposals::ruled_out(lower, &f.span) {
            Some(nonproposals::NotAProposal::Filler)
        } else {
            None
        };
        // "send the slides by Monday at 5pm": the clock of a deadline is the deadline's.
        let after_deadline = deadline_end.is_some_and(|e| {
            f.clock_only
                && lower
                    .get(e..f.span.start)
                    .is_some_and(|g| matches!(g.trim(), "" | "," | "at" | ", at"))
        });
        deadline_end = match why {
            Some(nonproposals::NotAProposal::Deadline) => Some(f.span.end),
            _ => None,
        };
        if why == Some(nonproposals::NotAProposal::Excluded)
            && f.date_only
            && let Some(d) = day_of(&f.value)
        {
            excluded_days.push(d);
        }
        // A clock borrowed from the guest's ride is the ride's.
        let borrowed_ride = f
            .clock_from
            .as_ref()
            .is_some_and(|c| nonproposals::logistics_at(lower, c));
        if why.is_some() || after_deadline || borrowed_ride {
            continue;
        }
        if is_restated[k] {
            continue;
        }
        let mut body = lower[f.span.clone()].to_string();
        if let Some(c) = f.clock_from.as_ref().and_then(|r| lower.get(r.clone())) {
            body.push(' ');
            body.push_str(c);
        }
        let body = body.as_str();
        let mut around = words_around(lower, f, found.get(k.wrapping_sub(1)), found.get(k + 1));
        // "mon or tues? early is better, like 7:30": a clock borrowed from another sentence
        // brings that sentence's words about the hour.
        if let Some(c) = &f.clock_from {
            let lo = lower[..c.start.min(lower.len())]
                .rfind(['.', '?', '!', '\n'])
                .map_or(0, |i| i + 1);
            if let Some(sentence) = lower.get(lo..c.end) {
                around.push(' ');
                around.push_str(sentence);
            }
        }
        // "Fancy grabbing lunch when I'm in Dublin on Thursday 11 February?": a meal named in
        // the day's sentence is that day's part of day.
        if f.date_only && conventions::part_of_day(&around).is_none() {
            let s = sentence_of(lower, &f.span);
            if let Some(meal) = ["lunch", "breakfast", "dinner"].iter().find(|m| {
                s.contains(*m)
                    && !s.contains(&format!("after {m}"))
                    && !s.contains(&format!("before {m}"))
            }) {
                around.push(' ');
                around.push_str(meal);
            } else if let Some(part) = lower
                .get(f.span.end..sentence_bounds(lower, &f.span).end)
                .map(|rest| rest.split([';', ':']).next().unwrap_or(""))
                .and_then(|rest| {
                    let c = MY_PART_OF_DAY.captures(rest)?;
                    // "Tuesday works, in the morning I have the dentist": the busy part.
                    let after = rest[c.get(0)?.end()..].trim_start();
                    let busy = ["i ", "i'm", "i am", "i've", "we ", "we're", "we've"]
                        .iter()
                        .any(|w| after.starts_with(w));
                    (!busy).then(|| c[1].to_string())
                })
            {
                // "some time Tuesday or Wednesday next week for a call, in my morning?": the
                // part of day the writer names for the days asked about.
                around.push(' ');
                around.push_str(&part);
            }
        }
        let mut words = conventions::wording(body, &around);
        words.writes_24h = writes_24h;
        let Some(mut local) = conventions::apply(&f.value, words, &facts, &to_local) else {
            continue;
        };
        // "10am your time (9am here)": the writer's own clock says which hour it is here.
        // Once the email has shown the reader's clock against a known one, another clock
        // of the reader's ("or Tuesday, any time after 10 your time") moves the same way.
        let mut zone_override = None;
        // "Tuesday at 8 am your time (6 pm here), or Thursday at the same time": a clock
        // borrowed from a time read on the reader's clock is on the reader's clock too.
        let borrowed = f.clock_from.as_ref().and_then(|c| {
            yours_spans
                .iter()
                .find(|(s, _, _)| s.start < c.end && c.start < s.end)
                .map(|(_, by, z)| (*by, *z))
        });
        // The restatement right after the clock, worked out once for the branches below.
        let shift = borrowed
            .is_none()
            .then(|| own_clock_shift(lower, f, &found[k + 1..], local.start.time(), &mentions))
            .flatten();
        if let Some((by, z)) = borrowed {
            local.start += by;
            local.end += by;
            zone_override = z;
        } else if let Some(z) = ctx.reader_zone.filter(|z| {
            YOURS
                .iter()
                .any(|w| lower[written_end(f)..].trim_start().starts_with(w))
                && shift.is_none_or(|r| agrees_with_reader(z, &r, local.start, &sender_zone))
        }) {
            // "8:00 am your time (8:30 pm for us)": when the caller knows the reader's zone
            // and the restatement agrees with it, the reader's clock is read in it; a shift
            // worked out from the restatement alone cannot tell 12.5 hours ahead from 11.5
            // behind. A restatement that disagrees ("4pm your time (9am here)" to a reader
            // who is six hours ahead) is the writer's own clock, which the writer knows best.
            zone_override = Some(z);
            yours_spans.push((f.span.clone(), chrono::Duration::zero(), Some(z)));
        } else if let Some(r) = shift {
            local.start += r.by;
            local.end += r.by;
            zone_override = r.zone;
            if r.yours {
                yours_spans.push((f.span.clone(), r.by, r.zone));
                if reader_shift.is_none() {
                    reader_shift = Some((r.by, r.zone));
                }
            }
        } else if let Some((by, z)) = reader_shift.filter(|_| says_yours(lower, f, &found[k + 1..]))
        {
            local.start += by;
            local.end += by;
            zone_override = z;
            yours_spans.push((f.span.clone(), by, z));
        } else if let Some(z) = ctx
            .reader_zone
            .filter(|_| says_yours(lower, f, &found[k + 1..]))
        {
            zone_override = Some(z);
            yours_spans.push((f.span.clone(), chrono::Duration::zero(), Some(z)));
        }
        // A time of day with no day is its next occurrence: "push our 1pm to 3" written at
        // 11:20 is today's 15:00, though Duckling's next "3" is tomorrow's 03:00 and the
        // business-hour reading only turned it into tomorrow's 15:00.
        if f.clock_only
            && !local.flexible
            && local.start.date() <= facts.reference_local.date() + chrono::Duration::days(1)
        {
            let day = chrono::Duration::days(1);
            let shift = [-day, chrono::Duration::zero(), day]
                .into_iter()
                .find(|d| local.start + *d >= facts.reference_local);
            if let Some(d) = shift {
                local.start += d;
                local.end += d;
            }
        }
        // Duckling moves a passed "today at 9am" to tomorrow's 9am; the writer meant today,
        // which is past.
        let says_today = body.contains("today") || body.contains("tonight");
        if says_today && local.start.date() != facts.reference_local.date() {
            continue;
        }
        // "the invoice from November 3" written on 25 November: a day that passed this month
        // is the past, not next year's (nobody proposes a date eleven months out without
        // writing the year).
        let today = facts.reference_local.date();
        let a_year_before = local.start.date().with_year(local.start.year() - 1);
        let just_passed =
            a_year_before.is_some_and(|d| d < today && today - d <= chrono::Duration::days(31));
        // Only a written day number: a holiday ("MLK day") is next year's as Duckling says.
        let day_number = body.bytes().any(|b| b.is_ascii_digit());
        if just_passed && day_number && !has_year(body) && !body.contains("next") {
            continue;
        }
        let (named_zone, text_span) = zone_for(clean, &f.span, &own_mentions, &restated);
        let mut named = named_zone.is_some();
        let mut zone = named_zone.unwrap_or(sender_zone);
        if let Some(c) = &f.clock_from
            && !mentions
                .iter()
                .any(|m| m.start >= f.span.start && m.start <= f.span.end + 2)
            && let Some(m) = mentions
                .iter()
                .find(|m| m.start >= c.start && m.start <= c.end + 2)
        {
            // The zone written beside the borrowed clock: "Friday, same time (8:30 AM ET)".
            zone = m.zone;
            named = true;
        }
        // "fly to Salt Lake City on Thursday and be with you at 14:00 local time": the
        // place's clock, not the writer's.
        let end = written_end(f);
        let bounds = sentence_bounds(lower, &(f.span.start..end));
        let sentence = &lower[bounds.clone()];
        // "We'll be in Karachi from 11 to 14 May. Could we visit on Tuesday at 14:00 local
        // time?": the place may be named a sentence earlier.
        let with_before =
            || &lower[lower.floor_char_boundary(bounds.start.saturating_sub(300))..bounds.end];
        if lower[end..].trim_start().starts_with("local time")
            && let Some(tz) =
                zones::place_zone(sentence).or_else(|| zones::place_zone(with_before()))
        {
            zone = Zone::Iana(tz);
        } else if zone == sender_zone
            && let Some(reader) = ctx.reader_zone
            && sentence.contains("local time")
            && zones::place_zone(sentence).is_none()
            && visit::names_readers_place(sentence)
        {
            // "Could I visit your workshop on Tuesday at 11:00 local time, or on Thursday in
            // the afternoon?": the meeting is at the reader's place, on the reader's clock.
            zone = reader;
        } else if !named
            && zone_override.is_none()
            && let Some(z) =
                *meeting_zone.get_or_init(|| visit::meeting_zone(lower, ctx.reader_zone))
        {
            // "I'll be in Dubai 26-29 April ... any time on the 27th": Dubai's day.
            zone = z;
        }
        if let Some(z) = zone_override {
            zone = z;
        }
        if let Some(by) = moved_by.filter(|_| moved_origin(f) && !local.flexible) {
            local.start += by;
            local.end += by;
        }
        let (Some(start), Some(end)) = (zone.resolve(local.start), zone.resolve(local.end)) else {
            continue;
        };
        // The past is not a proposal: an exact time must not have begun, a window must not
        // have ended. A window that is under way ("this week") is kept whole, as written.
        let past = if local.flexible {
            end <= ctx.reference
        } else {
            start < ctx.reference
        };
        if past || end <= start {
            continue;
        }
        if local.from_range && !local.flexible && range_minutes.is_none() {
            range_minutes = u32::try_from((end - start).num_minutes()).ok();
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
                text: clean[text_span]
                    .trim()
                    .trim_end_matches(['.', ',', '?', '!', ';', ':'])
                    .to_string(),
            },
        ));
    }
    for (_, s) in slots.iter_mut() {
        trim_excluded_days(s, &excluded_days);
    }
    // "Our mornings (JST) are best, which I understand is your late afternoon": a part of the
    // reader's day restates another time; it offers nothing of its own.
    if slots.len() > 1 {
        slots.retain(|(span, s)| {
            let before = lower[..span.start.min(lower.len())].trim_end();
            !(s.flexible
                && s.grain == Grain::Hour
                && ["your", "your late", "your early", "your mid"]
                    .iter()
                    .any(|w| before.ends_with(&format!(" {w}"))))
        });
    }
    // "Would Tuesday 9 June or Wednesday 10 June suit? ... I'd prefer the Tuesday": "the"
    // before a bare weekday points at the dated option of that weekday.
    let dated: Vec<(chrono::Weekday, NaiveDate)> = slots
        .iter()
        .filter(|(span, _)| has_date_number(&lower[span.clone()]))
        .map(|(_, s)| (s.start.weekday(), s.start.date_naive()))
        .collect();
    slots.retain(|(span, s)| {
        // Likewise "... on Tuesday 18 August at 12:30? If Tuesday is tight, ...".
        let before = lower[..span.start.min(lower.len())].trim_end();
        let pointer = s.grain == Grain::Day
            && (before.ends_with(" the") || before.ends_with(" if") || before.ends_with("\nif"))
            && !has_date_number(&lower[span.clone()]);
        !pointer
            || !dated
                .iter()
                .any(|&(w, d)| w == s.start.weekday() && d != s.start.date_naive())
    });
    // "Our office reopens January 4. Could we meet the week of the 11th?": once a time is
    // offered in a sentence that asks, suggests or accepts, a time in a sentence with none
    // of those words is a fact about something else.
    let times: Vec<Range<usize>> = found
        .iter()
        .map(|f| f.span.clone())
        .chain(slots.iter().map(|(r, _)| r.clone()))
        .collect();
    let offered: Vec<bool> = slots
        .iter()
        .map(|(r, _)| offer::offers(lower, sentence_bounds(lower, r), &times))
        .collect();
    if offered.contains(&true) && offered.contains(&false) {
        let mut keep = offered.into_iter();
        slots.retain(|_| keep.next().unwrap_or(true));
    }
    // "can u do a call tmrw around 3? ... before the distributor meeting on the 24th", "I'll
    // send the link tomorrow": beside an exact time, a whole day or week is context unless it
    // is written as the alternative ("otherwise Thursday", "or any day next week").
    if slots.iter().any(|(_, s)| !s.flexible) {
        // "¿Almorzamos el martes 20? Si no, el miércoles a las 8:30": a part of day that an
        // exact time is offered as the alternative to is the first option.
        let alternatives: Vec<usize> = slots
            .iter()
            .filter(|(span, s)| !s.flexible && offered_as_alternative(lower, span))
            .map(|(span, _)| span.start)
            .collect();
        slots.retain(|(span, s)| {
            !matches!(s.grain, Grain::Day | Grain::Week | Grain::Hour)
                || !s.flexible
                || offered_as_alternative(lower, span)
                // "Wednesday after 2, or Tuesday at 9": a window opened by a clock is
                // written as an option, not context.
                || (s.grain == Grain::Hour && CLOCK_BOUND.is_match(&lower[span.clone()]))
                || (s.grain == Grain::Hour
                    && [
                        "lunch",
                        "breakfast",
                        "dinner",
                        "morning",
                        "afternoon",
                        "evening",
                    ]
                    .iter()
                    .any(|w| sentence_of(lower, span).contains(w))
                    && alternatives
                        .iter()
                        .any(|&a| a > span.start && a - span.start < 200))
        });
    }
    // "a documentary shoot in October ... a call Monday at 3pm", "the families you flagged in
    // December ... Tuesday Feb 3 or Wednesday Feb 4": beside a time or a day, a whole month is
    // context, not an option. No label of the corpus (2,659 emails) offers a whole month.
    if slots
        .iter()
        .any(|(_, s)| !matches!(s.grain, Grain::Month | Grain::Year))
    {
        slots.retain(|(_, s)| !matches!(s.grain, Grain::Month | Grain::Year));
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
    // "Could we find 45 minutes next week? Wednesday the 11th at 2pm would be ideal": a
    // window that holds a more precise proposal is its context, not another option.
    // An exact time that starts inside the window counts too: "lunch tmrw? 12:30" is one
    // hour-long lunch from 12:30, though it runs past the lunch window's 13:00.
    let precise: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>, bool)> = slots
        .iter()
        .map(|(_, s)| (s.start, s.end, s.flexible))
        .collect();
    slots.retain(|(_, s)| {
        // A whole day holds whatever is offered on that date ("Tuesday 5 May ... between
        // 8 and 12"), though the day's 09:00 starts after the 8.
        let day = s.grain == Grain::Day && s.start.date_naive() == s.end.date_naive();
        !s.flexible
            || !precise.iter().any(|&(a, b, flexible)| {
                (a, b) != (s.start, s.end)
                    && ((s.start <= a && (b <= s.end || (!flexible && a < s.end)))
                        || (day
                            && a.date_naive() == s.start.date_naive()
                            && b - a < s.end - s.start))
            })
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
    (out, range_minutes)
}

/// A window opened by a clock: "after 2". Not "from 12 until about 2", which is as often
/// the writer's busy time as an offer.
static CLOCK_BOUND: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\bafter\s+\d").unwrap_or_else(|_| unreachable!()));

/// Whether the words before a window in its sentence offer it as another option: "or
/// Monday", "otherwise Thursday", "if not, any day next week", "alternatively Wednesday".
fn offered_as_alternative(lower: &str, span: &Range<usize>) -> bool {
    let sentence = sentence_bounds(lower, span);
    let before = &lower[sentence.start..span.start.min(lower.len())];
    says_alternative(before)
        || offered_after(&lower[span.end.min(lower.len())..sentence.end])
        || in_option_list(lower, span)
}

/// Whether `before` (the words before a time) offers it as another option: "or", "otherwise",
/// "if not", "if that doesn't suit", in English and the languages the translation layer reads.
fn says_alternative(before: &str) -> bool {
    let words: Vec<&str> = before
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let has_word = |w: &str| words.contains(&w);
    // English, then the same words in the languages the translation layer reads.
    [
        "or",
        "otherwise",
        "alternatively",
        "alternative",
        "else",
        "failing",
        "backup",
        "instead",
        "also",
        "too",
        "oder",
        "alternativ",
        "sonst",
        "sinon",
        "ou",
        "o",
        "oppure",
        "altrimenti",
        "anders",
        "alternativamente",
    ]
    .iter()
    .any(|w| has_word(w))
        || before.contains("if not")
        || before.contains("if that")
        || before.contains("if neither")
        || before.contains("if none")
        || before.contains("as well")
        || before.contains("si no")
        || before.contains("se não")
        || before.contains("se nao")
        || before.contains("wenn nicht")
        || before.contains("falls nicht")
        || before.contains("sinon")
}

/// "Options:\n- Monday 11/16 at 2pm\n- Wednesday 11/18, anytime after 1pm": a time that opens
/// a bulleted line under a line that is bulleted too is one of a list of options.
fn in_option_list(lower: &str, span: &Range<usize>) -> bool {
    let bulleted = |line: &str| {
        let t = line.trim_start();
        t.starts_with("- ") || t.starts_with("* ") || t.starts_with("\u{2022}")
    };
    let start = span.start.min(lower.len());
    let line_start = lower[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &lower[line_start..];
    if !bulleted(line)
        || !lower[line_start..start]
            .trim_start()
            .trim_start_matches(['-', '*', '\u{2022}'])
            .trim()
            .is_empty()
    {
        return false;
    }
    let previous = lower[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .is_some_and(bulleted);
    let next = line
        .split_once('\n')
        .and_then(|(_, rest)| rest.split('\n').next())
        .is_some_and(bulleted);
    previous || next
}

/// "Wednesday afternoon works too", "Thursday morning is also fine": the words after a
/// window in its sentence that offer it alongside another time.
fn offered_after(after: &str) -> bool {
    [
        " too",
        " also",
        " as well",
        "works",
        "would work",
        "is fine",
        "is good",
        "free",
    ]
    .iter()
    .any(|w| after.contains(w))
}

/// Cuts excluded days off either end of a window of several days ("next week except
/// Friday" is Monday to Thursday). A day inside the window leaves it whole: one slot
/// cannot have a hole, and the availability check removes what is busy anyway.
fn trim_excluded_days(s: &mut ProposedSlot, excluded: &[NaiveDate]) {
    if !s.flexible || excluded.is_empty() {
        return;
    }
    let day = chrono::Duration::days(1);
    loop {
        let (first, last) = (s.start.date_naive(), s.end.date_naive());
        if first >= last {
            return;
        }
        if excluded.contains(&first) {
            s.start += day;
        } else if excluded.contains(&last) {
            s.end -= day;
        } else {
            return;
        }
    }
}

/// The words of the cue window around a found time, stopping at its neighbours: a part of
/// day written beside a day ("lunch Thursday") belongs to it.
fn words_around(lower: &str, f: &Found, prev: Option<&Found>, next: Option<&Found>) -> String {
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
    let mut words = lower.get(lo..hi).unwrap_or("").to_string();
    if let Some(shared) = f.shared_words.as_ref().and_then(|r| lower.get(r.clone())) {
        words.push(' ');
        words.push_str(shared);
    }
    words
}

/// "...at 3pm (" or "...10:30 (": the parenthesis restates the zone of that time.
fn ends_with_time(head: &str) -> bool {
    head.ends_with(|c: char| c.is_ascii_digit())
        || head.ends_with("am")
        || head.ends_with("pm")
        || head.ends_with("a.m.")
        || head.ends_with("p.m.")
        || head.ends_with("noon")
}

/// The zone of a time, and the text span to report (the time plus its zone word).
///
/// Order: a zone written right after the time ("3pm ET"); a zone later in the same
/// sentence ("Tue at 2 or Wed at 4pm ET"); one earlier in it; an email-wide statement ("all
/// times Pacific", "I'm in PT"); else none (the caller's default, the sender's zone).
fn zone_for(
    clean: &str,
    span: &Range<usize>,
    mentions: &[zones::ZoneMention],
    restated: &[Range<usize>],
) -> (Option<Zone>, Range<usize>) {
    let bytes = clean.as_bytes();
    if let Some(m) = mentions
        .iter()
        .find(|m| m.start >= span.start && m.start <= span.end + 2)
    {
        return (Some(m.zone), span.start..m.end.max(span.end));
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
    // Not past a restatement: "3pm your time (1pm Perth)" names Perth for the 1pm only.
    if let Some(m) = mentions.iter().find(|m| {
        m.start >= span.end
            && m.end <= s_hi
            && !restated
                .iter()
                .any(|r| r.start >= span.end && r.start < m.start)
    }) {
        return (Some(m.zone), span.clone());
    }
    if let Some(m) = mentions
        .iter()
        .rev()
        .find(|m| m.end <= span.start && m.start >= s_lo)
    {
        return (Some(m.zone), span.clone());
    }
    let lower_stmt = |m: &zones::ZoneMention| {
        let head = clean[..m.start].to_ascii_lowercase();
        let head = head.trim_end();
        let tail = &head[head.floor_char_boundary(head.len().saturating_sub(24))..];
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
            || (tail.ends_with('(') && !ends_with_time(tail[..tail.len() - 1].trim_end()))
    };
    if let Some(m) = mentions.iter().find(|m| lower_stmt(m)) {
        return (Some(m.zone), span.clone());
    }
    (None, span.clone())
}

#[cfg(test)]
mod corpus_check;
#[cfg(test)]
mod generalise_tests;
#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod tests;
