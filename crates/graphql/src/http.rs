//! The HTTP side of GraphQL: `POST /graphql` (single or batched JSON requests), `GET
//! /graphql` (queries in the URL, or GraphiQL for a browser) and `/graphql/ws` for
//! subscriptions over the `graphql-transport-ws` protocol.

use crate::context::{request_data, Viewer};
use crate::error::coded;
use crate::persisted::{sha256_hex, Persisted};
use crate::{GraphqlConfig, LecternSchema};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, Request, Response, ServerError};
use lectern_service::cache::Cached;
use lectern_service::{Caller, Code, Error, Service, TokenScope};
use std::sync::Arc;

/// Everything the GraphQL routes share.
pub struct GraphqlState {
    pub schema: LecternSchema,
    pub service: Service,
    pub persisted: Persisted,
    pub config: GraphqlConfig,
    pub sockets: Arc<crate::sockets::Sockets>,
}

/// Mounts `/graphql` and `/graphql/ws`.
pub fn configure(state: web::Data<GraphqlState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let limit = state.config.max_bytes;
        cfg.service(
            web::resource("/graphql")
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(limit))
                .route(web::post().to(post))
                .route(web::get().to(get)),
        )
        .service(
            web::resource("/graphql/assets/{name}").route(web::get().to(crate::graphiql::asset)),
        )
        .service(
            web::resource("/graphql/ws")
                .app_data(state)
                .route(web::get().to(websocket)),
        );
    }
}

fn error_body(message: &str, code: Code) -> String {
    let code = code.as_str();
    serde_json::json!({"errors": [{"message": message, "extensions": {"code": code}}]}).to_string()
}

fn http_error_at(status: StatusCode, code: Code, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(error_body(message, code))
}

/// A request refused before it ran, at its code's status.
fn http_error(code: Code, message: &str) -> HttpResponse {
    let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    http_error_at(status, code, message)
}

/// A service error met before any query ran (a bad token, the database away).
fn service_error(e: Error) -> HttpResponse {
    let status = match &e {
        Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Error::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) | Error::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut response = http_error_at(status, e.code(), &e.to_string());
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

fn client(req: &HttpRequest, state: &GraphqlState) -> String {
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    lectern_service::client::client_address(
        req.peer_addr().map(|a| a.ip()),
        forwarded,
        &state.config.trusted_proxies,
    )
}

/// The caller, from the same bearer tokens REST takes. A bad token is a 401, never
/// silently anonymous.
async fn authenticate(req: &HttpRequest, state: &GraphqlState) -> Result<Viewer, Error> {
    let client = client(req, state);
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Viewer {
            caller: Caller::Anonymous,
            token: None,
            client,
        });
    };
    let text = value
        .to_str()
        .map_err(|_| Error::Unauthenticated("the Authorization header is not valid text".into()))?;
    let token = lectern_service::client::bearer_token(text)?;
    let caller = state.service.authenticate(token).await?;
    Ok(Viewer {
        caller,
        token: Some(token.to_owned()),
        client,
    })
}

/// The operation's type, from the request's document (parsed once here, and kept for the
/// schema to run).
fn operation_type(request: &mut Request) -> Option<OperationType> {
    let name = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    match &doc.operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(ops) => match name.as_deref() {
            Some(name) => ops.get(name).map(|op| op.node.ty),
            None if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
            None => None,
        },
    }
}

impl GraphqlState {
    /// Gives every error a code, and the limit errors a message that says which limit.
    fn with_codes(&self, mut response: Response) -> Response {
        for e in &mut response.errors {
            if e.extensions
                .as_ref()
                .is_some_and(|x| x.get("code").is_some())
            {
                continue;
            }
            let code = match e.message.as_str() {
                "Query is too complex." => {
                    e.message = format!(
                        "the query is too complex: its cost is over the limit of {} (each field costs 1 and lists count once per item asked for: ask for fewer items or fields)",
                        self.config.max_complexity
                    );
                    Code::QueryTooComplex
                }
                "Query is nested too deep." => {
                    e.message = format!(
                        "the query is nested too deep: at most {} levels are allowed",
                        self.config.max_depth
                    );
                    Code::QueryTooDeep
                }
                m if m.contains("directives") => Code::TooManyDirectives,
                _ if e.path.is_empty() => Code::InvalidQuery,
                _ => Code::Internal,
            };
            let ext = e.extensions.get_or_insert_with(Default::default);
            ext.set("code", code.as_str());
        }
        response
    }

    /// Runs one operation and returns its JSON. Published-only callers' query answers are
    /// cached like REST's public answers, and dropped on every committed change.
    async fn run(&self, request: Request, viewer: &Viewer, get: bool) -> Arc<str> {
        self.run_cacheable(request, viewer, get).await.0
    }

    /// The answer, and whether it is a published-only caller's successful query answer
    /// (which HTTP caches may keep, like REST's public answers).
    async fn run_cacheable(
        &self,
        mut request: Request,
        viewer: &Viewer,
        get: bool,
    ) -> (Arc<str>, bool) {
        let fail = |e: ServerError| -> (Arc<str>, bool) {
            let body: Arc<str> = serde_json::to_string(&Response::from_errors(vec![e]))
                .unwrap_or_default()
                .into();
            (body, false)
        };
        if let Err(e) = self.persisted.resolve(&mut request) {
            return fail(e);
        }
        let cache = self.service.cache();
        let class = match viewer.caller {
            Caller::Anonymous => Some("anon"),
            Caller::Token {
                scope: TokenScope::Read,
                ..
            } => Some("read"),
            _ => None,
        };
        // Only query answers are ever stored, so a hit needs no parsing to know it is one.
        let key = match class {
            Some(class) if cache.enabled() => {
                let variables = serde_json::to_string(&request.variables).unwrap_or_default();
                let text = format!(
                    "{}\u{0}{}\u{0}{}",
                    request.query,
                    request.operation_name.as_deref().unwrap_or(""),
                    variables
                );
                Some(format!("gql:{class}:{}", sha256_hex(&text)))
            }
            _ => None,
        };
        if let Some(hit) = key.as_deref().and_then(|k| cache.get(k)) {
            return (hit.body, true);
        }
        let op = operation_type(&mut request);
        if get
            && matches!(
                op,
                Some(OperationType::Mutation | OperationType::Subscription)
            )
        {
            return fail(coded(
                "only queries may be sent with GET; send mutations with POST",
                Code::MethodNotAllowed,
            ));
        }
        let query = op == Some(OperationType::Query);
        let key = key.filter(|_| query);
        let epoch = cache.epoch();
        request.data = request_data(&self.service, viewer.clone());
        let response = self.with_codes(self.schema.execute(request).await);
        let ok = response.errors.is_empty();
        let body: Arc<str> = match serde_json::to_string(&response) {
            Ok(s) => s.into(),
            Err(e) => {
                return fail(coded(
                    format!("the answer could not be written: {e}"),
                    Code::Internal,
                ))
            }
        };
        if let (Some(key), true) = (key, ok) {
            let value = Cached {
                body: body.clone(),
                next_cursor: None,
                id: None,
            };
            // A query may read anything.
            cache.put(key, value, lectern_service::cache::Scope::all(), epoch);
        }
        (body, ok && query && class.is_some())
    }
}

fn answer(viewer: &Viewer, body: String) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/json")
        .insert_header((header::VARY, "Authorization"));
    if viewer.caller.is_authenticated() {
        response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    }
    response.body(body)
}

async fn post(req: HttpRequest, body: web::Bytes, state: web::Data<GraphqlState>) -> HttpResponse {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().eq_ignore_ascii_case("application/json"))
        .unwrap_or(false);
    if !json {
        return http_error(
            Code::UnsupportedMediaType,
            "send the GraphQL request as application/json",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return http_error(
                Code::InvalidJson,
                &format!("the body is not a GraphQL request: {e}"),
            )
        }
    };
    let viewer = match authenticate(&req, &state).await {
        Ok(v) => v,
        Err(e) => return service_error(e),
    };
    match batch {
        BatchRequest::Single(request) => {
            let body = state.run(request, &viewer, false).await;
            answer(&viewer, body.to_string())
        }
        BatchRequest::Batch(list) => {
            if list.is_empty() || list.len() > state.config.max_batch {
                return http_error(
                    Code::BatchTooLarge,
                    &format!(
                        "a batch holds 1 to {} operations, not {}",
                        state.config.max_batch,
                        list.len()
                    ),
                );
            }
            let mut out = String::from("[");
            for (i, request) in list.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&state.run(request, &viewer, false).await);
            }
            out.push(']');
            answer(&viewer, out)
        }
    }
}

#[derive(serde::Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

async fn get(req: HttpRequest, state: web::Data<GraphqlState>) -> HttpResponse {
    let params = match web::Query::<GetParams>::from_query(req.query_string()) {
        Ok(p) => p.into_inner(),
        Err(e) => return http_error(Code::InvalidParameter, &e.to_string()),
    };
    if params.query.is_none() && params.extensions.is_none() {
        let wants_html = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        if wants_html && state.config.graphiql {
            return crate::graphiql::page_response();
        }
        return http_error(
            Code::InvalidQuery,
            "pass the query in the 'query' parameter, or POST it as JSON",
        );
    }
    let mut request = Request::new(params.query.unwrap_or_default());
    request.operation_name = params.operation_name;
    for (name, raw) in [
        ("variables", params.variables),
        ("extensions", params.extensions),
    ] {
        let Some(raw) = raw.filter(|v| !v.is_empty()) else {
            continue;
        };
        let parsed = match name {
            "variables" => serde_json::from_str(&raw).map(|v| request.variables = v),
            _ => serde_json::from_str(&raw).map(|v| request.extensions = v),
        };
        if let Err(e) = parsed {
            let message = format!("{name} must be a JSON object: {e}");
            return http_error(Code::InvalidParameter, &message);
        }
    }
    let viewer = match authenticate(&req, &state).await {
        Ok(v) => v,
        Err(e) => return service_error(e),
    };
    let (body, cacheable) = state.run_cacheable(request, &viewer, true).await;
    if !cacheable || viewer.token.is_some() {
        return answer(&viewer, body.to_string());
    }
    // A public query in the URL is as cacheable as a REST read: a validator for revalidation
    // and the same max-age.
    let tag = format!("\"g{}\"", &sha256_hex(&body)[..32]);
    let matched = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == tag)
        });
    let mut response = if matched {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::VARY, "Authorization"))
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={}", state.config.cache_max_age),
        ));
    if matched {
        return response.finish();
    }
    response
        .content_type("application/json")
        .body(body.to_string())
}

/// Reads a token from a `connection_init` payload: `{"Authorization": "Bearer ..."}` (the
/// usual header name in any case) or `{"token": "..."}`.
fn init_token(payload: &serde_json::Value) -> Option<String> {
    let map = payload.as_object()?;
    for (key, value) in map {
        let Some(text) = value.as_str() else { continue };
        if key.eq_ignore_ascii_case("authorization") {
            return Some(
                lectern_service::client::bearer_token(text)
                    .unwrap_or(text)
                    .to_owned(),
            );
        }
        if key == "token" || key == "authToken" {
            return Some(text.to_owned());
        }
    }
    None
}

async fn websocket(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GraphqlState>,
) -> HttpResponse {
    let viewer = match authenticate(&req, &state).await {
        Ok(v) => v,
        Err(e) => return service_error(e),
    };
    let Some(socket) = state.sockets.open(&viewer.client) else {
        return http_error(
            Code::RateLimited,
            &format!(
                "this address already holds {} GraphQL WebSockets open: close one first",
                state.sockets.max()
            ),
        );
    };
    let service = state.service.clone();
    let client = viewer.client.clone();
    let mut data = request_data(&service, viewer);
    // Both live as long as the socket: dropping them gives the places back.
    data.insert(Arc::new(socket));
    data.insert(crate::sockets::Subscriptions::new(
        state.config.ws_max_subscriptions,
    ));
    let started = async_graphql_actix_web::GraphQLSubscription::new(state.schema.clone())
        .with_data(data)
        .on_connection_init(move |payload| async move {
            let Some(token) = init_token(&payload) else {
                return Ok(async_graphql::Data::default());
            };
            let caller = service
                .authenticate(&token)
                .await
                .map_err(crate::error::to_gql)?;
            Ok(request_data(
                &service,
                Viewer {
                    caller,
                    token: Some(token),
                    client,
                },
            ))
        })
        .start(&req, payload);
    match started {
        Ok(response) => response,
        Err(e) => http_error(
            Code::InvalidRequest,
            &format!("open a WebSocket with the graphql-transport-ws protocol: {e}"),
        ),
    }
}
