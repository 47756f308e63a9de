//! The service layer: Lectern's use cases, transactions and authorization. REST and GraphQL
//! are thin adapters over these functions, so every rule holds in both.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod articles;
pub mod assets;
pub mod auth;
mod bulk;
pub mod cache;
mod caller;
pub mod client;
mod connections;
pub mod content;
mod editorial;
mod error;
pub mod filter;
pub mod inputs;
pub mod live;
pub mod paging;
pub mod passwords;
mod record;
pub mod search;
mod sources;
pub mod sync;
mod technologies;
mod users;
pub mod views;
pub mod webhooks;

pub use articles::{Article, ArticleParams, ArticleQuery};
pub use assets::{Asset, AssetParams, AssetQuery};
pub use auth::{ApiTokenView, AuthConfig, CreatedApiToken, TokenPair};
pub use caller::{Caller, TokenScope};
pub use connections::Edges;
pub use content::{
    request_digest, ContentType, Created, ListQuery, PublicItem, PublicPage, RevisionSnapshot,
    RevisionView, StatusAction,
};
pub use error::{Chain, Code, Error, Result};
pub use lectern_domain::{Kind, Locale, Locales};
pub use lectern_storage::queries::Visibility;
pub use lectern_storage::{Backend, Db, DbOptions};
pub use sources::{Source, SourceParams, SourceQuery};
pub use technologies::{Technology, TechnologyParams, TechnologyQuery};
pub use users::{NewUser, ProfileInput, UserChangeInput, UserCreateInput};

use std::sync::Arc;
use tokio::sync::broadcast;

/// A committed change, announced after its transaction commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// Whether webhook deliveries were queued with it.
    pub webhooks: bool,
    pub entity_type: &'static str,
    pub entity_id: uuid::Uuid,
    pub operation: &'static str,
    pub published: bool,
    pub was_published: bool,
}

impl Change {
    /// Whether published-only readers can see this change: the item is or was published.
    pub fn is_public(&self) -> bool {
        self.published || self.was_published
    }
}

/// A row of the change feed as live listeners receive it, from whichever process wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub seq: i64,
    /// `article` or `technology`.
    pub entity_type: String,
    pub entity_id: uuid::Uuid,
    /// The locale of the variant that changed, stored form (empty: the default).
    pub locale: String,
    pub slug: String,
    /// `upsert` or `delete`.
    pub operation: String,
    pub version: i64,
    /// Whether the item is published after the change.
    pub published: bool,
    /// Its state just before the change (None: it did not exist; Some(published)), so that
    /// those who could see it hear it go. Read only while someone listens.
    pub before: Option<bool>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub password: passwords::PasswordParams,
    pub auth: auth::AuthConfig,
    /// Memory for cached public answers; 0 turns the cache off.
    pub public_cache_bytes: usize,
    pub webhooks: webhooks::WebhookConfig,
    /// How long change history is kept for sync tokens.
    pub feed_retention: std::time::Duration,
    pub assets: assets::AssetConfig,
    /// The locales content is written in; the first is the default.
    pub locales: lectern_domain::Locales,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            password: passwords::PasswordParams::default(),
            auth: auth::AuthConfig::default(),
            public_cache_bytes: 32 * 1024 * 1024,
            webhooks: webhooks::WebhookConfig::default(),
            feed_retention: std::time::Duration::from_secs(90 * 24 * 3600),
            assets: assets::AssetConfig::default(),
            locales: lectern_domain::Locales::default(),
        }
    }
}

/// The entry point to every use case. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
    /// The locale a request reads or writes in (`Service::in_locale`); none: the default.
    scope: Option<Arc<content::LocaleScope>>,
}

struct Inner {
    db: Db,
    config: ServiceConfig,
    changes: broadcast::Sender<Change>,
    events: broadcast::Sender<FeedEvent>,
    /// Wakes the feed watcher as soon as this process commits a change.
    wake: tokio::sync::Notify,
    cache: cache::PublicCache,
    keys: std::sync::OnceLock<auth::Keys>,
    dummy_hash: tokio::sync::OnceCell<String>,
    /// The newest change-feed sequence this process knows of.
    feed_head: std::sync::atomic::AtomicI64,
    /// Changes this process announced (and evicted for) that the feed watcher has not read
    /// yet: it need not evict for them again, which would drop answers filled since.
    announced: std::sync::Mutex<std::collections::BTreeSet<i64>>,
    /// Wakes the webhook worker when this process queued deliveries.
    webhook_wake: tokio::sync::Notify,
    webhook_client: std::sync::OnceLock<reqwest::Client>,
    webhook_counts: webhooks::Counts,
}

impl Service {
    pub fn new(db: Db, config: ServiceConfig) -> Self {
        let (changes, _) = broadcast::channel(1024);
        let (events, _) = broadcast::channel(1024);
        let cache = cache::PublicCache::new(config.public_cache_bytes);
        Self {
            inner: Arc::new(Inner {
                db,
                config,
                changes,
                events,
                wake: tokio::sync::Notify::new(),
                cache,
                keys: std::sync::OnceLock::new(),
                dummy_hash: tokio::sync::OnceCell::new(),
                feed_head: std::sync::atomic::AtomicI64::new(0),
                announced: Default::default(),
                webhook_wake: tokio::sync::Notify::new(),
                webhook_client: std::sync::OnceLock::new(),
                webhook_counts: webhooks::Counts::default(),
            }),
            scope: None,
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

    /// Called after a change commits: the public answers it alters are dropped before the
    /// writer hears back, then listeners are told.
    pub(crate) fn announce(&self, change: Change) {
        if change.is_public() {
            (self.inner.cache).evict_named(change.entity_type, change.entity_id);
            if let Ok(mut announced) = self.inner.announced.lock() {
                announced.insert(change.seq);
            }
        }
        self.inner
            .feed_head
            .fetch_max(change.seq, std::sync::atomic::Ordering::AcqRel);
        // No receiver is not an error: nobody is listening yet.
        if change.webhooks {
            self.inner.webhook_wake.notify_one();
        }
        let _ = self.inner.changes.send(change);
        self.inner.wake.notify_one();
    }

    /// Every change committed to the feed, by this process or any other sharing the
    /// database, once `watch_feed` runs. Lagging receivers lose the oldest events.
    pub fn feed_events(&self) -> broadcast::Receiver<FeedEvent> {
        self.inner.events.subscribe()
    }

    pub fn cache(&self) -> &cache::PublicCache {
        &self.inner.cache
    }

    /// Watches the change feed: drops cached public answers when another process (another
    /// instance, the CLI) committed a change, and hands every new feed row to live listeners.
    /// Wakes at once for this process's own changes and every `every` for the others'.
    /// Runs until the process ends.
    pub fn watch_feed(&self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        self.listen_feed();
        let service = self.clone();
        tokio::spawn(async move {
            let conn = service.db().conn();
            let mut last = lectern_storage::queries::feed::latest_seq(conn)
                .await
                .unwrap_or(0);
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = service.inner.wake.notified() => {}
                }
                match service.pump_feed(last).await {
                    Ok(seq) => last = seq,
                    Err(e) => {
                        // While the database is away nothing can be checked, so nothing
                        // cached can be trusted either.
                        tracing::warn!(error = %crate::Chain(&e), "reading the change feed failed");
                        service.inner.cache.clear();
                    }
                }
            }
        })
    }

    /// On PostgreSQL, wakes the feed watcher as soon as any instance commits a change
    /// (`LISTEN/NOTIFY`), so caches and subscriptions on every instance follow at once rather
    /// than at the next poll. After a lost connection the cache is flushed and the listener
    /// resubscribes; the watcher catches up from the feed, so nothing is missed.
    fn listen_feed(&self) {
        use lectern_storage::FeedSignal;
        let service = self.clone();
        tokio::spawn(async move {
            loop {
                match service.db().feed_listener().await {
                    Ok(None) => return,
                    Ok(Some(mut listener)) => loop {
                        match listener.next().await {
                            FeedSignal::Changed => service.inner.wake.notify_one(),
                            FeedSignal::Reconnected => {
                                service.inner.cache.clear();
                                service.inner.wake.notify_one();
                            }
                            FeedSignal::Failed(e) => {
                                tracing::warn!(error = %e, "the change-feed listener failed");
                                service.inner.cache.clear();
                                break;
                            }
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %crate::Chain(&e), "cannot listen for feed changes")
                    }
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }

    /// Reads the feed after `last`, announces it, and returns the newest sequence seen.
    async fn pump_feed(&self, mut last: i64) -> Result<i64> {
        use lectern_storage::queries::feed;
        use std::sync::atomic::Ordering;
        let conn = self.db().conn();
        loop {
            let rows = feed::since(conn, last, 500).await?;
            let Some(newest) = rows.last().map(|r| r.seq) else {
                return Ok(last);
            };
            if self.inner.feed_head.fetch_max(newest, Ordering::AcqRel) < newest {
                // Another instance committed: it may have queued deliveries this one can take.
                self.inner.webhook_wake.notify_one();
            }
            let full = rows.len() == 500;
            for row in rows {
                let own = (self.inner.announced.lock()).is_ok_and(|mut a| a.remove(&row.seq));
                // A row read before its own process announced it is evicted twice: harmless.
                if !own && (row.published || row.was_published != Some(false)) {
                    (self.inner.cache).evict_named(&row.entity_type, row.entity_id);
                }
                // Only live listeners need to know; nobody listening costs no query.
                let before = match self.inner.events.receiver_count() {
                    0 => None,
                    _ => feed::state_at(conn, row.entity_id, &row.locale, row.seq - 1).await?,
                };
                last = row.seq;
                let _ = self.inner.events.send(FeedEvent {
                    seq: row.seq,
                    entity_type: row.entity_type,
                    entity_id: row.entity_id,
                    locale: row.locale,
                    slug: row.slug,
                    operation: row.operation,
                    version: row.version,
                    published: row.published,
                    before,
                    at: row.changed_at,
                });
            }
            if let Ok(mut announced) = self.inner.announced.lock() {
                // Announced after the watcher had read them: nothing left to skip.
                *announced = announced.split_off(&(last + 1));
            }
            if !full {
                return Ok(last);
            }
        }
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
                tracing::warn!(error = %crate::Chain(&e), "reading the change feed failed");
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
        for kind in Kind::ALL {
            let n = with_type!(*kind, |T| self
                .count::<T>(&editor, &Default::default())
                .await?);
            if n > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Service {
    /// (the newest feed sequence in the database, or -1 if it cannot be read; the newest
    /// this process has followed), for metrics.
    pub async fn feed_position(&self) -> (i64, i64) {
        let head = lectern_storage::queries::feed::latest_seq(self.db().conn())
            .await
            .unwrap_or(-1);
        let seen = self
            .inner
            .feed_head
            .load(std::sync::atomic::Ordering::Acquire);
        (head, seen)
    }

    /// Live listeners of the feed (GraphQL subscriptions).
    pub fn live_listeners(&self) -> usize {
        self.inner.events.receiver_count()
    }
}
