//! `/api/v1/me` and `/api/v1/users`.

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond::{self, ListBody, PageInfo};
use actix_web::{web, HttpResponse};
use lectern_service::{ProfileInput, Service, UserChangeInput, UserCreateInput};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<uuid::Uuid>)]
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

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "users",
    operation_id = "get_me",
    summary = "Your own account",
    responses(
        (status = 200, description = "you", body = lectern_service::views::UserView),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
        crate::responses::Forbidden,
    ),
    security(("bearer" = [])),
)]
async fn me(service: web::Data<Service>, Auth(caller): Auth) -> ApiResult<HttpResponse> {
    Ok(respond::ok(&service.me(&caller).await?))
}

#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "users",
    operation_id = "update_me",
    summary = "Change your display name or password",
    request_body(content = lectern_service::ProfileInput, content_type = "application/json"),
    responses(
        (status = 200, description = "you", body = lectern_service::views::UserView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::Body,
    ),
    security(("bearer" = [])),
)]
async fn update_me(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: crate::extract::Json<ProfileInput>,
) -> ApiResult<HttpResponse> {
    Ok(respond::ok(
        &service.update_me(&caller, input.into_inner()).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    operation_id = "list_users",
    summary = "List users (admins)",
    params(ListParams),
    responses(
        (status = 200, description = "a page", body = crate::openapi::UserList),
        crate::responses::Common, crate::responses::Forbidden,
    ),
    security(("bearer" = [])),
)]
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
    Ok(respond::ok(&body))
}

#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    operation_id = "create_user",
    summary = "Create a user (admins)",
    request_body(content = lectern_service::UserCreateInput, content_type = "application/json"),
    responses(
        (status = 201, description = "created", body = lectern_service::views::UserView, headers(("Location" = String, description = "the new user"))),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::Conflict, crate::responses::Body,
    ),
    security(("bearer" = [])),
)]
async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: crate::extract::Json<UserCreateInput>,
) -> ApiResult<HttpResponse> {
    let user = service.create_user_as(&caller, input.into_inner()).await?;
    Ok(respond::created_at(
        &user,
        format!("/api/v1/users/{}", user.id),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    operation_id = "get_user",
    summary = "One user (admins)",
    params(("id" = uuid::Uuid, Path, description = "the user's id")),
    responses(
        (status = 200, description = "the user", body = lectern_service::views::UserView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn get(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(respond::ok(&service.get_user(&caller, *id).await?))
}

#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    operation_id = "update_user",
    summary = "Change a user's role, status or name (admins)",
    params(("id" = uuid::Uuid, Path, description = "the user's id")),
    request_body(content = lectern_service::UserChangeInput, content_type = "application/json"),
    responses(
        (status = 200, description = "the user", body = lectern_service::views::UserView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Conflict, crate::responses::Body,
    ),
    security(("bearer" = [])),
)]
async fn update(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
    input: crate::extract::Json<UserChangeInput>,
) -> ApiResult<HttpResponse> {
    Ok(respond::ok(
        &service
            .update_user(&caller, *id, input.into_inner())
            .await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    operation_id = "delete_user",
    summary = "Delete a user who wrote nothing (admins)",
    params(("id" = uuid::Uuid, Path, description = "the user's id")),
    responses(
        (status = 204, description = "deleted"),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Conflict,
    ),
    security(("bearer" = [])),
)]
async fn delete(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service.delete_user(&caller, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
