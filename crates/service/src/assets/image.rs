//! Image work, always off the async threads: reading sizes from headers, refusing images with
//! too many pixels before decoding them, tiny previews, and derivatives (resized, cropped
//! around the focal point, re-encoded without the original's metadata).

use super::serve::{Fit, OutFormat, Transform};
use crate::{Code, Error, Result};
use base64::Engine;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::path::PathBuf;

/// The raster formats Lectern decodes.
pub(crate) struct Raster(pub ImageFormat);

impl Raster {
    pub fn of(mime: &str) -> Option<Raster> {
        match mime {
            "image/jpeg" => Some(Raster(ImageFormat::Jpeg)),
            "image/png" => Some(Raster(ImageFormat::Png)),
            "image/webp" => Some(Raster(ImageFormat::WebP)),
            "image/gif" => Some(Raster(ImageFormat::Gif)),
            _ => None,
        }
    }
}

pub(crate) struct Facts {
    pub width: u32,
    pub height: u32,
    /// A data URL of a preview at most 16 pixels wide.
    pub placeholder: String,
}

fn too_large(w: u32, h: u32, max: u64) -> Error {
    Error::bad_request(
        Code::ImageTooLarge,
        format!("the image is {w} x {h} pixels; at most {max} pixels are accepted"),
    )
}

fn damaged(e: image::ImageError) -> Error {
    match e {
        image::ImageError::Limits(_) => Error::bad_request(
            Code::ImageTooLarge,
            "the image needs more memory to decode than is allowed",
        ),
        other => Error::bad_request(
            Code::UnsupportedFileType,
            format!("the image cannot be read: {other}"),
        ),
    }
}

fn limits(max_pixels: u64) -> Limits {
    let mut limits = Limits::default();
    // Four bytes a pixel, twice over for the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(8));
    limits
}

/// Reads the size from the header, refuses an image over `max_pixels` before decoding
/// anything, then decodes it within limits to make its preview.
fn inspect_now(path: PathBuf, max_pixels: u64) -> Result<Facts> {
    let open = || -> Result<ImageReader<_>> {
        let reader = ImageReader::open(&path).map_err(Error::internal)?;
        reader.with_guessed_format().map_err(Error::internal)
    };
    let (width, height) = open()?.into_dimensions().map_err(damaged)?;
    if width as u64 * height as u64 > max_pixels {
        return Err(too_large(width, height, max_pixels));
    }
    let mut reader = open()?;
    reader.limits(limits(max_pixels));
    let image = reader.decode().map_err(damaged)?;
    let preview = image.thumbnail(16, 16);
    let mut png = Vec::new();
    preview
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(Error::internal)?;
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    Ok(Facts {
        width,
        height,
        placeholder: format!("data:image/png;base64,{data}"),
    })
}

pub(crate) async fn inspect(path: PathBuf, max_pixels: u64) -> Result<Facts> {
    tokio::task::spawn_blocking(move || inspect_now(path, max_pixels))
        .await
        .map_err(Error::internal)?
}

/// The box an image is scaled into, and the crop of a cover, around `focal` (0 to 1).
fn resize(image: DynamicImage, t: &Transform, focal: (f64, f64)) -> DynamicImage {
    use image::imageops::FilterType::Lanczos3;
    let (w0, h0) = (image.width() as f64, image.height() as f64);
    let (w, h) = match (t.width, t.height) {
        (Some(w), Some(h)) => (w as f64, h as f64),
        (Some(w), None) => (w as f64, (h0 * w as f64 / w0).round().max(1.0)),
        (None, Some(h)) => ((w0 * h as f64 / h0).round().max(1.0), h as f64),
        (None, None) => return image,
    };
    let both = t.width.is_some() && t.height.is_some();
    match t.fit() {
        Fit::Cover if both => {
            let scale = (w / w0).max(h / h0);
            let (sw, sh) = ((w0 * scale).round() as u32, (h0 * scale).round() as u32);
            let scaled = image.resize_exact(sw.max(w as u32), sh.max(h as u32), Lanczos3);
            let x =
                (focal.0 * scaled.width() as f64 - w / 2.0).clamp(0.0, scaled.width() as f64 - w);
            let y =
                (focal.1 * scaled.height() as f64 - h / 2.0).clamp(0.0, scaled.height() as f64 - h);
            scaled.crop_imm(x as u32, y as u32, w as u32, h as u32)
        }
        Fit::Contain if both => {
            let inner = image.resize(w as u32, h as u32, Lanczos3);
            let mut canvas = DynamicImage::new_rgba8(w as u32, h as u32);
            let x = (w as u32 - inner.width()) / 2;
            let y = (h as u32 - inner.height()) / 2;
            image::imageops::overlay(&mut canvas, &inner, x as i64, y as i64);
            canvas
        }
        _ => image.resize(w as u32, h as u32, Lanczos3),
    }
}

/// A derivative of an original: decoded within limits, transformed, and encoded afresh, so
/// nothing of the original's metadata (EXIF, GPS) is carried over.
pub(crate) fn derive(
    original: &[u8],
    t: &Transform,
    format: OutFormat,
    focal: (f64, f64),
    max_pixels: u64,
) -> Result<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(original))
        .with_guessed_format()
        .map_err(Error::internal)?;
    reader.limits(limits(max_pixels));
    let image = resize(reader.decode().map_err(damaged)?, t, focal);
    let mut out = Vec::new();
    let mut sink = Cursor::new(&mut out);
    let written = match format {
        OutFormat::Jpeg => {
            let q = t.quality.unwrap_or(80);
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut sink, q);
            DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder)
        }
        OutFormat::Png => image.write_to(&mut sink, ImageFormat::Png),
        OutFormat::Avif => {
            // Speed 8 of 10: AVIF is the slowest to encode; a derivative is made once.
            let q = t.quality.unwrap_or(70);
            let encoder = image::codecs::avif::AvifEncoder::new_with_speed_quality(&mut sink, 8, q);
            DynamicImage::ImageRgba8(image.to_rgba8()).write_with_encoder(encoder)
        }
        OutFormat::Webp => {
            let encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut sink);
            DynamicImage::ImageRgba8(image.to_rgba8()).write_with_encoder(encoder)
        }
    };
    written.map_err(Error::internal)?;
    Ok(out)
}
