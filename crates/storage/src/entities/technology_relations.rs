use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "technology_relations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub technology_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub related_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::technologies::Entity",
        from = "Column::RelatedId",
        to = "super::technologies::Column::Id"
    )]
    Related,
}

impl Related<super::technologies::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Related.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
