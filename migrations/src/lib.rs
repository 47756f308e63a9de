//! Lectern's schema, one migration per file. Migrations only ever add: a released migration is
//! never edited, so every database can be brought forward from any earlier version.

pub use sea_orm_migration::prelude::*;

mod m20261120_000001_users;
mod m20261120_000002_content;
mod m20261120_000003_history;
mod m20261120_000004_settings;
mod m20261120_000005_public_json;
mod m20261120_000006_auth;
mod m20261120_000007_editorial;
mod m20261121_000008_webhooks;
mod m20261121_000009_search;
mod m20261201_000010_sort_case;
mod m20261202_000011_sources;
mod m20261203_000012_feed_before;
mod m20261203_000013_unfiltered_sorts;
mod m20261204_000014_assets;
mod m20261205_000015_locales;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261120_000001_users::Migration),
            Box::new(m20261120_000002_content::Migration),
            Box::new(m20261120_000003_history::Migration),
            Box::new(m20261120_000004_settings::Migration),
            Box::new(m20261120_000005_public_json::Migration),
            Box::new(m20261120_000006_auth::Migration),
            Box::new(m20261120_000007_editorial::Migration),
            Box::new(m20261121_000008_webhooks::Migration),
            Box::new(m20261121_000009_search::Migration),
            Box::new(m20261201_000010_sort_case::Migration),
            Box::new(m20261202_000011_sources::Migration),
            Box::new(m20261203_000012_feed_before::Migration),
            Box::new(m20261203_000013_unfiltered_sorts::Migration),
            Box::new(m20261204_000014_assets::Migration),
            Box::new(m20261205_000015_locales::Migration),
        ]
    }
}

/// Shared column helpers so every table spells its types the same way on both backends.
pub(crate) mod cols {
    use sea_orm_migration::prelude::*;

    pub fn uuid_pk<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .uuid()
            .not_null()
            .primary_key()
            .to_owned()
    }
    pub fn uuid<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).uuid().not_null().to_owned()
    }
    pub fn text<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).text().not_null().to_owned()
    }
    pub fn text_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).text().null().to_owned()
    }
    pub fn time<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .not_null()
            .to_owned()
    }
    pub fn time_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .null()
            .to_owned()
    }
    pub fn big<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).big_integer().not_null().to_owned()
    }
    pub fn json<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).json().not_null().to_owned()
    }
    pub fn boolean<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .boolean()
            .not_null()
            .default(false)
            .to_owned()
    }
}
