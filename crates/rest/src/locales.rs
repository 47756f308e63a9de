//! Locales over REST: `?locale=` (or `Accept-Language`) chooses the locale of a read, with
//! `fallback=false` for that locale only; writes act on the entry unless `?locale=` names a
//! translation. `PUT /{collection}/{key}/locales/{locale}` creates or changes a translation,
//! and `GET /locales` lists what is configured.

use crate::caller::Auth;
use crate::etag::etag;
use crate::problem::{ApiError, ApiResult};
use crate::respond;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use lectern_service::content::ViewMeta;
use lectern_service::{Error, Service};
use serde::{Deserialize, Serialize};

/// The locale parameters every content route takes.
#[derive(Debug, Default, Deserialize)]
pub struct LocaleParams {
    pub locale: Option<String>,
    pub fallback: Option<bool>,
}

/// The service scoped to the request's locale. Reads negotiate `Accept-Language` when no
/// `locale` is given and fall back unless `fallback=false`; writes never guess.
pub struct InLocale(pub Service);

impl std::ops::Deref for InLocale {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.0
    }
}

impl FromRequest for InLocale {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(scoped(req).map(InLocale).map_err(|e| ApiError(e).into()))
    }
}

fn scoped(req: &HttpRequest) -> Result<Service, Error> {
    let service = req
        .app_data::<web::Data<Service>>()
        .ok_or_else(|| Error::Internal("no service".into()))?;
    let params = web::Query::<LocaleParams>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| Error::bad_request(lectern_service::Code::InvalidParameter, e.to_string()))?;
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    let accept = (req.headers().get(header::ACCEPT_LANGUAGE))
        .and_then(|v| v.to_str().ok())
        .filter(|_| reading);
    let fallback = reading && params.fallback.unwrap_or(true);
    service.in_locale(params.locale.as_deref(), accept, fallback)
}

/// The locales a `locales=` parameter names (none when absent or empty); an empty item
/// among them reaches the service, which refuses it.
pub fn listed(raw: Option<&str>) -> Vec<&str> {
    match raw {
        None | Some("") => vec![],
        Some(raw) => raw.split(',').collect(),
    }
}

/// `Content-Language` of a view's JSON: the `locale` it says it is in.
pub fn content_language(mut response: HttpResponse, json: &[u8]) -> HttpResponse {
    let marker = b"\"locale\":\"";
    let at = json.windows(marker.len()).position(|w| w == marker);
    let tag = at.and_then(|at| {
        let rest = &json[at + marker.len()..];
        let end = rest.iter().position(|b| *b == b'"')?;
        std::str::from_utf8(&rest[..end]).ok()
    });
    if let Some(value) = tag.and_then(|t| header::HeaderValue::from_str(t).ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_LANGUAGE, value);
    }
    response
}

/// A configured locale.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(examples(json!({"locale": "de-CH", "default": false, "fallbacks": ["de", "en"], "text_search": "german"})))]
pub struct LocaleInfo {
    /// Its BCP 47 tag.
    pub locale: String,
    /// Whether it is the default: the language of every entry.
    pub default: bool,
    /// Where reads in it fall back to, in order.
    pub fallbacks: Vec<String>,
    /// The PostgreSQL text search configuration its search stems with (`simple`: none).
    pub text_search: String,
}

/// The configured locales.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocaleList {
    pub data: Vec<LocaleInfo>,
}

pub fn locale_list(service: &Service) -> LocaleList {
    let locales = service.locales();
    LocaleList {
        data: locales
            .all()
            .map(|l| LocaleInfo {
                locale: l.to_string(),
                default: locales.is_default(l),
                fallbacks: locales.fallbacks(l).iter().map(|f| f.to_string()).collect(),
                text_search: lectern_service::content::text_search_config(l.as_str()).into(),
            })
            .collect(),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/locales",
    tag = "locales",
    operation_id = "list_locales",
    summary = "The configured locales, the default first",
    responses(
        (status = 200, description = "the locales", body = LocaleList),
        crate::responses::Common,
    ),
    security((), ("bearer" = [])),
)]
pub async fn list(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
) -> HttpResponse {
    respond::read(&req, &caller, &locale_list(&service), None)
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/locales").route(web::get().to(list)));
}

/// A translatable type's translation route, under its collection (relative to `/api/v1`).
pub fn mount_translations<T: crate::content::RestType>(cfg: &mut web::ServiceConfig) {
    let name = T::COLLECTION.trim_start_matches("/api/v1");
    let at = |rest: &str| format!("{name}{rest}");
    cfg.service(web::resource(at("/{key}/locales/{locale}")).route(web::put().to(put::<T>)));
}

/// Creates (201) or changes (200) the translation of an item in a locale.
pub async fn put<T: crate::content::RestType>(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    path: web::Path<(String, String)>,
    input: crate::extract::Json<T::Input>,
) -> ApiResult<HttpResponse> {
    let (key, locale) = path.into_inner();
    service.check_writer::<T>(&caller)?;
    let version = crate::content::if_match::<T>(&req, &service, &caller, &key).await?;
    let (view, created) = service
        .put_translation::<T>(&caller, &key, &locale, input.into_inner(), version)
        .await?;
    let status = match created {
        true => StatusCode::CREATED,
        false => StatusCode::OK,
    };
    let tag = etag(view.id(), view.version());
    let response = respond::write(status, &view, Some(tag));
    let json = serde_json::to_vec(&view).unwrap_or_default();
    Ok(content_language(response, &json))
}
