//! Sources: the publications that trend figures and articles draw on, a content type of their
//! own. Each free-text source of an existing trend figure becomes a Source row (published, as
//! the text was), with its first revision and a change-feed row so mirrors hear of it; the
//! figure then names the row by id. The stored public JSON gains a shape version, so that a
//! view whose shape changed is rebuilt rather than served stale.

use crate::cols::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value as DbValue};
use serde_json::{json, Value};
use std::collections::HashMap;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    Slug,
    Title,
    Authors,
    Publisher,
    Url,
    PublishedOn,
    Kind,
    Note,
    Status,
    PublishedAt,
    PublishAt,
    CreatedAt,
    UpdatedAt,
    Version,
    PublicJson,
    PublicShape,
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleSources {
    Table,
    ArticleId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TechnologySources {
    Table,
    TechnologyId,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    PublicShape,
}

#[derive(DeriveIden)]
enum Technologies {
    Table,
    Id,
    PublicShape,
}

fn link_table(
    table: impl IntoIden + Copy,
    owner: impl IntoIden + Copy,
    owner_table: impl IntoIden,
    owner_id: impl IntoIden,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(uuid(owner))
        .col(uuid(Alias::new("source_id")))
        .primary_key(Index::create().col(owner).col(Alias::new("source_id")))
        .foreign_key(
            ForeignKey::create()
                .from(table, owner)
                .to(owner_table, owner_id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(table, Alias::new("source_id"))
                .to(Sources::Table, Sources::Id)
                .on_delete(ForeignKeyAction::Restrict),
        )
        .to_owned()
}

fn shape_column(table: impl IntoIden, col: impl IntoIden) -> TableAlterStatement {
    Table::alter()
        .table(table)
        .add_column(
            ColumnDef::new(col)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sources::Table)
                    .col(uuid_pk(Sources::Id))
                    .col(text(Sources::Slug).unique_key())
                    .col(text(Sources::Title))
                    .col(json(Sources::Authors))
                    .col(text_null(Sources::Publisher))
                    .col(text_null(Sources::Url))
                    .col(ColumnDef::new(Sources::PublishedOn).date().null())
                    .col(text(Sources::Kind))
                    .col(text(Sources::Note))
                    .col(text(Sources::Status))
                    .col(time_null(Sources::PublishedAt))
                    .col(time_null(Sources::PublishAt))
                    .col(time(Sources::CreatedAt))
                    .col(time(Sources::UpdatedAt))
                    .col(big(Sources::Version))
                    .col(text_null(Sources::PublicJson))
                    .col(
                        ColumnDef::new(Sources::PublicShape)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let conn = manager.get_connection();
        for sql in [
            "CREATE INDEX idx_sources_status_published ON sources (status, published_at, id)",
            "CREATE INDEX idx_sources_status_title_ci ON sources (status, LOWER(title), id)",
            "CREATE INDEX idx_sources_publish_at ON sources (publish_at)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        manager
            .create_table(link_table(
                ArticleSources::Table,
                ArticleSources::ArticleId,
                Articles::Table,
                Articles::Id,
            ))
            .await?;
        manager
            .create_table(link_table(
                TechnologySources::Table,
                TechnologySources::TechnologyId,
                Technologies::Table,
                Technologies::Id,
            ))
            .await?;
        for sql in [
            "CREATE INDEX idx_article_sources_source ON article_sources (source_id)",
            "CREATE INDEX idx_technology_sources_source ON technology_sources (source_id)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        manager
            .alter_table(shape_column(Articles::Table, Articles::PublicShape))
            .await?;
        manager
            .alter_table(shape_column(Technologies::Table, Technologies::PublicShape))
            .await?;
        cite_sources_by_reference(conn, manager.get_database_backend()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["technology_sources", "article_sources", "sources"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .drop_column(Articles::PublicShape)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Technologies::Table)
                    .drop_column(Technologies::PublicShape)
                    .to_owned(),
            )
            .await
    }
}

/// A source written as `Author, "Title" (YYYY-MM-DD)` (how the demo wrote them), or any text.
struct Parsed {
    title: String,
    authors: Vec<String>,
    published_on: Option<String>,
}

fn parse_source(text: &str) -> Parsed {
    let text = text.trim();
    let quoted = text.split_once(", \"").and_then(|(authors, rest)| {
        let (title, tail) = rest.split_once('"')?;
        let date = tail
            .trim()
            .strip_prefix('(')
            .and_then(|d| d.strip_suffix(')'))
            .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-')
            .map(str::to_owned);
        Some(Parsed {
            title: title.trim().to_owned(),
            authors: vec![authors.trim().to_owned()],
            published_on: date,
        })
    });
    quoted.filter(|p| !p.title.is_empty()).unwrap_or(Parsed {
        title: text.chars().take(300).collect(),
        authors: vec![],
        published_on: None,
    })
}

fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        "source".to_owned()
    } else {
        slug
    }
}

fn stmt(backend: DbBackend, sql: &str, values: Vec<DbValue>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut out = String::new();
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

fn now() -> chrono::DateTime<chrono::Utc> {
    let t = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Turns every trend figure's free-text `source` into a reference to a Source row.
async fn cite_sources_by_reference<C: ConnectionTrait>(
    conn: &C,
    backend: DbBackend,
) -> Result<(), DbErr> {
    let rows = conn
        .query_all_raw(stmt(
            backend,
            "SELECT id, trend_signals FROM technologies ORDER BY id",
            vec![],
        ))
        .await?;
    let at = now();
    let mut by_text: HashMap<String, uuid::Uuid> = HashMap::new();
    let mut slugs: Vec<String> = vec![];
    for row in rows {
        let id: uuid::Uuid = row.try_get("", "id")?;
        let signals: Value = row.try_get("", "trend_signals")?;
        let Some(list) = signals.as_array() else {
            continue;
        };
        let mut cited = vec![];
        let mut rewritten = Vec::with_capacity(list.len());
        for signal in list {
            let mut signal = signal.clone();
            let Some(text) = signal
                .get("source")
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                rewritten.push(signal);
                continue;
            };
            let source_id = match by_text.get(&text) {
                Some(id) => *id,
                None => {
                    let id = uuid::Uuid::now_v7();
                    let slug = free_slug(&mut slugs, &parse_source(&text).title);
                    insert_source(conn, backend, id, &slug, &text, at).await?;
                    by_text.insert(text.clone(), id);
                    id
                }
            };
            if let Some(map) = signal.as_object_mut() {
                map.remove("source");
                map.insert("source_id".into(), json!(source_id));
            }
            if !cited.contains(&source_id) {
                cited.push(source_id);
            }
            rewritten.push(signal);
        }
        conn.execute_raw(stmt(
            backend,
            "UPDATE technologies SET trend_signals = ?, public_json = NULL WHERE id = ?",
            vec![Value::Array(rewritten).into(), id.into()],
        ))
        .await?;
        for source_id in cited {
            conn.execute_raw(stmt(
                backend,
                "INSERT INTO technology_sources (technology_id, source_id) VALUES (?, ?)",
                vec![id.into(), source_id.into()],
            ))
            .await?;
        }
    }
    Ok(())
}

fn free_slug(taken: &mut Vec<String>, title: &str) -> String {
    let base = slugify(title);
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    taken.push(slug.clone());
    slug
}

/// A published Source from a figure's text, with its first revision and feed row.
async fn insert_source<C: ConnectionTrait>(
    conn: &C,
    backend: DbBackend,
    id: uuid::Uuid,
    slug: &str,
    text: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    let parsed = parse_source(text);
    let published_on = parsed
        .published_on
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let note = "Created from the source text of a trend figure when Lectern added sources.";
    conn.execute_raw(stmt(
        backend,
        "INSERT INTO sources (id, slug, title, authors, publisher, url, published_on, kind, note, \
         status, published_at, publish_at, created_at, updated_at, version, public_json, public_shape) \
         VALUES (?, ?, ?, ?, NULL, NULL, ?, 'article', ?, 'published', ?, NULL, ?, ?, 1, NULL, 0)",
        vec![
            id.into(),
            slug.into(),
            parsed.title.clone().into(),
            json!(parsed.authors).into(),
            published_on.into(),
            note.into(),
            at.into(),
            at.into(),
            at.into(),
        ],
    ))
    .await?;
    let snapshot = json!({
        "id": id, "slug": slug, "title": parsed.title, "authors": parsed.authors,
        "publisher": null, "url": null, "published_on": published_on, "kind": "article",
        "note": note, "status": "published", "published_at": at, "publish_at": null,
        "created_at": at, "updated_at": at, "version": 1,
    });
    conn.execute_raw(stmt(
        backend,
        "INSERT INTO revisions (entity_type, entity_id, version, snapshot, summary, actor_id, created_at) \
         VALUES ('source', ?, 1, ?, 'created from a trend figure''s source', NULL, ?)",
        vec![id.into(), snapshot.into(), at.into()],
    ))
    .await?;
    conn.execute_raw(stmt(
        backend,
        "INSERT INTO change_feed (entity_type, entity_id, slug, operation, version, published, changed_at) \
         VALUES ('source', ?, ?, 'upsert', 1, ?, ?)",
        vec![id.into(), slug.into(), true.into(), at.into()],
    ))
    .await?;
    Ok(())
}
