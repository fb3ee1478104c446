//! CAMS: a self-hosted, email-first scheduling agent.

/// Wiring of the long-running service: database, worker, HTTP, shutdown.
pub mod agent;
pub mod app;
/// Pure calendar arithmetic: intervals, working hours, recurrence, free slots and explanations.
pub mod availability;
/// Calendar sources (ICS, CalDAV), their sync into the database, freshness, availability reports.
pub mod calendar;
/// The command line.
pub mod cli;
/// Layered configuration with named errors and redacted secrets.
pub mod config;
/// Secrets at rest (AES-256-GCM), keyed from the configuration.
pub mod crypto;
/// All SQL: connection, migrations, row-level security scopes, the job queue.
pub mod db;
/// Guards: reasons never to answer a message automatically (RFC 3834, loops, out of office).
pub mod guard;
/// The HTTP server: health, readiness, metrics (and later inbound mail and approvals).
pub mod http;
/// Mail coming in: the durable inbound store, its processing job and the IMAP pollers.
pub mod ingest;
/// Pure text understanding: MIME to clean text, time expressions, intent and confidence.
pub mod nlp;
/// Mail out: threaded replies, SMTP/outbox/memory mailers, the `outbound.send` job.
pub mod outbound;
/// The pure scheduling policy: what to answer, whether to send it alone, and why.
pub mod policy;
/// Logging and metrics.
pub mod telemetry;
/// Sender trust: Authentication-Results from our server, or DKIM/ARC/DMARC verified here.
pub mod trust;
/// The job runner.
pub mod worker;
