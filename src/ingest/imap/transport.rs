//! Opening an authenticated IMAP session: TCP, then TLS from the start, STARTTLS or nothing, then
//! LOGIN or SASL XOAUTH2.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::{Client, Session};
use secrecy::ExposeSecret;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::ImapError;
use super::settings::MailboxSettings;
use crate::config::{ImapAuth, ImapTls};

/// The byte stream under a session: plain TCP (loopback tests) or TLS.
#[derive(Debug)]
pub enum ImapStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

pub type ImapSession = Session<ImapStream>;

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_flush(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            ImapStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            ImapStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The XOAUTH2 SASL initial response (Google's and Microsoft's documented format).
pub fn xoauth2_response(user: &str, token: &str) -> String {
    format!("user={user}\x01auth=Bearer {token}\x01\x01")
}

/// Answers the server's single challenge with the token; on failure the server sends a JSON
/// error as a second challenge, which must be answered with an empty line to get the tagged NO.
struct XOAuth2<'a> {
    user: &'a str,
    token: &'a str,
    sent: bool,
}

impl async_imap::Authenticator for &mut XOAuth2<'_> {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        if self.sent {
            return String::new();
        }
        self.sent = true;
        xoauth2_response(self.user, self.token)
    }
}

fn tls_connector(extra_pem: Option<&[u8]>) -> Result<TlsConnector, ImapError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    // The provider is chosen explicitly: with two rustls providers compiled in (other crates may
    // enable aws-lc-rs), the process-wide default would be ambiguous and panic.
    let mut roots =
        rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| ImapError::Tls(format!("tls_ca_file: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| ImapError::Tls(format!("tls_ca_file: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(ImapError::Tls("tls_ca_file holds no certificate".into()));
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn tls_wrap(
    tcp: TcpStream,
    host: &str,
    extra_pem: Option<&[u8]>,
) -> Result<ImapStream, ImapError> {
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| ImapError::Tls(format!("{host}: {e}")))?;
    let tls = tls_connector(extra_pem)?
        .connect(name, tcp)
        .await
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    Ok(ImapStream::Tls(Box::new(tls)))
}

/// Reads the server greeting (RFC 3501 section 7.1): OK or PREAUTH, anything else refuses.
async fn greeting(client: &mut Client<ImapStream>) -> Result<(), ImapError> {
    let greeting = client
        .read_response()
        .await?
        .ok_or(ImapError::Closed("before the greeting"))?;
    match greeting.parsed() {
        async_imap::imap_proto::Response::Data {
            status: async_imap::imap_proto::Status::Ok | async_imap::imap_proto::Status::PreAuth,
            ..
        } => Ok(()),
        other => Err(ImapError::Refused(format!("greeting {other:?}"))),
    }
}

/// Connects, protects the connection as configured and logs in, all within `limit`.
pub async fn connect(m: &MailboxSettings, limit: Duration) -> Result<ImapSession, ImapError> {
    tokio::time::timeout(limit, connect_inner(m))
        .await
        .map_err(|_| ImapError::Timeout("connect and login"))?
}

async fn connect_inner(m: &MailboxSettings) -> Result<ImapSession, ImapError> {
    let tcp = TcpStream::connect((m.host.as_str(), m.port)).await?;
    tcp.set_nodelay(true)?;
    let client = match m.tls {
        ImapTls::Tls => {
            let mut c = Client::new(tls_wrap(tcp, &m.host, m.ca_pem.as_deref()).await?);
            greeting(&mut c).await?;
            c
        }
        ImapTls::Plain => {
            let mut c = Client::new(ImapStream::Plain(tcp));
            greeting(&mut c).await?;
            c
        }
        ImapTls::Starttls => {
            let mut c = Client::new(ImapStream::Plain(tcp));
            greeting(&mut c).await?;
            c.run_command_and_check_ok("STARTTLS", None).await?;
            // The server sends nothing more in clear text (RFC 3501 section 6.2.1), so no
            // buffered bytes are lost when the stream is taken back.
            let ImapStream::Plain(tcp) = c.into_inner() else {
                unreachable!("STARTTLS starts from a plain stream");
            };
            Client::new(tls_wrap(tcp, &m.host, m.ca_pem.as_deref()).await?)
        }
    };
    let secret = m.secret.expose_secret();
    let session = match m.auth {
        ImapAuth::Password => client.login(&m.username, secret).await,
        ImapAuth::Xoauth2 => {
            let mut auth = XOAuth2 {
                user: &m.username,
                token: secret,
                sent: false,
            };
            client.authenticate("XOAUTH2", &mut auth).await
        }
    };
    session.map_err(|(e, _)| ImapError::Auth(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoauth2_initial_response_has_the_documented_shape() {
        assert_eq!(
            xoauth2_response("ana@example.org", "ya29.token"),
            "user=ana@example.org\u{1}auth=Bearer ya29.token\u{1}\u{1}"
        );
    }
}
