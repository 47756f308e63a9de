use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Revisions {
    Table,
    Id,
    EntityType,
    EntityId,
    Version,
    Snapshot,
    Summary,
    ActorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChangeFeed {
    Table,
    Seq,
    EntityType,
    EntityId,
    Slug,
    Operation,
    Version,
    Published,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Revisions::Table)
                    .col(
                        ColumnDef::new(Revisions::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text(Revisions::EntityType))
                    .col(uuid(Revisions::EntityId))
                    .col(big(Revisions::Version))
                    .col(json(Revisions::Snapshot))
                    .col(text(Revisions::Summary))
                    // No foreign key: revisions outlive deleted users and deleted content.
                    .col(ColumnDef::new(Revisions::ActorId).uuid().null())
                    .col(time(Revisions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_revisions_entity_version")
                    .table(Revisions::Table)
                    .col(Revisions::EntityType)
                    .col(Revisions::EntityId)
                    .col(Revisions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The change feed's sequence is the order in which changes commit to readers: every
        // writer appends under the same transaction as the change it describes.
        manager
            .create_table(
                Table::create()
                    .table(ChangeFeed::Table)
                    .col(
                        ColumnDef::new(ChangeFeed::Seq)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text(ChangeFeed::EntityType))
                    .col(uuid(ChangeFeed::EntityId))
                    .col(text(ChangeFeed::Slug))
                    .col(text(ChangeFeed::Operation))
                    .col(big(ChangeFeed::Version))
                    .col(boolean(ChangeFeed::Published))
                    .col(time(ChangeFeed::ChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_change_feed_entity")
                    .table(ChangeFeed::Table)
                    .col(ChangeFeed::EntityType)
                    .col(ChangeFeed::EntityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChangeFeed::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Revisions::Table).to_owned())
            .await
    }
}
