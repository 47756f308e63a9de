//! `/api/v1/technologies`

use crate::caller::Auth;
use crate::etag::{etag, if_match_version};
use crate::problem::ApiResult;
use crate::respond::{self, ListBody, PageInfo};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lectern_service::inputs::TechnologyInput;
use lectern_service::{Service, StatusAction, TechnologyQuery};
use serde::Deserialize;
use uuid::Uuid;

pub use crate::articles::NoParams;

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
}

impl From<ListParams> for TechnologyQuery {
    fn from(p: ListParams) -> Self {
        TechnologyQuery {
            limit: p.limit,
            cursor: p.cursor,
            sort: p.sort,
            status: p.status,
            kind: p.kind,
            published_after: p.published_after,
            published_before: p.published_before,
            updated_after: p.updated_after,
            q: p.q,
        }
    }
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
    .service(web::resource("/technologies/{key}/archive").route(web::post().to(archive)));
}

async fn list(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ListParams>,
) -> ApiResult<HttpResponse> {
    if caller.sees_only_published() {
        let page = service
            .public_technologies(params.into_inner().into())
            .await?;
        let body = respond::list_bytes(&page.items_json, page.next_cursor.as_deref());
        return Ok(respond::read_bytes(&req, &caller, body, None));
    }
    let page = service
        .list_technologies(&caller, params.into_inner().into())
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
    Ok(respond::read(&req, &caller, &item, Some(tag)))
}

async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: web::Json<TechnologyInput>,
) -> ApiResult<HttpResponse> {
    let item = service
        .create_technology(&caller, input.into_inner())
        .await?;
    let mut response = respond::write(
        StatusCode::CREATED,
        &item,
        Some(etag(item.id, item.version)),
    );
    if let Ok(location) =
        header::HeaderValue::from_str(&format!("/api/v1/technologies/{}", item.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The version `If-Match` names for this technology; resolving the key first lets the header
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

async fn status_change(
    req: HttpRequest,
    service: web::Data<Service>,
    caller: lectern_service::Caller,
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
