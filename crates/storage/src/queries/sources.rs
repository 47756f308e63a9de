//! What only sources have: a kind, and the items that cite them.

use super::content;
use crate::entities::{article_sources, sources, technology_sources};
use crate::Result;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use uuid::Uuid;

/// The filters only sources have.
#[derive(Debug, Clone, Default)]
pub struct SourceFilter {
    pub kind: Option<String>,
}

pub type Filter = content::Filter<SourceFilter>;

fn source_filter(filter: &SourceFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(kind) = &filter.kind {
        c = c.add(sources::Column::Kind.eq(kind.as_str()));
    }
    c
}

crate::content_table!(
    sources,
    label = title Title,
    summary = Note,
    owner = none,
    extra = SourceFilter,
    filter = source_filter
);

/// A reference to a source from an article or a trend figure: the columns a link shows.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct SourceRefRow {
    /// The article or technology that cites it.
    pub owner: Uuid,
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub status: String,
}

/// The sources of many articles in one query (a join), ordered by title.
pub async fn of_articles<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<SourceRefRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(article_sources::Entity::find()
        .select_only()
        .column_as(article_sources::Column::ArticleId, "owner")
        .column(sources::Column::Id)
        .column(sources::Column::Slug)
        .column(sources::Column::Title)
        .column(sources::Column::Status)
        .join(JoinType::InnerJoin, article_sources::Relation::Source.def())
        .filter(article_sources::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(sources::Column::Title)
        .into_model::<SourceRefRow>()
        .all(conn)
        .await?)
}

/// The sources the trend figures of many technologies cite, in one query.
pub async fn of_technologies<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<SourceRefRow>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(technology_sources::Entity::find()
        .select_only()
        .column_as(technology_sources::Column::TechnologyId, "owner")
        .column(sources::Column::Id)
        .column(sources::Column::Slug)
        .column(sources::Column::Title)
        .column(sources::Column::Status)
        .join(
            JoinType::InnerJoin,
            technology_sources::Relation::Source.def(),
        )
        .filter(technology_sources::Column::TechnologyId.is_in(ids.iter().copied()))
        .into_model::<SourceRefRow>()
        .all(conn)
        .await?)
}

pub async fn set_for_article<C: ConnectionTrait>(
    conn: &C,
    article: Uuid,
    sources: &[Uuid],
) -> Result<()> {
    article_sources::Entity::delete_many()
        .filter(article_sources::Column::ArticleId.eq(article))
        .exec(conn)
        .await?;
    if !sources.is_empty() {
        article_sources::Entity::insert_many(sources.iter().map(|s| {
            article_sources::Model {
                article_id: article,
                source_id: *s,
            }
            .into_active_model()
            .reset_all()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

pub async fn set_for_technology<C: ConnectionTrait>(
    conn: &C,
    technology: Uuid,
    sources: &[Uuid],
) -> Result<()> {
    technology_sources::Entity::delete_many()
        .filter(technology_sources::Column::TechnologyId.eq(technology))
        .exec(conn)
        .await?;
    if !sources.is_empty() {
        technology_sources::Entity::insert_many(sources.iter().map(|s| {
            technology_sources::Model {
                technology_id: technology,
                source_id: *s,
            }
            .into_active_model()
            .reset_all()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// The articles and technologies that cite a source.
pub async fn citing<C: ConnectionTrait>(conn: &C, source: Uuid) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    let articles = article_sources::Entity::find()
        .select_only()
        .column(article_sources::Column::ArticleId)
        .filter(article_sources::Column::SourceId.eq(source))
        .into_tuple()
        .all(conn)
        .await?;
    let technologies = technology_sources::Entity::find()
        .select_only()
        .column(technology_sources::Column::TechnologyId)
        .filter(technology_sources::Column::SourceId.eq(source))
        .into_tuple()
        .all(conn)
        .await?;
    Ok((articles, technologies))
}
