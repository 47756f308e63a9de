//! Full-text search over articles and technology profiles. The index is written by every
//! change in its own transaction, beside the stored public JSON and from the same view, with
//! related items a published-only reader could not see left out (and rewritten when one of
//! them changes status or name); it is read with the caller's visibility applied in SQL, so a
//! draft can match only for those who may read it.

use crate::{with_type, Caller, ContentType, Error, Result, Service};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use lectern_domain::FieldError;
use lectern_domain::Kind;
use lectern_storage::queries::search::{self as sq, SearchDoc, SearchQuery};
use serde::Serialize;
use uuid::Uuid;

pub const MAX_QUERY_CHARS: usize = 200;
const MAX_TERMS: usize = 12;
const INDEX_VERSION_SETTING: &str = "search.index_version";
// 2: documents leave out related technologies that are not published. 3: sources.
const INDEX_VERSION: &str = "3";

/// One match.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// `article` or `technology`.
    #[serde(rename = "type")]
    pub entity_type: String,
    pub id: Uuid,
    /// Its slug in the locale searched.
    pub slug: String,
    /// The locale searched.
    pub locale: String,
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

/// What search finds an item by; each type says how its view fills it.
#[derive(Debug, Clone, Default)]
pub struct SearchFields {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tags: Vec<String>,
    pub author_id: Option<Uuid>,
}

/// The search document of an item, from the view a published-only reader gets, so it never
/// names a draft relation.
pub(crate) fn document<T: ContentType>(public: &T::View, row_id: Uuid, locale: &str) -> SearchDoc {
    use crate::content::ViewMeta;
    let f = T::search_fields(public);
    SearchDoc {
        entity_id: row_id,
        entry_id: (row_id != public.id()).then(|| public.id()),
        locale: locale.to_owned(),
        language: crate::content::text_search_config(public.locale()),
        entity_type: T::KIND.as_str().into(),
        slug: public.slug().to_owned(),
        published: public.status() == "published",
        author_id: f.author_id,
        title: f.title,
        summary: f.summary,
        body: f.body,
        tags: f.tags.join(" "),
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
    /// The locale searched (stored form) and its text search configuration.
    fn search_locale(&self) -> (String, &'static str) {
        let locale = self.current_locale();
        let language = crate::content::text_search_config(locale.as_str());
        (self.stored_locale(locale), language)
    }

    /// Ranked matches for `query` that the caller may read, in this request's locale.
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
                    crate::Code::InvalidParameter,
                    "limit must be between 1 and 50",
                ))
            }
        };
        let offset = match cursor.filter(|c| !c.is_empty()) {
            None => 0,
            Some(raw) => decode_offset(raw)?,
        };
        let (locale, language) = self.search_locale();
        let db = self.db();
        let mut hits = sq::search(
            db.conn(),
            db.backend(),
            SearchQuery {
                terms: &terms,
                entity_type,
                locale: &locale,
                language,
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
                    slug: lectern_storage::queries::content::shown_slug(&h.slug).to_owned(),
                    locale: self.current_locale().to_string(),
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
        let (locale, language) = self.search_locale();
        let db = self.db();
        Ok(sq::count_matches(
            db.conn(),
            db.backend(),
            SearchQuery {
                terms: &terms,
                entity_type,
                locale: &locale,
                language,
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
        let mut indexed = 0;
        for kind in Kind::ALL {
            indexed += with_type!(*kind, |T| self.index_all::<T>().await?);
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

impl Service {
    /// Rewrites the search document of every item of one type, 200 to a transaction.
    async fn index_all<T: ContentType>(&self) -> Result<u64> {
        use lectern_storage::queries::content as q;
        let editor = Caller::editor_view();
        let mut indexed = 0;
        let mut after = None;
        loop {
            let ids = q::ids_after::<T::Table, _>(self.db().conn(), after, 200).await?;
            let Some(last) = ids.last().copied() else {
                return Ok(indexed);
            };
            after = Some(last);
            let tx = self.db().begin().await?;
            let rows = q::find_many::<T::Table, _>(&tx, &ids).await?;
            let keys: Vec<(Uuid, String)> = (rows.iter())
                .map(|r| (q::Row::id(r), q::Row::locale(r).to_owned()))
                .collect();
            let views = self.build_views::<T, _>(&tx, &editor, rows).await?;
            for (view, (id, locale)) in views.iter().zip(keys) {
                let public = crate::content::public_view::<T>(view);
                let doc = document::<T>(&public, id, &locale);
                sq::upsert(&tx, self.db().backend(), doc).await?;
                indexed += 1;
            }
            lectern_storage::commit(tx).await?;
        }
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
        errors.push(FieldError::new(
            "q",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    // Punctuation alone finds nothing (an empty page); only an empty query is an error.
    let terms = terms(query);
    if query.is_empty() {
        errors.push(FieldError::new("q", "must not be empty"));
    }
    let entity_type = match entity_type.map(Kind::parse) {
        None => None,
        Some(Ok(kind)) => Some(kind.as_str()),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
    };
    errors.into_result()?;
    // Technology drafts have no author, so an author's visibility lets only published ones
    // through; editors and up see all either way.
    let visibility = match entity_type.and_then(|t| Kind::parse(t).ok()) {
        Some(kind) => with_type!(kind, |T| T::visibility(caller)),
        None => caller.article_visibility(),
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
        .ok_or_else(|| Error::bad_request(crate::Code::InvalidCursor, "the cursor is malformed"))
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
