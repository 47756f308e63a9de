//! `/api/v1/auth`: login, refresh, logout.

use crate::problem::ApiResult;
use crate::respond;
use actix_web::{web, HttpRequest, HttpResponse};
use lectern_service::Service;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(examples(json!({"email": "editor@example.com", "password": "correct horse battery staple"})))]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshInput {
    pub refresh_token: String,
}

pub use lectern_service::client::TrustedProxies;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/auth/login").route(web::post().to(login)))
        .service(web::resource("/auth/refresh").route(web::post().to(refresh)))
        .service(web::resource("/auth/logout").route(web::post().to(logout)));
}

/// The client's address, as the service's throttles count it.
pub fn client_address(req: &HttpRequest) -> String {
    let trusted = req
        .app_data::<web::Data<TrustedProxies>>()
        .map(|t| t.get_ref().clone())
        .unwrap_or_default();
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    lectern_service::client::client_address(req.peer_addr().map(|a| a.ip()), forwarded, &trusted)
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    operation_id = "login",
    summary = "Log in with email and password",
    request_body(content = LoginInput, content_type = "application/json"),
    responses(
        (status = 200, description = "a token pair", body = lectern_service::TokenPair),
        (status = 429, description = "too many failed logins; see Retry-After", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("Retry-After" = String, description = "seconds to wait"))),
        crate::responses::Common, crate::responses::Body,
    ),
    security(()),
)]
async fn login(
    req: HttpRequest,
    service: web::Data<Service>,
    input: crate::extract::Json<LoginInput>,
) -> ApiResult<HttpResponse> {
    let pair = service
        .login(&input.email, &input.password, &client_address(&req))
        .await?;
    Ok(respond::ok(&pair))
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    operation_id = "refresh",
    summary = "Trade a refresh token for a new pair",
    request_body(content = RefreshInput, content_type = "application/json"),
    responses(
        (status = 200, description = "a new token pair; the old refresh token is retired", body = lectern_service::TokenPair),
        crate::responses::Common, crate::responses::Body,
    ),
    security(()),
)]
async fn refresh(
    service: web::Data<Service>,
    input: crate::extract::Json<RefreshInput>,
) -> ApiResult<HttpResponse> {
    let pair = service.refresh(&input.refresh_token).await?;
    Ok(respond::ok(&pair))
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    operation_id = "logout",
    summary = "End the session of a refresh token",
    request_body(content = RefreshInput, content_type = "application/json"),
    responses(
        (status = 204, description = "logged out"),
        (status = 400, description = "malformed request: a bad parameter, cursor or JSON", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
        crate::responses::Body,
    ),
    security(()),
)]
async fn logout(
    service: web::Data<Service>,
    input: crate::extract::Json<RefreshInput>,
) -> ApiResult<HttpResponse> {
    service.logout(&input.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
