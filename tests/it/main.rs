//! Integration tests against the real PostgreSQL (and, later, Dovecot, SMTP, Radicale).
//! One binary, so it links once; each test gets a database of its own.

mod agent;
mod api_tokens;
mod calendar;
mod constraints;
mod imap;
mod inbound;
mod limits;
mod outbound;
mod queue;
mod rls;
mod schema;
mod service;
mod support;
mod templates;
