use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    Role,
    PasswordHash,
    Disabled,
    SessionVersion,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid_pk(Users::Id))
                    // Stored lower-cased by the domain type, so a plain unique index is
                    // case-insensitive uniqueness on both backends.
                    .col(text(Users::Email).unique_key())
                    .col(text(Users::DisplayName))
                    .col(text(Users::Role))
                    .col(text(Users::PasswordHash))
                    .col(boolean(Users::Disabled))
                    .col(big(Users::SessionVersion).default(1))
                    .col(time(Users::CreatedAt))
                    .col(time(Users::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
