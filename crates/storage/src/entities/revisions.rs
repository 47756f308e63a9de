use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub version: i64,
    pub snapshot: Json,
    pub summary: String,
    pub actor_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

no_relations!();
