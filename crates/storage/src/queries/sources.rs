//! What only sources have: a kind, and the items that cite them.

use super::content::{self, column_where};
use super::filter::{Field, Target::*, Ty::*};
use crate::entities::{article_sources, sources, technology_sources};
use crate::Result;
use lectern_domain::Kind;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

crate::content_table!(
    sources,
    label = title Title,
    summary = Note,
    owner = none,
    translated = [title, note],
    fields = crate::filter_fields!(
        "title",
        Field::col("note", Text),
        Field::col("publisher", Text),
        Field::col("url", Text),
        Field::col("published_on", Date),
        Field::col("kind", OneOf(lectern_domain::SourceKind::NAMES)),
        Field::on("articles", Items(&[("id", "SELECT source_id FROM article_sources"), ("article_id", "SELECT id FROM articles")], Kind::Article)),
        Field::on("technologies", Items(&[("id", "SELECT source_id FROM technology_sources"), ("technology_id", "SELECT id FROM technologies")], Kind::Technology)),
    )
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

/// The sources that rows of a link table cite, for many owners in one query (a join), by
/// title.
async fn cited_by<L, C>(
    conn: &C,
    owner: L::Column,
    source: L::Column,
    ids: &[Uuid],
) -> Result<Vec<SourceRefRow>>
where
    L: EntityTrait,
    C: ConnectionTrait,
{
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(L::find()
        .select_only()
        .column_as(owner, "owner")
        .column(sources::Column::Id)
        .column(sources::Column::Slug)
        .column(sources::Column::Title)
        .column(sources::Column::Status)
        .join(
            JoinType::InnerJoin,
            L::belongs_to(sources::Entity)
                .from(source)
                .to(sources::Column::Id)
                .into(),
        )
        .filter(owner.is_in(ids.iter().copied()))
        .order_by_asc(sources::Column::Title)
        .into_model::<SourceRefRow>()
        .all(conn)
        .await?)
}

/// The sources of many articles.
pub async fn of_articles<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<SourceRefRow>> {
    use article_sources::Column as A;
    cited_by::<article_sources::Entity, _>(conn, A::ArticleId, A::SourceId, ids).await
}

/// The sources the trend figures of many technologies cite.
pub async fn of_technologies<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<SourceRefRow>> {
    use technology_sources::Column as T;
    cited_by::<technology_sources::Entity, _>(conn, T::TechnologyId, T::SourceId, ids).await
}

pub async fn set_for_article<C: ConnectionTrait>(
    conn: &C,
    article: Uuid,
    sources: &[Uuid],
) -> Result<()> {
    let rows = sources.iter().map(|s| article_sources::Model {
        article_id: article,
        source_id: *s,
    });
    let owner = article_sources::Column::ArticleId;
    content::replace_links::<article_sources::Entity, _>(conn, owner, article, rows.collect()).await
}

pub async fn set_for_technology<C: ConnectionTrait>(
    conn: &C,
    technology: Uuid,
    sources: &[Uuid],
) -> Result<()> {
    let rows = sources.iter().map(|s| technology_sources::Model {
        technology_id: technology,
        source_id: *s,
    });
    let owner = technology_sources::Column::TechnologyId;
    content::replace_links::<technology_sources::Entity, _>(conn, owner, technology, rows.collect())
        .await
}

/// The articles and technologies that cite a source.
pub async fn citing<C: ConnectionTrait>(conn: &C, source: Uuid) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    use {article_sources::Column as A, technology_sources::Column as T};
    let articles =
        column_where::<article_sources::Entity, _>(conn, A::ArticleId, A::SourceId, source);
    let technologies =
        column_where::<technology_sources::Entity, _>(conn, T::TechnologyId, T::SourceId, source);
    let (articles, technologies) = (articles.await?, technologies.await?);
    Ok((articles, technologies))
}
