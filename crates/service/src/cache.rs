//! An in-process cache of public answers (what anonymous and read-token callers see).
//!
//! Correctness rules:
//! - only answers identical for every published-only caller are stored, keyed by the full
//!   normalised request, so nothing private can enter it;
//! - every answer says what it shows (its `Scope`): one item and the kinds it embeds, or
//!   lists over some kinds. A change that a published-only caller can see (the item was or
//!   is published) evicts every answer whose scope holds it, before the writer's response is
//!   sent; changes committed elsewhere (another instance, a CLI) are evicted the same way
//!   from the change feed. Changes to drafts evict nothing: no public answer shows them;
//! - a fill that started before an eviction is dropped, so a slow read can never put back an
//!   answer older than it.
//!
//! Memory is bounded by two generations of entries (recent, older): when the recent one is
//! full it becomes the older one and the previous older one is dropped. Lookups that hit the
//! older generation move the entry back into the recent one.

use lectern_domain::Kind;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Cached {
    pub body: Arc<str>,
    pub next_cursor: Option<Arc<str>>,
    /// The item an answer is about, when it is about one.
    pub id: Option<Uuid>,
}

/// What an answer shows: a change evicts the answers whose scope holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The one item an answer is about, if it is about one.
    item: Option<(Kind, Uuid)>,
    /// Kinds any of whose items may appear in it (in a list, or embedded in the item).
    kinds: u8,
}

fn bit(kind: Kind) -> u8 {
    1 << Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl Scope {
    /// One item, with the kinds of the items its view embeds.
    pub fn item(kind: Kind, id: Uuid, embeds: &[Kind]) -> Self {
        let kinds = embeds.iter().fold(0, |m, k| m | bit(*k));
        Self {
            item: Some((kind, id)),
            kinds,
        }
    }

    /// Lists (or searches) over items of these kinds.
    pub fn lists(kinds: &[Kind]) -> Self {
        Self {
            item: None,
            kinds: kinds.iter().fold(0, |m, k| m | bit(*k)),
        }
    }

    /// Anything: an answer that may show items of every kind.
    pub fn all() -> Self {
        Self::lists(Kind::ALL)
    }

    fn holds(&self, kind: Kind, id: Uuid) -> bool {
        self.kinds & bit(kind) != 0 || self.item == Some((kind, id))
    }
}

#[derive(Default)]
struct Generations {
    recent: HashMap<String, (Cached, Scope)>,
    older: HashMap<String, (Cached, Scope)>,
    recent_bytes: usize,
}

pub struct PublicCache {
    max_bytes: usize,
    epoch: AtomicU64,
    inner: Mutex<Generations>,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

fn size_of(key: &str, value: &Cached) -> usize {
    key.len() + value.body.len() + value.next_cursor.as_ref().map_or(0, |c| c.len()) + 64
}

impl PublicCache {
    /// `max_bytes` of 0 disables the cache.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            epoch: AtomicU64::new(0),
            inner: Mutex::new(Generations::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// The epoch to pass to `put` for a fill starting now.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &str) -> Option<Cached> {
        if !self.enabled() {
            return None;
        }
        let Ok(mut g) = self.inner.lock() else {
            return None;
        };
        if let Some((v, _)) = g.recent.get(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Some(v.clone());
        }
        if let Some((v, scope)) = g.older.remove(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            Self::insert(&mut g, self.max_bytes, key.to_owned(), (v.clone(), scope));
            return Some(v);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// Stores an answer computed since `epoch`; dropped if anything was evicted meanwhile.
    pub fn put(&self, key: String, value: Cached, scope: Scope, epoch: u64) {
        if !self.enabled() || size_of(&key, &value) > self.max_bytes / 4 {
            return;
        }
        let Ok(mut g) = self.inner.lock() else { return };
        // Checked under the lock that `clear` also takes, so a clear cannot slip in between.
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        Self::insert(&mut g, self.max_bytes, key, (value, scope));
    }

    fn insert(g: &mut Generations, max_bytes: usize, key: String, value: (Cached, Scope)) {
        let size = size_of(&key, &value.0);
        if g.recent_bytes + size > max_bytes / 2 {
            g.older = std::mem::take(&mut g.recent);
            g.recent_bytes = 0;
        }
        g.recent_bytes += size;
        if let Some((old, _)) = g.recent.insert(key.clone(), value) {
            g.recent_bytes = g.recent_bytes.saturating_sub(size_of(&key, &old));
        }
    }

    /// Drops every answer a change to this item can alter.
    /// Evicts by the feed's name of a kind; a name this release does not know clears all.
    pub fn evict_named(&self, kind: &str, id: Uuid) {
        match lectern_domain::Kind::parse(kind) {
            Ok(kind) => self.evict(kind, id),
            Err(_) => self.clear(),
        }
    }

    pub fn evict(&self, kind: Kind, id: Uuid) {
        if let Ok(mut g) = self.inner.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            let g = &mut *g;
            g.older.retain(|_, (_, scope)| !scope.holds(kind, id));
            let before = g.recent.len();
            g.recent.retain(|_, (_, scope)| !scope.holds(kind, id));
            if g.recent.len() != before {
                g.recent_bytes = g.recent.iter().map(|(k, (v, _))| size_of(k, v)).sum();
            }
        }
    }

    /// Forgets everything (content changed).
    pub fn clear(&self) {
        if let Ok(mut g) = self.inner.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            *g = Generations::default();
        }
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .map(|g| g.recent.len() + g.older.len())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Cached {
        Cached {
            body: Arc::from(s),
            next_cursor: None,
            id: None,
        }
    }

    #[test]
    fn hit_miss_and_clear() {
        let c = PublicCache::new(1 << 20);
        let e = c.epoch();
        assert!(c.get("a").is_none());
        c.put("a".into(), v("1"), Scope::all(), e);
        assert_eq!(&*c.get("a").unwrap().body, "1");
        c.clear();
        assert!(c.get("a").is_none());
    }

    #[test]
    fn a_fill_from_before_a_clear_is_dropped() {
        let c = PublicCache::new(1 << 20);
        let before = c.epoch();
        c.clear();
        c.put("a".into(), v("stale"), Scope::all(), before);
        assert!(c.get("a").is_none());
    }

    #[test]
    fn memory_stays_bounded() {
        let c = PublicCache::new(10_000);
        for i in 0..1000 {
            c.put(
                format!("k{i}"),
                v(&"x".repeat(100)),
                Scope::all(),
                c.epoch(),
            );
        }
        let g = c.inner.lock().unwrap();
        let total: usize = g
            .recent
            .iter()
            .chain(g.older.iter())
            .map(|(k, (v, _))| size_of(k, v))
            .sum();
        assert!(total <= 10_000, "{total}");
        drop(g);
        assert!(c.get("k999").is_some(), "recent entries survive");
    }

    #[test]
    fn disabled_cache_stores_nothing() {
        let c = PublicCache::new(0);
        c.put("a".into(), v("1"), Scope::all(), c.epoch());
        assert!(c.get("a").is_none());
    }

    #[test]
    fn a_change_evicts_only_the_answers_that_show_it() {
        let c = PublicCache::new(1 << 20);
        let (a, b, t) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let embeds = [Kind::Technology, Kind::Source];
        c.put(
            "article a".into(),
            v("a"),
            Scope::item(Kind::Article, a, &embeds),
            c.epoch(),
        );
        c.put(
            "article b".into(),
            v("b"),
            Scope::item(Kind::Article, b, &embeds),
            c.epoch(),
        );
        c.put(
            "articles".into(),
            v("[a, b]"),
            Scope::lists(&[Kind::Article]),
            c.epoch(),
        );
        c.put(
            "sources".into(),
            v("[]"),
            Scope::lists(&[Kind::Source]),
            c.epoch(),
        );
        c.evict(Kind::Article, a);
        assert!(c.get("article a").is_none() && c.get("articles").is_none());
        assert!(c.get("article b").is_some() && c.get("sources").is_some());
        // Articles embed technologies: a technology's change reaches every article answer.
        c.evict(Kind::Technology, t);
        assert!(c.get("article b").is_none());
        assert!(c.get("sources").is_some());
    }

    #[test]
    fn a_fill_from_before_an_eviction_is_dropped() {
        let c = PublicCache::new(1 << 20);
        let before = c.epoch();
        c.evict(Kind::Source, Uuid::now_v7());
        c.put("a".into(), v("stale"), Scope::all(), before);
        assert!(c.get("a").is_none());
    }
}
