//! `cams template check|add|list`.

use std::path::Path;

use anyhow::{Context, bail};

use super::render::{self, Renderer, ReplyContext, TemplateKind, UserTemplate};
use crate::cli::TemplateCommand;
use crate::config::Config;
use crate::db::{self, templates, users};

fn kind(s: &str) -> anyhow::Result<TemplateKind> {
    TemplateKind::parse(s).with_context(|| {
        let all: Vec<_> = TemplateKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown template type {s:?}: use one of {}", all.join(", "))
    })
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

pub async fn template(config: &Config, command: TemplateCommand) -> anyhow::Result<()> {
    match command {
        TemplateCommand::Check {
            kind: k,
            subject,
            text,
            html,
        } => {
            let k = kind(&k)?;
            let body = read(&text)?;
            let html = html.as_deref().map(read).transpose()?;
            render::check(k, &subject, &body, html.as_deref())
                .map_err(|e| anyhow::anyhow!("{k} template refused: {e}"))?;
            let preview = UserTemplate {
                id: uuid::Uuid::nil(),
                user_id: uuid::Uuid::nil(),
                name: "preview".into(),
                kind: k,
                language: "en".into(),
                subject,
                body,
                body_html: html,
                is_default: false,
                is_active: true,
                usage_count: 0,
                created_at: chrono::Utc::now(),
            };
            let mut sample = ReplyContext::sample();
            if k != TemplateKind::ApprovalRequest {
                sample.approval = None;
            }
            let r = Renderer::new()?.render_user(&preview, &sample)?;
            println!("ok: the {k} template is valid; rendered with sample data:\n");
            println!("Subject: {}\n\n{}", r.subject, r.text);
            Ok(())
        }
        TemplateCommand::Add {
            user,
            kind: k,
            name,
            language,
            subject,
            text,
            html,
            default,
        } => {
            let k = kind(&k)?;
            let body = read(&text)?;
            let html = html.as_deref().map(read).transpose()?;
            with_user(config, &user, |conn, user_id| {
                Box::pin(async move {
                    let id = templates::save(
                        conn,
                        user_id,
                        &templates::NewTemplate {
                            name: &name,
                            kind: k,
                            language: &language,
                            subject: &subject,
                            body: &body,
                            body_html: html.as_deref(),
                            is_default: default,
                        },
                    )
                    .await?;
                    println!(
                        "added {k} template {id}{}",
                        if default { " (default)" } else { "" }
                    );
                    Ok(())
                })
            })
            .await
        }
        TemplateCommand::List { user, kind: k } => {
            let k = k.as_deref().map(kind).transpose()?;
            with_user(config, &user, |conn, user_id| {
                Box::pin(async move {
                    let list = templates::list(conn, user_id, k).await?;
                    if list.is_empty() {
                        println!("no templates of your own: the built-in defaults apply");
                    }
                    for t in list {
                        println!(
                            "{}  {:<16} {:<6} {:<8} used {:>4}×  {}{}",
                            t.id,
                            t.kind.as_str(),
                            t.language,
                            if t.is_default { "default" } else { "" },
                            t.usage_count,
                            t.name,
                            if t.is_active { "" } else { " (inactive)" }
                        );
                    }
                    Ok(())
                })
            })
            .await
        }
    }
}

type Job<'c> = std::pin::Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'c>>;

/// Opens the database, finds the user by email and runs `f` on one connection.
async fn with_user<F>(config: &Config, email: &str, f: F) -> anyhow::Result<()>
where
    F: for<'c> FnOnce(&'c mut sqlx::PgConnection, uuid::Uuid) -> Job<'c>,
{
    let database = db::open(config).await?;
    let result = async {
        let mut conn = database.pool.acquire().await?;
        let Some(user) = users::by_email(&mut conn, email).await? else {
            bail!("no user {email}");
        };
        f(&mut conn, user.id).await
    }
    .await;
    database.close().await;
    result
}
