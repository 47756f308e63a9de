//! `/api/v1/articles`: the article type's REST declaration.

use crate::content::{present, ListRequest, RestType};
use crate::problem::ApiResult;
use crate::shape::Shape;
use actix_web::web;
use chrono::{DateTime, Utc};
use lectern_service::{Article, ArticleParams, Caller, ListQuery, Service};
use serde::Deserialize;

/// Query parameters of the article list; anything else is a 400.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (opaque; a cursor is valid only with the same sort).
    #[param(max_length = 1024, pattern = r"^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// A field, with a leading `-` for descending order.
    #[param(value_type = Option<crate::openapi::ArticleSort>)]
    pub sort: Option<String>,
    /// Only items in this status (anything but `published` needs an editor or a preview token).
    #[param(value_type = Option<crate::openapi::StatusDoc>)]
    pub status: Option<String>,
    /// Only articles with this tag.
    #[param(max_length = 200)]
    pub tag: Option<String>,
    /// Only articles covering the technology with this slug.
    #[param(max_length = 200)]
    pub technology: Option<String>,
    /// The author's id, or their email (admins; anyone for their own).
    #[param(max_length = 320)]
    pub author: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::instant")]
    #[param(value_type = Option<String>)]
    pub published_after: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::extract::instant")]
    #[param(value_type = Option<String>)]
    pub published_before: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::extract::instant")]
    #[param(value_type = Option<String>)]
    pub updated_after: Option<DateTime<Utc>>,
    /// Case-insensitive text in the title (name) or summary.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Comma-separated fields to return, e.g. `id,slug,title`.
    #[param(
        max_length = 1000,
        pattern = r"^[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$"
    )]
    pub fields: Option<String>,
    /// Comma-separated relations to embed in full: `author`, `technologies`, `sources`.
    #[param(
        max_length = 200,
        pattern = r"^[ \t]*(author|technologies|sources)?([ \t]*,[ \t]*(author|technologies|sources)?)*[ \t]*$"
    )]
    pub include: Option<String>,
}

/// Item routes accept only `fields` and `include` (documented here with this type's
/// fields; the handler reads `content::ItemQuery`).
#[allow(dead_code)]
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    /// Comma-separated fields to return.
    #[param(
        max_length = 1000,
        pattern = r"^[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$"
    )]
    pub fields: Option<String>,
    /// Comma-separated relations to embed in full.
    #[param(
        max_length = 200,
        pattern = r"^[ \t]*(author|technologies|sources)?([ \t]*,[ \t]*(author|technologies|sources)?)*[ \t]*$"
    )]
    pub include: Option<String>,
}

impl RestType for Article {
    const COLLECTION: &'static str = "/api/v1/articles";
    const FIELDS: Shape = Shape::ARTICLE;
    type ListParams = ListParams;

    async fn list_request(
        service: &Service,
        caller: &Caller,
        p: ListParams,
    ) -> ApiResult<ListRequest<ArticleParams>> {
        let author = match present(p.author) {
            Some(author) => Some(service.author_filter(caller, &author).await?),
            None => None,
        };
        Ok(ListRequest {
            query: ListQuery {
                limit: p.limit,
                cursor: present(p.cursor),
                sort: p.sort,
                status: p.status,
                published_after: p.published_after,
                published_before: p.published_before,
                updated_after: p.updated_after,
                q: present(p.q),
                extra: ArticleParams {
                    tag: present(p.tag),
                    technology: present(p.technology),
                    author,
                },
            },
            fields: present(p.fields),
            include: present(p.include),
        })
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    crate::content::mount::<Article>(cfg, "articles");
}

crate::content_docs!(
    plural = "articles",
    one = "article",
    a = "an article",
    view = ArticleView,
    list = ArticleList,
    create = ArticleCreate,
    update = ArticleUpdate,
    list_params = ListParams,
    item_params = ItemParams
);
