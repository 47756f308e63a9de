//! The HTTP server: middleware, routes and graceful shutdown.

use crate::config::Config;
use crate::metrics::Metrics;
use actix_web::body::BoxBody;
use actix_web::dev::{Server, Service as _, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{web, App, HttpServer};
use lectern_rest::{CachePolicy, RestConfig};
use lectern_service::Service;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A bound, not yet running server, and the addresses it listens on.
pub struct Bound {
    pub server: Server,
    pub addrs: Vec<SocketAddr>,
}

pub fn bind(config: &Config, service: Service) -> std::io::Result<Bound> {
    let graphql_config = config
        .graphql()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let graphql = web::Data::new(lectern_graphql::state(service.clone(), graphql_config));
    let rest = RestConfig {
        max_body_bytes: config.max_body_bytes,
        cache: CachePolicy {
            public_max_age: config.cache_max_age,
        },
        trusted_proxies: lectern_rest::TrustedProxies(config.trusted_proxies.clone()),
    };
    let service = web::Data::new(service);
    let metrics = web::Data::new(Metrics::default());
    let metrics_token = config
        .metrics_token
        .clone()
        .map(|t| web::Data::new(MetricsToken(t)));
    if let Some(addr) = &config.metrics_addr {
        let (service, metrics) = (service.clone(), metrics.clone());
        let separate = HttpServer::new(move || {
            App::new()
                .app_data(service.clone())
                .app_data(metrics.clone())
                .route("/metrics", web::get().to(open_metrics))
        })
        .workers(1)
        .disable_signals()
        .bind(addr)?
        .run();
        tokio::spawn(separate);
    }
    let origins = config.cors_origins.clone();
    let mut server = HttpServer::new(move || {
        let observed = metrics.clone();
        let token = metrics_token.clone();
        App::new()
            .app_data(service.clone())
            .app_data(metrics.clone())
            .configure(lectern_rest::configure(rest.clone()))
            .configure(lectern_graphql::configure(graphql.clone()))
            .configure(move |cfg| {
                // No token, no route: metrics are never open on the public listener.
                if let Some(token) = token {
                    cfg.app_data(token)
                        .route("/metrics", web::get().to(guarded_metrics));
                }
            })
            .default_service(web::to(lectern_rest::not_found))
            .wrap(actix_web::middleware::from_fn(
                lectern_rest::control::reject_control_characters,
            ))
            .wrap(actix_web::middleware::from_fn(
                lectern_rest::semantics::http_semantics,
            ))
            .wrap_fn(move |req, srv| {
                let started = Instant::now();
                let observed = observed.clone();
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .filter(|v| v.len() <= 128 && v.to_str().is_ok_and(|s| s.chars().all(|c| c.is_ascii_graphic())))
                    .cloned()
                    .unwrap_or_else(|| {
                        HeaderValue::from_str(&uuid::Uuid::new_v4().simple().to_string())
                            .unwrap_or(HeaderValue::from_static("-"))
                    });
                let method = req.method().clone();
                let path = req.path().to_owned();
                // Every line logged while serving the request carries its id.
                let span = tracing::info_span!("request", request_id = id.to_str().unwrap_or("-"));
                let call = span.in_scope(|| srv.call(req));
                tracing::Instrument::instrument(async move {
                    let res = call.await?;
                    let mut res = as_problem(res);
                    let status = res.status().as_u16();
                    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".into());
                    observed.observe(&method, &route, status, started.elapsed().as_secs_f64());
                    let headers = res.headers_mut();
                    headers.insert(REQUEST_ID, id.clone());
                    security_headers(headers, path.starts_with("/docs"));
                    let micros = started.elapsed().as_micros() as u64;
                    let request_id = id.to_str().unwrap_or("-");
                    if status >= 500 {
                        tracing::error!(target: "lectern::http", %method, %path, status, micros, request_id, "request");
                    } else {
                        tracing::info!(target: "lectern::http", %method, %path, status, micros, request_id, "request");
                    }
                    Ok(res)
                }, span)
            })
            .wrap(actix_web::middleware::Condition::new(!origins.is_empty(), cors(&origins)))
    })
    .shutdown_timeout(config.shutdown_timeout)
    .client_request_timeout(Duration::from_secs(10));
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    let server = server.bind(&config.addr)?;
    let addrs = server.addrs();
    Ok(Bound {
        server: server.run(),
        addrs,
    })
}

/// Browser access for the configured origins only; bearer tokens, not cookies, so no
/// credentials mode and never a wildcard.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            HeaderName::from_static("idempotency-key"),
            REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            REQUEST_ID,
        ])
        .block_on_origin_mismatch(false)
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Errors raised outside the handlers (a 405, a 413 from the body limit) come back as
/// problem+json like every other error.
fn as_problem<B: actix_web::body::MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        // GraphQL answers its errors in its own JSON shape, which clients expect.
        v.as_bytes().starts_with(b"application/problem+json")
            || v.as_bytes().starts_with(b"application/json")
    });
    if status.as_u16() < 400 || is_problem {
        return res.map_into_boxed_body();
    }
    use lectern_service::Code;
    let code = match status.as_u16() {
        405 => Code::MethodNotAllowed,
        413 => Code::PayloadTooLarge,
        415 => Code::UnsupportedMediaType,
        404 => Code::NotFound,
        408 => Code::RequestTimeout,
        400 => Code::BadRequest,
        _ if status.is_server_error() => Code::Internal,
        _ => Code::OtherClientError,
    };
    let allow = res.headers().get(header::ALLOW).cloned();
    let detail = status.canonical_reason().unwrap_or("error").to_lowercase();
    let (req, _) = res.into_parts();
    let mut problem = lectern_rest::problem::problem_response(status, code, detail, vec![]);
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    ServiceResponse::new(req, problem)
}

/// Headers every response carries; the API serves JSON only, so its CSP allows nothing.
fn security_headers(headers: &mut header::HeaderMap, docs_page: bool) {
    let set = |headers: &mut header::HeaderMap, name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    // The Swagger UI page runs its own scripts and styles (served from the binary, inline
    // configuration included); everything else is JSON and may load nothing at all.
    let csp = if docs_page {
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    } else {
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    };
    set(headers, header::CONTENT_SECURITY_POLICY, csp);
}

struct MetricsToken(String);

/// `GET /metrics` on the main listener: only with `Authorization: Bearer <LECTERN_METRICS_TOKEN>`.
async fn guarded_metrics(
    req: actix_web::HttpRequest,
    service: web::Data<Service>,
    metrics: web::Data<Metrics>,
    token: web::Data<MetricsToken>,
) -> actix_web::HttpResponse {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| lectern_service::client::bearer_token(h).ok());
    if !given.is_some_and(|g| same(g.as_bytes(), token.0.as_bytes())) {
        let mut response = lectern_rest::problem::problem(
            lectern_service::Code::Unauthenticated,
            "metrics need 'Authorization: Bearer <LECTERN_METRICS_TOKEN>'",
        );
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    open_metrics(service, metrics).await
}

async fn open_metrics(
    service: web::Data<Service>,
    metrics: web::Data<Metrics>,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(metrics.render(&service).await)
}

/// Compares in time that depends on the length only, so the token cannot be guessed byte
/// by byte from response times.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
