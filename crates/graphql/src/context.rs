//! What every resolver needs: the service, who is asking, and the request's data loaders.

use crate::loaders::{CoveringLoader, SourceLoader, TechnologyLoader};
use async_graphql::dataloader::DataLoader;
use async_graphql::Context;
use lectern_service::{Caller, Service};

/// Who is asking; set per request (or per WebSocket connection).
#[derive(Clone)]
pub struct Viewer {
    pub caller: Caller,
    /// The bearer token, so that long-lived subscriptions can check it is still valid.
    pub token: Option<String>,
    /// The client's address, for login throttling.
    pub client: String,
}

pub fn service<'a>(ctx: &Context<'a>) -> &'a Service {
    ctx.data_unchecked::<Service>()
}

pub fn caller(ctx: &Context<'_>) -> Caller {
    ctx.data_opt::<Viewer>()
        .map(|v| v.caller)
        .unwrap_or(Caller::Anonymous)
}

pub fn viewer(ctx: &Context<'_>) -> Viewer {
    ctx.data_opt::<Viewer>().cloned().unwrap_or(Viewer {
        caller: Caller::Anonymous,
        token: None,
        client: "unknown".into(),
    })
}

/// Data loaders live for one request and see only what its caller may read.
pub fn request_data(service: &Service, viewer: Viewer) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(DataLoader::new(
        TechnologyLoader::new(service, viewer.caller),
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        SourceLoader::new(service, viewer.caller),
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        CoveringLoader {
            service: service.clone(),
            caller: viewer.caller,
        },
        tokio::spawn,
    ));
    data.insert(viewer);
    data
}
