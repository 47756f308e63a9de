//! Slug history and idempotency records.

use crate::entities::{idempotency_keys, slug_history};
use crate::Result;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
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
