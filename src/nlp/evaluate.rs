//! `cams nlp extract` lines and `cams nlp eval` over a labelled corpus (pure apart from reading
//! the corpus files it is pointed at).

use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{Value, json};

use super::intent::{Confidence, Evaluation, Intent};
use super::request::{KnownZones, ParsedRequest, Reader};

/// One output line of `cams nlp extract` for one input line; never fails: a bad line gets an
/// `error` and null fields.
pub fn extract_line(reader: &Reader, line: &str) -> Value {
    let input: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return error_line(Value::Null, format!("not JSON: {e}")),
    };
    let id = input.get("id").cloned().unwrap_or(Value::Null);
    let reference = match input.get("ref").and_then(Value::as_str) {
        Some(r) => match DateTime::parse_from_rfc3339(r.trim()) {
            Ok(t) => Some(t),
            Err(_) => return error_line(id, format!("ref {r:?} is not RFC 3339 with an offset")),
        },
        None => None,
    };
    let mut known = KnownZones::default();
    for (field, slot) in [
        ("reader_zone", &mut known.reader),
        ("writer_zone", &mut known.writer),
    ] {
        if let Some(z) = input.get(field).and_then(Value::as_str) {
            match z.trim().parse::<Tz>() {
                Ok(tz) => *slot = Some(tz),
                Err(_) => return error_line(id, format!("{field} {z:?} is not an IANA zone")),
            }
        }
    }
    let read = if let Some(eml) = input.get("eml").and_then(Value::as_str) {
        read_guarded(reader, eml.as_bytes(), reference, known).map_err(|e| e.to_string())
    } else if let Some(text) = input.get("text").and_then(Value::as_str) {
        match reference {
            Some(r) => guarded(|| reader.read_text(text, r)).map_err(|e| e.to_string()),
            None => Err("a \"text\" line needs \"ref\" (RFC 3339 with offset)".to_string()),
        }
    } else {
        Err("each line needs \"eml\", or \"text\" with \"ref\"".to_string())
    };
    match read {
        Ok(req) => request_line(id, &req),
        Err(e) => error_line(id, e),
    }
}

/// Why an email gave no reading.
#[derive(Debug, thiserror::Error)]
pub enum ReadFailure {
    /// Not a message that can be read (the reader's own error).
    #[error("{0}")]
    Unreadable(String),
    /// A bug in a rule: the reading panicked. One input's bug must not end a batch, so it is
    /// caught here and reported as this input's error.
    #[error("internal error reading this input (a bug; please report it): {0}")]
    Panicked(String),
}

/// Runs one reading, turning a panic into [`ReadFailure::Panicked`].
fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, ReadFailure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        ReadFailure::Panicked(what.chars().take(200).collect())
    })
}

/// [`Reader::read_email_for`], with a panic caught as this email's failure.
pub fn read_guarded(
    reader: &Reader,
    raw: &[u8],
    reference: Option<DateTime<chrono::FixedOffset>>,
    known: KnownZones,
) -> Result<ParsedRequest, ReadFailure> {
    guarded(|| reader.read_email_for(raw, reference, known))?
        .map_err(|e| ReadFailure::Unreadable(e.to_string()))
}

fn request_line(id: Value, req: &ParsedRequest) -> Value {
    json!({
        "id": id,
        "intent": req.intent,
        "confidence": (req.confidence * 1000.0).round() / 1000.0,
        "slots": req.slots.iter().map(|s| json!({
            "start": s.start.to_rfc3339(),
            "end": s.end.to_rfc3339(),
            "grain": s.grain,
            "flexible": s.flexible,
            "rank": s.rank,
            "text": s.text,
        })).collect::<Vec<_>>(),
        "duration_minutes": req.duration_minutes,
        "language": req.language,
        "error": Value::Null,
    })
}

fn error_line(id: Value, error: String) -> Value {
    json!({
        "id": id,
        "intent": Value::Null,
        "confidence": Value::Null,
        "slots": [],
        "duration_minutes": Value::Null,
        "language": Value::Null,
        "error": error,
    })
}

#[derive(Debug, Deserialize)]
struct LabelSlot {
    start: String,
    end: String,
}

#[derive(Debug, Deserialize)]
struct Label {
    file: String,
    intent: Intent,
    #[serde(default)]
    slots: Vec<LabelSlot>,
    /// The CAMS user's zone when a guest wrote to them (or they forwarded a guest's mail): at
    /// run time the agent reads such mail knowing it, so "10am your time" is the user's 10am.
    #[serde(default)]
    reader_zone: Option<String>,
    /// The CAMS user's zone for the user's own mail: the agent knows it from their profile.
    #[serde(default)]
    writer_zone: Option<String>,
}

/// The figures of `cams nlp eval`.
pub struct CorpusEvaluation {
    pub intents: Evaluation,
    pub emails: usize,
    pub read_errors: usize,
    /// Emails whose reading panicked (a bug), each with its file and the panic message.
    pub panics: Vec<String>,
    pub slots_predicted: usize,
    pub slots_gold: usize,
    pub slots_matched_predicted: usize,
    pub slots_matched_gold: usize,
    /// Emails whose predicted slots are exactly the gold ones (as sets of instants).
    pub emails_slots_exact: usize,
    /// What kind of error each unmatched slot is, so a held-out split's misses can be counted
    /// by kind without reading its emails.
    pub slot_errors: SlotErrors,
    /// One line per email where intent or slots differ, for people to read.
    pub mistakes: Vec<String>,
}

/// Unmatched slots by kind. A wrong slot is paired with a labelled one of the same email when
/// they differ in one way only; what cannot be paired was found but not proposed (`spurious`)
/// or proposed but not found (`missed`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SlotErrors {
    /// Right start, wrong end (length or window).
    pub end: usize,
    /// Same length, start off by whole or half hours within a day (a zone or a clock misread).
    pub hours: usize,
    /// Same length and time of day, another day (a date misread).
    pub day: usize,
    /// Within a day of a labelled slot, but differing in more than one way.
    pub near: usize,
    pub spurious: usize,
    pub missed: usize,
    /// Unmatched slots (predicted and labelled) in emails whose intent was also wrong.
    pub in_wrong_intent: usize,
}

impl SlotErrors {
    /// Pairs the unmatched predicted and labelled slots of one email, nearest kind first.
    fn record(&mut self, predicted: &[(i64, i64)], gold: &[(i64, i64)], intent_wrong: bool) {
        let mut pred: Vec<(i64, i64)> = predicted
            .iter()
            .filter(|p| !gold.contains(p))
            .copied()
            .collect();
        let mut left: Vec<(i64, i64)> = gold
            .iter()
            .filter(|g| !predicted.contains(g))
            .copied()
            .collect();
        if intent_wrong {
            self.in_wrong_intent += pred.len() + left.len();
        }
        type Kind = fn(&(i64, i64), &(i64, i64)) -> bool;
        let kinds: [(Kind, usize); 4] = [
            (|p, g| p.0 == g.0, 0),
            (
                |p, g| {
                    p.1 - p.0 == g.1 - g.0 && (p.0 - g.0).abs() < 86_400 && (p.0 - g.0) % 1800 == 0
                },
                1,
            ),
            (
                |p, g| p.1 - p.0 == g.1 - g.0 && (p.0 - g.0) % 86_400 == 0,
                2,
            ),
            (|p, g| (p.0 - g.0).abs() < 86_400, 3),
        ];
        for (same, kind) in kinds {
            left.retain(|g| match pred.iter().position(|p| same(p, g)) {
                Some(i) => {
                    pred.remove(i);
                    match kind {
                        0 => self.end += 1,
                        1 => self.hours += 1,
                        2 => self.day += 1,
                        _ => self.near += 1,
                    }
                    false
                }
                None => true,
            });
        }
        self.spurious += pred.len();
        self.missed += left.len();
    }
}

impl CorpusEvaluation {
    pub fn slot_precision(&self) -> f64 {
        ratio(self.slots_matched_predicted, self.slots_predicted)
    }
    pub fn slot_recall(&self) -> f64 {
        ratio(self.slots_matched_gold, self.slots_gold)
    }
    pub fn slot_f1(&self) -> f64 {
        let (p, r) = (self.slot_precision(), self.slot_recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {message}")]
    Label {
        path: String,
        line: usize,
        message: String,
    },
}

/// One labelled email of a corpus: its line in `labels.jsonl`, the label, and the raw message.
struct Labelled {
    line: usize,
    label: Label,
    known: KnownZones,
    raw: Vec<u8>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> EvalError {
    let path = path.display().to_string();
    move |source| EvalError::Io { path, source }
}

/// Reads a `labels.jsonl` and the `.eml` file each line names (beside it), in order.
fn read_corpus(labels: &Path) -> Result<Vec<Labelled>, EvalError> {
    let dir = labels.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(labels).map_err(io_error(labels))?;
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let label: Label = serde_json::from_str(line).map_err(|e| EvalError::Label {
            path: labels.display().to_string(),
            line: n + 1,
            message: e.to_string(),
        })?;
        let zone = |field: &str, z: &Option<String>| match z {
            Some(z) => z.parse::<Tz>().map(Some).map_err(|_| EvalError::Label {
                path: labels.display().to_string(),
                line: n + 1,
                message: format!("{field} {z:?} is not an IANA zone"),
            }),
            None => Ok(None),
        };
        let known = KnownZones {
            reader: zone("reader_zone", &label.reader_zone)?,
            writer: zone("writer_zone", &label.writer_zone)?,
        };
        let path = dir.join(&label.file);
        let raw = std::fs::read(&path).map_err(io_error(&path))?;
        out.push(Labelled {
            line: n + 1,
            label,
            known,
            raw,
        });
    }
    Ok(out)
}

/// Evaluates the reader on a `labels.jsonl` whose `.eml` files sit beside it. A slot matches
/// when its start and end are the same instants as a labelled slot's.
pub fn evaluate_corpus(reader: &Reader, labels: &Path) -> Result<CorpusEvaluation, EvalError> {
    let mut out = CorpusEvaluation {
        intents: Evaluation::new(),
        emails: 0,
        read_errors: 0,
        panics: Vec::new(),
        slots_predicted: 0,
        slots_gold: 0,
        slots_matched_predicted: 0,
        slots_matched_gold: 0,
        emails_slots_exact: 0,
        slot_errors: SlotErrors::default(),
        mistakes: Vec::new(),
    };
    for Labelled {
        label, known, raw, ..
    } in read_corpus(labels)?
    {
        let gold: Vec<(i64, i64)> = label
            .slots
            .iter()
            .filter_map(|s| {
                Some((
                    DateTime::parse_from_rfc3339(&s.start).ok()?.timestamp(),
                    DateTime::parse_from_rfc3339(&s.end).ok()?.timestamp(),
                ))
            })
            .collect();
        out.emails += 1;
        let (intent, confidence, predicted) = match read_guarded(reader, &raw, None, known) {
            Ok(req) => (
                req.intent,
                req.confidence,
                req.slots
                    .iter()
                    .map(|s| (s.start.timestamp(), s.end.timestamp()))
                    .collect::<Vec<_>>(),
            ),
            // What CAMS does with mail it cannot read: nothing, as for `other`.
            Err(ReadFailure::Unreadable(_)) => {
                out.read_errors += 1;
                (Intent::Other, 0.9, Vec::new())
            }
            Err(ReadFailure::Panicked(why)) => {
                out.panics.push(format!("{}: {why}", label.file));
                (Intent::Other, 0.9, Vec::new())
            }
        };
        out.intents.record(
            label.intent,
            intent,
            Confidence::new(confidence).unwrap_or_else(|_| Confidence::new(0.5).expect("valid")),
        );
        out.slots_gold += gold.len();
        out.slots_predicted += predicted.len();
        let matched_pred = predicted.iter().filter(|p| gold.contains(p)).count();
        let matched_gold = gold.iter().filter(|g| predicted.contains(g)).count();
        out.slots_matched_predicted += matched_pred;
        out.slots_matched_gold += matched_gold;
        let exact = matched_gold == gold.len() && matched_pred == predicted.len();
        out.slot_errors
            .record(&predicted, &gold, intent != label.intent);
        if exact {
            out.emails_slots_exact += 1;
        }
        if !exact || intent != label.intent {
            let show = |v: &[(i64, i64)]| {
                v.iter()
                    .map(|(s, e)| {
                        format!(
                            "{}/{}m",
                            DateTime::from_timestamp(*s, 0)
                                .map(|d| d.format("%m-%d %H:%M").to_string())
                                .unwrap_or_default(),
                            (e - s) / 60
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            out.mistakes.push(format!(
                "{}: intent {} (want {}), slots [{}] (want [{}])",
                label.file,
                intent.as_str(),
                label.intent.as_str(),
                show(&predicted),
                show(&gold)
            ));
        }
    }
    Ok(out)
}

impl std::fmt::Display for CorpusEvaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "emails: {} ({} unreadable, read as `other`)",
            self.emails, self.read_errors
        )?;
        for p in &self.panics {
            writeln!(f, "PANICKED (a bug, read as `other`): {p}")?;
        }
        writeln!(f, "{}", self.intents)?;
        writeln!(
            f,
            "slots: precision {:.3} ({}/{}), recall {:.3} ({}/{}), F1 {:.3}; emails with exactly the right slots {:.3} ({}/{})",
            self.slot_precision(),
            self.slots_matched_predicted,
            self.slots_predicted,
            self.slot_recall(),
            self.slots_matched_gold,
            self.slots_gold,
            self.slot_f1(),
            ratio(self.emails_slots_exact, self.emails),
            self.emails_slots_exact,
            self.emails
        )?;
        let e = &self.slot_errors;
        writeln!(
            f,
            "slot errors: wrong end {}, off by hours {}, wrong day {}, otherwise near {}, not proposed {}, missed {} ({} of these in emails whose intent is wrong)",
            e.end, e.hours, e.day, e.near, e.spurious, e.missed, e.in_wrong_intent
        )
    }
}

/// Writes to `out`, for each readable email of a `labels.jsonl` corpus, the intent training
/// example the reader builds from it (`Reader::training_example`) with its `source` file; returns
/// how many were written. An email the pipeline cannot read is left out: at run time it never
/// reaches the intent engine.
pub fn derive_examples(reader: &Reader, labels: &Path, out: &Path) -> Result<usize, EvalError> {
    let dir = labels.parent().unwrap_or(Path::new("."));
    let corpus = dir
        .file_name()
        .map(|d| format!("corpus-{}", d.to_string_lossy()))
        .unwrap_or_else(|| "corpus".into());
    let mut lines = String::new();
    let mut written = 0;
    for Labelled {
        line, label, raw, ..
    } in read_corpus(labels)?
    {
        let Ok(mut example) = reader.training_example(&raw, None, label.intent) else {
            continue;
        };
        example.source = format!("{corpus}/{}", label.file);
        let json = serde_json::to_string(&example).map_err(|e| EvalError::Label {
            path: labels.display().to_string(),
            line,
            message: e.to_string(),
        })?;
        lines.push_str(&json);
        lines.push('\n');
        written += 1;
    }
    std::fs::write(out, lines).map_err(io_error(out))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::{ReadFailure, SlotErrors, guarded};

    #[test]
    fn a_panicking_reading_is_this_inputs_error_not_the_batchs() {
        let r = guarded(|| -> u32 { panic!("index out of range") });
        match r {
            Err(ReadFailure::Panicked(why)) => assert!(why.contains("index out of range")),
            other => panic!("expected a caught panic, got {other:?}"),
        }
        assert_eq!(guarded(|| 7).ok(), Some(7));
    }

    const H: i64 = 3600;

    #[test]
    fn unmatched_slots_are_paired_by_the_one_way_they_differ() {
        let gold = [
            (10 * H, 11 * H),
            (34 * H, 35 * H),
            (100 * H, 101 * H),
            (200 * H, 201 * H),
        ];
        let predicted = [
            (10 * H, 10 * H + 1800), // right start, 30 min instead of 60
            (39 * H, 40 * H),        // five hours off: a zone
            (124 * H, 125 * H),      // a day late
            (500 * H, 501 * H),      // nothing near
        ];
        let mut e = SlotErrors::default();
        e.record(&predicted, &gold, false);
        assert_eq!(
            e,
            SlotErrors {
                end: 1,
                hours: 1,
                day: 1,
                near: 0,
                spurious: 1,
                missed: 1,
                in_wrong_intent: 0,
            }
        );
    }

    #[test]
    fn matched_slots_are_not_errors_and_wrong_intent_is_counted() {
        let mut e = SlotErrors::default();
        e.record(&[(0, H)], &[(0, H)], true);
        assert_eq!(e, SlotErrors::default());
        e.record(&[(0, H), (5 * H, 6 * H)], &[(0, H)], true);
        assert_eq!((e.spurious, e.in_wrong_intent), (1, 1));
    }
}
