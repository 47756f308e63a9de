//! Each change-feed row says whether the item was published before the change, so that
//! every instance can tell from the feed alone whether a change is one public readers see
//! (and evict only then). Rows written before this column existed read as unknown.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000012_feed_before"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "ALTER TABLE change_feed ADD COLUMN was_published BOOLEAN";
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = "ALTER TABLE change_feed DROP COLUMN was_published";
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }
}
