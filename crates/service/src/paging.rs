//! Page requests, sort keys and opaque cursors, shared by every list.

use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use lectern_storage::queries::{Keyset, SortDir, SortValue};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;

/// A validated sort: a field from the list's allow-list and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortSpec<F> {
    pub field: F,
    pub dir: SortDir,
}

/// Parses `field` or `-field` against an allow-list of (name, field) pairs.
pub fn parse_sort<F: Copy>(raw: &str, allowed: &[(&str, F)]) -> Result<SortSpec<F>> {
    let (name, dir) = match raw.strip_prefix('-') {
        Some(rest) => (rest, SortDir::Desc),
        None => (raw.strip_prefix('+').unwrap_or(raw), SortDir::Asc),
    };
    allowed
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, field)| SortSpec { field: *field, dir })
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            Error::bad_request(
                crate::Code::InvalidSort,
                format!(
                    "cannot sort by '{raw}': use one of {} (prefix '-' for descending)",
                    names.join(", ")
                ),
            )
        })
}

/// Checks a requested page size.
pub fn parse_limit(limit: Option<i64>) -> Result<u64> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(n as u64),
        Some(n) => Err(Error::bad_request(
            crate::Code::InvalidLimit,
            format!("limit must be between 1 and {MAX_LIMIT}, not {n}"),
        )),
    }
}

#[derive(Serialize, Deserialize)]
struct CursorBody {
    /// The sort the cursor was made for; a cursor is only valid with the same sort.
    s: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<i64>,
    i: Uuid,
}

/// Encodes where a page ended. The content is not a contract: clients pass it back unread.
pub fn encode_cursor(sort_key: &str, keyset: &Keyset) -> String {
    let mut body = CursorBody {
        s: sort_key.to_owned(),
        t: None,
        x: None,
        n: None,
        i: keyset.id,
    };
    match &keyset.value {
        SortValue::Time(t) => body.t = *t,
        SortValue::Text(s) => body.x = Some(s.clone()),
        SortValue::Int(n) => body.n = *n,
    }
    let json = serde_json::to_vec(&body).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a cursor made by `encode_cursor` for the same sort; anything else is a 400.
pub fn decode_cursor(raw: &str, sort_key: &str, kind: CursorKind) -> Result<Keyset> {
    let invalid = || {
        Error::bad_request(
            crate::Code::InvalidCursor,
            "the cursor is malformed or was made for another sort order; start again without it",
        )
    };
    if raw.len() > 1024 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let body: CursorBody = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if body.s != sort_key {
        return Err(invalid());
    }
    let value = match kind {
        CursorKind::Time => SortValue::Time(body.t),
        CursorKind::Text => SortValue::Text(body.x.ok_or_else(invalid)?),
        CursorKind::Int => SortValue::Int(body.n),
    };
    Ok(Keyset { value, id: body.i })
}

/// The type of the sort column, to know which part of a cursor holds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorKind {
    Time,
    Text,
    Int,
}

/// The sort as it is written in URLs, used as the cursor's sort key.
pub fn sort_key(name: &str, dir: SortDir) -> String {
    match dir {
        SortDir::Asc => name.to_owned(),
        SortDir::Desc => format!("-{name}"),
    }
}

/// Trims a `limit + 1` fetch to `limit` rows and makes the next page's cursor from the last
/// row kept, when there are more rows.
pub fn finish_page<R>(
    mut rows: Vec<R>,
    limit: u64,
    sort_key: &str,
    keyset_of: impl Fn(&R) -> Keyset,
) -> (Vec<R>, Option<String>) {
    if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        let cursor = rows
            .last()
            .map(|last| encode_cursor(sort_key, &keyset_of(last)));
        (rows, cursor)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_rejection() {
        let keyset = Keyset {
            value: SortValue::Text("Go".into()),
            id: Uuid::now_v7(),
        };
        let c = encode_cursor("name", &keyset);
        assert_eq!(decode_cursor(&c, "name", CursorKind::Text).unwrap(), keyset);
        assert!(decode_cursor(&c, "-name", CursorKind::Text).is_err());
        for bad in ["", "!!!", "e30", &"a".repeat(2000)] {
            assert_eq!(
                decode_cursor(bad, "name", CursorKind::Text)
                    .unwrap_err()
                    .code(),
                crate::Code::InvalidCursor
            );
        }
    }

    #[test]
    fn limits() {
        assert_eq!(parse_limit(None).unwrap(), 20);
        assert!(parse_limit(Some(0)).is_err());
        assert!(parse_limit(Some(101)).is_err());
        assert_eq!(parse_limit(Some(100)).unwrap(), 100);
    }
}
