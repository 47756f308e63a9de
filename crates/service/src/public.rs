//! The public read path. Every published article and technology keeps its anonymous view as
//! JSON in its own row, rewritten in the same transaction as any change that alters it (the
//! item itself, a technology it links, its author's name). A public read is then one indexed
//! statement, and no instance can serve a stale answer, since there is no second copy.

use crate::articles::ArticleQuery;
use crate::cache::Cached;
use crate::paging;
use crate::technologies::TechnologyQuery;
use crate::views::{ArticleView, TechnologyView};
use crate::{Caller, Error, Result, Service};
use lectern_domain::Slug;
use lectern_storage::queries::{articles as aq, technologies as tq, Keyset};
use lectern_storage::Conn;
use std::sync::Arc;
use uuid::Uuid;

/// One published item as stored JSON.
#[derive(Debug, Clone)]
pub struct PublicItem {
    pub json: Arc<str>,
}

/// A page of published items as stored JSON: the items already joined with commas, ready to
/// go between the brackets of a JSON array.
#[derive(Debug, Clone)]
pub struct PublicPage {
    pub items_json: Arc<str>,
    pub next_cursor: Option<Arc<str>>,
}

fn join(items: Vec<String>) -> Arc<str> {
    Arc::from(items.join(",").as_str())
}

/// What a published-only reader may see of a view built for an editor: its relations to
/// published items only. The stored public JSON and the search document are both made from it.
pub(crate) fn public_article(view: &ArticleView) -> ArticleView {
    let mut public = view.clone();
    public.technologies.retain(|t| t.published);
    public
}

pub(crate) fn public_technology(view: &TechnologyView) -> TechnologyView {
    let mut public = view.clone();
    public.related_technologies.retain(|t| t.published);
    public
}

/// The anonymous view as JSON; none unless published.
pub(crate) fn article_json(public: &ArticleView) -> Option<String> {
    (public.status == "published")
        .then(|| serde_json::to_string(public).ok())
        .flatten()
}

fn technology_json(public: &TechnologyView) -> Option<String> {
    (public.status == "published")
        .then(|| serde_json::to_string(public).ok())
        .flatten()
}

fn split_key(key: &str) -> Option<(Option<Uuid>, Option<String>)> {
    match Uuid::parse_str(key) {
        Ok(id) => Some((Some(id), None)),
        Err(_) => Slug::parse(key).ok().map(|s| (None, Some(s.into_inner()))),
    }
}

impl Service {
    /// Writes what published-only readers are served of an article (its stored JSON) and what
    /// they can find it by (its search document), from one trimmed view, in the caller's
    /// transaction.
    pub(crate) async fn store_public_article<C: Conn>(
        &self,
        conn: &C,
        view: &ArticleView,
    ) -> Result<()> {
        let public = public_article(view);
        aq::set_public_json(conn, view.id, article_json(&public)).await?;
        let doc = crate::search::document("article", view.id, &crate::articles::snapshot(&public));
        Ok(lectern_storage::queries::search::upsert(conn, self.db().backend(), doc).await?)
    }

    pub(crate) async fn store_public_technology<C: Conn>(
        &self,
        conn: &C,
        view: &TechnologyView,
    ) -> Result<()> {
        let public = public_technology(view);
        tq::set_public_json(conn, view.id, technology_json(&public)).await?;
        let doc =
            crate::search::document("technology", view.id, &crate::articles::snapshot(&public));
        Ok(lectern_storage::queries::search::upsert(conn, self.db().backend(), doc).await?)
    }

    /// Rewrites the stored public JSON of these articles, in the caller's transaction.
    pub(crate) async fn refresh_public_articles<C: Conn>(
        &self,
        conn: &C,
        ids: &[Uuid],
    ) -> Result<()> {
        for chunk in ids.chunks(500) {
            let rows = aq::find_many(conn, chunk).await?;
            for view in self
                .article_views(conn, &Caller::editor_view(), rows)
                .await?
            {
                self.store_public_article(conn, &view).await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn refresh_public_technologies<C: Conn>(
        &self,
        conn: &C,
        ids: &[Uuid],
    ) -> Result<()> {
        for chunk in ids.chunks(500) {
            let rows = tq::find_many(conn, chunk).await?;
            for view in self
                .technology_views(conn, &Caller::editor_view(), rows)
                .await?
            {
                self.store_public_technology(conn, &view).await?;
            }
        }
        Ok(())
    }

    /// One published article by id or slug, as stored JSON.
    pub async fn public_article(&self, key: &str) -> Result<PublicItem> {
        let cache_key = format!("article:{key}");
        if let Some(hit) = self.cache().get(&cache_key) {
            return Ok(PublicItem { json: hit.body });
        }
        let epoch = self.cache().epoch();
        let item = self.public_article_uncached(key).await?;
        self.cache().put(
            cache_key,
            Cached {
                body: item.json.clone(),
                next_cursor: None,
            },
            epoch,
        );
        Ok(item)
    }

    async fn public_article_uncached(&self, key: &str) -> Result<PublicItem> {
        let (id, slug) = split_key(key).ok_or_else(|| Error::not_found("article"))?;
        let Some(row) = aq::public_one(self.db().conn(), id, slug.as_deref()).await? else {
            return Err(self
                .moved_or_not_found("article", &Caller::Anonymous, key)
                .await);
        };
        match row.public_json {
            Some(json) => Ok(PublicItem {
                json: Arc::from(json.as_str()),
            }),
            None => {
                let view = self.get_article(&Caller::Anonymous, key).await?;
                let json =
                    serde_json::to_string(&view).map_err(|e| Error::Internal(e.to_string()))?;
                Ok(PublicItem {
                    json: Arc::from(json.as_str()),
                })
            }
        }
    }

    pub async fn public_technology(&self, key: &str) -> Result<PublicItem> {
        let cache_key = format!("technology:{key}");
        if let Some(hit) = self.cache().get(&cache_key) {
            return Ok(PublicItem { json: hit.body });
        }
        let epoch = self.cache().epoch();
        let item = self.public_technology_uncached(key).await?;
        self.cache().put(
            cache_key,
            Cached {
                body: item.json.clone(),
                next_cursor: None,
            },
            epoch,
        );
        Ok(item)
    }

    async fn public_technology_uncached(&self, key: &str) -> Result<PublicItem> {
        let (id, slug) = split_key(key).ok_or_else(|| Error::not_found("technology"))?;
        let Some(row) = tq::public_one(self.db().conn(), id, slug.as_deref()).await? else {
            return Err(self
                .moved_or_not_found("technology", &Caller::Anonymous, key)
                .await);
        };
        match row.public_json {
            Some(json) => Ok(PublicItem {
                json: Arc::from(json.as_str()),
            }),
            None => {
                let view = self.get_technology(&Caller::Anonymous, key).await?;
                let json =
                    serde_json::to_string(&view).map_err(|e| Error::Internal(e.to_string()))?;
                Ok(PublicItem {
                    json: Arc::from(json.as_str()),
                })
            }
        }
    }

    /// A page of published articles as stored JSON: what anonymous callers get.
    pub async fn public_articles(&self, query: ArticleQuery) -> Result<PublicPage> {
        let cache_key = format!("articles:{query:?}");
        if let Some(hit) = self.cache().get(&cache_key) {
            return Ok(PublicPage {
                items_json: hit.body,
                next_cursor: hit.next_cursor,
            });
        }
        let epoch = self.cache().epoch();
        let page = self.public_articles_uncached(query).await?;
        let value = Cached {
            body: page.items_json.clone(),
            next_cursor: page.next_cursor.clone(),
        };
        self.cache().put(cache_key, value, epoch);
        Ok(page)
    }

    async fn public_articles_uncached(&self, query: ArticleQuery) -> Result<PublicPage> {
        let plan = self.plan_article_list(&Caller::Anonymous, &query)?;
        let db = self.db();
        let rows = aq::list_public(
            db.conn(),
            db.backend(),
            &plan.filter,
            plan.sort,
            plan.dir,
            plan.after,
            plan.limit + 1,
        )
        .await?;
        let (rows, next_cursor) =
            paging::finish_page(rows, plan.limit, &plan.sort_key, |r| Keyset {
                value: plan.sort.public_value_of(r),
                id: r.id,
            });
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            match row.public_json {
                Some(json) => items.push(json),
                None => items.push(
                    self.public_article_uncached(&row.id.to_string())
                        .await?
                        .json
                        .to_string(),
                ),
            }
        }
        Ok(PublicPage {
            items_json: join(items),
            next_cursor: next_cursor.map(|c| Arc::from(c.as_str())),
        })
    }

    pub async fn public_technologies(&self, query: TechnologyQuery) -> Result<PublicPage> {
        let cache_key = format!("technologies:{query:?}");
        if let Some(hit) = self.cache().get(&cache_key) {
            return Ok(PublicPage {
                items_json: hit.body,
                next_cursor: hit.next_cursor,
            });
        }
        let epoch = self.cache().epoch();
        let page = self.public_technologies_uncached(query).await?;
        let value = Cached {
            body: page.items_json.clone(),
            next_cursor: page.next_cursor.clone(),
        };
        self.cache().put(cache_key, value, epoch);
        Ok(page)
    }

    async fn public_technologies_uncached(&self, query: TechnologyQuery) -> Result<PublicPage> {
        let plan = self.plan_technology_list(&Caller::Anonymous, &query)?;
        let db = self.db();
        let rows = tq::list_public(
            db.conn(),
            db.backend(),
            &plan.filter,
            plan.sort,
            plan.dir,
            plan.after,
            plan.limit + 1,
        )
        .await?;
        let (rows, next_cursor) =
            paging::finish_page(rows, plan.limit, &plan.sort_key, |r| Keyset {
                value: plan.sort.public_value_of(r),
                id: r.id,
            });
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            match row.public_json {
                Some(json) => items.push(json),
                None => items.push(
                    self.public_technology_uncached(&row.id.to_string())
                        .await?
                        .json
                        .to_string(),
                ),
            }
        }
        Ok(PublicPage {
            items_json: join(items),
            next_cursor: next_cursor.map(|c| Arc::from(c.as_str())),
        })
    }
}
