//! Storing an inbound message: checks, identity (Message-ID or content hash), dedupe, one commit.

use mail_parser::MessageParser;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgPool;

use crate::db::DbError;
use crate::db::inbound::{self, Delivery, NewInbound, Source, Stored};

/// Why a message was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("message is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("not an RFC 5322 message: {0}")]
    NotAMessage(&'static str),
    #[error("delivery token was already used for different content (replayed signature)")]
    Replay,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A message as a source hands it over.
#[derive(Debug, Clone)]
pub struct RawInbound<'a> {
    pub source: Source,
    pub raw: &'a [u8],
    pub envelope_from: Option<&'a str>,
    pub envelope_to: Vec<String>,
    pub mailbox_id: Option<uuid::Uuid>,
    /// A provider's per-delivery token (Mailgun), checked for replays.
    pub delivery_token: Option<&'a str>,
}

/// The identity a message is deduplicated by: its Message-ID without angle brackets, or
/// "sha256:<hex>" of its bytes when it has none (RFC 5322 makes Message-ID optional).
pub fn identity(raw: &[u8]) -> Result<(Option<String>, String, [u8; 32]), IngestError> {
    let sha: [u8; 32] = Sha256::digest(raw).into();
    let parsed = MessageParser::default()
        .parse_headers(raw)
        .ok_or(IngestError::NotAMessage("no header section"))?;
    if parsed.headers().is_empty() {
        return Err(IngestError::NotAMessage("no header fields"));
    }
    let message_id = parsed
        .message_id()
        .map(|m| {
            m.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim()
                .to_string()
        })
        .filter(|m| !m.is_empty() && m.len() <= 900);
    let key = match &message_id {
        Some(m) => m.clone(),
        None => format!("sha256:{}", hex::encode(sha)),
    };
    Ok((message_id, key, sha))
}

/// Stores the message and queues its processing in one transaction; a message already stored
/// (same user, same identity) is reported as a duplicate and not stored again.
pub async fn ingest(
    pool: &PgPool,
    limit: usize,
    max_attempts: i32,
    m: &RawInbound<'_>,
) -> Result<Stored, IngestError> {
    if m.raw.len() > limit {
        return Err(IngestError::TooLarge {
            size: m.raw.len(),
            limit,
        });
    }
    if m.raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::NotAMessage("empty"));
    }
    let (message_id, key, sha) = identity(m.raw)?;
    let mut tx = pool.begin().await.map_err(DbError::from)?;
    if let Some(token) = m.delivery_token {
        match inbound::record_delivery(&mut tx, m.source.as_str(), token, &sha).await? {
            Delivery::New => {}
            Delivery::Retry(Some(id)) => return Ok(Stored::Duplicate(id)),
            // Seen, but its message was not linked (cannot happen after a commit); store anew.
            Delivery::Retry(None) => {}
            Delivery::Replay => return Err(IngestError::Replay),
        }
    }
    let stored = inbound::store(
        &mut tx,
        &NewInbound {
            source: m.source,
            mailbox_id: m.mailbox_id,
            envelope_from: m.envelope_from,
            envelope_to: &m.envelope_to,
            message_id: message_id.as_deref(),
            dedupe_key: &key,
            sha256: sha,
            raw: m.raw,
            max_attempts,
        },
    )
    .await?;
    if let Some(token) = m.delivery_token {
        inbound::link_delivery(&mut tx, m.source.as_str(), token, stored.id()).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_prefers_the_message_id_and_falls_back_to_a_content_hash() {
        let raw =
            b"From: a@example.org\r\nMessage-ID: <abc@example.org>\r\nSubject: hi\r\n\r\nbody";
        let (id, key, _) = identity(raw).unwrap();
        assert_eq!(id.as_deref(), Some("abc@example.org"));
        assert_eq!(key, "abc@example.org");

        let raw = b"From: a@example.org\r\nSubject: no id\r\n\r\nbody";
        let (id, key, sha) = identity(raw).unwrap();
        assert_eq!(id, None);
        assert_eq!(key, format!("sha256:{}", hex::encode(sha)));
    }

    #[test]
    fn bytes_without_headers_are_not_a_message() {
        assert!(identity(b"").is_err());
        assert!(identity(b"\r\n\r\njust a body").is_err());
    }
}
