use crate::entities::revisions;
use crate::Result;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    pub version: i64,
    pub snapshot: serde_json::Value,
    pub summary: String,
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

pub async fn insert<C: ConnectionTrait>(conn: &C, revision: NewRevision<'_>) -> Result<()> {
    insert_many(conn, vec![revision]).await
}

/// All revisions of one entity, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    entity_type: &str,
    id: Uuid,
) -> Result<Vec<revisions::Model>> {
    Ok(revisions::Entity::find()
        .filter(revisions::Column::EntityType.eq(entity_type))
        .filter(revisions::Column::EntityId.eq(id))
        .order_by_desc(revisions::Column::Version)
        .all(conn)
        .await?)
}

pub async fn get<C: ConnectionTrait>(
    conn: &C,
    entity_type: &str,
    id: Uuid,
    version: i64,
) -> Result<Option<revisions::Model>> {
    Ok(revisions::Entity::find()
        .filter(revisions::Column::EntityType.eq(entity_type))
        .filter(revisions::Column::EntityId.eq(id))
        .filter(revisions::Column::Version.eq(version))
        .one(conn)
        .await?)
}

/// Many revisions in one statement (bulk imports).
pub async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    revisions: Vec<NewRevision<'_>>,
) -> Result<()> {
    if revisions.is_empty() {
        return Ok(());
    }
    revisions::Entity::insert_many(revisions.into_iter().map(|r| revisions::ActiveModel {
        id: NotSet,
        entity_type: Set(r.entity_type.to_owned()),
        entity_id: Set(r.entity_id),
        version: Set(r.version),
        snapshot: Set(r.snapshot),
        summary: Set(r.summary),
        actor_id: Set(r.actor_id),
        created_at: Set(r.at),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
