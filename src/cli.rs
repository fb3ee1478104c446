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
    /// Apply pending database migrations; a second run does nothing.
    Migrate,
    /// Print the effective configuration with secrets redacted, or name every bad key.
    CheckConfig,
    /// Database upkeep.
    Db {
        #[command(subcommand)]
        command: DbCommand,
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
    let result = match cli.command {
        Command::Serve => app::serve(config).await,
        Command::Migrate => migrate(&config).await,
        Command::Db {
            command: DbCommand::Maintain,
        } => maintain(&config).await,
        Command::CheckConfig => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cams: {e:#}");
            ExitCode::FAILURE
        }
    }
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
