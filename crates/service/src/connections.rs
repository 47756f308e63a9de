//! Pages in either direction with a cursor per item, as Relay-style GraphQL connections
//! need them. REST pages forward only and uses `list_*`; both share the same plans, filters
//! and visibility rules.

use crate::views::{ArticleView, TechnologyView};
use crate::{ArticleQuery, Caller, Result, Service, TechnologyQuery};
use lectern_storage::queries::{articles as aq, technologies as tq, Keyset};
use std::collections::HashMap;
use uuid::Uuid;

/// Items with their cursors, in the list's order, and whether more lie beyond the last one
/// fetched in the direction of travel.
#[derive(Debug, Clone)]
pub struct Edges<T> {
    pub edges: Vec<(String, T)>,
    pub has_more: bool,
}

/// Trims a `limit + 1` fetch to the page, puts it in list order, and gives each row its
/// cursor: (rows, cursors, whether there is more beyond).
fn cut<R>(
    mut rows: Vec<R>,
    limit: u64,
    backward: bool,
    sort_key: &str,
    keyset_of: impl Fn(&R) -> Keyset,
) -> (Vec<R>, Vec<String>, bool) {
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    let cursors = rows
        .iter()
        .map(|r| crate::paging::encode_cursor(sort_key, &keyset_of(r)))
        .collect();
    (rows, cursors, has_more)
}

impl Service {
    /// A page of articles after `query.cursor`, or before it when `backward` (then
    /// `query.limit` counts back from the cursor and the page still reads in list order).
    pub async fn article_edges(
        &self,
        caller: &Caller,
        query: ArticleQuery,
        backward: bool,
    ) -> Result<Edges<ArticleView>> {
        let plan = self.plan_article_list(caller, &query)?;
        let db = self.db();
        let dir = if backward {
            plan.dir.reverse()
        } else {
            plan.dir
        };
        let rows = aq::list(
            db.conn(),
            db.backend(),
            caller.article_visibility(),
            &plan.filter,
            plan.sort,
            dir,
            plan.after,
            plan.limit + 1,
        )
        .await?;
        let (rows, cursors, has_more) =
            cut(rows, plan.limit, backward, &plan.sort_key, |r| Keyset {
                value: plan.sort.value_of(r),
                id: r.id,
            });
        let items = self.article_views(db.conn(), caller, rows).await?;
        Ok(Edges {
            edges: cursors.into_iter().zip(items).collect(),
            has_more,
        })
    }

    /// The technology counterpart of [`Service::article_edges`].
    pub async fn technology_edges(
        &self,
        caller: &Caller,
        query: TechnologyQuery,
        backward: bool,
    ) -> Result<Edges<TechnologyView>> {
        let plan = self.plan_technology_list(caller, &query)?;
        let db = self.db();
        let dir = if backward {
            plan.dir.reverse()
        } else {
            plan.dir
        };
        let rows = tq::list(
            db.conn(),
            db.backend(),
            caller.technology_visibility(),
            &plan.filter,
            plan.sort,
            dir,
            plan.after,
            plan.limit + 1,
        )
        .await?;
        let (rows, cursors, has_more) =
            cut(rows, plan.limit, backward, &plan.sort_key, |r| Keyset {
                value: plan.sort.value_of(r),
                id: r.id,
            });
        let items = self.technology_views(db.conn(), caller, rows).await?;
        Ok(Edges {
            edges: cursors.into_iter().zip(items).collect(),
            has_more,
        })
    }

    /// For each technology, the newest `per` articles covering it that the caller may read:
    /// a fixed number of statements whatever the number of technologies.
    pub async fn articles_covering(
        &self,
        caller: &Caller,
        technologies: &[Uuid],
        per: u64,
    ) -> Result<HashMap<Uuid, Vec<ArticleView>>> {
        let db = self.db();
        let pairs = aq::covering(
            db.conn(),
            db.backend(),
            caller.article_visibility(),
            technologies,
            per,
        )
        .await?;
        let mut ids: Vec<Uuid> = pairs.iter().map(|p| p.article_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = aq::find_many(db.conn(), &ids).await?;
        let views: HashMap<Uuid, ArticleView> = self
            .article_views(db.conn(), caller, rows)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        let mut out: HashMap<Uuid, Vec<ArticleView>> = HashMap::new();
        for pair in pairs {
            if let Some(view) = views.get(&pair.article_id) {
                out.entry(pair.technology_id)
                    .or_default()
                    .push(view.clone());
            }
        }
        Ok(out)
    }
}
