//! Writes a JPEG of the given size for the asset benchmark (`bench/assets.sh`): a photo-like
//! pattern with detail everywhere, so that encoders and resizers do real work.
//!
//!   cargo run --release --example bench_image -- 4000 3000 photo.jpg

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (w, h): (u32, u32) = match (args.get(1), args.get(2)) {
        (Some(w), Some(h)) => (w.parse()?, h.parse()?),
        _ => return Err("usage: bench_image WIDTH HEIGHT OUT.jpg".into()),
    };
    let out = args
        .get(3)
        .ok_or("usage: bench_image WIDTH HEIGHT OUT.jpg")?;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let wave = ((x as f32 * 0.05).sin() * (y as f32 * 0.03).cos() * 40.0) as i32;
        let grain = ((x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 23) as i32;
        let c = |base: f32| (base * 255.0) as i32 + wave + grain;
        image::Rgb([
            c(fx).clamp(0, 255) as u8,
            c(fy).clamp(0, 255) as u8,
            c(1.0 - fx * fy).clamp(0, 255) as u8,
        ])
    });
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(file, 85);
    image::DynamicImage::ImageRgb8(img).write_with_encoder(encoder)?;
    Ok(())
}
