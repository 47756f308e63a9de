use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Full-text search: one document per article or technology, written in the same transaction
/// as the change. SQLite indexes it with FTS5 (an external-content table kept in step by
/// triggers); PostgreSQL with a generated, weighted `tsvector` and a GIN index.
const SQLITE_UP: &[&str] = &[
    "CREATE TABLE search_documents (
        rowid INTEGER PRIMARY KEY,
        entity_id TEXT NOT NULL UNIQUE,
        entity_type TEXT NOT NULL,
        slug TEXT NOT NULL,
        published INTEGER NOT NULL,
        author_id TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        body TEXT NOT NULL,
        tags TEXT NOT NULL
    )",
    "CREATE VIRTUAL TABLE search_fts USING fts5(
        title, summary, body, tags,
        content = 'search_documents', content_rowid = 'rowid',
        tokenize = 'porter unicode61 remove_diacritics 2'
    )",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, title, summary, body, tags)
        VALUES (new.rowid, new.title, new.summary, new.body, new.tags);
    END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body, tags)
        VALUES ('delete', old.rowid, old.title, old.summary, old.body, old.tags);
    END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body, tags)
        VALUES ('delete', old.rowid, old.title, old.summary, old.body, old.tags);
        INSERT INTO search_fts(rowid, title, summary, body, tags)
        VALUES (new.rowid, new.title, new.summary, new.body, new.tags);
    END",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE search_documents (
        entity_id UUID PRIMARY KEY,
        entity_type TEXT NOT NULL,
        slug TEXT NOT NULL,
        published BOOLEAN NOT NULL,
        author_id UUID,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        body TEXT NOT NULL,
        tags TEXT NOT NULL,
        document TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') ||
            setweight(to_tsvector('english', tags), 'B') ||
            setweight(to_tsvector('english', summary), 'B') ||
            setweight(to_tsvector('english', body), 'C')
        ) STORED
    )",
    "CREATE INDEX idx_search_documents_document ON search_documents USING GIN (document)",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TABLE IF EXISTS search_fts",
    "DROP TABLE IF EXISTS search_documents",
];
const POSTGRES_DOWN: &[&str] = &["DROP TABLE IF EXISTS search_documents"];

async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    let conn = manager.get_connection();
    for sql in statements {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
