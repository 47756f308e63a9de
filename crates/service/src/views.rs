//! What the service hands to the API adapters: plain, serialisable views of content that
//! hold only what the caller may see.

use chrono::{DateTime, Utc};
use lectern_storage::entities::{articles, sources, technologies, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

fn published() -> bool {
    true
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

impl From<&lectern_storage::queries::TechRefRow> for TechnologyRef {
    fn from(t: &lectern_storage::queries::TechRefRow) -> Self {
        Self {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            kind: t.kind.clone(),
            published: t.status == "published",
        }
    }
}

impl From<&technologies::Model> for TechnologyRef {
    fn from(t: &technologies::Model) -> Self {
        Self {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            kind: t.kind.clone(),
            published: t.status == "published",
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "slug": "why-elixir-keeps-growing", "title": "Why Elixir keeps growing",
    "summary": "Fault tolerance without the pain.", "body": "## Why\n\nThe BEAM.", "body_html": "<h2>Why</h2>\n<p>The BEAM.</p>\n",
    "cover_image_url": null, "tags": ["elixir"], "author": {"id": "01a1fb47-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "display_name": "Ada Editor"},
    "technologies": [{"id": "01a1fb47-2c36-775d-bb3d-393847530a37", "slug": "elixir", "name": "Elixir", "kind": "language"}],
    "sources": [{"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023", "title": "Top Back-End Development Trends for 2023"}],
    "status": "published", "published_at": "2026-11-20T09:00:00Z", "publish_at": null, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 3})))]
pub struct ArticleView {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub body_html: String,
    pub cover_image_url: Option<String>,
    pub tags: Vec<String>,
    pub author: Option<AuthorRef>,
    pub technologies: Vec<TechnologyRef>,
    /// The sources the article is based on.
    pub sources: Vec<SourceRef>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    /// When a scheduled publication will happen; null when none is scheduled.
    pub publish_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl ArticleView {
    pub fn new(
        row: articles::Model,
        tags: Vec<String>,
        author: Option<AuthorRef>,
        technologies: Vec<TechnologyRef>,
        sources: Vec<SourceRef>,
    ) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            title: row.title,
            summary: row.summary,
            body: row.body,
            body_html: row.body_html,
            cover_image_url: row.cover_image_url,
            tags,
            author,
            technologies,
            sources,
            status: row.status,
            published_at: row.published_at,
            publish_at: row.publish_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c36-775d-bb3d-393847530a37", "slug": "django", "name": "Django", "kind": "framework",
    "summary": "A batteries-included Python web framework.", "description": "Django bundles most of what a web project needs.",
    "description_html": "<p>Django bundles most of what a web project needs.</p>\n", "homepage_url": "https://www.djangoproject.com/",
    "first_released": 2005, "steward": "Django Software Foundation", "primary_language": "Python",
    "notable_users": ["Instagram", "Mozilla", "Pinterest"],
    "trend_signals": [{"metric": "growth in employer skill assessments (HackerRank)", "value": 126.12, "unit": "percent", "period": "2021",
        "source": {"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023", "title": "Top Back-End Development Trends for 2023"}}],
    "related_technologies": [{"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "slug": "python", "name": "Python", "kind": "language"}],
    "status": "published", "published_at": "2026-11-20T09:00:00Z", "publish_at": null, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 1})))]
pub struct TechnologyView {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub summary: String,
    pub description: String,
    pub description_html: String,
    pub homepage_url: Option<String>,
    pub first_released: Option<i32>,
    pub steward: Option<String>,
    pub primary_language: Option<String>,
    pub notable_users: Vec<String>,
    pub trend_signals: Vec<TrendSignalView>,
    pub related_technologies: Vec<TechnologyRef>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    /// When a scheduled publication will happen; null when none is scheduled.
    pub publish_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl TechnologyView {
    pub fn new(
        row: technologies::Model,
        related: Vec<TechnologyRef>,
        trend_signals: Vec<TrendSignalView>,
    ) -> Self {
        Self {
            notable_users: serde_json::from_value(row.notable_users).unwrap_or_default(),
            trend_signals,
            id: row.id,
            slug: row.slug,
            name: row.name,
            kind: row.kind,
            summary: row.summary,
            description: row.description,
            description_html: row.description_html,
            homepage_url: row.homepage_url,
            first_released: row.first_released,
            steward: row.steward,
            primary_language: row.primary_language,
            related_technologies: related,
            status: row.status,
            published_at: row.published_at,
            publish_at: row.publish_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

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

/// A source: a publication that figures and articles draw on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-3a10-7b2c-9d4e-5f6a7b8c9d0e", "slug": "top-back-end-development-trends-for-2023",
    "title": "Top Back-End Development Trends for 2023", "authors": ["Daichi Toyoda"], "publisher": null, "url": null,
    "published_on": "2023-07-11", "kind": "article", "note": "", "status": "published", "published_at": "2026-11-20T09:00:00Z",
    "publish_at": null, "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z", "version": 1})))]
pub struct SourceView {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    /// When the publication appeared (a date).
    pub published_on: Option<chrono::NaiveDate>,
    pub kind: String,
    pub note: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    /// When a scheduled publication will happen; null when none is scheduled.
    pub publish_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<sources::Model> for SourceView {
    fn from(row: sources::Model) -> Self {
        Self {
            authors: serde_json::from_value(row.authors).unwrap_or_default(),
            id: row.id,
            slug: row.slug,
            title: row.title,
            publisher: row.publisher,
            url: row.url,
            published_on: row.published_on,
            kind: row.kind,
            note: row.note,
            status: row.status,
            published_at: row.published_at,
            publish_at: row.publish_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}
