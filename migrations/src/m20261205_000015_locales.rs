//! Locales: an item of a translatable type may exist in several languages. The row that has
//! always been there is the entry in the default locale (`locale` empty, `entry_id` null);
//! each translation is another row of the same table naming its entry and its locale, with
//! its own slug, status and version. The shared fields are copies of the entry's, kept in
//! step by the service, so lists, filters, keyset pages and the stored public JSON work per
//! row as they always have. A translation's slug is stored as `<locale>/<slug>`: the slug
//! column's unique index then holds per locale (a slug never contains `/`). The change feed
//! and search documents name the locale of each row; PostgreSQL stems each document in its
//! language's text search configuration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 3] = ["articles", "technologies", "sources"];

const POSTGRES_SEARCH: &[&str] = &[
    "ALTER TABLE search_documents ADD COLUMN language REGCONFIG NOT NULL DEFAULT 'english'",
    "DROP INDEX IF EXISTS idx_search_documents_document",
    "ALTER TABLE search_documents DROP COLUMN document",
    "ALTER TABLE search_documents ADD COLUMN document TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector(language, title), 'A') ||
        setweight(to_tsvector(language, tags), 'B') ||
        setweight(to_tsvector(language, summary), 'B') ||
        setweight(to_tsvector(language, body), 'C')
    ) STORED",
    "CREATE INDEX idx_search_documents_document ON search_documents USING GIN (document)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(ColumnDef::new(Alias::new("entry_id")).uuid().null())
                        .to_owned(),
                )
                .await?;
            conn.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN locale TEXT NOT NULL DEFAULT ''"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_entry_locale ON {table} (entry_id, locale)"
            ))
            .await?;
        }
        for sql in [
            "ALTER TABLE change_feed ADD COLUMN locale TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE search_documents ADD COLUMN locale TEXT NOT NULL DEFAULT ''",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("search_documents"))
                    .add_column(ColumnDef::new(Alias::new("entry_id")).uuid().null())
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            for sql in POSTGRES_SEARCH {
                conn.execute_unprepared(sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        for table in TABLES {
            for sql in [
                format!("DELETE FROM {table} WHERE entry_id IS NOT NULL"),
                format!("DROP INDEX IF EXISTS idx_{table}_entry_locale"),
                format!("ALTER TABLE {table} DROP COLUMN entry_id"),
                format!("ALTER TABLE {table} DROP COLUMN locale"),
            ] {
                conn.execute_unprepared(&sql).await?;
            }
        }
        for sql in [
            "DELETE FROM search_documents WHERE entry_id IS NOT NULL",
            "ALTER TABLE search_documents DROP COLUMN entry_id",
            "ALTER TABLE search_documents DROP COLUMN locale",
            "ALTER TABLE change_feed DROP COLUMN locale",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
