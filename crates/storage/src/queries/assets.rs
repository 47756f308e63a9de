//! What only assets have: the content that uses them, which decides who may fetch their bytes.

use super::content::column_where;
use super::filter::{Field, Ty::*};
use crate::entities::{articles, asset_uses, assets, technologies};
use crate::Result;
use lectern_domain::ContentStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

crate::content_table!(
    assets,
    label = title Title,
    summary = Alt,
    owner = optional uploaded_by UploadedBy,
    translated = [],
    fields = crate::filter_fields!(
        "title",
        Field::col("alt", Text),
        Field::col("caption", Text),
        Field::col("filename", Text),
        Field::col("content_type", Text),
        Field::col("size_bytes", Int),
        Field::col("sha256", Slug),
        Field::col("width", Int),
        Field::col("height", Int),
    )
);

/// The articles and technologies that show an asset: as a cover or a logo, or in their
/// Markdown.
pub async fn users_of<C: ConnectionTrait>(conn: &C, asset: Uuid) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    use {articles::Column as A, technologies::Column as T};
    let articles = column_where::<articles::Entity, _>(conn, A::Id, A::CoverId, asset);
    let technologies = column_where::<technologies::Entity, _>(conn, T::Id, T::LogoId, asset);
    let (mut articles, mut technologies) = (articles.await?, technologies.await?);
    use asset_uses::Column as U;
    let owners = column_where::<asset_uses::Entity, _>(conn, U::OwnerId, U::AssetId, asset).await?;
    let (a, t) = owner_kinds(conn, &owners).await?;
    for (list, found) in [(&mut articles, a), (&mut technologies, t)] {
        for id in found {
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }
    Ok((articles, technologies))
}

/// Which of these ids are articles and which technologies.
async fn owner_kinds<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    if ids.is_empty() {
        return Ok((vec![], vec![]));
    }
    let articles = articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?;
    let technologies = ids
        .iter()
        .filter(|id| !articles.contains(id))
        .copied()
        .collect();
    Ok((articles, technologies))
}

/// Records the assets an item's Markdown shows.
pub async fn set_uses<C: ConnectionTrait>(conn: &C, owner: Uuid, assets: &[Uuid]) -> Result<()> {
    let rows = assets.iter().map(|a| asset_uses::Model {
        owner_id: owner,
        asset_id: *a,
    });
    let column = asset_uses::Column::OwnerId;
    super::content::replace_links::<asset_uses::Entity, _>(conn, column, owner, rows.collect())
        .await
}

/// Whether published content shows the asset: then its bytes are public. One query per
/// table (as a cover or logo, or through `asset_uses`), since every file request asks.
pub async fn used_by_published<C: ConnectionTrait>(conn: &C, asset: Uuid) -> Result<bool> {
    use sea_orm::sea_query::Query;
    use sea_orm::Condition;
    let published = ContentStatus::Published.as_str();
    let uses = || {
        Query::select()
            .column(asset_uses::Column::OwnerId)
            .from(asset_uses::Entity)
            .and_where(asset_uses::Column::AssetId.eq(asset))
            .to_owned()
    };
    let article = articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::Status.eq(published))
        .filter(
            Condition::any()
                .add(articles::Column::CoverId.eq(asset))
                .add(articles::Column::Id.in_subquery(uses())),
        )
        .into_tuple::<Uuid>()
        .one(conn)
        .await?;
    if article.is_some() {
        return Ok(true);
    }
    let technology = technologies::Entity::find()
        .select_only()
        .column(technologies::Column::Id)
        .filter(technologies::Column::Status.eq(published))
        .filter(
            Condition::any()
                .add(technologies::Column::LogoId.eq(asset))
                .add(technologies::Column::Id.in_subquery(uses())),
        )
        .into_tuple::<Uuid>()
        .one(conn)
        .await?;
    Ok(technology.is_some())
}

/// Many assets by id, for the covers and logos of a page of items.
pub async fn many<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<assets::Model>> {
    super::content::find_many::<assets::Entity, C>(conn, ids).await
}

/// How a conflict names the users of an asset: `article 'slug'`, `technology 'slug'`.
pub async fn names_of_users<C: ConnectionTrait>(
    conn: &C,
    articles: &[Uuid],
    technologies: &[Uuid],
) -> Result<Vec<String>> {
    use super::content::find_many;
    let mut names: Vec<String> = find_many::<articles::Entity, C>(conn, articles)
        .await?
        .into_iter()
        .map(|a| format!("article '{}'", a.slug))
        .collect();
    for t in find_many::<technologies::Entity, C>(conn, technologies).await? {
        names.push(format!("technology '{}'", t.slug));
    }
    Ok(names)
}
