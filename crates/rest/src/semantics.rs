//! HTTP semantics every route shares (RFC 9110/9111): `HEAD` wherever `GET` is, answered
//! with GET's status and headers and no body; and credentialed answers that no shared cache
//! may keep (`Cache-Control: private, no-store`, `Vary: Authorization`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;

pub async fn http_semantics(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let head = req.method() == Method::HEAD;
    if head {
        // Routed as GET; the body is dropped below, its length kept.
        req.head_mut().method = Method::GET;
    }
    let credentialed = req.headers().contains_key(header::AUTHORIZATION);
    let mut res = next.call(req).await?.map_into_boxed_body();
    if credentialed {
        let headers = res.headers_mut();
        let public = headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| !v.contains("private") || !v.contains("no-store"));
        if public {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
        }
        add_vary(headers, "Authorization");
    }
    if head {
        return Ok(res.map_body(|_, _| BoxBody::new(())));
    }
    Ok(res)
}

fn add_vary(headers: &mut header::HeaderMap, name: &'static str) {
    let present = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(name));
    if !present {
        headers.append(header::VARY, HeaderValue::from_static(name));
    }
}
