use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Description,
    /// A JSON array of event names (`article.published`, `technology.*`, `*`).
    Events,
    /// Kept in the clear: it signs every delivery, so it must be readable (as Stripe does).
    Secret,
    Active,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

/// The outbox: one row per (webhook, event), written in the transaction of the change, then
/// claimed and sent by whichever instance's worker gets to it first.
#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
    Event,
    Payload,
    /// `pending`, `delivered` or `failed`.
    Status,
    Attempts,
    NextAttemptAt,
    RetryUntil,
    LastAttemptAt,
    DeliveredAt,
    ResponseStatus,
    LastError,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(uuid_pk(Webhooks::Id))
                    .col(text(Webhooks::Url))
                    .col(text(Webhooks::Description))
                    .col(text(Webhooks::Events))
                    .col(text(Webhooks::Secret))
                    .col(boolean(Webhooks::Active))
                    .col(ColumnDef::new(Webhooks::CreatedBy).uuid().null())
                    .col(time(Webhooks::CreatedAt))
                    .col(time(Webhooks::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(uuid_pk(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::WebhookId))
                    .col(uuid(WebhookDeliveries::EventId))
                    .col(text(WebhookDeliveries::Event))
                    .col(text(WebhookDeliveries::Payload))
                    .col(text(WebhookDeliveries::Status))
                    .col(big(WebhookDeliveries::Attempts))
                    .col(time(WebhookDeliveries::NextAttemptAt))
                    .col(time(WebhookDeliveries::RetryUntil))
                    .col(time_null(WebhookDeliveries::LastAttemptAt))
                    .col(time_null(WebhookDeliveries::DeliveredAt))
                    .col(
                        ColumnDef::new(WebhookDeliveries::ResponseStatus)
                            .integer()
                            .null(),
                    )
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(time(WebhookDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's claim: due pending deliveries, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::Status)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        // A webhook's delivery log, newest first (ids are UUIDv7, so time-ordered).
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_webhook")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Webhooks::Table).to_owned())
            .await
    }
}
