//! Assets (issue 15): uploads, images derived on request, and bytes that stay private until
//! published content uses them; hostile uploads refused with nothing kept.

use crate::support::{Client, Ctx, Resp, ServerOptions, TestServer};
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Cursor;

/// A JPEG of `w` x `h` pixels with an EXIF block carrying a GPS tag, as phones write them.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    // APP1 "Exif" right after SOI: a TIFF header with one IFD entry, GPSInfo (0x8825).
    let tiff: &[u8] = &[
        b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(tiff);
    let len = (app1.len() + 2) as u16;
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend_from_slice(&len.to_be_bytes());
    with_exif.extend_from_slice(&app1);
    with_exif.extend_from_slice(&out[2..]);
    with_exif
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([0, (x % 256) as u8, 200, 255]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= *b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims `w` x `h` pixels, with almost no data: a decompression bomb's
/// shape, refused from its header alone.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

/// A `multipart/form-data` body: text fields, then the file.
pub fn form(fields: &[(&str, &str)], filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "lectern-test-boundary-7d3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(client: &Client, fields: &[(&str, &str)], filename: &str, file: &[u8]) -> Resp {
    let (content_type, body) = form(fields, filename, file);
    client
        .send_raw(Method::POST, "/api/v1/assets", &content_type, body)
        .await
}

/// The bytes of a GET, with its status and headers.
pub async fn fetch(
    client: &Client,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", client.base()));
    if let Some(token) = client.token() {
        request = request.bearer_auth(token);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// A workflow step (`publish`, `unpublish`) on the item at `path`, at its current version.
async fn step(client: &Client, path: &str, action: &str) -> Resp {
    let etag = client.get(path).await.header("etag").unwrap().to_owned();
    client
        .post_with(
            &format!("{path}/{action}"),
            &json!({}),
            &[("if-match", &etag)],
        )
        .await
}

fn originals(server: &TestServer) -> usize {
    std::fs::read_dir(server.assets_dir().join("originals")).map_or(0, |d| d.count())
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap_or("VmRSS: 0 kB");
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_image_is_uploaded_derived_and_public_only_while_published_content_shows_it() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let anonymous = ctx.client.anonymous();
    let before = originals(&ctx.server);

    let photo = jpeg(1200, 800);
    let r = upload(
        &editor,
        &[("alt", "A rack of servers")],
        "Server Rack.JPG",
        &photo,
    )
    .await;
    r.assert_status(201);
    let asset = r.body.clone();
    assert_eq!(asset["content_type"], "image/jpeg", "{}", r.text);
    assert_eq!(
        (asset["width"].as_i64(), asset["height"].as_i64()),
        (Some(1200), Some(800))
    );
    assert_eq!(asset["filename"], "server-rack.jpg");
    assert_eq!(asset["alt"], "A rack of servers");
    assert_eq!(asset["status"], "draft");
    assert!(asset["placeholder"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    use sha2::Digest;
    assert_eq!(asset["sha256"], hex::encode(sha2::Sha256::digest(&photo)));
    let r_png = upload(&editor, &[], "diagram.png", &png(300, 200)).await;
    r_png.assert_status(201);
    let r_png = r_png.body;
    assert_eq!(r_png["content_type"], "image/png");
    // The same bytes again: a second record, one stored file.
    let again = upload(&editor, &[], "copy.jpg", &photo).await;
    again.assert_status(201);
    assert_eq!(again.body["sha256"], asset["sha256"]);
    assert_eq!(originals(&ctx.server), before + 2);

    let id = asset["id"].as_str().unwrap();
    let url = asset["url"].as_str().unwrap().to_owned();
    let webp = format!("{url}?width=400&format=webp");
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Racks", "summary": "s", "body": "b", "cover": id}),
        )
        .await;
    r.assert_status(201);
    let article = r.body["slug"].as_str().unwrap().to_owned();
    assert_eq!(r.body["cover"]["id"], id);
    // Markdown may show an asset: the HTML gets its real URL, size and widths, and the PNG is
    // public exactly while the article that shows it is.
    let body = format!(
        "A diagram:\n\n![The diagram](asset:{})",
        r_png["id"].as_str().unwrap()
    );
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Diagrams", "body": body}),
        )
        .await;
    r.assert_status(201);
    let diagrams = r.body["slug"].as_str().unwrap().to_owned();
    let html = r.body["body_html"].as_str().unwrap();
    let png_url = r_png["url"].as_str().unwrap();
    let img = format!("<img src=\"{png_url}\" alt=\"The diagram\" width=\"300\" height=\"200\" srcset=\"{png_url}?width=160 160w\"");
    assert!(html.contains(&img), "{html}");
    assert_eq!(fetch(&anonymous, png_url, &[]).await.0, 404);
    step(&editor, &format!("/api/v1/articles/{diagrams}"), "publish")
        .await
        .assert_status(200);
    assert_eq!(fetch(&anonymous, png_url, &[]).await.0, 200);

    // A draft's cover: nobody outside the editors gets its bytes, original or derived.
    for path in [&url, &webp] {
        assert_eq!(fetch(&anonymous, path, &[]).await.0, 404, "{path}");
    }
    let read_token = ctx.api_token("read").await;
    assert_eq!(fetch(&read_token, &url, &[]).await.0, 404);

    // The editor sees the derivative: a 400-pixel-wide WebP, without the original's EXIF.
    let (status, headers, bytes) = fetch(&editor, &webp, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/webp");
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("private"));
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::WebP).unwrap();
    assert_eq!((img.width(), img.height()), (400, 267));
    assert!(photo.windows(4).any(|w| w == b"Exif"));
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    // AVIF too.
    let (status, avif_headers, avif) =
        fetch(&editor, &format!("{url}?width=160&format=avif"), &[]).await;
    assert_eq!(
        (status, avif_headers["content-type"].to_str().unwrap()),
        (200, "image/avif")
    );
    assert_eq!(&avif[4..12], b"ftypavif");
    // Made once: the second answer is the kept file.
    let (_, headers2, bytes2) = fetch(&editor, &webp, &[]).await;
    assert_eq!(
        (bytes2, headers2["etag"].clone()),
        (bytes.clone(), headers["etag"].clone())
    );

    // Published content shows it: now anyone gets it, cacheable for a year.
    step(&editor, &format!("/api/v1/articles/{article}"), "publish")
        .await
        .assert_status(200);
    let (status, headers, bytes) = fetch(&anonymous, &url, &[]).await;
    assert_eq!((status, bytes.len()), (200, photo.len()));
    assert_eq!(
        headers["etag"],
        format!("\"{}\"", asset["sha256"].as_str().unwrap()).as_str()
    );
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        fetch(&anonymous, &url, &[("if-none-match", &etag)]).await.0,
        304
    );
    let (status, headers, bytes) = fetch(&anonymous, &url, &[("range", "bytes=10-109")]).await;
    assert_eq!((status, bytes.as_slice()), (206, &photo[10..110]));
    assert_eq!(
        headers["content-range"],
        format!("bytes 10-109/{}", photo.len()).as_str()
    );
    assert_eq!(fetch(&anonymous, &webp, &[]).await.0, 200);
    // The article carries what a page needs to show it, in both APIs.
    let r = anonymous
        .get(&format!("/api/v1/articles/{article}?include=cover"))
        .await;
    r.assert_status(200);
    assert_eq!(r.body["cover"]["width"], 1200);
    assert!(
        r.body["cover"]["srcset"]
            .as_str()
            .unwrap()
            .contains("?width=400 400w"),
        "{}",
        r.text
    );
    let q = "query($slug: String) { article(slug: $slug) { cover { url(width: 800, format: WEBP) width height alt placeholder srcset } } }";
    let r = anonymous.gql(q, json!({"slug": article})).await;
    let cover = &r.body["data"]["article"]["cover"];
    assert_eq!(
        cover["url"],
        format!("{url}?width=800&format=webp").as_str(),
        "{}",
        r.text
    );
    assert_eq!(
        (cover["width"].as_i64(), cover["alt"].as_str()),
        (Some(1200), Some("A rack of servers"))
    );

    // Unpublished again: private again.
    step(&editor, &format!("/api/v1/articles/{article}"), "unpublish")
        .await
        .assert_status(200);
    for path in [&url, &webp] {
        assert_eq!(fetch(&anonymous, path, &[]).await.0, 404, "{path}");
    }

    // Sizes outside the presets are refused, so nobody can make the server render variants
    // without end.
    let (status, _, body) = fetch(&editor, &format!("{url}?width=401"), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["code"],
        "invalid_transform"
    );
    assert_eq!(
        fetch(&editor, &format!("{url}?width=400&fit=stretch"), &[])
            .await
            .0,
        400
    );
    assert_eq!(
        fetch(&editor, &format!("{url}?colour=red"), &[]).await.0,
        400
    );
    // The wrong file name is not the file.
    assert_eq!(
        fetch(&editor, &format!("/assets/{id}/other.jpg"), &[])
            .await
            .0,
        404
    );

    // In use: it cannot go, and the answer says where it is used.
    let etag = editor
        .get(&format!("/api/v1/assets/{id}"))
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let r = editor
        .delete(&format!("/api/v1/assets/{id}"), Some(&etag))
        .await;
    r.assert_problem(409, "asset_in_use");
    assert!(
        r.body["detail"].as_str().unwrap().contains(&article),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn authors_upload_and_edit_their_own_and_only_editors_make_a_file_public() {
    let ctx = Ctx::new().await;
    let (author, _, _) = ctx.user_client("author").await;
    let (other, _, _) = ctx.user_client("author").await;
    let editor = ctx.admin_client().await;
    let r = upload(&author, &[("title", "My chart")], "chart.png", &png(64, 64)).await;
    r.assert_status(201);
    let (id, url) = (
        r.body["id"].as_str().unwrap().to_owned(),
        r.body["url"].as_str().unwrap().to_owned(),
    );
    let etag = r.header("etag").unwrap().to_owned();
    let path = format!("/api/v1/assets/{id}");
    author
        .patch(&path, &json!({"alt": "Bars"}), Some(&etag))
        .await
        .assert_status(200);
    // Another author neither sees it nor gets its bytes.
    other.get(&path).await.assert_status(404);
    assert_eq!(fetch(&other, &url, &[]).await.0, 404);
    // ...nor can put it on their own article, which would publish it with the article.
    let r = other
        .post("/api/v1/articles", &json!({"title": "Theft", "cover": id}))
        .await;
    r.assert_status(422);
    let body = format!("![chart](asset:{id})");
    let r = other
        .post("/api/v1/articles", &json!({"title": "Theft", "body": body}))
        .await;
    r.assert_status(422);
    // An author cannot make a file public; an editor can.
    let etag = author.get(&path).await.header("etag").unwrap().to_owned();
    author
        .patch(&path, &json!({"status": "published"}), Some(&etag))
        .await
        .assert_problem(403, "forbidden");
    step(&editor, &path, "publish").await.assert_status(200);
    assert_eq!(fetch(&ctx.client.anonymous(), &url, &[]).await.0, 200);
    let r = ctx.client.anonymous().get("/api/v1/assets").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1, "{}", r.text);
    // Read tokens read; they cannot upload, and nobody anonymous can.
    let read = ctx.api_token("read").await;
    read.get(&path).await.assert_status(200);
    upload(&read, &[], "x.png", &png(8, 8))
        .await
        .assert_problem(403, "forbidden");
    upload(&ctx.client.anonymous(), &[], "x.png", &png(8, 8))
        .await
        .assert_status(401);
    // GraphQL reads and edits the same records.
    let q = "query($id: ID) { asset(id: $id) { alt width contentType url(width: 160) } }";
    let r = read.gql(q, json!({"id": id})).await;
    assert_eq!(r.body["data"]["asset"]["alt"], "Bars", "{}", r.text);
    assert_eq!(
        r.body["data"]["asset"]["url"],
        format!("{url}?width=160").as_str()
    );
    let m = "mutation($id: ID!, $v: Int!) { updateAsset(id: $id, input: {alt: \"Bars, by year\"}, expectedVersion: $v) { alt version } }";
    let version = editor.get(&path).await.body["version"].as_i64().unwrap();
    let r = other.gql(m, json!({"id": id, "v": version})).await;
    assert!(r.body["errors"].is_array(), "{}", r.text);
    let r = editor.gql(m, json!({"id": id, "v": version})).await;
    assert_eq!(
        r.body["data"]["updateAsset"]["alt"], "Bars, by year",
        "{}",
        r.text
    );
}

#[tokio::test]
async fn hostile_uploads_are_refused_with_nothing_stored_and_memory_flat() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    // Warm up the allocator with one ordinary upload, then measure.
    upload(&editor, &[], "warm.png", &png(32, 32))
        .await
        .assert_status(201);
    let (stored, listed) = (originals(&ctx.server), 1);
    let rss_before = rss_kib(ctx.server.pid());
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
        .to_vec();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "bomb.png",
            png_claiming(50_000, 50_000),
            422,
            "image_too_large",
        ),
        ("drawing.svg", svg, 415, "unsupported_file_type"),
        ("photo.jpg", html, 415, "unsupported_file_type"),
        (
            "../../etc/passwd.jpg",
            jpeg(16, 16),
            422,
            "validation_failed",
        ),
        (
            "big.jpg",
            vec![0u8; 30 * 1024 * 1024],
            413,
            "payload_too_large",
        ),
        ("empty.jpg", vec![], 415, "unsupported_file_type"),
    ];
    for (name, bytes, status, code) in cases {
        let r = upload(&editor, &[], name, &bytes).await;
        r.assert_problem(status, code);
        assert!(
            r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}: {}",
            r.text
        );
    }
    // A body that is not a form at all, and a form without a file.
    let r = editor
        .send_raw(
            Method::POST,
            "/api/v1/assets",
            "application/json",
            b"{}".to_vec(),
        )
        .await;
    assert!((400..500).contains(&r.status), "{}", r.text);
    let (ct, body) = form(&[("alt", "x")], "x.png", b"");
    let body = String::from_utf8_lossy(&body).replace("name=\"file\"", "name=\"attachment\"");
    let r = editor
        .send_raw(Method::POST, "/api/v1/assets", &ct, body.into_bytes())
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(
        originals(&ctx.server),
        stored,
        "a refused upload left a file behind"
    );
    let r = editor.get("/api/v1/assets").await;
    assert_eq!(
        r.body["data"].as_array().unwrap().len(),
        listed,
        "{}",
        r.text
    );
    let growth_mib = rss_kib(ctx.server.pid()).saturating_sub(rss_before) / 1024;
    assert!(
        growth_mib < 24,
        "the server grew by {growth_mib} MiB receiving refused uploads"
    );
}

/// Two instances on one database and one S3-compatible store: a file uploaded through one is
/// served, derived and embargoed by the other.
#[tokio::test]
#[cfg_attr(
    not(s3_tests),
    ignore = "needs an S3-compatible server: set LECTERN_TEST_S3_ENDPOINT"
)]
async fn two_instances_share_files_through_s3() {
    let endpoint = std::env::var("LECTERN_TEST_S3_ENDPOINT").unwrap_or_default();
    let bucket = format!("lectern-{}", uuid::Uuid::new_v4().simple());
    // moto makes a bucket on a PUT to its name.
    let made = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(
        made.status().is_success(),
        "creating the bucket: {}",
        made.status()
    );
    let env: Vec<(String, String)> = [
        ("LECTERN_S3_BUCKET", bucket.as_str()),
        ("LECTERN_S3_ENDPOINT", endpoint.as_str()),
        ("LECTERN_S3_ACCESS_KEY_ID", "testing"),
        ("LECTERN_S3_SECRET_ACCESS_KEY", "testing"),
        ("LECTERN_ASSETS_DIR", "/nonexistent/never-used"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let ctx = Ctx::with(ServerOptions {
        env: env.clone(),
        ..Default::default()
    })
    .await;
    let second = TestServer::start(
        &ctx.db.url(),
        ServerOptions {
            env,
            ..Default::default()
        },
    );
    let editor = ctx.admin_client().await;
    let photo = jpeg(1200, 800);
    let r = upload(&editor, &[("alt", "Shared")], "shared.jpg", &photo).await;
    r.assert_status(201);
    let url = r.body["url"].as_str().unwrap().to_owned();
    let id = r.body["id"].as_str().unwrap().to_owned();
    let other = Client::new(&second.base);
    let other_editor = other.with_token(editor.token().unwrap());
    let (status, headers, bytes) =
        fetch(&other_editor, &format!("{url}?width=400&format=webp"), &[]).await;
    assert_eq!(
        (status, headers["content-type"].to_str().unwrap()),
        (200, "image/webp")
    );
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 400);
    assert_eq!(
        fetch(&other, &url, &[]).await.0,
        404,
        "a draft's file leaked through the second instance"
    );
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Shared cover", "cover": id, "status": "published"}),
        )
        .await;
    r.assert_status(201);
    let article = format!("/api/v1/articles/{}", r.body["slug"].as_str().unwrap());
    let (status, _, bytes) = fetch(&other, &url, &[]).await;
    assert_eq!((status, bytes.len()), (200, photo.len()));
    assert_eq!(
        fetch(
            &ctx.client.anonymous(),
            &format!("{url}?width=400&format=webp"),
            &[]
        )
        .await
        .0,
        200
    );
    // Unpublished through the first instance: the second stops serving it at once.
    step(&editor, &article, "unpublish")
        .await
        .assert_status(200);
    assert_eq!(fetch(&other, &url, &[]).await.0, 404);
    assert_eq!(
        fetch(&other, &format!("{url}?width=400&format=webp"), &[])
            .await
            .0,
        404
    );
}

/// Assets travel like other content: webhooks for their changes, sync entries, and a logo on a
/// technology profile in both APIs.
#[tokio::test]
async fn asset_changes_reach_webhooks_and_sync_and_logos_show_on_technologies() {
    let ctx = Ctx::with(crate::webhooks::fast_webhooks()).await;
    let editor = ctx.admin_client().await;
    let receiver = crate::support::Receiver::start(&[], 200).await;
    crate::webhooks::register(&editor, &receiver.url, json!(["asset.*"])).await;
    let r = upload(&editor, &[("alt", "The logo")], "logo.png", &png(256, 256)).await;
    r.assert_status(201);
    let (id, url) = (
        r.body["id"].as_str().unwrap().to_owned(),
        r.body["url"].as_str().unwrap().to_owned(),
    );
    step(&editor, &format!("/api/v1/assets/{id}"), "publish")
        .await
        .assert_status(200);
    let hits = receiver
        .wait_for(10, |hits| {
            hits.iter().any(|h| h.json()["event"] == "asset.published")
        })
        .await;
    let hit = hits
        .iter()
        .find(|h| h.json()["event"] == "asset.published")
        .unwrap();
    assert_eq!(hit.json()["data"]["item"]["url"], url.as_str());
    // A read token's sync carries the published asset record.
    let read = ctx.api_token("read").await;
    let (mut entries, mut path) = (vec![], "/api/v1/sync?limit=100".to_owned());
    loop {
        let r = read.get(&path).await;
        r.assert_status(200);
        entries.extend(r.body["items"].as_array().unwrap().iter().cloned());
        if r.body["has_more"] != true {
            break;
        }
        path = format!(
            "/api/v1/sync?limit=100&token={}",
            r.body["next_sync_token"].as_str().unwrap()
        );
    }
    let entry = entries
        .iter()
        .find(|e| e["type"] == "asset")
        .cloned()
        .unwrap_or_default();
    assert_eq!(entry["item"]["alt"], "The logo", "{entries:?}");
    // A technology shows it as its logo, in REST and GraphQL.
    let r = editor
        .post(
            "/api/v1/technologies",
            &json!({"name": "Logoed", "kind": "tool", "logo": id, "status": "published"}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["logo"]["url"], url.as_str(), "{}", r.text);
    let q = "query { technology(slug: \"logoed\") { logo { url(width: 160) alt width } } }";
    let r = ctx.client.anonymous().gql(q, json!({})).await;
    let logo = &r.body["data"]["technology"]["logo"];
    assert_eq!(
        logo["url"],
        format!("{url}?width=160").as_str(),
        "{}",
        r.text
    );
    assert_eq!(
        (logo["alt"].as_str(), logo["width"].as_i64()),
        (Some("The logo"), Some(256))
    );
}
