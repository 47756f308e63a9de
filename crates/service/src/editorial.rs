//! Editorial jobs that run on their own: scheduled publication and the clean-up of old
//! idempotency keys and change history.

use crate::{with_type, Result, Service};
use chrono::Utc;
use lectern_domain::Kind;
use lectern_storage::queries::editorial as eq;

impl Service {
    /// Publishes what is due, for every content type.
    pub async fn publish_due(&self) -> Result<usize> {
        let mut published = 0;
        for kind in Kind::ALL {
            published += with_type!(*kind, |T| self.publish_due_of::<T>().await?);
        }
        Ok(published)
    }

    /// Runs `publish_due` every `every` until the process ends.
    pub fn run_scheduler(&self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_cleanup = std::time::Instant::now();
            loop {
                tick.tick().await;
                if last_cleanup.elapsed() > std::time::Duration::from_secs(3600) {
                    last_cleanup = std::time::Instant::now();
                    if let Err(e) = service.forget_old_idempotency_keys().await {
                        tracing::warn!(error = %crate::Chain(&e), "forgetting old idempotency keys failed");
                    }
                    if let Err(e) = service.prune_history().await {
                        tracing::warn!(error = %crate::Chain(&e), "pruning old change history failed");
                    }
                }
                match service.publish_due().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(published = n, "scheduled publications done"),
                    Err(e) => {
                        tracing::warn!(error = %crate::Chain(&e), "scheduled publishing failed")
                    }
                }
            }
        })
    }

    /// Drops idempotency records older than a day.
    pub async fn forget_old_idempotency_keys(&self) -> Result<u64> {
        let before = Utc::now() - chrono::Duration::hours(24);
        Ok(eq::forget_idempotent_before(self.db().conn(), before).await?)
    }
}
