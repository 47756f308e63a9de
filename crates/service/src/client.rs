//! Who is on the other end of a connection, for throttling: shared by every adapter so a
//! limit cannot be dodged by switching from REST to GraphQL.

use std::net::IpAddr;

/// Proxies whose `X-Forwarded-For` is believed (`LECTERN_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the
/// nearest untrusted address in `X-Forwarded-For`. A client cannot choose its own address by
/// sending the header directly.
pub fn client_address<'a>(
    peer: Option<IpAddr>,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &TrustedProxies,
) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !trusted.0.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = forwarded_for
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.0.contains(ip))
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| peer.to_string())
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer_token(header: &str) -> crate::Result<&str> {
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| crate::Error::Unauthenticated("use 'Authorization: Bearer <token>'".into()))
}
