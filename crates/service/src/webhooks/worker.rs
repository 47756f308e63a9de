//! The delivery worker. Each instance runs one; claims are exclusive (see
//! `queries::webhooks::claim`), so with any number of instances each attempt is made once.
//! A delivery counts as done only when the receiver answers 2xx; a crash mid-send leaves
//! the claim to expire and another attempt follows, under the same delivery id.

use super::guard;
use crate::record::now;
use crate::{Result, Service};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lectern_storage::entities::{webhook_deliveries, webhooks as row};
use lectern_storage::queries::webhooks::{self as wq, Outcome};
use rand::Rng;
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const BATCH: u64 = 16;
const MAX_REDIRECTS: usize = 5;

/// Attempts made by this process, for metrics.
#[derive(Debug, Default)]
pub struct Counts {
    pub delivered: AtomicU64,
    pub failed_attempts: AtomicU64,
    pub given_up: AtomicU64,
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme Stripe uses.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// The delay before attempt `attempt + 1`: doubling from `base`, capped at an hour, then
/// "equal jitter" (half fixed, half random) so that receivers coming back from an outage
/// are not hit by every sender at once.
fn backoff(base: Duration, attempt: i64) -> Duration {
    let exp = attempt.clamp(1, 20) as u32 - 1;
    let delay = base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(Duration::from_secs(3600));
    let half = delay / 2;
    half + half.mul_f64(rand::rng().random_range(0.0..1.0))
}

impl Service {
    fn webhook_client(&self) -> Result<&reqwest::Client> {
        if let Some(client) = self.inner.webhook_client.get() {
            return Ok(client);
        }
        let config = &self.config().webhooks;
        // reqwest is built without a TLS crypto provider of its own: use ring, which the
        // database driver already brings. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let allow_private = config.allow_private;
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("Lectern-Webhooks/", env!("CARGO_PKG_VERSION")))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else if !matches!(attempt.url().scheme(), "http" | "https") {
                    attempt.error("redirected to a URL that is not http or https")
                } else if !allow_private && guard::literal_forbidden(attempt.url()) {
                    attempt.error("redirected to an address webhooks may not reach")
                } else {
                    attempt.follow()
                }
            }));
        if !allow_private {
            builder = builder.dns_resolver(std::sync::Arc::new(guard::GuardedResolver));
        }
        let client = builder
            .build()
            .map_err(|e| crate::Error::Internal(format!("cannot build the webhook client: {e}")))?;
        Ok(self.inner.webhook_client.get_or_init(|| client))
    }

    /// Sends what is due now; returns how many deliveries were attempted.
    pub async fn deliver_due(&self) -> Result<usize> {
        let config = &self.config().webhooks;
        let at = now();
        // The lease outlasts one attempt (connect + response) with room to record it.
        let lease = chrono::Duration::from_std(config.timeout * 3 + Duration::from_secs(5))
            .unwrap_or(chrono::Duration::minutes(1));
        let db = self.db();
        if !wq::any_due(db.conn(), at).await? {
            return Ok(0);
        }
        // In a write transaction: on SQLite that takes the lock up front (an autocommit
        // UPDATE that reads first can fail at once with "database is locked" under WAL).
        let tx = db.begin().await?;
        let claimed = wq::claim(&tx, db.backend(), at, at + lease, BATCH).await?;
        lectern_storage::commit(tx).await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let mut ids: Vec<_> = claimed.iter().map(|d| d.webhook_id).collect();
        ids.sort();
        ids.dedup();
        let hooks: HashMap<_, _> = wq::find_many(db.conn(), &ids)
            .await?
            .into_iter()
            .map(|h| (h.id, h))
            .collect();
        let count = claimed.len();
        let attempts = claimed.into_iter().map(|d| {
            let hook = hooks.get(&d.webhook_id).cloned();
            async move { self.attempt(d, hook).await }
        });
        for result in futures_util::future::join_all(attempts).await {
            if let Err(e) = result {
                tracing::warn!(error = %crate::Chain(&e), "recording a webhook attempt failed");
            }
        }
        Ok(count)
    }

    async fn attempt(&self, d: webhook_deliveries::Model, hook: Option<row::Model>) -> Result<()> {
        let outcome = match hook {
            // Deleted meanwhile: its deliveries go with it.
            None => return Ok(()),
            Some(hook) if !hook.active && d.event != "ping" => Outcome::Failed {
                status: None,
                error: "the webhook is disabled".into(),
                retry_at: None,
            },
            Some(hook) => self.send(&d, &hook).await,
        };
        let outcome = match outcome {
            Outcome::Failed {
                status,
                error,
                retry_at: Some(_),
            } => Outcome::Failed {
                status,
                error,
                retry_at: self.next_try(d.attempts, d.retry_until),
            },
            other => other,
        };
        let counts = &self.inner.webhook_counts;
        match &outcome {
            Outcome::Delivered { .. } => counts.delivered.fetch_add(1, Ordering::Relaxed),
            Outcome::Failed { retry_at, .. } => {
                if retry_at.is_none() {
                    counts.given_up.fetch_add(1, Ordering::Relaxed);
                }
                counts.failed_attempts.fetch_add(1, Ordering::Relaxed)
            }
        };
        wq::finish(self.db().conn(), d.id, d.attempts, now(), outcome).await?;
        Ok(())
    }

    fn next_try(&self, attempts: i64, until: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let delay = backoff(self.config().webhooks.retry_base, attempts);
        // Whole microseconds, as every other stored time, so comparisons agree on SQLite.
        let delay = chrono::Duration::microseconds(delay.as_micros().min(i64::MAX as u128) as i64);
        let next = now() + delay;
        (next <= until).then_some(next)
    }

    async fn send(&self, d: &webhook_deliveries::Model, hook: &row::Model) -> Outcome {
        let failed = |status: Option<i32>, error: String| Outcome::Failed {
            status,
            error,
            // Set by the caller from the backoff.
            retry_at: Some(now()),
        };
        let client = match self.webhook_client() {
            Ok(c) => c,
            Err(e) => return failed(None, e.to_string()),
        };
        let Ok(url) = reqwest::Url::parse(&hook.url) else {
            return failed(None, "the webhook URL is not valid".into());
        };
        // A literal address skips the resolver, so it is checked here.
        if !self.config().webhooks.allow_private && guard::literal_forbidden(&url) {
            return failed(
                None,
                "the webhook URL names an address webhooks may not reach".into(),
            );
        }
        let timestamp = Utc::now().timestamp();
        let request = client
            .post(url)
            .header("content-type", "application/json")
            .header(
                "lectern-signature",
                signature(&hook.secret, timestamp, &d.payload),
            )
            .header("lectern-delivery", d.id.to_string())
            .header("lectern-event", d.event.as_str())
            .body(d.payload.clone());
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    Outcome::Delivered {
                        status: i32::from(status.as_u16()),
                    }
                } else {
                    failed(
                        Some(i32::from(status.as_u16())),
                        format!("the receiver answered {status}"),
                    )
                }
            }
            Err(e) => failed(
                None,
                crate::Chain(&e).to_string().chars().take(500).collect(),
            ),
        }
    }

    /// Delivers due webhooks until the process ends: at once when this process queued some,
    /// and at least every `poll` for those queued by other instances or due for a retry.
    pub fn run_webhooks(&self) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let poll = service.config().webhooks.poll;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = service.inner.webhook_wake.notified() => {}
                }
                loop {
                    match service.deliver_due().await {
                        Ok(n) if n as u64 == BATCH => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %crate::Chain(&e), "webhook delivery failed");
                            break;
                        }
                    }
                }
            }
        })
    }

    /// (pending deliveries, deliveries given up) in the database, and this process's
    /// (delivered, failed attempts) counts, for metrics.
    pub async fn webhook_stats(&self) -> Result<WebhookStats> {
        let conn = self.db().conn();
        Ok(WebhookStats {
            pending: wq::count_by_status(conn, "pending").await?,
            failed: wq::count_by_status(conn, "failed").await?,
            delivered_here: self.inner.webhook_counts.delivered.load(Ordering::Relaxed),
            failed_attempts_here: self
                .inner
                .webhook_counts
                .failed_attempts
                .load(Ordering::Relaxed),
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct WebhookStats {
    pub pending: u64,
    pub failed: u64,
    pub delivered_here: u64,
    pub failed_attempts_here: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_documented_scheme() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let sig = signature("whsec_test", 1_700_000_000, "{\"a\":1}");
        assert_eq!(
            sig,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let base = Duration::from_secs(10);
        for attempt in 1..=4 {
            let full = base * 2u32.pow(attempt as u32 - 1);
            let d = backoff(base, attempt);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(backoff(base, 30) <= Duration::from_secs(3600));
    }
}
