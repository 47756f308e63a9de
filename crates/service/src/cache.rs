//! An in-process cache of public answers (what anonymous and read-token callers see).
//!
//! Correctness rules:
//! - only answers identical for every published-only caller are stored, keyed by the full
//!   normalised request, so nothing private can enter it;
//! - every change committed through this process clears it before the writer's response is
//!   sent; changes committed elsewhere (another instance, a CLI) are noticed by tailing the
//!   change feed and clear it too;
//! - a fill that started before a clear is dropped, so a slow read can never put back an
//!   answer older than the clear.
//!
//! Memory is bounded by two generations of entries (recent, older): when the recent one is
//! full it becomes the older one and the previous older one is dropped. Lookups that hit the
//! older generation move the entry back into the recent one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Cached {
    pub body: Arc<str>,
    pub next_cursor: Option<Arc<str>>,
}

#[derive(Default)]
struct Generations {
    recent: HashMap<String, Cached>,
    older: HashMap<String, Cached>,
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
        if let Some(v) = g.recent.get(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Some(v.clone());
        }
        if let Some(v) = g.older.remove(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            Self::insert(&mut g, self.max_bytes, key.to_owned(), v.clone());
            return Some(v);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// Stores an answer computed since `epoch`; dropped if the cache was cleared meanwhile.
    pub fn put(&self, key: String, value: Cached, epoch: u64) {
        if !self.enabled() || size_of(&key, &value) > self.max_bytes / 4 {
            return;
        }
        let Ok(mut g) = self.inner.lock() else { return };
        // Checked under the lock that `clear` also takes, so a clear cannot slip in between.
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        Self::insert(&mut g, self.max_bytes, key, value);
    }

    fn insert(g: &mut Generations, max_bytes: usize, key: String, value: Cached) {
        let size = size_of(&key, &value);
        if g.recent_bytes + size > max_bytes / 2 {
            g.older = std::mem::take(&mut g.recent);
            g.recent_bytes = 0;
        }
        g.recent_bytes += size;
        if let Some(old) = g.recent.insert(key.clone(), value) {
            g.recent_bytes = g.recent_bytes.saturating_sub(size_of(&key, &old));
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
        }
    }

    #[test]
    fn hit_miss_and_clear() {
        let c = PublicCache::new(1 << 20);
        let e = c.epoch();
        assert!(c.get("a").is_none());
        c.put("a".into(), v("1"), e);
        assert_eq!(&*c.get("a").unwrap().body, "1");
        c.clear();
        assert!(c.get("a").is_none());
    }

    #[test]
    fn a_fill_from_before_a_clear_is_dropped() {
        let c = PublicCache::new(1 << 20);
        let before = c.epoch();
        c.clear();
        c.put("a".into(), v("stale"), before);
        assert!(c.get("a").is_none());
    }

    #[test]
    fn memory_stays_bounded() {
        let c = PublicCache::new(10_000);
        for i in 0..1000 {
            c.put(format!("k{i}"), v(&"x".repeat(100)), c.epoch());
        }
        let g = c.inner.lock().unwrap();
        let total: usize = g
            .recent
            .iter()
            .chain(g.older.iter())
            .map(|(k, v)| size_of(k, v))
            .sum();
        assert!(total <= 10_000, "{total}");
        drop(g);
        assert!(c.get("k999").is_some(), "recent entries survive");
    }

    #[test]
    fn disabled_cache_stores_nothing() {
        let c = PublicCache::new(0);
        c.put("a".into(), v("1"), c.epoch());
        assert!(c.get("a").is_none());
    }
}
