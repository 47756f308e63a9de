//! The REST adapter: parses HTTP into service calls and maps results back, nothing more.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod articles;
mod assets;
mod auth;
mod bodies;
mod body;
mod caller;
pub mod content;
pub mod control;
pub mod etag;
mod export;
pub mod extract;
mod filters;
mod health;
pub mod locales;
pub mod openapi;
pub mod problem;
pub mod respond;
pub mod responses;
mod search;
pub mod semantics;
mod shape;
mod sources;
mod sync;
mod technologies;
mod tokens;
mod users;
mod webhooks;

pub use auth::TrustedProxies;
pub use caller::Auth;
pub use respond::CachePolicy;

use actix_web::{web, HttpResponse};

/// Settings of the REST adapter.
#[derive(Debug, Clone)]
pub struct RestConfig {
    pub max_body_bytes: usize,
    pub cache: CachePolicy,
    pub trusted_proxies: TrustedProxies,
}

impl Default for RestConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            cache: CachePolicy::default(),
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// Mounts every REST route. The caller provides `web::Data<Service>`.
pub fn configure(config: RestConfig) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(extract::json_config(config.max_body_bytes))
            .app_data(web::PayloadConfig::new(config.max_body_bytes))
            .app_data(extract::query_config())
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                let response =
                    problem::problem(lectern_service::Code::InvalidParameter, err.to_string());
                actix_web::error::InternalError::from_response(err, response).into()
            }))
            .app_data(web::Data::new(config.cache))
            .app_data(web::Data::new(config.trusted_proxies))
            .configure(health::routes)
            .configure(assets::routes)
            .route(
                "/openapi.json",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(openapi::json_once())
                }),
            )
            .service(
                // The UI fetches the one document /openapi.json serves, rather than every
                // worker holding its own copy.
                utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/openapi.json")),
            )
            .route(
                "/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header(("location", "/docs/"))
                        .finish()
                }),
            )
            .service(
                web::scope("/api/v1")
                    .configure(auth::routes)
                    .configure(content::mount::<lectern_service::Article>)
                    .configure(content::mount::<lectern_service::Technology>)
                    .configure(content::mount::<lectern_service::Source>)
                    .configure(content::mount::<lectern_service::Asset>)
                    .configure(users::routes)
                    .configure(tokens::routes)
                    .configure(sync::routes)
                    .configure(export::routes)
                    .configure(search::routes)
                    .configure(webhooks::routes)
                    .configure(locales::routes),
            );
    }
}

/// The answer for a route that does not exist: a 404 problem, like every other error.
pub async fn not_found() -> HttpResponse {
    problem::problem(lectern_service::Code::NotFound, "no such route")
}
