use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, Default, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub alt: String,
    pub caption: String,
    /// The uploaded file's name, made safe for a URL path.
    pub filename: String,
    /// Read from the bytes, never from the client.
    pub content_type: String,
    pub size_bytes: i64,
    /// Lower-case hex; also the key of the original in object storage.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// A tiny preview (a data URL) to show while the image loads.
    pub placeholder: Option<String>,
    /// Where a `cover` crop centres, 0 to 1 from the left and the top.
    pub focal_x: Option<f64>,
    pub focal_y: Option<f64>,
    /// None for uploads made with an API token.
    pub uploaded_by: Option<Uuid>,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub publish_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
    pub public_json: Option<String>,
    pub public_shape: i32,
}

no_relations!();
