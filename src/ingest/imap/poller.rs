//! One mailbox's poller: hold the lease, connect, catch up from the checkpoint, then IDLE (or
//! poll), store each new message and only then mark it processed on the server.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;
use futures::TryStreamExt;
use sqlx::postgres::PgPool;
use tokio_util::sync::CancellationToken;

use super::ImapError;
use super::backoff::Backoff;
use super::checkpoint::{self, Plan};
use super::settings::{MailboxSettings, Processed};
use super::transport::{self, ImapSession};
use crate::config::Config;
use crate::db::inbound::{Source, Stored};
use crate::db::mailboxes;
use crate::ingest::store::{self, IngestError, RawInbound};

/// Process-wide poller settings.
#[derive(Debug, Clone)]
pub struct PollerOptions {
    pub owner: String,
    pub lease_ttl: Duration,
    pub idle_reissue: Duration,
    pub poll_interval: Duration,
    pub backoff: Backoff,
    pub timeout: Duration,
    pub fetch_batch: usize,
    pub max_message_bytes: usize,
    pub max_attempts: i32,
}

impl PollerOptions {
    pub fn from_config(config: &Config, owner: &str) -> PollerOptions {
        let imap = &config.imap;
        PollerOptions {
            owner: owner.to_string(),
            lease_ttl: Duration::from_secs(imap.lease_secs),
            idle_reissue: Duration::from_secs(imap.idle_reissue_secs),
            poll_interval: Duration::from_secs(imap.poll_interval_secs),
            backoff: Backoff {
                base: Duration::from_millis(imap.backoff_base_ms),
                cap: Duration::from_secs(imap.backoff_cap_secs),
            },
            timeout: Duration::from_secs(imap.timeout_secs),
            fetch_batch: imap.fetch_batch,
            max_message_bytes: config.inbound.max_message_bytes,
            max_attempts: config.inbound.max_attempts,
        }
    }
}

/// The mailbox lease as this poller holds it.
struct Lease<'a> {
    pool: &'a PgPool,
    mailbox: uuid::Uuid,
    owner: &'a str,
    ttl: Duration,
    renewed: Instant,
}

impl Lease<'_> {
    fn renew_every(&self) -> Duration {
        self.ttl / 3
    }

    async fn acquire(&mut self) -> Result<bool, ImapError> {
        let won =
            mailboxes::try_lease(self.pool, self.mailbox, self.owner, self.ttl.as_secs()).await?;
        self.renewed = Instant::now();
        Ok(won)
    }

    /// Renews when a third of the lease has passed; LeaseLost when another process took it.
    async fn keep(&mut self) -> Result<(), ImapError> {
        if self.renewed.elapsed() < self.renew_every() {
            return Ok(());
        }
        if !mailboxes::renew_lease(self.pool, self.mailbox, self.owner, self.ttl.as_secs()).await? {
            return Err(ImapError::LeaseLost);
        }
        self.renewed = Instant::now();
        Ok(())
    }

    async fn release(&self) {
        if let Err(e) = mailboxes::release_lease(self.pool, self.mailbox, self.owner).await {
            tracing::warn!("cannot release the mailbox lease (it will expire): {e}");
        }
    }
}

/// Sleeps `total` while keeping the lease; false when shutdown came first.
async fn sleep_holding(
    lease: &mut Lease<'_>,
    total: Duration,
    stop: &CancellationToken,
) -> Result<bool, ImapError> {
    let until = Instant::now() + total;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(true);
        }
        tokio::select! {
            _ = stop.cancelled() => return Ok(false),
            _ = tokio::time::sleep(left.min(lease.renew_every())) => lease.keep().await?,
        }
    }
}

async fn sleep_or_stop(d: Duration, stop: &CancellationToken) -> bool {
    tokio::select! {
        _ = stop.cancelled() => false,
        _ = tokio::time::sleep(d) => true,
    }
}

/// Runs until `stop` fires: waits for the lease, polls while holding it, reconnects after
/// failures with exponential backoff and jitter, and releases the lease at the end.
pub async fn run_poller(
    pool: PgPool,
    mailbox: MailboxSettings,
    options: PollerOptions,
    stop: CancellationToken,
    polling: Arc<AtomicBool>,
) {
    let mut lease = Lease {
        pool: &pool,
        mailbox: mailbox.id,
        owner: &options.owner,
        ttl: options.lease_ttl,
        renewed: Instant::now(),
    };
    let mut failures = 0u32;
    while !stop.is_cancelled() {
        match lease.acquire().await {
            Ok(true) => {}
            Ok(false) => {
                // Another process polls it; look again about when its lease would run out.
                let wait = lease
                    .renew_every()
                    .mul_f64(0.75 + rand::random::<f64>() / 2.0);
                if !sleep_or_stop(wait, &stop).await {
                    break;
                }
                continue;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(mailbox = %mailbox.name, "cannot take the lease: {e}");
                if !sleep_or_stop(options.backoff.next_delay(failures), &stop).await {
                    break;
                }
                continue;
            }
        }
        let outcome = session(
            &pool,
            &mailbox,
            &options,
            &mut lease,
            &stop,
            &polling,
            &mut failures,
        )
        .await;
        polling.store(false, Ordering::SeqCst);
        match outcome {
            Ok(()) => break,
            Err(ImapError::LeaseLost) => {
                tracing::warn!(mailbox = %mailbox.name, "lease lost to another process; standing by");
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let delay = options.backoff.next_delay(failures);
                metrics::counter!("cams_imap_session_failures_total", "mailbox" => mailbox.name.clone())
                    .increment(1);
                tracing::warn!(mailbox = %mailbox.name, failures, ?delay, "IMAP session ended: {e}");
                let _ = mailboxes::record_poll(&pool, mailbox.id, Some(&e.to_string())).await;
                match sleep_holding(&mut lease, delay, &stop).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => tracing::warn!(mailbox = %mailbox.name, "{e}"),
                }
            }
        }
    }
    lease.release().await;
    tracing::info!(mailbox = %mailbox.name, "poller stopped");
}

async fn timed<T, F>(limit: Duration, what: &'static str, f: F) -> Result<T, ImapError>
where
    F: Future<Output = Result<T, async_imap::error::Error>>,
{
    tokio::time::timeout(limit, f)
        .await
        .map_err(|_| ImapError::Timeout(what))?
        .map_err(ImapError::from)
}

/// What ended an IDLE.
enum Wake {
    Changed,
    Reissue,
    Stop,
}

/// One connection: login, select, catch up, then wait for changes until stopped or failed.
async fn session(
    pool: &PgPool,
    mailbox: &MailboxSettings,
    options: &PollerOptions,
    lease: &mut Lease<'_>,
    stop: &CancellationToken,
    polling: &AtomicBool,
    failures: &mut u32,
) -> Result<(), ImapError> {
    let t = options.timeout;
    let mut imap = transport::connect(mailbox, t).await?;
    let caps = timed(t, "CAPABILITY", imap.capabilities()).await?;
    let can_idle = mailbox.idle && caps.has_str("IDLE");
    let can_move = caps.has_str("MOVE");
    let uidplus = caps.has_str("UIDPLUS");
    if let Processed::Move(target) = &mailbox.processed {
        // NO when it already exists; a real problem shows up at the first MOVE.
        let _ = timed(t, "CREATE", imap.create(target)).await;
    }
    let selected = timed(t, "SELECT", imap.select(&mailbox.folder)).await?;
    let validity = selected.uid_validity.ok_or(ImapError::NoUidValidity)?;
    // Connected and selected: the previous session's failure is over. A message skipped during
    // this session records its own error after this.
    mailboxes::record_poll(pool, mailbox.id, None).await?;
    let stored = mailboxes::saved_checkpoint(pool, mailbox.id).await?;
    let plan = checkpoint::plan(stored, validity, chrono::Utc::now());
    if let Plan::Resync {
        previous_validity: Some(old),
        ..
    } = plan
    {
        tracing::warn!(mailbox = %mailbox.name, old, new = validity, "UIDVALIDITY changed; resynchronising");
    }
    let ctx = Pass {
        pool,
        mailbox,
        options,
        can_move,
        uidplus,
        validity,
    };
    ctx.catch_up(&mut imap, lease, plan, selected.uid_next)
        .await?;
    polling.store(true, Ordering::SeqCst);
    *failures = 0;
    tracing::info!(mailbox = %mailbox.name, idle = can_idle, "connected and up to date");

    loop {
        let wake = if can_idle {
            // Empties the queue of unsolicited responses (the library drops new ones when it is
            // full) and says whether any announced new mail (EXISTS, RFC 3501 section 7.3.1).
            let unsolicited = imap.unsolicited_responses.clone();
            let new_mail_announced = || {
                let mut announced = false;
                while let Ok(r) = unsolicited.try_recv() {
                    announced |= matches!(
                        r,
                        UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
                    );
                }
                announced
            };
            let mut idle = imap.idle();
            timed(t, "IDLE", idle.init()).await?;
            let started = Instant::now();
            let wake = loop {
                // Mail that arrived during the catch-up or before IDLE started was announced in
                // the responses to those commands, not during IDLE.
                if new_mail_announced() {
                    break Wake::Changed;
                }
                let left = options.idle_reissue.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break Wake::Reissue;
                }
                let slice = left.min(lease.renew_every());
                let (wait, _interrupt) = idle.wait_with_timeout(slice);
                // The library's timeout restarts at every keepalive ("* OK Still here"); a
                // server chattier than the lease period would starve the renewal, so the slice
                // is also bounded here. The IDLE stream keeps its state when the wait is dropped.
                let got = tokio::select! {
                    r = wait => Some(r?),
                    _ = tokio::time::sleep(slice) => Some(IdleResponse::Timeout),
                    _ = stop.cancelled() => None,
                };
                match got {
                    None => break Wake::Stop,
                    Some(IdleResponse::NewData(_)) => break Wake::Changed,
                    Some(IdleResponse::Timeout) => lease.keep().await?,
                    // The stream ended without our interrupt: the server went away.
                    Some(IdleResponse::ManualInterrupt) => {
                        return Err(ImapError::Closed("during IDLE"));
                    }
                }
            };
            imap = timed(t, "DONE", idle.done()).await?;
            wake
        } else if sleep_holding(lease, options.poll_interval, stop).await? {
            timed(t, "NOOP", imap.noop()).await?;
            Wake::Changed
        } else {
            Wake::Stop
        };
        match wake {
            Wake::Stop => {
                let _ = tokio::time::timeout(Duration::from_secs(2), imap.logout()).await;
                return Ok(());
            }
            Wake::Changed | Wake::Reissue => {
                lease.keep().await?;
                let stored = mailboxes::saved_checkpoint(pool, mailbox.id).await?;
                let plan = checkpoint::plan(stored, validity, chrono::Utc::now());
                ctx.catch_up(&mut imap, lease, plan, None).await?;
            }
        }
    }
}

/// One catch-up pass over the selected folder.
struct Pass<'a> {
    pool: &'a PgPool,
    mailbox: &'a MailboxSettings,
    options: &'a PollerOptions,
    can_move: bool,
    uidplus: bool,
    validity: u32,
}

impl Pass<'_> {
    async fn catch_up(
        &self,
        imap: &mut ImapSession,
        lease: &mut Lease<'_>,
        plan: Plan,
        uid_next: Option<u32>,
    ) -> Result<(), ImapError> {
        let t = self.options.timeout;
        let query = match (plan, &self.mailbox.processed) {
            (Plan::After(last), _) => format!("UID {}:*", last.saturating_add(1)),
            (Plan::Resync { since, .. }, Processed::Flag(flag)) => format!(
                "{} SINCE {}",
                flag.search_unmarked(),
                checkpoint::search_date(since)
            ),
            (Plan::Resync { since, .. }, Processed::Move(_)) => {
                format!("SINCE {}", checkpoint::search_date(since))
            }
        };
        let floor = match plan {
            Plan::After(last) => last,
            Plan::Resync { .. } => 0,
        };
        // "n:*" matches the highest UID even when it is below n (RFC 3501 section 6.4.8).
        let uids: BTreeSet<u32> = timed(t, "UID SEARCH", imap.uid_search(&query))
            .await?
            .into_iter()
            .filter(|u| *u > floor)
            .collect();
        let uids: Vec<u32> = uids.into_iter().collect();
        let mut handled_max = None;
        for chunk in uids.chunks(self.options.fetch_batch) {
            lease.keep().await?;
            let set = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let fetched: Vec<(u32, Vec<u8>)> = {
                let stream =
                    timed(t, "UID FETCH", imap.uid_fetch(&set, "(UID BODY.PEEK[])")).await?;
                let all: Vec<_> = tokio::time::timeout(t, stream.try_collect::<Vec<_>>())
                    .await
                    .map_err(|_| ImapError::Timeout("UID FETCH"))??;
                all.into_iter()
                    .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
                    .filter(|(uid, _)| chunk.contains(uid))
                    .collect()
            };
            let mut stored = Vec::new();
            for (uid, raw) in &fetched {
                match self.store(raw).await {
                    Ok(s) => {
                        tracing::debug!(uid, ?s, "stored");
                        let outcome = match s {
                            Stored::New(_) => "new",
                            Stored::Duplicate(_) => "duplicate",
                        };
                        metrics::counter!("cams_imap_messages_total", "mailbox" => self.mailbox.name.clone(), "outcome" => outcome)
                            .increment(1);
                        stored.push(*uid);
                    }
                    Err(IngestError::Db(e)) => return Err(ImapError::Db(e)),
                    // Never storable: skipped (left unmarked on the server), so one bad message
                    // does not hold the mailbox back.
                    Err(e) => {
                        tracing::error!(mailbox = %self.mailbox.name, uid, "message skipped: {e}");
                        metrics::counter!("cams_imap_messages_total", "mailbox" => self.mailbox.name.clone(), "outcome" => "skipped")
                            .increment(1);
                        let _ = mailboxes::record_poll(
                            self.pool,
                            self.mailbox.id,
                            Some(&format!("UID {uid} skipped: {e}")),
                        )
                        .await;
                    }
                }
            }
            // Only after the commits above: a crash before this line refetches the messages,
            // which the store then recognises as duplicates.
            self.mark(imap, &stored).await?;
            handled_max = chunk.iter().copied().max().max(handled_max);
            let cp = checkpoint::advance(self.validity, plan, handled_max, None);
            if !mailboxes::save_checkpoint(self.pool, self.mailbox.id, lease.owner, cp).await? {
                return Err(ImapError::LeaseLost);
            }
        }
        let cp = checkpoint::advance(self.validity, plan, handled_max, uid_next);
        if !mailboxes::save_checkpoint(self.pool, self.mailbox.id, lease.owner, cp).await? {
            return Err(ImapError::LeaseLost);
        }
        Ok(())
    }

    async fn store(&self, raw: &[u8]) -> Result<Stored, IngestError> {
        let envelope_to = envelope_recipients(raw, self.mailbox.user_email.as_deref());
        store::ingest(
            self.pool,
            self.options.max_message_bytes,
            self.options.max_attempts,
            &RawInbound {
                source: Source::Imap,
                raw,
                envelope_from: None,
                envelope_to,
                mailbox_id: Some(self.mailbox.id),
                delivery_token: None,
            },
        )
        .await
    }

    async fn mark(&self, imap: &mut ImapSession, uids: &[u32]) -> Result<(), ImapError> {
        if uids.is_empty() {
            return Ok(());
        }
        let t = self.options.timeout;
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        match &self.mailbox.processed {
            Processed::Flag(flag) => {
                let stream = timed(
                    t,
                    "UID STORE",
                    imap.uid_store(&set, format!("+FLAGS.SILENT ({})", flag.as_str())),
                )
                .await?;
                let _: Vec<_> = stream.try_collect().await?;
            }
            Processed::Move(target) if self.can_move => {
                timed(t, "UID MOVE", imap.uid_mv(&set, target)).await?;
            }
            Processed::Move(target) => {
                // RFC 6851's MOVE is missing: copy, then delete. Without UIDPLUS the EXPUNGE also
                // removes other messages already marked \Deleted by someone else.
                timed(t, "UID COPY", imap.uid_copy(&set, target)).await?;
                let stream = timed(
                    t,
                    "UID STORE",
                    imap.uid_store(&set, "+FLAGS.SILENT (\\Deleted)"),
                )
                .await?;
                let _: Vec<_> = stream.try_collect().await?;
                if self.uidplus {
                    let s = timed(t, "UID EXPUNGE", imap.uid_expunge(&set)).await?;
                    let _: Vec<_> = s.try_collect().await?;
                } else {
                    let s = timed(t, "EXPUNGE", imap.expunge()).await?;
                    let _: Vec<_> = s.try_collect().await?;
                }
            }
        }
        Ok(())
    }
}

/// The envelope recipients an IMAP message still shows: the mailbox owner's address when known,
/// then the Delivered-To and X-Original-To fields the delivering server added.
pub fn envelope_recipients(raw: &[u8], owner: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = owner.map(str::to_string).into_iter().collect();
    if let Some(msg) = mail_parser::MessageParser::default().parse_headers(raw) {
        for h in msg.headers() {
            let name = h.name().to_ascii_lowercase();
            if (name == "delivered-to" || name == "x-original-to")
                && let Some(text) = h.value().as_text()
            {
                let addr = text
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                if !addr.is_empty() && !out.iter().any(|a| a.eq_ignore_ascii_case(&addr)) {
                    out.push(addr);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_recipients_come_from_the_owner_and_delivery_fields() {
        let raw = b"Delivered-To: agent@example.org\r\nX-Original-To: <ana@example.org>\r\n\
                    From: b@example.net\r\nSubject: x\r\n\r\nbody";
        assert_eq!(
            envelope_recipients(raw, Some("Agent@example.org")),
            vec![
                "Agent@example.org".to_string(),
                "ana@example.org".to_string()
            ]
        );
        assert!(envelope_recipients(b"From: b@example.net\r\n\r\nx", None).is_empty());
    }
}
