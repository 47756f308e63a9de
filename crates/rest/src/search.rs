//! `GET /api/v1/search`: ranked full-text search over articles and technology profiles.

use crate::caller::Auth;
use crate::problem::ApiResult;
use crate::respond;
use actix_web::{web, HttpResponse};
use lectern_service::Service;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The words to find (all of them; the last also as a prefix). Query syntax is not
    /// interpreted: quotes, operators and wildcards are ignored.
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// Only `article` or only `technology` results.
    #[serde(rename = "type")]
    #[param(rename = "type", pattern = "^(article|technology)$")]
    pub entity_type: Option<String>,
    /// Results per page, 1 to 50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 64, pattern = r"^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// The locale to search, with its language's stemming (default: `Accept-Language`, else
    /// the default locale). One locale at a time: no fallback.
    #[param(
        max_length = 35,
        pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$"
    )]
    pub locale: Option<String>,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/search").route(web::get().to(search)));
}

#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    operation_id = "search",
    summary = "Search titles, summaries, bodies, names and tags, best matches first",
    description = "Matches every word of `q` (the last one also as a prefix) in titles and names (weighted most), tags and summaries, then bodies. Each hit has an HTML-escaped `snippet` with the matches in `<mark>`. Anonymous callers and `read` tokens find published content only; authors also their own drafts; editors everything.",
    params(SearchParams),
    responses(
        (status = 200, description = "the hits", body = SearchList),
        (status = 400, description = "malformed request: a bad parameter or cursor", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 401, description = "missing or invalid credentials", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 422, description = "invalid fields, listed in errors", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "a locale this server does not have", body = crate::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "the database is unavailable", body = crate::openapi::Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = [])),
)]
async fn search(
    req: actix_web::HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    params: web::Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let accept =
        (req.headers().get(actix_web::http::header::ACCEPT_LANGUAGE)).and_then(|v| v.to_str().ok());
    let service = service.in_locale(params.locale.as_deref(), accept, false)?;
    let page = service
        .search(
            &caller,
            &params.q,
            params.entity_type.as_deref(),
            params.limit,
            params.cursor.as_deref(),
        )
        .await?;
    let list = SearchList {
        data: page.data,
        page: crate::openapi::PageInfo {
            next_cursor: page.next_cursor,
        },
    };
    Ok(respond::ok(&list))
}

/// A page of hits, shaped like every other list.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SearchList {
    pub data: Vec<lectern_service::search::SearchHit>,
    pub page: crate::openapi::PageInfo,
}
