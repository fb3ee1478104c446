//! ICS sources: a feed over HTTP(S) with ETag / If-Modified-Since, or a file on disk.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{CalendarError, CalendarSource, Fetched, RemoteObject, address};
use crate::config::CalendarConfig;

/// The one object an ICS feed is, in `events.source_href`.
pub const FEED_HREF: &str = "feed";

/// Redirects followed, each one checked like the first URL.
const MAX_REDIRECTS: usize = 5;

/// Limits a fetch keeps to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub allow_private: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
}

impl From<&CalendarConfig> for Limits {
    fn from(c: &CalendarConfig) -> Self {
        Limits {
            allow_private: c.allow_private_addresses,
            timeout: Duration::from_secs(c.fetch_timeout_secs),
            max_bytes: c.max_feed_bytes,
        }
    }
}

/// The validators of the last fetch, stored as `calendars.last_sync_token` (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Where a feed lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Url(Url),
    File(PathBuf),
}

impl Location {
    /// `http(s)://...` is a feed, `file:///...` a file. A bare path is refused: the source is
    /// stored in `calendars.external_id`, and only an explicit `file:` URL (which only the CLI
    /// writes) may make the server read its own disk.
    pub fn parse(s: &str) -> Result<Location, CalendarError> {
        let url = Url::parse(s).map_err(|e| CalendarError::BadUrl(format!("{s}: {e}")))?;
        match url.scheme() {
            "http" | "https" => Ok(Location::Url(url)),
            "file" => url
                .to_file_path()
                .map(Location::File)
                .map_err(|_| CalendarError::BadUrl(format!("{s}: not a local file URL"))),
            other => Err(CalendarError::BadUrl(format!(
                "{s}: scheme {other} is not supported (http, https or file)"
            ))),
        }
    }

    pub fn as_string(&self) -> String {
        match self {
            Location::Url(u) => u.to_string(),
            Location::File(p) => Url::from_file_path(p)
                .map(|u| u.to_string())
                .unwrap_or_else(|_| p.display().to_string()),
        }
    }
}

/// An ICS feed or file.
#[derive(Debug, Clone)]
pub struct IcsSource {
    pub location: Location,
    pub limits: Limits,
}

impl CalendarSource for IcsSource {
    async fn fetch(&self, token: Option<&str>) -> Result<Fetched, CalendarError> {
        match &self.location {
            Location::File(path) => {
                let text = read_file(path, self.limits.max_bytes).await?;
                Ok(Fetched::Full {
                    objects: vec![RemoteObject {
                        href: FEED_HREF.into(),
                        etag: None,
                        ics: text,
                    }],
                    token: None,
                })
            }
            Location::Url(url) => {
                let previous: Validators = token
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default();
                fetch_url(url.clone(), &previous, self.limits).await
            }
        }
    }
}

async fn read_file(path: &PathBuf, max: usize) -> Result<String, CalendarError> {
    let file_err = |source| CalendarError::File {
        path: path.display().to_string(),
        source,
    };
    let meta = tokio::fs::metadata(path).await.map_err(file_err)?;
    if meta.len() > max as u64 {
        return Err(CalendarError::TooLarge(max));
    }
    let bytes = tokio::fs::read(path).await.map_err(file_err)?;
    String::from_utf8(bytes).map_err(|_| CalendarError::NotUtf8(path.display().to_string()))
}

/// A client that connects only to `addr` for `host`: the address the check approved.
fn pinned_client(
    host: &str,
    addr: std::net::SocketAddr,
    limits: Limits,
) -> Result<reqwest::Client, CalendarError> {
    Ok(reqwest::Client::builder()
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(host, addr)
        .user_agent(concat!("cams/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Checks the URL's scheme and host and returns a client pinned to the approved address.
pub async fn checked_client(url: &Url, limits: Limits) -> Result<reqwest::Client, CalendarError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CalendarError::BadUrl(format!("{url}: only http and https")));
    }
    let host = url
        .host_str()
        .ok_or_else(|| CalendarError::BadUrl(format!("{url}: no host")))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| CalendarError::BadUrl(format!("{url}: no port")))?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addr = address::resolve_checked(bare, port, limits.allow_private).await?;
    pinned_client(bare, addr, limits)
}

async fn fetch_url(
    mut url: Url,
    previous: &Validators,
    limits: Limits,
) -> Result<Fetched, CalendarError> {
    for _ in 0..=MAX_REDIRECTS {
        let client = checked_client(&url, limits).await?;
        let mut req = client.get(url.clone());
        if let Some(etag) = &previous.etag {
            req = req.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &previous.last_modified {
            req = req.header(IF_MODIFIED_SINCE, lm);
        }
        let resp = req.send().await?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if status.is_redirection() {
            let next = resp
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| {
                    CalendarError::BadUrl(format!("{url}: redirect without Location"))
                })?;
            url = url
                .join(next)
                .map_err(|e| CalendarError::BadUrl(format!("{next}: {e}")))?;
            continue;
        }
        if !status.is_success() {
            return Err(CalendarError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let body = read_limited(resp, limits.max_bytes).await?;
        let text = String::from_utf8(body).map_err(|_| CalendarError::NotUtf8(url.to_string()))?;
        return Ok(Fetched::Full {
            objects: vec![RemoteObject {
                href: FEED_HREF.into(),
                etag: validators.etag.clone(),
                ics: text,
            }],
            token: Some(serde_json::to_string(&validators).expect("validators serialise")),
        });
    }
    Err(CalendarError::BadUrl(format!(
        "{url}: more than {MAX_REDIRECTS} redirects"
    )))
}

/// Reads a body chunk by chunk and stops at the limit, whatever Content-Length claimed.
pub async fn read_limited(
    mut resp: reqwest::Response,
    max: usize,
) -> Result<Vec<u8>, CalendarError> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(CalendarError::TooLarge(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > max {
            return Err(CalendarError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
