//! `/api/v1/technologies`

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
use lectern_service::inputs::TechnologyInput;
use lectern_service::{Caller, Kind, Service, StatusAction, TechnologyQuery};
use serde::Deserialize;
use uuid::Uuid;

/// Query parameters of the technology list; anything else is a 400.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    pub sort: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub q: Option<String>,
    /// Comma-separated fields to return, e.g. `id,slug,name`.
    pub fields: Option<String>,
    /// Comma-separated relations to embed in full: `related_technologies`.
    pub include: Option<String>,
}

impl ListParams {
    fn split(self) -> (TechnologyQuery, Option<String>, Option<String>) {
        let query = TechnologyQuery {
            limit: self.limit,
            cursor: self.cursor,
            sort: self.sort,
            status: self.status,
            kind: self.kind,
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
        web::resource("/technologies")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/technologies/{key}")
            .route(web::get().to(get))
            .route(web::patch().to(update))
            .route(web::delete().to(delete)),
    )
    .service(web::resource("/technologies/{key}/publish").route(web::post().to(publish)))
    .service(web::resource("/technologies/{key}/unpublish").route(web::post().to(unpublish)))
    .service(web::resource("/technologies/{key}/archive").route(web::post().to(archive)))
    .service(web::resource("/technologies/{key}/revisions").route(web::get().to(revisions)))
    .service(
        web::resource("/technologies/{key}/revisions/{version}").route(web::get().to(revision)),
    )
    .service(
        web::resource("/technologies/{key}/revisions/{version}/restore")
            .route(web::post().to(restore)),
    );
}

const SHAPE: Shape = Shape::TECHNOLOGY;

async fn list(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ListParams>,
) -> ApiResult<HttpResponse> {
    let (query, fields, include) = params.into_inner().split();
    let shaping = SHAPE.parse(fields.as_deref(), include.as_deref())?;
    if caller.sees_only_published() && shaping.is_plain() {
        let page = service.public_technologies(query).await?;
        let body = respond::list_bytes(&page.items_json, page.next_cursor.as_deref());
        return Ok(respond::read_bytes(&req, &caller, body, None));
    }
    let page = service.list_technologies(&caller, query).await?;
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
        let item = service.public_technology(&key).await?;
        return Ok(respond::read_bytes(
            &req,
            &caller,
            item.json.as_bytes().to_vec(),
            None,
        ));
    }
    let item = service.get_technology(&caller, &key).await?;
    let tag = etag(item.id, item.version);
    let mut items = shape::apply(&service, &caller, &shaping, std::slice::from_ref(&item)).await?;
    let item = items.pop().unwrap_or_default();
    Ok(respond::read(&req, &caller, &item, Some(tag)))
}

async fn create(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    bytes: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let input: TechnologyInput = body::json(&req, &bytes)?;
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let created = service
        .create_technology_once(&caller, input, key, &request_digest(&bytes))
        .await
        .map_err(ApiError)?;
    Ok(respond::created(&created, "/api/v1/technologies"))
}

/// The version `If-Match` names for this technology; resolving the key first lets the header
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
        Err(_) => service.get_technology(caller, key).await?.id,
    };
    Ok(if_match_version(req.headers(), id)?)
}

async fn update(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
    input: web::Json<TechnologyInput>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req, &service, &caller, &key).await?;
    let item = service
        .update_technology(&caller, &key, input.into_inner(), version)
        .await?;
    Ok(respond::write(
        StatusCode::OK,
        &item,
        Some(etag(item.id, item.version)),
    ))
}

async fn delete(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let version = if_match(&req, &service, &caller, &key).await?;
    service.delete_technology(&caller, &key, version).await?;
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
    let item = service
        .publish_technology(&caller, &key, at, version)
        .await
        .map_err(ApiError)?;
    Ok(respond::write(
        StatusCode::OK,
        &item,
        Some(etag(item.id, item.version)),
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
    let item = service
        .set_technology_status(&caller, &key, action, version)
        .await?;
    Ok(respond::write(
        StatusCode::OK,
        &item,
        Some(etag(item.id, item.version)),
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
    let list = service
        .list_revisions(&caller, Kind::Technology, &key)
        .await?;
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
        .get_revision(&caller, Kind::Technology, &key, version)
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
    let item = service
        .restore_technology_revision(&caller, &key, version, if_match)
        .await?;
    Ok(respond::write(
        StatusCode::OK,
        &item,
        Some(etag(item.id, item.version)),
    ))
}
