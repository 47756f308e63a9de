//! Pages in either direction with a cursor per item, as Relay-style GraphQL connections
//! need them. REST pages forward only and uses `list_*`; both share the same plans, filters
//! and visibility rules.

use crate::content::{ContentType, ListQuery};
use crate::views::ArticleView;
use crate::{Article, Caller, Result, Service};
use lectern_storage::queries::content::{self as q, Row};
use lectern_storage::queries::{articles as aq, Keyset};
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
    /// A page after `query.cursor`, or before it when `backward` (then `query.limit` counts
    /// back from the cursor and the page still reads in list order).
    pub async fn edges<T: ContentType>(
        &self,
        caller: &Caller,
        query: ListQuery<T::Params>,
        backward: bool,
    ) -> Result<Edges<T::View>> {
        let mut plan = self.plan_list::<T>(caller, &query)?;
        let db = self.db();
        if backward {
            plan.page.dir = plan.page.dir.reverse();
        }
        let sort = plan.page.sort;
        let limit = plan.page.limit - 1;
        let visible = T::visibility(caller);
        let rows =
            q::list::<T::Table, _>(db.conn(), db.backend(), visible, &plan.filter, plan.page)
                .await?;
        let (rows, cursors, has_more) = cut(rows, limit, backward, &plan.sort_key, |r| Keyset {
            value: sort.value_of(r),
            id: r.id(),
        });
        let items = self.views_for::<T, _>(db.conn(), caller, rows).await?;
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
        let rows = q::find_many::<<Article as ContentType>::Table, _>(db.conn(), &ids).await?;
        let views: HashMap<Uuid, ArticleView> = Article::views(self, db.conn(), caller, rows)
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
