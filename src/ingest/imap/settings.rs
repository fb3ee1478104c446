//! A mailbox's connection and handling settings, parsed once from configuration or its row.

use secrecy::SecretString;
use uuid::Uuid;

use crate::config::{ImapAuth, ImapMailboxConfig, ImapProcessed, ImapTls};
use crate::crypto::{Sealed, SecretBox};
use crate::db::mailboxes::MailboxRow;

/// The flag set on processed mail: a system flag (RFC 3501 section 2.3.2) or a keyword atom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedFlag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("{0:?} is not a settable system flag (use \\Seen, \\Flagged, \\Answered or \\Draft)")]
    System(String),
    #[error(
        "{0:?} is not an IMAP keyword: 1-64 printable ASCII characters without spaces or ( ) {{ % * \" \\ ]"
    )]
    Keyword(String),
}

impl ProcessedFlag {
    pub fn parse(s: &str) -> Result<ProcessedFlag, FlagError> {
        if s.starts_with('\\') {
            return match s.to_ascii_lowercase().as_str() {
                "\\seen" | "\\flagged" | "\\answered" | "\\draft" => {
                    Ok(ProcessedFlag(s.to_string()))
                }
                _ => Err(FlagError::System(s.to_string())),
            };
        }
        // RFC 3501 section 9: flag-keyword = atom; atom-specials are excluded.
        let ok = (1..=64).contains(&s.len())
            && s.bytes().all(|b| {
                b.is_ascii_graphic()
                    && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
            });
        if ok {
            Ok(ProcessedFlag(s.to_string()))
        } else {
            Err(FlagError::Keyword(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SEARCH criterion for messages that do not carry the flag yet.
    pub fn search_unmarked(&self) -> String {
        match self.0.to_ascii_lowercase().as_str() {
            "\\seen" => "UNSEEN".into(),
            "\\flagged" => "UNFLAGGED".into(),
            "\\answered" => "UNANSWERED".into(),
            "\\draft" => "UNDRAFT".into(),
            _ => format!("UNKEYWORD {}", self.0),
        }
    }
}

/// What happens to a stored message on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    Flag(ProcessedFlag),
    Move(String),
}

/// Everything a poller needs to know about its mailbox.
#[derive(Debug, Clone)]
pub struct MailboxSettings {
    pub id: Uuid,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub tls: ImapTls,
    /// Extra trusted CA certificates (PEM), besides the public roots.
    pub ca_pem: Option<Vec<u8>>,
    pub username: String,
    pub auth: ImapAuth,
    /// The password or OAuth access token.
    pub secret: SecretString,
    pub folder: String,
    pub processed: Processed,
    pub idle: bool,
    /// The owner's address, given to the inbound store as the envelope recipient.
    pub user_email: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("mailbox {0}: no secret stored")]
    NoSecret(String),
    #[error("mailbox {0}: cannot open its secret: {1}")]
    Secret(String, crate::crypto::CryptoError),
    #[error("mailbox {0}: {1}")]
    Invalid(String, String),
}

impl MailboxSettings {
    /// A configured mailbox, once its row exists (`id`); `ca_pem` is the content of its
    /// `tls_ca_file`, read by the caller.
    pub fn from_config(
        id: Uuid,
        m: &ImapMailboxConfig,
        default_flag: &str,
        ca_pem: Option<Vec<u8>>,
    ) -> Result<MailboxSettings, SettingsError> {
        let bad = |e: String| SettingsError::Invalid(m.name.clone(), e);
        let processed = match m.processed {
            ImapProcessed::Flag => Processed::Flag(
                ProcessedFlag::parse(m.processed_flag.as_deref().unwrap_or(default_flag))
                    .map_err(|e| bad(e.to_string()))?,
            ),
            ImapProcessed::Move => Processed::Move(
                m.move_to
                    .clone()
                    .ok_or_else(|| bad("move_to missing".into()))?,
            ),
        };
        Ok(MailboxSettings {
            id,
            name: m.name.clone(),
            host: m.host.clone(),
            port: m.port,
            tls: m.tls,
            ca_pem,
            username: m.username.clone(),
            auth: m.auth,
            secret: m.password.clone(),
            folder: m.folder.clone(),
            processed,
            idle: m.idle,
            user_email: m.user_email.clone(),
        })
    }

    /// A mailbox defined only in the table; its secret is sealed with `secrets.encryption_key`.
    pub fn from_row(
        row: &MailboxRow,
        secrets: Option<&SecretBox>,
        default_flag: &str,
    ) -> Result<MailboxSettings, SettingsError> {
        let bad = |e: String| SettingsError::Invalid(row.name.clone(), e);
        let (Some(bytes), Some(key_id)) = (&row.secret, &row.key_id) else {
            return Err(SettingsError::NoSecret(row.name.clone()));
        };
        let secrets = secrets.ok_or_else(|| {
            SettingsError::Secret(row.name.clone(), crate::crypto::CryptoError::NoKey)
        })?;
        let plain = secrets
            .open(&Sealed {
                key_id: key_id.clone(),
                bytes: bytes.clone(),
            })
            .map_err(|e| SettingsError::Secret(row.name.clone(), e))?;
        let secret = String::from_utf8(plain).map_err(|_| bad("secret is not UTF-8".into()))?;
        let tls = match row.tls_mode.as_str() {
            "tls" => ImapTls::Tls,
            "starttls" => ImapTls::Starttls,
            "plain" => ImapTls::Plain,
            other => return Err(bad(format!("unknown tls_mode {other:?}"))),
        };
        let auth = match row.auth_method.as_str() {
            "password" => ImapAuth::Password,
            "xoauth2" => ImapAuth::Xoauth2,
            other => return Err(bad(format!("unknown auth_method {other:?}"))),
        };
        let processed = match (row.processed_action.as_str(), &row.move_to_folder) {
            ("move", Some(to)) => Processed::Move(to.clone()),
            ("flag", _) => {
                Processed::Flag(ProcessedFlag::parse(default_flag).map_err(|e| bad(e.to_string()))?)
            }
            (other, _) => return Err(bad(format!("unusable processed_action {other:?}"))),
        };
        Ok(MailboxSettings {
            id: row.id,
            name: row.name.clone(),
            host: row.host.clone(),
            port: u16::try_from(row.port).map_err(|_| bad("port out of range".into()))?,
            tls,
            ca_pem: None,
            username: row.username.clone(),
            auth,
            secret: SecretString::from(secret),
            folder: row.folder.clone(),
            processed,
            idle: true,
            user_email: row.user_email.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_keywords_are_checked_and_searched_for() {
        assert_eq!(
            ProcessedFlag::parse("\\Seen").unwrap().search_unmarked(),
            "UNSEEN"
        );
        assert_eq!(
            ProcessedFlag::parse("$CamsProcessed")
                .unwrap()
                .search_unmarked(),
            "UNKEYWORD $CamsProcessed"
        );
        assert!(matches!(
            ProcessedFlag::parse("\\Deleted"),
            Err(FlagError::System(_))
        ));
        assert!(matches!(
            ProcessedFlag::parse("two words"),
            Err(FlagError::Keyword(_))
        ));
        assert!(matches!(
            ProcessedFlag::parse(""),
            Err(FlagError::Keyword(_))
        ));
        assert!(matches!(
            ProcessedFlag::parse("a)b"),
            Err(FlagError::Keyword(_))
        ));
    }
}
