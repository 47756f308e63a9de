//! Reading content as a caller may: one item, a page, a count.

use super::{can_read, ContentType, ListQuery, RowOf};
use crate::paging;
use crate::views::Page;
use crate::{Caller, Error, Result, Service};
use lectern_domain::Slug;
use lectern_storage::queries::content::{self as q, Row};
use lectern_storage::queries::{editorial as eq, Keyset};
use lectern_storage::Conn;
use uuid::Uuid;

impl Service {
    /// Finds an item by id or slug that the caller may read.
    pub(crate) async fn find<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        key: &str,
    ) -> Result<RowOf<T>> {
        use lectern_storage::queries::content::Table;
        if <T::Table as Table>::LOCALIZED {
            return self.find_localized::<T, C>(conn, caller, key).await;
        }
        let found = match Uuid::parse_str(key) {
            Ok(id) => q::find_by_id::<T::Table, C>(conn, id).await?,
            Err(_) => match Slug::parse(key) {
                Ok(slug) => q::find_by_slug::<T::Table, C>(conn, slug.as_str()).await?,
                Err(_) => None,
            },
        };
        match found {
            Some(row) if can_read::<T>(caller, &row) => Ok(row),
            _ => Err(Error::not_found(T::KIND.as_str())),
        }
    }

    /// One item by id or slug; an old slug answers with where the item moved.
    pub async fn get<T: ContentType>(&self, caller: &Caller, key: &str) -> Result<T::View> {
        let conn = self.db().conn();
        let row = match self.find::<T, _>(conn, caller, key).await {
            Err(Error::NotFound(_)) => return Err(self.moved_or_not_found::<T>(caller, key).await),
            other => other?,
        };
        self.one_view::<T, _>(conn, caller, row).await
    }

    pub(crate) async fn one_view<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        row: RowOf<T>,
    ) -> Result<T::View> {
        self.views_for::<T, C>(conn, caller, vec![row])
            .await?
            .pop()
            .ok_or_else(|| Error::Internal(format!("{} view missing", T::KIND)))
    }

    /// For a slug nobody uses now: a redirect when the item moved to another slug (and the
    /// caller may read it), otherwise a 404.
    pub(crate) async fn moved_or_not_found<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
    ) -> Error {
        let not_found = Error::not_found(T::KIND.as_str());
        if Uuid::parse_str(key).is_ok() || Slug::parse(key).is_err() {
            return not_found;
        }
        let conn = self.db().conn();
        // An old slug of the locale asked for, else of the entry.
        let mut owner = None;
        for locale in [self.read_chain()[0].as_str(), ""] {
            let old = q::stored_slug(locale, key);
            if let Ok(Some(id)) = eq::slug_owner(conn, T::KIND.as_str(), &old).await {
                owner = Some(id);
                break;
            }
        }
        let Some(id) = owner else {
            return not_found;
        };
        match self.find::<T, _>(conn, caller, &id.to_string()).await {
            Ok(row) if q::shown_slug(row.slug()) != key => Error::Moved {
                slug: q::shown_slug(row.slug()).to_owned(),
            },
            _ => not_found,
        }
    }

    /// A page of items the caller may read.
    pub async fn list<T: ContentType>(
        &self,
        caller: &Caller,
        query: ListQuery<T::Params>,
    ) -> Result<Page<T::View>> {
        let plan = self.plan_list::<T>(caller, &query)?;
        let db = self.db();
        let sort = plan.page.sort;
        let limit = plan.page.limit - 1;
        let rows = q::list::<T::Table, _>(
            db.conn(),
            db.backend(),
            T::visibility(caller),
            &plan.filter,
            plan.page,
        )
        .await?;
        let (rows, next_cursor) = paging::finish_page(rows, limit, &plan.sort_key, |r| Keyset {
            value: sort.value_of(r),
            id: r.id(),
        });
        let items = self.views_for::<T, _>(db.conn(), caller, rows).await?;
        Ok(Page { items, next_cursor })
    }

    /// How many items a list query matches for this caller.
    pub async fn count<T: ContentType>(
        &self,
        caller: &Caller,
        query: &ListQuery<T::Params>,
    ) -> Result<u64> {
        let plan = self.plan_list::<T>(caller, query)?;
        let db = self.db();
        let visible = T::visibility(caller);
        Ok(q::count::<T::Table, _>(db.conn(), db.backend(), visible, &plan.filter).await?)
    }

    /// Full views of the items with these ids that the caller may read, in one statement per
    /// relation whatever their number (for `include` and batched GraphQL lookups).
    pub async fn by_ids<T: ContentType>(
        &self,
        caller: &Caller,
        ids: &[Uuid],
    ) -> Result<Vec<T::View>> {
        let conn = self.db().conn();
        let rows = readable::<T, _>(conn, caller, ids).await?;
        self.views_for::<T, _>(conn, caller, rows).await
    }

    /// Views of rows for a caller. One who sees only published items gets them read back
    /// from their stored public JSON when it is current: no statement per relation.
    pub(crate) async fn views_for<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        rows: Vec<RowOf<T>>,
    ) -> Result<Vec<T::View>> {
        if caller.sees_only_published() {
            let stored: Option<Vec<T::View>> = (rows.iter())
                .map(|r| serde_json::from_str(r.public_json(T::SHAPE)?).ok())
                .collect();
            if let Some(views) = stored {
                return Ok(views);
            }
        }
        self.build_views::<T, C>(conn, caller, rows).await
    }
}

impl Service {
    /// The views, as JSON, of the variants (entry and stored locale) the caller may read,
    /// with their slugs.
    pub(crate) async fn readable_variants_json<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        keys: &[(Uuid, String)],
    ) -> Result<std::collections::HashMap<(Uuid, String), (String, serde_json::Value)>> {
        use super::ViewMeta;
        let mut entries: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        entries.sort_unstable();
        entries.dedup();
        let backend = self.db().backend();
        let rows: Vec<RowOf<T>> = (q::variants::<T::Table, _>(conn, backend, &entries).await?)
            .into_iter()
            .filter(|r| keys.iter().any(|k| k.0 == r.entry() && k.1 == r.locale()))
            .filter(|r| can_read::<T>(caller, r))
            .collect();
        let locales: Vec<String> = rows.iter().map(|r| r.locale().to_owned()).collect();
        let mut found = std::collections::HashMap::new();
        let views = self.views_for::<T, _>(conn, caller, rows).await?;
        for (view, locale) in views.into_iter().zip(locales) {
            let json = serde_json::to_value(&view).map_err(Error::internal)?;
            found.insert((view.id(), locale), (view.slug().to_owned(), json));
        }
        Ok(found)
    }
}

/// The rows with these ids that the caller may read.
async fn readable<T: ContentType, C: Conn>(
    conn: &C,
    caller: &Caller,
    ids: &[Uuid],
) -> Result<Vec<RowOf<T>>> {
    let rows = q::find_many::<T::Table, _>(conn, ids).await?;
    Ok(rows
        .into_iter()
        .filter(|r| can_read::<T>(caller, r))
        .collect())
}
