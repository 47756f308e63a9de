//! What only technologies have: a kind, and symmetric relations to other technologies.

use super::filter::{Field, Target::*, Ty::*};
use crate::entities::{article_technologies, technologies, technology_relations};
use crate::Result;
use lectern_domain::Kind;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

crate::content_table!(
    technologies,
    label = name Name,
    summary = Summary,
    owner = none,
    translated = [name, summary, description, description_html],
    fields = crate::filter_fields!(
        "name",
        Field::col("summary", Text),
        Field::col("kind", OneOf(lectern_domain::TechKind::NAMES)),
        Field::col("first_released", Int),
        Field::col("primary_language", Text),
        Field::col("steward", Text),
        Field::on("related_technologies", Items(&[("id", "SELECT technology_id FROM technology_relations"), ("related_id", "SELECT id FROM technologies")], Kind::Technology)),
        Field::on("articles", Items(&[("id", "SELECT technology_id FROM article_technologies"), ("article_id", "SELECT id FROM articles")], Kind::Article)),
        Field::on("sources", Items(&[("id", "SELECT technology_id FROM technology_sources"), ("source_id", "SELECT id FROM sources")], Kind::Source)),
    )
);

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

/// The related technologies of many technologies in one query, ordered by name.
pub async fn related_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<super::TechRefRow>> {
    use technology_relations::Column as L;
    linked::<technology_relations::Entity, _>(conn, L::TechnologyId, L::RelatedId, ids).await
}

/// The technologies that rows of a link table point to, for many owners in one query (a
/// join), ordered by name: only the columns a link shows.
pub(crate) async fn linked<L, C>(
    conn: &C,
    owner: L::Column,
    target: L::Column,
    ids: &[Uuid],
) -> Result<Vec<super::TechRefRow>>
where
    L: EntityTrait,
    C: ConnectionTrait,
{
    use sea_orm::JoinType;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let join = L::belongs_to(technologies::Entity)
        .from(target)
        .to(technologies::Column::Id)
        .into();
    Ok(L::find()
        .select_only()
        .column_as(owner, "owner")
        .column(technologies::Column::Id)
        .column(technologies::Column::Slug)
        .column(technologies::Column::Name)
        .column(technologies::Column::Kind)
        .column(technologies::Column::Status)
        .join(JoinType::InnerJoin, join)
        .filter(owner.is_in(ids.iter().copied()))
        .order_by_asc(technologies::Column::Name)
        .into_model::<super::TechRefRow>()
        .all(conn)
        .await?)
}

/// Ids of the articles that cover a technology.
pub async fn article_ids_covering<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Vec<Uuid>> {
    use article_technologies::{Column as L, Entity};
    super::content::column_where::<Entity, _>(conn, L::ArticleId, L::TechnologyId, id).await
}
