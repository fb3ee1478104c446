//! API tokens: their text form (`cams_<base64url of 32 random bytes>`, shown once), the hash
//! stored in place of the secret, and the extractor that turns a Bearer header into a user.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::AppState;
use super::api::ApiError;
use crate::db::api_tokens;

/// Every token starts with this, so a leaked one is recognisable (and secret scanners can match).
pub const TOKEN_PREFIX: &str = "cams_";
const SECRET_LEN: usize = 32;
/// `cams_` and the first characters of the secret: enough to tell tokens apart, useless to guess.
const DISPLAY_LEN: usize = TOKEN_PREFIX.len() + 6;

/// A freshly made token: `token` is shown to the person once; only `hash` is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedToken {
    pub token: String,
    pub hash: [u8; 32],
    pub prefix: String,
}

/// A new token from the thread's CSPRNG (ChaCha, seeded from the operating system).
pub fn mint() -> MintedToken {
    mint_from(rand::random::<[u8; SECRET_LEN]>())
}

/// The token for a given secret (tests pass their own).
pub fn mint_from(secret: [u8; SECRET_LEN]) -> MintedToken {
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    MintedToken {
        hash: digest(&token),
        prefix: token[..DISPLAY_LEN].to_string(),
        token,
    }
}

/// The stored hash of a presented token, or `None` when it cannot be one of ours (so nothing is
/// looked up for garbage).
pub fn hash(token: &str) -> Option<[u8; 32]> {
    let secret = token.strip_prefix(TOKEN_PREFIX)?;
    let bytes = URL_SAFE_NO_PAD.decode(secret).ok()?;
    (bytes.len() == SECRET_LEN).then(|| digest(token))
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The user an `Authorization: Bearer <token>` header belongs to. Missing, malformed, unknown,
/// revoked and expired tokens all get the same 401, so a caller learns nothing about which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiUser {
    pub user_id: Uuid,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            });
        let Some(hash) = presented.and_then(hash) else {
            return Err(ApiError::Unauthorized);
        };
        let mut conn = state.pool.acquire().await.map_err(|e| {
            tracing::error!(error = %e, "api auth: no database connection");
            ApiError::Unavailable("the database is unavailable".into())
        })?;
        match api_tokens::authenticate(&mut conn, &hash, chrono::Utc::now()).await {
            Ok(Some(user_id)) => Ok(ApiUser { user_id }),
            Ok(None) => Err(ApiError::Unauthorized),
            Err(e) => {
                tracing::error!(error = %e, "api auth: token lookup failed");
                Err(ApiError::Unavailable("the database is unavailable".into()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_documented_shape_and_hash() {
        let t = mint_from([7u8; 32]);
        assert!(t.token.starts_with("cams_"));
        assert_eq!(t.token.len(), 5 + 43);
        assert_eq!(t.prefix, &t.token[..11]);
        assert_eq!(hash(&t.token), Some(t.hash));
        assert_eq!(t.hash, <[u8; 32]>::from(Sha256::digest(t.token.as_bytes())));
        assert_ne!(mint_from([8u8; 32]).hash, t.hash);
    }

    #[test]
    fn random_tokens_differ() {
        assert_ne!(mint().token, mint().token);
    }

    #[test]
    fn malformed_tokens_have_no_hash() {
        let t = mint_from([7u8; 32]).token;
        assert_eq!(hash(&t[5..]), None, "without the prefix");
        assert_eq!(hash(&t[..t.len() - 1]), None, "truncated");
        assert_eq!(hash(&format!("{t}A")), None, "too long");
        assert_eq!(hash("cams_not base64!"), None);
        assert_eq!(hash(""), None);
    }
}
