use sea_orm::{DbErr, SqlErr};

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
            _ => StorageError::Other(error.to_string()),
        }
    }
}
