use lectern_domain::{FieldError, ValidationErrors};
use lectern_storage::StorageError;

/// The one error type of the service layer. Each variant has a stable `code` that clients may
/// match on; REST maps it to an RFC 9457 problem and GraphQL to `extensions.code`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    Gone(String),
    /// The item now lives at another slug.
    #[error("moved to {slug}")]
    Moved { slug: String },
    #[error("the resource was changed by someone else: reload it and apply your change again")]
    PreconditionFailed,
    #[error(
        "this change needs the version you based it on (an If-Match header or a version field)"
    )]
    PreconditionRequired,
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    #[error("internal error")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation_failed",
            Error::BadRequest { code, .. } | Error::Conflict { code, .. } => code,
            Error::Unauthenticated(_) => "unauthenticated",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Gone(_) => "gone",
            Error::Moved { .. } => "moved",
            Error::PreconditionFailed => "version_mismatch",
            Error::PreconditionRequired => "version_required",
            Error::RateLimited { .. } => "rate_limited",
            Error::Unavailable => "unavailable",
            Error::Internal(_) => "internal",
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Error::NotFound(format!("{what} not found"))
    }

    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, message)])
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        Error::Validation(errors.0)
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Error::Validation(vec![error])
    }
}

impl From<StorageError> for Error {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Conflict(detail) => Error::Conflict {
                code: "conflict",
                message: format!("a value that must be unique is already taken ({detail})"),
            },
            StorageError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                Error::Unavailable
            }
            StorageError::Other(detail) => Error::Internal(detail),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
