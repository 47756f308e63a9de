use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub cover_image_url: Option<String>,
    /// The asset shown as the article's cover.
    pub cover_id: Option<Uuid>,
    pub author_id: Uuid,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
    /// The anonymous view as JSON while published; maintained by the service on every write.
    pub public_json: Option<String>,
    /// When a scheduled publication is due.
    pub publish_at: Option<DateTimeUtc>,
    /// The view shape `public_json` was written in; an older one is rebuilt, never served.
    pub public_shape: i32,
    /// The entry a translation belongs to; null on the entry itself.
    pub entry_id: Option<Uuid>,
    /// A translation's locale; empty on the entry, which is in the default locale.
    pub locale: String,
}

no_relations!();
