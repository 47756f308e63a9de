//! The caller behind a request, resolved by the service from the Authorization header.

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use lectern_service::{Caller, Error, Service};

/// Extracts the authenticated caller; no Authorization header means anonymous, a bad one
/// is a 401 (never silently anonymous, so a client learns its token is wrong).
pub struct Auth(pub Caller);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let service = req.app_data::<web::Data<Service>>().cloned();
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned));
        Box::pin(async move {
            let Some(header) = header else {
                return Ok(Auth(Caller::Anonymous));
            };
            let service =
                service.ok_or_else(|| ApiError(Error::Internal("service missing".into())))?;
            let header = header.map_err(|_| {
                ApiError(Error::Unauthenticated(
                    "the Authorization header is not valid text".into(),
                ))
            })?;
            let token = lectern_service::client::bearer_token(&header)?;
            Ok(Auth(service.authenticate(token).await?))
        })
    }
}
