//! IMAP ingest against a real Dovecot (scripts/services/dovecot.sh): IDLE latency, dedupe,
//! flag and move, UIDVALIDITY resync, reconnect after kill -9, one poller per mailbox.

use std::time::{Duration, Instant};

use cams::config::{Config, ImapAuth, ImapMailboxConfig, ImapProcessed, ImapTls};
use cams::ingest::imap::{
    self, ImapSession, MailboxSettings, PollerHandle, Processed, ProcessedFlag,
};
use secrecy::SecretString;
use sqlx::postgres::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::support::{self, TestDb};

const FLAG: &str = "$CamsProcessed";

/// Where the test Dovecot listens. scripts/test.sh starts it and exports these; a test never
/// skips when they are missing, it fails and says how to start the server.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    host: String,
    port: u16,
    user: String,
    password: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: the IMAP tests need the real Dovecot. Run \
             `eval \"$(scripts/services/dovecot.sh)\"; export IMAP_HOST IMAP_PORT IMAP_USER \
             IMAP_PASSWORD` (scripts/test.sh does this)"
        )
    })
}

pub(crate) fn server() -> Server {
    Server {
        host: var("IMAP_HOST"),
        port: var("IMAP_PORT")
            .parse()
            .expect("IMAP_PORT is a port number"),
        user: var("IMAP_USER"),
        password: var("IMAP_PASSWORD"),
    }
}

pub(crate) fn mailbox_config(s: &Server, name: &str, folder: &str) -> ImapMailboxConfig {
    ImapMailboxConfig {
        name: name.to_string(),
        host: s.host.clone(),
        port: s.port,
        tls: ImapTls::Plain,
        tls_ca_file: None,
        username: s.user.clone(),
        auth: ImapAuth::Password,
        password: SecretString::from(s.password.clone()),
        folder: folder.to_string(),
        processed: ImapProcessed::Flag,
        processed_flag: None,
        move_to: None,
        idle: true,
        user_email: None,
    }
}

/// A configuration with fast reconnects and short leases, polling `mailbox`.
fn config(db: &TestDb, mailbox: ImapMailboxConfig) -> Config {
    let mut c = db.config();
    c.imap.mailboxes = vec![mailbox];
    c.imap.lease_secs = 3;
    c.imap.backoff_base_ms = 200;
    c.imap.backoff_cap_secs = 2;
    c.imap.timeout_secs = 10;
    c.imap.poll_interval_secs = 1;
    c
}

/// A separate session of the test itself, for appending and looking at the folder.
pub(crate) async fn observer(s: &Server) -> ImapSession {
    let settings = MailboxSettings {
        id: Uuid::new_v4(),
        name: "observer".into(),
        host: s.host.clone(),
        port: s.port,
        tls: ImapTls::Plain,
        ca_pem: None,
        username: s.user.clone(),
        auth: ImapAuth::Password,
        secret: SecretString::from(s.password.clone()),
        folder: "INBOX".into(),
        processed: Processed::Flag(ProcessedFlag::parse(FLAG).unwrap()),
        idle: false,
        user_email: None,
    };
    imap::connect(&settings, Duration::from_secs(10))
        .await
        .expect("the test Dovecot accepts the test user")
}

pub(crate) fn folder() -> String {
    format!("T{}", &Uuid::new_v4().simple().to_string()[..12])
}

fn message(message_id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: Guest <guest@example.net>\r\nTo: agent@example.test\r\n\
         Subject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nCould we meet Tuesday at 3pm?\r\n"
    )
    .into_bytes()
}

async fn append(s: &mut ImapSession, folder: &str, raw: &[u8]) {
    s.append(folder, None, None, raw).await.expect("APPEND");
}

/// (all UIDs, UIDs carrying the processed keyword) of a folder.
async fn uids(s: &mut ImapSession, folder: &str) -> (usize, usize) {
    try_uids(s, folder).await.expect("EXAMINE and UID SEARCH")
}

async fn try_uids(
    s: &mut ImapSession,
    folder: &str,
) -> Result<(usize, usize), async_imap::error::Error> {
    s.examine(folder).await?;
    let all = s.uid_search("ALL").await?.len();
    let flagged = s.uid_search(format!("KEYWORD {FLAG}")).await?.len();
    Ok((all, flagged))
}

async fn stored(pool: &PgPool, mailbox: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM inbound_messages WHERE mailbox_id = $1")
        .bind(mailbox)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn process_jobs(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM job_queue WHERE job_type = 'inbound.process'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Waits until `check` holds, or fails with `what` after `limit`.
async fn until<F, Fut>(limit: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits until the folder's (all, flagged) counts satisfy `check`.
async fn until_folder(
    obs: &mut ImapSession,
    folder: &str,
    limit: Duration,
    what: &str,
    check: impl Fn((usize, usize)) -> bool,
) {
    let start = Instant::now();
    loop {
        // Right after a folder is recreated Dovecot may answer NO [SERVERBUG] while its indexes
        // settle (another session had the old folder open): look again.
        let seen = try_uids(obs, folder)
            .await
            .unwrap_or((usize::MAX, usize::MAX));
        if check(seen) {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "not within {limit:?}: {what} (last seen {seen:?})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct Running {
    stop: CancellationToken,
    tracker: TaskTracker,
    handles: Vec<PollerHandle>,
}

impl Running {
    async fn start(db: &TestDb, config: &Config, owner: &str) -> Running {
        let stop = CancellationToken::new();
        let tracker = TaskTracker::new();
        let handles = imap::start(&db.pool, config, owner, &stop, &tracker)
            .await
            .expect("pollers start");
        tracker.close();
        Running {
            stop,
            tracker,
            handles,
        }
    }

    fn id(&self) -> Uuid {
        self.handles[0].mailbox_id
    }

    fn polling(&self) -> bool {
        self.handles.iter().any(PollerHandle::is_polling)
    }

    async fn connected(&self) {
        until(Duration::from_secs(10), "poller connected", || async {
            self.polling()
        })
        .await;
    }

    async fn stop(self) {
        self.stop.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.tracker.wait())
            .await
            .expect("pollers stop within 10 s");
    }
}

#[tokio::test]
async fn appended_message_is_stored_within_two_seconds_by_idle_and_flagged() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "idle", &f)), "a").await;
    run.connected().await;

    append(&mut obs, &f, &message("idle-1@example.net", "hello")).await;
    let took = until(Duration::from_secs(2), "message stored by IDLE", || async {
        stored(&db.pool, run.id()).await == 1
    })
    .await;
    println!("IDLE: appended to stored in {took:?}");
    assert_eq!(process_jobs(&db.pool).await, 1, "its processing is queued");

    until_folder(
        &mut obs,
        &f,
        Duration::from_secs(2),
        "message flagged on the server",
        |u| u == (1, 1),
    )
    .await;
    until(
        Duration::from_secs(2),
        "checkpoint at the UID handled",
        || async {
            let cp = cams::db::mailboxes::checkpoint(&db.pool, run.id())
                .await
                .unwrap();
            cp.uid_validity.is_some() && cp.last_uid == 1
        },
    )
    .await;
    run.stop().await;
    let lease = cams::db::mailboxes::lease(&db.pool, run_id_after_stop(&db).await)
        .await
        .unwrap();
    assert!(lease.is_none(), "a stopped poller gives its lease back");
}

async fn run_id_after_stop(db: &TestDb) -> Uuid {
    sqlx::query_scalar("SELECT id FROM mailboxes")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_same_message_appended_twice_is_stored_once() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "twice", &f)), "a").await;
    run.connected().await;

    let raw = message("twice@example.net", "same");
    append(&mut obs, &f, &raw).await;
    append(&mut obs, &f, &raw).await;
    until_folder(
        &mut obs,
        &f,
        Duration::from_secs(5),
        "both copies handled (flagged)",
        |u| u == (2, 2),
    )
    .await;
    assert_eq!(stored(&db.pool, run.id()).await, 1);
    assert_eq!(process_jobs(&db.pool).await, 1, "processed once");
    run.stop().await;
}

#[tokio::test]
async fn polling_fallback_without_idle_stores_mail() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let mut m = mailbox_config(&srv, "poll", &f);
    m.idle = false;
    let run = Running::start(&db, &config(&db, m), "a").await;
    run.connected().await;
    append(&mut obs, &f, &message("poll@example.net", "poll")).await;
    until(Duration::from_secs(4), "stored by polling", || async {
        stored(&db.pool, run.id()).await == 1
    })
    .await;
    run.stop().await;
}

#[tokio::test]
async fn processed_mail_is_moved() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let done = format!("{f}done");
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let mut m = mailbox_config(&srv, "move", &f);
    m.processed = ImapProcessed::Move;
    m.move_to = Some(done.clone());
    let run = Running::start(&db, &config(&db, m), "a").await;
    run.connected().await;

    append(&mut obs, &f, &message("move-1@example.net", "one")).await;
    append(&mut obs, &f, &message("move-2@example.net", "two")).await;
    until_folder(
        &mut obs,
        &f,
        Duration::from_secs(5),
        "both moved out of the polled folder",
        |u| u.0 == 0,
    )
    .await;
    assert_eq!(
        uids(&mut obs, &done).await.0,
        2,
        "both are in the target folder"
    );
    assert_eq!(stored(&db.pool, run.id()).await, 2);
    run.stop().await;
}

#[tokio::test]
async fn a_uidvalidity_change_resynchronises_without_reprocessing_old_mail() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "validity", &f)), "a").await;
    run.connected().await;
    let old = message("old@example.net", "old");
    append(&mut obs, &f, &old).await;
    append(&mut obs, &f, &message("old-2@example.net", "old 2")).await;
    until_folder(
        &mut obs,
        &f,
        Duration::from_secs(3),
        "old mail stored and flagged",
        |u| u == (2, 2),
    )
    .await;
    // The checkpoint moves after the flags are set (mark only after the store committed).
    until(Duration::from_secs(2), "checkpoint at UID 2", || async {
        cams::db::mailboxes::checkpoint(&db.pool, run.id())
            .await
            .unwrap()
            .last_uid
            == 2
    })
    .await;
    let before = cams::db::mailboxes::checkpoint(&db.pool, run.id())
        .await
        .unwrap();
    let cfg = config(&db, mailbox_config(&srv, "validity", &f));
    run.stop().await;

    // While CAMS is stopped the folder is recreated (a restore, a server move): it gets a new
    // UIDVALIDITY and UIDs restart at 1, so the stored UID 2 now means nothing. The old message
    // comes back unflagged, next to one really new message. (Done while stopped: Dovecot's
    // indexes race when a folder is deleted under a session that has it selected.)
    // Dovecot now and then keeps the old index (and UIDVALIDITY) when a folder is recreated at
    // once; recreate until the server really reports a new one, which is what is under test.
    let mut recreated = false;
    for _ in 0..10 {
        obs.examine("INBOX").await.unwrap();
        obs.delete(&f).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        obs.create(&f).await.unwrap();
        if obs.examine(&f).await.unwrap().uid_validity != before.uid_validity {
            recreated = true;
            break;
        }
    }
    assert!(
        recreated,
        "Dovecot gave the recreated folder a new UIDVALIDITY"
    );
    append(&mut obs, &f, &old).await;
    append(&mut obs, &f, &message("new@example.net", "new")).await;
    let run = Running::start(&db, &cfg, "a").await;

    until(
        Duration::from_secs(10),
        "new mail stored after the resync",
        || async { stored(&db.pool, run.id()).await == 3 },
    )
    .await;
    until_folder(
        &mut obs,
        &f,
        Duration::from_secs(3),
        "both messages of the new folder flagged",
        |u| u == (2, 2),
    )
    .await;
    until(
        Duration::from_secs(2),
        "checkpoint under the new UIDVALIDITY",
        || async {
            let cp = cams::db::mailboxes::checkpoint(&db.pool, run.id())
                .await
                .unwrap();
            cp.uid_validity != before.uid_validity && cp.last_uid == 2
        },
    )
    .await;
    let after = cams::db::mailboxes::checkpoint(&db.pool, run.id())
        .await
        .unwrap();
    assert_ne!(
        after.uid_validity, before.uid_validity,
        "new UIDVALIDITY stored"
    );
    assert_eq!(after.last_uid, 2);
    assert_eq!(
        process_jobs(&db.pool).await,
        3,
        "the restored old message was not processed again"
    );
    run.stop().await;
}

#[tokio::test]
async fn one_poller_per_mailbox_across_processes_and_takeover_after_stop() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let cfg = config(&db, mailbox_config(&srv, "shared", &f));
    let a = Running::start(&db, &cfg, "process-a").await;
    let b = Running::start(&db, &cfg, "process-b").await;
    until(Duration::from_secs(10), "one of them polls", || async {
        a.polling() || b.polling()
    })
    .await;
    // Two lease periods: the other one must not start as well.
    for _ in 0..60 {
        assert!(
            !(a.polling() && b.polling()),
            "two processes poll one mailbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (active, standby, owner) = if a.polling() {
        (a, b, "process-a")
    } else {
        (b, a, "process-b")
    };
    let lease = cams::db::mailboxes::lease(&db.pool, active.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lease.0, owner);

    append(&mut obs, &f, &message("shared-1@example.net", "one")).await;
    until(Duration::from_secs(3), "stored", || async {
        stored(&db.pool, active.id()).await == 1
    })
    .await;

    active.stop().await;
    standby.connected().await;
    append(&mut obs, &f, &message("shared-2@example.net", "two")).await;
    until(
        Duration::from_secs(3),
        "stored by the other process",
        || async { stored(&db.pool, standby.id()).await == 2 },
    )
    .await;
    assert_eq!(process_jobs(&db.pool).await, 2);
    standby.stop().await;
}

/// A Dovecot of this test's own (its own directory and port), so killing it does not disturb the
/// tests running in parallel against the shared one.
struct OwnDovecot {
    dir: std::path::PathBuf,
    server: Server,
}

impl OwnDovecot {
    fn start(dir: &std::path::Path, port: u16) -> Server {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/services/dovecot.sh");
        let out = std::process::Command::new(script)
            .env("SVC_DIR", dir)
            .env("IMAP_PORT", port.to_string())
            .output()
            .expect("run scripts/services/dovecot.sh");
        assert!(
            out.status.success(),
            "dovecot.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .unwrap_or_else(|| panic!("dovecot.sh printed no {k}: {text}"))
                .to_string()
        };
        Server {
            host: get("IMAP_HOST"),
            port: get("IMAP_PORT").parse().unwrap(),
            user: get("IMAP_USER"),
            password: get("IMAP_PASSWORD"),
        }
    }

    fn pid(&self) -> i32 {
        std::fs::read_to_string(self.dir.join("dovecot/master.pid"))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    /// A crash of the whole server: SIGKILL to the master's process group (its children too).
    fn kill9(&self) {
        nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(self.pid()),
            nix::sys::signal::SIGKILL,
        )
        .unwrap();
    }
}

impl Drop for OwnDovecot {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("dovecot/master.pid"))
            && let Ok(pid) = pid.trim().parse::<i32>()
        {
            let _ =
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGTERM);
        }
        std::thread::sleep(Duration::from_millis(300));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn after_dovecot_is_killed_and_restarted_the_poller_reconnects_and_loses_nothing() {
    support::logging();
    // Fail loudly like the other tests when the shared server was not started.
    let _ = server();
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("cams-it-dovecot-{}", Uuid::new_v4().simple()));
    let port = free_port();
    let srv = OwnDovecot::start(&dir, port);
    let own = OwnDovecot {
        dir: dir.clone(),
        server: srv.clone(),
    };
    let f = folder();
    let mut obs = observer(&own.server).await;
    obs.create(&f).await.unwrap();
    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "restart", &f)), "a").await;
    run.connected().await;
    append(&mut obs, &f, &message("before@example.net", "before")).await;
    until(
        Duration::from_secs(2),
        "stored before the crash",
        || async { stored(&db.pool, run.id()).await == 1 },
    )
    .await;
    drop(obs);

    own.kill9();
    until(
        Duration::from_secs(10),
        "poller notices the lost server",
        || async { !run.polling() },
    )
    .await;
    // Delivered while the server is down, as an MTA does: a file in the folder's Maildir.
    let local = srv.user.split('@').next().unwrap();
    let maildir = dir.join(format!("mail/{local}/Maildir/.{f}"));
    let name = format!("{}.M1P1.cams-test", chrono::Utc::now().timestamp());
    std::fs::write(
        maildir.join("tmp").join(&name),
        message("during@example.net", "during"),
    )
    .unwrap();
    std::fs::rename(
        maildir.join("tmp").join(&name),
        maildir.join("new").join(&name),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let again = OwnDovecot::start(&dir, port);
    assert_eq!(again.port, port);
    let mut obs = observer(&own.server).await;
    append(&mut obs, &f, &message("after@example.net", "after")).await;
    let took = until(
        Duration::from_secs(15),
        "reconnected and caught up",
        || async { stored(&db.pool, run.id()).await == 3 },
    )
    .await;
    println!("restart: caught up {took:?} after the server came back");
    run.connected().await;
    assert_eq!(process_jobs(&db.pool).await, 3);
    let error: Option<String> =
        sqlx::query_scalar("SELECT last_error FROM mailboxes WHERE id = $1")
            .bind(run.id())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(error, None, "the error is cleared once polling works again");
    run.stop().await;
}

#[tokio::test]
async fn mailboxes_from_configuration_and_from_the_table_are_polled_side_by_side() {
    use base64::Engine as _;
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let (from_config, from_table) = (folder(), folder());
    let mut obs = observer(&srv).await;
    obs.create(&from_config).await.unwrap();
    obs.create(&from_table).await.unwrap();
    let mut cfg = config(&db, mailbox_config(&srv, "configured", &from_config));
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    cfg.secrets.encryption_key = Some(SecretString::from(key));
    // A mailbox added at run time (e.g. by an admin API): its password sealed at rest.
    let sealed = cams::crypto::SecretBox::from_config(cfg.secrets.encryption_key.as_ref())
        .unwrap()
        .seal(srv.password.as_bytes());
    sqlx::query(
        "INSERT INTO mailboxes (name, host, port, tls_mode, username, secret, key_id, folder)
         VALUES ('from-table', $1, $2, 'plain', $3, $4, $5, $6)",
    )
    .bind(&srv.host)
    .bind(i32::from(srv.port))
    .bind(&srv.user)
    .bind(&sealed.bytes)
    .bind(&sealed.key_id)
    .bind(&from_table)
    .execute(&db.pool)
    .await
    .unwrap();

    let run = Running::start(&db, &cfg, "a").await;
    assert_eq!(run.handles.len(), 2);
    until(
        Duration::from_secs(10),
        "both pollers connected",
        || async { run.handles.iter().all(PollerHandle::is_polling) },
    )
    .await;
    append(
        &mut obs,
        &from_config,
        &message("cfg@example.net", "config"),
    )
    .await;
    append(&mut obs, &from_table, &message("tbl@example.net", "table")).await;
    for h in &run.handles {
        until(
            Duration::from_secs(3),
            &format!("stored through {}", h.name),
            || async { stored(&db.pool, h.mailbox_id).await == 1 },
        )
        .await;
    }
    run.stop().await;
}

#[tokio::test]
async fn a_message_that_cannot_be_stored_is_skipped_and_does_not_block_the_mailbox() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "poison", &f)), "a").await;
    run.connected().await;
    append(&mut obs, &f, b"\r\n\r\nno header at all\r\n").await;
    append(&mut obs, &f, &message("after-poison@example.net", "fine")).await;
    until(
        Duration::from_secs(3),
        "the good message stored",
        || async { stored(&db.pool, run.id()).await == 1 },
    )
    .await;
    let error: Option<String> =
        sqlx::query_scalar("SELECT last_error FROM mailboxes WHERE id = $1")
            .bind(run.id())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("UID 1 skipped")),
        "the skip is recorded: {error:?}"
    );
    // Left unmarked on the server for a person to look at; the good one is flagged.
    until_folder(
        &mut obs,
        &f,
        Duration::from_secs(2),
        "only the good one flagged",
        |u| u == (2, 1),
    )
    .await;
    run.stop().await;
}

#[tokio::test]
async fn starttls_with_a_trusted_certificate_stores_mail_and_an_untrusted_one_is_refused() {
    support::logging();
    let srv = server();
    let ca = var("IMAP_CA_FILE");
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();

    // Without the test CA the self-signed certificate is not trusted: no login happens.
    let mut untrusted = mailbox_config(&srv, "untrusted", &f);
    untrusted.tls = ImapTls::Starttls;
    let settings = MailboxSettings::from_config(Uuid::new_v4(), &untrusted, FLAG, None).unwrap();
    let err = imap::connect(&settings, Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(matches!(err, imap::ImapError::Tls(_)), "{err}");

    let mut m = mailbox_config(&srv, "starttls", &f);
    m.tls = ImapTls::Starttls;
    m.tls_ca_file = Some(ca.into());
    let run = Running::start(&db, &config(&db, m), "a").await;
    run.connected().await;
    append(&mut obs, &f, &message("tls@example.net", "over TLS")).await;
    until(Duration::from_secs(2), "stored over STARTTLS", || async {
        stored(&db.pool, run.id()).await == 1
    })
    .await;
    run.stop().await;
}

#[tokio::test]
async fn mail_is_flagged_only_after_it_was_stored_and_a_failed_store_is_retried() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "failing", &f)), "a").await;
    run.connected().await;

    // The database refuses every new inbound message, as when it is full or read-only.
    sqlx::raw_sql(
        "CREATE FUNCTION refuse_inbound() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$;
         CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_messages
           FOR EACH ROW EXECUTE FUNCTION refuse_inbound();",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    append(&mut obs, &f, &message("held@example.net", "held")).await;
    until(Duration::from_secs(3), "the failure recorded", || async {
        let e: Option<String> =
            sqlx::query_scalar("SELECT last_error FROM mailboxes WHERE id = $1")
                .bind(run.id())
                .fetch_one(&db.pool)
                .await
                .unwrap();
        e.is_some_and(|e| e.contains("disk full"))
    })
    .await;
    assert_eq!(
        uids(&mut obs, &f).await,
        (1, 0),
        "not marked processed while not stored"
    );
    assert_eq!(
        cams::db::mailboxes::checkpoint(&db.pool, run.id())
            .await
            .unwrap()
            .last_uid,
        0,
        "the checkpoint did not pass the message"
    );

    sqlx::raw_sql("DROP TRIGGER refuse_inbound ON inbound_messages")
        .execute(&db.pool)
        .await
        .unwrap();
    until(
        Duration::from_secs(10),
        "stored once the database accepts it",
        || async { stored(&db.pool, run.id()).await == 1 },
    )
    .await;
    until_folder(&mut obs, &f, Duration::from_secs(2), "then flagged", |u| {
        u == (1, 1)
    })
    .await;
    run.stop().await;
}

#[tokio::test]
async fn a_first_visit_takes_recent_unmarked_mail_but_not_the_folders_history() {
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    // Already there before CAMS ever looked: a message from months ago, one already processed
    // (flagged), and one that arrived just now.
    obs.append(
        &f,
        None,
        Some("\"01-Jan-2026 10:00:00 +0000\""),
        message("history@example.net", "history"),
    )
    .await
    .unwrap();
    obs.append(
        &f,
        Some(&format!("({FLAG})")),
        None,
        message("done@example.net", "done"),
    )
    .await
    .unwrap();
    append(&mut obs, &f, &message("recent@example.net", "recent")).await;

    let run = Running::start(&db, &config(&db, mailbox_config(&srv, "first", &f)), "a").await;
    run.connected().await;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT message_id FROM inbound_messages WHERE mailbox_id = $1")
            .bind(run.id())
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(ids, vec!["recent@example.net".to_string()]);
    assert_eq!(
        cams::db::mailboxes::checkpoint(&db.pool, run.id())
            .await
            .unwrap()
            .last_uid,
        3,
        "the checkpoint passes the history too"
    );
    append(&mut obs, &f, &message("later@example.net", "later")).await;
    until(Duration::from_secs(2), "later mail stored", || async {
        stored(&db.pool, run.id()).await == 2
    })
    .await;
    run.stop().await;
}

#[tokio::test]
async fn a_mailbox_added_to_the_table_while_running_is_polled() {
    use base64::Engine as _;
    support::logging();
    let srv = server();
    let db = TestDb::new().await;
    let f = folder();
    let mut obs = observer(&srv).await;
    obs.create(&f).await.unwrap();
    let mut cfg = db.config();
    cfg.imap.refresh_secs = 1;
    cfg.imap.backoff_base_ms = 200;
    let key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    cfg.secrets.encryption_key = Some(SecretString::from(key));
    let run = Running::start(&db, &cfg, "a").await;
    assert!(run.handles.is_empty());

    let sealed = cams::crypto::SecretBox::from_config(cfg.secrets.encryption_key.as_ref())
        .unwrap()
        .seal(srv.password.as_bytes());
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO mailboxes (name, host, port, tls_mode, username, secret, key_id, folder)
         VALUES ('added-later', $1, $2, 'plain', $3, $4, $5, $6) RETURNING id",
    )
    .bind(&srv.host)
    .bind(i32::from(srv.port))
    .bind(&srv.user)
    .bind(&sealed.bytes)
    .bind(&sealed.key_id)
    .bind(&f)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    until(
        Duration::from_secs(5),
        "the new row checkpointed by a poller",
        || async {
            cams::db::mailboxes::checkpoint(&db.pool, id)
                .await
                .unwrap()
                .uid_validity
                .is_some()
        },
    )
    .await;
    append(&mut obs, &f, &message("later-row@example.net", "hi")).await;
    until(
        Duration::from_secs(3),
        "stored through the new row",
        || async { stored(&db.pool, id).await == 1 },
    )
    .await;
    run.stop().await;
}
