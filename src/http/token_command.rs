//! `cams token create|list|revoke`: API tokens from the command line. The secret is printed once,
//! at creation; afterwards only its prefix is ever shown.

use chrono::{TimeDelta, Utc};
use clap::Subcommand;
use uuid::Uuid;

use super::auth;
use crate::config::Config;
use crate::db::{self, api_tokens, users};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for a user and print it (the only time it is shown).
    Create {
        /// The user's email.
        #[arg(long)]
        user: String,
        /// A label to tell tokens apart, e.g. "laptop".
        #[arg(long, default_value = "default")]
        name: String,
        /// Days until the token stops working; without it, it works until revoked.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
        expires_days: Option<i64>,
    },
    /// A user's tokens: id, name, prefix, created, last used, expiry, revocation.
    List {
        #[arg(long)]
        user: String,
    },
    /// Stop a token from working.
    Revoke { id: Uuid },
}

pub async fn run(config: &Config, command: TokenCommand) -> anyhow::Result<()> {
    let database = db::open(config).await?;
    let result = run_on(&database.pool, command).await;
    database.close().await;
    result
}

async fn user_id(conn: &mut sqlx::PgConnection, email: &str) -> anyhow::Result<Uuid> {
    users::by_email(conn, email)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("no user {email}; add one with `cams user add`"))
}

async fn run_on(pool: &sqlx::PgPool, command: TokenCommand) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await?;
    match command {
        TokenCommand::Create {
            user,
            name,
            expires_days,
        } => {
            let user_id = user_id(&mut conn, &user).await?;
            let minted = auth::mint();
            let expires_at = expires_days.map(|d| Utc::now() + TimeDelta::days(d));
            let id = api_tokens::insert(
                &mut conn,
                user_id,
                &name,
                &minted.hash,
                &minted.prefix,
                expires_at,
            )
            .await?;
            println!("{}", minted.token);
            eprintln!(
                "token {id} for {user} ({name}){}; store it now, it is not shown again",
                expires_at
                    .map(|t| format!(", expires {}", t.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_default()
            );
        }
        TokenCommand::List { user } => {
            let user_id = user_id(&mut conn, &user).await?;
            let fmt = |t: Option<chrono::DateTime<Utc>>| {
                t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "-".into())
            };
            for t in api_tokens::list(&mut conn, user_id).await? {
                println!(
                    "{}  {:<11}…  {:<16}  created {}  used {}  expires {}{}",
                    t.id,
                    t.prefix,
                    t.name,
                    fmt(Some(t.created_at)),
                    fmt(t.last_used_at),
                    fmt(t.expires_at),
                    t.revoked_at
                        .map(|r| format!("  REVOKED {}", fmt(Some(r))))
                        .unwrap_or_default()
                );
            }
        }
        TokenCommand::Revoke { id } => {
            if api_tokens::revoke(&mut conn, id, Utc::now()).await? {
                println!("revoked {id}");
            } else {
                anyhow::bail!("no active token {id}");
            }
        }
    }
    Ok(())
}
