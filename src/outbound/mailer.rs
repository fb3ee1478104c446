//! Where sent mail goes: an SMTP relay (pooled), an outbox directory of `.eml` files, or memory.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{Config, SmtpConfig, SmtpSecurity};

/// Why a mailer could not be set up from the configuration.
#[derive(Debug, thiserror::Error)]
#[error("outbound.smtp: {0}")]
pub struct MailerSetupError(String);

/// Why a send failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server answered with an SMTP error code.
    #[error("SMTP {code}: {message}")]
    Rejected { code: u16, message: String },
    /// No answer: connection refused, dropped, timed out, TLS failed. When this happens after
    /// the message data was sent, the receiver may have the message anyway.
    #[error("SMTP connection: {0}")]
    Connection(String),
    /// The message or envelope itself is unusable.
    #[error("unsendable message: {0}")]
    Invalid(String),
    /// Writing to the outbox failed.
    #[error("outbox: {0}")]
    Outbox(String),
}

impl SendError {
    /// SMTP 4xx and lost connections pass with time (RFC 5321 section 4.2.1); 5xx does not.
    pub fn is_retryable(&self) -> bool {
        match self {
            SendError::Rejected { code, .. } => (400..500).contains(code),
            SendError::Connection(_) | SendError::Outbox(_) => true,
            SendError::Invalid(_) => false,
        }
    }
}

/// A message as a mailer took it: the envelope and the exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    pub mail_from: Option<String>,
    pub rcpt_to: Vec<String>,
    pub raw: Vec<u8>,
}

/// The three ways out.
#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpMailer),
    File(FileMailer),
    Memory(MemoryMailer),
}

impl Mailer {
    /// SMTP when `outbound.smtp.host` is set, else the outbox under `data_dir`.
    pub fn from_config(config: &Config) -> Result<Mailer, MailerSetupError> {
        match &config.outbound.smtp.host {
            Some(host) => Ok(Mailer::Smtp(SmtpMailer::new(host, &config.outbound.smtp)?)),
            None => Ok(Mailer::File(FileMailer::new(
                config.data_dir.join("outbox"),
            ))),
        }
    }

    /// Sends one message with the envelope its headers imply (From; To and Cc).
    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        let envelope = message.envelope().clone();
        let raw = message.formatted();
        let id = message_id_of(message);
        match self {
            Mailer::Smtp(m) => m.send(&envelope, &raw).await,
            Mailer::File(m) => m.write(&id, &envelope, &raw).await.map(|_| ()),
            Mailer::Memory(m) => {
                m.push(&envelope, raw);
                Ok(())
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Mailer::Smtp(_) => "smtp",
            Mailer::File(_) => "file",
            Mailer::Memory(_) => "memory",
        }
    }
}

fn message_id_of(message: &Message) -> String {
    message
        .headers()
        .get_raw("Message-ID")
        .map(|v| {
            v.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .unwrap_or_default()
}

/// An SMTP relay through lettre's connection pool.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpMailer {
    pub fn new(host: &str, c: &SmtpConfig) -> Result<SmtpMailer, MailerSetupError> {
        let extra_root = match &c.ca_file {
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| MailerSetupError(format!("ca_file {}: {e}", path.display())))?;
                Some(
                    Certificate::from_pem(&pem).map_err(|e| {
                        MailerSetupError(format!("ca_file {}: {e}", path.display()))
                    })?,
                )
            }
            None => None,
        };
        let tls_params = || {
            let mut b = TlsParameters::builder(host.to_string());
            if let Some(cert) = extra_root.clone() {
                b = b.add_root_certificate(cert);
            }
            b.build_rustls()
                .map_err(|e| MailerSetupError(e.to_string()))
        };
        let tls = match c.security {
            SmtpSecurity::Tls => Tls::Wrapper(tls_params()?),
            SmtpSecurity::Starttls => Tls::Required(tls_params()?),
            SmtpSecurity::None => Tls::None,
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(c.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(c.timeout_secs)))
            .pool_config(PoolConfig::new().max_size(c.pool_max_size));
        if let Some(user) = &c.username {
            let password = c
                .password
                .as_ref()
                .map(|p| p.expose_secret().to_string())
                .unwrap_or_default();
            b = b.credentials(Credentials::new(user.clone(), password));
        }
        Ok(SmtpMailer {
            transport: b.build(),
        })
    }

    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        self.transport
            .send_raw(envelope, raw)
            .await
            .map(|_| ())
            .map_err(classify)
    }
}

/// Turns lettre's error into ours: a reply code when the server gave one, else a connection
/// problem (network, timeout, TLS, a reply that never came).
fn classify(e: lettre::transport::smtp::Error) -> SendError {
    if let Some(code) = e.status() {
        let code: u16 = code.to_string().parse().unwrap_or(0);
        if code >= 400 {
            return SendError::Rejected {
                code,
                message: e.to_string(),
            };
        }
    }
    if e.is_client() {
        return SendError::Invalid(e.to_string());
    }
    SendError::Connection(describe(&e))
}

/// The error with its causes: lettre's own message often hides the interesting part.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// The zero-configuration outbox: one `<message-id>.eml` per message.
#[derive(Clone, Debug)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(dir: impl Into<PathBuf>) -> FileMailer {
        FileMailer { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes atomically (a temp file, then rename), so a reader never sees half a message and
    /// a retry of the same Message-ID replaces the file instead of adding a copy.
    pub async fn write(
        &self,
        message_id: &str,
        envelope: &Envelope,
        raw: &[u8],
    ) -> Result<PathBuf, SendError> {
        let name = file_name_for(message_id);
        if name.is_empty() {
            return Err(SendError::Invalid("the message has no Message-ID".into()));
        }
        let _ = envelope; // the headers say the same; the outbox keeps the message only
        let final_path = self.dir.join(format!("{name}.eml"));
        let tmp = self
            .dir
            .join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
        let io = |e: std::io::Error| SendError::Outbox(format!("{}: {e}", self.dir.display()));
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        let mut f = tokio::fs::File::create(&tmp).await.map_err(io)?;
        use tokio::io::AsyncWriteExt;
        let written = async {
            f.write_all(raw).await?;
            f.sync_all().await
        }
        .await;
        drop(f);
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(io(e));
        }
        tokio::fs::rename(&tmp, &final_path).await.map_err(io)?;
        Ok(final_path)
    }
}

/// A Message-ID made safe as a file name: anything but letters, digits, `@ . - _ +` becomes `_`.
pub fn file_name_for(message_id: &str) -> String {
    message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// Keeps sent messages in memory, for tests.
#[derive(Clone, Debug, Default)]
pub struct MemoryMailer {
    sent: Arc<Mutex<Vec<SentMessage>>>,
}

impl MemoryMailer {
    pub fn new() -> MemoryMailer {
        MemoryMailer::default()
    }

    fn push(&self, envelope: &Envelope, raw: Vec<u8>) {
        let m = SentMessage {
            mail_from: envelope.from().map(|a| a.to_string()),
            rcpt_to: envelope.to().iter().map(|a| a.to_string()).collect(),
            raw,
        };
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).push(m);
    }

    /// Every message sent so far, oldest first.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str) -> Message {
        Message::builder()
            .message_id(Some(id.to_string()))
            .from("cams@cams.test".parse().unwrap())
            .to("ann@example.com".parse().unwrap())
            .cc("bob@example.org".parse().unwrap())
            .subject("Re: x")
            .body("hello\r\n".to_string())
            .unwrap()
    }

    #[tokio::test]
    async fn memory_keeps_the_envelope_and_bytes() {
        let mem = MemoryMailer::new();
        Mailer::Memory(mem.clone())
            .send(&message("<a@cams.test>"))
            .await
            .unwrap();
        let sent = mem.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].mail_from.as_deref(), Some("cams@cams.test"));
        assert_eq!(sent[0].rcpt_to, vec!["ann@example.com", "bob@example.org"]);
        assert!(String::from_utf8_lossy(&sent[0].raw).contains("Message-ID: <a@cams.test>"));
    }

    #[tokio::test]
    async fn the_outbox_holds_one_file_per_message_id() {
        let dir = std::env::temp_dir().join(format!("cams-outbox-{}", uuid::Uuid::new_v4()));
        let mailer = Mailer::File(FileMailer::new(&dir));
        mailer.send(&message("<a/b@cams.test>")).await.unwrap();
        mailer.send(&message("<a/b@cams.test>")).await.unwrap();
        mailer.send(&message("<c@cams.test>")).await.unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["a_b@cams.test.eml", "c@cams.test.eml"]);
        let raw = std::fs::read(dir.join("c@cams.test.eml")).unwrap();
        assert!(String::from_utf8_lossy(&raw).contains("Subject: Re: x"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn file_names_cannot_escape_the_outbox() {
        assert_eq!(file_name_for("<../../etc/passwd@x>"), "_.._etc_passwd@x");
        assert_eq!(file_name_for("<r1@cams.test>"), "r1@cams.test");
    }

    #[test]
    fn only_4xx_and_lost_connections_are_retried() {
        let r = |code| SendError::Rejected {
            code,
            message: String::new(),
        };
        assert!(r(451).is_retryable());
        assert!(r(421).is_retryable());
        assert!(!r(550).is_retryable());
        assert!(!r(554).is_retryable());
        assert!(SendError::Connection("reset".into()).is_retryable());
        assert!(!SendError::Invalid("no rcpt".into()).is_retryable());
    }
}
