//! What a caller may learn of one committed change, for live subscriptions. The rule is the
//! sync API's: the item as the caller may read it now, a removal if it was visible to them
//! before the change, and nothing at all about content they could never see.

use crate::content::{ContentType, ViewMeta};
use crate::views::{ArticleView, AssetView, SourceView, TechnologyView};
use crate::{with_type, Caller, Error, FeedEvent, Result, Service, Visibility};
use lectern_domain::Kind;

/// The item a change left behind, as the caller may read it.
#[derive(Debug, Clone)]
pub enum LiveItem {
    Article(ArticleView),
    Technology(TechnologyView),
    Source(SourceView),
    Asset(AssetView),
}

/// A change as one caller may see it: `item` is None when the item left their view
/// (deleted, unpublished or archived).
#[derive(Debug, Clone)]
pub struct LiveChange {
    pub event: FeedEvent,
    pub item: Option<LiveItem>,
}

/// Whether `caller` could read an item of `kind` whose state was `before` (None: it did not
/// exist; Some(published)).
pub(crate) fn could_see(caller: &Caller, kind: &str, before: Option<bool>) -> bool {
    let sees_all = match Kind::parse(kind) {
        Ok(kind) => with_type!(kind, |T| T::visibility(caller)) == Visibility::All,
        Err(_) => false,
    };
    before.is_some_and(|published| sees_all || published)
}

impl From<ArticleView> for LiveItem {
    fn from(v: ArticleView) -> Self {
        LiveItem::Article(v)
    }
}

impl From<AssetView> for LiveItem {
    fn from(v: AssetView) -> Self {
        LiveItem::Asset(v)
    }
}

impl From<SourceView> for LiveItem {
    fn from(v: SourceView) -> Self {
        LiveItem::Source(v)
    }
}

impl From<TechnologyView> for LiveItem {
    fn from(v: TechnologyView) -> Self {
        LiveItem::Technology(v)
    }
}

impl Service {
    /// What `caller` may hear of `event`, or None.
    pub async fn live_change(
        &self,
        caller: &Caller,
        event: FeedEvent,
    ) -> Result<Option<LiveChange>> {
        let key = event.entity_id.to_string();
        let kind = Kind::parse(&event.entity_type).map_err(Error::internal)?;
        if event.operation == "upsert" {
            let found = with_type!(kind, |T| self
                .get::<T>(caller, &key)
                .await
                .map(|v| (v.version(), LiveItem::from(v))));
            match found {
                // Changed again since: the later event carries it, so each state arrives once.
                Ok((version, _)) if version > event.version => return Ok(None),
                Ok((_, item)) => {
                    return Ok(Some(LiveChange {
                        event,
                        item: Some(item),
                    }))
                }
                Err(Error::NotFound(_) | Error::Moved { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let visible_before = could_see(caller, &event.entity_type, event.before);
        if !visible_before {
            return Ok(None);
        }
        // Named as the subscriber last saw it: a rename made with the unpublish is not theirs.
        let mut event = event;
        if let Some((_, slug)) = lectern_storage::queries::feed::seen_at(
            self.db().conn(),
            event.entity_id,
            &event.locale,
            event.seq - 1,
        )
        .await?
        {
            event.slug = slug;
        }
        Ok(Some(LiveChange { event, item: None }))
    }
}
