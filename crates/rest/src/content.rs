//! The REST face of every content type: one set of handlers, generic over the type, and the
//! `content_routes!` macro that gives each type its documented routes (OpenAPI needs one
//! concrete function per operation; each is a line that calls the generic handler).

use crate::body;
use crate::caller::Auth;
use crate::etag::{etag, if_match_version};
use crate::locales::{content_language, InLocale};
use crate::problem::{ApiError, ApiResult};
use crate::respond::{self, ListBody, PageInfo};
use crate::shape::{self, Shape};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lectern_service::content::ViewMeta;
use lectern_service::{request_digest, Caller, ContentType, ListQuery, Service, StatusAction};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::future::Future;
use uuid::Uuid;

/// An empty query parameter means the same as a missing one.
pub fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// A list request split into the service's query and the answer's shape.
pub struct ListRequest<P> {
    pub query: ListQuery<P>,
    pub fields: Option<String>,
    pub include: Option<String>,
}

impl ListRequest<()> {
    /// The request with the type's own parameters.
    pub fn with<P>(self, extra: P) -> ListRequest<P> {
        let q = self.query;
        ListRequest {
            query: ListQuery {
                limit: q.limit,
                cursor: q.cursor,
                sort: q.sort,
                status: q.status,
                published_after: q.published_after,
                published_before: q.published_before,
                updated_after: q.updated_after,
                q: q.q,
                filter: q.filter,
                extra,
            },
            fields: self.fields,
            include: self.include,
        }
    }
}

/// A type's query parameters: those of every list, its own (`extra`, between `status` and
/// the dates, as they are documented), and the `fields`/`include` patterns of its shape.
/// Declares `ListParams` (with `split`, into the common request and the type's own fields,
/// `Extra`) and `ItemParams`.
// Used in this crate only, so `crate::` names this crate's types.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! content_params {
    (q = $q_doc:tt, fields = $fields_doc:tt $fields:tt,
     include = $include_doc:tt $item_include_doc:tt $include:tt,
     extra { $($(#[$m:meta])* $name:ident: $ty:ty),* $(,)? }) => {
        /// Query parameters of the list; anything else is a 400.
        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        #[serde(deny_unknown_fields)]
        pub struct ListParams {
            /// Items per page, 1 to 100 (default 20).
            #[param(minimum = 1, maximum = 100)]
            pub limit: Option<i64>,
            /// `next_cursor` of the previous page (opaque; a cursor is valid only with the same sort).
            #[param(max_length = 1024, pattern = r"^[A-Za-z0-9_-]*$")]
            pub cursor: Option<String>,
            /// A field, with a leading `-` for descending order.
            pub sort: Option<String>,
            /// Only items in this status (anything but `published` needs an editor or a preview token).
            pub status: Option<String>,
            $($(#[$m])* pub $name: $ty,)*
            #[serde(default, deserialize_with = "crate::extract::instant")]
            #[param(value_type = Option<String>)]
            pub published_after: Option<chrono::DateTime<chrono::Utc>>,
            #[serde(default, deserialize_with = "crate::extract::instant")]
            #[param(value_type = Option<String>)]
            pub published_before: Option<chrono::DateTime<chrono::Utc>>,
            #[serde(default, deserialize_with = "crate::extract::instant")]
            #[param(value_type = Option<String>)]
            pub updated_after: Option<chrono::DateTime<chrono::Utc>>,
            #[doc = $q_doc]
            #[param(max_length = 200)]
            pub q: Option<String>,
            #[doc = $fields_doc]
            #[param(max_length = 1000, pattern = $fields)]
            pub fields: Option<String>,
            #[doc = $include_doc]
            #[param(max_length = 200, pattern = $include)]
            pub include: Option<String>,
            /// A filter in the filter language, as JSON, e.g.
            /// `{"published_at": {"gte": "2024-01-01"}, "or": [{"tags": "rust"}, {"tags": "go"}]}`.
            #[serde(default, deserialize_with = "crate::extract::json_text")]
            #[param(value_type = Option<String>, max_length = 2000)]
            pub filter: Option<serde_json::Value>,
            /// The locale to read in, a configured BCP 47 tag (default: the best match for
            /// `Accept-Language`, else the default locale). Missing translations fall back.
            #[param(max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$")]
            pub locale: Option<String>,
            /// `false`: only what exists in that locale, without falling back (default true).
            pub fallback: Option<bool>,
        }

        /// The parameters only this type's lists have.
        pub struct Extra {
            $(pub $name: $ty,)*
        }

        impl ListParams {
            pub fn split(self) -> ($crate::content::ListRequest<()>, Extra) {
                use $crate::content::present;
                let request = $crate::content::ListRequest {
                    query: lectern_service::ListQuery {
                        limit: self.limit,
                        cursor: present(self.cursor),
                        sort: self.sort,
                        status: self.status,
                        published_after: self.published_after,
                        published_before: self.published_before,
                        updated_after: self.updated_after,
                        q: present(self.q),
                        filter: self.filter,
                        extra: (),
                    },
                    fields: present(self.fields),
                    include: present(self.include),
                };
                (request, Extra { $($name: self.$name,)* })
            }
        }

        /// Item routes accept only `fields` and `include` (documented here with this type's
        /// fields; the handler reads `content::ItemQuery`).
        #[allow(dead_code)]
        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        #[serde(deny_unknown_fields)]
        pub struct ItemParams {
            /// Comma-separated fields to return.
            #[param(max_length = 1000, pattern = $fields)]
            pub fields: Option<String>,
            #[doc = $item_include_doc]
            #[param(max_length = 200, pattern = $include)]
            pub include: Option<String>,
            /// The locale to read in, a configured BCP 47 tag (default: the best match for
            /// `Accept-Language`, else the default locale). Missing translations fall back.
            #[param(max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$")]
            pub locale: Option<String>,
            /// `false`: only what exists in that locale, without falling back (default true).
            pub fallback: Option<bool>,
        }
    };
}

/// The REST declaration of a type whose one own list parameter is its kind (`kind=`), from
/// the `BODY` and `ListParams` its module declares.
#[allow(clippy::crate_in_macro_def)]
macro_rules! kind_type {
    ($ty:ty, $collection:literal, $fields:expr, $set:literal) => {
        impl crate::content::RestType for $ty {
            const COLLECTION: &'static str = $collection;
            const FIELDS: crate::shape::Shape = $fields;
            const BODY: crate::bodies::Body = BODY;
            const KIND_SET: &'static str = $set;
            type ListParams = ListParams;

            async fn list_request(
                _service: &lectern_service::Service,
                _caller: &lectern_service::Caller,
                p: ListParams,
            ) -> crate::problem::ApiResult<
                crate::content::ListRequest<lectern_service::content::KindParams>,
            > {
                let (request, x) = p.split();
                Ok(request.with(lectern_service::content::KindParams { kind: x.kind }))
            }
        }
    };
}
pub(crate) use kind_type;

/// What REST adds to a content type: where it lives, its shapes, its query parameters.
pub trait RestType: ContentType<Input: DeserializeOwned> {
    /// The collection's path, e.g. `/api/v1/articles`.
    const COLLECTION: &'static str;
    const FIELDS: Shape;
    const BODY: crate::bodies::Body;
    /// The closed set the `kind` parameter takes, for types that have one.
    const KIND_SET: &'static str = "";
    type ListParams: DeserializeOwned + 'static;
    fn list_request(
        service: &Service,
        caller: &Caller,
        params: Self::ListParams,
    ) -> impl Future<Output = ApiResult<ListRequest<Self::Params>>>;
    /// The creation route: a JSON body unless the type says otherwise.
    fn create() -> actix_web::Route {
        web::post().to(create::<Self>)
    }
}

/// Item routes accept only `fields` and `include`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemQuery {
    pub fields: Option<String>,
    pub include: Option<String>,
    /// Read by `InLocale`.
    pub locale: Option<String>,
    pub fallback: Option<bool>,
}

/// The optional body of `publish`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    /// A future time schedules the publication; absent or past publishes now.
    pub publish_at: Option<DateTime<Utc>>,
}

pub async fn list<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    params: web::Query<T::ListParams>,
) -> ApiResult<HttpResponse> {
    let request = T::list_request(&service, &caller, params.into_inner()).await?;
    let shaping = T::FIELDS.parse(request.fields.as_deref(), request.include.as_deref())?;
    let query = request.query;
    let language = service.current_locale().to_string();
    let speaks = |mut r: HttpResponse| {
        if let Ok(v) = header::HeaderValue::from_str(&language) {
            r.headers_mut().insert(header::CONTENT_LANGUAGE, v);
        }
        r
    };
    if caller.sees_only_published() && shaping.is_plain() {
        let page = service.public_list::<T>(query).await?;
        let body = respond::list_bytes(&page.items_json, page.next_cursor.as_deref());
        return Ok(speaks(respond::read_bytes(&req, &caller, body, None)));
    }
    let shaped = || async {
        let page = service.list::<T>(&caller, query).await?;
        let items = shape::apply(&service, &caller, &shaping, &page.items).await?;
        let page = PageInfo {
            next_cursor: page.next_cursor,
        };
        Ok(serde_json::to_vec(&ListBody { data: &items, page }).unwrap_or_default())
    };
    let body = if caller.sees_only_published() {
        respond::public_shaped(&service, &req, shaped).await?
    } else {
        shaped().await?
    };
    Ok(speaks(respond::read_bytes(&req, &caller, body, None)))
}

pub async fn get<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    key: web::Path<String>,
    params: web::Query<ItemQuery>,
) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let shaping = T::FIELDS.parse(
        present(params.fields).as_deref(),
        present(params.include).as_deref(),
    )?;
    if caller.sees_only_published() && shaping.is_plain() {
        let item = service.public_item::<T>(&key).await?;
        let bytes = item.json.as_bytes().to_vec();
        let response = respond::read_bytes(&req, &caller, bytes, None);
        return Ok(content_language(response, item.json.as_bytes()));
    }
    let item = service.get::<T>(&caller, &key).await?;
    let tag = etag(item.id(), item.version());
    let language = serde_json::to_vec(&serde_json::json!({ "locale": item.locale() }));
    let mut items = shape::apply(&service, &caller, &shaping, std::slice::from_ref(&item)).await?;
    let item = items.pop().unwrap_or_default();
    let response = respond::read(&req, &caller, &item, Some(tag));
    Ok(content_language(response, &language.unwrap_or_default()))
}

pub async fn create<T: RestType>(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    bytes: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let input: T::Input = body::json(&req, &bytes)?;
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let created = service
        .create_once::<T>(&caller, input, key, &request_digest(&bytes))
        .await
        .map_err(ApiError)?;
    Ok(respond::created(&created, T::COLLECTION))
}

/// The version `If-Match` names for this item; resolving the key first lets the header
/// carry the item's id.
pub(crate) async fn if_match<T: RestType>(
    req: &HttpRequest,
    service: &Service,
    caller: &Caller,
    key: &str,
) -> ApiResult<Option<i64>> {
    if req.headers().get(header::IF_MATCH).is_none() {
        return Ok(None);
    }
    let id = match Uuid::parse_str(key) {
        Ok(id) => id,
        Err(_) => service.get::<T>(caller, key).await?.id(),
    };
    Ok(if_match_version(req.headers(), id)?)
}

fn written<V: ViewMeta + serde::Serialize>(view: &V) -> HttpResponse {
    respond::write(StatusCode::OK, view, Some(etag(view.id(), view.version())))
}

pub async fn update<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    key: web::Path<String>,
    input: crate::extract::Json<T::Input>,
) -> ApiResult<HttpResponse> {
    let version = if_match::<T>(&req, &service, &caller, &key).await?;
    let view = service
        .update::<T>(&caller, &key, input.into_inner(), version)
        .await?;
    Ok(written(&view))
}

pub async fn delete<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let version = if_match::<T>(&req, &service, &caller, &key).await?;
    service.delete::<T>(&caller, &key, version).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn publish<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    key: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let input: Option<PublishInput> = body::optional_json(&req, &bytes)?;
    let version = if_match::<T>(&req, &service, &caller, &key).await?;
    let at = input.and_then(|i| i.publish_at);
    let view = service
        .publish::<T>(&caller, &key, at, version)
        .await
        .map_err(ApiError)?;
    Ok(written(&view))
}

pub async fn unpublish<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    auth: Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    status_change::<T>(req, service, auth, key, StatusAction::Unpublish).await
}

pub async fn archive<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    auth: Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    status_change::<T>(req, service, auth, key, StatusAction::Archive).await
}

async fn status_change<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    key: web::Path<String>,
    action: StatusAction,
) -> ApiResult<HttpResponse> {
    let version = if_match::<T>(&req, &service, &caller, &key).await?;
    let view = service
        .set_status::<T>(&caller, &key, action, version)
        .await?;
    Ok(written(&view))
}

pub async fn revisions<T: RestType>(
    service: InLocale,
    Auth(caller): Auth,
    key: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let list = service.list_revisions::<T>(&caller, &key).await?;
    let body = serde_json::json!({ "data": list });
    Ok(respond::ok(&body))
}

pub async fn revision<T: RestType>(
    service: InLocale,
    Auth(caller): Auth,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (key, version) = path.into_inner();
    let rev = service.get_revision::<T>(&caller, &key, version).await?;
    Ok(respond::ok(&rev))
}

pub async fn restore<T: RestType>(
    req: HttpRequest,
    service: InLocale,
    Auth(caller): Auth,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (key, version) = path.into_inner();
    let if_match = if_match::<T>(&req, &service, &caller, &key).await?;
    let view = service
        .restore::<T>(&caller, &key, version, if_match)
        .await?;
    Ok(written(&view))
}

/// Mounts a type's routes under its collection (relative to `/api/v1`).
pub fn mount<T: RestType>(cfg: &mut web::ServiceConfig) {
    let name = T::COLLECTION.trim_start_matches("/api/v1");
    let at = |rest: &str| format!("{name}{rest}");
    cfg.service(
        web::resource(at(""))
            .route(web::get().to(list::<T>))
            .route(T::create()),
    )
    .service(
        web::resource(at("/{key}"))
            .route(web::get().to(get::<T>))
            .route(web::patch().to(update::<T>))
            .route(web::delete().to(delete::<T>)),
    )
    .service(web::resource(at("/{key}/publish")).route(web::post().to(publish::<T>)))
    .service(web::resource(at("/{key}/unpublish")).route(web::post().to(unpublish::<T>)))
    .service(web::resource(at("/{key}/archive")).route(web::post().to(archive::<T>)))
    .service(web::resource(at("/{key}/revisions")).route(web::get().to(revisions::<T>)))
    .service(web::resource(at("/{key}/revisions/{version}")).route(web::get().to(revision::<T>)))
    .service(
        web::resource(at("/{key}/revisions/{version}/restore")).route(web::post().to(restore::<T>)),
    );
    if !T::TRANSLATED.is_empty() {
        crate::locales::mount_translations::<T>(cfg);
    }
}

/// The documented routes of a content type: one function per operation for the OpenAPI
/// document, named as the handlers are. Everything else about the type comes from its
/// declaration.
// Used in this crate only, so `crate::` names this crate's types.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! content_docs {
    (plural = $plural:literal, one = $one:literal, a = $a:literal, view = $view:ident,
     list = $list:ident,
     list_params = $list_params:ident, item_params = $item_params:ident) => {
        /// The operations as OpenAPI documents them; the handlers are `crate::content`'s.
        #[allow(dead_code)] // read only by the OpenAPI derive, through the `__path_` types
        pub mod docs {
        use super::*;
        #[utoipa::path(
        get,
        path = concat!("/api/v1/", $plural),
        tag = $plural,
        operation_id = concat!("list_", $plural),
        summary = concat!("List ", $plural),
        params($list_params),
        responses(
            (status = 200, description = "a page", body = crate::openapi::$list, headers(("ETag" = String, description = "validator of this page"), ("Cache-Control" = String, description = "public for anonymous callers, private otherwise"))),
            (status = 304, description = "not modified: your copy (If-None-Match) is current"),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn list() {}
        #[utoipa::path(
        get,
        path = concat!("/api/v1/", $plural, "/{key}"),
        tag = $plural,
        operation_id = concat!("get_", $one),
        summary = concat!("Get ", $a, " by id or slug"),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), $item_params),
        responses(
            (status = 200, description = "the item", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"))),
            (status = 301, description = "moved: the item has a new slug; see Location", body = crate::openapi::Problem, content_type = "application/problem+json", headers(("Location" = String, description = "the current slug"))),
            (status = 304, description = "not modified: your copy (If-None-Match) is current"),
            crate::responses::Common, crate::responses::NotFound,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn get() {}
        #[utoipa::path(
        post,
        path = concat!("/api/v1/", $plural),
        tag = $plural,
        operation_id = concat!("create_", $one),
        summary = concat!("Create ", $a),
        params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "1 to 255 visible ASCII characters; a retry with the same key and body replays the first answer")),
        responses(
            (status = 201, description = "created", body = lectern_service::views::$view, headers(("Location" = String, description = "the new item"), ("ETag" = String, description = "its validator"))),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::Conflict, crate::responses::Body,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn create() {}
        #[utoipa::path(
        patch,
        path = concat!("/api/v1/", $plural, "/{key}"),
        tag = $plural,
        operation_id = concat!("update_", $one),
        summary = concat!("Change ", $a, " (JSON merge patch)"),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation to act on, a configured locale (default: the entry, in the default locale)")),
        responses(
            (status = 200, description = "the new version", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"))),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Conflict, crate::responses::Body, crate::responses::Versioned,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn update() {}
        #[utoipa::path(
        delete,
        path = concat!("/api/v1/", $plural, "/{key}"),
        tag = $plural,
        operation_id = concat!("delete_", $one),
        summary = concat!("Delete ", $a),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation to act on, a configured locale (default: the entry, in the default locale)")),
        responses(
            (status = 204, description = "deleted"),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Versioned,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn delete() {}
        #[utoipa::path(
        post,
        path = concat!("/api/v1/", $plural, "/{key}/publish"),
        tag = $plural,
        operation_id = concat!("publish_", $one),
        summary = concat!("Publish ", $a, " now or at publish_at"),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation to act on, a configured locale (default: the entry, in the default locale)")),
        request_body(content = Option<crate::openapi::PublishRequest>, content_type = "application/json"),
        responses(
            (status = 200, description = "published, or scheduled when publish_at is in the future", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"))),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Body, crate::responses::Versioned,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn publish() {}
        #[utoipa::path(
        post,
        path = concat!("/api/v1/", $plural, "/{key}/unpublish"),
        tag = $plural,
        operation_id = concat!("unpublish_", $one),
        summary = concat!("Take ", $a, " back to draft"),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation to act on, a configured locale (default: the entry, in the default locale)")),
        responses(
            (status = 200, description = "the new version", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"))),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Versioned,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn unpublish() {}
        #[utoipa::path(
        post,
        path = concat!("/api/v1/", $plural, "/{key}/archive"),
        tag = $plural,
        operation_id = concat!("archive_", $one),
        summary = concat!("Archive ", $a),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation to act on, a configured locale (default: the entry, in the default locale)")),
        responses(
            (status = 200, description = "the new version", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"))),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Versioned,
        ),
        security((), ("bearer" = [])),
        )]
        pub fn archive() {}
        #[utoipa::path(
        get,
        path = concat!("/api/v1/", $plural, "/{key}/revisions"),
        tag = $plural,
        operation_id = concat!("list_", $one, "_revisions"),
        summary = concat!("List the revisions of ", $a),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation whose revisions to list (default: the entry's)")),
        responses(
            (status = 200, description = "newest first", body = crate::openapi::RevisionList),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
        ),
        security(("bearer" = [])),
        )]
        pub fn revisions() {}
        #[utoipa::path(
        get,
        path = concat!("/api/v1/", $plural, "/{key}/revisions/{version}"),
        tag = $plural,
        operation_id = concat!("get_", $one, "_revision"),
        summary = concat!("One revision of ", $a, ", with its content"),
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("version" = i64, Path, description = "revision number, 1 at creation"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation (default: the entry)")),
        responses(
            (status = 200, description = "the revision", body = lectern_service::RevisionSnapshot),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound,
        ),
        security(("bearer" = [])),
        )]
        pub fn revision() {}
        #[utoipa::path(
        post,
        path = concat!("/api/v1/", $plural, "/{key}/revisions/{version}/restore"),
        tag = $plural,
        operation_id = concat!("restore_", $one, "_revision"),
        summary = "Make an old revision current again, as a new version",
        params(("key" = String, Path, description = "the item's id (UUID) or slug"), ("version" = i64, Path, description = "revision number, 1 at creation"), ("If-Match" = Option<String>, Header, description = "the ETag of the version this change is based on"), ("locale" = Option<String>, Query, max_length = 35, pattern = r"^([A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?)?$", description = "the translation (default: the entry)")),
        responses(
            (status = 200, description = "the new version", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"))),
            (status = 422, description = "invalid fields, listed in errors", body = crate::openapi::Problem, content_type = "application/problem+json"),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Conflict, crate::responses::Versioned,
        ),
        security(("bearer" = [])),
        )]
        pub fn restore() {}
        #[utoipa::path(
        put,
        path = concat!("/api/v1/", $plural, "/{key}/locales/{locale}"),
        tag = $plural,
        operation_id = concat!("put_", $one, "_translation"),
        summary = concat!("Create or change the translation of ", $a, " in a locale"),
        description = "A new translation is a draft with its own slug, status and version; it takes only the translated fields (and slug and status), the others being the entry's. Publish it with `POST .../publish?locale=`.",
        params(("key" = String, Path, description = "the entry's id (UUID) or a slug of it"), ("locale" = String, Path, max_length = 35, pattern = r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$", description = "a configured locale other than the default"), ("If-Match" = Option<String>, Header, description = "the ETag of the translation's version this change is based on (needed to change one)")),
        responses(
            (status = 200, description = "the translation's new version", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"), ("Content-Language" = String, description = "the locale"))),
            (status = 201, description = "the translation, created", body = lectern_service::views::$view, headers(("ETag" = String, description = "the version's validator"), ("Content-Language" = String, description = "the locale"))),
            crate::responses::Common, crate::responses::Forbidden, crate::responses::NotFound, crate::responses::Conflict, crate::responses::Body, crate::responses::Versioned,
        ),
        security(("bearer" = [])),
        )]
        pub fn put_translation() {}
        }
    };
}
