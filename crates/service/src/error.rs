use lectern_domain::{FieldError, ValidationErrors};
use lectern_storage::StorageError;

macro_rules! codes {
    ($($variant:ident => $text:literal, $status:literal, $meaning:literal;)+) => {
        /// Every error code Lectern answers with, over REST (`code` of a problem) and GraphQL
        /// (`extensions.code`): a closed set, stable for programs to match on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant),+
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text),+
                }
            }

            /// The HTTP status REST answers with (GraphQL answers 200 with the error listed,
            /// except where its transport fails).
            pub fn status(self) -> u16 {
                match self {
                    $(Code::$variant => $status),+
                }
            }

            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning),+
                }
            }
        }
    };
}

codes! {
    ValidationFailed => "validation_failed", 422, "invalid fields, each listed with its reason";
    InvalidParameter => "invalid_parameter", 400, "a query parameter is unknown or malformed";
    InvalidCursor => "invalid_cursor", 400, "a cursor that this list, with this sort, did not give";
    InvalidLimit => "invalid_limit", 400, "a page size outside 1 to 100";
    InvalidSort => "invalid_sort", 400, "a sort this list does not offer";
    InvalidSyncToken => "invalid_sync_token", 400, "a sync token this server did not give this caller";
    InvalidIdempotencyKey => "invalid_idempotency_key", 400, "an Idempotency-Key that is not 1 to 255 visible ASCII characters";
    InvalidConfiguration => "invalid_configuration", 400, "a request this server's configuration cannot serve";
    MalformedJson => "malformed_json", 400, "a body that is not the JSON the operation takes";
    MalformedBody => "malformed_body", 400, "a body that could not be read";
    BadRequest => "bad_request", 400, "a request the HTTP layer refused";
    InvalidId => "invalid_id", 400, "GraphQL: an id that is not a global id or UUID of the right type";
    InvalidArgument => "invalid_argument", 400, "GraphQL: arguments that do not go together";
    InvalidPagination => "invalid_pagination", 400, "GraphQL: first/after and last/before mixed or out of range";
    InvalidQuery => "invalid_query", 400, "GraphQL: a query that does not parse or validate";
    InvalidRequest => "invalid_request", 400, "GraphQL: a request that is not a GraphQL request";
    InvalidJson => "invalid_json", 400, "GraphQL: a body or variables that are not JSON";
    InvalidPersistedQuery => "invalid_persisted_query", 400, "GraphQL: a persisted-query hash that does not match its query";
    PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND", 200, "GraphQL: a persisted-query hash this server does not know (Apollo's code)";
    PersistedQueryNotAllowed => "PERSISTED_QUERY_NOT_ALLOWED", 200, "GraphQL: a query outside the allow-list (Apollo's code)";
    QueryTooComplex => "query_too_complex", 200, "GraphQL: a query whose cost is over the limit";
    QueryTooDeep => "query_too_deep", 200, "GraphQL: a query nested deeper than allowed";
    TooManyAliases => "too_many_aliases", 200, "GraphQL: more aliases or selections than allowed";
    TooManyDirectives => "too_many_directives", 200, "GraphQL: more directives than allowed";
    BatchTooLarge => "batch_too_large", 400, "GraphQL: a batch of more operations than allowed";
    TooManySubscriptions => "too_many_subscriptions", 200, "GraphQL: more subscriptions on one socket than allowed";
    Unauthenticated => "unauthenticated", 401, "no credentials, or credentials that are not (or no longer) valid";
    Forbidden => "forbidden", 403, "the caller may not do this";
    NotFound => "not_found", 404, "no such item, or one the caller may not know of";
    MethodNotAllowed => "method_not_allowed", 405, "a method this path does not take";
    RequestTimeout => "request_timeout", 408, "the request was not received in time";
    Moved => "moved", 301, "the item has a new slug (see Location)";
    Conflict => "conflict", 409, "a value that must be unique is taken";
    SlugTaken => "slug_taken", 409, "another item of this type has the slug";
    EmailTaken => "email_taken", 409, "another user has the email";
    LastAdmin => "last_admin", 409, "the change would leave no active admin";
    CannotDeleteSelf => "cannot_delete_self", 409, "admins cannot delete their own account";
    UserHasContent => "user_has_content", 409, "the user still authors articles";
    SourceInUse => "source_in_use", 409, "articles or trend figures still cite the source";
    AssetInUse => "asset_in_use", 409, "articles or technologies still show the asset";
    ImageTooLarge => "image_too_large", 422, "an image with more pixels than the limit";
    UnsupportedFileType => "unsupported_file_type", 415, "an upload whose bytes are not an allowed type";
    InvalidTransform => "invalid_transform", 400, "image parameters that are not allowed (see the presets)";
    IdempotencyInProgress => "idempotency_in_progress", 409, "a request with this Idempotency-Key is still being processed";
    IdempotencyConflict => "idempotency_conflict", 409, "the request raced another with the same Idempotency-Key: retry";
    Gone => "gone", 410, "a sync token older than the history kept";
    PayloadTooLarge => "payload_too_large", 413, "a body over the size limit";
    UnsupportedMediaType => "unsupported_media_type", 415, "a body that is not application/json";
    VersionMismatch => "version_mismatch", 412, "If-Match names an older version: reload and retry";
    VersionRequired => "version_required", 428, "the change needs If-Match (or a version in the body)";
    RateLimited => "rate_limited", 429, "too many attempts: wait Retry-After seconds";
    Internal => "internal", 500, "something went wrong on the server; it is logged";
    Unavailable => "unavailable", 503, "the database is unavailable: retry shortly";
    OtherClientError => "error", 400, "any other refusal by the HTTP layer";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one error type of the service layer. Each variant has a stable `code` that clients may
/// match on; REST maps it to an RFC 9457 problem and GraphQL to `extensions.code`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{message}")]
    BadRequest { code: Code, message: String },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Conflict { code: Code, message: String },
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
    /// A database failure that a retry will not fix; the storage error is its source.
    #[error("internal error")]
    Database(#[source] StorageError),
}

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::Validation(_) => Code::ValidationFailed,
            Error::BadRequest { code, .. } | Error::Conflict { code, .. } => *code,
            Error::Unauthenticated(_) => Code::Unauthenticated,
            Error::Forbidden(_) => Code::Forbidden,
            Error::NotFound(_) => Code::NotFound,
            Error::Gone(_) => Code::Gone,
            Error::Moved { .. } => Code::Moved,
            Error::PreconditionFailed => Code::VersionMismatch,
            Error::PreconditionRequired => Code::VersionRequired,
            Error::RateLimited { .. } => Code::RateLimited,
            Error::Unavailable => Code::Unavailable,
            Error::Internal(_) | Error::Database(_) => Code::Internal,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }

    /// A failure of ours, with what caused it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Error::Internal(cause.to_string())
    }

    pub fn conflict(code: Code, message: impl Into<String>) -> Self {
        Error::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: Code, message: impl Into<String>) -> Self {
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
            StorageError::Conflict { detail, .. } => Error::Conflict {
                code: Code::Conflict,
                message: format!("a value that must be unique is already taken ({detail})"),
            },
            StorageError::Unavailable { .. } => {
                tracing::warn!(error = %Chain(&error), "database unavailable");
                Error::Unavailable
            }
            other => Error::Database(other),
        }
    }
}

/// An error and its causes on one line, for logs: "a: b: c".
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn the_readme_lists_every_code_with_its_status() {
        let readme = include_str!("../../../README.md");
        for code in Code::ALL {
            let status = match code.status() {
                200 => "200 (GraphQL)".to_owned(),
                s => s.to_string(),
            };
            let row = format!("| `{code}` | {status} | {} |", code.meaning());
            assert!(readme.contains(&row), "README has no row {row}");
        }
        let rows = readme.lines().filter(|l| l.starts_with("| `")).count();
        assert!(rows >= Code::ALL.len());
    }

    #[test]
    fn codes_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        assert!(Code::ALL.iter().all(|c| seen.insert(c.as_str())));
    }
}
