//! `/api/v1/tokens`: API tokens for build tools and integrations (admins only).

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use lectern_service::Service;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(examples(json!({"name": "Eleventy build", "scope": "read"})))]
#[serde(deny_unknown_fields)]
pub struct CreateInput {
    pub name: String,
    /// `read`, `preview` or `write`.
    pub scope: String,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/tokens")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(web::resource("/tokens/{id}").route(web::delete().to(revoke)));
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "tokens",
    operation_id = "create_token",
    summary = "Create an API token (admins); the secret is shown once",
    request_body(content = CreateInput, content_type = "application/json"),
    responses(
        (status = 201, description = "created", body = lectern_service::CreatedApiToken, headers(("Location" = String, description = "the token"))),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::Body,
    ),
    security(("bearer" = [])),
)]
async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: crate::extract::Json<CreateInput>,
) -> ApiResult<HttpResponse> {
    let token = service
        .create_api_token(&caller, &input.name, &input.scope, input.expires_at)
        .await?;
    Ok(respond::created_at(
        &token,
        format!("/api/v1/tokens/{}", token.id),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "tokens",
    operation_id = "list_tokens",
    summary = "List API tokens without their secrets (admins)",
    responses(
        (status = 200, description = "the tokens", body = crate::openapi::TokenList),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
        crate::responses::Forbidden,
    ),
    security(("bearer" = [])),
)]
async fn list(service: web::Data<Service>, Auth(caller): Auth) -> ApiResult<HttpResponse> {
    let tokens = service.list_api_tokens(&caller).await?;
    Ok(respond::ok(&serde_json::json!({ "data": tokens })))
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "tokens",
    operation_id = "revoke_token",
    summary = "Revoke an API token at once (admins)",
    params(("id" = uuid::Uuid, Path, description = "the token's id")),
    responses(
        (status = 204, description = "revoked"),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn revoke(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service.revoke_api_token(&caller, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
