//! The command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::{app, db, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "cams",
    version,
    about = "CAMS: a self-hosted, email-first scheduling agent"
)]
pub struct Cli {
    /// A TOML file layered over the defaults (environment variables still win).
    #[arg(long, global = true, env = "CAMS_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server and the job worker (applies pending migrations first).
    Serve,
    /// The first thing to try: a demo user and calendar, every example email through the flow.
    Demo {
        /// The folder with calendar.ics and emails/*.eml.
        #[arg(long, default_value = "examples")]
        dir: PathBuf,
    },
    /// Run one email through the whole flow; print the decision, its reasons and the reply.
    Process {
        /// The raw RFC 5322 message.
        file: PathBuf,
        /// The CAMS user it is for, when the message itself does not say (an envelope recipient).
        #[arg(long)]
        user: Option<String>,
        /// Decide and render, then roll back: nothing stored, booked or sent.
        #[arg(long)]
        dry_run: bool,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Apply pending database migrations; a second run does nothing.
    Migrate,
    /// Print the effective configuration with secrets redacted, or name every bad key.
    CheckConfig,
    /// Database upkeep.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Email understanding: extract, evaluate, retrain.
    Nlp {
        #[command(subcommand)]
        command: NlpCommand,
    },
    /// Speed measurements (build with --release for figures worth quoting).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// The inbound store: add a message from a file, list, replay failed ones.
    Inbound {
        #[command(subcommand)]
        command: InboundCommand,
    },
    /// Users: add one with their zone and working preferences.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Calendars: add an ICS feed or file, a CalDAV account; sync them.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// API tokens for the JSON API: create (printed once), list, revoke.
    Token {
        #[command(subcommand)]
        command: crate::http::token_command::TokenCommand,
    },
    /// Reply templates: check one, add a user's own, list a user's.
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
    /// A user's free time and ranked slots as JSON, times in the user's zone.
    Availability {
        #[arg(long)]
        user: String,
        /// RFC 3339, or a local 2027-03-08T09:00 / 2027-03-08 in the user's zone.
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Meeting length in minutes.
        #[arg(long)]
        duration: i64,
        /// Explain why a meeting starting at this time is (not) available; repeatable.
        #[arg(long)]
        explain: Vec<String>,
        /// Compute as if it were this instant (RFC 3339); for reproducible answers.
        #[arg(long, hide = true)]
        now: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Another address the user is reached at: a full address (alice@corp.example), or a tag
    /// for plus-addressing (alice: mail to <CAMS address local part>+alice@<domain>).
    Alias {
        #[arg(long)]
        user: String,
        #[arg(long)]
        alias: String,
    },
    /// Turn automatic replies on or off, with the delay before one goes out.
    AutoRespond {
        #[arg(long)]
        user: String,
        #[arg(long, action = clap::ArgAction::Set)]
        on: bool,
        /// Seconds a reply waits (cancelled if the user acts or the guest writes meanwhile).
        #[arg(long, default_value_t = 300)]
        delay: i32,
    },
    /// Add a user (working hours apply Monday to Friday unless --days says otherwise).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// IANA zone, e.g. America/New_York.
        #[arg(long)]
        tz: String,
        /// Working day start and end, local HH:MM.
        #[arg(long, default_value = "09:00")]
        work_start: String,
        #[arg(long, default_value = "17:00")]
        work_end: String,
        /// Working weekdays, comma-separated: mon,tue,wed,thu,fri.
        #[arg(long, default_value = "mon,tue,wed,thu,fri")]
        days: String,
        /// Minutes kept free around meetings.
        #[arg(long, default_value_t = 15)]
        buffer: i32,
        /// Minimum notice in minutes before a meeting may start.
        #[arg(long, default_value_t = 1440)]
        notice: i64,
        #[arg(long, default_value_t = 60)]
        default_duration: i32,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Check a template strictly (syntax, unknown variables) and print it rendered with sample
    /// data; needs no database.
    Check {
        /// availability, confirmation, decline, reschedule, cancellation, approval_request,
        /// follow_up.
        #[arg(long = "type")]
        kind: String,
        /// The subject line (a template itself).
        #[arg(long)]
        subject: String,
        /// The text body's file.
        #[arg(long)]
        text: PathBuf,
        /// The HTML body's file; without one the HTML is made from the text.
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// Store a user's template (checked first).
    Add {
        #[arg(long)]
        user: String,
        #[arg(long = "type")]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "en")]
        language: String,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        text: PathBuf,
        #[arg(long)]
        html: Option<PathBuf>,
        /// Make it the default of its type and language (replacing the current default).
        #[arg(long)]
        default: bool,
    },
    /// List a user's templates.
    List {
        #[arg(long)]
        user: String,
        #[arg(long = "type")]
        kind: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add an ICS feed (http/https URL) or a local .ics file.
    AddIcs {
        #[arg(long)]
        user: String,
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        url: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Add the calendars of a CalDAV account (discovered from the URL).
    AddCaldav {
        #[arg(long)]
        user: String,
        #[arg(long)]
        url: String,
        #[arg(long)]
        username: String,
        /// The environment variable holding the password (never on the command line).
        #[arg(long)]
        password_env: String,
    },
    /// Sync one user's calendars, or everyone's.
    Sync {
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        user: Option<String>,
        #[arg(long)]
        all: bool,
        /// Sync as if it were this instant (RFC 3339): fixes the materialised horizon.
        #[arg(long, hide = true)]
        now: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum NlpCommand {
    /// Read JSON lines on stdin ({"id","eml"} or {"id","text","ref"}), write one JSON line each.
    Extract {
        /// Instead, print one email's reading for a person.
        #[arg(long)]
        eml: Option<PathBuf>,
    },
    /// Evaluate on a labelled corpus: a labels.jsonl with its .eml files beside it.
    Eval {
        labels: PathBuf,
        /// Also list every email read wrongly.
        #[arg(long)]
        mistakes: bool,
        /// Read with this intent model (a model.json) instead of the embedded one: to measure a
        /// split with a model that never saw it.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Write, for each email of a labelled corpus, the intent training example the real reading
    /// pipeline sees (JSON lines, `"origin": "corpus"`).
    Derive {
        labels: PathBuf,
        #[arg(long, default_value = "models/intent/data/corpus_dev.jsonl")]
        out: PathBuf,
    },
    /// K-fold cross-validation of the corpus-derived examples of models/intent/data (each fold
    /// predicted by a model trained on everything else): the honest figure for real mail.
    Cv {
        #[arg(long, default_value = "models/intent")]
        dir: PathBuf,
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Training settings as JSON, naming only the fields that change.
        #[arg(long)]
        train_config: Option<String>,
        /// Train on the corpus examples of --dir but predict, for each, the example with the same
        /// `source` in this file (to measure a differently derived corpus on pipeline inputs).
        #[arg(long)]
        test_on: Option<PathBuf>,
        /// One fold per corpus split (leave one split out) instead of --folds random folds:
        /// each split is predicted by a model that never saw its writers.
        #[arg(long)]
        by_split: bool,
        /// With --by-split: also list each example a fold got wrong (source, truth, guess).
        #[arg(long)]
        mistakes: bool,
    },
    /// Retrain the intent model from models/intent (reproducible byte for byte).
    Train {
        #[arg(long, default_value = "models/intent")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Milliseconds per message through the agent (screen, read, route, availability, decide,
    /// apply, commit) over the example emails, on the configured database (it resets the demo
    /// user).
    Agent {
        #[arg(long, default_value = "examples")]
        dir: PathBuf,
        #[arg(long, default_value_t = 10)]
        iterations: u32,
    },
    /// The Rust engine and the SQL calculate_availability over the same 10,000 events
    /// (against the configured database).
    Availability {
        #[arg(long, default_value_t = 10_000)]
        events: usize,
        #[arg(long, default_value_t = 200)]
        iterations: u32,
    },
    /// Emails/s and latency per email of the whole pipeline, one thread, beside chrono-node's
    /// date extraction on the same clean texts.
    Nlp {
        /// Folders of .eml files (searched recursively); repeatable.
        #[arg(long = "corpus", default_values = ["tests/fixtures/nlp/dev", "tests/fixtures/nlp/test"])]
        corpus: Vec<PathBuf>,
        /// Timed passes over the corpus.
        #[arg(long, default_value_t = 5)]
        iterations: u32,
        /// Untimed passes first (at least one always runs).
        #[arg(long, default_value_t = 1)]
        warmup: u32,
        /// How many of the slowest emails to list.
        #[arg(long, default_value_t = 5)]
        slowest: usize,
        /// The folder holding chrono.mjs and its package.json (chrono-node is installed there).
        #[arg(long, default_value = "scripts/bench")]
        chrono_dir: PathBuf,
        /// Measure CAMS only.
        #[arg(long)]
        no_chrono: bool,
        /// One JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum InboundCommand {
    /// Store an .eml file as if it had arrived (deduplicated like any delivery).
    Add {
        file: PathBuf,
        /// Envelope recipient(s), to route it to a user.
        #[arg(long = "to")]
        to: Vec<String>,
    },
    /// List stored messages, newest first.
    List {
        /// Only this status: stored, processing, processed, ignored, failed, dead.
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Queue a failed or dead message for processing again.
    Replay {
        id: uuid::Uuid,
        /// Also replay a message that was processed (it may be answered twice).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create partitions, drop expired data, release expired holds, VACUUM ANALYZE.
    Maintain,
}

/// Runs the parsed command; the exit code says how it went (2: bad configuration).
pub async fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cams: {e}");
            return ExitCode::from(2);
        }
    };
    if let Command::CheckConfig = cli.command {
        print!("{}", config.to_redacted_toml());
        return ExitCode::SUCCESS;
    }
    telemetry::init_logging(&config.log);
    // Only the text-in, text-out commands: elsewhere a broken pipe is a socket's, and an error.
    let writes_to_a_pipe = matches!(cli.command, Command::Nlp { .. });
    let result = match cli.command {
        Command::Serve => app::serve(config).await,
        Command::Demo { dir } => crate::agent::commands::demo(&config, &dir).await,
        Command::Process {
            file,
            user,
            dry_run,
            json,
        } => crate::agent::commands::process(&config, &file, user, dry_run, json).await,
        Command::Migrate => migrate(&config).await,
        Command::Db {
            command: DbCommand::Maintain,
        } => maintain(&config).await,
        Command::Inbound { command } => inbound(&config, command).await,
        Command::Token { command } => crate::http::token_command::run(&config, command).await,
        Command::User { command } => crate::calendar::commands::user(&config, command).await,
        Command::Calendar { command } => {
            crate::calendar::commands::calendar(&config, command).await
        }
        Command::Template { command } => {
            crate::outbound::template_cli::template(&config, command).await
        }
        Command::Availability {
            user,
            from,
            to,
            duration,
            explain,
            now,
        } => {
            crate::calendar::commands::availability(&config, user, from, to, duration, explain, now)
                .await
        }
        Command::Nlp { command } => nlp(command),
        Command::Bench { command } => match command {
            BenchCommand::Availability { events, iterations } => {
                crate::calendar::commands::bench(&config, events, iterations).await
            }
            nlp @ BenchCommand::Nlp { .. } => bench(nlp),
            BenchCommand::Agent { dir, iterations } => {
                crate::agent::bench::bench(&config, &dir, iterations).await
            }
        },
        Command::CheckConfig => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`cams nlp extract | head`): it has what it asked
        // for, so this is no error to report; 141 is what a shell shows for such a tool.
        Err(e) if writes_to_a_pipe && is_closed_stdout(&e) => ExitCode::from(141),
        Err(e) => {
            eprintln!("cams: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_closed_stdout(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let database = db::open(config).await?;
    let result = db::migrate(&database.pool).await;
    let description = database.description.clone();
    database.close().await;
    let applied = result?;
    if applied == 0 {
        println!("{description}: schema up to date, nothing to apply");
    } else {
        println!("{description}: applied {applied} migration(s)");
    }
    Ok(())
}

async fn maintain(config: &Config) -> anyhow::Result<()> {
    let database = db::open(config).await?;
    let result = db::maintain(&database.pool).await;
    database.close().await;
    result?;
    println!("maintenance done");
    Ok(())
}

async fn inbound(config: &Config, command: InboundCommand) -> anyhow::Result<()> {
    use crate::db::inbound::{self, Source, Stored};
    let database = db::open(config).await?;
    let pool = database.pool.clone();
    let result: anyhow::Result<()> = async {
        match command {
            InboundCommand::Add { file, to } => {
                let raw = std::fs::read(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                let stored = crate::ingest::store::ingest(
                    &pool,
                    config.inbound.max_message_bytes,
                    config.inbound.max_attempts,
                    &crate::ingest::store::RawInbound {
                        source: Source::Cli,
                        raw: &raw,
                        envelope_from: None,
                        envelope_to: to,
                        mailbox_id: None,
                        delivery_token: None,
                    },
                )
                .await?;
                match stored {
                    Stored::New(id) => println!("stored {id}"),
                    Stored::Duplicate(id) => println!("already stored as {id}"),
                }
            }
            InboundCommand::List { status, limit } => {
                let mut conn = pool.acquire().await?;
                for m in inbound::list(&mut conn, status.as_deref(), limit).await? {
                    println!(
                        "{}  {}  {:<9}  {:<11} attempts={}  {}{}",
                        m.id,
                        m.received_at.format("%Y-%m-%d %H:%M:%S"),
                        m.status,
                        m.source,
                        m.attempts,
                        m.message_id.as_deref().unwrap_or("(no Message-ID)"),
                        m.last_error
                            .map(|e| format!("  error: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
            InboundCommand::Replay { id, force } => {
                let mut tx = pool.begin().await?;
                match inbound::replay(&mut tx, id, force, config.inbound.max_attempts).await? {
                    Ok(()) => {
                        tx.commit().await?;
                        println!("queued {id} for processing");
                    }
                    Err(why) => anyhow::bail!(why),
                }
            }
        }
        Ok(())
    }
    .await;
    database.close().await;
    result
}

fn nlp(command: NlpCommand) -> anyhow::Result<()> {
    use std::io::{BufRead, Write};
    // Training and cross-validation must not need the embedded model: after a feature change it
    // is the stale thing they replace.
    let reader = || {
        crate::nlp::request::Reader::embedded()
            .map_err(|e| anyhow::anyhow!("cannot load the intent model: {e}"))
    };
    match command {
        NlpCommand::Extract { eml: Some(path) } => {
            let raw = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let req = reader()?.read_email(&raw, None)?;
            println!(
                "intent:     {} (confidence {:.2})",
                req.intent.as_str(),
                req.confidence
            );
            if let Some(r) = &req.requester {
                println!(
                    "requester:  {}",
                    r.address.as_ref().map(|a| a.as_str()).unwrap_or("?")
                );
            }
            println!(
                "reference:  {}{}",
                req.reference.to_rfc3339(),
                if req.forwarded {
                    " (forwarded original)"
                } else {
                    ""
                }
            );
            if let Some(d) = req.duration_minutes {
                println!("duration:   {d} min");
            }
            if let Some(m) = &req.mode {
                println!("mode:       {m:?}");
            }
            if let Some(l) = &req.location {
                println!("location:   {l}");
            }
            if req.slots.is_empty() {
                println!("slots:      none");
            }
            for s in &req.slots {
                println!(
                    "slot {}:     {} – {} {} [{}{}] \"{}\"",
                    s.rank,
                    s.start.format("%a %d %b %Y %H:%M"),
                    s.end.format("%H:%M"),
                    s.zone,
                    serde_json::to_string(&s.grain)?.trim_matches('"'),
                    if s.flexible { ", flexible" } else { "" },
                    s.text
                );
            }
            if !req.rules_fired.is_empty() {
                println!("rules:      {}", req.rules_fired.join(", "));
            }
        }
        NlpCommand::Extract { eml: None } => {
            let reader = reader()?;
            let stdin = std::io::stdin();
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for line in stdin.lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                let v = crate::nlp::evaluate::extract_line(&reader, &line);
                writeln!(out, "{v}")?;
            }
            out.flush()?;
        }
        NlpCommand::Eval {
            labels,
            mistakes,
            model,
        } => {
            let reader = match model {
                None => reader()?,
                Some(path) => {
                    let json = std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                    let model = crate::nlp::intent::Model::from_json(&json)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    let engine = crate::nlp::intent::RuleModelEngine::new(model)
                        .map_err(|e| anyhow::anyhow!("cannot build the intent engine: {e}"))?;
                    crate::nlp::request::Reader::with_engine(std::sync::Arc::new(engine))
                }
            };
            let e = crate::nlp::evaluate::evaluate_corpus(&reader, &labels)?;
            print!("{e}");
            if mistakes {
                for m in &e.mistakes {
                    println!("  {m}");
                }
            }
        }
        NlpCommand::Derive { labels, out } => {
            let n = crate::nlp::evaluate::derive_examples(&reader()?, &labels, &out)?;
            println!("wrote {n} examples to {}", out.display());
        }
        NlpCommand::Cv {
            dir,
            folds,
            train_config,
            test_on,
            by_split,
            mistakes,
        } => {
            use crate::nlp::intent::{Origin, train};
            let cfg: train::TrainConfig = match train_config {
                Some(json) => serde_json::from_str(&json)?,
                None => Default::default(),
            };
            let examples = train::load_dir(&dir.join("data"))
                .map_err(|e| anyhow::anyhow!("cannot load examples: {e}"))?;
            let (held, rest): (Vec<_>, Vec<_>) = examples
                .into_iter()
                .partition(|e| e.origin == Origin::Corpus);
            let (held, tested) = match test_on {
                None => (held.clone(), held),
                Some(path) => {
                    let text = std::fs::read_to_string(&path)?;
                    let test = train::parse_examples(&text, &path)
                        .map_err(|e| anyhow::anyhow!("cannot load {}: {e}", path.display()))?;
                    held.into_iter()
                        .filter_map(|h| {
                            let t = test.iter().find(|t| t.source == h.source)?.clone();
                            Some((h, t))
                        })
                        .unzip()
                }
            };
            if by_split {
                let mut splits: Vec<&str> =
                    held.iter().map(|h| train::split_of(&h.source)).collect();
                splits.sort_unstable();
                splits.dedup();
                let fold_of: Vec<usize> = held
                    .iter()
                    .map(|h| {
                        splits
                            .binary_search(&train::split_of(&h.source))
                            .unwrap_or(0)
                    })
                    .collect();
                let (e, wrong) = train::cross_validate_folds_with_mistakes(
                    &rest, &held, &tested, &fold_of, &cfg,
                )
                .map_err(|e| anyhow::anyhow!("cross-validation failed: {e}"))?;
                println!(
                    "leave-one-split-out cross-validation over {} corpus examples ({})",
                    held.len(),
                    splits.join(", ")
                );
                print!("{e}");
                if mistakes {
                    for m in wrong {
                        println!(
                            "  {}: {:?} (want {:?}) {:.2}",
                            m.source, m.predicted, m.truth, m.confidence
                        );
                    }
                }
                return Ok(());
            }
            let e = train::cross_validate(&rest, &held, &tested, folds, &cfg)
                .map_err(|e| anyhow::anyhow!("cross-validation failed: {e}"))?;
            println!(
                "{folds}-fold cross-validation over {} corpus examples",
                held.len()
            );
            print!("{e}");
        }
        NlpCommand::Train { dir } => {
            let report = crate::nlp::intent::train::retrain_dir(&dir, &Default::default())
                .map_err(|e| anyhow::anyhow!("training failed: {e}"))?;
            println!("{report}");
        }
    }
    Ok(())
}

fn bench(command: BenchCommand) -> anyhow::Result<()> {
    use crate::nlp::bench;
    let BenchCommand::Nlp {
        corpus,
        iterations,
        warmup,
        slowest,
        chrono_dir,
        no_chrono,
        json,
    } = command
    else {
        anyhow::bail!("not an nlp benchmark");
    };
    if cfg!(debug_assertions) {
        eprintln!("cams: warning: a debug build; its figures are not the product's");
    }
    let reader = crate::nlp::request::Reader::embedded()
        .map_err(|e| anyhow::anyhow!("cannot load the intent model: {e}"))?;
    let emails = bench::load_corpus(&corpus)?;
    let warmup = warmup.max(1);
    let cams = bench::bench_reader(
        &reader,
        &emails,
        chrono::Utc::now().fixed_offset(),
        warmup - 1,
        iterations,
        slowest,
    )?;
    let chrono = if no_chrono {
        bench::ChronoOutcome::Unavailable("skipped (--no-chrono)".to_string())
    } else {
        bench::run_chrono(&chrono_dir, &cams.texts_jsonl, warmup, iterations)
    };
    let report = bench::Report { cams, chrono };
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{report}");
    }
    Ok(())
}
