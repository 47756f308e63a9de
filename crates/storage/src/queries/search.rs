//! Full-text search documents: FTS5 on SQLite, a weighted `tsvector` with a GIN index on
//! PostgreSQL. Snippets mark matches with U+E000 and U+E001, which cannot occur in stored
//! text, so the service can escape the text and only then turn the marks into HTML.

use super::public_sql::Sql;
use super::Visibility;
use crate::{Backend, Result};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use uuid::Uuid;

/// One searchable item, flattened to text.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// The row's id: a translation's own.
    pub entity_id: Uuid,
    /// The entry a translation belongs to.
    pub entry_id: Option<Uuid>,
    /// Its locale, empty for the default.
    pub locale: String,
    /// PostgreSQL's text search configuration for its language (`english`, `french`).
    pub language: &'static str,
    pub entity_type: String,
    pub slug: String,
    pub published: bool,
    pub author_id: Option<Uuid>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: String,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Hit {
    pub entity_type: String,
    /// The entry's id.
    pub entity_id: Uuid,
    pub slug: String,
    pub title: String,
    pub snippet: String,
    pub score: f64,
}

/// Writes an item's document, in the caller's transaction. One upsert statement, so two
/// writers of the same document (instances rebuilding the index together) cannot collide.
pub async fn upsert<C: ConnectionTrait>(conn: &C, backend: Backend, doc: SearchDoc) -> Result<()> {
    let mut sql = Sql::new(
        backend,
        "INSERT INTO search_documents (entity_id, entity_type, slug, published, author_id, \
         title, summary, body, tags, entry_id, locale",
    );
    sql.text(language_column(backend)).text(") VALUES (");
    sql.bind(doc.entity_id).text(", ");
    sql.bind(doc.entity_type).text(", ");
    sql.bind(doc.slug).text(", ");
    sql.bind(doc.published).text(", ");
    sql.bind(doc.author_id).text(", ");
    sql.bind(doc.title).text(", ");
    sql.bind(doc.summary).text(", ");
    sql.bind(doc.body).text(", ");
    sql.bind(doc.tags).text(", ");
    sql.bind(doc.entry_id).text(", ");
    sql.bind(doc.locale);
    language_value(&mut sql, backend, doc.language);
    sql.text(
        ") ON CONFLICT (entity_id) DO UPDATE SET entity_type = excluded.entity_type, \
         slug = excluded.slug, published = excluded.published, author_id = excluded.author_id, \
         title = excluded.title, summary = excluded.summary, body = excluded.body, \
         tags = excluded.tags, entry_id = excluded.entry_id, locale = excluded.locale",
    );
    if backend == Backend::Postgres {
        sql.text(", language = excluded.language");
    }
    conn.execute_raw(sql.statement()).await?;
    Ok(())
}

/// The language column, which only PostgreSQL has (FTS5's tokenizer has one language).
fn language_column(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => ", language",
        Backend::Sqlite => "",
    }
}

fn language_value(sql: &mut Sql, backend: Backend, language: &str) {
    if backend == Backend::Postgres {
        sql.text(", ");
        sql.bind(language.to_owned()).text("::regconfig");
    }
}

pub async fn remove<C: ConnectionTrait>(conn: &C, backend: Backend, id: Uuid) -> Result<()> {
    let mut sql = Sql::new(backend, "DELETE FROM search_documents WHERE entity_id = ");
    sql.bind(id);
    conn.execute_raw(sql.statement()).await?;
    Ok(())
}

/// What to look for. `terms` are plain words; the last one also matches as a prefix, so a
/// query typed so far already finds something.
#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    pub terms: &'a [String],
    pub entity_type: Option<&'a str>,
    /// The locale searched (stored form: empty for the default).
    pub locale: &'a str,
    /// Its text search configuration on PostgreSQL.
    pub language: &'static str,
    pub visibility: Visibility,
    pub limit: u64,
    pub offset: u64,
}

pub async fn search<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    q: SearchQuery<'_>,
) -> Result<Vec<Hit>> {
    if q.terms.is_empty() {
        return Ok(Vec::new());
    }
    let statement = match backend {
        Backend::Sqlite => sqlite_statement(&q),
        Backend::Postgres => postgres_statement(&q),
    };
    Ok(Hit::find_by_statement(statement).all(conn).await?)
}

fn filters(sql: &mut Sql, q: &SearchQuery<'_>) {
    sql.text(" AND d.locale = ");
    sql.bind(q.locale.to_owned());
    if let Some(kind) = q.entity_type {
        sql.text(" AND d.entity_type = ");
        sql.bind(kind.to_owned());
    }
    match q.visibility {
        Visibility::All => {}
        Visibility::PublishedOnly => {
            sql.text(" AND d.published = ");
            sql.bind(true);
        }
        Visibility::PublishedOrAuthoredBy(user) => {
            sql.text(" AND (d.published = ");
            sql.bind(true);
            sql.text(" OR d.author_id = ");
            sql.bind(user);
            sql.text(")");
        }
    }
}

/// The terms, each quoted by `quote`, the last marked as a prefix by `prefix`, joined by
/// `join`: built from plain words, so user input is never read as query syntax.
fn match_expression(
    q: &SearchQuery<'_>,
    quote: impl Fn(&str) -> String,
    prefix: &str,
    join: &str,
) -> String {
    let last = q.terms.len().saturating_sub(1);
    let parts: Vec<String> = q
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let quoted = quote(t);
            if i == last {
                quoted + prefix
            } else {
                quoted
            }
        })
        .collect();
    parts.join(join)
}

/// FTS5: every term quoted and required, the last also as a prefix.
fn sqlite_match(q: &SearchQuery<'_>) -> String {
    match_expression(q, |t| format!("\"{}\"", t.replace('"', "\"\"")), "*", " ")
}

/// tsquery: terms ANDed, the last also as a prefix.
fn postgres_match(q: &SearchQuery<'_>) -> String {
    match_expression(
        q,
        |t| format!("'{}'", t.replace('\'', "''").replace('\\', "\\\\")),
        ":*",
        " & ",
    )
}

/// How many documents match, with the same filters as `search`.
pub async fn count_matches<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    q: SearchQuery<'_>,
) -> Result<u64> {
    #[derive(FromQueryResult)]
    struct N {
        n: i64,
    }
    if q.terms.is_empty() {
        return Ok(0);
    }
    let mut sql = match backend {
        Backend::Sqlite => {
            let mut sql = Sql::new(
                backend,
                "SELECT COUNT(*) AS n FROM search_fts JOIN search_documents d \
                 ON d.rowid = search_fts.rowid WHERE search_fts MATCH ",
            );
            sql.bind(sqlite_match(&q));
            sql
        }
        Backend::Postgres => {
            let mut sql = Sql::new(
                backend,
                "SELECT COUNT(*) AS n FROM search_documents d WHERE d.document @@ to_tsquery(",
            );
            sql.bind(q.language.to_owned()).text("::regconfig, ");
            sql.bind(postgres_match(&q));
            sql.text(")");
            sql
        }
    };
    filters(&mut sql, &q);
    let row = N::find_by_statement(sql.statement()).one(conn).await?;
    Ok(row.map_or(0, |r| r.n.max(0) as u64))
}

fn sqlite_statement(q: &SearchQuery<'_>) -> Statement {
    let mut sql = Sql::new(
        Backend::Sqlite,
        "SELECT d.entity_type, COALESCE(d.entry_id, d.entity_id) AS entity_id, d.slug, d.title, \
         snippet(search_fts, -1, char(57344), char(57345), '…', 18) AS snippet, \
         -bm25(search_fts, 25.0, 4.0, 1.0, 2.0) AS score \
         FROM search_fts JOIN search_documents d ON d.rowid = search_fts.rowid \
         WHERE search_fts MATCH ",
    );
    sql.bind(sqlite_match(q));
    filters(&mut sql, q);
    sql.text(" ORDER BY score DESC, d.entity_id LIMIT ");
    sql.bind(q.limit as i64);
    sql.text(" OFFSET ");
    sql.bind(q.offset as i64);
    sql.statement()
}

fn postgres_statement(q: &SearchQuery<'_>) -> Statement {
    let mut sql = Sql::new(Backend::Postgres, "WITH q AS (SELECT to_tsquery(");
    sql.bind(q.language.to_owned()).text("::regconfig, ");
    sql.bind(postgres_match(q));
    sql.text(
        ") AS q), page AS (SELECT d.entity_type, COALESCE(d.entry_id, d.entity_id) AS entity_id, d.slug, d.title, d.summary, d.language, \
         d.body, ts_rank_cd(d.document, q.q, 1)::float8 AS score \
         FROM search_documents d, q WHERE d.document @@ q.q",
    );
    filters(&mut sql, q);
    sql.text(" ORDER BY score DESC, d.entity_id LIMIT ");
    sql.bind(q.limit as i64);
    sql.text(" OFFSET ");
    sql.bind(q.offset as i64);
    sql.text(
        ") SELECT page.entity_type, page.entity_id, page.slug, page.title, \
         ts_headline(page.language, page.summary || ' ' || page.body, q.q, \
         'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || \
         ', MaxFragments=2, MaxWords=18, MinWords=6, FragmentDelimiter=\" … \"') AS snippet, \
         page.score FROM page, q ORDER BY page.score DESC, page.entity_id",
    );
    sql.statement()
}

/// Adds documents for new items in one statement (bulk imports).
pub async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    docs: Vec<SearchDoc>,
) -> Result<()> {
    if docs.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        backend,
        "INSERT INTO search_documents (entity_id, entity_type, slug, published, author_id, \
         title, summary, body, tags, entry_id, locale",
    );
    sql.text(language_column(backend)).text(") VALUES ");
    for (i, doc) in docs.into_iter().enumerate() {
        sql.text(if i == 0 { "(" } else { ", (" });
        sql.bind(doc.entity_id).text(", ");
        sql.bind(doc.entity_type).text(", ");
        sql.bind(doc.slug).text(", ");
        sql.bind(doc.published).text(", ");
        sql.bind(doc.author_id).text(", ");
        sql.bind(doc.title).text(", ");
        sql.bind(doc.summary).text(", ");
        sql.bind(doc.body).text(", ");
        sql.bind(doc.tags).text(", ");
        sql.bind(doc.entry_id).text(", ");
        sql.bind(doc.locale);
        language_value(&mut sql, backend, doc.language);
        sql.text(")");
    }
    conn.execute_raw(sql.statement()).await?;
    Ok(())
}
