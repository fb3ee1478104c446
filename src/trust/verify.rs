//! Verifying DKIM, ARC and DMARC ourselves (mail-auth), for mail that did not pass our own MTA.
//! SPF is not checked: a webhook hands us the message, not the connecting IP it needs.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dmarc::Dmarc;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DmarcResult, MessageAuthenticator, Parameters, ResolverCache,
    SpfOutput, Txt,
};

use super::{Trust, aligned};

/// A TXT cache the verifier reads before asking DNS. Production fills it from lookups; tests
/// seed it, so verification runs offline and deterministically.
#[derive(Default)]
pub struct DnsCache {
    txt: Mutex<HashMap<Box<str>, (Txt, Instant)>>,
}

impl ResolverCache<Box<str>, Txt> for DnsCache {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let map = self.txt.lock().ok()?;
        map.get(name)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(v, _)| v.clone())
    }

    fn remove<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.txt.lock().ok()?.remove(name).map(|(v, _)| v)
    }

    fn insert(&self, key: Box<str>, value: Txt, valid_until: Instant) {
        if let Ok(mut map) = self.txt.lock() {
            map.insert(key, (value, valid_until));
        }
    }
}

impl DnsCache {
    /// Seeds a DKIM key (`<selector>._domainkey.<domain>`) or a DMARC policy (`_dmarc.<domain>`)
    /// from its TXT record text.
    pub fn seed(&self, name: &str, record: &str) -> Result<(), String> {
        let key = format!("{}.", name.trim_end_matches('.').to_ascii_lowercase());
        let txt: Txt = if key.contains("._domainkey.") {
            DomainKey::parse(record.as_bytes())
                .map_err(|e| format!("{name}: {e}"))?
                .into()
        } else if key.starts_with("_dmarc.") {
            Dmarc::parse(record.as_bytes())
                .map_err(|e| format!("{name}: {e}"))?
                .into()
        } else {
            return Err(format!(
                "{name}: only DKIM keys and DMARC records can be seeded"
            ));
        };
        self.insert(
            key.into_boxed_str(),
            txt,
            Instant::now() + Duration::from_secs(365 * 86400),
        );
        Ok(())
    }
}

/// Verifies messages' signatures; one per process (it holds the DNS resolver and cache).
pub struct Verifier {
    auth: MessageAuthenticator,
    cache: DnsCache,
}

impl Verifier {
    /// With the system's resolver configuration, falling back to a public resolver when the
    /// machine has none.
    pub fn new(cache: DnsCache) -> Verifier {
        let auth = MessageAuthenticator::new_system_conf()
            .or_else(|_| MessageAuthenticator::new_cloudflare())
            .expect("a resolver with a built-in configuration can always be made");
        Verifier { auth, cache }
    }

    pub fn cache(&self) -> &DnsCache {
        &self.cache
    }

    /// DKIM, then DMARC on its result; ARC is verified and reported but does not vouch by itself
    /// (it would need a list of sealers we trust).
    pub async fn verify(&self, raw: &[u8]) -> Trust {
        let Some(msg) = AuthenticatedMessage::parse(raw) else {
            return Trust::Unverified {
                reason: "the message could not be parsed for verification".into(),
            };
        };
        let Some(from_domain) = msg
            .from
            .first()
            .and_then(|f| f.rsplit_once('@'))
            .map(|(_, d)| d.to_ascii_lowercase())
        else {
            return Trust::Unverified {
                reason: "no From address".into(),
            };
        };
        let dkim = self
            .auth
            .verify_dkim(Parameters::new(&msg).with_txt_cache(&self.cache))
            .await;
        let arc = self
            .auth
            .verify_arc(Parameters::new(&msg).with_txt_cache(&self.cache))
            .await;
        let spf = SpfOutput::new(from_domain.clone());
        let dmarc = self
            .auth
            .verify_dmarc(
                Parameters::new(DmarcParameters::new(&msg, &dkim, &from_domain, &spf))
                    .with_txt_cache(&self.cache),
            )
            .await;

        tracing::debug!(?dkim, dmarc = ?dmarc.dkim_result(), record = dmarc.dmarc_record().is_some(), "verification");
        if matches!(dmarc.dkim_result(), DmarcResult::Pass) {
            return Trust::Authenticated {
                domain: from_domain,
                method: "dmarc".into(),
            };
        }
        let aligned_pass = dkim.iter().any(|o| {
            matches!(o.result(), DkimResult::Pass)
                && o.signature().is_some_and(|s| aligned(&s.d, &from_domain))
        });
        if aligned_pass {
            return Trust::Authenticated {
                domain: from_domain,
                method: "dkim".into(),
            };
        }
        // With a published policy and no aligned pass, DMARC fails (SPF cannot rescue it here).
        if matches!(dmarc.result(), DmarcResult::Fail(_)) && dmarc.dmarc_record().is_some() {
            return Trust::Failed {
                reason: format!(
                    "DMARC failed for {from_domain}: no aligned DKIM signature verified"
                ),
            };
        }
        let own_failed = dkim.iter().any(|o| {
            matches!(o.result(), DkimResult::Fail(_))
                && o.signature().is_some_and(|s| aligned(&s.d, &from_domain))
        });
        if own_failed {
            return Trust::Failed {
                reason: format!("the DKIM signature of {from_domain} did not verify"),
            };
        }
        Trust::Unverified {
            reason: format!(
                "no DKIM signature aligned with {from_domain} (ARC: {:?})",
                arc.result()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use mail_auth::common::crypto::Ed25519Key;
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::dkim::DkimSigner;

    const MESSAGE: &str = "From: Alice <alice@example.org>\r\nTo: schedule@cams.example\r\n\
        Subject: Approve\r\nDate: Tue, 3 Mar 2026 10:15:00 +0100\r\nMessage-ID: <a1@example.org>\r\n\
        \r\nyes\r\n";

    /// A signing domain: its Ed25519 key (PKCS#8) and the public half for its DNS record.
    struct Domain {
        pkcs8: Vec<u8>,
        public: String,
    }

    fn registered_domain() -> Domain {
        let pkcs8 = Ed25519Key::generate_pkcs8().unwrap();
        let key = Ed25519Key::from_pkcs8_der(&pkcs8).unwrap();
        let public = base64::engine::general_purpose::STANDARD.encode(key.public_key());
        Domain { pkcs8, public }
    }

    fn sign(d: &Domain, domain: &str, message: &str) -> String {
        let sig = DkimSigner::from_key(Ed25519Key::from_pkcs8_der(&d.pkcs8).unwrap())
            .domain(domain)
            .selector("sel")
            .headers(["From", "To", "Subject", "Date", "Message-ID"])
            .sign(message.as_bytes())
            .unwrap();
        format!("{}{message}", sig.to_header())
    }

    /// A verifier whose cache holds every record the tests look up: no DNS traffic at all.
    fn verifier(records: &[(&str, String)]) -> Verifier {
        let cache = DnsCache::default();
        for (name, record) in records {
            cache.seed(name, record).unwrap();
        }
        Verifier::new(cache)
    }

    #[tokio::test]
    async fn an_aligned_dkim_signature_is_trusted() {
        let org = registered_domain();
        let v = verifier(&[
            (
                "sel._domainkey.example.org",
                format!("v=DKIM1; k=ed25519; p={}", org.public),
            ),
            ("_dmarc.example.org", "v=DMARC1; p=reject".into()),
        ]);
        let signed = sign(&org, "example.org", MESSAGE);
        let trust = v.verify(signed.as_bytes()).await;
        assert!(trust.is_authenticated(), "{trust:?}");
        assert!(trust.vouches_for("alice@example.org"));
    }

    #[tokio::test]
    async fn a_spoofed_from_without_a_signature_is_not_trusted() {
        let v = verifier(&[("_dmarc.example.org", "v=DMARC1; p=reject".into())]);
        let trust = v.verify(MESSAGE.as_bytes()).await;
        assert!(!trust.is_authenticated(), "{trust:?}");
        assert!(
            matches!(trust, Trust::Failed { .. }),
            "DMARC p=reject and no aligned signature: {trust:?}"
        );
    }

    #[tokio::test]
    async fn a_signature_of_another_domain_does_not_vouch_for_the_from() {
        let mailer = registered_domain();
        let v = verifier(&[
            (
                "sel._domainkey.mailer.example.net",
                format!("v=DKIM1; k=ed25519; p={}", mailer.public),
            ),
            ("_dmarc.example.org", "v=DMARC1; p=none".into()),
        ]);
        let signed = sign(&mailer, "mailer.example.net", MESSAGE);
        let trust = v.verify(signed.as_bytes()).await;
        assert!(!trust.is_authenticated(), "{trust:?}");
        assert!(!trust.vouches_for("alice@example.org"));
    }

    #[tokio::test]
    async fn a_message_changed_after_signing_fails() {
        let org = registered_domain();
        let v = verifier(&[
            (
                "sel._domainkey.example.org",
                format!("v=DKIM1; k=ed25519; p={}", org.public),
            ),
            ("_dmarc.example.org", "v=DMARC1; p=quarantine".into()),
        ]);
        let signed = sign(&org, "example.org", MESSAGE).replace("\r\nyes\r\n", "\r\nno\r\n");
        let trust = v.verify(signed.as_bytes()).await;
        assert!(matches!(trust, Trust::Failed { .. }), "{trust:?}");
    }

    #[test]
    fn only_dkim_keys_and_dmarc_records_can_be_seeded() {
        let cache = DnsCache::default();
        assert!(cache.seed("example.org", "v=spf1 -all").is_err());
        assert!(
            cache
                .seed("_dmarc.example.org", "not a dmarc record")
                .is_err()
        );
        assert!(cache.seed("_dmarc.example.org", "v=DMARC1; p=none").is_ok());
    }
}
