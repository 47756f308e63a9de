//! The public read path. Every published item keeps its anonymous view as JSON in its own
//! row, rewritten in the same transaction as any change that alters it (the item itself, an
//! item it links, its author's name). A public read is then one indexed statement, and no
//! instance can serve a stale answer, since there is no second copy.

use super::{ContentType, Dependents, ListQuery, ViewMeta};
use crate::cache::{Cached, Scope};
use crate::paging;
use crate::{Caller, Error, Result, Service};
use lectern_domain::{ContentStatus, Slug};
use lectern_storage::queries::content as q;
use lectern_storage::queries::Keyset;
use lectern_storage::Conn;
use std::sync::Arc;
use uuid::Uuid;

/// One published item as stored JSON.
#[derive(Debug, Clone)]
pub struct PublicItem {
    pub id: Uuid,
    pub json: Arc<str>,
}

/// A page of published items as stored JSON: the items already joined with commas, ready to
/// go between the brackets of a JSON array.
#[derive(Debug, Clone)]
pub struct PublicPage {
    pub items_json: Arc<str>,
    pub next_cursor: Option<Arc<str>>,
}

/// What a published-only reader may see of a view built for an editor: its relations to
/// published items only. The stored public JSON and the search document are both made from it.
pub(crate) fn public_view<T: ContentType>(view: &T::View) -> T::View {
    let mut public = view.clone();
    T::trim(&mut public);
    if let Some(translations) = public.translations_mut() {
        translations.retain(|t| t.status == ContentStatus::Published.as_str());
    }
    public
}

/// The stored JSON of a public view; none unless published.
pub(crate) fn public_json<V: ViewMeta + serde::Serialize>(public: &V) -> Option<String> {
    (public.status() == ContentStatus::Published.as_str())
        .then(|| serde_json::to_string(public).ok())
        .flatten()
}

fn split_key(key: &str) -> Option<(Option<Uuid>, Option<String>)> {
    match Uuid::parse_str(key) {
        Ok(id) => Some((Some(id), None)),
        Err(_) => Slug::parse(key).ok().map(|s| (None, Some(s.into_inner()))),
    }
}

fn to_json<V: serde::Serialize>(view: &V) -> Result<String> {
    serde_json::to_string(view).map_err(Error::internal)
}

impl Service {
    /// Writes what published-only readers are served of an item (its stored JSON) and what
    /// they can find it by (its search document), from one trimmed view, in the caller's
    /// transaction.
    pub(crate) async fn store_public<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        row_id: Uuid,
        locale: &str,
        view: &T::View,
    ) -> Result<()> {
        let public = public_view::<T>(view);
        let json = public_json(&public);
        q::set_public_json::<T::Table, _>(conn, row_id, json, T::SHAPE).await?;
        let doc = crate::search::document::<T>(&public, row_id, locale);
        Ok(lectern_storage::queries::search::upsert(conn, self.db().backend(), doc).await?)
    }

    /// Rewrites the stored public JSON of these items, in the caller's transaction.
    pub(crate) async fn refresh_public<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        ids: &[Uuid],
    ) -> Result<()> {
        let backend = self.db().backend();
        for chunk in ids.chunks(500) {
            // The items and their translations, which show the same links.
            let rows = q::variants::<T::Table, _>(conn, backend, chunk).await?;
            let keys: Vec<(Uuid, String)> = (rows.iter())
                .map(|r| (q::Row::id(r), q::Row::locale(r).to_owned()))
                .collect();
            let views = self
                .build_views::<T, _>(conn, &Caller::editor_view(), rows)
                .await?;
            for (view, (id, locale)) in views.iter().zip(keys) {
                self.store_public::<T, _>(conn, id, &locale, view).await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn refresh_dependents<C: Conn>(&self, conn: &C, d: &Dependents) -> Result<()> {
        use crate::{Article, Technology};
        self.refresh_public::<Article, _>(conn, &d.articles).await?;
        self.refresh_public::<Technology, _>(conn, &d.technologies)
            .await
    }

    /// One published item by id or slug, as stored JSON.
    pub async fn public_item<T: ContentType>(&self, key: &str) -> Result<PublicItem> {
        let cache_key = match &self.scope {
            Some(scope) => format!("{}:{key}@{}", T::KIND, scope.chain.join(">")),
            None => format!("{}:{key}", T::KIND),
        };
        if let Some(hit) = self.cache().get(&cache_key) {
            return Ok(PublicItem {
                id: hit.id.unwrap_or_default(),
                json: hit.body,
            });
        }
        let epoch = self.cache().epoch();
        let item = self.public_item_uncached::<T>(key).await?;
        let value = Cached {
            body: item.json.clone(),
            next_cursor: None,
            id: Some(item.id),
        };
        let scope = Scope::item(T::KIND, item.id, T::EMBEDS);
        self.cache().put(cache_key, value, scope, epoch);
        Ok(item)
    }

    async fn public_item_uncached<T: ContentType>(&self, key: &str) -> Result<PublicItem> {
        let (id, slug) = split_key(key).ok_or_else(|| Error::not_found(T::KIND.as_str()))?;
        let conn = self.db().conn();
        let chain = self.read_chain();
        let row = match <T::Table as q::Table>::LOCALIZED && chain != [""] {
            false => q::public_one::<T::Table, _>(conn, id, slug.as_deref()).await?,
            true => {
                let mut slugs: Vec<String> = (chain.iter())
                    .map(|l| q::stored_slug(l, slug.as_deref().unwrap_or_default()))
                    .collect();
                if !chain.iter().any(String::is_empty) {
                    slugs.push(slug.clone().unwrap_or_default());
                }
                let backend = self.db().backend();
                q::public_variant::<T::Table, _>(conn, backend, id, &slugs, &chain).await?
            }
        };
        let Some(row) = row else {
            return Err(self.moved_or_not_found::<T>(&Caller::Anonymous, key).await);
        };
        let id = row.entry;
        let json = match row.current(T::SHAPE) {
            Some(json) => json,
            None => to_json(&self.get::<T>(&Caller::Anonymous, key).await?)?,
        };
        Ok(PublicItem {
            id,
            json: Arc::from(json.as_str()),
        })
    }

    /// A page of published items as stored JSON: what anonymous callers get.
    pub async fn public_list<T: ContentType>(
        &self,
        query: ListQuery<T::Params>,
    ) -> Result<PublicPage> {
        let cache_key = match &self.scope {
            Some(scope) => format!("{}s:{query:?}@{}", T::KIND, scope.chain.join(">")),
            None => format!("{}s:{query:?}", T::KIND),
        };
        if let Some(hit) = self.cache().get(&cache_key) {
            return Ok(PublicPage {
                items_json: hit.body,
                next_cursor: hit.next_cursor,
            });
        }
        let epoch = self.cache().epoch();
        let page = self.public_list_uncached::<T>(query).await?;
        let value = Cached {
            body: page.items_json.clone(),
            next_cursor: page.next_cursor.clone(),
            id: None,
        };
        let kinds: Vec<_> = std::iter::once(T::KIND)
            .chain(T::EMBEDS.iter().copied())
            .collect();
        self.cache()
            .put(cache_key, value, Scope::lists(&kinds), epoch);
        Ok(page)
    }

    async fn public_list_uncached<T: ContentType>(
        &self,
        query: ListQuery<T::Params>,
    ) -> Result<PublicPage> {
        let plan = self.plan_list::<T>(&Caller::Anonymous, &query)?;
        let db = self.db();
        let sort = plan.page.sort;
        let limit = plan.page.limit - 1;
        let rows =
            q::list_public::<T::Table, _>(db.conn(), db.backend(), &plan.filter, plan.page).await?;
        let (rows, next_cursor) = paging::finish_page(rows, limit, &plan.sort_key, |r| Keyset {
            value: sort.public_value_of(r),
            id: r.id,
        });
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let id = row.id;
            match row.current(T::SHAPE) {
                Some(json) => items.push(json),
                None => {
                    let item = self.public_item_uncached::<T>(&id.to_string()).await?;
                    items.push(item.json.to_string());
                }
            }
        }
        Ok(PublicPage {
            items_json: Arc::from(items.join(",").as_str()),
            next_cursor: next_cursor.map(|c| Arc::from(c.as_str())),
        })
    }
}

impl Service {
    /// Rewrites, 200 to a transaction, the stored public JSON of items stored in an older view
    /// shape (after an upgrade). Reads never serve an old shape meanwhile: they build the view.
    pub async fn rebuild_stale_views(&self) -> Result<u64> {
        let mut rebuilt = 0;
        for kind in lectern_domain::Kind::ALL {
            rebuilt += crate::with_type!(*kind, |T| self.rebuild_stale::<T>().await?);
        }
        Ok(rebuilt)
    }

    async fn rebuild_stale<T: ContentType>(&self) -> Result<u64> {
        let mut rebuilt = 0;
        let mut after = None;
        loop {
            let conn = self.db().conn();
            let ids = q::stale_ids::<T::Table, _>(conn, T::SHAPE, after, 200).await?;
            let Some(last) = ids.last().copied() else {
                return Ok(rebuilt);
            };
            after = Some(last);
            let tx = self.db().begin().await?;
            self.refresh_public::<T, _>(&tx, &ids).await?;
            lectern_storage::commit(tx).await?;
            rebuilt += ids.len() as u64;
        }
    }
}
