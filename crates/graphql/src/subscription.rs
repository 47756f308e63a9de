//! `Subscription`: live changes from the change feed, whichever process committed them,
//! filtered for each subscriber as their queries would be.

use crate::context::{service, viewer, Viewer};
use crate::ids::{self, global_id};
use crate::types::{Article, Node, Technology};
use async_graphql::{Context, Enum, Object, Subscription, ID};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use lectern_service::live::LiveItem;
use lectern_service::{Caller, FeedEvent, Service};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "lectern_domain::Kind")]
pub enum ContentType {
    Article,
    Technology,
    Source,
    Asset,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOperation {
    /// Created or changed; the new content is attached.
    Upsert,
    /// Deleted, or no longer visible to you (unpublished or archived).
    Delete,
}

/// One change to a piece of content.
pub struct ContentChange {
    seq: i64,
    content_type: ContentType,
    uuid: Uuid,
    slug: String,
    operation: ChangeOperation,
    version: i64,
    at: DateTime<Utc>,
    /// The item as it is now, for an upsert.
    item: Option<Node>,
}

#[Object]
impl ContentChange {
    /// The change's place in the feed; later changes have larger numbers.
    async fn seq(&self) -> i64 {
        self.seq
    }
    #[graphql(name = "type")]
    async fn content_type(&self) -> ContentType {
        self.content_type
    }
    /// The global id of the item.
    async fn id(&self) -> ID {
        global_id(
            lectern_domain::Kind::from(self.content_type).into(),
            self.uuid,
        )
    }
    async fn uuid(&self) -> Uuid {
        self.uuid
    }
    async fn slug(&self) -> &str {
        &self.slug
    }
    async fn operation(&self) -> ChangeOperation {
        self.operation
    }
    async fn version(&self) -> i64 {
        self.version
    }
    async fn changed_at(&self) -> crate::scalars::Timestamp {
        crate::scalars::Timestamp(self.at)
    }
    /// The article as it is now, for an upsert of an article.
    async fn article(&self) -> Option<&Article> {
        match &self.item {
            Some(Node::Article(a)) => Some(a),
            _ => None,
        }
    }
    /// The technology as it is now, for an upsert of a technology.
    async fn technology(&self) -> Option<&Technology> {
        match &self.item {
            Some(Node::Technology(t)) => Some(t),
            _ => None,
        }
    }
    /// The source as it is now, for an upsert of a source.
    async fn source(&self) -> Option<&crate::sources::Source> {
        match &self.item {
            Some(Node::Source(s)) => Some(s),
            _ => None,
        }
    }
}

pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Changes to content you may read, as they are committed: optionally only of some
    /// types or items. Drafts reach only those who may read them; an item leaving your view
    /// (unpublished, archived or deleted) arrives as a DELETE if you could see it before.
    async fn content_changed(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<ContentType>>,
        ids: Option<Vec<ID>>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ContentChange>>> {
        let wanted: Option<Vec<Uuid>> = match ids {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|raw| {
                        Uuid::parse_str(raw)
                            .ok()
                            .or_else(|| ids::decode(raw).map(|(_, id)| id))
                            .ok_or_else(|| {
                                crate::error::bad_input(
                                    lectern_service::Code::InvalidId,
                                    "not an id",
                                )
                            })
                    })
                    .collect::<async_graphql::Result<_>>()?,
            ),
        };
        let slot = match ctx.data_opt::<std::sync::Arc<crate::sockets::Subscriptions>>() {
            Some(held) => Some(held.take().ok_or_else(|| {
                crate::error::bad_input(
                    lectern_service::Code::TooManySubscriptions,
                    format!(
                        "this connection already holds {} subscriptions: complete one first",
                        held.max
                    ),
                )
            })?),
            None => None,
        };
        let state = Watch {
            _slot: slot,
            service: service(ctx).clone(),
            viewer: viewer(ctx),
            rx: service(ctx).feed_events(),
            types,
            wanted,
            done: false,
        };
        Ok(futures_util::stream::unfold(state, |mut w| async move {
            if w.done {
                return None;
            }
            loop {
                let event = match w.rx.recv().await {
                    Ok(event) => event,
                    // A subscriber too slow for the feed skips ahead rather than stalling it.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                };
                if !w.wants(&event) {
                    continue;
                }
                // A revoked token or disabled user stops hearing changes at once.
                if let Some(token) = &w.viewer.token {
                    match w.service.authenticate(token).await {
                        Ok(caller) => w.viewer.caller = caller,
                        Err(e) => {
                            w.done = true;
                            return Some((Err(crate::error::to_gql(e)), w));
                        }
                    }
                }
                if let Some(change) = deliver(&w.service, &w.viewer.caller, event).await {
                    return Some((Ok(change), w));
                }
            }
        }))
    }
}

struct Watch {
    _slot: Option<crate::sockets::SubscriptionSlot>,
    service: Service,
    viewer: Viewer,
    rx: tokio::sync::broadcast::Receiver<FeedEvent>,
    types: Option<Vec<ContentType>>,
    wanted: Option<Vec<Uuid>>,
    done: bool,
}

impl Watch {
    fn wants(&self, event: &FeedEvent) -> bool {
        let Some(ty) = content_type(&event.entity_type) else {
            return false;
        };
        self.types.as_ref().is_none_or(|t| t.contains(&ty))
            && self
                .wanted
                .as_ref()
                .is_none_or(|ids| ids.contains(&event.entity_id))
    }
}

fn content_type(raw: &str) -> Option<ContentType> {
    lectern_domain::Kind::parse(raw).ok().map(Into::into)
}

/// The service decides what `caller` may hear of `event`; this only shapes it.
async fn deliver(service: &Service, caller: &Caller, event: FeedEvent) -> Option<ContentChange> {
    let ty = content_type(&event.entity_type)?;
    let change = match service.live_change(caller, event).await {
        Ok(Some(change)) => change,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(error = %lectern_service::Chain(&e), "loading a changed item for a subscriber failed");
            return None;
        }
    };
    let event = change.event;
    let item = change.item.map(|item| match item {
        LiveItem::Article(a) => Node::Article(a.into()),
        LiveItem::Technology(t) => Node::Technology(t.into()),
        LiveItem::Source(s) => Node::Source(s.into()),
        LiveItem::Asset(a) => Node::Asset(a.into()),
    });
    let operation = match item {
        Some(_) => ChangeOperation::Upsert,
        None => ChangeOperation::Delete,
    };
    Some(ContentChange {
        seq: event.seq,
        content_type: ty,
        uuid: event.entity_id,
        slug: event.slug,
        operation,
        version: event.version,
        at: event.at,
        item,
    })
}
