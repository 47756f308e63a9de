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

/// Query parameters of the article list; anything else is a 400.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub sort: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    pub technology: Option<String>,
    pub author: Option<Uuid>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub q: Option<String>,
    /// Comma-separated fields to return, e.g. `id,slug,title`.
    pub fields: Option<String>,
    /// Comma-separated relations to embed in full: `author`, `technologies`.
    pub include: Option<String>,
}

impl ListParams {
    fn split(self) -> (ArticleQuery, Option<String>, Option<String>) {
        let query = ArticleQuery {
            limit: self.limit,
            cursor: self.cursor,
            sort: self.sort,
            status: self.status,
            tag: self.tag,
            technology: self.technology,
            author: self.author,
            published_after: self.published_after,
            published_before: self.published_before,
            updated_after: self.updated_after,
            q: self.q,
        };
        (query, self.fields, self.include)
    }
}

/// Item routes accept only `fields` and `include`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    pub fields: Option<String>,
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

async fn list(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ListParams>,
) -> ApiResult<HttpResponse> {
    let (query, fields, include) = params.into_inner().split();
    let shaping = SHAPE.parse(fields.as_deref(), include.as_deref())?;
    if caller.sees_only_published() && shaping.is_plain() {
        let page = service.public_articles(query).await?;
        let body = respond::list_bytes(&page.items_json, page.next_cursor.as_deref());
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

async fn get(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
    params: web::Query<ItemParams>,
) -> ApiResult<HttpResponse> {
    let shaping = SHAPE.parse(params.fields.as_deref(), params.include.as_deref())?;
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

async fn update(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
    input: web::Json<ArticleInput>,
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
