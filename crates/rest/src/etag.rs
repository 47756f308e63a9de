//! Entity tags and the preconditions built on them.

use actix_web::http::header::{self, HeaderMap};
use lectern_service::Error;
use uuid::Uuid;

/// `"<id>.<version>"`: changes with every write, and never collides between two items.
pub fn etag(id: Uuid, version: i64) -> String {
    format!("\"{}.{}\"", id.simple(), version)
}

/// The version named by `If-Match` for the item `id`, if the header is present.
/// A tag for another item, or `*`, cannot match a specific version and is a 412.
pub fn if_match_version(headers: &HeaderMap, id: Uuid) -> Result<Option<i64>, Error> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = value.to_str().map_err(|_| Error::PreconditionFailed)?;
    let prefix = format!("\"{}.", id.simple());
    for tag in raw.split(',').map(str::trim) {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        if let Some(rest) = tag.strip_prefix(&prefix) {
            if let Some(version) = rest.strip_suffix('"').and_then(|v| v.parse::<i64>().ok()) {
                return Ok(Some(version));
            }
        }
    }
    // A well-formed header that names no version of this item can never match.
    Ok(Some(-1))
}

/// Whether `If-None-Match` already holds `tag` (so a 304 is due).
pub fn none_match(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == tag || t.strip_prefix("W/") == Some(tag))
        })
        .unwrap_or(false)
}
