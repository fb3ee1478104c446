//! CalDAV (RFC 4791) with sync-collection (RFC 6578): discovery, `calendar-query` over a time
//! range for a full sync, `sync-collection` plus `calendar-multiget` for an incremental one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::ics::{Limits, checked_client, read_limited};
use super::{CalendarError, CalendarSource, Fetched, RemoteObject};

const DAV: &str = "DAV:";
const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";

/// Login to a CalDAV server.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: SecretString,
}

/// A calendar collection found by discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredCalendar {
    pub url: Url,
    pub name: Option<String>,
}

/// One `<response>` of a multistatus, with the properties that came back 200.
#[derive(Debug, Clone, Default)]
struct DavResponse {
    href: String,
    /// A response-level status (sync-collection reports removed members as 404 here).
    status: Option<u16>,
    principal: Option<String>,
    home: Option<String>,
    is_calendar: bool,
    name: Option<String>,
    etag: Option<String>,
    data: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Multistatus {
    responses: Vec<DavResponse>,
    sync_token: Option<String>,
}

/// The status code of an HTTP status line ("HTTP/1.1 404 Not Found").
fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

fn is(node: &roxmltree::Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(ns)
}

fn child<'a, 'i>(
    node: &roxmltree::Node<'a, 'i>,
    ns: &str,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| is(c, ns, name))
}

fn text_of(node: &roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
}

fn parse_multistatus(xml: &str) -> Result<Multistatus, CalendarError> {
    let doc = roxmltree::Document::parse(xml)
        .map_err(|e| CalendarError::Dav(format!("bad XML in multistatus: {e}")))?;
    let root = doc.root_element();
    if !is(&root, DAV, "multistatus") {
        return Err(CalendarError::Dav(format!(
            "expected a multistatus, got <{}>",
            root.tag_name().name()
        )));
    }
    let mut out = Multistatus {
        sync_token: child(&root, DAV, "sync-token").map(|n| text_of(&n).trim().to_string()),
        ..Default::default()
    };
    for resp in root.children().filter(|n| is(n, DAV, "response")) {
        let mut r = DavResponse {
            href: child(&resp, DAV, "href")
                .map(|n| text_of(&n).trim().to_string())
                .ok_or_else(|| CalendarError::Dav("response without href".into()))?,
            status: child(&resp, DAV, "status").and_then(|n| status_code(&text_of(&n))),
            ..Default::default()
        };
        for ps in resp.children().filter(|n| is(n, DAV, "propstat")) {
            let ok = child(&ps, DAV, "status")
                .and_then(|n| status_code(&text_of(&n)))
                .is_some_and(|s| (200..300).contains(&s));
            let Some(prop) = child(&ps, DAV, "prop") else {
                continue;
            };
            if !ok {
                continue;
            }
            for p in prop.children().filter(|n| n.is_element()) {
                let href_in = |p: &roxmltree::Node| {
                    child(p, DAV, "href").map(|h| text_of(&h).trim().to_string())
                };
                if is(&p, DAV, "current-user-principal") {
                    r.principal = href_in(&p);
                } else if is(&p, CALDAV, "calendar-home-set") {
                    r.home = href_in(&p);
                } else if is(&p, DAV, "resourcetype") {
                    r.is_calendar = child(&p, CALDAV, "calendar").is_some();
                } else if is(&p, DAV, "displayname") {
                    r.name = Some(text_of(&p)).filter(|s| !s.is_empty());
                } else if is(&p, DAV, "getetag") {
                    r.etag = Some(text_of(&p).trim().to_string());
                } else if is(&p, CALDAV, "calendar-data") {
                    r.data = Some(text_of(&p));
                }
            }
        }
        out.responses.push(r);
    }
    Ok(out)
}

/// A CalDAV calendar collection.
#[derive(Debug, Clone)]
pub struct CalDavSource {
    pub collection: Url,
    pub credentials: Credentials,
    pub limits: Limits,
    /// The time range a full sync asks for.
    pub range: (DateTime<Utc>, DateTime<Utc>),
    /// Calendar objects whose data was downloaded: what the incremental-sync test counts.
    pub objects_fetched: Arc<AtomicUsize>,
}

/// How a `sync-collection` REPORT turned out.
enum SyncOutcome {
    Ok(Multistatus),
    TokenExpired,
}

impl CalDavSource {
    async fn request(
        &self,
        method: &str,
        url: &Url,
        depth: &str,
        body: String,
    ) -> Result<(StatusCode, String), CalendarError> {
        dav_request(&self.credentials, self.limits, method, url, depth, body).await
    }

    async fn sync_collection(&self, token: &str) -> Result<SyncOutcome, CalendarError> {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#,
            xml_escape(token)
        );
        let (status, text) = self.request("REPORT", &self.collection, "1", body).await?;
        // RFC 6578 §3.2: an unknown or expired token fails the valid-sync-token precondition
        // (403; some servers answer 409 or 412).
        if !token.is_empty()
            && matches!(status.as_u16(), 403 | 409 | 412)
            && text.contains("valid-sync-token")
        {
            return Ok(SyncOutcome::TokenExpired);
        }
        check(status, &self.collection)?;
        Ok(SyncOutcome::Ok(parse_multistatus(&text)?))
    }

    async fn calendar_query(&self) -> Result<Vec<RemoteObject>, CalendarError> {
        let fmt = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="{}" end="{}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"#,
            fmt(self.range.0),
            fmt(self.range.1)
        );
        let (status, text) = self.request("REPORT", &self.collection, "1", body).await?;
        check(status, &self.collection)?;
        let objects = objects_of(parse_multistatus(&text)?);
        self.objects_fetched
            .fetch_add(objects.len(), Ordering::Relaxed);
        Ok(objects)
    }

    async fn multiget(&self, hrefs: &[String]) -> Result<Multistatus, CalendarError> {
        let list: String = hrefs
            .iter()
            .map(|h| format!("<d:href>{}</d:href>", xml_escape(h)))
            .collect();
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>{list}</c:calendar-multiget>"#
        );
        let (status, text) = self.request("REPORT", &self.collection, "1", body).await?;
        check(status, &self.collection)?;
        self.objects_fetched
            .fetch_add(hrefs.len(), Ordering::Relaxed);
        parse_multistatus(&text)
    }

    async fn full(&self) -> Result<Fetched, CalendarError> {
        // The token first: a change landing between the two requests is fetched again next
        // time rather than missed.
        let token = match self.sync_collection("").await? {
            SyncOutcome::Ok(ms) => ms.sync_token,
            SyncOutcome::TokenExpired => None,
        };
        let objects = self.calendar_query().await?;
        Ok(Fetched::Full { objects, token })
    }
}

fn objects_of(ms: Multistatus) -> Vec<RemoteObject> {
    ms.responses
        .into_iter()
        .filter_map(|r| {
            r.data.map(|ics| RemoteObject {
                href: r.href,
                etag: r.etag,
                ics,
            })
        })
        .collect()
}

impl CalendarSource for CalDavSource {
    async fn fetch(&self, token: Option<&str>) -> Result<Fetched, CalendarError> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return self.full().await;
        };
        let ms = match self.sync_collection(token).await? {
            SyncOutcome::Ok(ms) => ms,
            SyncOutcome::TokenExpired => return self.full().await,
        };
        let collection_path = self.collection.path().trim_end_matches('/').to_string();
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        for r in ms.responses {
            // The collection itself may be listed; it is no calendar object.
            if r.href.trim_end_matches('/') == collection_path {
                continue;
            }
            if r.status == Some(404) {
                removed.push(r.href);
            } else {
                changed.push(r.href);
            }
        }
        let mut objects = Vec::new();
        if !changed.is_empty() {
            let got = self.multiget(&changed).await?;
            for r in got.responses {
                match r.data {
                    Some(ics) => objects.push(RemoteObject {
                        href: r.href,
                        etag: r.etag,
                        ics,
                    }),
                    // Deleted between the two requests.
                    None => removed.push(r.href),
                }
            }
        }
        Ok(Fetched::Changes {
            changed: objects,
            removed,
            token: ms.sync_token,
        })
    }
}

fn check(status: StatusCode, url: &Url) -> Result<(), CalendarError> {
    if status.is_success() {
        Ok(())
    } else {
        Err(CalendarError::Status {
            url: url.to_string(),
            status: status.as_u16(),
        })
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn dav_request(
    credentials: &Credentials,
    limits: Limits,
    method: &str,
    url: &Url,
    depth: &str,
    body: String,
) -> Result<(StatusCode, String), CalendarError> {
    let client = checked_client(url, limits).await?;
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| CalendarError::Dav(format!("bad method {method}")))?;
    let resp = client
        .request(method, url.clone())
        .basic_auth(
            &credentials.username,
            Some(credentials.password.expose_secret()),
        )
        .header("Depth", depth)
        .header("Content-Type", "application/xml; charset=utf-8")
        .body(body)
        .send()
        .await?;
    let status = resp.status();
    let bytes = read_limited(resp, limits.max_bytes).await?;
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

async fn propfind(
    credentials: &Credentials,
    limits: Limits,
    url: &Url,
    depth: &str,
    props: &str,
) -> Result<Multistatus, CalendarError> {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>{props}</d:prop></d:propfind>"#
    );
    let (status, text) = dav_request(credentials, limits, "PROPFIND", url, depth, body).await?;
    check(status, url)?;
    parse_multistatus(&text)
}

/// RFC 4791 §7.1 / RFC 5397: current-user-principal → calendar-home-set → the calendars in it.
/// A URL that is itself a calendar collection is returned as the only one.
pub async fn discover(
    url: &Url,
    credentials: &Credentials,
    limits: Limits,
) -> Result<Vec<DiscoveredCalendar>, CalendarError> {
    let join = |href: &str| {
        url.join(href)
            .map_err(|e| CalendarError::Dav(format!("bad href {href}: {e}")))
    };
    let here = propfind(
        credentials,
        limits,
        url,
        "0",
        "<d:resourcetype/><d:displayname/><d:current-user-principal/>",
    )
    .await?;
    let first = here.responses.first().cloned().unwrap_or_default();
    if first.is_calendar {
        return Ok(vec![DiscoveredCalendar {
            url: url.clone(),
            name: first.name,
        }]);
    }
    let principal = join(
        &first
            .principal
            .ok_or_else(|| CalendarError::Dav(format!("{url}: no current-user-principal")))?,
    )?;
    let home = propfind(
        credentials,
        limits,
        &principal,
        "0",
        "<c:calendar-home-set/>",
    )
    .await?
    .responses
    .into_iter()
    .find_map(|r| r.home)
    .ok_or_else(|| CalendarError::Dav(format!("{principal}: no calendar-home-set")))?;
    let home = join(&home)?;
    let listing = propfind(
        credentials,
        limits,
        &home,
        "1",
        "<d:resourcetype/><d:displayname/>",
    )
    .await?;
    listing
        .responses
        .into_iter()
        .filter(|r| r.is_calendar)
        .map(|r| {
            Ok(DiscoveredCalendar {
                url: join(&r.href)?,
                name: r.name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_collection_answer_separates_changed_and_removed() {
        let xml = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:"><response><href>/u/cal/a.ics</href><propstat><prop><getetag>"1"</getetag></prop><status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/u/cal/b.ics</href><status>HTTP/1.1 404 Not Found</status></response>
<sync-token>http://radicale.org/ns/sync/abc</sync-token></multistatus>"#;
        let ms = parse_multistatus(xml).unwrap();
        assert_eq!(
            ms.sync_token.as_deref(),
            Some("http://radicale.org/ns/sync/abc")
        );
        assert_eq!(ms.responses.len(), 2);
        assert_eq!(ms.responses[0].etag.as_deref(), Some("\"1\""));
        assert_eq!(ms.responses[1].status, Some(404));
    }

    #[test]
    fn properties_with_a_404_propstat_are_ignored() {
        let xml = r#"<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/p/</d:href>
<d:propstat><d:prop><c:calendar-home-set><d:href>/home/</d:href></c:calendar-home-set></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response></d:multistatus>"#;
        let ms = parse_multistatus(xml).unwrap();
        assert_eq!(ms.responses[0].home, None);
    }

    #[test]
    fn html_instead_of_xml_is_a_clear_error() {
        let err = parse_multistatus("<html><body>login</body></html>").unwrap_err();
        assert!(err.to_string().contains("multistatus"), "{err}");
    }
}
