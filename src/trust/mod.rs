//! Sender trust: is the From address really the sender? From our server's Authentication-Results,
//! or by verifying DKIM, ARC and DMARC ourselves for mail that arrived by webhook.

pub mod auth_results;
pub mod verify;

use serde::{Deserialize, Serialize};

pub use verify::{DnsCache, Verifier};

/// How far the From address can be believed; the policy acts on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum Trust {
    /// DMARC passed, or a DKIM signature that verified is aligned with the From domain.
    Authenticated { domain: String, method: String },
    /// No evidence either way (no signature, no trusted result).
    Unverified { reason: String },
    /// Evidence against: DMARC failed, or the From domain's own signature did not verify.
    Failed { reason: String },
}

impl Trust {
    pub fn is_authenticated(&self) -> bool {
        matches!(self, Trust::Authenticated { .. })
    }

    /// A message may be taken as coming from `user_address` (e.g. a CAMS user approving by
    /// reply) only when it is authenticated for that address's domain. Everything else is
    /// treated as a stranger writing, never as the user.
    pub fn vouches_for(&self, user_address: &str) -> bool {
        match self {
            Trust::Authenticated { domain, .. } => user_address
                .rsplit_once('@')
                .is_some_and(|(_, d)| aligned(domain, d)),
            _ => false,
        }
    }
}

/// Relaxed alignment (RFC 7489 §3.1): the same domain, or one a subdomain of the other. Without a
/// public-suffix list this cannot tell `a.co.uk` from `b.co.uk` as organisations; a shared suffix
/// alone never aligns because both must share every label of the shorter domain.
pub fn aligned(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('.').to_ascii_lowercase();
    let b = b.trim_end_matches('.').to_ascii_lowercase();
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

/// Trust from the Authentication-Results our own border server (authserv-id `trusted_id`) added.
pub fn from_auth_results(headers: &[String], trusted_id: &str, from_domain: &str) -> Trust {
    let Some(results) = auth_results::trusted_results(headers, trusted_id) else {
        return Trust::Unverified {
            reason: format!("no Authentication-Results from {trusted_id}"),
        };
    };
    if let Some(d) = results.iter().find(|r| r.method == "dmarc") {
        let header_from = d.prop("header.from").unwrap_or(from_domain);
        match d.result.as_str() {
            "pass" if aligned(header_from, from_domain) => {
                return Trust::Authenticated {
                    domain: from_domain.to_ascii_lowercase(),
                    method: "dmarc".into(),
                };
            }
            "fail" => {
                return Trust::Failed {
                    reason: format!("DMARC failed for {header_from}"),
                };
            }
            _ => {}
        }
    }
    for r in results.iter().filter(|r| r.method == "dkim") {
        let d = r.prop("header.d").unwrap_or("");
        if r.result == "pass" && aligned(d, from_domain) {
            return Trust::Authenticated {
                domain: from_domain.to_ascii_lowercase(),
                method: "dkim".into(),
            };
        }
    }
    if results.iter().any(|r| {
        r.method == "dkim"
            && r.result == "fail"
            && aligned(r.prop("header.d").unwrap_or(""), from_domain)
    }) {
        return Trust::Failed {
            reason: format!("the DKIM signature of {from_domain} did not verify"),
        };
    }
    Trust::Unverified {
        reason: format!("no passing DKIM signature aligned with {from_domain}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_is_relaxed_but_not_loose() {
        assert!(aligned("example.org", "example.org"));
        assert!(aligned("mail.example.org", "example.org"));
        assert!(aligned("example.org", "eu.example.org"));
        assert!(!aligned("example.org", "badexample.org"));
        assert!(!aligned("example.org", "example.org.evil.com"));
        assert!(!aligned("", "example.org"));
    }

    #[test]
    fn trust_from_our_servers_results() {
        let id = "mx.cams.example";
        let pass = vec![format!(
            "{id}; dkim=pass header.d=example.org; dmarc=pass header.from=example.org"
        )];
        assert!(from_auth_results(&pass, id, "example.org").is_authenticated());

        // A valid signature, but of another domain: the From is not vouched for.
        let other = vec![format!("{id}; dkim=pass header.d=mailer.example.net")];
        assert!(matches!(
            from_auth_results(&other, id, "example.org"),
            Trust::Unverified { .. }
        ));

        let failed = vec![format!(
            "{id}; dkim=fail header.d=example.org; dmarc=fail header.from=example.org"
        )];
        assert!(matches!(
            from_auth_results(&failed, id, "example.org"),
            Trust::Failed { .. }
        ));

        // The sender wrote the header themselves, under a name that is not our server's.
        let forged = vec!["mx.gmail.com; dkim=pass header.d=example.org; dmarc=pass".to_string()];
        assert!(matches!(
            from_auth_results(&forged, id, "example.org"),
            Trust::Unverified { .. }
        ));
    }

    #[test]
    fn only_aligned_authentication_vouches_for_a_user() {
        let t = Trust::Authenticated {
            domain: "example.com".into(),
            method: "dkim".into(),
        };
        assert!(t.vouches_for("alice@example.com"));
        assert!(!t.vouches_for("alice@example.org"));
        assert!(
            !Trust::Unverified {
                reason: String::new()
            }
            .vouches_for("alice@example.com")
        );
    }
}
