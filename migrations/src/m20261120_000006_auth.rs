use crate::cols::*;
use crate::m20261120_000001_users::Users;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Refresh tokens, stored only as hashes. A family is one login's chain of rotations:
/// presenting a retired member again revokes the whole family.
#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

/// Long-lived tokens for build tools and integrations, stored only as hashes.
#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    Scope,
    TokenHash,
    Prefix,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

/// Failed-login counters, per account and per client address, shared by every instance.
#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    BlockedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(uuid_pk(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::UserId))
                    .col(uuid(RefreshTokens::FamilyId))
                    .col(text(RefreshTokens::TokenHash).unique_key())
                    .col(time(RefreshTokens::CreatedAt))
                    .col(time(RefreshTokens::ExpiresAt))
                    .col(time_null(RefreshTokens::UsedAt))
                    .col(time_null(RefreshTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_refresh_tokens_family", RefreshTokens::FamilyId),
            ("idx_refresh_tokens_user", RefreshTokens::UserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(RefreshTokens::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(uuid_pk(ApiTokens::Id))
                    .col(text(ApiTokens::Name))
                    .col(text(ApiTokens::Scope))
                    .col(text(ApiTokens::TokenHash).unique_key())
                    .col(text(ApiTokens::Prefix))
                    .col(uuid(ApiTokens::CreatedBy))
                    .col(time(ApiTokens::CreatedAt))
                    .col(time_null(ApiTokens::ExpiresAt))
                    .col(time_null(ApiTokens::LastUsedAt))
                    .col(time_null(ApiTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(text(LoginThrottle::Key).primary_key())
                    .col(big(LoginThrottle::Failures))
                    .col(time(LoginThrottle::WindowStartedAt))
                    .col(time_null(LoginThrottle::BlockedUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginThrottle::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
