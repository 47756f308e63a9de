//! Full-text search over articles and technology profiles. The index is written by every
//! change in its own transaction, beside the stored public JSON and from the same view, with
//! related items a published-only reader could not see left out (and rewritten when one of
//! them changes status or name); it is read with the caller's visibility applied in SQL, so a
//! draft can match only for those who may read it.

use crate::{Caller, Error, Result, Service};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use lectern_storage::queries::search::{self as sq, SearchDoc, SearchQuery};
use lectern_storage::queries::{articles as aq, technologies as tq};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

pub const MAX_QUERY_CHARS: usize = 200;
const MAX_TERMS: usize = 12;
const INDEX_VERSION_SETTING: &str = "search.index_version";
// 2: documents leave out related technologies that are not published.
const INDEX_VERSION: &str = "2";

/// One match.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// `article` or `technology`.
    #[serde(rename = "type")]
    pub entity_type: String,
    pub id: Uuid,
    pub slug: String,
    /// The title (the name, for a technology).
    pub title: String,
    /// A passage around the matches, HTML-escaped, with matches in `<mark>`.
    pub snippet: String,
    /// Relevance by rank: 1 for the best match, 1/2 for the second, and so on across pages.
    /// (The engines' own scores weigh the whole index, drafts included, so they would tell a
    /// reader how many hidden documents hold a word.)
    pub score: f64,
}

/// A page of hits; the adapters shape it as their lists (REST `data` and `page`, a GraphQL
/// connection).
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub data: Vec<SearchHit>,
    /// Pass as `cursor` for the next page; none on the last.
    pub next_cursor: Option<String>,
    /// How many hits come before this page: the first hit's cursor is `cursor_at(offset + 1)`.
    pub offset: u64,
}

/// The words of a query: letters and digits only, so nothing in it is ever read as query
/// syntax by either engine.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| w.to_lowercase())
        .collect()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

fn strings(v: &Value, key: &str, field: Option<&str>) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| match field {
                    Some(f) => i.get(f).and_then(Value::as_str),
                    None => i.as_str(),
                })
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The search document of an item, from a snapshot of the view a published-only reader gets
/// (`public::public_article`), so it never names a draft relation.
pub(crate) fn document(entity_type: &str, id: Uuid, snapshot: &Value) -> SearchDoc {
    let published = snapshot.get("status").and_then(Value::as_str) == Some("published");
    let slug = text(snapshot, "slug");
    if entity_type == "article" {
        let mut tags = strings(snapshot, "tags", None);
        tags.extend(strings(snapshot, "technologies", Some("name")));
        SearchDoc {
            entity_id: id,
            entity_type: "article".into(),
            slug,
            published,
            author_id: snapshot
                .get("author")
                .and_then(|a| a.get("id"))
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok()),
            title: text(snapshot, "title"),
            summary: text(snapshot, "summary"),
            body: lectern_domain::plain_text(&text(snapshot, "body")),
            tags: tags.join(" "),
        }
    } else {
        let mut body = lectern_domain::plain_text(&text(snapshot, "description"));
        for key in ["steward", "primary_language"] {
            let value = text(snapshot, key);
            if !value.is_empty() {
                body.push(' ');
                body.push_str(&value);
            }
        }
        for user in strings(snapshot, "notable_users", None) {
            body.push(' ');
            body.push_str(&user);
        }
        let mut tags = vec![text(snapshot, "kind")];
        tags.extend(strings(snapshot, "related_technologies", Some("name")));
        SearchDoc {
            entity_id: id,
            entity_type: "technology".into(),
            slug,
            published,
            author_id: None,
            title: text(snapshot, "name"),
            summary: text(snapshot, "summary"),
            body,
            tags: tags.join(" "),
        }
    }
}

/// Escapes the snippet's text for HTML and only then turns the engine's match marks into
/// `<mark>` elements, so stored text can never inject markup.
fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 32);
    for c in raw.chars() {
        match c {
            '\u{e000}' => out.push_str("<mark>"),
            '\u{e001}' => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Service {
    /// Ranked matches for `query` that the caller may read.
    pub async fn search(
        &self,
        caller: &Caller,
        query: &str,
        entity_type: Option<&str>,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<SearchPage> {
        let (terms, entity_type, visibility) = plan(caller, query, entity_type)?;
        let limit = match limit {
            None => 20,
            Some(n) if (1..=50).contains(&n) => n as u64,
            Some(_) => {
                return Err(Error::bad_request(
                    "invalid_parameter",
                    "limit must be between 1 and 50",
                ))
            }
        };
        let offset = match cursor.filter(|c| !c.is_empty()) {
            None => 0,
            Some(raw) => decode_offset(raw)?,
        };
        let db = self.db();
        let mut hits = sq::search(
            db.conn(),
            db.backend(),
            SearchQuery {
                terms: &terms,
                entity_type,
                visibility,
                limit: limit + 1,
                offset,
            },
        )
        .await?;
        // Technology drafts have no author, so an author's visibility lets only published
        // ones through; editors and up see all either way.
        let has_more = hits.len() as u64 > limit;
        hits.truncate(limit as usize);
        Ok(SearchPage {
            offset,
            next_cursor: has_more.then(|| encode_offset(offset + limit)),
            data: hits
                .into_iter()
                .enumerate()
                .map(|(i, h)| SearchHit {
                    entity_type: h.entity_type,
                    id: h.entity_id,
                    slug: h.slug,
                    title: h.title,
                    snippet: snippet_html(&h.snippet),
                    score: 1.0 / (offset + i as u64 + 1) as f64,
                })
                .collect(),
        })
    }

    /// How many items a search finds for this caller, on every page together.
    pub async fn search_count(
        &self,
        caller: &Caller,
        query: &str,
        entity_type: Option<&str>,
    ) -> Result<u64> {
        let (terms, entity_type, visibility) = plan(caller, query, entity_type)?;
        let db = self.db();
        Ok(sq::count_matches(
            db.conn(),
            db.backend(),
            SearchQuery {
                terms: &terms,
                entity_type,
                visibility,
                limit: 0,
                offset: 0,
            },
        )
        .await?)
    }

    /// Builds the search index from the content when it was made by an older Lectern (or
    /// before search existed). Idempotent, so instances starting together may both run it.
    pub async fn ensure_search_index(&self) -> Result<u64> {
        if self.setting(INDEX_VERSION_SETTING).await?.as_deref() == Some(INDEX_VERSION) {
            return Ok(0);
        }
        let editor = Caller::editor_view();
        let mut indexed = 0;
        for kind in ["article", "technology"] {
            let mut after = None;
            loop {
                let conn = self.db().conn();
                let ids = match kind {
                    "article" => aq::ids_after(conn, after, 200).await?,
                    _ => tq::ids_after(conn, after, 200).await?,
                };
                let Some(last) = ids.last().copied() else {
                    break;
                };
                after = Some(last);
                let tx = self.db().begin().await?;
                let docs: Vec<SearchDoc> = match kind {
                    "article" => {
                        let rows = aq::find_many(&tx, &ids).await?;
                        let views = self.article_views(&tx, &editor, rows).await?;
                        views
                            .iter()
                            .map(|v| {
                                let public = crate::public::public_article(v);
                                document("article", v.id, &crate::articles::snapshot(&public))
                            })
                            .collect()
                    }
                    _ => {
                        let rows = tq::find_many(&tx, &ids).await?;
                        let views = self.technology_views(&tx, &editor, rows).await?;
                        views
                            .iter()
                            .map(|v| {
                                let public = crate::public::public_technology(v);
                                document("technology", v.id, &crate::articles::snapshot(&public))
                            })
                            .collect()
                    }
                };
                for doc in docs {
                    sq::upsert(&tx, self.db().backend(), doc).await?;
                    indexed += 1;
                }
                tx.commit()
                    .await
                    .map_err(lectern_storage::StorageError::from)?;
            }
        }
        lectern_storage::queries::settings::set(
            self.db().conn(),
            INDEX_VERSION_SETTING,
            INDEX_VERSION,
        )
        .await?;
        Ok(indexed)
    }
}

/// A query checked: its words, the type asked for, and what the caller may find.
fn plan<'a>(
    caller: &Caller,
    query: &str,
    entity_type: Option<&'a str>,
) -> Result<(
    Vec<String>,
    Option<&'a str>,
    lectern_storage::queries::Visibility,
)> {
    let mut errors = lectern_domain::ValidationErrors::new();
    if query.chars().count() > MAX_QUERY_CHARS {
        errors.push(lectern_domain::FieldError::new(
            "q",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    // Punctuation alone finds nothing (an empty page); only an empty query is an error.
    let terms = terms(query);
    if query.is_empty() {
        errors.push(lectern_domain::FieldError::new("q", "must not be empty"));
    }
    let entity_type = match entity_type {
        None => None,
        Some(t @ ("article" | "technology")) => Some(t),
        Some(_) => {
            errors.push(lectern_domain::FieldError::new(
                "type",
                "must be article or technology",
            ));
            None
        }
    };
    errors.into_result()?;
    // Technology drafts have no author, so an author's visibility lets only published ones
    // through; editors and up see all either way.
    let visibility = match entity_type {
        Some("technology") => caller.technology_visibility(),
        _ => caller.article_visibility(),
    };
    Ok((terms, entity_type, visibility))
}

/// The cursor of the hit at `offset` (the next page starts after it).
pub fn cursor_at(offset: u64) -> String {
    encode_offset(offset)
}

fn encode_offset(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("s:{offset}"))
}

fn decode_offset(raw: &str) -> Result<u64> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("s:").and_then(|n| n.parse::<u64>().ok()))
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| Error::bad_request("invalid_cursor", "the cursor is malformed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax_is_never_passed_through() {
        assert_eq!(
            terms("NEAR(\"a\" b) OR c*"),
            vec!["near", "a", "b", "or", "c"]
        );
        assert!(terms("\"*:()'&|!").is_empty());
    }

    #[test]
    fn snippets_escape_text_and_mark_matches() {
        assert_eq!(
            snippet_html("<script>\u{e000}go\u{e001} & co"),
            "&lt;script&gt;<mark>go</mark> &amp; co"
        );
    }
}
