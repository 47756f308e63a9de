//! `GET /api/v1/export`: the published content as one streamed NDJSON document, for build
//! tools that would rather read one response than page through the sync API.

use crate::caller::Auth;
use crate::problem::ApiResult;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use lectern_service::sync::SyncPage;
use lectern_service::Service;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// The `next_sync_token` of an earlier export's last line: only what changed since.
    #[param(max_length = 512, pattern = r"^[A-Za-z0-9_-]*$")]
    pub since: Option<String>,
    /// Only these locales, comma-separated (default: every locale). Each translation is an
    /// entry of its own, with its `locale`; a token carries on with the same locales only.
    #[param(
        max_length = 200,
        pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(,[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)*)?$"
    )]
    pub locales: Option<String>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/export").route(web::get().to(export)));
}

fn lines(page: &SyncPage, count: &mut u64) -> Bytes {
    let mut out = Vec::with_capacity(page.items.len() * 2048);
    for item in &page.items {
        // An entry serialises infallibly (strings, ids, dates and a JSON value).
        if serde_json::to_writer(&mut out, item).is_ok() {
            out.push(b'\n');
            *count += 1;
        }
    }
    if !page.has_more {
        let end = serde_json::json!({
            "type": "end",
            "count": *count,
            "next_sync_token": page.next_sync_token,
        });
        let _ = serde_json::to_writer(&mut out, &end);
        out.push(b'\n');
    }
    Bytes::from(out)
}

#[utoipa::path(
    get,
    path = "/api/v1/export",
    tag = "sync",
    operation_id = "export",
    summary = "All published content as streamed NDJSON, or what changed since an earlier export",
    description = "One JSON object per line, in the sync API's entry format (`{type, op, id, slug, item}` for upserts, `{type, op: \"delete\", id, slug, deleted_at}` for removals), streamed page by page so memory stays flat on both ends. The last line is always `{\"type\": \"end\", \"count\": N, \"next_sync_token\": \"...\"}`: a stream that ends without it was cut short and must be fetched again. Pass that token as `since` next time for only the changes. Published content only, whoever asks; needs an API token (a `read` token suffices) or a login.",
    params(ExportParams),
    responses(
        (status = 200, description = "NDJSON lines", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "malformed request: a bad parameter or sync token", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 410, description = "the token is older than the kept change history: export everything again", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "a locale this server does not have", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
async fn export(
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<ExportParams>,
) -> ApiResult<HttpResponse> {
    // The first page is read before answering, so a bad token or a missing login is a
    // proper error status rather than a broken stream.
    let locales = crate::locales::listed(params.locales.as_deref());
    let service = std::sync::Arc::new(service.for_locales(&locales)?);
    let first = service
        .export_page(&caller, params.since.as_deref())
        .await?;
    let stream = futures_util::stream::unfold((Some(first), 0u64), move |(page, mut count)| {
        let service = service.clone();
        async move {
            let page = page?;
            let chunk = lines(&page, &mut count);
            let next = if page.has_more {
                match service
                    .export_page(&caller, Some(&page.next_sync_token))
                    .await
                {
                    Ok(next) => Some(next),
                    Err(e) => {
                        // The headers are sent: end without the `end` line, which tells the
                        // client the export is incomplete.
                        tracing::warn!(error = %lectern_service::Chain(&e), "export stream cut short");
                        None
                    }
                }
            } else {
                None
            };
            Some((Ok::<_, actix_web::Error>(chunk), (next, count)))
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson")
        .insert_header(("cache-control", "no-store"))
        .streaming(stream))
}
