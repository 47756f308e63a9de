use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// The driver's own error, kept as the cause.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// What went wrong in the database, in the terms the service layer acts on. Each keeps the
/// driver's error as its `source()`, so logs show the whole chain.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A unique constraint refused the write (e.g. a slug or an email already taken).
    #[error("a unique value is already taken: {detail}")]
    Conflict {
        detail: String,
        #[source]
        cause: Cause,
    },
    /// The database could not be reached or did not answer in time.
    #[error("database unavailable: {detail}")]
    Unavailable {
        detail: String,
        #[source]
        cause: Cause,
    },
    #[error("database error: {detail}")]
    Other {
        detail: String,
        #[source]
        cause: Cause,
    },
}

impl StorageError {
    pub(crate) fn unavailable(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        StorageError::Unavailable {
            detail: without_source_lines(&cause.to_string()),
            cause: Box::new(cause),
        }
    }
}

impl From<DbErr> for StorageError {
    fn from(error: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(detail)) = error.sql_err() {
            return StorageError::Conflict {
                detail: without_source_lines(&detail),
                cause: Box::new(error),
            };
        }
        let detail = without_source_lines(&error.to_string());
        let unavailable = match &error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
                lost_connection(e)
            }
            _ => false,
        };
        let cause: Cause = Box::new(error);
        match unavailable {
            true => StorageError::Unavailable { detail, cause },
            false => StorageError::Other { detail, cause },
        }
    }
}

/// PostgreSQL's errors name the line of its own C source that raised them (`... does not
/// exist at line 948`): noise to a user, so it goes.
fn without_source_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" at line ") {
        let after = &rest[at + " at line ".len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            out.push_str(&rest[..at + 1]);
            rest = &rest[at + 1..];
            continue;
        }
        out.push_str(&rest[..at]);
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Whether a driver error means the database went away or could not answer (so the request
/// may succeed later: a 503), rather than that the statement was wrong.
fn lost_connection(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error as E;
    match error {
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => true,
        E::Database(db) => db.code().is_some_and(|code| {
            // PostgreSQL: connection exceptions (08), operator intervention such as
            // an administrator terminating the session or shutdown (57P0x), a statement
            // cancelled by statement_timeout (57014), too many connections (53300).
            // SQLite: busy or locked beyond the busy timeout (5, 6).
            code.starts_with("08")
                || code.starts_with("57P0")
                || code == "57014"
                || code == "53300"
                || code == "5"
                || code == "6"
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_lines_are_dropped() {
        assert_eq!(
            super::without_source_lines("database \"x\" does not exist at line 948; at line one"),
            "database \"x\" does not exist; at line one"
        );
    }
}
