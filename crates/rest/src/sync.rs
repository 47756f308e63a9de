//! `/api/v1/sync`: delta sync for static site generators and mirrors.

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond;
use actix_web::{web, HttpResponse};
use lectern_service::Service;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SyncParams {
    /// `next_sync_token` of an earlier page; without it a full sync starts.
    #[param(max_length = 512, pattern = r"^[A-Za-z0-9_-]*$")]
    pub token: Option<String>,
    /// Entries per page, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Only these locales, comma-separated (default: every locale). Each translation is an
    /// entry of its own, with its `locale`; a token carries on with the same locales only.
    #[param(
        max_length = 200,
        pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(,[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)*)?$"
    )]
    pub locales: Option<String>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/sync").route(web::get().to(sync)));
}

#[utoipa::path(
    get,
    path = "/api/v1/sync",
    tag = "sync",
    operation_id = "sync",
    summary = "Everything the caller may read, then only what changed since a token",
    description = "Without `token`, pages through every item the caller may read (articles, then technologies). Each page returns `next_sync_token`; follow it while `has_more` is true. Keep the last token: later, `?token=` returns only the items changed since, in change order, upserts in full and deletions, unpublications and archivals as `delete` entries. A `read` token or an anonymous caller never sees a draft.",
    params(SyncParams),
    responses(
        (status = 200, description = "a page of the sync", body = lectern_service::sync::SyncPage),
        (status = 400, description = "malformed request: a bad parameter or sync token", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 410, description = "the token is older than the kept change history: start a full sync", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "a locale this server does not have", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn sync(
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<SyncParams>,
) -> ApiResult<HttpResponse> {
    let locales = crate::locales::listed(params.locales.as_deref());
    let service = service.for_locales(&locales)?;
    let page = service
        .sync(&caller, params.token.as_deref(), params.limit)
        .await?;
    Ok(respond::ok(&page))
}
