//! Liveness and readiness.

use crate::problem::ApiResult;
use actix_web::{web, HttpResponse};
use lectern_service::Service;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(healthz)))
        .service(web::resource("/readyz").route(web::get().to(readyz)));
}

/// The process is up and serving.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "healthz",
    summary = "The process is up",
    responses(
        (status = 200, description = "up", body = crate::openapi::Status),
    ),
    security(()),
)]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(serde_json::json!({"status": "ok"}))
}

/// The database answers; 503 problem+json otherwise.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "readyz",
    summary = "The database answers",
    responses(
        (status = 200, description = "ready", body = crate::openapi::Status),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
async fn readyz(service: web::Data<Service>) -> ApiResult<HttpResponse> {
    service.ready().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(serde_json::json!({"status": "ready"})))
}
