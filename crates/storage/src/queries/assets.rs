//! What only assets have: the content that uses them, which decides who may fetch their bytes.

use super::content::column_where;
use super::filter::{Field, Ty::*};
use crate::entities::{articles, assets, technologies};
use crate::Result;
use lectern_domain::ContentStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

crate::content_table!(
    assets,
    label = title Title,
    summary = Alt,
    owner = optional uploaded_by UploadedBy,
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

/// The articles and technologies that show an asset (as a cover, as a logo).
pub async fn users_of<C: ConnectionTrait>(conn: &C, asset: Uuid) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    use {articles::Column as A, technologies::Column as T};
    let articles = column_where::<articles::Entity, _>(conn, A::Id, A::CoverId, asset);
    let technologies = column_where::<technologies::Entity, _>(conn, T::Id, T::LogoId, asset);
    let (articles, technologies) = (articles.await?, technologies.await?);
    Ok((articles, technologies))
}

/// Whether published content shows the asset: then its bytes are public.
pub async fn used_by_published<C: ConnectionTrait>(conn: &C, asset: Uuid) -> Result<bool> {
    let published = ContentStatus::Published.as_str();
    let article = articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .filter(articles::Column::CoverId.eq(asset))
        .filter(articles::Column::Status.eq(published))
        .into_tuple::<Uuid>()
        .one(conn)
        .await?;
    if article.is_some() {
        return Ok(true);
    }
    let technology = technologies::Entity::find()
        .select_only()
        .column(technologies::Column::Id)
        .filter(technologies::Column::LogoId.eq(asset))
        .filter(technologies::Column::Status.eq(published))
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
