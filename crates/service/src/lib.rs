//! The service layer: Lectern's use cases, transactions and authorization. REST and GraphQL
//! are thin adapters over these functions, so every rule holds in both.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod articles;
mod auth;
mod caller;
mod error;
pub mod inputs;
pub mod paging;
pub mod passwords;
mod public;
mod record;
mod technologies;
mod users;
pub mod views;

pub use articles::{ArticleQuery, StatusAction};
pub use caller::{Caller, TokenScope};
pub use error::{Error, Result};
pub use lectern_storage::{Backend, Db, DbOptions};
pub use public::{PublicItem, PublicPage};
pub use technologies::TechnologyQuery;
pub use users::NewUser;

use std::sync::Arc;
use tokio::sync::broadcast;

/// A committed change, announced after its transaction commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub entity_type: &'static str,
    pub entity_id: uuid::Uuid,
    pub operation: &'static str,
    pub published: bool,
}

/// Settings the use cases need.
#[derive(Debug, Clone, Default)]
pub struct ServiceConfig {
    pub password: passwords::PasswordParams,
}

/// The entry point to every use case. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    config: ServiceConfig,
    changes: broadcast::Sender<Change>,
}

impl Service {
    pub fn new(db: Db, config: ServiceConfig) -> Self {
        let (changes, _) = broadcast::channel(1024);
        Self {
            inner: Arc::new(Inner {
                db,
                config,
                changes,
            }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// Changes committed through this process, for caches and live subscriptions.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.changes.subscribe()
    }

    pub(crate) fn announce(&self, change: Change) {
        // No receiver is not an error: nobody is listening yet.
        let _ = self.inner.changes.send(change);
    }

    /// Whether the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.inner.db.ping().await.map_err(|_| Error::Unavailable)
    }
}

impl Service {
    /// An instance-wide setting shared by every instance (stored in the database).
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(lectern_storage::queries::settings::get(self.db().conn(), key).await?)
    }

    /// Sets `key` unless it is set already; returns the value that is stored.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        Ok(lectern_storage::queries::settings::get_or_insert(self.db().conn(), key, value).await?)
    }

    /// Whether the repository holds any content at all.
    pub async fn has_content(&self) -> Result<bool> {
        let editor = Caller::editor_view();
        let any_tech = self
            .count_technologies(&editor, &TechnologyQuery::default())
            .await?
            > 0;
        Ok(any_tech
            || self
                .count_articles(&editor, &ArticleQuery::default())
                .await?
                > 0)
    }
}
