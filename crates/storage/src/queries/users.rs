use crate::entities::users;
use crate::Result;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub async fn insert<C: ConnectionTrait>(conn: &C, row: users::Model) -> Result<()> {
    users::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn update<C: ConnectionTrait>(conn: &C, row: users::Model) -> Result<()> {
    row.into_active_model().reset_all().update(conn).await?;
    Ok(())
}

pub async fn delete<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<bool> {
    Ok(users::Entity::delete_by_id(id)
        .exec(conn)
        .await?
        .rows_affected
        == 1)
}

pub async fn find_by_id<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<users::Model>> {
    Ok(users::Entity::find_by_id(id).one(conn).await?)
}

/// `email` must already be normalised (the domain type lower-cases it).
pub async fn find_by_email<C: ConnectionTrait>(
    conn: &C,
    email: &str,
) -> Result<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(conn)
        .await?)
}

/// Many users in one query (authors of a page of articles).
pub async fn find_many<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<users::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

pub async fn count_admins<C: ConnectionTrait>(conn: &C) -> Result<u64> {
    Ok(users::Entity::find()
        .filter(users::Column::Role.eq("admin"))
        .filter(users::Column::Disabled.eq(false))
        .count(conn)
        .await?)
}

/// Active admins, counted inside a write transaction that holds the admin lock, so that two
/// transactions demoting or disabling admins at once cannot both see another admin left.
/// SQLite's write transactions are serial already; PostgreSQL takes a transaction-scoped
/// advisory lock.
pub async fn count_admins_serialised<C: ConnectionTrait>(tx: &C) -> Result<u64> {
    if tx.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        tx.execute_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(7262306211)",
        ))
        .await?;
    }
    count_admins(tx).await
}

pub async fn first_admin<C: ConnectionTrait>(conn: &C) -> Result<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Role.eq("admin"))
        .order_by_asc(users::Column::CreatedAt)
        .one(conn)
        .await?)
}

/// A page of users in id order (ids are time-ordered, so this is creation order).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<users::Model>> {
    let mut query = users::Entity::find();
    if let Some(after) = after {
        query = query.filter(users::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(users::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}
