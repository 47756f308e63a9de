//! `/api/v1/articles`

use crate::caller::Auth;
use crate::etag::{etag, if_match_version};
use crate::problem::ApiResult;
use crate::respond::{self, ListBody, PageInfo};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lectern_service::inputs::ArticleInput;
use lectern_service::{ArticleQuery, Service, StatusAction};
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
}

impl From<ListParams> for ArticleQuery {
    fn from(p: ListParams) -> Self {
        ArticleQuery {
            limit: p.limit,
            cursor: p.cursor,
            sort: p.sort,
            status: p.status,
            tag: p.tag,
            technology: p.technology,
            author: p.author,
            published_after: p.published_after,
            published_before: p.published_before,
            updated_after: p.updated_after,
            q: p.q,
        }
    }
}

/// No query parameters are accepted on item routes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

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
    .service(web::resource("/articles/{key}/archive").route(web::post().to(archive)));
}

async fn list(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ListParams>,
) -> ApiResult<HttpResponse> {
    if caller.sees_only_published() {
        let page = service.public_articles(params.into_inner().into()).await?;
        let body = respond::list_bytes(&page.items_json, page.next_cursor.as_deref());
        return Ok(respond::read_bytes(&req, &caller, body, None));
    }
    let page = service
        .list_articles(&caller, params.into_inner().into())
        .await?;
    let body = ListBody {
        data: &page.items,
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
    _: web::Query<NoParams>,
) -> ApiResult<HttpResponse> {
    if caller.sees_only_published() {
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
    Ok(respond::read(&req, &caller, &article, Some(tag)))
}

async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: web::Json<ArticleInput>,
) -> ApiResult<HttpResponse> {
    let article = service.create_article(&caller, input.into_inner()).await?;
    let mut response = respond::write(
        StatusCode::CREATED,
        &article,
        Some(etag(article.id, article.version)),
    );
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/v1/articles/{}", article.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The version `If-Match` names for this article; resolving the key first lets the header
/// carry the item's id.
async fn if_match(
    req: &HttpRequest,
    service: &Service,
    caller: &lectern_service::Caller,
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

async fn status_change(
    req: HttpRequest,
    service: web::Data<Service>,
    caller: lectern_service::Caller,
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

async fn publish(
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
        StatusAction::Publish,
    )
    .await
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
