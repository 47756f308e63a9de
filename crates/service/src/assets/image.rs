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

/// The image resized with `fast_image_resize` (Lanczos3, straight from 8-bit pixels, so a
/// 12-megapixel original needs no float copy): scaled to the box, or for `cover` cropped
/// around `focal` (0 to 1) first, or for `contain` padded to the box.
fn resize(image: DynamicImage, t: &Transform, focal: (f64, f64)) -> Result<DynamicImage> {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let (w0, h0) = (image.width() as f64, image.height() as f64);
    let (w, h) = match (t.width, t.height) {
        (Some(w), Some(h)) => (w as f64, h as f64),
        (Some(w), None) => (w as f64, (h0 * w as f64 / w0).round().max(1.0)),
        (None, Some(h)) => ((w0 * h as f64 / h0).round().max(1.0), h as f64),
        (None, None) => return Ok(image),
    };
    // Eight bits a channel, with or without alpha: the layouts the resizer works on directly.
    let image = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let both = t.width.is_some() && t.height.is_some();
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    let (box_w, box_h, options) = match t.fit() {
        Fit::Cover if both => {
            let scale = (w / w0).max(h / h0);
            let (cw, ch) = ((w / scale).min(w0), (h / scale).min(h0));
            let left = (focal.0 * w0 - cw / 2.0).clamp(0.0, w0 - cw);
            let top = (focal.1 * h0 - ch / 2.0).clamp(0.0, h0 - ch);
            (w, h, options.crop(left, top, cw, ch))
        }
        _ if both => {
            let scale = (w / w0).min(h / h0);
            (
                (w0 * scale).round().max(1.0),
                (h0 * scale).round().max(1.0),
                options,
            )
        }
        _ => (w, h, options),
    };
    let mut out = DynamicImage::new(box_w as u32, box_h as u32, image.color());
    Resizer::new()
        .resize(&image, &mut out, &options)
        .map_err(Error::internal)?;
    if t.fit() == Fit::Contain && both {
        let mut canvas = DynamicImage::new_rgba8(w as u32, h as u32);
        let (x, y) = ((w - box_w) / 2.0, (h - box_h) / 2.0);
        image::imageops::overlay(&mut canvas, &out, x as i64, y as i64);
        return Ok(canvas);
    }
    Ok(out)
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
    let image = resize(reader.decode().map_err(damaged)?, t, focal)?;
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
            let q = t.quality.unwrap_or(80) as f32;
            let encoded = match &image {
                DynamicImage::ImageRgb8(rgb) => {
                    webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode(q)
                }
                other => {
                    let rgba = other.to_rgba8();
                    webp::Encoder::from_rgba(rgba.as_raw(), rgba.width(), rgba.height()).encode(q)
                }
            };
            sink.get_mut().extend_from_slice(&encoded);
            Ok(())
        }
    };
    written.map_err(Error::internal)?;
    Ok(out)
}
