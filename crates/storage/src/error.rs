use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// What went wrong in the database, in the terms the service layer acts on.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A unique constraint refused the write (e.g. a slug or an email already taken).
    #[error("a unique value is already taken: {0}")]
    Conflict(String),
    /// The database could not be reached or did not answer in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<DbErr> for StorageError {
    fn from(error: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(detail)) = error.sql_err() {
            return StorageError::Conflict(detail);
        }
        match &error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                StorageError::Unavailable(error.to_string())
            }
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))
                if lost_connection(e) =>
            {
                StorageError::Unavailable(error.to_string())
            }
            _ => StorageError::Other(error.to_string()),
        }
    }
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
