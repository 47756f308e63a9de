//! Slug history, idempotency records and scheduled publication.

use crate::entities::{articles, idempotency_keys, slug_history, technologies};
use crate::Result;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Remembers that `old_slug` meant `entity_id`. An older meaning is kept: a slug that
/// redirected readers to a published item must not be taken over by whoever reuses the slug
/// for a while (an author's draft would otherwise end a public redirect, and show by doing so
/// that a hidden item held it). The slug's current holder, if any, still wins on lookup.
pub async fn remember_slug<C: ConnectionTrait>(
    conn: &C,
    entity_type: &str,
    old_slug: &str,
    entity_id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let row = slug_history::Model {
        entity_type: entity_type.to_owned(),
        old_slug: old_slug.to_owned(),
        entity_id,
        created_at: at,
    };
    slug_history::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::columns([
                slug_history::Column::EntityType,
                slug_history::Column::OldSlug,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn slug_owner<C: ConnectionTrait>(
    conn: &C,
    entity_type: &str,
    old_slug: &str,
) -> Result<Option<Uuid>> {
    Ok(
        slug_history::Entity::find_by_id((entity_type.to_owned(), old_slug.to_owned()))
            .one(conn)
            .await?
            .map(|r| r.entity_id),
    )
}

/// Stores the first response to a creation; false when the key was taken meanwhile.
pub async fn store_idempotent<C: ConnectionTrait>(
    conn: &C,
    row: idempotency_keys::Model,
) -> Result<bool> {
    let result = idempotency_keys::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::columns([
                idempotency_keys::Column::Owner,
                idempotency_keys::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(result == 1)
}

pub async fn find_idempotent<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    key: &str,
) -> Result<Option<idempotency_keys::Model>> {
    Ok(
        idempotency_keys::Entity::find_by_id((owner.to_owned(), key.to_owned()))
            .one(conn)
            .await?,
    )
}

pub async fn forget_idempotent_before<C: ConnectionTrait>(
    conn: &C,
    before: DateTime<Utc>,
) -> Result<u64> {
    Ok(idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Articles and technologies whose scheduled publication is due.
pub async fn due<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<(Vec<(Uuid, i64)>, Vec<(Uuid, i64)>)> {
    let articles = articles::Entity::find()
        .select_only()
        .column(articles::Column::Id)
        .column(articles::Column::Version)
        .filter(articles::Column::PublishAt.lte(now))
        .order_by_asc(articles::Column::PublishAt)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    let technologies = technologies::Entity::find()
        .select_only()
        .column(technologies::Column::Id)
        .column(technologies::Column::Version)
        .filter(technologies::Column::PublishAt.lte(now))
        .order_by_asc(technologies::Column::PublishAt)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    Ok((articles, technologies))
}

/// Records the final response of a request whose key was reserved with status 0.
pub async fn complete_idempotent<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    key: &str,
    status: i32,
    body: &str,
) -> Result<()> {
    use sea_orm::sea_query::Expr;
    idempotency_keys::Entity::update_many()
        .col_expr(idempotency_keys::Column::Status, Expr::value(status))
        .col_expr(idempotency_keys::Column::Body, Expr::value(body))
        .filter(idempotency_keys::Column::Owner.eq(owner))
        .filter(idempotency_keys::Column::Key.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}

/// Releases a reservation whose request failed, so a retry can run it again.
pub async fn release_idempotent<C: ConnectionTrait>(
    conn: &C,
    owner: &str,
    key: &str,
) -> Result<()> {
    idempotency_keys::Entity::delete_by_id((owner.to_owned(), key.to_owned()))
        .exec(conn)
        .await?;
    Ok(())
}
