use super::articles::like_pattern;
use super::keyset::{self, Keyset, SortDir};
use super::Visibility;
use crate::entities::{article_technologies, technologies, technology_relations};
use crate::{Backend, Result};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

impl Sort {
    fn column_name(self) -> &'static str {
        match self {
            Sort::Name => "LOWER(name)",
            Sort::PublishedAt => "published_at",
            Sort::CreatedAt => "created_at",
            Sort::UpdatedAt => "updated_at",
        }
    }

    fn column(self) -> technologies::Column {
        match self {
            Sort::Name => technologies::Column::Name,
            Sort::PublishedAt => technologies::Column::PublishedAt,
            Sort::CreatedAt => technologies::Column::CreatedAt,
            Sort::UpdatedAt => technologies::Column::UpdatedAt,
        }
    }

    pub fn public_value_of(self, row: &PublicRow) -> keyset::SortValue {
        use keyset::SortValue::*;
        match self {
            Sort::Name => Text(row.name.clone()),
            Sort::PublishedAt => Time(row.published_at),
            Sort::CreatedAt => Time(Some(row.created_at)),
            Sort::UpdatedAt => Time(Some(row.updated_at)),
        }
    }

    pub fn value_of(self, row: &technologies::Model) -> keyset::SortValue {
        use keyset::SortValue::*;
        match self {
            Sort::Name => Text(row.name.clone()),
            Sort::PublishedAt => Time(row.published_at),
            Sort::CreatedAt => Time(Some(row.created_at)),
            Sort::UpdatedAt => Time(Some(row.updated_at)),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the name or summary.
    pub q: Option<String>,
}

/// Technologies have no author, so only editors (Visibility::All) see unpublished ones.
pub(crate) fn visibility(v: Visibility) -> Condition {
    match v {
        Visibility::All => Condition::all(),
        _ => Condition::all().add(technologies::Column::Status.eq("published")),
    }
}

fn filter_condition(filter: &Filter) -> Condition {
    let mut c = Condition::all();
    if let Some(status) = &filter.status {
        c = c.add(technologies::Column::Status.eq(status.as_str()));
    }
    if let Some(kind) = &filter.kind {
        c = c.add(technologies::Column::Kind.eq(kind.as_str()));
    }
    if let Some(t) = filter.published_after {
        c = c.add(technologies::Column::PublishedAt.gte(t));
    }
    if let Some(t) = filter.published_before {
        c = c.add(technologies::Column::PublishedAt.lt(t));
    }
    if let Some(t) = filter.updated_after {
        c = c.add(technologies::Column::UpdatedAt.gte(t));
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        c = c.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(technologies::Column::Name)))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(technologies::Column::Summary)))
                        .like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    c
}

fn list_query(
    backend: Backend,
    visible: Visibility,
    filter: &Filter,
    sort: Sort,
    dir: SortDir,
    after: Option<Keyset>,
    limit: u64,
) -> sea_orm::Select<technologies::Entity> {
    let mut query = technologies::Entity::find()
        .filter(visibility(visible))
        .filter(filter_condition(filter));
    if let Some(after) = after {
        query = query.filter(keyset::after(
            backend,
            sort.column(),
            sort == Sort::Name,
            technologies::Column::Id,
            dir,
            after,
        ));
    }
    query
        .order_by(
            keyset::sort_expr(sort.column(), sort == Sort::Name),
            dir.order(),
        )
        .order_by(technologies::Column::Id, dir.order())
        .limit(limit)
}

/// One page in (sort, id) order, starting after `after`.
#[allow(clippy::too_many_arguments)]
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    visible: Visibility,
    filter: &Filter,
    sort: Sort,
    dir: SortDir,
    after: Option<Keyset>,
    limit: u64,
) -> Result<Vec<technologies::Model>> {
    Ok(
        list_query(backend, visible, filter, sort, dir, after, limit)
            .all(conn)
            .await?,
    )
}

/// What a public read needs: the precomputed JSON and the columns pages sort on.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct PublicRow {
    pub id: Uuid,
    pub name: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub public_json: Option<String>,
}

/// A page of published items as precomputed JSON: one statement, no relation loading.
pub async fn list_public<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    filter: &Filter,
    sort: Sort,
    dir: SortDir,
    after: Option<Keyset>,
    limit: u64,
) -> Result<Vec<PublicRow>> {
    use sea_orm::FromQueryResult;
    let mut q = super::public_sql::Sql::new(
        backend,
        "SELECT id, name, published_at, created_at, updated_at, version, public_json FROM technologies WHERE status = 'published'",
    );
    if let Some(status) = &filter.status {
        q.text(" AND status = ").bind(status.clone());
    }
    if let Some(kind) = &filter.kind {
        q.text(" AND kind = ").bind(kind.clone());
    }
    if let Some(t) = filter.published_after {
        q.text(" AND published_at >= ").bind(t);
    }
    if let Some(t) = filter.published_before {
        q.text(" AND published_at < ").bind(t);
    }
    if let Some(t) = filter.updated_after {
        q.text(" AND updated_at >= ").bind(t);
    }
    if let Some(text) = &filter.q {
        let pattern = like_pattern(text);
        q.text(" AND (LOWER(name) LIKE ")
            .bind(pattern.clone())
            .text(" ESCAPE '\\' OR LOWER(summary) LIKE ")
            .bind(pattern)
            .text(" ESCAPE '\\')");
    }
    let column = sort.column_name();
    if let Some(after) = after {
        q.after(column, dir, after);
    }
    q.order(column, dir, limit);
    Ok(PublicRow::find_by_statement(q.statement())
        .all(conn)
        .await?)
}

/// One published item by id or slug, as precomputed JSON.
///
/// The hottest statement in Lectern, so its SQL is a fixed string rather than built per call:
/// the driver's prepared-statement cache then hits at once.
pub async fn public_one<C: ConnectionTrait>(
    conn: &C,
    id: Option<Uuid>,
    slug: Option<&str>,
) -> Result<Option<PublicRow>> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    const COLUMNS: &str = "SELECT id, name, published_at, created_at, updated_at, version, public_json FROM technologies";
    let backend = conn.get_database_backend();
    let p = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let (sql, value): (String, sea_orm::Value) = match (id, slug) {
        (Some(id), _) => (
            format!("{COLUMNS} WHERE id = {p} AND status = 'published'"),
            id.into(),
        ),
        (None, Some(slug)) => (
            format!("{COLUMNS} WHERE slug = {p} AND status = 'published'"),
            slug.into(),
        ),
        (None, None) => return Ok(None),
    };
    Ok(
        PublicRow::find_by_statement(Statement::from_sql_and_values(backend, sql, [value]))
            .one(conn)
            .await?,
    )
}

pub async fn set_public_json<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    json: Option<String>,
) -> Result<()> {
    technologies::Entity::update_many()
        .col_expr(
            technologies::Column::PublicJson,
            sea_orm::sea_query::Expr::value(json),
        )
        .filter(technologies::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn find_many<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<technologies::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(technologies::Entity::find()
        .filter(technologies::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

pub async fn count<C: ConnectionTrait>(
    conn: &C,
    visible: Visibility,
    filter: &Filter,
) -> Result<u64> {
    Ok(technologies::Entity::find()
        .filter(visibility(visible))
        .filter(filter_condition(filter))
        .count(conn)
        .await?)
}

pub async fn find_by_id<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<technologies::Model>> {
    Ok(technologies::Entity::find_by_id(id).one(conn).await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
) -> Result<Option<technologies::Model>> {
    Ok(technologies::Entity::find()
        .filter(technologies::Column::Slug.eq(slug))
        .one(conn)
        .await?)
}

/// Technologies by slug, for linking; unknown slugs are simply absent from the answer.
pub async fn find_by_slugs<C: ConnectionTrait>(
    conn: &C,
    slugs: &[String],
) -> Result<Vec<technologies::Model>> {
    if slugs.is_empty() {
        return Ok(vec![]);
    }
    Ok(technologies::Entity::find()
        .filter(technologies::Column::Slug.is_in(slugs.iter().map(String::as_str)))
        .all(conn)
        .await?)
}

pub async fn slug_taken<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool> {
    let mut query = technologies::Entity::find()
        .select_only()
        .column(technologies::Column::Id)
        .filter(technologies::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(technologies::Column::Id.ne(id));
    }
    Ok(query.into_tuple::<Uuid>().one(conn).await?.is_some())
}

pub async fn insert<C: ConnectionTrait>(conn: &C, row: technologies::Model) -> Result<()> {
    technologies::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn update<C: ConnectionTrait>(
    conn: &C,
    row: technologies::Model,
    expected_version: i64,
) -> Result<bool> {
    let id = row.id;
    let result = technologies::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(technologies::Column::Id.eq(id))
        .filter(technologies::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete<C: ConnectionTrait>(conn: &C, id: Uuid, expected_version: i64) -> Result<bool> {
    let result = technologies::Entity::delete_many()
        .filter(technologies::Column::Id.eq(id))
        .filter(technologies::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Replaces a technology's relations. Relations are symmetric, so both directions are stored
/// and a lookup is one indexed scan either way.
pub async fn set_related<C: ConnectionTrait>(conn: &C, id: Uuid, related: &[Uuid]) -> Result<()> {
    technology_relations::Entity::delete_many()
        .filter(
            Condition::any()
                .add(technology_relations::Column::TechnologyId.eq(id))
                .add(technology_relations::Column::RelatedId.eq(id)),
        )
        .exec(conn)
        .await?;
    let rows: Vec<_> = related
        .iter()
        .filter(|r| **r != id)
        .flat_map(|r| {
            [
                technology_relations::Model {
                    technology_id: id,
                    related_id: *r,
                },
                technology_relations::Model {
                    technology_id: *r,
                    related_id: id,
                },
            ]
        })
        .map(|m| m.into_active_model().reset_all())
        .collect();
    if !rows.is_empty() {
        technology_relations::Entity::insert_many(rows)
            .on_conflict_do_nothing()
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Adds relations without removing others (used when loading linked data in bulk).
pub async fn add_related<C: ConnectionTrait>(conn: &C, id: Uuid, related: &[Uuid]) -> Result<()> {
    let rows: Vec<_> = related
        .iter()
        .filter(|r| **r != id)
        .flat_map(|r| {
            [
                technology_relations::Model {
                    technology_id: id,
                    related_id: *r,
                },
                technology_relations::Model {
                    technology_id: *r,
                    related_id: id,
                },
            ]
        })
        .map(|m| m.into_active_model().reset_all())
        .collect();
    if !rows.is_empty() {
        technology_relations::Entity::insert_many(rows)
            .on_conflict_do_nothing()
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The related technologies of many technologies in one query, ordered by name.
pub async fn related_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<super::TechRefRow>> {
    use sea_orm::{JoinType, RelationTrait};
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(technology_relations::Entity::find()
        .select_only()
        .column_as(technology_relations::Column::TechnologyId, "owner")
        .column(technologies::Column::Id)
        .column(technologies::Column::Slug)
        .column(technologies::Column::Name)
        .column(technologies::Column::Kind)
        .column(technologies::Column::Status)
        .join(
            JoinType::InnerJoin,
            technology_relations::Relation::Related.def(),
        )
        .filter(technology_relations::Column::TechnologyId.is_in(ids.iter().copied()))
        .order_by_asc(technologies::Column::Name)
        .into_model::<super::TechRefRow>()
        .all(conn)
        .await?)
}

/// Ids of the articles that cover a technology.
pub async fn article_ids_covering<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Vec<Uuid>> {
    Ok(article_technologies::Entity::find()
        .select_only()
        .column(article_technologies::Column::ArticleId)
        .filter(article_technologies::Column::TechnologyId.eq(id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Ids in id order after `after`, for jobs that walk every row (rebuilding the search index).
pub async fn ids_after<C: ConnectionTrait>(
    conn: &C,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>> {
    let mut query = technologies::Entity::find()
        .select_only()
        .column(technologies::Column::Id);
    if let Some(after) = after {
        query = query.filter(technologies::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(technologies::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}
