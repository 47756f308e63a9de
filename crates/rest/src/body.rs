//! Request bodies read by hand where the raw bytes matter (idempotency digests) or where the
//! body is optional. The rules match the JSON extractor's: 415 for another content type, 400
//! for malformed JSON, 422 for the wrong shape.

use crate::problem::{problem, problem_response};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use lectern_domain::FieldError;
use serde::de::DeserializeOwned;

#[derive(Debug)]
pub enum BodyError {
    UnsupportedMediaType,
    Malformed(String),
    Invalid(FieldError),
    Missing,
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl ResponseError for BodyError {
    fn status_code(&self) -> StatusCode {
        match self {
            BodyError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            BodyError::Malformed(_) | BodyError::Missing => StatusCode::BAD_REQUEST,
            BodyError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            BodyError::UnsupportedMediaType => problem(
                lectern_service::Code::UnsupportedMediaType,
                "send the body as application/json",
            ),
            BodyError::Malformed(m) => problem(lectern_service::Code::MalformedJson, m.clone()),
            BodyError::Missing => problem(
                lectern_service::Code::MalformedJson,
                "a JSON body is required",
            ),
            BodyError::Invalid(f) => problem_response(
                self.status_code(),
                lectern_service::Code::ValidationFailed,
                "the request has invalid fields".into(),
                vec![f.clone()],
            ),
        }
    }
}

/// Parses a JSON body; an empty body gives `None`.
pub fn optional_json<T: DeserializeOwned>(
    req: &HttpRequest,
    bytes: &[u8],
) -> Result<Option<T>, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<actix_web::mime::Mime>().ok())
        .is_some_and(|m| {
            m.subtype() == actix_web::mime::JSON || m.suffix() == Some(actix_web::mime::JSON)
        });
    if !is_json {
        return Err(BodyError::UnsupportedMediaType);
    }
    match serde_json::from_slice::<T>(bytes) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_data() => {
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_owned();
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.starts_with("unknown field"))
                .unwrap_or("body")
                .to_owned();
            Err(BodyError::Invalid(FieldError::new(field, message)))
        }
        Err(e) => Err(BodyError::Malformed(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// Like `optional_json`, for a body that must be there.
pub fn json<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<T, BodyError> {
    optional_json(req, bytes)?.ok_or(BodyError::Missing)
}
