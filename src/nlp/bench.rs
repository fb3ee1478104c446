//! `cams bench nlp`: times the whole reading pipeline per email on a corpus, and chrono-node's
//! date extraction on the same clean texts, for the speed claim in the README.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::{Value, json};

use super::request::Reader;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no .eml files under {0}")]
    Empty(String),
    #[error("--iterations must be at least 1")]
    NoIterations,
}

/// One email of the corpus: its file name (for the slowest list) and its raw bytes.
#[derive(Debug, Clone)]
pub struct CorpusEmail {
    pub name: String,
    pub raw: Vec<u8>,
}

/// Every `.eml` under `dirs` (recursively), sorted by path so runs compare.
pub fn load_corpus(dirs: &[PathBuf]) -> Result<Vec<CorpusEmail>, BenchError> {
    let mut paths = Vec::new();
    for dir in dirs {
        collect_eml(dir, &mut paths)?;
    }
    paths.sort();
    if paths.is_empty() {
        let names: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(BenchError::Empty(names.join(", ")));
    }
    paths
        .into_iter()
        .map(|path| {
            let raw = std::fs::read(&path).map_err(|source| BenchError::Io {
                path: path.clone(),
                source,
            })?;
            Ok(CorpusEmail {
                name: path.display().to_string(),
                raw,
            })
        })
        .collect()
}

fn collect_eml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), BenchError> {
    let io = |source| BenchError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            collect_eml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "eml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Nearest-rank percentile of sorted samples: the smallest sample with at least `p`% of the
/// samples at or below it (so p100 is the maximum and no value is interpolated). `None` when
/// there are no samples or `p` is outside 0..=100.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.saturating_sub(1).min(sorted.len() - 1)])
}

/// Throughput and per-email latency of one tool over the timed passes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    pub emails: usize,
    pub passes: u32,
    /// Emails read in the timed passes (`emails * passes`).
    pub reads: usize,
    pub seconds: f64,
    pub emails_per_sec: f64,
    /// CPU seconds of the timed passes (this thread), when the OS says: on a shared machine the
    /// wall clock also counts time other processes held the core.
    pub cpu_seconds: Option<f64>,
    pub emails_per_cpu_sec: Option<f64>,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

impl Timing {
    /// From per-read latencies in nanoseconds and the wall time of the timed passes.
    pub fn from_samples(
        emails: usize,
        passes: u32,
        mut nanos: Vec<u64>,
        wall: Duration,
        cpu_seconds: Option<f64>,
    ) -> Timing {
        nanos.sort_unstable();
        let us = |p| percentile(&nanos, p).map_or(0.0, |n| n as f64 / 1000.0);
        let seconds = wall.as_secs_f64();
        Timing {
            emails,
            passes,
            reads: nanos.len(),
            seconds,
            emails_per_sec: if seconds > 0.0 {
                nanos.len() as f64 / seconds
            } else {
                0.0
            },
            cpu_seconds,
            emails_per_cpu_sec: cpu_seconds
                .filter(|c| *c > 0.0)
                .map(|c| nanos.len() as f64 / c),
            p50_us: us(50.0),
            p90_us: us(90.0),
            p99_us: us(99.0),
            max_us: us(100.0),
        }
    }
}

/// An email that took long: its median over the timed passes, in µs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slow {
    pub name: String,
    pub median_us: f64,
}

/// An email the pipeline refused, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    pub name: String,
    pub error: String,
}

/// What a CAMS run measured, plus the clean texts chrono-node is then timed on.
#[derive(Debug, Clone)]
pub struct CamsRun {
    pub timing: Timing,
    pub slowest: Vec<Slow>,
    /// Emails the pipeline refused (garbage bytes, say): still timed, as ingest meets them too,
    /// but they give chrono-node no text.
    pub rejected: Vec<Rejected>,
    /// One JSON line per email: `{"id","text","ref","offset_minutes"}`, the text and reference
    /// instant `Reader` read the times from.
    pub texts_jsonl: String,
}

/// Reads every email `1 + extra_warmup` times untimed, then `passes` times timed,
/// single-threaded. `received` stands in for the time of receipt that ingest passes, the
/// reference of a message without a Date header. An email the pipeline refuses is timed like the
/// others (skipping it would flatter the figures) and listed in `rejected`.
pub fn bench_reader(
    reader: &Reader,
    corpus: &[CorpusEmail],
    received: DateTime<FixedOffset>,
    extra_warmup: u32,
    passes: u32,
    slowest: usize,
) -> Result<CamsRun, BenchError> {
    if passes == 0 {
        return Err(BenchError::NoIterations);
    }
    let read = |e: &CorpusEmail| reader.read_email(&e.raw, Some(received));
    // The first, untimed pass collects the texts for chrono-node and warms caches and branch
    // predictors; `extra_warmup` more untimed passes follow.
    let mut texts_jsonl = String::new();
    let mut rejected = Vec::new();
    for e in corpus {
        let req = match read(e) {
            Ok(req) => req,
            Err(why) => {
                rejected.push(Rejected {
                    name: e.name.clone(),
                    error: why.to_string(),
                });
                continue;
            }
        };
        let line = json!({
            "id": e.name,
            "text": req.text,
            "ref": req.reference.to_rfc3339(),
            "offset_minutes": req.reference.offset().local_minus_utc() / 60,
        });
        texts_jsonl.push_str(&line.to_string());
        texts_jsonl.push('\n');
    }
    for _ in 0..extra_warmup {
        for e in corpus {
            let _ = std::hint::black_box(read(e));
        }
    }
    let mut per_email: Vec<Vec<u64>> = vec![Vec::with_capacity(passes as usize); corpus.len()];
    let mut all = Vec::with_capacity(corpus.len() * passes as usize);
    let cpu_before = thread_cpu_seconds();
    let started = Instant::now();
    for _ in 0..passes {
        for (i, e) in corpus.iter().enumerate() {
            let t = Instant::now();
            let _ = std::hint::black_box(read(e));
            let ns = u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX);
            per_email[i].push(ns);
            all.push(ns);
        }
    }
    let wall = started.elapsed();
    let cpu = cpu_before
        .zip(thread_cpu_seconds())
        .map(|(before, after)| after - before);
    let mut slow: Vec<Slow> = corpus
        .iter()
        .zip(per_email)
        .map(|(e, mut ns)| {
            ns.sort_unstable();
            Slow {
                name: e.name.clone(),
                median_us: percentile(&ns, 50.0).unwrap_or(0) as f64 / 1000.0,
            }
        })
        .collect();
    slow.sort_by(|a, b| b.median_us.total_cmp(&a.median_us));
    slow.truncate(slowest);
    Ok(CamsRun {
        timing: Timing::from_samples(corpus.len(), passes, all, wall, cpu),
        slowest: slow,
        rejected,
        texts_jsonl,
    })
}

/// This thread's user + system CPU time from /proc (Linux; `None` elsewhere). /proc counts in
/// USER_HZ ticks, 100 a second on every Linux ABI, so over seconds of work it is within 1%.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// chrono-node's figures, or why there are none.
#[derive(Debug, Clone)]
pub enum ChronoOutcome {
    Measured {
        version: String,
        node: String,
        timing: Timing,
        dates_found_per_pass: f64,
    },
    Unavailable(String),
}

/// Runs `script_dir/chrono.mjs` with node on `texts_jsonl`, installing chrono-node with npm into
/// `script_dir/node_modules` first when it is missing. Never fails: a missing node, npm or
/// package becomes `Unavailable` with the reason.
pub fn run_chrono(script_dir: &Path, texts_jsonl: &str, warmup: u32, passes: u32) -> ChronoOutcome {
    match try_chrono(script_dir, texts_jsonl, warmup, passes) {
        Ok(o) => o,
        Err(why) => ChronoOutcome::Unavailable(why),
    }
}

fn try_chrono(
    script_dir: &Path,
    texts_jsonl: &str,
    warmup: u32,
    passes: u32,
) -> Result<ChronoOutcome, String> {
    let script = script_dir.join("chrono.mjs");
    if !script.is_file() {
        return Err(format!("{} not found", script.display()));
    }
    let node_version = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("node is not installed or not on PATH ({e})"))?;
    let node = String::from_utf8_lossy(&node_version.stdout)
        .trim()
        .to_string();
    if !script_dir.join("node_modules/chrono-node").is_dir() {
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(script_dir)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("chrono-node is not installed and npm is missing ({e})"))?;
        if !status.success() {
            return Err(format!(
                "`npm install --prefix {}` failed ({status})",
                script_dir.display()
            ));
        }
    }
    let input = std::env::temp_dir().join(format!("cams-bench-nlp-{}.jsonl", std::process::id()));
    std::fs::write(&input, texts_jsonl)
        .map_err(|e| format!("cannot write {}: {e}", input.display()))?;
    let output = Command::new("node")
        .arg(&script)
        .arg(&input)
        .args(["--iterations", &passes.to_string()])
        .args(["--warmup", &warmup.to_string()])
        .output();
    let _ = std::fs::remove_file(&input);
    let output = output.map_err(|e| format!("cannot run node: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "chrono.mjs failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let v: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("chrono.mjs printed no JSON object: {e}"))?;
    let f = |k: &str| {
        v.get(k)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("chrono.mjs output lacks {k}"))
    };
    Ok(ChronoOutcome::Measured {
        version: v
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        node,
        timing: Timing {
            emails: f("emails")? as usize,
            passes: f("passes")? as u32,
            reads: f("reads")? as usize,
            seconds: f("seconds")?,
            emails_per_sec: f("emails_per_sec")?,
            cpu_seconds: v.get("cpu_seconds").and_then(Value::as_f64),
            emails_per_cpu_sec: v.get("emails_per_cpu_sec").and_then(Value::as_f64),
            p50_us: f("p50_us")?,
            p90_us: f("p90_us")?,
            p99_us: f("p99_us")?,
            max_us: f("max_us")?,
        },
        dates_found_per_pass: f("dates_found_per_pass")?,
    })
}

/// A whole `cams bench nlp` run.
#[derive(Debug, Clone)]
pub struct Report {
    pub cams: CamsRun,
    pub chrono: ChronoOutcome,
}

impl Report {
    pub fn to_json(&self) -> Value {
        let chrono = match &self.chrono {
            ChronoOutcome::Measured {
                version,
                node,
                timing,
                dates_found_per_pass,
            } => json!({
                "available": true,
                "version": version,
                "node": node,
                "scope": "dates only (chrono.parse on the same clean text)",
                "timing": timing,
                "dates_found_per_pass": dates_found_per_pass,
            }),
            ChronoOutcome::Unavailable(why) => json!({ "available": false, "reason": why }),
        };
        json!({
            "cams": {
                "scope": "full pipeline (Reader::read_email: MIME, clean text, times, intent)",
                "threads": 1,
                "timing": self.cams.timing,
                "slowest": self.cams.slowest,
                "rejected": self.cams.rejected,
            },
            "chrono_node": chrono,
        })
    }
}

/// A table row: its label, how to get its figure from a timing, and the figure's unit.
type Row = (&'static str, fn(&Timing) -> f64, &'static str);

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.cams.timing;
        writeln!(
            f,
            "{} emails, {} timed passes after warm-up, one thread",
            c.emails, c.passes
        )?;
        writeln!(
            f,
            "{:<12} {:>32} {:>32}",
            "", "CAMS (full pipeline)", "chrono-node (dates only)"
        )?;
        let ch = match &self.chrono {
            ChronoOutcome::Measured { timing, .. } => Some(timing),
            ChronoOutcome::Unavailable(_) => None,
        };
        let rows: [Row; 6] = [
            ("emails/s", |t| t.emails_per_sec, ""),
            (
                "emails/CPU-s",
                |t| t.emails_per_cpu_sec.unwrap_or(f64::NAN),
                "",
            ),
            ("p50", |t| t.p50_us, " µs"),
            ("p90", |t| t.p90_us, " µs"),
            ("p99", |t| t.p99_us, " µs"),
            ("max", |t| t.max_us, " µs"),
        ];
        for (label, get, unit) in rows {
            // NaN: the OS gave no CPU time.
            let show = |x: f64| {
                if x.is_nan() {
                    "n/a".to_string()
                } else {
                    format!("{x:.1}{unit}")
                }
            };
            let other = ch.map_or("not measured".to_string(), |t| show(get(t)));
            let mine = show(get(c));
            writeln!(f, "{label:<12} {mine:>32} {other:>32}")?;
        }
        match &self.chrono {
            ChronoOutcome::Measured {
                version,
                node,
                dates_found_per_pass,
                ..
            } => writeln!(
                f,
                "chrono-node {version} on node {node}; it found {dates_found_per_pass:.0} dates per pass"
            )?,
            ChronoOutcome::Unavailable(why) => writeln!(f, "chrono-node not measured: {why}")?,
        }
        for r in &self.cams.rejected {
            writeln!(f, "refused (timed all the same): {}: {}", r.name, r.error)?;
        }
        writeln!(f, "slowest emails for CAMS (median over the passes):")?;
        for s in &self.cams.slowest {
            writeln!(f, "  {:>10.1} µs  {}", s.median_us, s.name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_pick_real_samples() {
        let s: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&s, 50.0), Some(50));
        assert_eq!(percentile(&s, 90.0), Some(90));
        assert_eq!(percentile(&s, 99.0), Some(99));
        assert_eq!(percentile(&s, 100.0), Some(100));
        assert_eq!(percentile(&s, 0.0), Some(1));
        // Ten samples: p99 is the largest, p50 the fifth, never a value between two samples.
        let ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000];
        assert_eq!(percentile(&ten, 50.0), Some(50));
        assert_eq!(percentile(&ten, 99.0), Some(1000));
        assert_eq!(percentile(&ten, 91.0), Some(1000));
        assert_eq!(percentile(&ten, 90.0), Some(90));
        assert_eq!(percentile(&[7], 50.0), Some(7));
    }

    #[test]
    fn percentile_of_nothing_or_out_of_range_is_none() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1, 2], 101.0), None);
        assert_eq!(percentile(&[1, 2], -1.0), None);
        assert_eq!(percentile(&[1, 2], f64::NAN), None);
    }

    #[test]
    fn timing_counts_reads_per_second_of_wall_time() {
        let t = Timing::from_samples(
            2,
            2,
            vec![4000, 1000, 3000, 2000],
            Duration::from_millis(2),
            Some(0.001),
        );
        assert_eq!(t.reads, 4);
        assert!((t.emails_per_sec - 2000.0).abs() < 1e-6);
        assert!((t.emails_per_cpu_sec.unwrap() - 4000.0).abs() < 1e-6);
        assert_eq!(t.p50_us, 2.0);
        assert_eq!(t.max_us, 4.0);
    }

    #[test]
    fn an_empty_corpus_is_an_error_naming_the_folder() {
        let dir = std::env::temp_dir().join(format!("cams-bench-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = load_corpus(std::slice::from_ref(&dir)).unwrap_err();
        assert!(err.to_string().contains("no .eml files"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
