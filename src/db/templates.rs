//! The `email_templates` table: users' own reply templates, checked before they are stored, one
//! default per (user, type, language), with a usage count.

use sqlx::postgres::PgRow;
use sqlx::{Connection, PgConnection, Row};
use uuid::Uuid;

use super::DbError;
use crate::outbound::render::{self, TemplateError, TemplateKind, UserTemplate};

/// A template to store.
#[derive(Debug, Clone)]
pub struct NewTemplate<'a> {
    pub name: &'a str,
    pub kind: TemplateKind,
    /// A language tag: "en", "fr", "pt-BR" ("pt_br" is accepted and normalised).
    pub language: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub body_html: Option<&'a str>,
    /// Becomes the default of its type and language, replacing the previous one.
    pub is_default: bool,
}

/// Why a template was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("template refused: {0}")]
    Invalid(#[from] TemplateError),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Db(e.into())
    }
}

/// "EN_us" → "en-US"; None for something that is not a language tag.
pub fn normalize_language(tag: &str) -> Option<String> {
    let mut parts = tag.trim().split(['-', '_']);
    let primary = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let mut out = primary;
    for sub in parts {
        if !(2..=8).contains(&sub.len()) || !sub.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        // Regions are written in capitals (pt-BR), scripts and variants as they come.
        if sub.len() == 2 {
            out.push_str(&sub.to_ascii_uppercase());
        } else {
            out.push_str(sub);
        }
    }
    Some(out)
}

/// Checks the template (strict: syntax and unknown variables) and stores it. A new default
/// clears the old default of the same type and language in the same transaction; saves of one
/// user are serialised on their `users` row, so two racing defaults cannot both win.
pub async fn save(
    conn: &mut PgConnection,
    user_id: Uuid,
    t: &NewTemplate<'_>,
) -> Result<Uuid, SaveError> {
    if t.name.trim().is_empty() {
        return Err(SaveError::Refused("a template needs a name".into()));
    }
    let language = normalize_language(t.language)
        .ok_or_else(|| SaveError::Refused(format!("{:?} is not a language tag", t.language)))?;
    render::check(t.kind, t.subject, t.body, t.body_html)?;
    let mut tx = conn.begin().await?;
    let exists: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        return Err(SaveError::Refused(format!("no user {user_id}")));
    }
    if t.is_default {
        clear_default(&mut tx, user_id, t.kind, &language).await?;
    }
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO email_templates
            (user_id, name, type, language, subject, body, body_html, is_default)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id",
    )
    .bind(user_id)
    .bind(t.name.trim())
    .bind(t.kind.as_str())
    .bind(&language)
    .bind(t.subject)
    .bind(t.body)
    .bind(t.body_html)
    .bind(t.is_default)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn clear_default(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: TemplateKind,
    language: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE email_templates SET is_default = FALSE
          WHERE user_id = $1 AND type = $2 AND language = $3 AND is_default
            AND deleted_at IS NULL",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(language)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes a stored template the default of its type and language; false when the user has no
/// such live template.
pub async fn set_default(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, DbError> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let Some(t) = get(&mut tx, user_id, id).await? else {
        return Ok(false);
    };
    clear_default(&mut tx, user_id, t.kind, &t.language).await?;
    sqlx::query("UPDATE email_templates SET is_default = TRUE WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

const COLUMNS: &str = "id, user_id, name, type, language, subject, body, body_html, is_default, \
                       is_active, usage_count, created_at";

fn from_row(r: &PgRow) -> Result<UserTemplate, DbError> {
    let kind: String = r.try_get("type")?;
    Ok(UserTemplate {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        // The table's CHECK constraint admits exactly the seven kinds.
        kind: TemplateKind::parse(&kind).ok_or_else(|| {
            DbError::Sqlx(sqlx::Error::Decode(
                format!("unknown template type {kind:?}").into(),
            ))
        })?,
        language: r.try_get("language")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        body_html: r.try_get("body_html")?,
        is_default: r.try_get("is_default")?,
        is_active: r.try_get("is_active")?,
        usage_count: r.try_get("usage_count")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A user's live templates, by type, language and name; of one type when `kind` is given.
pub async fn list(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: Option<TemplateKind>,
) -> Result<Vec<UserTemplate>, DbError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM email_templates
          WHERE user_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR type = $2)
          ORDER BY type, language, is_default DESC, name, created_at"
    )))
    .bind(user_id)
    .bind(kind.map(TemplateKind::as_str))
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One live template of the user.
pub async fn get(
    conn: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<UserTemplate>, DbError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM email_templates
          WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL"
    )))
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The user's active default for a type in a language ("pt-BR"), else in its primary language
/// ("pt"); None means the compiled-in default applies.
pub async fn default_for(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: TemplateKind,
    language: &str,
) -> Result<Option<UserTemplate>, DbError> {
    let exact = normalize_language(language).unwrap_or_else(|| "en".to_string());
    let primary = exact.split('-').next().unwrap_or("en").to_string();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM email_templates
          WHERE user_id = $1 AND type = $2 AND language IN ($3, $4)
            AND is_default AND is_active AND deleted_at IS NULL
          ORDER BY language = $3 DESC
          LIMIT 1"
    )))
    .bind(user_id)
    .bind(kind.as_str())
    .bind(&exact)
    .bind(&primary)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Counts one reply made from the template.
pub async fn record_use(conn: &mut PgConnection, id: Uuid) -> Result<(), DbError> {
    sqlx::query("UPDATE email_templates SET usage_count = usage_count + 1 WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Soft delete: the row stays for the responses that name it, and no longer holds the default
/// slot. False when the user has no such live template.
pub async fn delete(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE email_templates SET deleted_at = now(), is_default = FALSE
          WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_normalised_or_refused() {
        assert_eq!(normalize_language("en").as_deref(), Some("en"));
        assert_eq!(normalize_language("EN_us").as_deref(), Some("en-US"));
        assert_eq!(normalize_language("pt-br").as_deref(), Some("pt-BR"));
        assert_eq!(normalize_language("zh-Hant").as_deref(), Some("zh-Hant"));
        for bad in ["", "e", "english", "en-", "en-US'; --", "12"] {
            assert_eq!(normalize_language(bad), None, "{bad:?}");
        }
    }
}
