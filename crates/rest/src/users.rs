//! `/api/v1/me` and `/api/v1/users`.

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond::{self, ListBody, PageInfo};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use lectern_service::{ProfileInput, Service, UserChangeInput, UserCreateInput};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/me")
            .route(web::get().to(me))
            .route(web::patch().to(update_me)),
    )
    .service(
        web::resource("/users")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/users/{id}")
            .route(web::get().to(get))
            .route(web::patch().to(update))
            .route(web::delete().to(delete)),
    );
}

async fn me(service: web::Data<Service>, Auth(caller): Auth) -> ApiResult<HttpResponse> {
    Ok(respond::write(
        StatusCode::OK,
        &service.me(&caller).await?,
        None,
    ))
}

async fn update_me(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: web::Json<ProfileInput>,
) -> ApiResult<HttpResponse> {
    Ok(respond::write(
        StatusCode::OK,
        &service.update_me(&caller, input.into_inner()).await?,
        None,
    ))
}

async fn list(
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ListParams>,
) -> ApiResult<HttpResponse> {
    let page = service
        .list_users(&caller, params.limit, params.cursor.as_deref())
        .await?;
    let body = ListBody {
        data: &page.items,
        page: PageInfo {
            next_cursor: page.next_cursor,
        },
    };
    Ok(respond::write(StatusCode::OK, &body, None))
}

async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: web::Json<UserCreateInput>,
) -> ApiResult<HttpResponse> {
    let user = service.create_user_as(&caller, input.into_inner()).await?;
    let mut response = respond::write(StatusCode::CREATED, &user, None);
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/v1/users/{}", user.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn get(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(respond::write(
        StatusCode::OK,
        &service.get_user(&caller, *id).await?,
        None,
    ))
}

async fn update(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
    input: web::Json<UserChangeInput>,
) -> ApiResult<HttpResponse> {
    Ok(respond::write(
        StatusCode::OK,
        &service
            .update_user(&caller, *id, input.into_inner())
            .await?,
        None,
    ))
}

async fn delete(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service.delete_user(&caller, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
