//! What the service hands to the API adapters: plain, serialisable views of content that
//! hold only what the caller may see.

use chrono::{DateTime, Utc};
use lectern_storage::entities::{articles, assets, sources, technologies, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A content view: the columns of its row it shows as they are (`field: Type`) and the fields
/// made beside them (`field: Type = expression`), in the order they are written out.
macro_rules! content_view {
    ($(#[$m:meta])* pub struct $view:ident from $row:ident: $model:ty, ($($arg:ident: $at:ty),*) {
        $($(#[$fm:meta])* $field:ident: $ty:ty $(= $value:expr)?,)*
    }) => {
        $(#[$m])*
        pub struct $view {
            $($(#[$fm])* pub $field: $ty,)*
        }

        impl $view {
            /// Its fields, in order: what `fields=` may name.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            pub fn new($row: $model, $($arg: $at),*) -> Self {
                Self { $($field: content_view!(@value $row $field $($value)?),)* }
            }
        }
    };
    (@value $row:ident $field:ident $value:expr) => { $value };
    (@value $row:ident $field:ident) => { $row.$field };
}

fn published() -> bool {
    true
}

/// One locale an item exists in, as the caller may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"locale": "fr", "status": "published", "slug": "pourquoi-elixir-progresse"})))]
pub struct Translation {
    pub locale: String,
    pub status: String,
    /// Its slug in that locale.
    pub slug: String,
}

/// The public face of a user: never an email or a hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "display_name": "Ada Editor"})))]
pub struct AuthorRef {
    pub id: Uuid,
    pub display_name: String,
}

impl From<&users::Model> for AuthorRef {
    fn from(u: &users::Model) -> Self {
        Self {
            id: u.id,
            display_name: u.display_name.clone(),
        }
    }
}

/// A link to a technology from an article or another technology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c36-775d-bb3d-393847530a37", "slug": "elixir", "name": "Elixir", "kind": "language"})))]
pub struct TechnologyRef {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: String,
    /// Kept out of responses; lets a view built for an editor be trimmed for other callers.
    /// A view read back from stored public JSON links only published items.
    #[serde(skip_serializing, default = "published")]
    #[schema(ignore)]
    pub published: bool,
}

/// A link from a link row or a whole row, which have the same fields.
macro_rules! technology_ref_from {
    ($($row:ty),*) => {$(
        impl From<&$row> for TechnologyRef {
            fn from(t: &$row) -> Self {
                let (slug, name, kind) = (t.slug.clone(), t.name.clone(), t.kind.clone());
                let published = t.status == "published";
                Self { id: t.id, slug, name, kind, published }
            }
        }
    )*};
}
technology_ref_from!(lectern_storage::queries::TechRefRow, technologies::Model);

/// A link to a source from an article or a trend figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023", "title": "Top Back-End Development Trends for 2023"})))]
pub struct SourceRef {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    /// Kept out of responses; lets a view built for an editor be trimmed for other callers.
    /// A view read back from stored public JSON links only published items.
    #[serde(skip_serializing, default = "published")]
    #[schema(ignore)]
    pub published: bool,
}

impl From<&lectern_storage::queries::sources::SourceRefRow> for SourceRef {
    fn from(s: &lectern_storage::queries::sources::SourceRefRow) -> Self {
        Self {
            id: s.id,
            slug: s.slug.clone(),
            title: s.title.clone(),
            published: s.status == "published",
        }
    }
}

/// A dated figure about a technology, with the source that gave it (null when the caller may
/// not read that source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = TrendSignal)]
pub struct TrendSignalView {
    /// What was measured.
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
    pub source: Option<SourceRef>,
}

/// A trend figure as stored with its technology: the source by id.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
pub struct StoredSignal {
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
    pub source_id: Option<Uuid>,
}

content_view! {
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "slug": "why-elixir-keeps-growing", "title": "Why Elixir keeps growing",
    "summary": "Fault tolerance without the pain.", "body": "## Why\n\nThe BEAM.", "body_html": "<h2>Why</h2>\n<p>The BEAM.</p>\n",
    "cover_image_url": null, "cover": null, "tags": ["elixir"], "author": {"id": "01a1fb47-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "display_name": "Ada Editor"},
    "technologies": [{"id": "01a1fb47-2c36-775d-bb3d-393847530a37", "slug": "elixir", "name": "Elixir", "kind": "language"}],
    "sources": [{"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023", "title": "Top Back-End Development Trends for 2023"}],
    "status": "published", "published_at": "2026-11-20T09:00:00Z", "publish_at": null, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 3, "locale": "en", "translations": [{"locale": "en", "status": "published", "slug": "why-elixir-keeps-growing"}]})))]
pub struct ArticleView from row: articles::Model,
    (tags: Vec<String>, author: Option<AuthorRef>, technologies: Vec<TechnologyRef>, sources: Vec<SourceRef>, cover: Option<AssetRef>) {
    id: Uuid,
    slug: String,
    title: String,
    summary: String,
    body: String,
    body_html: String,
    cover_image_url: Option<String>,
    /// The asset shown as the cover.
    cover: Option<AssetRef> = cover,
    tags: Vec<String> = tags,
    author: Option<AuthorRef> = author,
    technologies: Vec<TechnologyRef> = technologies,
    /// The sources the article is based on.
    sources: Vec<SourceRef> = sources,
    status: String,
    published_at: Option<DateTime<Utc>>,
    /// When a scheduled publication will happen; null when none is scheduled.
    publish_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    /// The locale this view is in (a fallback's when the requested one has no translation).
    locale: String = String::new(),
    /// The locales the item exists in that the caller may read.
    translations: Vec<Translation> = Vec::new(),
}}

content_view! {
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c36-775d-bb3d-393847530a37", "slug": "django", "name": "Django", "kind": "framework",
    "summary": "A batteries-included Python web framework.", "description": "Django bundles most of what a web project needs.",
    "description_html": "<p>Django bundles most of what a web project needs.</p>\n", "homepage_url": "https://www.djangoproject.com/", "logo": null,
    "first_released": 2005, "steward": "Django Software Foundation", "primary_language": "Python",
    "notable_users": ["Instagram", "Mozilla", "Pinterest"],
    "trend_signals": [{"metric": "growth in employer skill assessments (HackerRank)", "value": 126.12, "unit": "percent", "period": "2021",
        "source": {"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023", "title": "Top Back-End Development Trends for 2023"}}],
    "related_technologies": [{"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "slug": "python", "name": "Python", "kind": "language"}],
    "status": "published", "published_at": "2026-11-20T09:00:00Z", "publish_at": null, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 1,
    "locale": "en", "translations": [{"locale": "en", "status": "published", "slug": "django"}]})))]
pub struct TechnologyView from row: technologies::Model,
    (related: Vec<TechnologyRef>, trend_signals: Vec<TrendSignalView>, logo: Option<AssetRef>) {
    id: Uuid,
    slug: String,
    name: String,
    kind: String,
    summary: String,
    description: String,
    description_html: String,
    homepage_url: Option<String>,
    /// The asset shown as the logo.
    logo: Option<AssetRef> = logo,
    first_released: Option<i32>,
    steward: Option<String>,
    primary_language: Option<String>,
    notable_users: Vec<String> = serde_json::from_value(row.notable_users).unwrap_or_default(),
    trend_signals: Vec<TrendSignalView> = trend_signals,
    related_technologies: Vec<TechnologyRef> = related,
    status: String,
    published_at: Option<DateTime<Utc>>,
    /// When a scheduled publication will happen; null when none is scheduled.
    publish_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    /// The locale this view is in (a fallback's when the requested one has no translation).
    locale: String = String::new(),
    /// The locales the item exists in that the caller may read.
    translations: Vec<Translation> = Vec::new(),
}}

/// A user as admins and the user themself see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "email": "ada@example.com", "display_name": "Ada Editor", "role": "editor", "disabled": false, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z"})))]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    #[schema(examples("editor"))]
    pub role: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&users::Model> for UserView {
    fn from(u: &users::Model) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            disabled: u.disabled,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// One page of a list, with the cursor of the next page when there is one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

content_view! {
/// A source: a publication that figures and articles draw on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023",
    "title": "Top Back-End Development Trends for 2023", "authors": ["Daichi Toyoda"], "publisher": null, "url": null,
    "published_on": "2023-07-11", "kind": "article", "note": "", "status": "published", "published_at": "2026-11-20T09:00:00Z",
    "publish_at": null, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 1,
    "locale": "en", "translations": [{"locale": "en", "status": "published", "slug": "top-back-end-development-trends-for-2023"}]})))]
pub struct SourceView from row: sources::Model, () {
    id: Uuid,
    slug: String,
    title: String,
    authors: Vec<String> = serde_json::from_value(row.authors).unwrap_or_default(),
    publisher: Option<String>,
    url: Option<String>,
    /// When the publication appeared (a date).
    published_on: Option<chrono::NaiveDate>,
    kind: String,
    note: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    /// When a scheduled publication will happen; null when none is scheduled.
    publish_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    /// The locale this view is in (a fallback's when the requested one has no translation).
    locale: String = String::new(),
    /// The locales the item exists in that the caller may read.
    translations: Vec<Translation> = Vec::new(),
}}

content_view! {
/// An image or a file that content uses. `url` serves the bytes; images also take `width`,
/// `height`, `fit`, `format` and `quality` there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-4b20-7c3d-8e4f-5a6b7c8d9e0f", "slug": "server-rack", "title": "server-rack",
    "alt": "A rack of servers", "caption": "", "filename": "server-rack.jpg", "content_type": "image/jpeg",
    "size_bytes": 482113, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "width": 1600, "height": 1067,
    "placeholder": "data:image/png;base64,iVBORw0KGgo=", "focal_point": null, "url": "/assets/01a1fb47-4b20-7c3d-8e4f-5a6b7c8d9e0f/server-rack.jpg",
    "status": "draft", "published_at": null, "publish_at": null, "created_at": "2026-11-20T09:00:00Z",
    "updated_at": "2026-11-20T09:00:00Z", "version": 1})))]
pub struct AssetView from row: assets::Model, () {
    id: Uuid,
    slug: String,
    title: String,
    alt: String,
    caption: String,
    filename: String = row.filename.clone(),
    /// Read from the file's bytes.
    content_type: String,
    size_bytes: i64,
    sha256: String,
    width: Option<i32>,
    height: Option<i32>,
    /// A tiny preview to show while the image loads (a data URL).
    placeholder: Option<String>,
    focal_point: Option<crate::inputs::FocalPoint> = match (row.focal_x, row.focal_y) {
        (Some(x), Some(y)) => Some(crate::inputs::FocalPoint { x, y }),
        _ => None,
    },
    /// Where the file is served.
    url: String = asset_url(row.id, &row.filename),
    /// `published`: public to anyone; otherwise only once published content uses it.
    status: String,
    published_at: Option<DateTime<Utc>>,
    publish_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}}

/// Where an asset's file is served.
pub fn asset_url(id: Uuid, filename: &str) -> String {
    format!("/assets/{id}/{filename}")
}

/// An asset as the content that shows it embeds it (a cover, a logo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-4b20-7c3d-8e4f-5a6b7c8d9e0f", "url": "/assets/01a1fb47-4b20-7c3d-8e4f-5a6b7c8d9e0f/server-rack.jpg",
    "alt": "A rack of servers", "content_type": "image/jpeg", "width": 1600, "height": 1067, "placeholder": null,
    "srcset": "/assets/01a1fb47-4b20-7c3d-8e4f-5a6b7c8d9e0f/server-rack.jpg?width=400 400w"})))]
pub struct AssetRef {
    pub id: Uuid,
    pub url: String,
    pub alt: String,
    pub content_type: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub placeholder: Option<String>,
    /// The preset widths no wider than the original, for `<img srcset>`; empty for files.
    pub srcset: String,
}

impl AssetRef {
    pub fn new(a: &assets::Model, widths: &[u32]) -> Self {
        let url = asset_url(a.id, &a.filename);
        let srcset = match a.width {
            Some(w) if a.content_type.starts_with("image/") => widths
                .iter()
                .filter(|p| **p as i64 <= w as i64)
                .map(|p| format!("{url}?width={p} {p}w"))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        Self {
            id: a.id,
            url,
            alt: a.alt.clone(),
            content_type: a.content_type.clone(),
            width: a.width,
            height: a.height,
            placeholder: a.placeholder.clone(),
            srcset,
        }
    }
}
