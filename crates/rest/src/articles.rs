//! `/api/v1/articles`: the article type's REST declaration.

use crate::content::{present, RestType};
use crate::problem::ApiResult;
use crate::shape::Shape;
use lectern_service::{Article, ArticleParams, Caller, Service};

use crate::bodies::{Body, Field, Kind::*, NULLABLE, REQUIRED};

/// The article bodies: authors may create drafts only; `author_id`, `status` and
/// `published_at` are for editors.
const BODY: Body = Body {
    create: "ArticleCreate",
    update: "ArticleUpdate",
    docs: [
        "A new article. Authors may create drafts only; `author_id`, `status` and `published_at`\nare for editors.",
        "A JSON merge patch of an article: only the fields to change; `null` clears\n`cover_image_url`. Send the version in `If-Match` (or as `version`).",
    ],
    examples: [
        r###"{"title": "Why Elixir keeps growing", "summary": "Fault tolerance without the pain.", "body": "## Why\n\nBecause of the BEAM.", "tags": ["elixir", "trends"], "technologies": ["elixir", "phoenix"]}"###,
        r#"{"title": "A better title"}"#,
    ],
    fields: &[
        Field("title", Line(200), REQUIRED, ""),
        Field("slug", Slug, 0, ""),
        Field("summary", Text(1000), 0, ""),
        Field("body", Text(200_000), 0, "Markdown."),
        Field("cover_image_url", Url, NULLABLE, ""),
        Field("cover", Uuid, NULLABLE, "The id of an asset to show as the cover."),
        Field("tags", Tags, 0, ""),
        Field("technologies", List(&Slug), 0, "Slugs of existing technology profiles."),
        Field("sources", List(&Slug), 0, "Slugs of the sources the article is based on."),
        Field("author_id", Uuid, 0, ""),
        Field("status", Ref("StatusDoc"), 0, ""),
        Field("published_at", Time, 0, ""),
    ],
};

crate::content_params!(
    q = "Case-insensitive text in the title (name) or summary.",
    fields = "Comma-separated fields to return, e.g. `id,slug,title`." r"^[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|cover|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|cover|tags|author|technologies|sources|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$",
    include = "Comma-separated relations to embed in full: `author`, `cover`, `technologies`, `sources`."
        "Comma-separated relations to embed in full." r"^[ \t]*(author|cover|technologies|sources)?([ \t]*,[ \t]*(author|cover|technologies|sources)?)*[ \t]*$",
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
    const BODY: Body = BODY;
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

crate::content_docs! {
    plural = "articles", one = "article", a = "an article", view = ArticleView, list = ArticleList,
    list_params = ListParams, item_params = ItemParams
}
