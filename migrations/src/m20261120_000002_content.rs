use crate::cols::*;
use crate::m20261120_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Technologies {
    Table,
    Id,
    Slug,
    Name,
    Kind,
    Summary,
    Description,
    DescriptionHtml,
    HomepageUrl,
    FirstReleased,
    Steward,
    PrimaryLanguage,
    NotableUsers,
    TrendSignals,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    Title,
    Summary,
    Body,
    BodyHtml,
    CoverImageUrl,
    AuthorId,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ArticleTags {
    Table,
    ArticleId,
    Tag,
}

#[derive(DeriveIden)]
enum ArticleTechnologies {
    Table,
    ArticleId,
    TechnologyId,
}

#[derive(DeriveIden)]
enum TechnologyRelations {
    Table,
    TechnologyId,
    RelatedId,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Technologies::Table)
                    .col(uuid_pk(Technologies::Id))
                    .col(text(Technologies::Slug).unique_key())
                    .col(text(Technologies::Name))
                    .col(text(Technologies::Kind))
                    .col(text(Technologies::Summary))
                    .col(text(Technologies::Description))
                    .col(text(Technologies::DescriptionHtml))
                    .col(text_null(Technologies::HomepageUrl))
                    .col(ColumnDef::new(Technologies::FirstReleased).integer().null())
                    .col(text_null(Technologies::Steward))
                    .col(text_null(Technologies::PrimaryLanguage))
                    .col(json(Technologies::NotableUsers))
                    .col(json(Technologies::TrendSignals))
                    .col(text(Technologies::Status))
                    .col(time_null(Technologies::PublishedAt))
                    .col(time(Technologies::CreatedAt))
                    .col(time(Technologies::UpdatedAt))
                    .col(big(Technologies::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(uuid_pk(Articles::Id))
                    .col(text(Articles::Slug).unique_key())
                    .col(text(Articles::Title))
                    .col(text(Articles::Summary))
                    .col(text(Articles::Body))
                    .col(text(Articles::BodyHtml))
                    .col(text_null(Articles::CoverImageUrl))
                    .col(uuid(Articles::AuthorId))
                    .col(text(Articles::Status))
                    .col(time_null(Articles::PublishedAt))
                    .col(time(Articles::CreatedAt))
                    .col(time(Articles::UpdatedAt))
                    .col(big(Articles::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleTags::Table)
                    .col(uuid(ArticleTags::ArticleId))
                    .col(text(ArticleTags::Tag))
                    .primary_key(
                        Index::create()
                            .col(ArticleTags::ArticleId)
                            .col(ArticleTags::Tag),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTags::Table, ArticleTags::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleTechnologies::Table)
                    .col(uuid(ArticleTechnologies::ArticleId))
                    .col(uuid(ArticleTechnologies::TechnologyId))
                    .primary_key(
                        Index::create()
                            .col(ArticleTechnologies::ArticleId)
                            .col(ArticleTechnologies::TechnologyId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTechnologies::Table, ArticleTechnologies::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ArticleTechnologies::Table,
                                ArticleTechnologies::TechnologyId,
                            )
                            .to(Technologies::Table, Technologies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TechnologyRelations::Table)
                    .col(uuid(TechnologyRelations::TechnologyId))
                    .col(uuid(TechnologyRelations::RelatedId))
                    .primary_key(
                        Index::create()
                            .col(TechnologyRelations::TechnologyId)
                            .col(TechnologyRelations::RelatedId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                TechnologyRelations::Table,
                                TechnologyRelations::TechnologyId,
                            )
                            .to(Technologies::Table, Technologies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TechnologyRelations::Table, TechnologyRelations::RelatedId)
                            .to(Technologies::Table, Technologies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // One index per listing and lookup path; the id tail makes keyset pages index-only.
        for statement in [
            index(
                "idx_articles_status_published",
                Articles::Table,
                &["status", "published_at", "id"],
            ),
            index(
                "idx_articles_status_created",
                Articles::Table,
                &["status", "created_at", "id"],
            ),
            index(
                "idx_articles_status_updated",
                Articles::Table,
                &["status", "updated_at", "id"],
            ),
            index(
                "idx_articles_status_title",
                Articles::Table,
                &["status", "title", "id"],
            ),
            index(
                "idx_articles_author",
                Articles::Table,
                &["author_id", "created_at"],
            ),
            index(
                "idx_article_tags_tag",
                ArticleTags::Table,
                &["tag", "article_id"],
            ),
            index(
                "idx_article_technologies_tech",
                ArticleTechnologies::Table,
                &["technology_id", "article_id"],
            ),
            index(
                "idx_technologies_status_name",
                Technologies::Table,
                &["status", "name", "id"],
            ),
            index(
                "idx_technologies_status_published",
                Technologies::Table,
                &["status", "published_at", "id"],
            ),
            index(
                "idx_technologies_status_updated",
                Technologies::Table,
                &["status", "updated_at", "id"],
            ),
            index(
                "idx_technologies_status_created",
                Technologies::Table,
                &["status", "created_at", "id"],
            ),
            index(
                "idx_technologies_kind",
                Technologies::Table,
                &["kind", "status"],
            ),
            index(
                "idx_technology_relations_related",
                TechnologyRelations::Table,
                &["related_id"],
            ),
        ] {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TechnologyRelations::Table.into_iden(),
            ArticleTechnologies::Table.into_iden(),
            ArticleTags::Table.into_iden(),
            Articles::Table.into_iden(),
            Technologies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
