//! The server starts, serves the demo content, and answers bad input with problem+json.

use crate::support::{Client, Ctx, ServerOptions};
use serde_json::Value;

#[tokio::test]
async fn health_readiness_and_request_ids() {
    let ctx = Ctx::new().await;
    let r = ctx.client.get("/healthz").await;
    r.assert_status(200);
    let generated = r.header("x-request-id").unwrap().to_owned();
    assert!(generated.len() >= 16);
    ctx.client.get("/readyz").await.assert_status(200);
    let r = ctx
        .client
        .get_with("/healthz", &[("x-request-id", "trace-me-123")])
        .await;
    assert_eq!(r.header("x-request-id"), Some("trace-me-123"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
}

#[tokio::test]
async fn demo_content_is_served_on_first_start() {
    let ctx = Ctx::with(ServerOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    assert!(
        ctx.server.stdout.iter().any(|l| l.contains("demo")),
        "{:?}",
        ctx.server.stdout
    );

    let r = ctx.client.get("/api/v1/technologies?limit=100").await;
    r.assert_status(200);
    let techs = r.body["data"].as_array().unwrap();
    assert!(techs.len() >= 25, "only {} technologies", techs.len());
    let django = techs
        .iter()
        .find(|t| t["slug"] == "django")
        .expect("django");
    assert_eq!(django["kind"], "framework");
    assert_eq!(django["primary_language"], "Python");
    let growth = django["trend_signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["value"].as_f64() == Some(126.12))
        .expect("Django's 126.12% growth");
    assert_eq!(
        growth["source"]["slug"],
        "top-back-end-development-trends-for-2023"
    );
    assert!(!django["related_technologies"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(django["description_html"].as_str().unwrap().contains("<p>"));

    let go = ctx.client.get("/api/v1/technologies/go").await;
    go.assert_status(200);
    assert_eq!(go.body["first_released"], 2009);
    assert!(go.body["steward"].as_str().unwrap().contains("Google"));

    let r = ctx.client.get("/api/v1/articles").await;
    r.assert_status(200);
    let articles = r.body["data"].as_array().unwrap();
    assert_eq!(articles.len(), 3);
    for a in articles {
        assert_eq!(a["status"], "published");
        assert!(!a["technologies"].as_array().unwrap().is_empty());
        assert!(a["author"]["display_name"].is_string());
        assert_no_private_fields(a);
    }
    let slug = articles[0]["slug"].as_str().unwrap();
    let one = ctx.client.get(&format!("/api/v1/articles/{slug}")).await;
    one.assert_status(200);
    assert_eq!(one.body["slug"], slug);
    assert!(one.body["body_html"].as_str().unwrap().contains("<h2>"));

    // A second start does not load the demo again.
    let mut server = ctx.server;
    server.restart();
    assert!(!server.stdout.iter().any(|l| l.contains("demo")));
    let again = Client::new(&server.base).get("/api/v1/articles").await;
    assert_eq!(again.body["data"].as_array().unwrap().len(), 3);
}

/// No response may carry an email, a hash or a secret.
pub fn assert_no_private_fields(value: &Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                assert!(
                    ![
                        "email",
                        "password_hash",
                        "password",
                        "token_hash",
                        "session_version"
                    ]
                    .contains(&k.as_str()),
                    "private field {k} in {value}"
                );
                assert_no_private_fields(v);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_no_private_fields),
        _ => {}
    }
}

#[tokio::test]
async fn malformed_requests_get_problem_json_never_500() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.article(&admin, "Present", "published").await;
    let c = &ctx.client;
    for (path, status, code) in [
        ("/api/v1/articles?limit=0", 400, "invalid_limit"),
        ("/api/v1/articles?limit=1000", 400, "invalid_limit"),
        ("/api/v1/articles?limit=-1", 400, "invalid_limit"),
        ("/api/v1/articles?limit=abc", 400, "invalid_parameter"),
        (
            "/api/v1/articles?limit=99999999999999999999999",
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/articles?cursor=not-a-cursor",
            400,
            "invalid_cursor",
        ),
        (
            "/api/v1/articles?cursor=eyJzIjoidGl0bGUifQ",
            400,
            "invalid_cursor",
        ),
        ("/api/v1/articles?sort=password_hash", 400, "invalid_sort"),
        ("/api/v1/articles?sort=-email", 400, "invalid_sort"),
        ("/api/v1/articles?colour=blue", 400, "invalid_parameter"),
        (
            "/api/v1/articles?published_after=yesterday",
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/articles?author=not-a-uuid",
            400,
            "invalid_parameter",
        ),
        ("/api/v1/articles?status=banana", 400, "invalid_parameter"),
        ("/api/v1/articles?status=draft", 403, "forbidden"),
        (
            "/api/v1/technologies?kind=spaceship",
            400,
            "invalid_parameter",
        ),
        ("/api/v1/technologies?limit=0", 400, "invalid_limit"),
        ("/api/v1/technologies?sort=kind", 400, "invalid_sort"),
        ("/api/v1/technologies?unknown=1", 400, "invalid_parameter"),
        ("/api/v1/articles/no-such-article", 404, "not_found"),
        ("/api/v1/articles/NOT%20A%20SLUG", 404, "not_found"),
        (
            "/api/v1/articles/00000000-0000-0000-0000-000000000000",
            404,
            "not_found",
        ),
        ("/api/v1/technologies/no-such-technology", 404, "not_found"),
        ("/api/v1/articles/present?x=1", 400, "invalid_parameter"),
        ("/api/v1/nothing-here", 404, "not_found"),
    ] {
        let r = c.get(path).await;
        assert!(r.status < 500, "{path} gave {}", r.status);
        assert_eq!(r.status, status, "{path}: {}", r.text);
        r.assert_problem(status, code);
    }
    // A cursor made for one sort is refused under another.
    let admin = ctx.admin().await;
    for title in ["Cursor one", "Cursor two"] {
        ctx.article(&admin, title, "published").await;
    }
    let page = c.get("/api/v1/articles?limit=1&sort=title").await;
    let cursor = page.body["page"]["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    c.get(&format!(
        "/api/v1/articles?limit=1&sort=title&cursor={cursor}"
    ))
    .await
    .assert_status(200);
    for other in ["-title", "published_at", "created_at"] {
        c.get(&format!(
            "/api/v1/articles?limit=1&sort={other}&cursor={cursor}"
        ))
        .await
        .assert_problem(400, "invalid_cursor");
    }
}

#[tokio::test]
async fn drafts_are_invisible_to_anonymous_callers() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let draft = ctx.article(&admin, "Secret draft", "draft").await;
    let published = ctx.article(&admin, "Public article", "published").await;
    let c = &ctx.client;
    c.get(&format!("/api/v1/articles/{}", draft.slug))
        .await
        .assert_problem(404, "not_found");
    c.get(&format!("/api/v1/articles/{}", draft.id))
        .await
        .assert_problem(404, "not_found");
    c.get(&format!("/api/v1/articles/{}", published.slug))
        .await
        .assert_status(200);
    for path in [
        "/api/v1/articles",
        "/api/v1/articles?tag=test",
        "/api/v1/articles?q=secret",
        "/api/v1/articles?sort=title",
    ] {
        let r = c.get(path).await;
        r.assert_status(200);
        assert!(
            !r.text.contains("Secret draft"),
            "{path} leaked a draft: {}",
            r.text
        );
    }
    let tech = ctx.technology(&admin, "Hidden Framework", "draft").await;
    c.get(&format!("/api/v1/technologies/{}", tech.slug))
        .await
        .assert_problem(404, "not_found");
    assert!(!c
        .get("/api/v1/technologies")
        .await
        .text
        .contains("Hidden Framework"));
}

#[tokio::test]
async fn cacheable_reads_and_validators() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let a = ctx.article(&admin, "Cached", "published").await;
    let c = &ctx.client;
    let r = c.get(&format!("/api/v1/articles/{}", a.slug)).await;
    let etag = r.header("etag").unwrap().to_owned();
    assert!(r
        .header("cache-control")
        .unwrap()
        .starts_with("public, max-age="));
    assert_eq!(r.header("vary"), Some("Authorization, Accept-Language"));
    let again = c
        .get_with(
            &format!("/api/v1/articles/{}", a.slug),
            &[("if-none-match", &etag)],
        )
        .await;
    again.assert_status(304);
    let list = c.get("/api/v1/articles").await;
    let list_tag = list.header("etag").unwrap().to_owned();
    c.get_with("/api/v1/articles", &[("if-none-match", &list_tag)])
        .await
        .assert_status(304);
}

#[tokio::test]
async fn graceful_shutdown_on_sigterm() {
    let mut ctx = Ctx::new().await;
    ctx.client.get("/healthz").await.assert_status(200);
    assert!(
        ctx.server.terminate(std::time::Duration::from_secs(15)),
        "did not exit cleanly on SIGTERM"
    );
}

/// Cached public answers never outlive a change committed by another process for longer than
/// the feed poll interval (the server here is a separate process from the test's writer).
#[tokio::test]
async fn cached_answers_follow_changes_from_other_processes() {
    let ctx = Ctx::with(ServerOptions {
        env: vec![("LECTERN_FEED_POLL_MS".into(), "50".into())],
        ..Default::default()
    })
    .await;
    let admin = ctx.admin().await;
    let first = ctx.article(&admin, "First", "published").await;
    let c = &ctx.client;
    assert_eq!(
        c.get("/api/v1/articles").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let one = c.get(&format!("/api/v1/articles/{}", first.slug)).await;
    assert_eq!(one.body["title"], "First");
    // Served again: now from the cache.
    assert_eq!(
        c.get("/api/v1/articles").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    ctx.article(&admin, "Second", "published").await;
    let input = serde_json::from_value(serde_json::json!({"title": "First, renamed"})).unwrap();
    ctx.service
        .update::<lectern_service::Article>(&admin, &first.slug, input, Some(first.version))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let list = c.get("/api/v1/articles").await;
        let item = c.get(&format!("/api/v1/articles/{}", first.slug)).await;
        if list.body["data"].as_array().unwrap().len() == 2
            && item.body["title"] == "First, renamed"
        {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "stale answers after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
