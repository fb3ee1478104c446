//! Inbound mail webhooks: raw RFC 822, Mailgun, SendGrid and Postmark. A 2xx is sent only after
//! the message is committed, so a provider retries anything we did not keep.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

use super::AppState;
use crate::db::inbound::{Source, Stored};
use crate::ingest::store::{IngestError, RawInbound, ingest};

/// A refused delivery, with the status a provider understands and a reason a person can act on.
#[derive(Debug)]
pub struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn refuse(status: StatusCode, why: impl Into<String>) -> Refusal {
    Refusal(status, why.into())
}

impl From<IngestError> for Refusal {
    fn from(e: IngestError) -> Refusal {
        match e {
            IngestError::TooLarge { .. } => refuse(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
            IngestError::NotAMessage(_) => refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
            IngestError::Replay => refuse(StatusCode::CONFLICT, e.to_string()),
            IngestError::Db(db) => {
                // 5xx so the provider keeps the message and retries; the cause goes to the log.
                tracing::error!(error = %db, "inbound webhook: could not store the message");
                refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the message could not be stored; retry later",
                )
            }
        }
    }
}

fn stored_response(s: Stored) -> Response {
    let (status, id) = match s {
        Stored::New(id) => ("stored", id),
        Stored::Duplicate(id) => ("duplicate", id),
    };
    (StatusCode::OK, Json(json!({ "status": status, "id": id }))).into_response()
}

/// Compares secrets in time independent of where they differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// `Authorization: Bearer <secret>`, or Basic auth whose password is the secret (what SendGrid
/// and Postmark can put in a webhook URL).
fn authorised(headers: &HeaderMap, secret: Option<&SecretString>) -> Result<(), Refusal> {
    let Some(secret) = secret else {
        return Err(refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "inbound.webhook_secret is not configured; this endpoint accepts nothing until it is",
        ));
    };
    let expected = secret.expose_secret().as_bytes();
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok = if let Some(token) = auth.strip_prefix("Bearer ") {
        same_secret(token.trim().as_bytes(), expected)
    } else if let Some(b64) = auth.strip_prefix("Basic ") {
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|d| {
                let text = String::from_utf8(d).ok()?;
                let (_, password) = text.split_once(':')?;
                Some(same_secret(password.as_bytes(), expected))
            })
            .unwrap_or(false)
    } else {
        false
    };
    if ok {
        Ok(())
    } else {
        Err(refuse(
            StatusCode::UNAUTHORIZED,
            "missing or wrong credentials",
        ))
    }
}

async fn store(
    state: &AppState,
    source: Source,
    raw: &[u8],
    envelope_from: Option<&str>,
    envelope_to: Vec<String>,
    delivery_token: Option<&str>,
) -> Result<Response, Refusal> {
    let cfg = &state.config.inbound;
    let stored = ingest(
        &state.pool,
        cfg.max_message_bytes,
        cfg.max_attempts,
        &RawInbound {
            source,
            raw,
            envelope_from,
            envelope_to,
            mailbox_id: None,
            delivery_token,
        },
    )
    .await?;
    let result = match stored {
        Stored::New(_) => "stored",
        Stored::Duplicate(_) => "duplicate",
    };
    metrics::counter!("cams_inbound_messages_total", "source" => source.as_str(), "result" => result)
        .increment(1);
    Ok(stored_response(stored))
}

/// `POST /inbound/raw`: the body is the message (`Content-Type: message/rfc822`); optional
/// `X-Envelope-From` and `X-Envelope-To` (comma-separated) headers carry the SMTP envelope.
pub async fn raw(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    authorised(&headers, state.config.inbound.webhook_secret.as_ref())?;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime != "message/rfc822" && mime != "application/octet-stream" {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("send the message as message/rfc822, not {ctype:?}"),
        ));
    }
    let from = headers.get("x-envelope-from").and_then(|v| v.to_str().ok());
    let to = headers
        .get("x-envelope-to")
        .and_then(|v| v.to_str().ok())
        .map(split_addresses)
        .unwrap_or_default();
    store(&state, Source::WebhookRaw, &body, from, to, None).await
}

fn split_addresses(s: &str) -> Vec<String> {
    s.split(',')
        .map(|a| {
            a.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// Reads every field of a multipart form into (name, bytes) pairs.
async fn form_fields(req: Request, state: &AppState) -> Result<Vec<(String, Vec<u8>)>, Refusal> {
    let mut form = Multipart::from_request(req, state).await.map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            format!("expected multipart/form-data: {e}"),
        )
    })?;
    let mut out = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let data = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        refuse(StatusCode::PAYLOAD_TOO_LARGE, "the message is too large")
                    } else {
                        refuse(
                            StatusCode::BAD_REQUEST,
                            format!("bad form field {name:?}: {e}"),
                        )
                    }
                })?;
                out.push((name, data.to_vec()));
            }
            Ok(None) => return Ok(out),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the message is too large",
                ));
            }
            Err(e) => return Err(refuse(StatusCode::BAD_REQUEST, format!("bad form: {e}"))),
        }
    }
}

fn field<'a>(fields: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_slice())
}

fn text_field<'a>(fields: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a str> {
    field(fields, name)
        .and_then(|v| std::str::from_utf8(v).ok())
        .map(str::trim)
}

/// Mailgun's signature: hex HMAC-SHA256 of timestamp + token under the webhook signing key
/// (Mailgun "Securing webhooks"), with the timestamp inside the replay window.
pub fn verify_mailgun(
    key: &[u8],
    timestamp: &str,
    token: &str,
    signature: &str,
    now_unix: i64,
    max_age_secs: u64,
) -> Result<(), &'static str> {
    let ts: i64 = timestamp.parse().map_err(|_| "timestamp is not a number")?;
    if (now_unix - ts).unsigned_abs() > max_age_secs {
        return Err("signature timestamp outside the replay window");
    }
    let sig = hex::decode(signature).map_err(|_| "signature is not hex")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| "bad signing key")?;
    mac.update(timestamp.as_bytes());
    mac.update(token.as_bytes());
    mac.verify_slice(&sig)
        .map_err(|_| "signature does not match")
}

/// `POST /inbound/mailgun`: a "forward to URL" route ending in `mime`, so the form carries
/// `body-mime` (the raw message) with `timestamp`, `token`, `signature`, `recipient`, `sender`.
pub async fn mailgun(State(state): State<AppState>, req: Request) -> Result<Response, Refusal> {
    let Some(key) = state.config.inbound.mailgun_signing_key.clone() else {
        return Err(refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "inbound.mailgun_signing_key is not configured",
        ));
    };
    let fields = form_fields(req, &state).await?;
    let (Some(ts), Some(token), Some(sig)) = (
        text_field(&fields, "timestamp"),
        text_field(&fields, "token"),
        text_field(&fields, "signature"),
    ) else {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "timestamp, token and signature are required",
        ));
    };
    verify_mailgun(
        key.expose_secret().as_bytes(),
        ts,
        token,
        sig,
        chrono::Utc::now().timestamp(),
        state.config.inbound.signature_max_age_secs,
    )
    .map_err(|why| refuse(StatusCode::UNAUTHORIZED, why))?;
    let Some(raw) = field(&fields, "body-mime") else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no body-mime field: point the Mailgun route at a URL ending in \"mime\" (raw MIME)",
        ));
    };
    let to = text_field(&fields, "recipient")
        .map(split_addresses)
        .unwrap_or_default();
    let from = text_field(&fields, "sender");
    store(&state, Source::Mailgun, raw, from, to, Some(token)).await
}

#[derive(Deserialize)]
struct SendgridEnvelope {
    #[serde(default)]
    to: Vec<String>,
    from: Option<String>,
}

/// `POST /inbound/sendgrid`: Inbound Parse with "POST the raw, full MIME message": the form
/// carries `email` (the raw message) and `envelope` (JSON with `to` and `from`).
pub async fn sendgrid(State(state): State<AppState>, req: Request) -> Result<Response, Refusal> {
    authorised(req.headers(), state.config.inbound.webhook_secret.as_ref())?;
    let fields = form_fields(req, &state).await?;
    let Some(raw) = field(&fields, "email") else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no email field: enable \"POST the raw, full MIME message\" in SendGrid Inbound Parse",
        ));
    };
    let envelope: Option<SendgridEnvelope> =
        field(&fields, "envelope").and_then(|e| serde_json::from_slice(e).ok());
    let (to, from) = match &envelope {
        Some(e) => (e.to.clone(), e.from.as_deref()),
        None => (Vec::new(), None),
    };
    store(&state, Source::Sendgrid, raw, from, to, None).await
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PostmarkInbound {
    raw_email: Option<String>,
    original_recipient: Option<String>,
    from: Option<String>,
}

/// `POST /inbound/postmark`: Postmark's inbound JSON, with "Include raw email content in JSON
/// payload" enabled so `RawEmail` holds the message.
pub async fn postmark(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    authorised(&headers, state.config.inbound.webhook_secret.as_ref())?;
    let payload: PostmarkInbound = serde_json::from_slice(&body).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            format!("not Postmark inbound JSON: {e}"),
        )
    })?;
    let Some(raw) = payload.raw_email.filter(|r| !r.trim().is_empty()) else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no RawEmail: enable \"Include raw email content in JSON payload\" for the server",
        ));
    };
    let to = payload
        .original_recipient
        .map(|r| split_addresses(&r))
        .unwrap_or_default();
    store(
        &state,
        Source::Postmark,
        raw.as_bytes(),
        payload.from.as_deref(),
        to,
        None,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(key: &[u8], ts: &str, token: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(ts.as_bytes());
        mac.update(token.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn mailgun_signatures_are_checked_and_expire() {
        let key = b"key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
        let sig = sign(key, "1767225600", "tok-1");
        assert_eq!(
            verify_mailgun(key, "1767225600", "tok-1", &sig, 1767225700, 900),
            Ok(())
        );
        assert!(verify_mailgun(key, "1767225600", "tok-2", &sig, 1767225700, 900).is_err());
        assert!(
            verify_mailgun(b"other-key", "1767225600", "tok-1", &sig, 1767225700, 900).is_err()
        );
        assert_eq!(
            verify_mailgun(key, "1767225600", "tok-1", &sig, 1767225600 + 901, 900),
            Err("signature timestamp outside the replay window")
        );
        assert!(verify_mailgun(key, "soon", "tok-1", &sig, 0, 900).is_err());
        assert!(verify_mailgun(key, "1767225600", "tok-1", "zz", 1767225600, 900).is_err());
    }

    #[test]
    fn envelope_addresses_are_split_and_unbracketed() {
        assert_eq!(
            split_addresses(" <a@x.org>, b@y.org ,,"),
            vec!["a@x.org".to_string(), "b@y.org".to_string()]
        );
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
    }
}
