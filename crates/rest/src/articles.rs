//! `/api/v1/articles`

use crate::body;
use crate::caller::Auth;
use crate::etag::{etag, if_match_version};
use crate::problem::{ApiError, ApiResult};
use crate::respond::{self, ListBody, PageInfo};
use crate::shape::{self, Shape};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lectern_service::editorial::request_digest;
use lectern_service::inputs::ArticleInput;
use lectern_service::{ArticleQuery, Caller, Kind, Service, StatusAction};
use serde::Deserialize;
use uuid::Uuid;

/// An empty query parameter means the same as a missing one.
fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

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
        pattern = r"^[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$"
    )]
    pub fields: Option<String>,
    /// Comma-separated relations to embed in full: `author`, `technologies`.
    #[param(
        max_length = 200,
        pattern = r"^[ \t]*(author|technologies)?([ \t]*,[ \t]*(author|technologies)?)*[ \t]*$"
    )]
    pub include: Option<String>,
}

impl ListParams {
    fn split(self) -> (ArticleQuery, Option<String>, Option<String>, Option<String>) {
        let query = ArticleQuery {
            limit: self.limit,
            cursor: present(self.cursor),
            sort: self.sort,
            status: self.status,
            tag: present(self.tag),
            technology: present(self.technology),
            author: None,
            published_after: self.published_after,
            published_before: self.published_before,
            updated_after: self.updated_after,
            q: present(self.q),
        };
        (
            query,
            present(self.fields),
            present(self.include),
            present(self.author),
        )
    }
}

/// Item routes accept only `fields` and `include`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    /// Comma-separated fields to return.
    #[param(
        max_length = 1000,
        pattern = r"^[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|summary|body|body_html|cover_image_url|tags|author|technologies|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$"
    )]
    pub fields: Option<String>,
    /// Comma-separated relations to embed in full.
    #[param(
        max_length = 200,
        pattern = r"^[ \t]*(author|technologies)?([ \t]*,[ \t]*(author|technologies)?)*[ \t]*$"
    )]
    pub include: Option<String>,
}

/// The optional body of `publish`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    /// A future time schedules the publication; absent or past publishes now.
    pub publish_at: Option<DateTime<Utc>>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/articles")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/articles/{key}")
            .route(web::get().to(get))
            .route(web::patch().to(update))
            .route(web::delete().to(delete)),
    )
    .service(web::resource("/articles/{key}/publish").route(web::post().to(publish)))
    .service(web::resource("/articles/{key}/unpublish").route(web::post().to(unpublish)))
    .service(web::resource("/articles/{key}/archive").route(web::post().to(archive)))
    .service(web::resource("/articles/{key}/revisions").route(web::get().to(revisions)))
    .service(web::resource("/articles/{key}/revisions/{version}").route(web::get().to(revision)))
    .service(
        web::resource("/articles/{key}/revisions/{version}/restore").route(web::post().to(restore)),
    );
}

const SHAPE: Shape = Shape::ARTICLE;

#[utoipa::path(
    get,
    path = "/api/v1/articles",
    tag = "articles",
    operation_id = "list_articles",
    summary = "List articles",
    params(ListParams),
    responses(
        (status = 200, description = "a page", body = crate::openapi::ArticleList, headers(("ETag" = String, description = "validator of this page"), ("Cache-Control" = String, description = "public for anonymous callers, private otherwise"))),
        (status = 304, description = "not modified: your copy (If-None-Match) is current"),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn list(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ListParams>,
) -> ApiResult<HttpResponse> {
    let (mut query, fields, include, author) = params.into_inner().split();
    if let Some(author) = author {
        query.author = Some(service.author_filter(&caller, &author).await?);
    }
    let shaping = SHAPE.parse(fields.as_deref(), include.as_deref())?;
    if caller.sees_only_published() && shaping.is_plain() {
        let page = service.public_articles(query).await?;
        let body = respond::list_bytes(&page.items_json, page.next_cursor.as_deref());
        return Ok(respond::read_bytes(&req, &caller, body, None));
    }
    if caller.sees_only_published() {
        let body = respond::public_shaped(&service, &req, || async {
            let page = service.list_articles(&caller, query).await?;
            let items = shape::apply(&service, &caller, &shaping, &page.items).await?;
            let body = ListBody {
                data: &items,
                page: PageInfo {
                    next_cursor: page.next_cursor,
                },
            };
            Ok(serde_json::to_vec(&body).unwrap_or_default())
        })
        .await?;
        return Ok(respond::read_bytes(&req, &caller, body, None));
    }
    let page = service.list_articles(&caller, query).await?;
    let items = shape::apply(&service, &caller, &shaping, &page.items).await?;
    let body = ListBody {
        data: &items,
        page: PageInfo {
            next_cursor: page.next_cursor,
        },
    };
    Ok(respond::read(&req, &caller, &body, None))
}

#[utoipa::path(
    get,
    path = "/api/v1/articles/{key}",
    tag = "articles",
    operation_id = "get_article",
    summary = "Get an article by id or slug",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ItemParams),
    responses(
        (status = 200, description = "the item", body = lectern_service::views::ArticleView, headers(("ETag" = String, description = "the version's validator"))),
        (status = 301, description = "moved: the item has a new slug; see Location", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("Location" = String, description = "the current slug"))),
        (status = 304, description = "not modified: your copy (If-None-Match) is current"),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn get(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
    params: web::Query<ItemParams>,
) -> ApiResult<HttpResponse> {
    let shaping = SHAPE.parse(
        present(params.fields.clone()).as_deref(),
        present(params.include.clone()).as_deref(),
    )?;
    if caller.sees_only_published() && shaping.is_plain() {
        let item = service.public_article(&key).await?;
        return Ok(respond::read_bytes(
            &req,
            &caller,
            item.json.as_bytes().to_vec(),
            None,
        ));
    }
    let article = service.get_article(&caller, &key).await?;
    let tag = etag(article.id, article.version);
    let mut items =
        shape::apply(&service, &caller, &shaping, std::slice::from_ref(&article)).await?;
    let item = items.pop().unwrap_or_default();
    Ok(respond::read(&req, &caller, &item, Some(tag)))
}

#[utoipa::path(
    post,
    path = "/api/v1/articles",
    tag = "articles",
    operation_id = "create_article",
    summary = "Create an article",
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "1 to 255 visible ASCII characters; a retry with the same key and body replays the first answer")),
    request_body(content = crate::openapi::ArticleCreate, content_type = "application/json"),
    responses(
        (status = 201, description = "created", body = lectern_service::views::ArticleView, headers(("Location" = String, description = "the new item"), ("ETag" = String, description = "its validator"))),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "conflict: a slug or email already taken, or the same Idempotency-Key in flight", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "the body is too large", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "the body is not application/json", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields, listed in errors", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn create(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    bytes: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let input: ArticleInput = body::json(&req, &bytes)?;
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let created = service
        .create_article_once(&caller, input, key, &request_digest(&bytes))
        .await
        .map_err(ApiError)?;
    Ok(respond::created(&created, "/api/v1/articles"))
}

/// The version `If-Match` names for this article; resolving the key first lets the header
/// carry the item's id.
async fn if_match(
    req: &HttpRequest,
    service: &Service,
    caller: &Caller,
    key: &str,
) -> ApiResult<Option<i64>> {
    if req.headers().get(header::IF_MATCH).is_none() {
        return Ok(None);
    }
    let id = match Uuid::parse_str(key) {
        Ok(id) => id,
        Err(_) => service.get_article(caller, key).await?.id,
    };
    Ok(if_match_version(req.headers(), id)?)
}

#[utoipa::path(
    patch,
    path = "/api/v1/articles/{key}",
    tag = "articles",
    operation_id = "update_article",
    summary = "Change an article (JSON merge patch)",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on")),
    request_body(content = crate::openapi::ArticleUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "the new version", body = lectern_service::views::ArticleView, headers(("ETag" = String, description = "the version's validator"))),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "conflict: a slug or email already taken, or the same Idempotency-Key in flight", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version: reload and retry", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "the body is too large", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "the body is not application/json", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields, listed in errors", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match (or version in the body) is required", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn update(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
    input: crate::extract::Json<ArticleInput>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req, &service, &caller, &key).await?;
    let article = service
        .update_article(&caller, &key, input.into_inner(), version)
        .await?;
    Ok(respond::write(
        StatusCode::OK,
        &article,
        Some(etag(article.id, article.version)),
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/articles/{key}",
    tag = "articles",
    operation_id = "delete_article",
    summary = "Delete an article",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on")),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version: reload and retry", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match (or version in the body) is required", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn delete(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req, &service, &caller, &key).await?;
    service.delete_article(&caller, &key, version).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    post,
    path = "/api/v1/articles/{key}/publish",
    tag = "articles",
    operation_id = "publish_article",
    summary = "Publish an article now or at publish_at",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on")),
    request_body(content = Option<crate::openapi::PublishRequest>, content_type = "application/json"),
    responses(
        (status = 200, description = "published, or scheduled when publish_at is in the future", body = lectern_service::views::ArticleView, headers(("ETag" = String, description = "the version's validator"))),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version: reload and retry", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "the body is too large", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "the body is not application/json", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields, listed in errors", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match (or version in the body) is required", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn publish(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let input: Option<PublishInput> = body::optional_json(&req, &bytes)?;
    let version = if_match(&req, &service, &caller, &key).await?;
    let at = input.and_then(|i| i.publish_at);
    let article = service
        .publish_article(&caller, &key, at, version)
        .await
        .map_err(ApiError)?;
    Ok(respond::write(
        StatusCode::OK,
        &article,
        Some(etag(article.id, article.version)),
    ))
}

async fn status_change(
    req: HttpRequest,
    service: web::Data<Service>,
    caller: Caller,
    key: String,
    action: StatusAction,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req, &service, &caller, &key).await?;
    let article = service
        .set_article_status(&caller, &key, action, version)
        .await?;
    Ok(respond::write(
        StatusCode::OK,
        &article,
        Some(etag(article.id, article.version)),
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/articles/{key}/unpublish",
    tag = "articles",
    operation_id = "unpublish_article",
    summary = "Take an article back to draft",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on")),
    responses(
        (status = 200, description = "the new version", body = lectern_service::views::ArticleView, headers(("ETag" = String, description = "the version's validator"))),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version: reload and retry", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match (or version in the body) is required", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn unpublish(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    status_change(
        req,
        service,
        caller,
        key.into_inner(),
        StatusAction::Unpublish,
    )
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/articles/{key}/archive",
    tag = "articles",
    operation_id = "archive_article",
    summary = "Archive an article",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on")),
    responses(
        (status = 200, description = "the new version", body = lectern_service::views::ArticleView, headers(("ETag" = String, description = "the version's validator"))),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version: reload and retry", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match (or version in the body) is required", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn archive(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    status_change(
        req,
        service,
        caller,
        key.into_inner(),
        StatusAction::Archive,
    )
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/articles/{key}/revisions",
    tag = "articles",
    operation_id = "list_article_revisions",
    summary = "List the revisions of an article",
    params(("key" = String, Path, description = "the item's id (UUID) or slug")),
    responses(
        (status = 200, description = "newest first", body = crate::openapi::RevisionList),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
async fn revisions(
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let list = service.list_revisions(&caller, Kind::Article, &key).await?;
    Ok(respond::write(
        StatusCode::OK,
        &serde_json::json!({ "data": list }),
        None,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/articles/{key}/revisions/{version}",
    tag = "articles",
    operation_id = "get_article_revision",
    summary = "One revision of an article, with its content",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("version" = i64, Path, description = "revision number, 1 at creation")),
    responses(
        (status = 200, description = "the revision", body = lectern_service::RevisionSnapshot),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
async fn revision(
    service: web::Data<Service>,
    Auth(caller): Auth,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (key, version) = path.into_inner();
    let rev = service
        .get_revision(&caller, Kind::Article, &key, version)
        .await?;
    Ok(respond::write(StatusCode::OK, &rev, None))
}

#[utoipa::path(
    post,
    path = "/api/v1/articles/{key}/revisions/{version}/restore",
    tag = "articles",
    operation_id = "restore_article_revision",
    summary = "Make an old revision current again, as a new version",
    params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("version" = i64, Path, description = "revision number, 1 at creation"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on")),
    responses(
        (status = 200, description = "the new version", body = lectern_service::views::ArticleView, headers(("ETag" = String, description = "the version's validator"))),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 403, description = "the caller may not do this", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such item, or one the caller may not know of", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 409, description = "conflict: a slug or email already taken, or the same Idempotency-Key in flight", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version: reload and retry", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match (or version in the body) is required", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid fields, listed in errors", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
async fn restore(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (key, version) = path.into_inner();
    let if_match = if_match(&req, &service, &caller, &key).await?;
    let article = service
        .restore_article_revision(&caller, &key, version, if_match)
        .await?;
    Ok(respond::write(
        StatusCode::OK,
        &article,
        Some(etag(article.id, article.version)),
    ))
}
