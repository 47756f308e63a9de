//! The service layer: Lectern's use cases, transactions and authorization. REST and GraphQL
//! are thin adapters over these functions, so every rule holds in both.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod articles;
pub mod auth;
pub mod cache;
mod caller;
pub mod editorial;
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
pub use auth::{ApiTokenView, AuthConfig, CreatedApiToken, TokenPair};
pub use caller::{Caller, TokenScope};
pub use editorial::{Created, Kind, RevisionSnapshot, RevisionView};
pub use error::{Error, Result};
pub use lectern_storage::{Backend, Db, DbOptions};
pub use public::{PublicItem, PublicPage};
pub use technologies::TechnologyQuery;
pub use users::{NewUser, ProfileInput, UserChangeInput, UserCreateInput};

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
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub password: passwords::PasswordParams,
    pub auth: auth::AuthConfig,
    /// Memory for cached public answers; 0 turns the cache off.
    pub public_cache_bytes: usize,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            password: passwords::PasswordParams::default(),
            auth: auth::AuthConfig::default(),
            public_cache_bytes: 32 * 1024 * 1024,
        }
    }
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
    cache: cache::PublicCache,
    keys: std::sync::OnceLock<auth::Keys>,
    dummy_hash: tokio::sync::OnceCell<String>,
    /// The newest change-feed sequence this process knows of.
    feed_head: std::sync::atomic::AtomicI64,
}

impl Service {
    pub fn new(db: Db, config: ServiceConfig) -> Self {
        let (changes, _) = broadcast::channel(1024);
        let cache = cache::PublicCache::new(config.public_cache_bytes);
        Self {
            inner: Arc::new(Inner {
                db,
                config,
                changes,
                cache,
                keys: std::sync::OnceLock::new(),
                dummy_hash: tokio::sync::OnceCell::new(),
                feed_head: std::sync::atomic::AtomicI64::new(0),
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

    /// Called after a change commits: public answers are dropped before the writer hears
    /// back, then listeners are told.
    pub(crate) fn announce(&self, change: Change) {
        self.inner.cache.clear();
        self.inner
            .feed_head
            .fetch_max(change.seq, std::sync::atomic::Ordering::AcqRel);
        // No receiver is not an error: nobody is listening yet.
        let _ = self.inner.changes.send(change);
    }

    pub fn cache(&self) -> &cache::PublicCache {
        &self.inner.cache
    }

    /// Watches the change feed for changes committed by other processes (other instances, the
    /// CLI) and drops cached public answers when there are any. Runs until the process ends.
    pub fn watch_feed(&self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                service.check_feed().await;
            }
        })
    }

    /// One look at the feed head; clears the cache if it moved.
    pub async fn check_feed(&self) {
        use std::sync::atomic::Ordering;
        match lectern_storage::queries::feed::latest_seq(self.db().conn()).await {
            Ok(seq) => {
                if self.inner.feed_head.fetch_max(seq, Ordering::AcqRel) < seq {
                    self.inner.cache.clear();
                }
            }
            Err(e) => {
                // While the database is away nothing can be checked, so nothing cached can
                // be trusted either.
                tracing::warn!(error = %e, "reading the change feed failed");
                self.inner.cache.clear();
            }
        }
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
