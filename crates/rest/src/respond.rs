//! Successful responses: JSON bodies with validators and cache headers.

use crate::etag::none_match;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use lectern_service::Caller;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// How long shared caches may keep public answers; set from configuration at start.
#[derive(Debug, Clone, Copy)]
pub struct CachePolicy {
    pub public_max_age: u32,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self { public_max_age: 60 }
    }
}

/// A JSON response for a read: 304 when the client's copy is current; public caching only for
/// what anonymous callers may see, never for anything read with credentials.
pub fn read<T: Serialize>(
    req: &HttpRequest,
    caller: &Caller,
    body: &T,
    etag: Option<String>,
) -> HttpResponse {
    match serde_json::to_vec(body) {
        Ok(bytes) => read_bytes(req, caller, bytes, etag),
        Err(e) => {
            tracing::error!(error = %e, "serialising a response failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Like `read`, for a body that is already JSON. Without an explicit tag the validator is a
/// hash of the bytes, so it changes whenever anything shown changes.
pub fn read_bytes(
    req: &HttpRequest,
    caller: &Caller,
    bytes: Vec<u8>,
    etag: Option<String>,
) -> HttpResponse {
    let tag = etag.unwrap_or_else(|| weak_tag(&bytes));
    let policy = req
        .app_data::<actix_web::web::Data<CachePolicy>>()
        .map(|p| *p.get_ref())
        .unwrap_or_default();
    let cache_control = if caller.is_authenticated() {
        "private, no-store".to_owned()
    } else {
        format!("public, max-age={}", policy.public_max_age)
    };
    let status = if none_match(req.headers(), &tag) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = HttpResponse::build(status);
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, "Authorization, Accept-Language"));
    if status == StatusCode::NOT_MODIFIED {
        response.finish()
    } else {
        response.content_type("application/json").body(bytes)
    }
}

/// A JSON response for a write, never cached.
pub fn write<T: Serialize>(status: StatusCode, body: &T, etag: Option<String>) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(tag) = etag {
        response.insert_header((header::ETAG, tag));
    }
    response.json(body)
}

/// 200 with a body that is never cached.
pub fn ok<T: Serialize>(body: &T) -> HttpResponse {
    write(StatusCode::OK, body, None)
}

/// 201 with the new resource's `Location`.
pub fn created_at<T: Serialize>(body: &T, location: String) -> HttpResponse {
    let mut response = write(StatusCode::CREATED, body, None);
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// 201 for a creation (or its replay), with `Location` and the item's `ETag`.
pub fn created(created: &lectern_service::Created, collection: &str) -> HttpResponse {
    let version = serde_json::from_str::<serde_json::Value>(&created.json)
        .ok()
        .and_then(|v| v["version"].as_i64())
        .unwrap_or(1);
    let mut response = HttpResponse::Created();
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::ETAG, crate::etag::etag(created.id, version)))
        .insert_header((header::LOCATION, format!("{collection}/{}", created.id)));
    if created.replayed {
        response.insert_header(("idempotent-replayed", "true"));
    }
    response
        .content_type("application/json")
        .body(created.json.clone())
}

/// A shaped (`fields`/`include`) answer for a published-only caller, from the public cache
/// when it is there. The key is the whole request, so different shapes never mix.
pub async fn public_shaped<F, Fut>(
    service: &lectern_service::Service,
    req: &HttpRequest,
    compute: F,
) -> crate::problem::ApiResult<Vec<u8>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = crate::problem::ApiResult<Vec<u8>>>,
{
    let key = format!("shaped:{}?{}", req.path(), req.query_string());
    if let Some(hit) = service.cache().get(&key) {
        return Ok(hit.body.as_bytes().to_vec());
    }
    let epoch = service.cache().epoch();
    let body = compute().await?;
    if let Ok(text) = std::str::from_utf8(&body) {
        let value = lectern_service::cache::Cached {
            body: std::sync::Arc::from(text),
            next_cursor: None,
            id: None,
        };
        // Shapes embed related items in full: any change may alter one.
        let scope = lectern_service::cache::Scope::all();
        service.cache().put(key, value, scope, epoch);
    }
    Ok(body)
}

/// A validator for a body that has no version of its own (lists).
fn weak_tag(bytes: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("W/\"{:016x}\"", hasher.finish())
}

/// The list envelope around items that are already JSON, joined with commas.
pub fn list_bytes(items_json: &str, next_cursor: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(items_json.len() + 96);
    out.extend_from_slice(b"{\"data\":[");
    out.extend_from_slice(items_json.as_bytes());
    out.extend_from_slice(b"],\"page\":{\"next_cursor\":");
    match next_cursor {
        Some(c) => out.extend_from_slice(serde_json::Value::from(c).to_string().as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b"}}");
    out
}

/// The list envelope: `{"data": [...], "page": {"next_cursor": ...}}`.
#[derive(Serialize)]
pub struct ListBody<'a, T: Serialize> {
    pub data: &'a [T],
    pub page: PageInfo,
}

#[derive(Serialize)]
pub struct PageInfo {
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_bytes_is_the_same_json_as_the_envelope() {
        let raw: serde_json::Value =
            serde_json::from_slice(&list_bytes(r#"{"a":1},{"b":"x"}"#, Some("c\"1"))).unwrap();
        assert_eq!(
            raw,
            serde_json::json!({"data": [{"a": 1}, {"b": "x"}], "page": {"next_cursor": "c\"1"}})
        );
        let empty: serde_json::Value = serde_json::from_slice(&list_bytes("", None)).unwrap();
        assert_eq!(
            empty,
            serde_json::json!({"data": [], "page": {"next_cursor": null}})
        );
    }
}
