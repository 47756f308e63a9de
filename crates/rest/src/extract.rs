//! Request parsing shared by the handlers: strict query strings and JSON bodies whose errors
//! become problem responses, and the caller behind the request.

use crate::problem::{problem, problem_response};
use actix_web::error::{InternalError, JsonPayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use lectern_domain::FieldError;

/// Turns a query-string error (unknown parameter, wrong type) into a 400 problem.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &err {
        QueryPayloadError::Deserialize(e) => format!("invalid query parameter: {e}"),
        _ => "invalid query string".to_owned(),
    };
    let response = problem(lectern_service::Code::InvalidParameter, detail);
    InternalError::from_response(err, response).into()
}

/// Malformed JSON is 400, well-formed JSON of the wrong shape (an unknown field, a wrong
/// type) is 422, too large is 413, and a body that is not JSON at all is 415.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let response = match &err {
        JsonPayloadError::ContentType => problem(
            lectern_service::Code::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => problem(
            lectern_service::Code::PayloadTooLarge,
            format!("the body must be at most {limit} bytes"),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = e.to_string();
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.starts_with("unknown field"))
                .unwrap_or("body")
                .to_owned();
            problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                lectern_service::Code::ValidationFailed,
                "the request has invalid fields".into(),
                vec![FieldError::new(field, strip_position(&message))],
            )
        }
        JsonPayloadError::Deserialize(e) => problem(
            lectern_service::Code::MalformedJson,
            format!("the body is not valid JSON: {e}"),
        ),
        _ => problem(
            lectern_service::Code::MalformedBody,
            "the body could not be read",
        ),
    };
    InternalError::from_response(err, response).into()
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// JSON body settings for every write route.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .content_type(|m| {
            m.subtype() == actix_web::mime::JSON || m.suffix() == Some(actix_web::mime::JSON)
        })
        .error_handler(json_error)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(query_error)
}

/// A JSON body that must be an object. serde reads a struct from an array too (by field
/// position), which no client means: `["token"]` must not log anybody out.
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        // Size, content type and syntax are checked by the configured JSON extractor.
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let value = value.await?.into_inner();
            if !value.is_object() {
                let response = problem_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    lectern_service::Code::ValidationFailed,
                    "the request has invalid fields".into(),
                    vec![FieldError::new("body", "must be a JSON object")],
                );
                return Err(InternalError::from_response("not a JSON object", response).into());
            }
            serde_json::from_value::<T>(value)
                .map(Json)
                .map_err(|e| json_error(JsonPayloadError::Deserialize(e), &req))
        })
    }
}

/// Query-string times as people type them: a date (`2023-07-01`) or an RFC 3339 time.
pub fn instant<'de, D>(d: D) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(raw) => lectern_domain::parse_instant("time", &raw)
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("{raw:?} {}", e.message))),
    }
}

/// A query parameter holding JSON (the `filter` of a list).
pub fn json_text<'de, D>(d: D) -> Result<Option<serde_json::Value>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::Deserialize;
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(raw) if raw.trim().is_empty() => Ok(None),
        // Longer filters would not fit the request line of every HTTP stack once encoded.
        Some(raw) if raw.chars().count() > 2000 => Err(serde::de::Error::custom(
            "filter is longer than 2000 characters",
        )),
        Some(raw) => serde_json::from_str(&raw)
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("filter is not JSON: {e}"))),
    }
}
