//! Attack classes found from the outside (issue 12), each tested as a class: GraphQL work
//! bounded by request size on every transport, throttles that hold under concurrency, tokens
//! that die with their owner's rights or their session, and the last-admin rule under races.

use crate::graphql_live::{connect, next, send};
use crate::support::{Ctx, ServerOptions, ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD};
use lectern_service::UserChangeInput;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Fragments that each spread the previous one twice: 2^levels fields once expanded.
fn fragment_bomb(levels: usize) -> String {
    let mut q = String::from("fragment F0 on Query { __typename }\n");
    for i in 1..=levels {
        q.push_str(&format!(
            "fragment F{i} on Query {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    q.push_str(&format!("query {{ ...F{levels} }}"));
    q
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn fragment_expansion_is_refused_before_it_runs_on_every_transport() {
    let ctx = Ctx::new().await;
    for levels in [22, 40] {
        let query = fragment_bomb(levels);
        // POST
        let started = Instant::now();
        let r = ctx
            .client
            .post("/graphql", &json!({ "query": query }))
            .await;
        let took = started.elapsed();
        assert_eq!(code(&r.body), "query_too_complex", "{}", r.text);
        // Generous for a loaded CI machine; unbounded work took seconds here.
        assert!(took < Duration::from_millis(500), "POST took {took:?}");
        // GET
        let url = format!("/graphql?query={}", url_escape(&query));
        let r = ctx.client.get(&url).await;
        assert_eq!(code(&r.body), "query_too_complex", "{}", r.text);
        // A batch: every member is measured.
        let r = ctx
            .client
            .post(
                "/graphql",
                &json!([{ "query": "{ __typename }" }, { "query": query }]),
            )
            .await;
        assert_eq!(r.body[0]["data"]["__typename"], "Query", "{}", r.text);
        assert_eq!(code(&r.body[1]), "query_too_complex", "{}", r.text);
        // WebSocket
        let mut ws = connect(&ctx.server.base, json!({})).await;
        let started = Instant::now();
        send(
            &mut ws,
            json!({"id": "b", "type": "subscribe", "payload": {"query": query}}),
        )
        .await;
        let m = next(&mut ws, Duration::from_secs(5))
            .await
            .expect("an answer");
        assert!(started.elapsed() < Duration::from_millis(500));
        // graphql-transport-ws carries execution errors in a `next` with `errors`.
        assert_eq!(
            m["payload"]["errors"][0]["extensions"]["code"], "query_too_complex",
            "{m}"
        );
    }
    // A fragment that spreads itself is refused, not walked forever.
    let r = ctx
        .client
        .gql(
            "fragment A on Query { ...B } fragment B on Query { ...A } query { ...A }",
            json!({}),
        )
        .await;
    assert_eq!(code(&r.body), "query_too_complex", "{}", r.text);
    // Ordinary fragments still work, and REST still answers.
    let r = ctx
        .client
        .gql(
            "fragment T on Query { __typename } query { ...T ...T }",
            json!({}),
        )
        .await;
    assert_eq!(r.body["data"]["__typename"], "Query", "{}", r.text);
    ctx.client.get("/api/v1/articles").await.assert_status(200);
}

fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn websockets_are_bounded_per_address_and_subscriptions_per_socket() {
    let ctx = Ctx::with(ServerOptions {
        env: vec![
            ("LECTERN_GRAPHQL_WS_MAX_CONNECTIONS".into(), "2".into()),
            ("LECTERN_GRAPHQL_WS_MAX_SUBSCRIPTIONS".into(), "1".into()),
        ],
        ..Default::default()
    })
    .await;
    let mut first = connect(&ctx.server.base, json!({})).await;
    let second = connect(&ctx.server.base, json!({})).await;
    // The third socket from the same address is refused before the upgrade.
    let url = format!("{}/graphql/ws", ctx.server.base.replacen("http", "ws", 1));
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url.clone())
            .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 429)
        }
        other => panic!("a third socket was let in: {:?}", other.map(|_| ())),
    }
    // Closing one gives its place back.
    drop(second);
    let mut again = None;
    for _ in 0..50 {
        let mut request =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                url.clone(),
            )
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        if let Ok((ws, _)) = tokio_tungstenite::connect_async(request).await {
            again = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        again.is_some(),
        "a closed socket's place was not given back"
    );
    // One subscription per socket: the second is refused with a code.
    let sub = "subscription { contentChanged { seq } }";
    send(
        &mut first,
        json!({"id": "1", "type": "subscribe", "payload": {"query": sub}}),
    )
    .await;
    send(
        &mut first,
        json!({"id": "2", "type": "subscribe", "payload": {"query": sub}}),
    )
    .await;
    let m = next(&mut first, Duration::from_secs(5))
        .await
        .expect("answer");
    assert_eq!(m["id"], "2", "{m}");
    assert_eq!(
        m["payload"]["errors"][0]["extensions"]["code"], "too_many_subscriptions",
        "{m}"
    );
    // Completing the first frees its slot.
    send(&mut first, json!({"id": "1", "type": "complete"})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    send(
        &mut first,
        json!({"id": "3", "type": "subscribe", "payload": {"query": sub}}),
    )
    .await;
    while let Some(m) = next(&mut first, Duration::from_millis(500)).await {
        assert_ne!(m["id"], "3", "the third subscription was refused: {m}");
    }
}

#[tokio::test]
async fn concurrent_wrong_logins_get_at_most_the_allowed_checks() {
    let ctx = Ctx::with(ServerOptions {
        env: vec![("LECTERN_TRUSTED_PROXIES".into(), "127.0.0.1".into())],
        ..Default::default()
    })
    .await;
    let (_, _, email) = ctx.user_client("author").await;
    // On PostgreSQL a second instance shares the work: the slots live in the database.
    let second = ctx.db.is_postgres().then(|| {
        crate::support::TestServer::start(
            &ctx.db.url(),
            ServerOptions {
                env: vec![("LECTERN_TRUSTED_PROXIES".into(), "127.0.0.1".into())],
                ..Default::default()
            },
        )
    });
    let other = second
        .as_ref()
        .map(|s| crate::support::Client::new(&s.base));
    let attempts = (0..40).map(|i| {
        let c = match (&other, i % 2) {
            (Some(o), 1) => o.clone(),
            _ => ctx.client.clone(),
        };
        let email = email.clone();
        async move {
            c.post_with(
                "/api/v1/auth/login",
                &json!({"email": email, "password": "wrong password!!"}),
                &[("x-forwarded-for", "203.0.113.7")],
            )
            .await
            .status
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 40, "{statuses:?}");
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {statuses:?}"
    );
    // The attacker's address stays locked out of the account, even with the password...
    let r = ctx
        .client
        .post_with(
            "/api/v1/auth/login",
            &json!({"email": email, "password": USER_PASSWORD}),
            &[("x-forwarded-for", "203.0.113.7")],
        )
        .await;
    r.assert_problem(429, "rate_limited");
    // ...but the owner, from an address that has not failed, logs in.
    let r = ctx
        .client
        .post_with(
            "/api/v1/auth/login",
            &json!({"email": email, "password": USER_PASSWORD}),
            &[("x-forwarded-for", "198.51.100.20")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // One address's checks are bounded across accounts too (20 per window).
    let spread = (0..30).map(|i| {
        let c = ctx.client.clone();
        async move {
            c.post_with(
                "/api/v1/auth/login",
                &json!({"email": format!("nobody-{i}@example.com"), "password": "wrong password!!"}),
                &[("x-forwarded-for", "192.0.2.44")],
            )
            .await
            .status
        }
    });
    let statuses = futures_util::future::join_all(spread).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        checked <= 20,
        "{checked} checks from one address: {statuses:?}"
    );
}

#[tokio::test]
async fn api_tokens_die_with_their_owners_rights() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let owner = ctx.user("admin").await;
    let owner_id = owner.user_id().unwrap().0;
    let email = ctx.service.get_user(&admin, owner_id).await.unwrap().email;
    let (owner_client, _) = ctx.login(&email, USER_PASSWORD).await;
    let mut tokens = vec![];
    for scope in ["read", "preview", "write"] {
        let r = owner_client
            .post("/api/v1/tokens", &json!({"name": scope, "scope": scope}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        tokens.push(ctx.client.with_token(r.body["token"].as_str().unwrap()));
    }
    let [read, preview, write] = [&tokens[0], &tokens[1], &tokens[2]];
    write
        .post("/api/v1/articles", &json!({"title": "Written by a token"}))
        .await
        .assert_status(201);
    // Demoted to author: the write and preview scopes exceed the owner's role now.
    ctx.service
        .update_user(
            &admin,
            owner_id,
            serde_json::from_value::<UserChangeInput>(json!({"role": "author"})).unwrap(),
        )
        .await
        .unwrap();
    write
        .post("/api/v1/articles", &json!({"title": "After the demotion"}))
        .await
        .assert_problem(401, "unauthenticated");
    preview
        .get("/api/v1/articles?status=draft")
        .await
        .assert_problem(401, "unauthenticated");
    read.get("/api/v1/articles").await.assert_status(200);
    // GraphQL takes the same tokens and refuses them the same way.
    let r = write
        .gql("{ articles(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    // Disabled: every token of the owner stops at once.
    ctx.service
        .update_user(
            &admin,
            owner_id,
            serde_json::from_value::<UserChangeInput>(json!({"disabled": true})).unwrap(),
        )
        .await
        .unwrap();
    read.get("/api/v1/articles")
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn logout_and_refresh_reuse_end_access_tokens_at_once() {
    let ctx = Ctx::new().await;
    let (client, pair) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    client.get("/api/v1/me").await.assert_status(200);
    let refresh = pair["refresh_token"].as_str().unwrap();
    ctx.client
        .post("/api/v1/auth/logout", &json!({"refresh_token": refresh}))
        .await;
    client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
    let r = client.gql("{ me { email } }", json!({})).await;
    assert_eq!(r.status, 401, "{}", r.text);
    // Using the logged-out refresh token says so.
    let r = ctx
        .client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await;
    r.assert_problem(401, "unauthenticated");
    assert!(r.text.contains("logged out"), "{}", r.text);

    // Reuse of a rotated refresh token ends the whole login, access tokens included.
    let (_, first) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let old = first["refresh_token"].as_str().unwrap();
    let r = ctx
        .client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": old}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rotated = ctx
        .client
        .with_token(r.body["access_token"].as_str().unwrap());
    rotated.get("/api/v1/me").await.assert_status(200);
    ctx.client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": old}))
        .await
        .assert_problem(401, "unauthenticated");
    rotated
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
    // Other logins of the same user are untouched.
    let (other, _) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    other.get("/api/v1/me").await.assert_status(200);
}

async fn active_admins(ctx: &Ctx, admin: &lectern_service::Caller) -> Vec<uuid::Uuid> {
    ctx.service
        .list_users(admin, Some(100), None)
        .await
        .unwrap()
        .items
        .iter()
        .filter(|u| u.role == "admin" && !u.disabled)
        .map(|u| u.id)
        .collect()
}

#[tokio::test]
async fn two_admins_disabling_each_other_at_once_leave_one_active() {
    let ctx = Ctx::new().await;
    // An in-process admin caller: the service checks its role, not its account.
    let admin = ctx.admin().await;
    for round in 0..4 {
        let a = ctx.user("admin").await.user_id().unwrap().0;
        let b = ctx.user("admin").await.user_id().unwrap().0;
        for other in active_admins(&ctx, &admin).await {
            if other != a && other != b {
                ctx.service
                    .update_user(
                        &admin,
                        other,
                        serde_json::from_value::<UserChangeInput>(json!({"disabled": true}))
                            .unwrap(),
                    )
                    .await
                    .unwrap();
            }
        }
        let email_a = ctx.service.get_user(&admin, a).await.unwrap().email;
        let email_b = ctx.service.get_user(&admin, b).await.unwrap().email;
        let (ca, _) = ctx.login(&email_a, USER_PASSWORD).await;
        let (cb, _) = ctx.login(&email_b, USER_PASSWORD).await;
        // Demoting is the same race as disabling; alternate the two.
        let change = if round % 2 == 0 {
            json!({"disabled": true})
        } else {
            json!({"role": "editor"})
        };
        let (path_a, path_b) = (format!("/api/v1/users/{a}"), format!("/api/v1/users/{b}"));
        let (ra, rb) = tokio::join!(
            ca.patch(&path_b, &change, None),
            cb.patch(&path_a, &change, None),
        );
        let ok = [ra.status, rb.status].iter().filter(|s| **s == 200).count();
        assert_eq!(ok, 1, "round {round}: {} / {}", ra.text, rb.text);
        let refused = if ra.status == 200 { &rb } else { &ra };
        // The loser is refused: by the rule, or because its own session just ended.
        assert!(
            [401, 409].contains(&refused.status),
            "round {round}: {}",
            refused.text
        );
        assert_eq!(
            active_admins(&ctx, &admin).await.len(),
            1,
            "round {round}: not exactly one active admin left"
        );
    }
}
