//! `/api/v1/articles`: the article type's REST declaration.

use crate::content::{present, RestType};
use crate::problem::ApiResult;
use crate::shape::Shape;
use actix_web::web;
use lectern_service::{Article, ArticleParams, Caller, Service};

crate::content_params!(
    sort = ArticleSort,
    q = "Case-insensitive text in the title (name) or summary.",
    fields = "Comma-separated fields to return, e.g. `id,slug,title`." r"^[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$",
    include = "Comma-separated relations to embed in full: `author`, `technologies`, `sources`."
        "Comma-separated relations to embed in full." r"^[ \t]*(author|technologies|sources)?([ \t]*,[ \t]*(author|technologies|sources)?)*[ \t]*$",
    extra {
        /// Only articles with this tag.
        #[param(max_length = 200)]
        tag: Option<String>,
        /// Only articles covering the technology with this slug.
        #[param(max_length = 200)]
        technology: Option<String>,
        /// The author's id, or their email (admins; anyone for their own).
        #[param(max_length = 320)]
        author: Option<String>,
    }
);

impl RestType for Article {
    const COLLECTION: &'static str = "/api/v1/articles";
    const FIELDS: Shape = Shape::ARTICLE;
    type ListParams = ListParams;

    async fn list_request(
        service: &Service,
        caller: &Caller,
        p: ListParams,
    ) -> ApiResult<crate::content::ListRequest<ArticleParams>> {
        let (request, x) = p.split();
        let author = match present(x.author) {
            Some(author) => Some(service.author_filter(caller, &author).await?),
            None => None,
        };
        Ok(request.with(ArticleParams {
            tag: present(x.tag),
            technology: present(x.technology),
            author,
        }))
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
