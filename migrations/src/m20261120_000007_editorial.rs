use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Slugs an item had before, so old links answer with a redirect to the current one.
#[derive(DeriveIden)]
enum SlugHistory {
    Table,
    EntityType,
    OldSlug,
    EntityId,
    CreatedAt,
}

/// Responses to creations made with an Idempotency-Key, replayed to a retry.
#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Owner,
    Key,
    RequestHash,
    Status,
    Body,
    Location,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    PublishAt,
}

#[derive(DeriveIden)]
enum Technologies {
    Table,
    PublishAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SlugHistory::Table)
                    .col(text(SlugHistory::EntityType))
                    .col(text(SlugHistory::OldSlug))
                    .col(uuid(SlugHistory::EntityId))
                    .col(time(SlugHistory::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(SlugHistory::EntityType)
                            .col(SlugHistory::OldSlug),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(text(IdempotencyKeys::Owner))
                    .col(text(IdempotencyKeys::Key))
                    .col(text(IdempotencyKeys::RequestHash))
                    .col(ColumnDef::new(IdempotencyKeys::Status).integer().not_null())
                    .col(text(IdempotencyKeys::Body))
                    .col(text_null(IdempotencyKeys::Location))
                    .col(time(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::Owner)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await?;
        for (table, col) in [
            (Articles::Table.into_iden(), Articles::PublishAt.into_iden()),
            (
                Technologies::Table.into_iden(),
                Technologies::PublishAt.into_iden(),
            ),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new(col).timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
        }
        for (name, table) in [
            ("idx_articles_publish_at", Articles::Table.into_iden()),
            (
                "idx_technologies_publish_at",
                Technologies::Table.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(Alias::new("publish_at"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SlugHistory::Table).to_owned())
            .await
    }
}
