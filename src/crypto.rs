//! Secrets at rest: AES-256-GCM sealing of OAuth tokens and mailbox passwords (seed fix 5).

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("secrets.encryption_key is not set; CAMS cannot store or read credentials without it")]
    NoKey,
    #[error("secrets.encryption_key must be base64 of 32 bytes")]
    BadKey,
    #[error("sealed with key {found}, but the configured key is {expected}")]
    WrongKey { found: String, expected: String },
    #[error("sealed value is corrupt or was tampered with")]
    Corrupt,
}

/// Seals and opens secrets with the configured key. The key id (a hash prefix of the key, never
/// the key) is stored next to each ciphertext, so a changed key is reported as such rather than as
/// corruption, and rotation can re-seal what an old key sealed.
pub struct SecretBox {
    cipher: Aes256Gcm,
    key_id: String,
}

/// A sealed value: nonce followed by ciphertext and tag, and the id of the key that sealed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

impl SecretBox {
    pub fn from_config(key: Option<&SecretString>) -> Result<SecretBox, CryptoError> {
        let key = key.ok_or(CryptoError::NoKey)?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(key.expose_secret().trim())
            .map_err(|_| CryptoError::BadKey)?;
        if raw.len() != 32 {
            return Err(CryptoError::BadKey);
        }
        let key_id = hex::encode(&Sha256::digest([b"cams-key-id:".as_slice(), &raw].concat())[..8]);
        Ok(SecretBox {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(
                <[u8; 32]>::try_from(raw.as_slice()).map_err(|_| CryptoError::BadKey)?,
            )),
            key_id,
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals with a fresh random nonce; the key id is bound as associated data, so a ciphertext
    /// relabelled with another key id does not open.
    pub fn seal(&self, plaintext: &[u8]) -> Sealed {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                aes_gcm::aead::Payload {
                    msg: plaintext,
                    aad: self.key_id.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Sealed {
            key_id: self.key_id.clone(),
            bytes,
        }
    }

    pub fn open(&self, sealed: &Sealed) -> Result<Vec<u8>, CryptoError> {
        if sealed.key_id != self.key_id {
            return Err(CryptoError::WrongKey {
                found: sealed.key_id.clone(),
                expected: self.key_id.clone(),
            });
        }
        if sealed.bytes.len() < NONCE_LEN + 16 {
            return Err(CryptoError::Corrupt);
        }
        let (nonce, ct) = sealed.bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Corrupt)?;
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                aes_gcm::aead::Payload {
                    msg: ct,
                    aad: sealed.key_id.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretString {
        SecretString::from(base64::engine::general_purpose::STANDARD.encode([byte; 32]))
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_untampered() {
        let b = SecretBox::from_config(Some(&key(7))).unwrap();
        let s = b.seal(b"ya29.oauth-access-token");
        assert!(
            !s.bytes.windows(5).any(|w| w == b"oauth"),
            "ciphertext leaks plaintext"
        );
        assert_eq!(b.open(&s).unwrap(), b"ya29.oauth-access-token");
        assert_ne!(
            b.seal(b"x").bytes,
            b.seal(b"x").bytes,
            "fresh nonce each time"
        );

        let other = SecretBox::from_config(Some(&key(8))).unwrap();
        assert!(matches!(other.open(&s), Err(CryptoError::WrongKey { .. })));

        let mut tampered = s.clone();
        let last = tampered.bytes.len() - 1;
        tampered.bytes[last] ^= 1;
        assert_eq!(b.open(&tampered), Err(CryptoError::Corrupt));
        let mut truncated = s.clone();
        truncated.bytes.truncate(10);
        assert_eq!(b.open(&truncated), Err(CryptoError::Corrupt));
    }

    #[test]
    fn missing_or_malformed_keys_are_refused() {
        assert_eq!(SecretBox::from_config(None).err(), Some(CryptoError::NoKey));
        let short = SecretString::from(base64::engine::general_purpose::STANDARD.encode([1u8; 16]));
        assert_eq!(
            SecretBox::from_config(Some(&short)).err(),
            Some(CryptoError::BadKey)
        );
        let junk = SecretString::from("not base64 at all!".to_string());
        assert_eq!(
            SecretBox::from_config(Some(&junk)).err(),
            Some(CryptoError::BadKey)
        );
    }
}
