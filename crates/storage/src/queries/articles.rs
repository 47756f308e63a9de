use super::keyset::{self, Keyset, SortDir};
use super::Visibility;
use crate::entities::{article_tags, article_technologies, articles, technologies};
use crate::{Backend, Result};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Title,
}

impl Sort {
    fn column_name(self) -> &'static str {
        match self {
            Sort::PublishedAt => "published_at",
            Sort::CreatedAt => "created_at",
            Sort::UpdatedAt => "updated_at",
            Sort::Title => "LOWER(title)",
        }
    }

    fn column(self) -> articles::Column {
        match self {
            Sort::PublishedAt => articles::Column::PublishedAt,
            Sort::CreatedAt => articles::Column::CreatedAt,
            Sort::UpdatedAt => articles::Column::UpdatedAt,
            Sort::Title => articles::Column::Title,
        }
    }

    pub fn public_value_of(self, row: &PublicRow) -> keyset::SortValue {
        use keyset::SortValue::*;
        match self {
            Sort::PublishedAt => Time(row.published_at),
            Sort::CreatedAt => Time(Some(row.created_at)),
            Sort::UpdatedAt => Time(Some(row.updated_at)),
            Sort::Title => Text(row.title.clone()),
        }
    }

    pub fn value_of(self, row: &articles::Model) -> keyset::SortValue {
        use keyset::SortValue::*;
        match self {
            Sort::PublishedAt => Time(row.published_at),
            Sort::CreatedAt => Time(Some(row.created_at)),
            Sort::UpdatedAt => Time(Some(row.updated_at)),
            Sort::Title => Text(row.title.clone()),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub tag: Option<String>,
    /// A technology slug.
    pub technology: Option<String>,
    /// Whether only published technologies may be matched by `technology`: for a caller who
    /// cannot read drafts, a filter on a draft behaves exactly as one on a missing slug.
    pub technology_published_only: bool,
    pub author_id: Option<Uuid>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    /// Case-insensitive substring of the title or summary.
    pub q: Option<String>,
}

pub(crate) fn visibility(v: Visibility) -> Condition {
    let published = articles::Column::Status.eq("published");
    match v {
        Visibility::PublishedOnly => Condition::all().add(published),
        Visibility::PublishedOrAuthoredBy(user) => Condition::any()
            .add(published)
            .add(articles::Column::AuthorId.eq(user)),
        Visibility::All => Condition::all(),
    }
}

pub(crate) fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn filter_condition(filter: &Filter) -> Condition {
    let mut c = Condition::all();
    if let Some(status) = &filter.status {
        c = c.add(articles::Column::Status.eq(status.as_str()));
    }
    if let Some(tag) = &filter.tag {
        c = c.add(
            articles::Column::Id.in_subquery(
                Query::select()
                    .column(article_tags::Column::ArticleId)
                    .from(article_tags::Entity)
                    .and_where(article_tags::Column::Tag.eq(tag.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(slug) = &filter.technology {
        c = c.add(
            articles::Column::Id.in_subquery(
                Query::select()
                    .column(article_technologies::Column::ArticleId)
                    .from(article_technologies::Entity)
                    .and_where(
                        article_technologies::Column::TechnologyId.in_subquery(
                            Query::select()
                                .column(technologies::Column::Id)
                                .from(technologies::Entity)
                                .and_where(technologies::Column::Slug.eq(slug.as_str()))
                                .and_where_option(
                                    filter
                                        .technology_published_only
                                        .then(|| technologies::Column::Status.eq("published")),
                                )
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(author) = filter.author_id {
        c = c.add(articles::Column::AuthorId.eq(author));
    }
    if let Some(t) = filter.published_after {
        c = c.add(articles::Column::PublishedAt.gte(t));
    }
    if let Some(t) = filter.published_before {
        c = c.add(articles::Column::PublishedAt.lt(t));
    }
    if let Some(t) = filter.updated_after {
        c = c.add(articles::Column::UpdatedAt.gte(t));
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        c = c.add(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(articles::Column::Title)))
                        .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(articles::Column::Summary)))
                        .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    c
}

/// One page of articles in (sort, id) order, starting after `after`.
fn list_query(
    backend: Backend,
    visible: Visibility,
    filter: &Filter,
    sort: Sort,
    dir: SortDir,
    after: Option<Keyset>,
    limit: u64,
) -> sea_orm::Select<articles::Entity> {
    let mut query = articles::Entity::find()
        .filter(visibility(visible))
        .filter(filter_condition(filter));
    if let Some(after) = after {
        query = query.filter(keyset::after(
            backend,
            sort.column(),
            sort == Sort::Title,
            articles::Column::Id,
            dir,
            after,
        ));
    }
    query
        .order_by(
            keyset::sort_expr(sort.column(), sort == Sort::Title),
            dir.order(),
        )
        .order_by(articles::Column::Id, dir.order())
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
) -> Result<Vec<articles::Model>> {
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
    pub title: String,
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
        "SELECT id, title, published_at, created_at, updated_at, version, public_json FROM articles WHERE status = 'published'",
    );
    if let Some(status) = &filter.status {
        q.text(" AND status = ").bind(status.clone());
    }
    if let Some(tag) = &filter.tag {
        q.text(" AND id IN (SELECT article_id FROM article_tags WHERE tag = ")
            .bind(tag.clone())
            .text(")");
    }
    if let Some(slug) = &filter.technology {
        // Public readers never match through a technology they could not read.
        q.text(" AND id IN (SELECT at.article_id FROM article_technologies at JOIN technologies t ON t.id = at.technology_id WHERE t.status = 'published' AND t.slug = ")
            .bind(slug.clone())
            .text(")");
    }
    if let Some(author) = filter.author_id {
        q.text(" AND author_id = ").bind(author);
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
        q.text(" AND (LOWER(title) LIKE ")
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
    const COLUMNS: &str = "SELECT id, title, published_at, created_at, updated_at, version, public_json FROM articles";
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
    articles::Entity::update_many()
        .col_expr(
            articles::Column::PublicJson,
            sea_orm::sea_query::Expr::value(json),
        )
        .filter(articles::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn find_many<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<articles::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(articles::Entity::find()
        .filter(articles::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

pub async fn count<C: ConnectionTrait>(
    conn: &C,
    visible: Visibility,
    filter: &Filter,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(articles::Entity::find()
        .filter(visibility(visible))
        .filter(filter_condition(filter))
        .count(conn)
        .await?)
}

pub async fn find_by_id<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<articles::Model>> {
    Ok(articles::Entity::find_by_id(id).one(conn).await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
) -> Result<Option<articles::Model>> {
    Ok(articles::Entity::find()
        .filter(articles::Column::Slug.eq(slug))
        .one(conn)
        .await?)
}

pub async fn slug_taken<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool> {
    let mut query = articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(articles::Column::Id.ne(id));
    }
    Ok(query.into_tuple::<Uuid>().one(conn).await?.is_some())
}

pub async fn insert<C: ConnectionTrait>(conn: &C, row: articles::Model) -> Result<()> {
    articles::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes the whole row if its stored version is still `expected_version`; false when another
/// writer got there first.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    row: articles::Model,
    expected_version: i64,
) -> Result<bool> {
    let id = row.id;
    let result = articles::Entity::update_many()
        .set(row.into_active_model().reset_all())
        .filter(articles::Column::Id.eq(id))
        .filter(articles::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete<C: ConnectionTrait>(conn: &C, id: Uuid, expected_version: i64) -> Result<bool> {
    let result = articles::Entity::delete_many()
        .filter(articles::Column::Id.eq(id))
        .filter(articles::Column::Version.eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn set_tags<C: ConnectionTrait>(conn: &C, article: Uuid, tags: &[String]) -> Result<()> {
    article_tags::Entity::delete_many()
        .filter(article_tags::Column::ArticleId.eq(article))
        .exec(conn)
        .await?;
    if !tags.is_empty() {
        article_tags::Entity::insert_many(tags.iter().map(|t| {
            article_tags::Model {
                article_id: article,
                tag: t.clone(),
            }
            .into_active_model()
            .reset_all()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

pub async fn set_technologies<C: ConnectionTrait>(
    conn: &C,
    article: Uuid,
    technologies: &[Uuid],
) -> Result<()> {
    article_technologies::Entity::delete_many()
        .filter(article_technologies::Column::ArticleId.eq(article))
        .exec(conn)
        .await?;
    if !technologies.is_empty() {
        article_technologies::Entity::insert_many(technologies.iter().map(|t| {
            article_technologies::Model {
                article_id: article,
                technology_id: *t,
            }
            .into_active_model()
            .reset_all()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// The tags of many articles in one query, in insertion-independent (tag) order.
pub async fn tags_of<C: ConnectionTrait>(
    conn: &C,
    articles: &[Uuid],
) -> Result<Vec<(Uuid, String)>> {
    if articles.is_empty() {
        return Ok(vec![]);
    }
    Ok(article_tags::Entity::find()
        .select_only()
        .column(article_tags::Column::ArticleId)
        .column(article_tags::Column::Tag)
        .filter(article_tags::Column::ArticleId.is_in(articles.iter().copied()))
        .order_by_asc(article_tags::Column::Tag)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The technologies of many articles in one query (a join), ordered by name.
pub async fn technologies_of<C: ConnectionTrait>(
    conn: &C,
    articles: &[Uuid],
) -> Result<Vec<super::TechRefRow>> {
    use sea_orm::{JoinType, RelationTrait};
    if articles.is_empty() {
        return Ok(vec![]);
    }
    Ok(article_technologies::Entity::find()
        .select_only()
        .column_as(article_technologies::Column::ArticleId, "owner")
        .column(technologies::Column::Id)
        .column(technologies::Column::Slug)
        .column(technologies::Column::Name)
        .column(technologies::Column::Kind)
        .column(technologies::Column::Status)
        .join(
            JoinType::InnerJoin,
            article_technologies::Relation::Technology.def(),
        )
        .filter(article_technologies::Column::ArticleId.is_in(articles.iter().copied()))
        .order_by_asc(technologies::Column::Name)
        .into_model::<super::TechRefRow>()
        .all(conn)
        .await?)
}

/// Every distinct tag on articles the caller may see, with counts.
pub async fn tag_counts<C: ConnectionTrait>(
    conn: &C,
    visible: Visibility,
) -> Result<Vec<(String, i64)>> {
    Ok(article_tags::Entity::find()
        .select_only()
        .column(article_tags::Column::Tag)
        .column_as(Expr::col(article_tags::Column::ArticleId).count(), "n")
        .filter(
            article_tags::Column::ArticleId.in_subquery(
                Query::select()
                    .column(articles::Column::Id)
                    .from(articles::Entity)
                    .cond_where(visibility(visible))
                    .to_owned(),
            ),
        )
        .group_by(article_tags::Column::Tag)
        .order_by_asc(article_tags::Column::Tag)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Ids of the articles one user wrote.
pub async fn ids_by_author<C: ConnectionTrait>(conn: &C, author: Uuid) -> Result<Vec<Uuid>> {
    Ok(articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::AuthorId.eq(author))
        .into_tuple()
        .all(conn)
        .await?)
}

/// An article that covers a technology.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct Covering {
    pub technology_id: Uuid,
    pub article_id: Uuid,
}

/// The newest `per` articles covering each of `techs` that `visible` allows, in one
/// statement whatever the number of technologies (drafts after published articles).
pub async fn covering<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    visible: Visibility,
    techs: &[Uuid],
    per: u64,
) -> Result<Vec<Covering>> {
    use sea_orm::FromQueryResult;
    if techs.is_empty() {
        return Ok(vec![]);
    }
    let mut q = super::public_sql::Sql::new(
        backend,
        "SELECT technology_id, article_id FROM (SELECT at.technology_id, at.article_id, \
         ROW_NUMBER() OVER (PARTITION BY at.technology_id \
         ORDER BY CASE WHEN a.published_at IS NULL THEN 1 ELSE 0 END, a.published_at DESC, a.id DESC) AS rn \
         FROM article_technologies at JOIN articles a ON a.id = at.article_id \
         WHERE at.technology_id IN (",
    );
    for (i, tech) in techs.iter().enumerate() {
        if i > 0 {
            q.text(", ");
        }
        q.bind(*tech);
    }
    q.text(")");
    match visible {
        Visibility::PublishedOnly => {
            q.text(" AND a.status = 'published'");
        }
        Visibility::PublishedOrAuthoredBy(user) => {
            q.text(" AND (a.status = 'published' OR a.author_id = ")
                .bind(user)
                .text(")");
        }
        Visibility::All => {}
    }
    q.text(") ranked WHERE rn <= ")
        .bind(per as i64)
        .text(" ORDER BY technology_id, rn");
    Ok(Covering::find_by_statement(q.statement()).all(conn).await?)
}

/// Ids in id order after `after`, for jobs that walk every row (rebuilding the search index).
pub async fn ids_after<C: ConnectionTrait>(
    conn: &C,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>> {
    let mut query = articles::Entity::find()
        .select_only()
        .column(articles::Column::Id);
    if let Some(after) = after {
        query = query.filter(articles::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(articles::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// New articles with their tags and technology links, a statement per table per call: the
/// bulk path for imports and benchmark seeding.
pub async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<articles::Model>,
    tags: Vec<(Uuid, String)>,
    technologies: Vec<(Uuid, Uuid)>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    articles::Entity::insert_many(rows.into_iter().map(|r| r.into_active_model().reset_all()))
        .exec_without_returning(conn)
        .await?;
    if !tags.is_empty() {
        article_tags::Entity::insert_many(tags.into_iter().map(|(article_id, tag)| {
            article_tags::Model { article_id, tag }
                .into_active_model()
                .reset_all()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    if !technologies.is_empty() {
        article_technologies::Entity::insert_many(technologies.into_iter().map(
            |(article_id, technology_id)| {
                article_technologies::Model {
                    article_id,
                    technology_id,
                }
                .into_active_model()
                .reset_all()
            },
        ))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}
