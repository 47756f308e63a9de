//! The queries Lectern runs, as functions over any connection or transaction.

pub mod articles;
pub mod feed;
pub mod keyset;
pub mod settings;
pub mod technologies;
pub mod users;

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
