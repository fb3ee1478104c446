//! Reading `Authentication-Results` (RFC 8601), but only the ones our own border server wrote.

/// One method's result from an Authentication-Results header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResult {
    /// `dkim`, `dmarc`, `spf`, `arc`, ...
    pub method: String,
    /// `pass`, `fail`, `none`, ...
    pub result: String,
    /// Properties such as `header.d`, `header.from`, `smtp.mailfrom`, lower-cased keys.
    pub props: Vec<(String, String)>,
}

impl MethodResult {
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The results in the topmost header whose authserv-id is `trusted_id`. Headers with another
/// id were added by servers we do not run (or forged by the sender: anyone can write the
/// header), so RFC 8601 §5 says to ignore them; the topmost is the one our server added last.
pub fn trusted_results(headers: &[String], trusted_id: &str) -> Option<Vec<MethodResult>> {
    headers.iter().find_map(|h| {
        let (id, rest) = split_authserv_id(h)?;
        id.eq_ignore_ascii_case(trusted_id)
            .then(|| parse_results(rest))
    })
}

/// `mx.example.com 1; dkim=pass ...` → ("mx.example.com", "dkim=pass ...").
fn split_authserv_id(header: &str) -> Option<(&str, &str)> {
    let cleaned = header.trim();
    let (head, rest) = cleaned.split_once(';').unwrap_or((cleaned, ""));
    let id = head.split_whitespace().next()?; // a version number may follow the id
    Some((id, rest))
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn parse_results(rest: &str) -> Vec<MethodResult> {
    let text = strip_comments(rest);
    text.split(';')
        .filter_map(|part| {
            let mut tokens = part.split_whitespace();
            let (method, result) = tokens.next()?.split_once('=')?;
            let method = method.split('/').next()?.to_ascii_lowercase(); // dkim/1 → dkim
            let props = tokens
                .filter_map(|t| {
                    let (k, v) = t.split_once('=')?;
                    Some((
                        k.to_ascii_lowercase(),
                        v.trim_matches('"').to_ascii_lowercase(),
                    ))
                })
                .collect();
            Some(MethodResult {
                method,
                result: result.to_ascii_lowercase(),
                props,
            })
        })
        .filter(|r| r.method != "none")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_trusted_servers_header_counts() {
        let headers = vec![
            "mx.cams.example; dkim=pass (2048-bit key) header.d=example.org header.s=sel \
             header.b=abc; spf=pass smtp.mailfrom=example.org; dmarc=pass (p=reject) header.from=example.org"
                .to_string(),
            "mx.evil.example; dkim=pass header.d=bank.example".to_string(),
        ];
        let r = trusted_results(&headers, "mx.cams.example").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].method, "dkim");
        assert_eq!(r[0].prop("header.d"), Some("example.org"));
        assert_eq!(r[2].prop("header.from"), Some("example.org"));
        assert!(trusted_results(&headers, "mx.other.example").is_none());
        // The forged one is never read as ours even if it is first.
        let forged = vec![headers[1].clone(), headers[0].clone()];
        let r = trusted_results(&forged, "mx.cams.example").unwrap();
        assert_eq!(r[0].prop("header.d"), Some("example.org"));
    }

    #[test]
    fn versions_comments_and_none_are_handled() {
        let h = vec!["mx.cams.example 1; none".to_string()];
        assert_eq!(trusted_results(&h, "mx.cams.example"), Some(vec![]));
        let h = vec!["mx.cams.example; dkim/1=fail (bad sig; really) header.d=x.org".to_string()];
        let r = trusted_results(&h, "mx.cams.example").unwrap();
        assert_eq!(
            (r[0].method.as_str(), r[0].result.as_str()),
            ("dkim", "fail")
        );
    }
}
