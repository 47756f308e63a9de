//! Refresh tokens, API tokens and login throttling.

use crate::entities::{api_tokens, login_throttle, refresh_tokens};
use crate::Result;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

pub async fn insert_refresh<C: ConnectionTrait>(
    conn: &C,
    row: refresh_tokens::Model,
) -> Result<()> {
    refresh_tokens::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn find_refresh<C: ConnectionTrait>(
    conn: &C,
    hash: &str,
) -> Result<Option<refresh_tokens::Model>> {
    Ok(refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .one(conn)
        .await?)
}

/// Marks a token used if nobody used or revoked it first; false means it was already spent.
pub async fn spend_refresh<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let result = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(at))
        .filter(refresh_tokens::Column::Id.eq(id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn revoke_family<C: ConnectionTrait>(
    conn: &C,
    family: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(at))
        .filter(refresh_tokens::Column::FamilyId.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether a login was ended: by logout or by a detected reuse, which revoke every member.
pub async fn family_revoked<C: ConnectionTrait>(conn: &C, family: Uuid) -> Result<bool> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let revoked = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::FamilyId.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_not_null())
        .limit(1)
        .count(conn)
        .await?;
    Ok(revoked > 0)
}

pub async fn revoke_all_for_user<C: ConnectionTrait>(
    conn: &C,
    user: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(at))
        .filter(refresh_tokens::Column::UserId.eq(user))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn insert_api_token<C: ConnectionTrait>(conn: &C, row: api_tokens::Model) -> Result<()> {
    api_tokens::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// A token that is neither revoked nor expired.
pub async fn find_active_api_token<C: ConnectionTrait>(
    conn: &C,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<api_tokens::Model>> {
    let token = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .one(conn)
        .await?;
    Ok(token.filter(|t| t.expires_at.is_none_or(|e| e > now)))
}

pub async fn touch_api_token<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::LastUsedAt, Expr::value(at))
        .filter(api_tokens::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn list_api_tokens<C: ConnectionTrait>(conn: &C) -> Result<Vec<api_tokens::Model>> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::RevokedAt.is_null())
        .order_by_asc(api_tokens::Column::CreatedAt)
        .all(conn)
        .await?)
}

pub async fn revoke_api_token<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let result = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(at))
        .filter(api_tokens::Column::Id.eq(id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn throttle_get<C: ConnectionTrait>(
    conn: &C,
    key: &str,
) -> Result<Option<login_throttle::Model>> {
    Ok(login_throttle::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?)
}

/// Takes one of `limit` password checks for `key` in the window that began after `cutoff`,
/// or starts a new window at `at`. One conditional statement decides each case, so concurrent
/// requests (on any instance) can never take more than `limit` between them.
pub async fn throttle_take<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    limit: i64,
    cutoff: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<bool> {
    use login_throttle::Column as T;
    use sea_orm::sea_query::OnConflict;
    for _ in 0..2 {
        let counted = login_throttle::Entity::update_many()
            .col_expr(T::Failures, Expr::col(T::Failures).add(1))
            .filter(T::Key.eq(key))
            .filter(T::WindowStartedAt.gt(cutoff))
            .filter(T::Failures.lt(limit))
            .exec(conn)
            .await?;
        if counted.rows_affected == 1 {
            return Ok(true);
        }
        let renewed = login_throttle::Entity::update_many()
            .col_expr(T::Failures, Expr::value(1i64))
            .col_expr(T::WindowStartedAt, Expr::value(at))
            .col_expr(T::BlockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(T::Key.eq(key))
            .filter(T::WindowStartedAt.lte(cutoff))
            .exec(conn)
            .await?;
        if renewed.rows_affected == 1 {
            return Ok(true);
        }
        let row = login_throttle::Model {
            key: key.to_owned(),
            failures: 1,
            window_started_at: at,
            blocked_until: None,
        };
        let inserted = login_throttle::Entity::insert(row.into_active_model().reset_all())
            .on_conflict(OnConflict::column(T::Key).do_nothing().to_owned())
            .exec_without_returning(conn)
            .await?;
        if inserted == 1 {
            return Ok(true);
        }
        // Someone else inserted the row between our statements: count against it.
    }
    Ok(false)
}

/// Gives back a check taken for a login that succeeded.
pub async fn throttle_give_back<C: ConnectionTrait>(conn: &C, key: &str) -> Result<()> {
    use login_throttle::Column as T;
    login_throttle::Entity::update_many()
        .col_expr(T::Failures, Expr::col(T::Failures).sub(1))
        .filter(T::Key.eq(key))
        .filter(T::Failures.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn throttle_clear<C: ConnectionTrait>(conn: &C, key: &str) -> Result<()> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}
