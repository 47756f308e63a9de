//! One sea-orm entity per table. Relations are loaded by explicit batch queries in
//! `crate::queries`, never lazily, so no list can turn into one query per row.

/// Relations are loaded by explicit queries, so an entity declares none.
macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod api_tokens;
pub mod articles;
pub mod assets;
pub mod change_feed;
pub mod idempotency_keys;
pub mod login_throttle;
pub mod refresh_tokens;
pub mod revisions;
pub mod settings;
pub mod slug_history;
pub mod sources;
pub mod technologies;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;

/// A table of links between two items, keyed by both columns. Joins over it are built where
/// they are used, so it declares no relations.
macro_rules! link_table {
    ($module:ident, $table:literal, $a:ident: $at:ty, $b:ident: $bt:ty) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub $a: $at,
                #[sea_orm(primary_key, auto_increment = false)]
                pub $b: $bt,
            }

            no_relations!();
        }
    };
}

link_table!(article_tags, "article_tags", article_id: Uuid, tag: String);
link_table!(asset_uses, "asset_uses", owner_id: Uuid, asset_id: Uuid);
link_table!(article_technologies, "article_technologies", article_id: Uuid, technology_id: Uuid);
link_table!(article_sources, "article_sources", article_id: Uuid, source_id: Uuid);
link_table!(technology_relations, "technology_relations", technology_id: Uuid, related_id: Uuid);
link_table!(technology_sources, "technology_sources", technology_id: Uuid, source_id: Uuid);
