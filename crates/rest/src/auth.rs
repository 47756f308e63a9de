//! `/api/v1/auth`: login, refresh, logout.

use crate::problem::ApiResult;
use crate::respond;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use lectern_service::Service;
use serde::Deserialize;
use std::net::IpAddr;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshInput {
    pub refresh_token: String,
}

/// Proxies whose `X-Forwarded-For` is believed (`LECTERN_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/login", web::post().to(login))
        .route("/auth/refresh", web::post().to(refresh))
        .route("/auth/logout", web::post().to(logout));
}

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the
/// nearest untrusted address in `X-Forwarded-For`. A client cannot choose its own address by
/// sending the header directly.
pub fn client_address(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted = req
        .app_data::<web::Data<TrustedProxies>>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let Some(peer) = peer else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| peer.to_string())
}

async fn login(
    req: HttpRequest,
    service: web::Data<Service>,
    input: web::Json<LoginInput>,
) -> ApiResult<HttpResponse> {
    let pair = service
        .login(&input.email, &input.password, &client_address(&req))
        .await?;
    Ok(respond::write(StatusCode::OK, &pair, None))
}

async fn refresh(
    service: web::Data<Service>,
    input: web::Json<RefreshInput>,
) -> ApiResult<HttpResponse> {
    let pair = service.refresh(&input.refresh_token).await?;
    Ok(respond::write(StatusCode::OK, &pair, None))
}

async fn logout(
    service: web::Data<Service>,
    input: web::Json<RefreshInput>,
) -> ApiResult<HttpResponse> {
    service.logout(&input.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}
