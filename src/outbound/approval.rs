//! Signed, expiring one-click approval tokens (HMAC-SHA256), bound to one request and one action.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long an approval link stays valid unless the caller chooses otherwise (issue 5, item 4).
pub const DEFAULT_EXPIRY: TimeDelta = TimeDelta::hours(72);

/// Shorter keys make HMAC-SHA256 weaker than its output; refuse them rather than sign weakly.
pub const MIN_KEY_LEN: usize = 32;

const VERSION: u8 = 1;
const TAG_LEN: usize = 32;
// version | request id | action | slot (u32 BE) | expires_at (i64 BE unix seconds) | nonce
const PAYLOAD_LEN: usize = 1 + 16 + 1 + 4 + 8 + 16;
const TOKEN_LEN: usize = PAYLOAD_LEN + TAG_LEN;

/// What clicking the link does; mirrors `approval_tokens.action` / `slot_index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalAction {
    Send,
    /// 1-based, as shown to the user ("pick slot 2").
    PickSlot(u32),
    Decline,
    Ignore,
}

impl ApprovalAction {
    /// The `approval_tokens.action` column value.
    pub fn as_str(&self) -> &'static str {
        match self {
            ApprovalAction::Send => "send",
            ApprovalAction::PickSlot(_) => "pick_slot",
            ApprovalAction::Decline => "decline",
            ApprovalAction::Ignore => "ignore",
        }
    }

    /// The `approval_tokens.slot_index` column value.
    pub fn slot_index(&self) -> Option<u32> {
        match self {
            ApprovalAction::PickSlot(k) => Some(*k),
            _ => None,
        }
    }

    fn encode(&self) -> (u8, u32) {
        match self {
            ApprovalAction::Send => (1, 0),
            ApprovalAction::PickSlot(k) => (2, *k),
            ApprovalAction::Decline => (3, 0),
            ApprovalAction::Ignore => (4, 0),
        }
    }

    fn decode(code: u8, slot: u32) -> Option<Self> {
        match (code, slot) {
            (1, 0) => Some(ApprovalAction::Send),
            (2, k) if k >= 1 => Some(ApprovalAction::PickSlot(k)),
            (3, 0) => Some(ApprovalAction::Decline),
            (4, 0) => Some(ApprovalAction::Ignore),
            _ => None,
        }
    }
}

/// A token whose signature and expiry were checked; single use is the database's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    pub request_id: Uuid,
    pub action: ApprovalAction,
    pub expires_at: DateTime<Utc>,
    /// SHA-256 of the token text: what `approval_tokens.token_hash` stores, never the token.
    pub token_hash: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("approval token is malformed")]
    Malformed,
    #[error("approval token signature does not verify")]
    BadSignature,
    #[error("approval token expired at {expires_at}")]
    Expired { expires_at: DateTime<Utc> },
    #[error("approval signing key is {len} bytes; at least {MIN_KEY_LEN} are required")]
    WrongKeyLength { len: usize },
    #[error("slot numbers start at 1")]
    SlotZero,
}

fn mac(key: &[u8]) -> Result<Hmac<Sha256>, TokenError> {
    if key.len() < MIN_KEY_LEN {
        return Err(TokenError::WrongKeyLength { len: key.len() });
    }
    Hmac::<Sha256>::new_from_slice(key).map_err(|_| TokenError::WrongKeyLength { len: key.len() })
}

/// Mint a token for one request and action. Errors on a short key or `PickSlot(0)`.
pub fn issue(
    key: &[u8],
    request_id: Uuid,
    action: ApprovalAction,
    expires_at: DateTime<Utc>,
    nonce: [u8; 16],
) -> Result<String, TokenError> {
    let mut mac = mac(key)?;
    if action == ApprovalAction::PickSlot(0) {
        return Err(TokenError::SlotZero);
    }
    let (code, slot) = action.encode();
    let mut bytes = Vec::with_capacity(TOKEN_LEN);
    bytes.push(VERSION);
    bytes.extend_from_slice(request_id.as_bytes());
    bytes.push(code);
    bytes.extend_from_slice(&slot.to_be_bytes());
    bytes.extend_from_slice(&expires_at.timestamp().to_be_bytes());
    bytes.extend_from_slice(&nonce);
    mac.update(&bytes);
    bytes.extend_from_slice(&mac.finalize().into_bytes());
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What `approval_tokens.token_hash` stores for a token: its SHA-256, never the token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

/// Check signature, shape and expiry (a token is valid strictly before `expires_at`).
pub fn verify(key: &[u8], token: &str, now: DateTime<Utc>) -> Result<VerifiedToken, TokenError> {
    let mut mac = mac(key)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| TokenError::Malformed)?;
    if bytes.len() != TOKEN_LEN {
        return Err(TokenError::Malformed);
    }
    let (payload, tag) = bytes.split_at(PAYLOAD_LEN);
    mac.update(payload);
    // Signature first: nothing in an unsigned payload is trusted, not even its version byte.
    mac.verify_slice(tag)
        .map_err(|_| TokenError::BadSignature)?;
    if payload[0] != VERSION {
        return Err(TokenError::Malformed);
    }
    let request_id = Uuid::from_slice(&payload[1..17]).map_err(|_| TokenError::Malformed)?;
    let slot = u32::from_be_bytes(
        payload[18..22]
            .try_into()
            .map_err(|_| TokenError::Malformed)?,
    );
    let action = ApprovalAction::decode(payload[17], slot).ok_or(TokenError::Malformed)?;
    let secs = i64::from_be_bytes(
        payload[22..30]
            .try_into()
            .map_err(|_| TokenError::Malformed)?,
    );
    let expires_at = DateTime::from_timestamp(secs, 0).ok_or(TokenError::Malformed)?;
    if now >= expires_at {
        return Err(TokenError::Expired { expires_at });
    }
    Ok(VerifiedToken {
        request_id,
        action,
        expires_at,
        token_hash: token_hash(token),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const KEY: [u8; 32] = [7; 32];

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 3, 12, 0, 0).unwrap()
    }

    fn request() -> Uuid {
        Uuid::from_u128(0x1234_5678_9abc_def0_1122_3344_5566_7788)
    }

    fn token(action: ApprovalAction) -> String {
        issue(&KEY, request(), action, now() + DEFAULT_EXPIRY, [9; 16]).unwrap()
    }

    #[test]
    fn round_trip_every_action() {
        for action in [
            ApprovalAction::Send,
            ApprovalAction::PickSlot(1),
            ApprovalAction::PickSlot(3),
            ApprovalAction::Decline,
            ApprovalAction::Ignore,
        ] {
            let t = token(action);
            assert!(
                t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            let v = verify(&KEY, &t, now()).unwrap();
            assert_eq!(v.request_id, request());
            assert_eq!(v.action, action);
            assert_eq!(v.expires_at, now() + DEFAULT_EXPIRY);
            assert_eq!(v.token_hash, <[u8; 32]>::from(Sha256::digest(t.as_bytes())));
        }
    }

    #[test]
    fn tampering_any_byte_fails() {
        let t = token(ApprovalAction::PickSlot(2));
        let raw = URL_SAFE_NO_PAD.decode(&t).unwrap();
        for i in 0..raw.len() {
            let mut bad = raw.clone();
            bad[i] ^= 0x01;
            let bad = URL_SAFE_NO_PAD.encode(bad);
            assert_eq!(
                verify(&KEY, &bad, now()),
                Err(TokenError::BadSignature),
                "byte {i}"
            );
        }
    }

    #[test]
    fn another_key_fails() {
        let t = token(ApprovalAction::Send);
        assert_eq!(verify(&[8; 32], &t, now()), Err(TokenError::BadSignature));
    }

    #[test]
    fn short_key_is_refused_both_ways() {
        let err = issue(&[1; 31], request(), ApprovalAction::Send, now(), [0; 16]);
        assert_eq!(err, Err(TokenError::WrongKeyLength { len: 31 }));
        let t = token(ApprovalAction::Send);
        assert_eq!(
            verify(&[], &t, now()),
            Err(TokenError::WrongKeyLength { len: 0 })
        );
    }

    #[test]
    fn expiry_boundary() {
        let t = token(ApprovalAction::Send);
        let expires = now() + DEFAULT_EXPIRY;
        assert!(verify(&KEY, &t, expires - TimeDelta::seconds(1)).is_ok());
        assert_eq!(
            verify(&KEY, &t, expires),
            Err(TokenError::Expired {
                expires_at: expires
            })
        );
        assert!(matches!(
            verify(&KEY, &t, expires + TimeDelta::days(1)),
            Err(TokenError::Expired { .. })
        ));
    }

    #[test]
    fn a_token_for_request_a_never_verifies_as_request_b() {
        let a = token(ApprovalAction::Send);
        let b = issue(
            &KEY,
            Uuid::from_u128(2),
            ApprovalAction::Send,
            now() + DEFAULT_EXPIRY,
            [9; 16],
        )
        .unwrap();
        assert_ne!(a, b);
        assert_eq!(verify(&KEY, &a, now()).unwrap().request_id, request());
        assert_ne!(
            verify(&KEY, &a, now()).unwrap().request_id,
            Uuid::from_u128(2)
        );
        // Splicing B's request id into A's signed payload is a bad signature, not request B.
        let mut raw = URL_SAFE_NO_PAD.decode(&a).unwrap();
        raw[1..17].copy_from_slice(Uuid::from_u128(2).as_bytes());
        assert_eq!(
            verify(&KEY, &URL_SAFE_NO_PAD.encode(raw), now()),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn pick_slot_zero_is_refused() {
        let err = issue(&KEY, request(), ApprovalAction::PickSlot(0), now(), [0; 16]);
        assert_eq!(err, Err(TokenError::SlotZero));
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for t in ["", "!!!", "abc", &"A".repeat(200)] {
            assert_eq!(verify(&KEY, t, now()), Err(TokenError::Malformed), "{t:?}");
        }
    }

    #[test]
    fn distinct_nonces_give_distinct_tokens() {
        let one = issue(&KEY, request(), ApprovalAction::Send, now(), [1; 16]).unwrap();
        let two = issue(&KEY, request(), ApprovalAction::Send, now(), [2; 16]).unwrap();
        assert_ne!(one, two);
    }

    #[test]
    fn column_values_match_the_table_constraints() {
        assert_eq!(ApprovalAction::PickSlot(2).as_str(), "pick_slot");
        assert_eq!(ApprovalAction::PickSlot(2).slot_index(), Some(2));
        assert_eq!(ApprovalAction::Send.slot_index(), None);
    }
}
