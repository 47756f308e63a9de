//! GraphQL beyond single requests: live updates over WebSocket, persisted queries, GET,
//! GraphiQL, and the production switches.

use crate::support::{Client, Ctx, ServerOptions};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub(crate) type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn code(r: &crate::support::Resp) -> &str {
    r.body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

/// Opens a `graphql-transport-ws` connection, with `payload` in `connection_init`.
pub(crate) async fn connect(base: &str, payload: Value) -> Ws {
    let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    send(
        &mut ws,
        json!({"type": "connection_init", "payload": payload}),
    )
    .await;
    let ack = next(&mut ws, Duration::from_secs(5))
        .await
        .expect("no connection_ack");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    ws
}

pub(crate) async fn send(ws: &mut Ws, message: Value) {
    ws.send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next protocol message other than ping/pong, or None after `wait`.
pub(crate) async fn next(ws: &mut Ws, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, ws.next())
            .await
            .ok()??
            .ok()?;
        let Message::Text(text) = message else {
            continue;
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        match value["type"].as_str() {
            Some("ping") => send(ws, json!({"type": "pong"})).await,
            Some("pong") => {}
            _ => return Some(value),
        }
    }
}

const SUBSCRIPTION: &str = "subscription { contentChanged(types: [ARTICLE]) { type operation slug version article { title status } } }";

pub(crate) async fn subscribe(ws: &mut Ws) {
    send(
        ws,
        json!({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}),
    )
    .await;
}

pub(crate) async fn event(ws: &mut Ws) -> Value {
    let m = next(ws, Duration::from_secs(10))
        .await
        .expect("no event arrived");
    assert_eq!(m["type"], "next", "{m}");
    m["payload"]["data"]["contentChanged"].clone()
}

#[tokio::test]
async fn subscribers_hear_changes_made_through_rest_and_only_what_they_may_read() {
    let ctx = Ctx::new().await;
    let editor_login = ctx
        .login(crate::support::ADMIN_EMAIL, crate::support::ADMIN_PASSWORD)
        .await;
    let editor: Client = editor_login.0;
    let token = editor_login.1["access_token"].as_str().unwrap().to_owned();

    let mut anonymous = connect(&ctx.server.base, json!({})).await;
    subscribe(&mut anonymous).await;
    let mut privileged = connect(
        &ctx.server.base,
        json!({"Authorization": format!("Bearer {token}")}),
    )
    .await;
    subscribe(&mut privileged).await;
    // Give the server a moment to register both subscriptions.
    tokio::time::sleep(Duration::from_millis(1000)).await;

    let created = editor
        .post("/api/v1/articles", &json!({"title": "Live draft"}))
        .await;
    created.assert_status(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let e = event(&mut privileged).await;
    assert_eq!(
        (e["operation"].as_str(), e["article"]["status"].as_str()),
        (Some("UPSERT"), Some("DRAFT")),
        "{e}"
    );

    let etag = created.header("etag").unwrap().to_owned();
    let published = editor
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&json!({})),
            &[("if-match", &etag)],
        )
        .await;
    published.assert_status(200);
    // The anonymous subscriber's first event is the publication: the draft never reached it.
    let e = event(&mut anonymous).await;
    assert_eq!(e["operation"], "UPSERT", "{e}");
    assert_eq!(e["article"]["title"], "Live draft");
    assert_eq!(e["article"]["status"], "PUBLISHED");
    assert_eq!(event(&mut privileged).await["operation"], "UPSERT");

    let etag = published.header("etag").unwrap().to_owned();
    editor
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/articles/{id}/unpublish"),
            Some(&json!({})),
            &[("if-match", &etag)],
        )
        .await
        .assert_status(200);
    let e = event(&mut anonymous).await;
    assert_eq!(e["operation"], "DELETE", "{e}");
    assert!(
        e["article"].is_null(),
        "an unpublished article must not be sent: {e}"
    );

    // A change made by another process (the service on the same database) arrives too.
    let admin = ctx.admin().await;
    ctx.article(&admin, "From elsewhere", "published").await;
    let e = event(&mut anonymous).await;
    assert_eq!(e["article"]["title"], "From elsewhere", "{e}");
}

#[tokio::test]
async fn persisted_queries_get_and_graphiql() {
    let ctx = Ctx::new().await;
    let query = "{ articles(first: 1) { totalCount } }";
    let hash = hex_sha256(query);
    let pq = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let r = ctx
        .client
        .post("/graphql", &json!({"extensions": pq}))
        .await;
    assert_eq!(code(&r), "PERSISTED_QUERY_NOT_FOUND", "{}", r.text);
    let r = ctx
        .client
        .post("/graphql", &json!({"query": query, "extensions": pq}))
        .await;
    assert_eq!(r.body["data"]["articles"]["totalCount"], 0, "{}", r.text);
    let r = ctx
        .client
        .post("/graphql", &json!({"extensions": pq}))
        .await;
    assert_eq!(r.body["data"]["articles"]["totalCount"], 0, "{}", r.text);
    let bad = json!({"persistedQuery": {"version": 1, "sha256Hash": "0".repeat(64)}});
    let r = ctx
        .client
        .post("/graphql", &json!({"query": query, "extensions": bad}))
        .await;
    assert_eq!(code(&r), "invalid_persisted_query");

    // Queries by GET, persisted or not; mutations never.
    let ext = urlencode(&pq.to_string());
    let r = ctx.client.get(&format!("/graphql?extensions={ext}")).await;
    assert_eq!(r.body["data"]["articles"]["totalCount"], 0, "{}", r.text);
    let r = ctx
        .client
        .get(&format!("/graphql?query={}", urlencode(query)))
        .await;
    assert_eq!(r.body["data"]["articles"]["totalCount"], 0, "{}", r.text);
    let m = "mutation { logout(refreshToken: \"x\") }";
    let r = ctx
        .client
        .get(&format!("/graphql?query={}", urlencode(m)))
        .await;
    assert_eq!(code(&r), "method_not_allowed", "{}", r.text);

    let page = ctx
        .client
        .get_with("/graphql", &[("accept", "text/html")])
        .await;
    page.assert_status(200);
    assert!(page.text.to_lowercase().contains("graphiql"));
    // Served from the binary: the page may load Lectern's own files only.
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        !csp.contains("https:") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let script = ctx
        .client
        .get("/graphql/assets/graphiql-3.8.3.min.js")
        .await;
    script.assert_status(200);
    assert!(script
        .header("cache-control")
        .unwrap()
        .contains("immutable"));

    // Introspection is on by default, so code generators can read the schema.
    let r = ctx
        .client
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(r.body["data"]["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn production_switches_introspection_off_and_allow_list() {
    let dir = tempfile::tempdir().unwrap();
    let allowed = "{ technologies(first: 5) { totalCount } }";
    let path = dir.path().join("allow.json");
    std::fs::write(&path, json!({ hex_sha256(allowed): allowed }).to_string()).unwrap();
    let ctx = Ctx::with(ServerOptions {
        demo: false,
        env: vec![
            ("LECTERN_GRAPHQL_INTROSPECTION".into(), "false".into()),
            (
                "LECTERN_GRAPHQL_ALLOWLIST".into(),
                path.display().to_string(),
            ),
        ],
    })
    .await;
    let r = ctx.client.gql(allowed, json!({})).await;
    assert_eq!(
        r.body["data"]["technologies"]["totalCount"], 0,
        "{}",
        r.text
    );
    let by_hash = json!({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": hex_sha256(allowed)}}});
    let r = ctx.client.post("/graphql", &by_hash).await;
    assert_eq!(
        r.body["data"]["technologies"]["totalCount"], 0,
        "{}",
        r.text
    );
    for other in [
        "{ articles { totalCount } }",
        "{ __schema { queryType { name } } }",
    ] {
        let r = ctx.client.gql(other, json!({})).await;
        assert_eq!(code(&r), "PERSISTED_QUERY_NOT_ALLOWED", "{}", r.text);
    }
    drop(ctx);

    let ctx = Ctx::with(ServerOptions {
        demo: false,
        env: vec![("LECTERN_GRAPHQL_INTROSPECTION".into(), "false".into())],
    })
    .await;
    let r = ctx
        .client
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(r.body["data"]["__schema"].is_null(), "{}", r.text);
    let r = ctx
        .client
        .gql("{ articls { totalCount } }", json!({}))
        .await;
    assert!(
        !r.text.contains("Did you mean"),
        "suggestions leak the schema: {}",
        r.text
    );
}

fn hex_sha256(text: &str) -> String {
    lectern_graphql::persisted::sha256_hex(text)
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
