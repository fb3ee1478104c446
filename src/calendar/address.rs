//! Which network addresses a calendar URL may reach: no private, loopback or link-local ones
//! unless the configuration allows them (a feed URL is user input: SSRF).

use std::net::{IpAddr, SocketAddr};

use super::CalendarError;

/// Whether `ip` is public. IPv4-mapped IPv6 addresses are judged as the IPv4 they carry, or
/// `::ffff:127.0.0.1` would walk past the check.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // 100.64.0.0/10, carrier-grade NAT (RFC 6598); 0.0.0.0/8.
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// Resolves `host:port` and checks every address; returns one to connect to, so the connection
/// goes where the check looked (a second lookup could answer differently: DNS rebinding).
pub async fn resolve_checked(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<SocketAddr, CalendarError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| CalendarError::BadUrl(format!("{host}: cannot resolve: {e}")))?
        .collect();
    let first = *addrs
        .first()
        .ok_or_else(|| CalendarError::BadUrl(format!("{host}: no address")))?;
    if !allow_private && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(CalendarError::Refused(format!(
            "{host} resolves to {} (private, loopback or link-local); set \
             calendar.allow_private_addresses to allow it",
            bad.ip()
        )));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "100.64.0.1",
            "0.0.0.0",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }
}
