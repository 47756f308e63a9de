use crate::entities::change_feed;
use crate::{Backend, Result};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement,
};
use uuid::Uuid;

/// One change to append, in the same transaction as the change itself.
#[derive(Debug, Clone)]
pub struct NewChange<'a> {
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    /// The locale of the variant that changed; empty for the default.
    pub locale: &'a str,
    pub slug: &'a str,
    /// `upsert` or `delete`.
    pub operation: &'a str,
    pub version: i64,
    /// Whether the entity is readable by anonymous callers after this change.
    pub published: bool,
    pub was_published: bool,
    pub at: DateTime<Utc>,
}

/// Takes the append lock (see `append`) and queues the commit's notification.
async fn lock<C: ConnectionTrait>(conn: &C, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        conn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(7304617526354126), pg_notify('lectern_feed', '')",
        ))
        .await?;
    }
    Ok(())
}

fn row(change: NewChange<'_>) -> change_feed::ActiveModel {
    change_feed::ActiveModel {
        seq: NotSet,
        entity_type: Set(change.entity_type.to_owned()),
        entity_id: Set(change.entity_id),
        locale: Set(change.locale.to_owned()),
        slug: Set(change.slug.to_owned()),
        operation: Set(change.operation.to_owned()),
        version: Set(change.version),
        published: Set(change.published),
        was_published: Set(Some(change.was_published)),
        changed_at: Set(change.at),
    }
}

/// Appends to the change feed and returns the new sequence number.
///
/// On PostgreSQL a sequence value is taken at insert time but becomes visible at commit, so two
/// concurrent writers could commit out of order and a reader could skip a change for good. A
/// transaction-scoped advisory lock taken just before the append makes appends, and so commits,
/// happen in sequence order. SQLite already runs one writer at a time. The same statement
/// queues a `NOTIFY` that PostgreSQL delivers to every instance's listener when (and only if)
/// the transaction commits.
pub async fn append<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    change: NewChange<'_>,
) -> Result<i64> {
    lock(conn, backend).await?;
    let row = row(change);
    let result = change_feed::Entity::insert(row).exec(conn).await?;
    Ok(result.last_insert_id)
}

/// The newest sequence number, 0 for an empty feed.
pub async fn latest_seq<C: ConnectionTrait>(conn: &C) -> Result<i64> {
    end_seq(conn, sea_orm::Order::Desc).await
}

/// The oldest sequence number still kept, 0 for an empty feed.
pub async fn oldest_seq<C: ConnectionTrait>(conn: &C) -> Result<i64> {
    end_seq(conn, sea_orm::Order::Asc).await
}

async fn end_seq<C: ConnectionTrait>(conn: &C, order: sea_orm::Order) -> Result<i64> {
    let seq: Option<i64> = change_feed::Entity::find()
        .select_only()
        .column(change_feed::Column::Seq)
        .order_by(change_feed::Column::Seq, order)
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(seq.unwrap_or(0))
}

/// Changes after `seq`, oldest first.
pub async fn since<C: ConnectionTrait>(
    conn: &C,
    seq: i64,
    limit: u64,
) -> Result<Vec<change_feed::Model>> {
    Ok(change_feed::Entity::find()
        .filter(change_feed::Column::Seq.gt(seq))
        .order_by_asc(change_feed::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The entity's state as of change `seq` included: None if it did not exist yet (or had been
/// deleted), otherwise whether it was published.
pub async fn state_at<C: ConnectionTrait>(
    conn: &C,
    entity_id: Uuid,
    locale: &str,
    seq: i64,
) -> Result<Option<bool>> {
    Ok(seen_at(conn, entity_id, locale, seq)
        .await?
        .map(|(published, _)| published))
}

/// An item as a reader synced up to `seq` last saw it: whether it was published and its slug
/// then; None when it did not exist (or was deleted) at that point.
pub async fn seen_at<C: ConnectionTrait>(
    conn: &C,
    entity_id: Uuid,
    locale: &str,
    seq: i64,
) -> Result<Option<(bool, String)>> {
    let last: Option<(String, bool, String)> = change_feed::Entity::find()
        .select_only()
        .column(change_feed::Column::Operation)
        .column(change_feed::Column::Published)
        .column(change_feed::Column::Slug)
        .filter(change_feed::Column::EntityId.eq(entity_id))
        .filter(change_feed::Column::Locale.eq(locale))
        .filter(change_feed::Column::Seq.lte(seq))
        .order_by_desc(change_feed::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(match last {
        Some((op, published, slug)) if op != "delete" => Some((published, slug)),
        _ => None,
    })
}

/// Forgets changes made before `before`, except each item's latest (which later changes
/// still compare against), and returns the newest sequence forgotten, if any. Sync tokens up
/// to that sequence can no longer be served.
pub async fn prune<C: ConnectionTrait>(conn: &C, before: DateTime<Utc>) -> Result<Option<i64>> {
    let floor: Option<Option<i64>> = change_feed::Entity::find()
        .select_only()
        .column_as(change_feed::Column::Seq.max(), "max")
        .filter(change_feed::Column::ChangedAt.lt(before))
        .into_tuple()
        .one(conn)
        .await?;
    let Some(floor) = floor.flatten() else {
        return Ok(None);
    };
    let latest = change_feed::Entity::find()
        .select_only()
        .column_as(change_feed::Column::Seq.max(), "seq")
        .group_by(change_feed::Column::EntityId)
        .as_query()
        .to_owned();
    change_feed::Entity::delete_many()
        .filter(change_feed::Column::Seq.lte(floor))
        .filter(change_feed::Column::Seq.not_in_subquery(latest))
        .exec(conn)
        .await?;
    Ok(Some(floor))
}

/// Appends many changes in one statement (bulk imports), under the same ordering lock as
/// `append`.
pub async fn append_many<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    changes: Vec<NewChange<'_>>,
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    lock(conn, backend).await?;
    change_feed::Entity::insert_many(changes.into_iter().map(row))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
