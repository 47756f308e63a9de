//! Control characters never enter through REST: not in a path, a query parameter or any
//! string of a JSON body (tabs and line breaks excepted). PostgreSQL cannot store NUL in text
//! and nothing downstream expects the rest, so they are refused at the edge with a 400 or
//! 422 that names the parameter or field, whatever the route. GraphQL checks its own
//! arguments and variables.

use crate::problem::{problem, problem_response};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::web;
use lectern_domain::FieldError;

/// A character no text field may hold.
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn has_forbidden(text: &str) -> bool {
    text.chars().any(forbidden)
}

/// The first query parameter (or the path) that decodes to text with a control character.
fn bad_parameter(path: &str, query: &str) -> Option<String> {
    let decoded = percent_decode(path);
    if has_forbidden(&decoded) {
        return Some("path".into());
    }
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(&name.replace('+', " "));
        let value = percent_decode(&value.replace('+', " "));
        if has_forbidden(&name) || has_forbidden(&value) {
            return Some(name.chars().filter(|c| !forbidden(*c)).collect());
        }
    }
    None
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a JSON text holds a control character in a string: as an escape (`\u00XX`, `\b`,
/// `\f`), or raw
/// where JSON allows it raw (DEL and the C1 controls; raw C0 ones are invalid JSON, which the
/// parser refuses anyway).
fn json_has_control(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            // `\b` (backspace) and `\f` (form feed) are control characters too.
            if matches!(bytes.get(i + 1), Some(b'b' | b'f')) {
                return true;
            }
            if bytes.get(i + 1) == Some(&b'u') {
                let code = bytes
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                if code.and_then(char::from_u32).is_some_and(forbidden) {
                    return true;
                }
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    std::str::from_utf8(bytes).is_ok_and(|t| {
        t.chars()
            .any(|c| forbidden(c) && (c == '\u{7f}' || !c.is_ascii()))
    })
}

/// The path of the first string (or key) holding a control character.
fn json_path(value: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if has_forbidden(s) => Some(at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| json_path(v, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if has_forbidden(k) {
                return Some(here);
            }
            json_path(v, &here)
        }),
        _ => None,
    }
}

/// Middleware: refuses control characters in the path, the query string and JSON bodies.
pub async fn reject_control_characters(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // GraphQL answers in its own error format and checks its arguments itself.
    if req.path().starts_with("/graphql") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    if let Some(name) = bad_parameter(req.path(), req.query_string()) {
        let response = problem_response(
            StatusCode::BAD_REQUEST,
            lectern_service::Code::InvalidParameter,
            format!("the parameter {name:?} must not contain control characters"),
            vec![FieldError::new(name, "must not contain control characters")],
        );
        return Ok(req.into_response(response));
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if !json {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // The body is read here once, within the app's payload limit, and handed on unchanged.
    let bytes = match req.extract::<web::Bytes>().await {
        Ok(b) => b,
        Err(e) => {
            let too_large = e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE;
            let response = if too_large {
                problem(
                    lectern_service::Code::PayloadTooLarge,
                    "the body is larger than this server accepts",
                )
            } else {
                problem(
                    lectern_service::Code::MalformedBody,
                    format!("the body could not be read: {e}"),
                )
            };
            return Ok(req.into_response(response));
        }
    };
    if json_has_control(&bytes) {
        let field = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| json_path(&v, ""))
            .unwrap_or_else(|| "body".into());
        let response = problem_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            lectern_service::Code::ValidationFailed,
            "the request has invalid fields".into(),
            vec![FieldError::new(
                field,
                "must not contain control characters",
            )],
        );
        return Ok(req.into_response(response));
    }
    req.set_payload(bytes_payload(bytes));
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn bytes_payload(bytes: web::Bytes) -> actix_web::dev::Payload {
    let once = futures_util::stream::once(futures_util::future::ready(Ok::<
        _,
        actix_web::error::PayloadError,
    >(bytes)));
    actix_web::dev::Payload::Stream {
        payload: Box::pin(once),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_with_control_characters_are_named() {
        assert_eq!(
            bad_parameter("/api/v1/articles", "tag=a%00b"),
            Some("tag".into())
        );
        assert_eq!(
            bad_parameter("/api/v1/articles", "q=x&technology=%1F"),
            Some("technology".into())
        );
        assert_eq!(
            bad_parameter("/api/v1/articles/a%00", ""),
            Some("path".into())
        );
        assert_eq!(
            bad_parameter("/api/v1/articles", "q=two%0Alines&tag=%E2%82%AC"),
            None
        );
        assert_eq!(
            bad_parameter("/api/v1/articles", "q=%C2%85"),
            Some("q".into())
        );
        assert_eq!(bad_parameter("/x", "bad%"), None);
    }

    #[test]
    fn raw_control_characters_that_json_allows_are_found() {
        assert!(json_has_control(b"{\"refresh_token\":\"a\x7fb\"}"));
        assert!(json_has_control(br#"{"refresh_token":"a\bb"}"#));
        assert!(json_has_control(br#"{"refresh_token":"a\fb"}"#));
        assert!(!json_has_control(br#"{"path":"C:\\bin\\file"}"#));
        assert!(json_has_control("{\"title\":\"a\u{85}b\"}".as_bytes()));
        assert!(!json_has_control(
            "{\"title\":\"caf\u{e9}\ttab\"}".as_bytes()
        ));
    }

    #[test]
    fn json_strings_with_control_characters_are_found() {
        let body = br#"{"title":"ok","trend_signals":[{"metric":"a\u0000b"}]}"#;
        assert!(json_has_control(body));
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(
            json_path(&v, "").as_deref(),
            Some("trend_signals[0].metric")
        );
        assert!(!json_has_control(br#"{"body":"a\nb\tc \\u0000 literal"}"#));
        assert!(json_has_control(br#"{"x":"\u007f"}"#));
        assert!(json_has_control("{\"x\":\"\u{85}\"}".as_bytes()));
    }
}
