//! Raw inputs as clients send them, and their parsing into domain values. Both API adapters
//! deserialise into these and call `parse`, so validation and its messages are identical in
//! REST and GraphQL.

use lectern_domain::{
    Body, ContentStatus, FieldError, HttpUrl, Name, Slug, SourceKind, Summary, Tag, TechKind,
    Title, TrendSignal, ValidationErrors, Year,
};
use serde::{Deserialize, Deserializer, Serialize};
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
    /// The fields the client sent.
    fn present(&self) -> Vec<&'static str>;
    /// Leaves out every field but `keep` (a revision restored into a translation).
    fn keep(&mut self, keep: &[&str]);
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
            fn present(&self) -> Vec<&'static str> {
                self.present_fields()
            }
            fn keep(&mut self, keep: &[&str]) {
                self.keep_only(keep)
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
content_input!(AssetInput => AssetChange, label = title);

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

/// A content input as a client writes it: every field a `Patch` (absent, null or a value),
/// then the `version` the change is based on, for clients that cannot send If-Match.
macro_rules! patch_input {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* $field:ident: $ty:ty,)*
     $(@server { $($(#[$sm:meta])* $sfield:ident: $sty:ty,)* })? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fm])* #[serde(default, deserialize_with = "present")] pub $field: Patch<$ty>,)*
            #[serde(default, deserialize_with = "integer")]
            pub version: Patch<i64>,
            $($($(#[$sm])* #[serde(skip)] pub $sfield: $sty,)*)?
        }

        impl $name {
            /// The fields the client sent.
            pub fn present_fields(&self) -> Vec<&'static str> {
                let mut present = Vec::new();
                $(if self.$field.is_some() { present.push(stringify!($field)); })*
                present
            }

            /// Leaves out every field but `keep`.
            pub fn keep_only(&mut self, keep: &[&str]) {
                $(if !keep.contains(&stringify!($field)) { self.$field = None; })*
            }
        }
    };
}

patch_input! {
/// An article as a client writes it; for a create every required field must be present, for
/// an update (JSON merge patch) only the fields to change.
pub struct ArticleInput {
    title: String,
    slug: String,
    summary: String,
    body: String,
    cover_image_url: String,
    /// The id of an asset to show as the cover.
    cover: Uuid,
    tags: Vec<String>,
    /// Slugs of the technologies the article covers.
    technologies: Vec<String>,
    /// Slugs of the sources the article is based on.
    sources: Vec<String>,
    author_id: Uuid,
    status: String,
    /// When it was (or is to be shown as) published; editors only.
    published_at: chrono::DateTime<chrono::Utc>,
}}

/// A parsed article change: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticleChange {
    pub title: Option<Title>,
    pub slug: Option<Slug>,
    pub summary: Option<Summary>,
    pub body: Option<Body>,
    pub cover_image_url: Option<Option<HttpUrl>>,
    pub cover: Patch<Uuid>,
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

/// A field that `null` clears: `Some(None)`.
fn nullable<T, U>(
    e: &mut ValidationErrors,
    value: Patch<T>,
    parse: impl FnOnce(T, &mut ValidationErrors) -> Option<U>,
) -> Patch<U> {
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) => parse(v, e).map(Some),
    }
}

/// Reports a field a creation lacks, unless it is already reported as bad.
fn required<T>(e: &mut ValidationErrors, creating: bool, field: &str, v: Option<T>) -> Option<T> {
    if creating && v.is_none() && !e.0.iter().any(|f| f.field == field) {
        e.push(FieldError::new(field, "is required"));
    }
    v
}

fn status(e: &mut ValidationErrors, raw: Patch<String>) -> Option<ContentStatus> {
    not_null(e, "status", raw).and_then(|s| e.check(ContentStatus::parse(&s)))
}

/// A list of at most 50 items, each parsed at `field[i]`.
fn list<T, U>(
    e: &mut ValidationErrors,
    field: &str,
    raw: Patch<Vec<T>>,
    mut parse: impl FnMut(&str, T, &mut ValidationErrors) -> Option<U>,
) -> Option<Vec<U>> {
    let raw = not_null(e, field, raw)?;
    if raw.len() > lectern_domain::limits::LIST_ITEMS_MAX {
        let max = lectern_domain::limits::LIST_ITEMS_MAX;
        e.push(FieldError::new(field, format!("at most {max} items")));
        return None;
    }
    let parsed: Vec<Option<U>> = (raw.into_iter().enumerate())
        .map(|(i, item)| parse(&format!("{field}[{i}]"), item, e))
        .collect();
    parsed.into_iter().collect()
}

/// Slugs, each once.
fn slugs(e: &mut ValidationErrors, field: &str, raw: Patch<Vec<String>>) -> Option<Vec<Slug>> {
    let mut out: Vec<Slug> = list(e, field, raw, |at, s, e| {
        e.check(Slug::parse(&s).map_err(|x| x.at(at)))
    })?;
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    Some(out)
}

/// One line of 1 to 200 characters, trimmed.
fn short_text(field: &str, raw: String, errors: &mut ValidationErrors) -> Option<String> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > 200 || v.chars().any(char::is_control) {
        let rule = "must be 1 to 200 characters without control characters";
        errors.push(FieldError::new(field, rule));
        None
    } else {
        Some(v.to_owned())
    }
}

impl ArticleInput {
    /// Parses every field, reporting all bad ones together. `creating` makes `title` required.
    pub fn parse(self, creating: bool) -> Result<ArticleChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let title = not_null(&mut e, "title", self.title).and_then(|t| e.check(Title::parse(&t)));
        let change = ArticleChange {
            title: required(&mut e, creating, "title", title),
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            summary: not_null(&mut e, "summary", self.summary)
                .and_then(|s| e.check(Summary::parse(&s))),
            body: not_null(&mut e, "body", self.body).and_then(|s| e.check(Body::parse(&s))),
            cover: self.cover,
            cover_image_url: nullable(&mut e, self.cover_image_url, |u, e| {
                e.check(HttpUrl::parse("cover_image_url", &u))
            }),
            tags: not_null(&mut e, "tags", self.tags).and_then(|t| e.check(Tag::parse_list(&t))),
            technologies: slugs(&mut e, "technologies", self.technologies),
            sources: slugs(&mut e, "sources", self.sources),
            author_id: not_null(&mut e, "author_id", self.author_id),
            status: status(&mut e, self.status),
            published_at: not_null(&mut e, "published_at", self.published_at),
            version: not_null(&mut e, "version", self.version),
        };
        e.into_result().map(|_| change)
    }
}

patch_input! {
/// A technology profile as a client writes it.
pub struct TechnologyInput {
    name: String,
    slug: String,
    kind: String,
    summary: String,
    description: String,
    homepage_url: String,
    /// The id of an asset to show as the logo.
    logo: Uuid,
    first_released: i64,
    steward: String,
    primary_language: String,
    notable_users: Vec<String>,
    trend_signals: Vec<TrendSignal>,
    /// Slugs of related technologies.
    related_technologies: Vec<String>,
    status: String,
}}

#[derive(Debug, Clone, Default)]
pub struct TechnologyChange {
    pub name: Option<Name>,
    pub slug: Option<Slug>,
    pub kind: Option<TechKind>,
    pub summary: Option<Summary>,
    pub description: Option<Body>,
    pub homepage_url: Option<Option<HttpUrl>>,
    pub logo: Patch<Uuid>,
    pub first_released: Option<Option<Year>>,
    pub steward: Option<Option<String>>,
    pub primary_language: Option<Option<String>>,
    pub notable_users: Option<Vec<String>>,
    pub trend_signals: Option<Vec<TrendSignal>>,
    pub related: Option<Vec<Slug>>,
    pub status: Option<ContentStatus>,
    pub version: Option<i64>,
}

impl TechnologyInput {
    pub fn parse(self, creating: bool) -> Result<TechnologyChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = not_null(&mut e, "name", self.name).and_then(|n| e.check(Name::parse(&n)));
        let kind = not_null(&mut e, "kind", self.kind).and_then(|k| e.check(TechKind::parse(&k)));
        let short = |field: &'static str| {
            move |v: String, e: &mut ValidationErrors| short_text(field, v, e)
        };
        let change = TechnologyChange {
            name: required(&mut e, creating, "name", name),
            kind: required(&mut e, creating, "kind", kind),
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            summary: not_null(&mut e, "summary", self.summary)
                .and_then(|s| e.check(Summary::parse(&s))),
            description: not_null(&mut e, "description", self.description)
                .and_then(|s| e.check(Body::parse(&s).map_err(|x| x.at("description")))),
            logo: self.logo,
            homepage_url: nullable(&mut e, self.homepage_url, |u, e| {
                e.check(HttpUrl::parse("homepage_url", &u))
            }),
            first_released: nullable(&mut e, self.first_released, |y, e| {
                e.check(Year::parse("first_released", y))
            }),
            steward: nullable(&mut e, self.steward, short("steward")),
            primary_language: nullable(&mut e, self.primary_language, short("primary_language")),
            notable_users: list(&mut e, "notable_users", self.notable_users, short_text)
                .or(creating.then(Vec::new)),
            trend_signals: list(&mut e, "trend_signals", self.trend_signals, |at, s, e| {
                e.check(s.validate(at).map(|_| s))
            })
            .or(creating.then(Vec::new)),
            related: slugs(&mut e, "related_technologies", self.related_technologies),
            status: status(&mut e, self.status),
            version: not_null(&mut e, "version", self.version),
        };
        e.into_result().map(|_| change)
    }
}

patch_input! {
/// A source as a client writes it.
pub struct SourceInput {
    title: String,
    slug: String,
    authors: Vec<String>,
    publisher: String,
    url: String,
    /// A date, `YYYY-MM-DD`.
    published_on: String,
    kind: String,
    note: String,
    status: String,
}}

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
        let kind = not_null(&mut e, "kind", self.kind).and_then(|k| e.check(SourceKind::parse(&k)));
        let change = SourceChange {
            title: required(&mut e, creating, "title", title),
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            authors: list(&mut e, "authors", self.authors, short_text).or(creating.then(Vec::new)),
            publisher: nullable(&mut e, self.publisher, |p, e| short_text("publisher", p, e)),
            url: nullable(&mut e, self.url, |u, e| e.check(HttpUrl::parse("url", &u))),
            published_on: nullable(&mut e, self.published_on, |d, e| {
                let date = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d");
                e.check(
                    date.map_err(|_| FieldError::new("published_on", "must be a date, YYYY-MM-DD")),
                )
            }),
            kind: kind.or(creating.then_some(SourceKind::Article)),
            note: not_null(&mut e, "note", self.note)
                .and_then(|n| e.check(Summary::parse(&n).map_err(|x| x.at("note")))),
            status: status(&mut e, self.status),
            version: not_null(&mut e, "version", self.version),
        };
        e.into_result().map(|_| change)
    }
}

patch_input! {
/// An asset's metadata as a client writes it; the file itself comes in the upload.
pub struct AssetInput {
    title: String,
    slug: String,
    /// What the image shows, for readers who cannot see it.
    alt: String,
    caption: String,
    /// Where a `cover` crop centres.
    focal_point: FocalPoint,
    status: String,
    @server {
        /// The stored file, set by the upload; clients cannot send it.
        file: Option<crate::assets::StoredFile>,
    }
}}

/// A point of an image, 0 to 1 from the left and from the top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPoint {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Default)]
pub struct AssetChange {
    pub title: Option<Title>,
    pub slug: Option<Slug>,
    pub alt: Option<Summary>,
    pub caption: Option<Summary>,
    pub focal_point: Patch<FocalPoint>,
    pub status: Option<ContentStatus>,
    pub version: Option<i64>,
    pub file: Option<crate::assets::StoredFile>,
}

impl AssetInput {
    pub fn parse(self, creating: bool) -> Result<AssetChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let text = |e: &mut ValidationErrors, field: &str, raw: Patch<String>| {
            not_null(e, field, raw)
                .and_then(|v| e.check(Summary::parse(&v).map_err(|x| x.at(field))))
        };
        if creating && self.file.is_none() {
            e.push(FieldError::new(
                "file",
                "upload the file as multipart/form-data",
            ));
        }
        let change = AssetChange {
            title: not_null(&mut e, "title", self.title).and_then(|t| e.check(Title::parse(&t))),
            slug: not_null(&mut e, "slug", self.slug).and_then(|s| e.check(Slug::parse(&s))),
            alt: text(&mut e, "alt", self.alt),
            caption: text(&mut e, "caption", self.caption),
            focal_point: nullable(&mut e, self.focal_point, |p, e| {
                let inside = (0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y);
                if !inside {
                    e.push(FieldError::new(
                        "focal_point",
                        "x and y must be between 0 and 1",
                    ));
                }
                inside.then_some(p)
            }),
            status: status(&mut e, self.status),
            version: not_null(&mut e, "version", self.version),
            file: self.file,
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
