use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "change_feed")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub entity_type: String,
    pub entity_id: Uuid,
    /// The locale of the variant that changed; empty for the default.
    pub locale: String,
    pub slug: String,
    pub operation: String,
    pub version: i64,
    pub published: bool,
    /// Whether the item was published just before (None: unknown, for older rows).
    pub was_published: Option<bool>,
    pub changed_at: DateTimeUtc,
}

no_relations!();
