//! Storage: sea-orm entities and the queries Lectern runs. The only crate that speaks SQL.

pub mod blobs;
mod db;
pub mod entities;
mod error;
pub mod queries;

pub use db::{
    commit, Backend, Db, DbOptions, FeedListener, FeedSignal, PoolStats, StartupLock, Tx,
};
pub use error::StorageError;
pub use sea_orm::prelude::Uuid;
/// Anything a query can run on: the pool or a transaction.
pub use sea_orm::ConnectionTrait as Conn;

/// Result alias for storage calls.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;
