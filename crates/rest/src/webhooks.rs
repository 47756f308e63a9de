//! `/api/v1/webhooks`: signed event deliveries to other systems (admins only).

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use lectern_service::webhooks::WebhookInput;
use lectern_service::Service;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryParams {
    /// Deliveries per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/webhooks")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        web::resource("/webhooks/{id}")
            .route(web::get().to(get))
            .route(web::patch().to(update))
            .route(web::delete().to(delete)),
    )
    .service(web::resource("/webhooks/{id}/test").route(web::post().to(test)))
    .service(web::resource("/webhooks/{id}/deliveries").route(web::get().to(deliveries)))
    .service(
        web::resource("/webhooks/{id}/deliveries/{delivery}/redeliver")
            .route(web::post().to(redeliver)),
    );
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    operation_id = "create_webhook",
    summary = "Register a webhook (admins); the signing secret is in this answer only",
    description = "Deliveries are POSTs of a JSON event (`{id, event, created_at, data: {type, id, slug, version, item}}`, `item` being the published view, null for unpublications and deletions) with the headers `Lectern-Event`, `Lectern-Delivery` (the same on every retry: de-duplicate on it) and `Lectern-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" keyed with the secret>`. A 2xx answer acknowledges; anything else is retried with exponential backoff and jitter for 24 hours. Only changes to published content make events. URLs that resolve to loopback, private, link-local or reserved addresses are refused.",
    request_body(content = WebhookInput, content_type = "application/json"),
    responses(
        (status = 201, description = "created; `secret` is shown now and never again", body = lectern_service::webhooks::WebhookView, headers(("Location" = String, description = "the webhook"))),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::Body,
    ),
    security(("bearer" = [])),
)]
async fn create(
    service: web::Data<Service>,
    Auth(caller): Auth,
    input: crate::extract::Json<WebhookInput>,
) -> ApiResult<HttpResponse> {
    let hook = service.create_webhook(&caller, input.into_inner()).await?;
    Ok(respond::created_at(
        &hook,
        format!("/api/v1/webhooks/{}", hook.id),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    operation_id = "list_webhooks",
    summary = "List webhooks, without their secrets (admins)",
    responses(
        (status = 200, description = "the webhooks", body = crate::openapi::WebhookList),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
        crate::responses::Forbidden,
    ),
    security(("bearer" = [])),
)]
async fn list(service: web::Data<Service>, Auth(caller): Auth) -> ApiResult<HttpResponse> {
    let hooks = service.list_webhooks(&caller).await?;
    Ok(respond::ok(&serde_json::json!({ "data": hooks })))
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "get_webhook",
    summary = "One webhook, without its secret (admins)",
    params(("id" = uuid::Uuid, Path, description = "the webhook's id")),
    responses(
        (status = 200, description = "the webhook", body = lectern_service::webhooks::WebhookView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn get(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let hook = service.webhook(&caller, *id).await?;
    Ok(respond::ok(&hook))
}

#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "update_webhook",
    summary = "Change a webhook's URL, events, description or active flag (admins)",
    params(("id" = uuid::Uuid, Path, description = "the webhook's id")),
    request_body(content = WebhookInput, content_type = "application/json"),
    responses(
        (status = 200, description = "the webhook", body = lectern_service::webhooks::WebhookView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Body,
    ),
    security(("bearer" = [])),
)]
async fn update(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
    input: crate::extract::Json<WebhookInput>,
) -> ApiResult<HttpResponse> {
    let hook = service
        .update_webhook(&caller, *id, input.into_inner())
        .await?;
    Ok(respond::ok(&hook))
}

#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    operation_id = "delete_webhook",
    summary = "Delete a webhook, its log and its pending deliveries (admins)",
    params(("id" = uuid::Uuid, Path, description = "the webhook's id")),
    responses(
        (status = 204, description = "deleted"),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn delete(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service.delete_webhook(&caller, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/test",
    tag = "webhooks",
    operation_id = "test_webhook",
    summary = "Queue a signed `ping` delivery to try the receiver (admins)",
    params(("id" = uuid::Uuid, Path, description = "the webhook's id")),
    responses(
        (status = 202, description = "queued; follow it in the delivery log", body = lectern_service::webhooks::DeliveryView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn test(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let delivery = service.test_webhook(&caller, *id).await?;
    Ok(respond::write(StatusCode::ACCEPTED, &delivery, None))
}

#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    summary = "A webhook's delivery log, newest first (admins)",
    params(("id" = uuid::Uuid, Path, description = "the webhook's id"), DeliveryParams),
    responses(
        (status = 200, description = "the deliveries", body = lectern_service::webhooks::DeliveryPage),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn deliveries(
    service: web::Data<Service>,
    Auth(caller): Auth,
    id: web::Path<Uuid>,
    params: web::Query<DeliveryParams>,
) -> ApiResult<HttpResponse> {
    let page = service
        .webhook_deliveries(&caller, *id, params.limit, params.cursor.as_deref())
        .await?;
    Ok(respond::ok(&page))
}

#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
    tag = "webhooks",
    operation_id = "redeliver_webhook_delivery",
    summary = "Send a delivery again now, under the same delivery id (admins)",
    params(
        ("id" = uuid::Uuid, Path, description = "the webhook's id"),
        ("delivery" = uuid::Uuid, Path, description = "the delivery's id"),
    ),
    responses(
        (status = 202, description = "queued", body = lectern_service::webhooks::DeliveryView),
        crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
    ),
    security(("bearer" = [])),
)]
async fn redeliver(
    service: web::Data<Service>,
    Auth(caller): Auth,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery) = path.into_inner();
    let view = service.redeliver(&caller, id, delivery).await?;
    Ok(respond::write(StatusCode::ACCEPTED, &view, None))
}
