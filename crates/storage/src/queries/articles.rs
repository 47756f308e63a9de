//! What only articles have: tags, links to technologies, an author.

use super::content;
use super::filter::{Field, Target::*, Ty::*};
use super::Visibility;
use crate::entities::{article_tags, article_technologies, articles};
use crate::{Backend, Result};
use lectern_domain::Kind;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

crate::content_table!(
    articles,
    label = title Title,
    summary = Summary,
    owner = author_id AuthorId,
    translated = [title, summary, body, body_html],
    fields = crate::filter_fields!(
        "title",
        Field::col("summary", Text),
        Field::on("tags", Values(&[("id", "SELECT article_id FROM article_tags")], "tag", Slug)),
        Field::on("technologies", Items(&[("id", "SELECT article_id FROM article_technologies"), ("technology_id", "SELECT id FROM technologies")], Kind::Technology)),
        Field::on("sources", Items(&[("id", "SELECT article_id FROM article_sources"), ("source_id", "SELECT id FROM sources")], Kind::Source)),
        Field::on("author", Users(&[("author_id", "SELECT id FROM users")])),
    )
);

pub async fn set_tags<C: ConnectionTrait>(conn: &C, article: Uuid, tags: &[String]) -> Result<()> {
    let rows = tags.iter().map(|tag| article_tags::Model {
        article_id: article,
        tag: tag.clone(),
    });
    let owner = article_tags::Column::ArticleId;
    content::replace_links::<article_tags::Entity, _>(conn, owner, article, rows.collect()).await
}

pub async fn set_technologies<C: ConnectionTrait>(
    conn: &C,
    article: Uuid,
    technologies: &[Uuid],
) -> Result<()> {
    let rows = technologies.iter().map(|t| article_technologies::Model {
        article_id: article,
        technology_id: *t,
    });
    let owner = article_technologies::Column::ArticleId;
    content::replace_links::<article_technologies::Entity, _>(conn, owner, article, rows.collect())
        .await
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
    use article_technologies::Column as L;
    super::technologies::linked::<article_technologies::Entity, _>(
        conn,
        L::ArticleId,
        L::TechnologyId,
        articles,
    )
    .await
}

/// Ids of the articles one user wrote.
pub async fn ids_by_author<C: ConnectionTrait>(conn: &C, author: Uuid) -> Result<Vec<Uuid>> {
    use articles::Column as A;
    content::column_where::<articles::Entity, _>(conn, A::Id, A::AuthorId, author).await
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
