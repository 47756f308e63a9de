use crate::entities::settings;
use crate::Result;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

pub async fn get<C: ConnectionTrait>(conn: &C, key: &str) -> Result<Option<String>> {
    Ok(settings::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?
        .map(|s| s.value))
}

/// Stores `value` unless the key is already set, and returns whichever value won: two
/// instances starting together agree on one generated secret.
pub async fn get_or_insert<C: ConnectionTrait>(conn: &C, key: &str, value: &str) -> Result<String> {
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(get(conn, key).await?.unwrap_or_else(|| value.to_owned()))
}

/// Sets `key` to `value`, replacing what was there.
pub async fn set<C: ConnectionTrait>(conn: &C, key: &str, value: &str) -> Result<()> {
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .update_columns([settings::Column::Value, settings::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
