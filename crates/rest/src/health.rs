//! Liveness and readiness.

use crate::problem::ApiResult;
use actix_web::{web, HttpResponse};
use lectern_service::Service;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// The process is up and serving.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(serde_json::json!({"status": "ok"}))
}

/// The database answers; 503 problem+json otherwise.
async fn readyz(service: web::Data<Service>) -> ApiResult<HttpResponse> {
    service.ready().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(serde_json::json!({"status": "ready"})))
}
