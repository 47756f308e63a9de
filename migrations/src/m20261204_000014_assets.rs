//! Assets: images and files that content uses, a content type whose items carry a file. The
//! bytes live in object storage under their SHA-256; this table holds what is known of them.
//! Articles gain a cover and technologies a logo, each an asset reference; `asset_uses` records
//! the assets that their Markdown shows.

use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
    Slug,
    Title,
    Alt,
    Caption,
    Filename,
    ContentType,
    SizeBytes,
    Sha256,
    Width,
    Height,
    Placeholder,
    FocalX,
    FocalY,
    UploadedBy,
    Status,
    PublishedAt,
    PublishAt,
    CreatedAt,
    UpdatedAt,
    Version,
    PublicJson,
    PublicShape,
}

fn optional(col: impl IntoIden, ty: fn(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    ty(&mut def).null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assets::Table)
                    .col(uuid_pk(Assets::Id))
                    .col(text(Assets::Slug).unique_key())
                    .col(text(Assets::Title))
                    .col(text(Assets::Alt))
                    .col(text(Assets::Caption))
                    .col(text(Assets::Filename))
                    .col(text(Assets::ContentType))
                    .col(big(Assets::SizeBytes))
                    .col(text(Assets::Sha256))
                    .col(optional(Assets::Width, ColumnDef::integer))
                    .col(optional(Assets::Height, ColumnDef::integer))
                    .col(text_null(Assets::Placeholder))
                    .col(optional(Assets::FocalX, ColumnDef::double))
                    .col(optional(Assets::FocalY, ColumnDef::double))
                    .col(optional(Assets::UploadedBy, ColumnDef::uuid))
                    .col(text(Assets::Status))
                    .col(time_null(Assets::PublishedAt))
                    .col(time_null(Assets::PublishAt))
                    .col(time(Assets::CreatedAt))
                    .col(time(Assets::UpdatedAt))
                    .col(big(Assets::Version))
                    .col(text_null(Assets::PublicJson))
                    .col(
                        ColumnDef::new(Assets::PublicShape)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let conn = manager.get_connection();
        for sql in [
            "CREATE TABLE asset_uses (owner_id UUID NOT NULL, asset_id UUID NOT NULL, PRIMARY KEY (owner_id, asset_id))",
            "CREATE INDEX idx_asset_uses_asset ON asset_uses (asset_id)",
            "ALTER TABLE articles ADD COLUMN cover_id UUID NULL",
            "ALTER TABLE technologies ADD COLUMN logo_id UUID NULL",
            "CREATE INDEX idx_articles_cover ON articles (cover_id)",
            "CREATE INDEX idx_technologies_logo ON technologies (logo_id)",
            "CREATE INDEX idx_assets_sha256 ON assets (sha256)",
            "CREATE INDEX idx_assets_uploaded_by ON assets (uploaded_by)",
            "CREATE INDEX idx_assets_publish_at ON assets (publish_at)",
            "CREATE INDEX idx_assets_status_published ON assets (status, published_at, id)",
            "CREATE INDEX idx_assets_status_title_ci ON assets (status, LOWER(title), id)",
            "CREATE INDEX idx_assets_status_created ON assets (status, created_at, id)",
            "CREATE INDEX idx_assets_status_updated ON assets (status, updated_at, id)",
            "CREATE INDEX idx_assets_published_all ON assets (published_at, id)",
            "CREATE INDEX idx_assets_created_all ON assets (created_at, id)",
            "CREATE INDEX idx_assets_updated_all ON assets (updated_at, id)",
            "CREATE INDEX idx_assets_label_ci_all ON assets (LOWER(title), id)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        for sql in [
            "DROP TABLE IF EXISTS asset_uses",
            "DROP INDEX IF EXISTS idx_articles_cover",
            "DROP INDEX IF EXISTS idx_technologies_logo",
            "ALTER TABLE articles DROP COLUMN cover_id",
            "ALTER TABLE technologies DROP COLUMN logo_id",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        manager
            .drop_table(Table::drop().table(Assets::Table).to_owned())
            .await
    }
}
