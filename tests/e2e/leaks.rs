//! Nothing names unpublished content to a published-only caller (issue 12): not search, not a
//! relation filter, not a sync tombstone or a forged sync token, not a revision snapshot; and
//! bad input is a 4xx that names the field and stores nothing, through both APIs.

use crate::support::{Ctx, USER_PASSWORD};
use base64::Engine;
use serde_json::{json, Value};

fn hits(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|h| h["slug"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn search_never_matches_through_a_related_draft() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.technology(&admin, "Zorblaxdb", "draft").await;
    let article = ctx
        .service
        .create::<lectern_service::Article>(
            &admin,
            serde_json::from_value(json!({
                "title": "A published piece", "status": "published",
                "technologies": ["zorblaxdb"],
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let read = ctx.api_token("read").await;
    for caller in [&ctx.client, &read] {
        for q in ["zorblaxdb", "zorb", "zorblax"] {
            let r = caller.get(&format!("/api/v1/search?q={q}")).await;
            r.assert_status(200);
            assert!(hits(&r.body).is_empty(), "{q}: {}", r.text);
            assert!(!r.text.to_lowercase().contains("zorblax"), "{}", r.text);
        }
        let r = caller
            .gql(
                "query($q: String!) { search(query: $q) { edges { node { slug snippet } } } }",
                json!({"q": "zorblax"}),
            )
            .await;
        assert!(!r.text.contains(&article.slug), "{}", r.text);
    }
    // An editor finds it; once the technology is published everyone does, and after it is
    // unpublished again nobody but editors.
    let editor = ctx.admin_client().await;
    let r = editor.get("/api/v1/search?q=zorblaxdb").await;
    assert!(
        hits(&r.body).contains(&"zorblaxdb".to_owned()),
        "{}",
        r.text
    );
    let tech = editor.get("/api/v1/technologies/zorblaxdb").await;
    let etag = tech.header("etag").unwrap().to_owned();
    let r = editor
        .send(
            reqwest::Method::POST,
            "/api/v1/technologies/zorblaxdb/publish",
            None,
            &[("if-match", &etag)],
        )
        .await;
    r.assert_status(200);
    let etag = r.header("etag").unwrap().to_owned();
    let r = ctx.client.get("/api/v1/search?q=zorblaxdb").await;
    assert!(hits(&r.body).contains(&article.slug), "{}", r.text);
    editor
        .send(
            reqwest::Method::POST,
            "/api/v1/technologies/zorblaxdb/unpublish",
            None,
            &[("if-match", &etag)],
        )
        .await
        .assert_status(200);
    let r = ctx.client.get("/api/v1/search?q=zorblax").await;
    assert!(hits(&r.body).is_empty(), "{}", r.text);
}

#[tokio::test]
async fn a_filter_on_a_draft_relation_is_a_filter_on_nothing() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.technology(&admin, "Hiddenlang", "draft").await;
    ctx.service
        .create::<lectern_service::Article>(
            &admin,
            serde_json::from_value(json!({
                "title": "Uses the hidden one", "status": "published",
                "technologies": ["hiddenlang"],
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let read = ctx.api_token("read").await;
    let (author, _, _) = ctx.user_client("author").await;
    for caller in [&ctx.client, &read, &author] {
        let draft = caller.get("/api/v1/articles?technology=hiddenlang").await;
        let missing = caller.get("/api/v1/articles?technology=no-such-slug").await;
        assert_eq!(draft.status, missing.status);
        assert_eq!(draft.body["data"], missing.body["data"], "{}", draft.text);
        assert_eq!(draft.body["data"], json!([]));
        let query = "query($t: String) { articles(filter: {technology: $t}) { totalCount edges { node { slug } } } }";
        let draft = caller.gql(query, json!({"t": "hiddenlang"})).await;
        let missing = caller.gql(query, json!({"t": "no-such-slug"})).await;
        assert_eq!(draft.body, missing.body, "{}", draft.text);
        assert_eq!(
            draft.body["data"]["articles"]["totalCount"], 0,
            "{}",
            draft.text
        );
    }
    // Editors see the link, as they see the draft.
    let editor = ctx.admin_client().await;
    let r = editor.get("/api/v1/articles?technology=hiddenlang").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1, "{}", r.text);
}

#[tokio::test]
async fn tombstones_name_the_last_slug_the_reader_saw_and_tokens_are_signed() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let read = ctx.api_token("read").await;
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Visible for a while", "status": "published"}),
        )
        .await;
    r.assert_status(201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let etag = r.header("etag").unwrap().to_owned();
    let mut token: Option<String> = None;
    loop {
        let path = match &token {
            Some(t) => format!("/api/v1/sync?limit=100&token={t}"),
            None => "/api/v1/sync?limit=100".to_owned(),
        };
        let page = read.get(&path).await;
        page.assert_status(200);
        token = Some(page.body["next_sync_token"].as_str().unwrap().to_owned());
        if page.body["has_more"] != true {
            break;
        }
    }
    let token = token.unwrap();
    // Unpublished, then renamed while a draft.
    let r = editor
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/articles/{id}/unpublish"),
            None,
            &[("if-match", &etag)],
        )
        .await;
    r.assert_status(200);
    let etag = r.header("etag").unwrap().to_owned();
    editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            &json!({"slug": "secret-next-launch", "title": "Secret next launch"}),
            Some(&etag),
        )
        .await
        .assert_status(200);
    let r = read.get(&format!("/api/v1/sync?token={token}")).await;
    r.assert_status(200);
    assert!(!r.text.contains("secret"), "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.text);
    assert_eq!(items[0]["op"], "delete");
    assert_eq!(items[0]["slug"], "visible-for-a-while", "{}", r.text);
    // The NDJSON export carries the same tombstone.
    let r = read.get(&format!("/api/v1/export?since={token}")).await;
    r.assert_status(200);
    assert!(r.text.contains("visible-for-a-while"), "{}", r.text);
    assert!(!r.text.contains("secret"), "{}", r.text);
    // A forged position (the payload changed, the signature kept) is refused, and so is a
    // token replayed by a caller who sees more or less than the one it was issued to.
    let (payload, signature) = token.split_once('.').expect("a signed token");
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut decoded: Value = serde_json::from_slice(&engine.decode(payload).unwrap()).unwrap();
    decoded["s"] = json!(0);
    let forged = format!("{}.{signature}", engine.encode(decoded.to_string()));
    read.get(&format!("/api/v1/sync?token={forged}"))
        .await
        .assert_problem(400, "invalid_sync_token");
    read.get(&format!("/api/v1/sync?token={payload}"))
        .await
        .assert_problem(400, "invalid_sync_token");
    editor
        .get(&format!("/api/v1/sync?token={token}"))
        .await
        .assert_problem(400, "invalid_sync_token");
}

#[tokio::test]
async fn revision_snapshots_are_shaped_like_the_live_item() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.technology(&admin, "Unreleased Engine", "draft").await;
    ctx.technology(&admin, "Public Engine", "published").await;
    let (author, author_caller, _) = ctx.user_client("author").await;
    let article = ctx.article(&author_caller, "Mine", "draft").await;
    // An editor links both technologies to the author's article.
    ctx.service
        .update::<lectern_service::Article>(
            &admin,
            &article.id.to_string(),
            serde_json::from_value(json!({"technologies": ["unreleased-engine", "public-engine"]}))
                .unwrap(),
            Some(article.version),
        )
        .await
        .unwrap();
    let live = author
        .get(&format!("/api/v1/articles/{}", article.id))
        .await;
    live.assert_status(200);
    assert!(!live.text.contains("unreleased"), "{}", live.text);
    let r = author
        .get(&format!("/api/v1/articles/{}/revisions/2", article.id))
        .await;
    r.assert_status(200);
    assert!(r.text.contains("public-engine"), "{}", r.text);
    assert!(!r.text.contains("unreleased"), "{}", r.text);
    // The editor sees what was recorded.
    let editor = ctx.admin_client().await;
    let r = editor
        .get(&format!("/api/v1/articles/{}/revisions/2", article.id))
        .await;
    assert!(r.text.contains("unreleased-engine"), "{}", r.text);
}

/// Every string field of the create bodies, as the published contract lists them.
fn string_fields(schema: &str) -> Vec<(String, bool)> {
    let doc: Value = serde_json::from_str(include_str!("../../schema/openapi.json")).unwrap();
    let props = doc["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap();
    props
        .iter()
        .filter_map(|(name, p)| {
            let text = p.to_string();
            let is_list = text.contains("\"array\"") && text.contains("\"string\"");
            let is_text = p["type"] == "string"
                || p["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("string")));
            let is_enum = text.contains("\"enum\"") || text.contains("$ref");
            (is_text || is_list)
                .then_some((name.clone(), is_list))
                .filter(|_| !is_enum || is_list)
        })
        .collect()
}

#[tokio::test]
async fn control_characters_are_refused_everywhere_and_store_nothing() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let nul = "a\u{0}b";
    for (schema, path, base) in [
        (
            "ArticleCreate",
            "/api/v1/articles",
            json!({"title": "Control test"}),
        ),
        (
            "TechnologyCreate",
            "/api/v1/technologies",
            json!({"name": "Control test", "kind": "framework"}),
        ),
    ] {
        let before = editor
            .get(&format!("{path}?limit=100&status=draft"))
            .await
            .body["data"]
            .as_array()
            .map(Vec::len);
        let fields = string_fields(schema);
        assert!(fields.len() >= 3, "{schema}: {fields:?}");
        for (field, is_list) in fields {
            let mut body = base.clone();
            body[&field] = if is_list { json!([nul]) } else { json!(nul) };
            let r = editor.post(path, &body).await;
            assert!(
                r.status == 422 || r.status == 400,
                "{schema}.{field}: {} {}",
                r.status,
                r.text
            );
            assert!(r.text.contains(&field), "{schema}.{field}: {}", r.text);
        }
        // Nested: a trend figure's metric.
        if schema == "TechnologyCreate" {
            let mut body = base.clone();
            body["trend_signals"] = json!([{"metric": nul, "value": 1.0, "unit": "%", "period": "2023", "source": "x"}]);
            let r = editor.post(path, &body).await;
            assert_eq!(r.status, 422, "{}", r.text);
            assert!(r.text.contains("trend_signals[0].metric"), "{}", r.text);
        }
        let after = editor
            .get(&format!("{path}?limit=100&status=draft"))
            .await
            .body["data"]
            .as_array()
            .map(Vec::len);
        assert_eq!(before, after, "{schema}: something was stored");
    }
    // Query parameters and paths, on every list and search.
    for path in [
        "/api/v1/articles?tag=a%00b",
        "/api/v1/articles?technology=%00",
        "/api/v1/articles?q=x%01y",
        "/api/v1/technologies?q=%00",
        "/api/v1/search?q=a%00",
        "/api/v1/articles/a%00b",
    ] {
        let r = ctx.client.get(path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        r.assert_problem(400, "invalid_parameter");
    }
    // Login: an email with NUL is a clear 4xx, not a database error.
    let r = ctx
        .client
        .post(
            "/api/v1/auth/login",
            &json!({"email": "admin\u{0}@example.com", "password": "whatever-password"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert!(r.text.contains("email"), "{}", r.text);
    // GraphQL: variables, inline arguments and filters.
    let r = editor
        .gql(
            "mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }",
            json!({"i": {"title": nul}}),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["code"], "validation_failed",
        "{}",
        r.text
    );
    assert!(r.text.contains("$i.title"), "{}", r.text);
    let r = ctx
        .client
        .gql(
            "{ articles(filter: {tag: \"a\\u0000b\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["code"], "validation_failed",
        "{}",
        r.text
    );
    let r = ctx
        .client
        .gql(
            "mutation { login(email: \"x\\u0000@example.com\", password: \"p\") { accessToken } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["code"], "validation_failed",
        "{}",
        r.text
    );
    // Line breaks and tabs are text, not control: a body keeps them.
    editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Kept", "body": "line one\n\tline two\r\n"}),
        )
        .await
        .assert_status(201);
}

#[tokio::test]
async fn weak_passwords_are_refused_wherever_a_password_is_set() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin_client().await;
    for weak in [
        "password1234",
        "aaaaaaaaaaaa",
        "            ",
        "123456789012",
        "qwertyuiopasdf",
    ] {
        let r = admin
            .post(
                "/api/v1/users",
                &json!({"email": "new@example.com", "role": "author", "password": weak}),
            )
            .await;
        r.assert_problem(422, "validation_failed");
        assert!(r.text.contains("password"), "{weak:?}: {}", r.text);
        let r = admin
            .patch(
                "/api/v1/me",
                &json!({"current_password": crate::support::ADMIN_PASSWORD, "password": weak}),
                None,
            )
            .await;
        r.assert_problem(422, "validation_failed");
    }
    let users = admin.get("/api/v1/users?limit=100").await;
    assert!(!users.text.contains("new@example.com"), "{}", users.text);
    let r = admin
        .post(
            "/api/v1/users",
            &json!({"email": "new@example.com", "role": "author", "password": USER_PASSWORD}),
        )
        .await;
    r.assert_status(201);
}

#[tokio::test]
async fn webhook_urls_with_disguised_internal_addresses_are_refused() {
    let ctx = Ctx::with(crate::support::ServerOptions {
        env: vec![("LECTERN_WEBHOOK_POLL_MS".into(), "50".into())],
        ..Default::default()
    })
    .await;
    let admin = ctx.admin_client().await;
    for url in [
        "http://[::127.0.0.1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        "http://[2002:c0a8:0101::1]/hook",
        "http://[2001::1]/hook",
        "http://[fd00:ec2::254]/hook",
        "http://app.localhost/hook",
        "http://198.18.0.1/hook",
    ] {
        let r = admin
            .post("/api/v1/webhooks", &json!({"url": url, "events": ["*"]}))
            .await;
        r.assert_problem(422, "validation_failed");
    }
    let list = admin.get("/api/v1/webhooks").await;
    assert_eq!(list.body["data"], json!([]), "{}", list.text);
    // A name that does not resolve yet is saved; delivery enforces the guard, and the
    // delivery log says why nothing was sent.
    let r = admin
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://hooks.not-registered-yet.invalid/lectern", "events": ["*"]}),
        )
        .await;
    r.assert_status(201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    admin
        .post(&format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    let mut logged = None;
    for _ in 0..100 {
        let r = admin
            .get(&format!("/api/v1/webhooks/{id}/deliveries"))
            .await;
        let first = r.body["data"][0].clone();
        // Claimed first (attempts counts it), then the outcome is written.
        if first["last_error"].is_string() {
            logged = Some(first);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let logged = logged.expect("the delivery was never attempted");
    assert!(
        logged["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{logged}"
    );
    assert_ne!(logged["status"], "delivered", "{logged}");
}

#[tokio::test]
async fn a_subscriber_hears_a_departure_under_the_slug_it_saw() {
    use crate::graphql_live::{connect, event, subscribe};
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Public for now", "status": "published"}),
        )
        .await;
    r.assert_status(201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let etag = r.header("etag").unwrap().to_owned();
    let mut ws = connect(&ctx.server.base, json!({})).await;
    subscribe(&mut ws).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Unpublished and renamed in one change.
    editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            &json!({"status": "draft", "slug": "secret-merger-codename"}),
            Some(&etag),
        )
        .await
        .assert_status(200);
    let mut m = event(&mut ws).await;
    // On a loaded machine the creation can reach a subscriber that joined just after it.
    if m["operation"] == "UPSERT" && m["version"] == 1 {
        m = event(&mut ws).await;
    }
    let text = m.to_string();
    assert_eq!(m["operation"], "DELETE", "{text}");
    assert_eq!(m["slug"], "public-for-now", "{text}");
    assert!(!text.contains("secret"), "{text}");
}

#[tokio::test]
async fn search_scores_do_not_count_hidden_documents() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.article(&admin, "Public wombat notes", "published")
        .await;
    let read = |c: crate::support::Client| async move {
        c.get("/api/v1/search?q=wombat").await.body["data"].clone()
    };
    let before = read(ctx.client.clone()).await;
    for i in 0..3 {
        ctx.article(&admin, &format!("Hidden wombat draft {i}"), "draft")
            .await;
    }
    let after = read(ctx.client.clone()).await;
    assert_eq!(before, after, "drafts changed what a public search shows");
}

#[tokio::test]
async fn a_draft_cannot_take_over_a_public_redirect() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Heron old", "status": "published"}),
        )
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    editor
        .patch(
            "/api/v1/articles/heron-old",
            &json!({"slug": "heron-new"}),
            Some(&etag),
        )
        .await
        .assert_status(200);
    // An author reuses the old slug for a draft, then moves the draft elsewhere.
    let (author, _, _) = ctx.user_client("author").await;
    let r = author
        .post(
            "/api/v1/articles",
            &json!({"title": "Mine", "slug": "heron-old"}),
        )
        .await;
    r.assert_status(201);
    let etag = r.header("etag").unwrap().to_owned();
    author
        .patch(
            "/api/v1/articles/heron-old",
            &json!({"slug": "heron-hidden-elsewhere"}),
            Some(&etag),
        )
        .await
        .assert_status(200);
    // The public redirect still leads to the published article, in both APIs.
    let r = ctx.client.get("/api/v1/articles/heron-old").await;
    assert_eq!(r.status, 301, "{}", r.text);
    assert!(r.header("location").unwrap().ends_with("heron-new"));
    let r = ctx
        .client
        .gql("{ article(slug: \"heron-old\") { slug } }", json!({}))
        .await;
    assert_eq!(r.body["data"]["article"]["slug"], "heron-new", "{}", r.text);
    assert!(!r.text.contains("hidden"), "{}", r.text);
}
