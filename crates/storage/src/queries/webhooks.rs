//! Webhooks and their outbox of deliveries.

use crate::entities::{webhook_deliveries as delivery, webhooks};
use crate::{Backend, Result};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

pub async fn insert<C: ConnectionTrait>(conn: &C, row: webhooks::Model) -> Result<()> {
    webhooks::Entity::insert(row.into_active_model())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn list<C: ConnectionTrait>(conn: &C) -> Result<Vec<webhooks::Model>> {
    Ok(webhooks::Entity::find()
        .order_by_asc(webhooks::Column::CreatedAt)
        .all(conn)
        .await?)
}

pub async fn find<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<webhooks::Model>> {
    Ok(webhooks::Entity::find_by_id(id).one(conn).await?)
}

pub async fn find_many<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<webhooks::Model>> {
    Ok(webhooks::Entity::find()
        .filter(webhooks::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

pub async fn update<C: ConnectionTrait>(conn: &C, row: webhooks::Model) -> Result<()> {
    row.into_active_model().reset_all().update(conn).await?;
    Ok(())
}

/// Deletes a webhook and, by cascade, its deliveries; false if there was none.
pub async fn delete<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<bool> {
    delivery::Entity::delete_many()
        .filter(delivery::Column::WebhookId.eq(id))
        .exec(conn)
        .await?;
    Ok(webhooks::Entity::delete_by_id(id)
        .exec(conn)
        .await?
        .rows_affected
        > 0)
}

/// The active webhooks and their event lists, read by every content change.
pub async fn active<C: ConnectionTrait>(conn: &C) -> Result<Vec<(Uuid, String)>> {
    Ok(webhooks::Entity::find()
        .select_only()
        .column(webhooks::Column::Id)
        .column(webhooks::Column::Events)
        .filter(webhooks::Column::Active.eq(true))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Queues deliveries, in the caller's transaction.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, rows: Vec<delivery::Model>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    delivery::Entity::insert_many(rows.into_iter().map(|r| r.into_active_model()))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Whether any delivery is due: a read, so idle workers never take SQLite's write lock.
pub async fn any_due<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<bool> {
    let due: Option<Uuid> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .filter(delivery::Column::Status.eq("pending"))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(due.is_some())
}

/// Claims up to `limit` due deliveries for this worker: each attempt is counted and the row
/// is hidden until `lease_until`, so a worker that dies mid-send leaves it to be retried
/// after the lease. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several instances claim
/// side by side without ever taking the same row; SQLite has a single writer anyway.
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<delivery::Model>> {
    let (sql, db) = match backend {
        Backend::Postgres => (
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $1, \
             next_attempt_at = $2 WHERE id IN (SELECT id FROM webhook_deliveries \
             WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at \
             LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *",
            DbBackend::Postgres,
        ),
        Backend::Sqlite => (
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?1, \
             next_attempt_at = ?2 WHERE id IN (SELECT id FROM webhook_deliveries \
             WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at \
             LIMIT ?3) RETURNING *",
            DbBackend::Sqlite,
        ),
    };
    let statement = Statement::from_sql_and_values(
        db,
        sql,
        [now.into(), lease_until.into(), (limit as i64).into()],
    );
    Ok(delivery::Entity::find()
        .from_raw_sql(statement)
        .all(conn)
        .await?)
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Delivered {
        status: i32,
    },
    /// Failed; retry at `retry_at`, or give up when None.
    Failed {
        status: Option<i32>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// Records an attempt's outcome unless the row was claimed again meanwhile (its lease ran
/// out), in which case the newer attempt's outcome wins. False when nothing was recorded.
pub async fn finish<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    attempt: i64,
    at: DateTime<Utc>,
    outcome: Outcome,
) -> Result<bool> {
    let update = delivery::Entity::update_many()
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Attempts.eq(attempt))
        .filter(delivery::Column::Status.eq("pending"));
    let update = match outcome {
        Outcome::Delivered { status } => update
            .col_expr(delivery::Column::Status, Expr::value("delivered"))
            .col_expr(delivery::Column::DeliveredAt, Expr::value(at))
            .col_expr(delivery::Column::ResponseStatus, Expr::value(status))
            .col_expr(
                delivery::Column::LastError,
                Expr::value(Option::<String>::None),
            ),
        Outcome::Failed {
            status,
            error,
            retry_at,
        } => {
            let update = update
                .col_expr(delivery::Column::ResponseStatus, Expr::value(status))
                .col_expr(delivery::Column::LastError, Expr::value(error));
            match retry_at {
                Some(next) => update.col_expr(delivery::Column::NextAttemptAt, Expr::value(next)),
                None => update.col_expr(delivery::Column::Status, Expr::value("failed")),
            }
        }
    };
    Ok(update.exec(conn).await?.rows_affected > 0)
}

/// A webhook's deliveries, newest first, before the delivery `before` if given.
pub async fn deliveries<C: ConnectionTrait>(
    conn: &C,
    webhook_id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<delivery::Model>> {
    let mut query = delivery::Entity::find().filter(delivery::Column::WebhookId.eq(webhook_id));
    if let Some(before) = before {
        query = query.filter(delivery::Column::Id.lt(before));
    }
    Ok(query
        .order_by_desc(delivery::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

pub async fn delivery<C: ConnectionTrait>(
    conn: &C,
    webhook_id: Uuid,
    id: Uuid,
) -> Result<Option<delivery::Model>> {
    Ok(delivery::Entity::find_by_id(id)
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .one(conn)
        .await?)
}

/// Puts a delivery back in the queue, due now, with a fresh retry window.
pub async fn redeliver<C: ConnectionTrait>(
    conn: &C,
    webhook_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
    retry_until: DateTime<Utc>,
) -> Result<bool> {
    Ok(delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value("pending"))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .col_expr(delivery::Column::RetryUntil, Expr::value(retry_until))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::WebhookId.eq(webhook_id))
        .exec(conn)
        .await?
        .rows_affected
        > 0)
}

/// Deliveries by status, for metrics.
pub async fn count_by_status<C: ConnectionTrait>(conn: &C, status: &str) -> Result<u64> {
    Ok(delivery::Entity::find()
        .filter(delivery::Column::Status.eq(status))
        .count(conn)
        .await?)
}

/// Forgets finished deliveries older than `before` (the log is kept for a while, not forever).
pub async fn forget_finished_before<C: ConnectionTrait>(
    conn: &C,
    before: DateTime<Utc>,
) -> Result<u64> {
    Ok(delivery::Entity::delete_many()
        .filter(delivery::Column::Status.ne("pending"))
        .filter(delivery::Column::CreatedAt.lt(before))
        .exec(conn)
        .await?
        .rows_affected)
}
