//! RFC 9457 problem details: every error leaves the REST API as `application/problem+json`
//! with a stable `code`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use lectern_domain::FieldError;
use lectern_service::Error;
use serde::Serialize;

/// The one mapping from service errors to HTTP statuses: their code's.
pub fn status_of(error: &Error) -> StatusCode {
    let status = StatusCode::from_u16(error.code().status());
    status
        .ok()
        .filter(|s| s.as_u16() >= 400 || s.is_redirection())
        .unwrap_or(StatusCode::BAD_REQUEST)
}

/// The body of every error response.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A service error on its way out of the REST adapter.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match &self.0 {
            Error::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            Error::Database(e) => {
                tracing::error!(error = %lectern_service::Chain(e), "database error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match &self.0 {
            Error::Validation(errors) => errors.clone(),
            _ => vec![],
        };
        let mut response = problem_response(status, self.0.code(), detail, errors);
        match &self.0 {
            Error::Unauthenticated(_) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer realm=\"lectern\""),
                );
            }
            Error::Moved { slug } => {
                // Relative to the item's URL, so it points at the same collection.
                if let Ok(v) = header::HeaderValue::from_str(slug) {
                    response.headers_mut().insert(header::LOCATION, v);
                }
            }
            Error::RateLimited { retry_after_secs } => {
                if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}

/// Builds a problem response directly (for errors raised before a handler runs).
pub fn problem_response(
    status: StatusCode,
    code: lectern_service::Code,
    detail: String,
    errors: Vec<FieldError>,
) -> HttpResponse {
    let code = code.as_str();
    let body = Problem {
        kind: format!("https://lectern.dev/problems/{}", code.replace('_', "-")),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code: code.to_owned(),
        errors,
    };
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(body)
}

/// A problem with no field errors, at its code's status.
pub fn problem(code: lectern_service::Code, detail: impl Into<String>) -> HttpResponse {
    let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    problem_response(status, code, detail.into(), vec![])
}

/// Handler result type.
pub type ApiResult<T> = Result<T, ApiError>;
