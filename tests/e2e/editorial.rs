//! The editorial REST surface: preconditions, idempotency, revisions, redirects, scheduling,
//! shaping, and the HTTP-level refusals.

use crate::support::{Client, Ctx, ServerOptions};
use reqwest::Method;
use serde_json::json;

async fn editor(ctx: &Ctx) -> Client {
    ctx.user_client("editor").await.0
}

#[tokio::test]
async fn writes_need_the_current_version_and_exactly_one_concurrent_writer_wins() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let created = ed
        .post("/api/v1/articles", &json!({"title": "Contended"}))
        .await;
    created.assert_status(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let etag = created.header("etag").unwrap().to_owned();
    assert!(created.header("location").unwrap().ends_with(&id));
    let path = format!("/api/v1/articles/{id}");

    ed.patch(&path, &json!({"title": "x"}), None)
        .await
        .assert_problem(428, "version_required");
    ed.patch(&path, &json!({"title": "x"}), Some("\"nonsense\""))
        .await
        .assert_problem(412, "version_mismatch");
    ed.delete(&path, None)
        .await
        .assert_problem(428, "version_required");
    ed.send(Method::POST, &format!("{path}/publish"), None, &[])
        .await
        .assert_problem(428, "version_required");
    assert_eq!(
        ed.get(&path).await.body["title"],
        "Contended",
        "nothing changed"
    );

    let mut tasks = vec![];
    for i in 0..8 {
        let (ed, path, etag) = (ed.clone(), path.clone(), etag.clone());
        tasks.push(tokio::spawn(async move {
            ed.patch(
                &path,
                &json!({"summary": format!("writer {i}")}),
                Some(&etag),
            )
            .await
            .status
        }));
    }
    let mut statuses = vec![];
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 412),
        "{statuses:?}"
    );

    // Clients that cannot set headers send the version in the body.
    let now = ed.get(&path).await;
    let v = now.body["version"].as_i64().unwrap();
    ed.patch(
        &path,
        &json!({"title": "By body version", "version": v}),
        None,
    )
    .await
    .assert_status(200);
    ed.patch(
        &path,
        &json!({"title": "Stale body version", "version": v}),
        None,
    )
    .await
    .assert_problem(412, "version_mismatch");
}

#[tokio::test]
async fn conditional_reads_and_cache_headers() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let created = ed
        .post(
            "/api/v1/articles",
            &json!({"title": "Cache me", "status": "published"}),
        )
        .await;
    let path = format!("/api/v1/articles/{}", created.body["id"].as_str().unwrap());
    let private = ed.get(&path).await;
    assert_eq!(private.header("cache-control"), Some("private, no-store"));
    let tag = private.header("etag").unwrap().to_owned();
    ed.get_with(&path, &[("if-none-match", &tag)])
        .await
        .assert_status(304);
    let public = ctx.client.get(&path).await;
    assert!(public
        .header("cache-control")
        .unwrap()
        .starts_with("public, max-age="));
    assert_eq!(
        public.header("vary"),
        Some("Authorization, Accept-Language")
    );
    let ptag = public.header("etag").unwrap().to_owned();
    ctx.client
        .get_with(&path, &[("if-none-match", &ptag)])
        .await
        .assert_status(304);
    let list = ctx.client.get("/api/v1/articles").await;
    let ltag = list.header("etag").unwrap().to_owned();
    ctx.client
        .get_with("/api/v1/articles", &[("if-none-match", &ltag)])
        .await
        .assert_status(304);
    // After a change the old validators no longer match.
    ed.patch(&path, &json!({"title": "Changed"}), Some(&tag))
        .await
        .assert_status(200);
    ctx.client
        .get_with(&path, &[("if-none-match", &ptag)])
        .await
        .assert_status(200);
    ed.get_with(&path, &[("if-none-match", &tag)])
        .await
        .assert_status(200);
}

#[tokio::test]
async fn idempotent_creation() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let body = json!({"title": "Once only"});
    let first = ed
        .post_with("/api/v1/articles", &body, &[("idempotency-key", "key-1")])
        .await;
    first.assert_status(201);
    let retry = ed
        .post_with("/api/v1/articles", &body, &[("idempotency-key", "key-1")])
        .await;
    retry.assert_status(201);
    assert_eq!(retry.body["id"], first.body["id"]);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.header("location"), first.header("location"));
    ed.post_with(
        "/api/v1/articles",
        &json!({"title": "Something else"}),
        &[("idempotency-key", "key-1")],
    )
    .await
    .assert_problem(422, "validation_failed");
    let list = ed.get("/api/v1/articles?status=draft").await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        1,
        "the retry created nothing"
    );
    // A failed request does not use up its key.
    ed.post_with(
        "/api/v1/articles",
        &json!({"title": ""}),
        &[("idempotency-key", "key-2")],
    )
    .await
    .assert_status(422);
    ed.post_with(
        "/api/v1/articles",
        &json!({"title": "Now valid"}),
        &[("idempotency-key", "key-2")],
    )
    .await
    .assert_status(201);
    // Keys belong to their caller.
    let other = editor(&ctx).await;
    let theirs = other
        .post_with("/api/v1/articles", &body, &[("idempotency-key", "key-1")])
        .await;
    theirs.assert_status(201);
    assert_ne!(theirs.body["id"], first.body["id"]);
    // Technologies too.
    let t = json!({"name": "Idempotent tech", "kind": "tool"});
    let a = ed
        .post_with("/api/v1/technologies", &t, &[("idempotency-key", "t-1")])
        .await;
    let b = ed
        .post_with("/api/v1/technologies", &t, &[("idempotency-key", "t-1")])
        .await;
    assert_eq!(a.body["id"], b.body["id"]);
    // A key names one request: the same key and body sent to another collection is another
    // request (schemathesis found a source creation answered with the article's replay).
    ed.post_with("/api/v1/sources", &body, &[("idempotency-key", "key-1")])
        .await
        .assert_problem(422, "validation_failed");
    let sources = ed.get("/api/v1/sources?status=draft").await;
    assert!(!sources.text.contains("Once only"), "{}", sources.text);
    let again = ed
        .post_with("/api/v1/articles", &body, &[("idempotency-key", "key-1")])
        .await;
    assert_eq!(again.body["id"], first.body["id"]);
}

/// Retries that race each other (a client timing out and resending) create one item and all
/// get its answer: the key is stored with the creation, so none is told "in progress".
#[tokio::test]
async fn concurrent_retries_with_one_key_create_once() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let body = json!({"title": "Raced source", "kind": "report"});
    let attempts = (0..6).map(|_| {
        let ed = ed.clone();
        let body = body.clone();
        async move {
            ed.post_with("/api/v1/sources", &body, &[("idempotency-key", "race-1")])
                .await
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    for r in &answers {
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["id"], answers[0].body["id"]);
    }
    let replayed = answers
        .iter()
        .filter(|r| r.header("idempotent-replayed") == Some("true"))
        .count();
    assert_eq!(replayed, answers.len() - 1);
    let list = ed.get("/api/v1/sources?status=draft").await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        list.text
    );
}

#[tokio::test]
async fn revisions_list_show_and_restore() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let c = ed
        .post(
            "/api/v1/articles",
            &json!({"title": "First title", "body": "one", "tags": ["a"]}),
        )
        .await;
    let path = format!("/api/v1/articles/{}", c.body["id"].as_str().unwrap());
    let r = ed
        .patch(
            &path,
            &json!({"title": "Second title", "body": "two"}),
            Some(c.header("etag").unwrap()),
        )
        .await;
    let r = ed
        .send(
            Method::POST,
            &format!("{path}/publish"),
            None,
            &[("if-match", r.header("etag").unwrap())],
        )
        .await;
    r.assert_status(200);
    let list = ed.get(&format!("{path}/revisions")).await;
    list.assert_status(200);
    let versions: Vec<i64> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    assert!(list.body["data"][1]["summary"]
        .as_str()
        .unwrap()
        .contains("title"));
    assert!(list.body["data"][0]["actor"]["display_name"].is_string());
    let v1 = ed.get(&format!("{path}/revisions/1")).await;
    assert_eq!(v1.body["snapshot"]["title"], "First title");
    ed.get(&format!("{path}/revisions/99"))
        .await
        .assert_problem(404, "not_found");
    ed.get(&format!("{path}/revisions/abc"))
        .await
        .assert_problem(400, "invalid_parameter");

    // Restoring changes the item, so it takes the precondition every write takes.
    ed.send(
        Method::POST,
        &format!("{path}/revisions/1/restore"),
        None,
        &[],
    )
    .await
    .assert_problem(428, "version_required");
    let current = ed.get(&path).await;
    let etag = current.header("etag").unwrap().to_owned();
    ed.send(
        Method::POST,
        &format!("{path}/revisions/1/restore"),
        None,
        &[("if-match", "\"stale.1\"")],
    )
    .await
    .assert_status(412);
    let restored = ed
        .send(
            Method::POST,
            &format!("{path}/revisions/1/restore"),
            None,
            &[("if-match", &etag)],
        )
        .await;
    restored.assert_status(200);
    assert_eq!(restored.body["title"], "First title");
    assert_eq!(restored.body["body"], "one");
    assert_eq!(restored.body["version"], 4);
    assert_eq!(
        restored.body["status"], "published",
        "restoring content never unpublishes"
    );
    let list = ed.get(&format!("{path}/revisions")).await;
    assert!(list.body["data"][0]["summary"]
        .as_str()
        .unwrap()
        .starts_with("restored version 1"));
    // Authors may not restore; anonymous callers may not even look.
    let (author, _, _) = ctx.user_client("author").await;
    author
        .send(
            Method::POST,
            &format!("{path}/revisions/1/restore"),
            None,
            &[],
        )
        .await
        .assert_problem(403, "forbidden");
    ctx.client
        .get(&format!("{path}/revisions"))
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn old_slugs_redirect_to_the_new_one() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let c = ed
        .post(
            "/api/v1/articles",
            &json!({"title": "Moving", "slug": "old-place", "status": "published"}),
        )
        .await;
    let id = c.body["id"].as_str().unwrap().to_owned();
    ed.patch(
        &format!("/api/v1/articles/{id}"),
        &json!({"slug": "new-place"}),
        Some(c.header("etag").unwrap()),
    )
    .await
    .assert_status(200);
    for client in [&ctx.client, &ed] {
        let r = client.get("/api/v1/articles/old-place").await;
        r.assert_status(301);
        assert_eq!(r.header("location"), Some("new-place"));
    }
    ctx.client
        .get("/api/v1/articles/new-place")
        .await
        .assert_status(200);
    let t = ed
        .post(
            "/api/v1/technologies",
            &json!({"name": "Renamed", "slug": "t-old", "kind": "tool", "status": "published"}),
        )
        .await;
    ed.patch(
        &format!("/api/v1/technologies/{}", t.body["id"].as_str().unwrap()),
        &json!({"slug": "t-new"}),
        Some(t.header("etag").unwrap()),
    )
    .await
    .assert_status(200);
    assert_eq!(
        ctx.client.get("/api/v1/technologies/t-old").await.status,
        301
    );
}

#[tokio::test]
async fn scheduled_publication_happens_on_time() {
    let ctx = Ctx::with(ServerOptions {
        env: vec![("LECTERN_SCHEDULER_MS".into(), "100".into())],
        ..Default::default()
    })
    .await;
    let ed = editor(&ctx).await;
    let c = ed
        .post("/api/v1/articles", &json!({"title": "Later"}))
        .await;
    let path = format!("/api/v1/articles/{}", c.body["id"].as_str().unwrap());
    let at = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let s = ed
        .send(
            Method::POST,
            &format!("{path}/publish"),
            Some(&json!({"publish_at": at})),
            &[("if-match", c.header("etag").unwrap())],
        )
        .await;
    s.assert_status(200);
    assert_eq!(s.body["status"], "draft");
    assert!(s.body["publish_at"].is_string());
    ctx.client.get(&path).await.assert_problem(404, "not_found");
    let started = std::time::Instant::now();
    loop {
        let r = ctx.client.get(&path).await;
        if r.status == 200 {
            assert_eq!(r.body["status"], "published");
            assert!(r.body["publish_at"].is_null());
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(6),
            "not published in time"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ed.send(
        Method::POST,
        &format!("{path}/publish"),
        Some(&json!({"publish_at": "soon"})),
        &[("if-match", "\"x\"")],
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn fields_and_include_shape_the_answer() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    ed.post("/api/v1/technologies", &json!({"name": "Phoenix", "kind": "framework", "summary": "Elixir web framework", "status": "published"})).await;
    ed.post(
        "/api/v1/articles",
        &json!({"title": "Shaped", "technologies": ["phoenix"], "status": "published"}),
    )
    .await;
    for c in [&ctx.client, &ed] {
        let r = c.get("/api/v1/articles?fields=slug,title").await;
        r.assert_status(200);
        let item = r.body["data"][0].as_object().unwrap();
        assert_eq!(item.keys().collect::<Vec<_>>(), ["slug", "title"]);
        let r = c.get("/api/v1/articles?include=author,technologies").await;
        assert_eq!(
            r.body["data"][0]["technologies"][0]["summary"],
            "Elixir web framework"
        );
        let r = c.get("/api/v1/articles/shaped?fields=id,version").await;
        assert_eq!(r.body.as_object().unwrap().len(), 2);
    }
    ctx.client
        .get("/api/v1/articles?fields=password_hash")
        .await
        .assert_problem(400, "invalid_parameter");
    ctx.client
        .get("/api/v1/articles?include=comments")
        .await
        .assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn http_level_refusals_are_problems() {
    let ctx = Ctx::new().await;
    let ed = editor(&ctx).await;
    let big = json!({"title": "Big", "body": "x".repeat(1_100_000)});
    ed.post("/api/v1/articles", &big)
        .await
        .assert_problem(413, "payload_too_large");
    ed.send_raw(
        Method::POST,
        "/api/v1/articles",
        "text/plain",
        b"{\"title\":\"x\"}".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    ed.send_raw(
        Method::POST,
        "/api/v1/articles",
        "application/json",
        b"{\"title\":".to_vec(),
    )
    .await
    .assert_problem(400, "malformed_json");
    let r = ed
        .post(
            "/api/v1/articles",
            &json!({"title": "x", "password_hash": "y"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "password_hash");
    let r = ed.post("/api/v1/articles", &json!({"title": 42})).await;
    r.assert_problem(422, "validation_failed");
    let r = ed
        .post(
            "/api/v1/articles",
            &json!({"title": "", "cover_image_url": "javascript:alert(1)", "tags": ["a b"]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 3);
    let patched = ed
        .send_raw(
            Method::PUT,
            "/api/v1/articles",
            "application/json",
            b"{}".to_vec(),
        )
        .await;
    patched.assert_problem(405, "method_not_allowed");
    ed.send_raw(
        Method::PATCH,
        "/api/v1/articles/x",
        "application/json",
        b"{\"title\": [1]}".to_vec(),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let ctx = Ctx::with(ServerOptions {
        env: vec![("LECTERN_CORS_ORIGINS".into(), "https://site.example".into())],
        ..Default::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        let c = ctx.client.clone();
        async move {
            c.send(
                Method::OPTIONS,
                "/api/v1/articles",
                None,
                &[
                    ("origin", origin),
                    ("access-control-request-method", "POST"),
                    (
                        "access-control-request-headers",
                        "authorization,content-type",
                    ),
                ],
            )
            .await
        }
    };
    let ok = preflight("https://site.example").await;
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://site.example")
    );
    assert!(ok.header("access-control-allow-credentials").is_none());
    let bad = preflight("https://evil.example").await;
    assert!(bad.header("access-control-allow-origin").is_none());
    let get = ctx
        .client
        .get_with("/api/v1/articles", &[("origin", "https://site.example")])
        .await;
    assert_eq!(
        get.header("access-control-allow-origin"),
        Some("https://site.example")
    );
    assert!(get
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase()
        .contains("etag"));
}

#[tokio::test]
async fn the_served_openapi_document_is_the_checked_in_one_and_docs_work_offline() {
    let ctx = Ctx::new().await;
    let served = ctx.client.get("/openapi.json").await;
    served.assert_status(200);
    let checked_in: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/openapi.json")).unwrap();
    assert_eq!(
        served.body, checked_in,
        "schema/openapi.json differs from what the server serves"
    );
    let docs = ctx.client.get("/docs/").await;
    docs.assert_status(200);
    assert!(docs.text.contains("swagger"), "no Swagger UI at /docs/");
    assert!(
        docs.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'"),
        "the docs page could not run its scripts"
    );
    let api = ctx.client.get("/api/v1/articles").await;
    assert!(api
        .header("content-security-policy")
        .unwrap()
        .starts_with("default-src 'none'"));
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["schema", "openapi"])
        .output()
        .unwrap();
    let printed: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(printed, checked_in);
}
