//! GraphiQL for browsers at `GET /graphql`, with its scripts and styles embedded in the binary
//! (`assets/README.md` says which packages and versions), so it works offline and its page
//! may load nothing but Lectern's own files.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

struct Asset {
    name: &'static str,
    bytes: &'static [u8],
}

impl Asset {
    fn content_type(&self) -> &'static str {
        match self.name.ends_with(".css") {
            true => "text/css; charset=utf-8",
            false => "text/javascript; charset=utf-8",
        }
    }
}

macro_rules! assets {
    ($($name:literal),*) => {
        &[$(Asset { name: $name, bytes: include_bytes!(concat!("../assets/", $name)) }),*]
    };
}

const ASSETS: &[Asset] = assets!(
    "react-18.3.1.production.min.js",
    "react-dom-18.3.1.production.min.js",
    "graphiql-3.8.3.min.js",
    "graphiql-3.8.3.min.css",
    "init.js"
);

/// The page's only permissions: its own scripts, styles and connections. Styles may be
/// inline because GraphiQL's editor sets style attributes; no script may be.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn integrity(bytes: &[u8]) -> String {
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
    )
}

fn page() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        let tag = |asset: &Asset| {
            let src = format!("/graphql/assets/{}", asset.name);
            let sri = integrity(asset.bytes);
            if asset.name.ends_with(".css") {
                format!(r#"<link rel="stylesheet" href="{src}" integrity="{sri}">"#)
            } else {
                format!(r#"<script src="{src}" integrity="{sri}"></script>"#)
            }
        };
        let css = ASSETS
            .iter()
            .filter(|a| a.name.ends_with(".css"))
            .map(tag)
            .collect::<String>();
        let scripts = ASSETS
            .iter()
            .filter(|a| a.name.ends_with(".js"))
            .map(tag)
            .collect::<Vec<_>>()
            .join("\n");
        format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lectern GraphQL</title>
{css}
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql" data-endpoint="/graphql">Loading GraphiQL…</div>
{scripts}
</body>
</html>
"#
        )
    })
}

/// The GraphiQL page.
pub fn page_response() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(page())
}

/// `GET /graphql/assets/{name}`: versioned file names, so they may be cached for good.
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.name == name.as_str()) {
        Some(a) => HttpResponse::Ok()
            .content_type(a.content_type())
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
            .body(a.bytes),
        None => HttpResponse::NotFound()
            .content_type("application/problem+json")
            .body(r#"{"type":"about:blank","title":"Not Found","status":404,"code":"not_found","detail":"no such GraphiQL asset"}"#),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored files are still the pinned packages' files (assets/README.md).
    #[test]
    fn vendored_files_are_the_pinned_ones() {
        let pinned = [
            (
                "react-18.3.1.production.min.js",
                "d949f1c3687aedadcedac85261865f29b17cd273997e7f6b2bfc53b2f9d4c4dd",
            ),
            (
                "react-dom-18.3.1.production.min.js",
                "35f4f974f4b2bcd44da73963347f8952e341f83909e4498227d4e26b98f66f0d",
            ),
            (
                "graphiql-3.8.3.min.js",
                "22faab94067b695e5f7959619fbe686ebcc8955002a0c97d986bcbba4ad4bc2c",
            ),
            (
                "graphiql-3.8.3.min.css",
                "b1868247f8e0502cd869e581f5f3cb55b334862e7f51b1d6cbace11059b9adc2",
            ),
        ];
        for (name, sha) in pinned {
            let asset = ASSETS.iter().find(|a| a.name == name).unwrap();
            assert_eq!(hex::encode(Sha256::digest(asset.bytes)), sha, "{name}");
        }
    }

    #[test]
    fn the_page_loads_only_its_own_files_with_integrity() {
        let page = page();
        assert!(!page.contains("https://"), "{page}");
        assert_eq!(page.matches("integrity=\"sha256-").count(), ASSETS.len());
        assert!(!CSP.contains("unsafe-eval") && !CSP.contains("https:"));
    }
}
