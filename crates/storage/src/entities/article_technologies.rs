use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "article_technologies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub technology_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::technologies::Entity",
        from = "Column::TechnologyId",
        to = "super::technologies::Column::Id"
    )]
    Technology,
}

impl Related<super::technologies::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Technology.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
