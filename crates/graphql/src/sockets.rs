//! Bounds on what WebSocket clients may hold: open sockets per client address, and
//! subscriptions per socket. Each slot is a guard that gives itself back when dropped, so a
//! socket closed in any way (or a completed subscription) frees its place.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Open sockets per client address.
pub struct Sockets {
    open: Mutex<HashMap<String, usize>>,
    max: usize,
}

impl Sockets {
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            open: Mutex::new(HashMap::new()),
            max,
        })
    }

    /// A place for one more socket from `client`, or `None` when it holds the most allowed.
    pub fn open(self: &Arc<Self>, client: &str) -> Option<SocketSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let held = open.entry(client.to_owned()).or_insert(0);
        if *held >= self.max {
            return None;
        }
        *held += 1;
        Some(SocketSlot {
            sockets: self.clone(),
            client: client.to_owned(),
        })
    }

    pub fn max(&self) -> usize {
        self.max
    }
}

pub struct SocketSlot {
    sockets: Arc<Sockets>,
    client: String,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.sockets.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = open.get_mut(&self.client) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// Subscriptions held by one socket.
pub struct Subscriptions {
    held: AtomicUsize,
    pub max: usize,
}

impl Subscriptions {
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            held: AtomicUsize::new(0),
            max,
        })
    }

    pub fn take(self: &Arc<Self>) -> Option<SubscriptionSlot> {
        self.held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| SubscriptionSlot(self.clone()))
    }
}

pub struct SubscriptionSlot(Arc<Subscriptions>);

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        self.0.held.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_per_client_are_bounded_and_given_back() {
        let sockets = Sockets::new(2);
        let a = sockets.open("1.2.3.4").unwrap();
        let _b = sockets.open("1.2.3.4").unwrap();
        assert!(sockets.open("1.2.3.4").is_none());
        assert!(sockets.open("5.6.7.8").is_some());
        drop(a);
        assert!(sockets.open("1.2.3.4").is_some());
    }

    #[test]
    fn subscriptions_per_socket_are_bounded_and_given_back() {
        let subs = Subscriptions::new(1);
        let first = subs.take().unwrap();
        assert!(subs.take().is_none());
        drop(first);
        assert!(subs.take().is_some());
    }
}
