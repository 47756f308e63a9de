//! Writes that accompany every content change: a revision and a change-feed row, in the
//! change's own transaction, so no content can change without the feed knowing.

use crate::{Change, Result, Service};
use chrono::{DateTime, Utc};
use lectern_storage::queries::{feed, revisions, search};
use lectern_storage::Tx;
use uuid::Uuid;

pub(crate) struct Record<'a> {
    pub entity_type: &'static str,
    /// The entry's id, which readers know it by.
    pub entity_id: Uuid,
    /// The row's own id: a translation keeps its revisions and search document by it.
    pub row_id: Uuid,
    /// The locale of the variant, empty for the default.
    pub locale: &'a str,
    pub slug: &'a str,
    pub operation: &'static str,
    pub version: i64,
    pub published: bool,
    /// Whether it was published before the change (false for a creation).
    pub was_published: bool,
    /// The full content after the change; none for a delete.
    pub snapshot: Option<serde_json::Value>,
    pub summary: String,
    pub actor: Option<Uuid>,
    pub at: DateTime<Utc>,
}

impl Service {
    /// Appends the revision and the feed row; returns the change to announce after commit.
    pub(crate) async fn record(&self, tx: &Tx, r: Record<'_>) -> Result<Change> {
        // The search document is written beside the public JSON (it leaves out what a
        // published-only reader may not see); a delete removes it here.
        if r.snapshot.is_none() {
            search::remove(tx, self.db().backend(), r.row_id).await?;
        }
        if let Some(snapshot) = r.snapshot {
            revisions::insert(
                tx,
                revisions::NewRevision {
                    entity_type: r.entity_type,
                    entity_id: r.row_id,
                    version: r.version,
                    snapshot,
                    summary: r.summary,
                    // The system (the scheduler) acts as the nil id: no person to name.
                    actor_id: r.actor.filter(|a| !a.is_nil()),
                    at: r.at,
                },
            )
            .await?;
        }
        let change = feed::NewChange {
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            locale: r.locale,
            slug: r.slug,
            operation: r.operation,
            version: r.version,
            published: r.published,
            was_published: r.was_published,
            at: r.at,
        };
        let seq = feed::append(tx, self.db().backend(), change.clone()).await?;
        let webhooks = self.enqueue_webhooks(tx, seq, &change).await?;
        Ok(Change {
            webhooks,
            seq,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            operation: r.operation,
            published: r.published,
            was_published: r.was_published,
        })
    }
}

/// Names the fields that differ between two snapshots ("title, body"), for revision lists.
pub(crate) fn changed_fields(before: &serde_json::Value, after: &serde_json::Value) -> String {
    const IGNORED: &[&str] = &["version", "updated_at", "body_html", "description_html"];
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return String::new();
    };
    let fields: Vec<&str> = a
        .iter()
        .filter(|(k, v)| !IGNORED.contains(&k.as_str()) && b.get(*k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    fields.join(", ")
}

/// Now, truncated to microseconds so that a value reads back exactly as it was written on
/// both backends (PostgreSQL keeps microseconds).
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
