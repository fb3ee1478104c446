//! A private PostgreSQL cluster in the data directory, for machines with no server running.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::postgres::PgConnectOptions;

use super::DbError;

/// The superuser the private cluster is created with; CAMS connects as it over the socket.
const SUPERUSER: &str = "cams";

pub struct LocalCluster {
    data: PathBuf,
    socket_dir: PathBuf,
    bin: PathBuf,
    run_as: Option<(u32, u32)>,
    started_by_us: bool,
}

impl LocalCluster {
    /// Initialises the cluster on first use and starts it unless it already runs (another CAMS
    /// process may have started it; then this one leaves it running on exit).
    pub async fn start(dir: &Path) -> Result<LocalCluster, DbError> {
        let dir = dir.to_path_buf();
        tokio::task::spawn_blocking(move || LocalCluster::start_blocking(&dir))
            .await
            .map_err(|e| DbError::LocalCluster(format!("start task failed: {e}")))?
    }

    fn start_blocking(dir: &Path) -> Result<LocalCluster, DbError> {
        let err = |m: String| DbError::LocalCluster(m);
        let bin = find_server_binaries().ok_or_else(|| {
            err(
                "initdb and pg_ctl were not found on the PATH or under /usr/lib/postgresql/*/bin"
                    .into(),
            )
        })?;
        let run_as = unprivileged_user()?;
        let data = dir.join("data");
        let socket_dir = socket_dir_for(dir);
        for d in [dir, &socket_dir] {
            std::fs::create_dir_all(d)
                .map_err(|e| err(format!("cannot create {}: {e}", d.display())))?;
        }
        if let Some((uid, gid)) = run_as {
            // PostgreSQL refuses to run as root; the cluster belongs to an unprivileged user, who
            // must be able to reach the directory through every parent.
            for d in [dir, &socket_dir] {
                chown_tree(d, uid, gid)?;
            }
            if let Some(blocked) = first_untraversable_parent(dir) {
                return Err(err(format!(
                    "{} is not reachable by the unprivileged user that must own the cluster \
                     (no execute permission on {}); set CAMS_DATA_DIR to a directory outside it",
                    dir.display(),
                    blocked.display()
                )));
            }
        }
        let cluster = LocalCluster {
            data,
            socket_dir,
            bin,
            run_as,
            started_by_us: false,
        };
        if !cluster.data.join("PG_VERSION").exists() {
            let out = cluster.run(
                "initdb",
                &[
                    "-D".as_ref(),
                    cluster.data.as_os_str(),
                    "-U".as_ref(),
                    SUPERUSER.as_ref(),
                    "--auth=trust".as_ref(),
                    "--encoding=UTF8".as_ref(),
                    "--no-locale".as_ref(),
                ],
            )?;
            if !out.status.success() {
                return Err(err(format!("initdb failed: {}", tail(&out))));
            }
            tracing::info!(dir = %cluster.data.display(), "initialised a private PostgreSQL cluster");
        }
        let status = cluster.run(
            "pg_ctl",
            &["-D".as_ref(), cluster.data.as_os_str(), "status".as_ref()],
        )?;
        if status.status.success() {
            tracing::info!("private PostgreSQL cluster already running; leaving it as found");
            return Ok(cluster);
        }
        let log = dir.join("postgres.log");
        let options = format!(
            "-c listen_addresses='' -k {} -c unix_socket_permissions=0777",
            cluster.socket_dir.display()
        );
        let out = cluster.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                cluster.data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-w".as_ref(),
                "-t".as_ref(),
                "60".as_ref(),
                "start".as_ref(),
            ],
        )?;
        if !out.status.success() {
            return Err(err(format!(
                "pg_ctl start failed: {} (see {})",
                tail(&out),
                log.display()
            )));
        }
        tracing::info!(socket = %cluster.socket_dir.display(), "started a private PostgreSQL cluster");
        Ok(LocalCluster {
            started_by_us: true,
            ..cluster
        })
    }

    pub fn connect_options(&self) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .port(5432)
            .username(SUPERUSER)
    }

    pub fn started_by_us(&self) -> bool {
        self.started_by_us
    }

    /// Stops the cluster if this process started it (fast shutdown: sessions are ended, data is
    /// flushed).
    pub async fn stop(self) {
        if !self.started_by_us {
            return;
        }
        let result = tokio::task::spawn_blocking(move || {
            self.run(
                "pg_ctl",
                &[
                    "-D".as_ref(),
                    self.data.as_os_str(),
                    "-m".as_ref(),
                    "fast".as_ref(),
                    "-w".as_ref(),
                    "stop".as_ref(),
                ],
            )
        })
        .await;
        match result {
            Ok(Ok(out)) if out.status.success() => {
                tracing::info!("stopped the private PostgreSQL cluster")
            }
            Ok(Ok(out)) => tracing::warn!("pg_ctl stop failed: {}", tail(&out)),
            Ok(Err(e)) => tracing::warn!("pg_ctl stop failed: {e}"),
            Err(e) => tracing::warn!("pg_ctl stop task failed: {e}"),
        }
    }

    fn run(&self, tool: &str, args: &[&std::ffi::OsStr]) -> Result<Output, DbError> {
        let mut cmd = Command::new(self.bin.join(tool));
        cmd.args(args).env("LC_ALL", "C").current_dir("/");
        if let Some((uid, gid)) = self.run_as {
            // std also drops root's supplementary groups when it switches the uid.
            cmd.uid(uid).gid(gid);
        }
        cmd.output()
            .map_err(|e| DbError::LocalCluster(format!("cannot run {tool}: {e}")))
    }
}

fn tail(out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(3)..].join(" | ")
}

/// initdb and pg_ctl from the PATH, else the newest /usr/lib/postgresql/<version>/bin.
fn find_server_binaries() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// When running as root: the `postgres` user if the machine has one, else `nobody`.
fn unprivileged_user() -> Result<Option<(u32, u32)>, DbError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Ok(Some(u)) = nix::unistd::User::from_name(name) {
            return Ok(Some((u.uid.as_raw(), u.gid.as_raw())));
        }
    }
    Err(DbError::LocalCluster(
        "running as root, and neither a `postgres` nor a `nobody` user exists to own the cluster"
            .into(),
    ))
}

fn chown_tree(dir: &Path, uid: u32, gid: u32) -> Result<(), DbError> {
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| DbError::LocalCluster(format!("{}: {e}", dir.display())))?;
    std::os::unix::fs::lchown(dir, Some(uid), Some(gid))
        .map_err(|e| DbError::LocalCluster(format!("cannot chown {}: {e}", dir.display())))?;
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir)
            .map_err(|e| DbError::LocalCluster(format!("{}: {e}", dir.display())))?
            .flatten()
        {
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// The first parent directory that others cannot traverse (so the cluster's owner cannot reach
/// the data directory), if any.
fn first_untraversable_parent(dir: &Path) -> Option<PathBuf> {
    let mut p = dir.parent();
    while let Some(d) = p {
        if let Ok(meta) = std::fs::metadata(d)
            && meta.permissions().mode() & 0o001 == 0
        {
            return Some(d.to_path_buf());
        }
        p = d.parent();
    }
    None
}

/// A unix socket path may not exceed 107 bytes; a deep data directory gets a short socket
/// directory under /tmp named after it.
pub(crate) fn socket_dir_for(dir: &Path) -> PathBuf {
    let preferred = dir.join("run");
    if preferred.join(".s.PGSQL.5432").as_os_str().len() < 100 {
        return preferred;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(dir.as_os_str().as_encoded_bytes());
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    PathBuf::from(format!("/tmp/cams-pg-{short}"))
}
