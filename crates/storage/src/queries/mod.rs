//! The queries Lectern runs, as functions over any connection or transaction.

pub mod articles;
pub mod assets;
pub mod auth;
pub mod content;
pub mod editorial;
pub mod feed;
pub mod filter;
pub mod keyset;
pub mod public_sql;
pub mod search;
pub mod settings;
pub mod sources;
pub mod technologies;
pub mod users;
pub mod webhooks;

pub use keyset::{Keyset, SortDir, SortValue};
pub mod revisions;

/// Which content a caller may see, decided by the service and applied in SQL so that
/// filters, counts and pages can never include what the caller may not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    PublishedOnly,
    /// Published content plus the drafts and archived items this user wrote.
    PublishedOrAuthoredBy(uuid::Uuid),
    All,
}

/// A reference to a technology from an article or another technology: only the columns a
/// link shows, so loading relations never drags whole rows along.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct TechRefRow {
    /// The article or technology that links to it.
    pub owner: uuid::Uuid,
    pub id: uuid::Uuid,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub status: String,
}
