use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The published JSON of an item as anonymous callers see it, maintained in the same
/// transaction as every change that affects it, so a public read is one indexed lookup.
#[derive(DeriveIden)]
enum Articles {
    Table,
    PublicJson,
}

#[derive(DeriveIden)]
enum Technologies {
    Table,
    PublicJson,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .add_column(ColumnDef::new(Articles::PublicJson).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Technologies::Table)
                    .add_column(ColumnDef::new(Technologies::PublicJson).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .drop_column(Articles::PublicJson)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Technologies::Table)
                    .drop_column(Technologies::PublicJson)
                    .to_owned(),
            )
            .await
    }
}
