use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    /// A JSON array of names.
    pub authors: Json,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<Date>,
    pub kind: String,
    pub note: String,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    /// When a scheduled publication is due.
    pub publish_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
    /// The anonymous view as JSON while published; maintained by the service on every write.
    pub public_json: Option<String>,
    /// The view shape `public_json` was written in; an older one is rebuilt, never served.
    pub public_shape: i32,
    /// The entry a translation belongs to; null on the entry itself.
    pub entry_id: Option<Uuid>,
    /// A translation's locale; empty on the entry, which is in the default locale.
    pub locale: String,
}

no_relations!();
