//! `/api/v1/assets`: the asset type's REST declaration and its multipart upload; and
//! `/assets/{id}/{filename}`, where the bytes are served, transformed on request.

use crate::bodies::{Body, Field, Kind::*, NULLABLE};
use crate::caller::Auth;
use crate::problem::{ApiError, ApiResult};
use crate::shape::Shape;
use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use lectern_service::assets::{AssetBytes, Body as Bytes, Fit, OutFormat, Transform, Upload};
use lectern_service::inputs::{AssetInput, FocalPoint};
use lectern_service::{Asset, Code, Error, Service};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

const BODY: Body = Body {
    create: "AssetCreate",
    update: "AssetUpdate",
    docs: [
        "An asset's metadata; the upload sends it as form fields beside the file.",
        "A JSON merge patch of an asset's metadata; the file itself cannot change.",
    ],
    examples: [
        r#"{"alt": "A rack of servers", "title": "Server rack"}"#,
        r#"{"alt": "Servers in a data centre", "focal_point": {"x": 0.5, "y": 0.3}}"#,
    ],
    fields: &[
        Field("title", Line(200), 0, "Defaults to the file name."),
        Field("slug", Slug, 0, ""),
        Field(
            "alt",
            Text(1000),
            0,
            "What the image shows, for readers who cannot see it.",
        ),
        Field("caption", Text(1000), 0, ""),
        Field(
            "focal_point",
            Ref("FocalPoint"),
            NULLABLE,
            "Where a `cover` crop centres.",
        ),
        Field(
            "status",
            Ref("StatusDoc"),
            0,
            "`published` makes the file public (editors).",
        ),
    ],
};

crate::content_params!(
    q = "Case-insensitive text in the title or alt text.",
    fields = "Comma-separated fields to return, e.g. `id,url,alt`." r"^[ \t]*(id|slug|title|alt|caption|filename|content_type|size_bytes|sha256|width|height|placeholder|focal_point|url|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|alt|caption|filename|content_type|size_bytes|sha256|width|height|placeholder|focal_point|url|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$",
    include = "Assets embed no relations: only an empty list is accepted."
        "Assets embed no relations: only an empty list is accepted." r"^[ \t,]*$",
    extra {
        /// Only files of this type, e.g. `image/png`.
        #[param(max_length = 100)]
        content_type: Option<String>,
    }
);

impl crate::content::RestType for Asset {
    const COLLECTION: &'static str = "/api/v1/assets";
    const FIELDS: Shape = Shape::ASSET;
    const BODY: Body = BODY;
    type ListParams = ListParams;

    async fn list_request(
        _service: &Service,
        _caller: &lectern_service::Caller,
        p: ListParams,
    ) -> ApiResult<crate::content::ListRequest<lectern_service::AssetParams>> {
        let (request, x) = p.split();
        let content_type = crate::content::present(x.content_type);
        if content_type.as_ref().is_some_and(|c| c.len() > 100) {
            let why = "content_type must be at most 100 characters";
            return Err(Error::bad_request(Code::InvalidParameter, why).into());
        }
        Ok(request.with(lectern_service::AssetParams { content_type }))
    }

    fn create() -> actix_web::Route {
        web::post().to(upload)
    }
}

crate::content_docs! {
    plural = "assets", one = "asset", a = "an asset", view = AssetView, list = AssetList,
    list_params = ListParams, item_params = ItemParams
}

fn refuse(code: Code, message: impl Into<String>) -> actix_web::Error {
    ApiError(Error::bad_request(code, message)).into()
}

/// A form field's text, at most 4 KiB.
async fn text(field: actix_multipart::Field) -> Result<String, actix_web::Error> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut out = Vec::new();
    let mut field = field;
    while let Some(chunk) = field.try_next().await? {
        out.extend_from_slice(&chunk);
        if out.len() > 4096 {
            return Err(refuse(
                Code::ValidationFailed,
                format!("{name} is over 4 KiB"),
            ));
        }
    }
    String::from_utf8(out).map_err(|_| refuse(Code::MalformedBody, format!("{name} is not UTF-8")))
}

/// The file part, written to a temporary file as it arrives and hashed on the way; over the
/// limit, it stops at once and nothing is kept.
async fn receive(
    mut field: actix_multipart::Field,
    limit: u64,
) -> Result<(tempfile::NamedTempFile, Upload), actix_web::Error> {
    let filename = field
        .content_disposition()
        .and_then(|d| d.get_filename().map(str::to_owned))
        .unwrap_or_default();
    let tmp = tempfile::NamedTempFile::new().map_err(|e| ApiError(Error::internal(e)))?;
    let file = tmp.reopen().map_err(|e| ApiError(Error::internal(e)))?;
    let mut file = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
    let (mut hash, mut size) = (Sha256::new(), 0u64);
    while let Some(chunk) = field.try_next().await? {
        size += chunk.len() as u64;
        if size > limit {
            return Err(refuse(
                Code::PayloadTooLarge,
                format!("the file is over the {limit}-byte limit"),
            ));
        }
        hash.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| ApiError(Error::internal(e)))?;
    }
    file.flush()
        .await
        .map_err(|e| ApiError(Error::internal(e)))?;
    let upload = Upload {
        path: tmp.path().to_owned(),
        filename,
        size,
        sha256: hex::encode(hash.finalize()),
    };
    Ok((tmp, upload))
}

fn focal_point(raw: &str) -> Result<FocalPoint, actix_web::Error> {
    let parsed = serde_json::from_str::<FocalPoint>(raw).ok().or_else(|| {
        let (x, y) = raw.split_once(',')?;
        Some(FocalPoint {
            x: x.trim().parse().ok()?,
            y: y.trim().parse().ok()?,
        })
    });
    parsed.ok_or_else(|| {
        let why = "focal_point must be `x,y` or {\"x\": .., \"y\": ..}, each 0 to 1";
        refuse(Code::ValidationFailed, why)
    })
}

/// `POST /api/v1/assets`: `multipart/form-data` with a `file` part and optional `title`,
/// `slug`, `alt`, `caption` and `focal_point` parts.
async fn upload(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    payload: Multipart,
) -> Result<HttpResponse, actix_web::Error> {
    let limit = service.may_upload(&caller).map_err(ApiError)?;
    let mut payload = payload;
    let mut input = AssetInput::default();
    let mut file = None;
    while let Some(field) = payload.next().await {
        let field = field?;
        let name = field.name().unwrap_or_default().to_owned();
        let set = |v: String| Some(Some(v));
        match name.as_str() {
            "file" if file.is_none() => file = Some(receive(field, limit).await?),
            "title" => input.title = set(text(field).await?),
            "slug" => input.slug = set(text(field).await?),
            "alt" => input.alt = set(text(field).await?),
            "caption" => input.caption = set(text(field).await?),
            "focal_point" => input.focal_point = Some(Some(focal_point(&text(field).await?)?)),
            other => {
                let why = format!("unexpected form field '{other}'; send file, title, slug, alt, caption, focal_point");
                return Err(refuse(Code::ValidationFailed, why));
            }
        }
    }
    let Some((_tmp, upload)) = file else {
        let missing = Error::field(
            "file",
            "upload the file as a `file` part of multipart/form-data",
        );
        return Err(ApiError(missing).into());
    };
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let created = service
        .upload_asset(&caller, upload, input, key)
        .await
        .map_err(ApiError)?;
    Ok(crate::respond::created(
        &created,
        <Asset as crate::content::RestType>::COLLECTION,
    ))
}

/// What a request may ask of an image; anything else is a 400.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileParams {
    /// A width from the configured sizes (`LECTERN_ASSET_WIDTHS`).
    pub width: Option<u32>,
    /// A height from the configured sizes.
    pub height: Option<u32>,
    /// With both sizes: `cover` (crop around the focal point, the default), `contain`
    /// (pad) or `inside` (fit, no padding).
    #[param(pattern = "^(cover|contain|inside)$")]
    pub fit: Option<String>,
    /// `webp`, `avif`, `jpeg`, `png` or `auto` (WebP when `Accept` takes it).
    #[param(pattern = "^(webp|avif|jpeg|jpg|png|auto)$")]
    pub format: Option<String>,
    /// JPEG, WebP and AVIF quality, a multiple of 5 from 30 to 100.
    #[param(minimum = 30, maximum = 100)]
    pub quality: Option<u8>,
}

fn transform(req: &HttpRequest, p: FileParams) -> ApiResult<Transform> {
    let bad = |m: String| ApiError(Error::bad_request(Code::InvalidTransform, m));
    let fit = match p.fit.as_deref() {
        None => None,
        Some("cover") => Some(Fit::Cover),
        Some("contain") => Some(Fit::Contain),
        Some("inside") => Some(Fit::Inside),
        Some(other) => return Err(bad(format!("fit={other}: use cover, contain or inside"))),
    };
    let accepts_webp = || {
        let accept = req.headers().get(header::ACCEPT);
        accept
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("image/webp"))
    };
    let format = match p.format.as_deref() {
        None => None,
        Some("webp") => Some(OutFormat::Webp),
        Some("avif") => Some(OutFormat::Avif),
        Some("jpeg" | "jpg") => Some(OutFormat::Jpeg),
        Some("png") => Some(OutFormat::Png),
        Some("auto") => accepts_webp().then_some(OutFormat::Webp),
        Some(other) => {
            return Err(bad(format!(
                "format={other}: use webp, avif, jpeg, png or auto"
            )))
        }
    };
    Ok(Transform {
        width: p.width,
        height: p.height,
        fit,
        format,
        quality: p.quality,
    })
}

/// `bytes=a-b` or `bytes=a-`; anything else (suffixes, several ranges) is served whole.
fn range(req: &HttpRequest) -> Option<std::ops::Range<u64>> {
    let raw = req.headers().get(header::RANGE)?.to_str().ok()?;
    let (start, end) = raw.strip_prefix("bytes=")?.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end = match end.trim() {
        "" => u64::MAX,
        e => e.parse::<u64>().ok()?.checked_add(1)?,
    };
    (start < end).then_some(start..end)
}

#[utoipa::path(
    get,
    path = "/assets/{id}/{filename}",
    tag = "assets",
    operation_id = "get_asset_file",
    summary = "An asset's file, or an image derived from it",
    description = "Public once the asset is published or published content shows it; until then only to those who may read the asset. Originals answer Range requests. Derivatives are made once and kept.",
    params(("id" = uuid::Uuid, Path, description = "the asset's id"), ("filename" = String, Path, description = "the asset's file name"), FileParams),
    responses(
        (status = 200, description = "the bytes", content_type = "application/octet-stream", body = Vec<u8>, headers(("ETag" = String, description = "strong: the content hash"), ("Cache-Control" = String, description = "public and immutable for public assets"))),
        (status = 206, description = "the requested range of the original", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "not modified: your copy (If-None-Match) is current"),
        crate::responses::Common, crate::responses::NotFound,
    ),
    security((), ("bearer" = [])),
)]
async fn file(
    req: HttpRequest,
    service: web::Data<Service>,
    Auth(caller): Auth,
    path: web::Path<(String, String)>,
    params: web::Query<FileParams>,
) -> ApiResult<HttpResponse> {
    let (id, filename) = path.into_inner();
    let t = transform(&req, params.into_inner())?;
    let wanted = range(&req).filter(|_| t.is_none());
    let got = service
        .asset_bytes(&caller, &id, &filename, &t, wanted.clone())
        .await?;
    Ok(respond(&req, got, wanted.is_some()))
}

fn respond(req: &HttpRequest, got: AssetBytes, ranged: bool) -> HttpResponse {
    let cache = if got.public {
        "public, max-age=31536000, immutable"
    } else {
        "private, no-cache"
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == got.etag || t.trim() == "*")
        });
    let mut r = HttpResponse::build(StatusCode::OK);
    r.insert_header((header::ETAG, got.etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header((header::VARY, "Accept"));
    if fresh {
        r.status(StatusCode::NOT_MODIFIED);
        return r.finish();
    }
    let disposition = format!("inline; filename=\"{}\"", got.filename);
    r.insert_header((header::CONTENT_DISPOSITION, disposition))
        .content_type(got.content_type.as_str());
    match got.body {
        Bytes::Whole(bytes) => r.body(bytes),
        Bytes::Stream(blob) => {
            if ranged {
                let (a, b) = (blob.range.start, blob.range.end.saturating_sub(1));
                r.status(StatusCode::PARTIAL_CONTENT)
                    .insert_header((header::CONTENT_RANGE, format!("bytes {a}-{b}/{}", got.size)));
            }
            let length = blob.range.end - blob.range.start;
            let stream = blob.bytes.map_err(std::io::Error::other);
            r.no_chunking(length).streaming(stream)
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/assets/{id}/{filename}").route(web::get().to(file)));
}

/// The upload is `multipart/form-data`, which the generic create cannot describe.
pub fn document(doc: &mut serde_json::Value) {
    use serde_json::json;
    let mut props = doc["components"]["schemas"]["AssetCreate"]["properties"].clone();
    props["file"] = json!({"type": "string", "format": "binary", "description": "the file: JPEG, PNG, WebP, AVIF, GIF or PDF"});
    props["focal_point"] = json!({"type": "string", "pattern": r"^\s*(0(\.\d+)?|1(\.0+)?)\s*,\s*(0(\.\d+)?|1(\.0+)?)\s*$", "description": "`x,y`, each 0 to 1"});
    props.as_object_mut().map(|p| p.remove("status"));
    // The upload replaces the JSON create body, and no other type's filter reaches assets.
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.remove("AssetCreate");
        schemas.remove("AssetFieldFilter");
    }
    doc["components"]["schemas"]["AssetUpload"] = json!({"type": "object", "required": ["file"], "properties": props, "additionalProperties": false});
    let create = &mut doc["paths"]["/api/v1/assets"]["post"];
    create["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/AssetUpload"}}}});
    create["summary"] = json!("Upload an asset");
    let responses = &mut create["responses"];
    let problem = |d: &str| json!({"description": d, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    responses["413"] = problem("the file is over the size limit");
    responses["415"] = problem("the file's bytes are not an allowed type");
    responses["422"] = problem("invalid fields, or an image with too many pixels");
}
