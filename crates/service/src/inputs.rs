//! Raw inputs as clients send them, and their parsing into domain values. Both API adapters
//! deserialise into these and call `parse`, so validation and its messages are identical in
//! REST and GraphQL.

use lectern_domain::{
    Body, ContentStatus, FieldError, HttpUrl, Name, Slug, SourceKind, Summary, Tag, TechKind,
    Title, TrendSignal, ValidationErrors, Year,
};
use serde::{Deserialize, Deserializer};
use uuid::Uuid;

/// What the content core reads off a parsed change, whatever its type.
pub trait ChangeMeta {
    fn version(&self) -> Option<i64>;
    fn slug(&self) -> Option<&Slug>;
    /// The field the slug is derived from (a title, a name).
    fn label(&self) -> Option<&str>;
    fn status(&self) -> Option<ContentStatus>;
    /// A publication time the client set (editors only), for types that take one.
    fn published_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }
}

/// An input that parses into its change.
pub trait ParseInput {
    type Change: ChangeMeta + Send + Sync;
    fn parse_input(self, creating: bool) -> Result<Self::Change, ValidationErrors>;
}

/// Declares an input's change: `content_input!(ArticleInput => ArticleChange, label = title,
/// published_at)`.
macro_rules! content_input {
    ($input:ty => $change:ty, label = $label:ident $(, $published:ident)?) => {
        impl ParseInput for $input {
            type Change = $change;
            fn parse_input(self, creating: bool) -> Result<$change, ValidationErrors> {
                self.parse(creating)
            }
        }
        impl ChangeMeta for $change {
            fn version(&self) -> Option<i64> {
                self.version
            }
            fn slug(&self) -> Option<&Slug> {
                self.slug.as_ref()
            }
            fn label(&self) -> Option<&str> {
                self.$label.as_ref().map(|l| l.as_str())
            }
            fn status(&self) -> Option<ContentStatus> {
                self.status
            }
            $(fn published_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
                self.$published
            })?
        }
    };
}

content_input!(ArticleInput => ArticleChange, label = title, published_at);
content_input!(TechnologyInput => TechnologyChange, label = name);
content_input!(SourceInput => SourceChange, label = title);

/// A field of a JSON merge patch: absent (None), null (Some(None)) or a value.
pub type Patch<T> = Option<Option<T>>;

/// Deserialises a present field, null included, as `Some(...)`.
pub fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Reads an optional integer the way JSON Schema counts integers: `1955` and `1955.0` alike.
pub fn integer<'de, D>(d: D) -> Result<Option<Option<i64>>, D::Error>
where
    D: Deserializer<'de>,
{
    let number = Option::<serde_json::Number>::deserialize(d)?;
    let Some(n) = number else {
        return Ok(Some(None));
    };
    if let Some(i) = n.as_i64() {
        return Ok(Some(Some(i)));
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(Some(f as i64))),
        _ => Err(serde::de::Error::custom(format!(
            "expected an integer, found {n}"
        ))),
    }
}

/// An article as a client writes it; for a create every required field must be present, for
/// an update (JSON merge patch) only the fields to change.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    #[serde(default, deserialize_with = "present")]
    pub title: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub slug: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub summary: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub body: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub cover_image_url: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub tags: Patch<Vec<String>>,
    /// Slugs of the technologies the article covers.
    #[serde(default, deserialize_with = "present")]
    pub technologies: Patch<Vec<String>>,
    /// Slugs of the sources the article is based on.
    #[serde(default, deserialize_with = "present")]
    pub sources: Patch<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    pub author_id: Patch<Uuid>,
    #[serde(default, deserialize_with = "present")]
    pub status: Patch<String>,
    /// When it was (or is to be shown as) published; editors only.
    #[serde(default, deserialize_with = "present")]
    pub published_at: Patch<chrono::DateTime<chrono::Utc>>,
    /// The version this change is based on, for clients that cannot send If-Match.
    #[serde(default, deserialize_with = "integer")]
    pub version: Patch<i64>,
}

/// A parsed article change: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticleChange {
    pub title: Option<Title>,
    pub slug: Option<Slug>,
    pub summary: Option<Summary>,
    pub body: Option<Body>,
    pub cover_image_url: Option<Option<HttpUrl>>,
    pub tags: Option<Vec<Tag>>,
    pub technologies: Option<Vec<Slug>>,
    pub sources: Option<Vec<Slug>>,
    pub author_id: Option<Uuid>,
    pub status: Option<ContentStatus>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: Option<i64>,
}

fn not_null<T>(errors: &mut ValidationErrors, field: &str, value: Patch<T>) -> Option<T> {
    match value {
        Some(None) => {
            errors.push(FieldError::new(field, "must not be null"));
            None
        }
        Some(Some(v)) => Some(v),
        None => None,
    }
}

fn slugs(field: &str, raw: Vec<String>, errors: &mut ValidationErrors) -> Option<Vec<Slug>> {
    if raw.len() > lectern_domain::limits::LIST_ITEMS_MAX {
        errors.push(FieldError::new(
            field,
            format!("at most {} items", lectern_domain::limits::LIST_ITEMS_MAX),
        ));
        return None;
    }
    let mut out: Vec<Slug> = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, s) in raw.iter().enumerate() {
        match Slug::parse(s) {
            Ok(slug) => {
                if !out.contains(&slug) {
                    out.push(slug)
                }
            }
            Err(e) => {
                ok = false;
                errors.push(e.at(format!("{field}[{i}]")));
            }
        }
    }
    ok.then_some(out)
}

impl ArticleInput {
    /// Parses every field, reporting all bad ones together. `creating` makes `title` required.
    pub fn parse(self, creating: bool) -> Result<ArticleChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let title = not_null(&mut e, "title", self.title).and_then(|t| e.check(Title::parse(&t)));
        if creating && title.is_none() && e.is_empty() {
            e.push(FieldError::new("title", "is required"));
        }
        let change = ArticleChange {
            title,
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            summary: not_null(&mut e, "summary", self.summary)
                .and_then(|s| e.check(Summary::parse(&s))),
            body: not_null(&mut e, "body", self.body).and_then(|s| e.check(Body::parse(&s))),
            cover_image_url: match self.cover_image_url {
                None => None,
                Some(None) => Some(None),
                Some(Some(url)) => e.check(HttpUrl::parse("cover_image_url", &url)).map(Some),
            },
            tags: not_null(&mut e, "tags", self.tags).and_then(|t| e.check(Tag::parse_list(&t))),
            technologies: not_null(&mut e, "technologies", self.technologies)
                .and_then(|t| slugs("technologies", t, &mut e)),
            sources: not_null(&mut e, "sources", self.sources)
                .and_then(|t| slugs("sources", t, &mut e)),
            author_id: not_null(&mut e, "author_id", self.author_id),
            status: not_null(&mut e, "status", self.status)
                .and_then(|s| e.check(ContentStatus::parse(&s))),
            published_at: not_null(&mut e, "published_at", self.published_at),
            version: not_null(&mut e, "version", self.version),
        };
        e.into_result().map(|_| change)
    }
}

/// A technology profile as a client writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechnologyInput {
    #[serde(default, deserialize_with = "present")]
    pub name: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub slug: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub kind: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub summary: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub homepage_url: Patch<String>,
    #[serde(default, deserialize_with = "integer")]
    pub first_released: Patch<i64>,
    #[serde(default, deserialize_with = "present")]
    pub steward: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub primary_language: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub notable_users: Patch<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    pub trend_signals: Patch<Vec<TrendSignal>>,
    /// Slugs of related technologies.
    #[serde(default, deserialize_with = "present")]
    pub related_technologies: Patch<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    pub status: Patch<String>,
    #[serde(default, deserialize_with = "integer")]
    pub version: Patch<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct TechnologyChange {
    pub name: Option<Name>,
    pub slug: Option<Slug>,
    pub kind: Option<TechKind>,
    pub summary: Option<Summary>,
    pub description: Option<Body>,
    pub homepage_url: Option<Option<HttpUrl>>,
    pub first_released: Option<Option<Year>>,
    pub steward: Option<Option<String>>,
    pub primary_language: Option<Option<String>>,
    pub notable_users: Option<Vec<String>>,
    pub trend_signals: Option<Vec<TrendSignal>>,
    pub related: Option<Vec<Slug>>,
    pub status: Option<ContentStatus>,
    pub version: Option<i64>,
}

fn short_text(field: &str, raw: &str, errors: &mut ValidationErrors) -> Option<String> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > 200 || v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            "must be 1 to 200 characters without control characters",
        ));
        None
    } else {
        Some(v.to_owned())
    }
}

impl TechnologyInput {
    pub fn parse(self, creating: bool) -> Result<TechnologyChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = not_null(&mut e, "name", self.name).and_then(|n| e.check(Name::parse(&n)));
        let kind = not_null(&mut e, "kind", self.kind).and_then(|k| e.check(TechKind::parse(&k)));
        if creating && name.is_none() && !e.0.iter().any(|f| f.field == "name") {
            e.push(FieldError::new("name", "is required"));
        }
        if creating && kind.is_none() && !e.0.iter().any(|f| f.field == "kind") {
            e.push(FieldError::new("kind", "is required"));
        }
        let notable_users =
            not_null(&mut e, "notable_users", self.notable_users).and_then(|list| {
                if list.len() > lectern_domain::limits::LIST_ITEMS_MAX {
                    e.push(FieldError::new("notable_users", "at most 50 items"));
                    return None;
                }
                let parsed: Vec<Option<String>> = list
                    .iter()
                    .enumerate()
                    .map(|(i, u)| short_text(&format!("notable_users[{i}]"), u, &mut e))
                    .collect();
                parsed.into_iter().collect()
            });
        let trend_signals =
            not_null(&mut e, "trend_signals", self.trend_signals).and_then(|list| {
                if list.len() > lectern_domain::limits::LIST_ITEMS_MAX {
                    e.push(FieldError::new("trend_signals", "at most 50 items"));
                    return None;
                }
                let mut ok = true;
                for (i, s) in list.iter().enumerate() {
                    if let Err(err) = s.validate(&format!("trend_signals[{i}]")) {
                        e.push(err);
                        ok = false;
                    }
                }
                ok.then_some(list)
            });
        let optional_text = |field: &str, v: Patch<String>, e: &mut ValidationErrors| match v {
            None => None,
            Some(None) => Some(None),
            Some(Some(s)) => short_text(field, &s, e).map(Some),
        };
        let change = TechnologyChange {
            name,
            kind,
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            summary: not_null(&mut e, "summary", self.summary)
                .and_then(|s| e.check(Summary::parse(&s))),
            description: not_null(&mut e, "description", self.description)
                .and_then(|s| e.check(Body::parse(&s).map_err(|x| x.at("description")))),
            homepage_url: match self.homepage_url {
                None => None,
                Some(None) => Some(None),
                Some(Some(u)) => e.check(HttpUrl::parse("homepage_url", &u)).map(Some),
            },
            first_released: match self.first_released {
                None => None,
                Some(None) => Some(None),
                Some(Some(y)) => e.check(Year::parse("first_released", y)).map(Some),
            },
            steward: optional_text("steward", self.steward, &mut e),
            primary_language: optional_text("primary_language", self.primary_language, &mut e),
            notable_users,
            trend_signals,
            related: not_null(&mut e, "related_technologies", self.related_technologies)
                .and_then(|r| slugs("related_technologies", r, &mut e)),
            status: not_null(&mut e, "status", self.status)
                .and_then(|s| e.check(ContentStatus::parse(&s))),
            version: not_null(&mut e, "version", self.version),
        };
        e.into_result().map(|_| change)
    }
}

/// A source as a client writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    #[serde(default, deserialize_with = "present")]
    pub title: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub slug: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub authors: Patch<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    pub publisher: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub url: Patch<String>,
    /// A date, `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "present")]
    pub published_on: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub kind: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub note: Patch<String>,
    #[serde(default, deserialize_with = "present")]
    pub status: Patch<String>,
    #[serde(default, deserialize_with = "integer")]
    pub version: Patch<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct SourceChange {
    pub title: Option<Title>,
    pub slug: Option<Slug>,
    pub authors: Option<Vec<String>>,
    pub publisher: Option<Option<String>>,
    pub url: Option<Option<HttpUrl>>,
    pub published_on: Option<Option<chrono::NaiveDate>>,
    pub kind: Option<SourceKind>,
    pub note: Option<Summary>,
    pub status: Option<ContentStatus>,
    pub version: Option<i64>,
}

impl SourceInput {
    pub fn parse(self, creating: bool) -> Result<SourceChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let title = not_null(&mut e, "title", self.title).and_then(|t| e.check(Title::parse(&t)));
        if creating && title.is_none() && !e.0.iter().any(|f| f.field == "title") {
            e.push(FieldError::new("title", "is required"));
        }
        let authors = not_null(&mut e, "authors", self.authors).and_then(|list| {
            if list.len() > lectern_domain::limits::LIST_ITEMS_MAX {
                e.push(FieldError::new("authors", "at most 50 items"));
                return None;
            }
            let parsed: Vec<Option<String>> = list
                .iter()
                .enumerate()
                .map(|(i, a)| short_text(&format!("authors[{i}]"), a, &mut e))
                .collect();
            parsed.into_iter().collect()
        });
        let published_on = match self.published_on {
            None => None,
            Some(None) => Some(None),
            Some(Some(d)) => match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                Ok(date) => Some(Some(date)),
                Err(_) => {
                    e.push(FieldError::new(
                        "published_on",
                        "must be a date, YYYY-MM-DD",
                    ));
                    None
                }
            },
        };
        let change = SourceChange {
            title,
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            authors,
            publisher: match self.publisher {
                None => None,
                Some(None) => Some(None),
                Some(Some(p)) => short_text("publisher", &p, &mut e).map(Some),
            },
            url: match self.url {
                None => None,
                Some(None) => Some(None),
                Some(Some(u)) => e.check(HttpUrl::parse("url", &u)).map(Some),
            },
            published_on,
            kind: not_null(&mut e, "kind", self.kind).and_then(|k| e.check(SourceKind::parse(&k))),
            note: not_null(&mut e, "note", self.note)
                .and_then(|n| e.check(Summary::parse(&n).map_err(|x| x.at("note")))),
            status: not_null(&mut e, "status", self.status)
                .and_then(|s| e.check(ContentStatus::parse(&s))),
            version: not_null(&mut e, "version", self.version),
        };
        e.into_result().map(|_| change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_bad_field() {
        let input: ArticleInput = serde_json::from_value(serde_json::json!({
            "title": "",
            "slug": "Not A Slug",
            "cover_image_url": "javascript:alert(1)",
            "tags": ["ok", "not ok"],
        }))
        .unwrap();
        let errors = input.parse(true).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "slug", "cover_image_url", "tags[1]"]);
    }

    #[test]
    fn null_clears_only_nullable_fields() {
        let input: ArticleInput =
            serde_json::from_value(serde_json::json!({"cover_image_url": null, "title": null}))
                .unwrap();
        let errors = input.parse(false).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "title");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let result: Result<ArticleInput, _> =
            serde_json::from_value(serde_json::json!({"title": "x", "password_hash": "y"}));
        assert!(result.is_err());
    }
}
