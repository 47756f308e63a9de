//! Serving an asset's bytes: the original, or a derivative made once and kept in object
//! storage. Who may fetch them is decided here, for every adapter: anyone once the asset is
//! published or published content shows it, otherwise only those who may read its record.

use super::image::{derive, Raster};
use super::upload::original_key;
use super::Asset;
use crate::content::can_read;
use crate::{Caller, Code, Error, Result, Service};
use lectern_domain::ContentStatus;
use lectern_storage::blobs::Blob;
use lectern_storage::entities::assets as row;
use lectern_storage::queries::{assets as q, content as cq};
use std::ops::Range;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Fills the box, cropping around the focal point.
    Cover,
    /// Fits inside the box, padded to its size.
    Contain,
    /// Fits inside the box, no padding.
    Inside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    Webp,
    Avif,
    Jpeg,
    Png,
}

impl OutFormat {
    pub fn mime(self) -> &'static str {
        match self {
            OutFormat::Webp => "image/webp",
            OutFormat::Avif => "image/avif",
            OutFormat::Jpeg => "image/jpeg",
            OutFormat::Png => "image/png",
        }
    }
    fn ext(self) -> &'static str {
        match self {
            OutFormat::Webp => "webp",
            OutFormat::Avif => "avif",
            OutFormat::Jpeg => "jpg",
            OutFormat::Png => "png",
        }
    }
}

/// What a request asks of an image. `format: None` keeps the original's format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transform {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fit: Option<Fit>,
    pub format: Option<OutFormat>,
    pub quality: Option<u8>,
}

impl Transform {
    pub fn is_none(&self) -> bool {
        *self == Transform::default()
    }

    pub(crate) fn fit(&self) -> Fit {
        self.fit.unwrap_or(Fit::Cover)
    }
}

/// The bytes to send, and what the response says of them.
pub struct AssetBytes {
    pub content_type: String,
    pub filename: String,
    /// A strong validator: the hash of the original, with the transform for a derivative.
    pub etag: String,
    /// Whether shared caches may keep it (the asset is public).
    pub public: bool,
    pub size: u64,
    pub body: Body,
}

pub enum Body {
    Stream(Blob),
    Whole(Vec<u8>),
}

/// A record whose file is not in this process's asset storage: a configuration mistake.
fn missing() -> Error {
    Error::internal(
        "the file is missing from asset storage: do LECTERN_ASSETS_DIR or LECTERN_S3_BUCKET name the server's?",
    )
}

fn not_found() -> Error {
    Error::not_found("asset")
}

impl Service {
    /// Checks a transform against the configured sizes: a request for any other size is a
    /// 400, so a client cannot make the server render unbounded variants.
    fn check_transform(&self, t: &Transform) -> Result<()> {
        let widths = &self.config().assets.widths;
        for (name, v) in [("width", t.width), ("height", t.height)] {
            if let Some(v) = v.filter(|v| !widths.contains(v)) {
                return Err(Error::bad_request(
                    Code::InvalidTransform,
                    format!("{name}={v} is not one of the allowed sizes: {widths:?}"),
                ));
            }
        }
        if let Some(q) = t
            .quality
            .filter(|q| !(q % 5 == 0 && (30..=100).contains(q)))
        {
            return Err(Error::bad_request(
                Code::InvalidTransform,
                format!("quality={q} must be a multiple of 5 from 30 to 100"),
            ));
        }
        Ok(())
    }

    /// Whether anyone may fetch the asset's bytes.
    async fn is_public(&self, a: &row::Model) -> Result<bool> {
        if a.status == ContentStatus::Published.as_str() {
            return Ok(true);
        }
        Ok(q::used_by_published(self.db().conn(), a.id).await?)
    }

    /// The asset `id` served as `filename`, transformed when `t` asks; `range` (of the
    /// original) for a Range request.
    pub async fn asset_bytes(
        &self,
        caller: &Caller,
        id: &str,
        filename: &str,
        t: &Transform,
        range: Option<Range<u64>>,
    ) -> Result<AssetBytes> {
        let id = Uuid::parse_str(id).map_err(|_| not_found())?;
        let a = cq::find_by_id::<row::Entity, _>(self.db().conn(), id)
            .await?
            .filter(|a| a.filename == filename)
            .ok_or_else(not_found)?;
        let public = self.is_public(&a).await?;
        if !public && !can_read::<Asset>(caller, &a) {
            return Err(not_found());
        }
        self.check_transform(t)?;
        let blobs = self.blobs()?;
        if t.is_none() {
            let blob = blobs.get(&original_key(&a.sha256), range).await?;
            let blob = blob.ok_or_else(missing)?;
            return Ok(AssetBytes {
                content_type: a.content_type,
                filename: a.filename,
                etag: format!("\"{}\"", a.sha256),
                public,
                size: blob.size,
                body: Body::Stream(blob),
            });
        }
        let Some(Raster(source)) = Raster::of(&a.content_type) else {
            return Err(Error::bad_request(
                Code::InvalidTransform,
                format!(
                    "{} files are served as they are, without parameters",
                    a.content_type
                ),
            ));
        };
        let format = t.format.unwrap_or(match source {
            image::ImageFormat::Png | image::ImageFormat::Gif => OutFormat::Png,
            image::ImageFormat::WebP => OutFormat::Webp,
            _ => OutFormat::Jpeg,
        });
        let focal = (a.focal_x.unwrap_or(0.5), a.focal_y.unwrap_or(0.5));
        let variant = format!(
            "{}x{}-{:?}-{:.3},{:.3}-q{}",
            t.width.unwrap_or(0),
            t.height.unwrap_or(0),
            t.fit(),
            focal.0,
            focal.1,
            t.quality.unwrap_or(80)
        );
        let key = format!("derived/{}/{variant}.{}", a.sha256, format.ext());
        let bytes = match blobs.read(&key).await? {
            Some(bytes) => bytes,
            None => {
                // A burst of new sizes waits here rather than decoding them all at once.
                let _permit = self
                    .config()
                    .assets
                    .transforms
                    .acquire()
                    .await
                    .map_err(Error::internal)?;
                match blobs.read(&key).await? {
                    Some(bytes) => bytes,
                    None => {
                        let original = blobs.read(&original_key(&a.sha256)).await?;
                        let original = original.ok_or_else(missing)?;
                        let (t2, max) = (
                            Transform {
                                fit: Some(t.fit()),
                                ..t.clone()
                            },
                            self.config().assets.max_pixels,
                        );
                        let made = tokio::task::spawn_blocking(move || {
                            derive(&original, &t2, format, focal, max)
                        })
                        .await
                        .map_err(Error::internal)??;
                        blobs.put(&key, made.clone()).await?;
                        made
                    }
                }
            }
        };
        let stem = a.filename.rsplit_once('.').map_or(&*a.filename, |(s, _)| s);
        Ok(AssetBytes {
            content_type: format.mime().to_owned(),
            filename: format!("{stem}.{}", format.ext()),
            etag: format!("\"{}-{variant}.{}\"", a.sha256, format.ext()),
            public,
            size: bytes.len() as u64,
            body: Body::Whole(bytes),
        })
    }
}
