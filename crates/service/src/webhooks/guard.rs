//! Keeps webhooks from reaching the server's own network (SSRF): loopback, private,
//! link-local (cloud metadata lives there), shared and reserved addresses are refused when a
//! webhook is saved, again when each connection is made (the resolver filters what DNS
//! answers now, not what it answered then) and for every redirect.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether `ip` is outside the public internet, after the IANA special-purpose address
/// registries: anything not globally reachable, and every IPv6 form that carries an IPv4
/// address (mapped, compatible, NAT64, 6to4, Teredo) unless that address is public itself.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v6(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    // ::ffff:0:0/96, IPv4-translated (SIIT).
    if s[..4].iter().all(|x| *x == 0) && s[4] == 0xffff && s[5] == 0 {
        return forbidden_v4(embedded(s[6], s[7]));
    }
    // ::/96, IPv4-compatible (deprecated, never routed), with :: and ::1 among them.
    if s[..6].iter().all(|x| *x == 0) {
        return true;
    }
    if s[0] == 0x2002 {
        // 6to4: the IPv4 address is in the second and third groups.
        return forbidden_v4(embedded(s[1], s[2]));
    }
    v6.is_multicast()
        || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64, 64:ff9b::/96 and 64:ff9b:1::/48
        || (s[0] == 0x100 && s[1..4].iter().all(|x| *x == 0)) // discard-only, 100::/64
        || (s[0] == 0x2001 && s[1] < 0x200) // IETF protocol assignments, 2001::/23 (Teredo, benchmarking, ORCHID)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] & 0xfff0) == 0x3ff0 // documentation, 3fff::/20
        || s[0] == 0x5f00 // segment routing SIDs
        || (s[0] & 0xfe00) == 0xfc00 // unique local, fd00:ec2::254 among them
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated, still routed somewhere)
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast (deprecated)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240 // reserved
}

/// Why a URL may not be a webhook target, if it may not.
pub async fn check_url(raw: &str, allow_private: bool) -> Result<(), String> {
    let url = reqwest::Url::parse(raw).map_err(|_| "must be an absolute http or https URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; the signature authenticates Lectern".into());
    }
    let Some(host) = url.host_str() else {
        return Err("must name a host".into());
    };
    if allow_private {
        return Ok(());
    }
    // Names are not resolved here: a host that does not exist yet may be registered, and
    // the resolver enforces the same rule on every delivery (the refusal is logged there).
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let literal = host.parse::<IpAddr>().ok();
    let local_name =
        host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost");
    if local_name || literal.is_some_and(forbidden) {
        return Err(
            "names a loopback, private, link-local or reserved address, which webhooks may not reach (set LECTERN_WEBHOOK_ALLOW_PRIVATE=true to allow it)".into(),
        );
    }
    Ok(())
}

/// Whether a URL (a redirect's target) names a forbidden address literally; names are
/// checked by the resolver when the connection is made.
pub fn literal_forbidden(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => forbidden(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => forbidden(IpAddr::V6(ip)),
        _ => false,
    }
}

/// A resolver that drops forbidden addresses from every answer, so a name that pointed
/// somewhere public when the webhook was saved cannot be re-pointed inside (DNS rebinding).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !forbidden(a.ip()))
                .collect();
            if addrs.is_empty() {
                let message = format!("{host} resolves only to addresses webhooks may not reach");
                return Err(Box::<dyn std::error::Error + Send + Sync>::from(message));
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::127.0.0.1",
            "::ffff:0:7f00:1",
            "::a9fe:a9fe",
            "::8.8.8.8",
            "64:ff9b:1::1",
            "100::1",
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "ff02::1",
            "192.88.99.1",
            "198.18.0.1",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(forbidden(ip.parse().unwrap()), "{ip} should be forbidden");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2002:5db8:d822::1",
        ] {
            assert!(!forbidden(ip.parse().unwrap()), "{ip} should be allowed");
        }
    }

    #[tokio::test]
    async fn urls_are_checked() {
        assert!(check_url("http://127.0.0.1:9/hook", false).await.is_err());
        assert!(check_url("http://[::1]/hook", false).await.is_err());
        assert!(check_url("http://localhost/hook", false).await.is_err());
        assert!(check_url("ftp://example.com/", false).await.is_err());
        assert!(check_url("http://user:pw@93.184.216.34/", false)
            .await
            .is_err());
        assert!(check_url("https://93.184.216.34/hook", false).await.is_ok());
        assert!(check_url("http://127.0.0.1:9/hook", true).await.is_ok());
        assert!(check_url("http://[::127.0.0.1]/hook", false).await.is_err());
        assert!(check_url("http://app.localhost/hook", false).await.is_err());
        // Names are left to delivery time: one that does not resolve yet is accepted.
        assert!(
            check_url("https://hooks.not-yet-registered.invalid/x", false)
                .await
                .is_ok()
        );
    }
}
