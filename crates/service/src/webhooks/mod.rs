//! Webhooks: administrators register URLs for content events; every change queues the
//! matching deliveries in its own transaction (the outbox), and a worker on each instance
//! claims and sends them, signed, retrying with backoff until they are acknowledged or their
//! retry window closes. Payloads describe published content only: a draft never leaves
//! through a webhook.

mod guard;
mod worker;

pub use worker::{signature, Counts, WebhookStats};

use crate::record::now;
use crate::{with_type, Caller, ContentType, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::{FieldError, Kind, ValidationErrors};
use lectern_storage::entities::{webhook_deliveries, webhooks as row};
use lectern_storage::queries::{content as q, feed, webhooks as wq};
use lectern_storage::Tx;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Allow targets on loopback and private networks (tests, or an intranet on purpose).
    pub allow_private: bool,
    /// How long a delivery keeps being retried.
    pub retry_for: Duration,
    /// The first retry's delay; each next one doubles, up to an hour, with jitter.
    pub retry_base: Duration,
    /// Time allowed for one request.
    pub timeout: Duration,
    /// How often each instance looks for due deliveries queued elsewhere.
    pub poll: Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            allow_private: false,
            retry_for: Duration::from_secs(24 * 3600),
            retry_base: Duration::from_secs(10),
            timeout: Duration::from_secs(10),
            poll: Duration::from_secs(1),
        }
    }
}

/// What can happen to an item, as webhook events name it (`<type>.<action>`).
const ACTIONS: &[&str] = &["published", "updated", "unpublished", "deleted"];

/// The events a webhook can ask for, for every content type; `<type>.*` and `*` select
/// groups.
pub fn events() -> Vec<String> {
    Kind::ALL
        .iter()
        .flat_map(|k| ACTIONS.iter().map(move |a| format!("{k}.{a}")))
        .collect()
}

const MAX_WEBHOOKS_EVENTS: usize = 20;

fn event_allowed(pattern: &str) -> bool {
    match pattern.split_once('.') {
        None => pattern == "*",
        Some((kind, action)) => {
            Kind::parse(kind).is_ok() && (action == "*" || ACTIONS.contains(&action))
        }
    }
}

fn matches(patterns: &[String], event: &str) -> bool {
    patterns.iter().any(|p| {
        p == "*"
            || p == event
            || p.strip_suffix(".*")
                .is_some_and(|group| event.split('.').next() == Some(group))
    })
}

/// A webhook as administrators see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub active: bool,
    /// The signing secret: only in the answer to creation, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<row::Model> for WebhookView {
    fn from(r: row::Model) -> Self {
        Self {
            events: serde_json::from_str(&r.events).unwrap_or_default(),
            id: r.id,
            url: r.url,
            description: r.description,
            active: r.active,
            secret: None,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A webhook to create, or the fields of one to change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(examples(json!({"url": "https://example.com/hooks/lectern", "events": ["article.*"], "description": "rebuild the site"})))]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub url: Option<String>,
    /// Event names (`source.published`, say), or `article.*`, `technology.*`, `source.*`, `*`.
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

/// One delivery of one event to one webhook, as its log shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    /// Sent as `Lectern-Delivery`; the same on every attempt, so receivers can de-duplicate.
    pub id: Uuid,
    pub event_id: Uuid,
    pub event: String,
    /// `pending`, `delivered` or `failed` (retries exhausted).
    pub status: String,
    pub attempts: i64,
    /// The last attempt's HTTP status, if the receiver answered.
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The body that is (or was) sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<webhook_deliveries::Model> for DeliveryView {
    fn from(d: webhook_deliveries::Model) -> Self {
        Self {
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
            next_attempt_at: (d.status == "pending").then_some(d.next_attempt_at),
            id: d.id,
            event_id: d.event_id,
            event: d.event,
            status: d.status,
            attempts: d.attempts,
            response_status: d.response_status,
            last_error: d.last_error,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            delivered_at: d.delivered_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryPage {
    pub data: Vec<DeliveryView>,
    /// Pass as `cursor` for older deliveries; null on the last page.
    pub next_cursor: Option<String>,
}

/// The event a change makes for the public: None when nothing public changed (a draft was
/// edited, created or deleted).
fn public_event(was_published: bool, now_published: bool, deleted: bool) -> Option<&'static str> {
    match (was_published, now_published && !deleted, deleted) {
        (false, true, _) => Some("published"),
        (true, true, _) => Some("updated"),
        (true, false, true) => Some("deleted"),
        (true, false, false) => Some("unpublished"),
        (false, false, _) => None,
    }
}

impl Service {
    /// Queues the deliveries a change makes, in its transaction; true when any were queued.
    pub(crate) async fn enqueue_webhooks(
        &self,
        tx: &Tx,
        seq: i64,
        o: &feed::NewChange<'_>,
    ) -> Result<bool> {
        let deleted = o.operation == "delete";
        let hooks = wq::active(tx).await?;
        if hooks.is_empty() {
            return Ok(false);
        }
        let was_published = feed::state_at(tx, o.entity_id, o.locale, seq - 1).await? == Some(true);
        let Some(action) = public_event(was_published, o.published, deleted) else {
            return Ok(false);
        };
        let event = format!("{}.{action}", o.entity_type);
        let targets: Vec<Uuid> = hooks
            .into_iter()
            .filter(|(_, events)| {
                let events: Vec<String> = serde_json::from_str(events).unwrap_or_default();
                matches(&events, &event)
            })
            .map(|(id, _)| id)
            .collect();
        if targets.is_empty() {
            return Ok(false);
        }
        let item: Option<serde_json::Value> = if o.published && !deleted {
            let kind = Kind::parse(o.entity_type).map_err(Error::internal)?;
            let row = with_type!(kind, |T| {
                let chain = [o.locale.to_owned()];
                let backend = self.db().backend();
                type Tb = <T as ContentType>::Table;
                match o.locale {
                    "" => q::public_one::<Tb, _>(tx, Some(o.entity_id), None).await?,
                    _ => {
                        q::public_variant::<Tb, _>(tx, backend, Some(o.entity_id), &[], &chain)
                            .await?
                    }
                }
            });
            let json = row.and_then(|r| r.public_json);
            json.and_then(|j| serde_json::from_str(&j).ok())
        } else {
            None
        };
        let event_id = Uuid::now_v7();
        let payload = serde_json::json!({
            "id": event_id,
            "event": event,
            "created_at": o.at,
            "data": {
                "type": o.entity_type,
                "id": o.entity_id,
                "locale": self.shown_locale(o.locale),
                "slug": o.slug,
                "version": o.version,
                "item": item,
            },
        })
        .to_string();
        let rows = targets
            .into_iter()
            .map(|webhook_id| {
                self.delivery_row(webhook_id, event_id, &event, payload.clone(), o.at)
            })
            .collect();
        wq::enqueue(tx, rows).await?;
        Ok(true)
    }

    /// How long from now a delivery keeps being retried.
    fn retry_window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.config().webhooks.retry_for)
            .unwrap_or(chrono::Duration::hours(24))
    }

    fn delivery_row(
        &self,
        webhook_id: Uuid,
        event_id: Uuid,
        event: &str,
        payload: String,
        at: DateTime<Utc>,
    ) -> webhook_deliveries::Model {
        webhook_deliveries::Model {
            id: Uuid::now_v7(),
            webhook_id,
            event_id,
            event: event.to_owned(),
            payload,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: at,
            retry_until: at + self.retry_window(),
            last_attempt_at: None,
            delivered_at: None,
            response_status: None,
            last_error: None,
            created_at: at,
        }
    }

    async fn validate_webhook(
        &self,
        input: &WebhookInput,
        creating: bool,
    ) -> Result<(Option<String>, Option<Vec<String>>, Option<String>)> {
        let mut errors = ValidationErrors::new();
        let url = match &input.url {
            Some(raw) => {
                let raw = raw.trim();
                if raw.len() > 2000 {
                    errors.push(FieldError::new("url", "must be at most 2000 characters"));
                } else if let Err(why) =
                    guard::check_url(raw, self.config().webhooks.allow_private).await
                {
                    errors.push(FieldError::new("url", why));
                }
                Some(raw.to_owned())
            }
            None if creating => {
                errors.push(FieldError::new("url", "is required"));
                None
            }
            None => None,
        };
        let events = match &input.events {
            Some(events) => {
                let mut list: Vec<String> = Vec::new();
                if events.is_empty() || events.len() > MAX_WEBHOOKS_EVENTS {
                    errors.push(FieldError::new(
                        "events",
                        format!("must name 1 to {MAX_WEBHOOKS_EVENTS} events"),
                    ));
                }
                for e in events {
                    if !event_allowed(e) {
                        errors.push(FieldError::new(
                            "events",
                            format!(
                                "unknown event {e:?}: use one of {}, <type>.* (types: {}) or *",
                                self::events().join(", "),
                                Kind::ALL
                                    .iter()
                                    .map(|k| k.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    } else if !list.contains(e) {
                        list.push(e.clone());
                    }
                }
                Some(list)
            }
            None if creating => {
                errors.push(FieldError::new("events", "is required"));
                None
            }
            None => None,
        };
        let description = match &input.description {
            Some(d) if d.chars().count() > 200 || d.chars().any(char::is_control) => {
                errors.push(FieldError::new(
                    "description",
                    "must be at most 200 characters, without control characters",
                ));
                None
            }
            Some(d) => Some(d.trim().to_owned()),
            None => None,
        };
        errors.into_result()?;
        Ok((url, events, description))
    }

    pub async fn create_webhook(
        &self,
        caller: &Caller,
        input: WebhookInput,
    ) -> Result<WebhookView> {
        caller.require_admin()?;
        let (url, events, description) = self.validate_webhook(&input, true).await?;
        let at = now();
        let secret = crate::auth::random_token("whsec_");
        let model = row::Model {
            id: Uuid::now_v7(),
            url: url.unwrap_or_default(),
            description: description.unwrap_or_default(),
            events: serde_json::to_string(&events.unwrap_or_default()).map_err(Error::internal)?,
            secret: secret.clone(),
            active: input.active.unwrap_or(true),
            created_by: caller.acting_user().map(|u| u.0),
            created_at: at,
            updated_at: at,
        };
        wq::insert(self.db().conn(), model.clone()).await?;
        let mut view = WebhookView::from(model);
        view.secret = Some(secret);
        Ok(view)
    }

    pub async fn list_webhooks(&self, caller: &Caller) -> Result<Vec<WebhookView>> {
        caller.require_admin()?;
        Ok(wq::list(self.db().conn())
            .await?
            .into_iter()
            .map(WebhookView::from)
            .collect())
    }

    async fn find_webhook(&self, caller: &Caller, id: Uuid) -> Result<row::Model> {
        caller.require_admin()?;
        wq::find(self.db().conn(), id)
            .await?
            .ok_or_else(|| Error::NotFound("no such webhook".into()))
    }

    pub async fn webhook(&self, caller: &Caller, id: Uuid) -> Result<WebhookView> {
        Ok(self.find_webhook(caller, id).await?.into())
    }

    pub async fn update_webhook(
        &self,
        caller: &Caller,
        id: Uuid,
        input: WebhookInput,
    ) -> Result<WebhookView> {
        let mut model = self.find_webhook(caller, id).await?;
        let (url, events, description) = self.validate_webhook(&input, false).await?;
        if let Some(url) = url {
            model.url = url;
        }
        if let Some(events) = events {
            model.events = serde_json::to_string(&events).map_err(Error::internal)?;
        }
        if let Some(description) = description {
            model.description = description;
        }
        if let Some(active) = input.active {
            model.active = active;
        }
        model.updated_at = now();
        wq::update(self.db().conn(), model.clone()).await?;
        Ok(model.into())
    }

    /// Deletes a webhook and its log; pending deliveries are dropped with it.
    pub async fn delete_webhook(&self, caller: &Caller, id: Uuid) -> Result<()> {
        caller.require_admin()?;
        let tx = self.db().begin().await?;
        if !wq::delete(&tx, id).await? {
            return Err(Error::NotFound("no such webhook".into()));
        }
        lectern_storage::commit(tx).await?;
        Ok(())
    }

    /// A webhook's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        caller: &Caller,
        id: Uuid,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<DeliveryPage> {
        self.find_webhook(caller, id).await?;
        let limit = crate::paging::parse_limit(limit)?;
        let before = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(raw) => Some(Uuid::parse_str(raw).map_err(|_| {
                Error::bad_request(crate::Code::InvalidCursor, "the cursor is malformed")
            })?),
        };
        let mut rows = wq::deliveries(self.db().conn(), id, before, limit + 1).await?;
        let has_more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        Ok(DeliveryPage {
            next_cursor: has_more
                .then(|| rows.last().map(|r| r.id.to_string()))
                .flatten(),
            data: rows.into_iter().map(DeliveryView::from).collect(),
        })
    }

    /// Queues a delivery again now, whatever became of it, with the same delivery id.
    pub async fn redeliver(
        &self,
        caller: &Caller,
        id: Uuid,
        delivery_id: Uuid,
    ) -> Result<DeliveryView> {
        self.find_webhook(caller, id).await?;
        let at = now();
        let conn = self.db().conn();
        if !wq::redeliver(conn, id, delivery_id, at, at + self.retry_window()).await? {
            return Err(Error::NotFound("no such delivery".into()));
        }
        self.inner.webhook_wake.notify_one();
        wq::delivery(conn, id, delivery_id)
            .await?
            .map(DeliveryView::from)
            .ok_or_else(|| Error::NotFound("no such delivery".into()))
    }

    /// Queues a `ping` event for this webhook, to try the receiver and its signature check.
    pub async fn test_webhook(&self, caller: &Caller, id: Uuid) -> Result<DeliveryView> {
        let hook = self.find_webhook(caller, id).await?;
        let at = now();
        let event_id = Uuid::now_v7();
        let payload = serde_json::json!({
            "id": event_id,
            "event": "ping",
            "created_at": at,
            "data": {"webhook_id": hook.id},
        })
        .to_string();
        let row = self.delivery_row(hook.id, event_id, "ping", payload, at);
        wq::enqueue(self.db().conn(), vec![row.clone()]).await?;
        self.inner.webhook_wake.notify_one();
        Ok(row.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_match_by_name_and_group() {
        let patterns = vec!["article.*".to_owned(), "technology.deleted".to_owned()];
        assert!(matches(&patterns, "article.published"));
        assert!(matches(&patterns, "technology.deleted"));
        assert!(!matches(&patterns, "technology.updated"));
        assert!(matches(&["*".to_owned()], "technology.updated"));
        assert!(!event_allowed("article.created"));
        assert!(!event_allowed("articles.*"));
    }

    #[test]
    fn only_public_changes_make_events() {
        assert_eq!(public_event(false, true, false), Some("published"));
        assert_eq!(public_event(true, true, false), Some("updated"));
        assert_eq!(public_event(true, false, false), Some("unpublished"));
        assert_eq!(public_event(true, false, true), Some("deleted"));
        assert_eq!(public_event(false, false, false), None);
        assert_eq!(public_event(false, false, true), None);
    }
}
