//! `/api/v1/tokens`: API tokens for build tools and integrations (admins only).

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use lectern_service::Service;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
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

async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: web::Json<CreateInput>,
) -> ApiResult<HttpResponse> {
    let token = service
        .create_api_token(&caller, &input.name, &input.scope, input.expires_at)
        .await?;
    let mut response = respond::write(StatusCode::CREATED, &token, None);
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/v1/tokens/{}", token.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn list(service: web::Data<Service>, Auth(caller): Auth) -> ApiResult<HttpResponse> {
    let tokens = service.list_api_tokens(&caller).await?;
    Ok(respond::write(
        StatusCode::OK,
        &serde_json::json!({ "data": tokens }),
        None,
    ))
}

async fn revoke(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service.revoke_api_token(&caller, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
