//! The public cache evicts only what a write can change: drafts leave it alone, and a write
//! readers can see is never followed by an older answer, however readers race to refill it.

use crate::support::{Client, Ctx, ServerOptions};
use serde_json::{json, Value};

const METRICS: &str = "metrics-token-for-the-cache-tests";

fn with_metrics() -> ServerOptions {
    ServerOptions {
        demo: false,
        env: vec![("LECTERN_METRICS_TOKEN".into(), METRICS.into())],
    }
}

/// (hits, misses) of the public cache so far.
async fn counts(client: &Client) -> (u64, u64) {
    let text = client.with_token(METRICS).get("/metrics").await.text;
    let read = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or(0)
    };
    (
        read("lectern_cache_hits_total "),
        read("lectern_cache_misses_total "),
    )
}

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .map(|a| a.iter().map(|i| i["id"].as_str().unwrap_or("").to_owned()))
        .into_iter()
        .flatten()
        .collect()
}

#[tokio::test]
async fn draft_writes_keep_public_answers_cached() {
    let ctx = Ctx::with(with_metrics()).await;
    let admin = ctx.admin_client().await;
    let published = admin
        .post(
            "/api/v1/articles",
            &json!({"title": "Kept", "status": "published"}),
        )
        .await;
    assert_eq!(published.status, 201, "{}", published.text);
    let item = format!(
        "/api/v1/articles/{}",
        published.body["slug"].as_str().unwrap()
    );
    let anon = ctx.client.anonymous();
    for path in ["/api/v1/articles", item.as_str(), "/api/v1/technologies"] {
        anon.get(path).await.assert_status(200);
    }
    let before = counts(&ctx.client).await;
    // Drafts (created, edited, deleted), which no public answer shows.
    for i in 0..5 {
        let draft = admin
            .post("/api/v1/articles", &json!({"title": format!("Draft {i}")}))
            .await;
        assert_eq!(draft.status, 201, "{}", draft.text);
        let id = draft.body["id"].as_str().unwrap();
        let at = format!("/api/v1/articles/{id}");
        let edited = admin
            .patch(
                &at,
                &json!({"summary": "still a draft"}),
                draft.header("etag"),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text);
        admin
            .delete(&at, edited.header("etag"))
            .await
            .assert_status(204);
    }
    for path in ["/api/v1/articles", item.as_str(), "/api/v1/technologies"] {
        anon.get(path).await.assert_status(200);
    }
    let after = counts(&ctx.client).await;
    assert_eq!(after.1, before.1, "a draft write evicted a public answer");
    assert_eq!(after.0, before.0 + 3);

    // An article's publication evicts article answers, not those of other types.
    let r = admin
        .post(
            "/api/v1/articles",
            &json!({"title": "Shown", "status": "published"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let list = anon.get("/api/v1/articles").await;
    assert!(ids(&list.body).contains(&r.body["id"].as_str().unwrap().to_owned()));
    anon.get("/api/v1/technologies").await.assert_status(200);
    let last = counts(&ctx.client).await;
    assert_eq!(last.0, after.0 + 1, "the technology list stayed cached");
    assert_eq!(last.1, after.1 + 1, "the article list was evicted");
}

/// Readers hammer the list and the item while a writer publishes, renames and unpublishes:
/// after each write is acknowledged, the next read shows it.
#[tokio::test]
async fn no_answer_older_than_an_acknowledged_write() {
    let ctx = Ctx::with(with_metrics()).await;
    let admin = ctx.admin_client().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for _ in 0..4 {
        let anon = ctx.client.anonymous();
        let stop = stop.clone();
        readers.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                anon.get("/api/v1/articles?limit=100").await;
                anon.get("/graphql?query=%7Barticles(first%3A100)%7Bnodes%7Btitle%7D%7D%7D")
                    .await;
            }
        }));
    }
    let anon = ctx.client.anonymous();
    for i in 0..12 {
        let created = admin
            .post(
                "/api/v1/articles",
                &json!({"title": format!("Raced {i}"), "status": "published"}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_str().unwrap().to_owned();
        let list = anon.get("/api/v1/articles?limit=100").await;
        assert!(
            ids(&list.body).contains(&id),
            "list without new article {i}"
        );
        let renamed = admin
            .patch(
                &format!("/api/v1/articles/{id}"),
                &json!({"title": format!("Raced {i}, renamed")}),
                created.header("etag"),
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text);
        let slug = created.body["slug"].as_str().unwrap();
        let item = anon.get(&format!("/api/v1/articles/{slug}")).await;
        assert_eq!(item.body["title"], format!("Raced {i}, renamed"));
        let gql = anon
            .gql("{ articles(first: 100) { nodes { title } } }", json!({}))
            .await;
        assert!(
            gql.text.contains(&format!("Raced {i}, renamed")),
            "GraphQL stale at {i}"
        );
        if i % 3 == 0 {
            let tag = renamed.header("etag").unwrap_or_default();
            let r = admin
                .post_with(
                    &format!("/api/v1/articles/{id}/unpublish"),
                    &json!({}),
                    &[("if-match", tag)],
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            anon.get(&format!("/api/v1/articles/{slug}"))
                .await
                .assert_status(404);
            let list = anon.get("/api/v1/articles?limit=100").await;
            assert!(
                !ids(&list.body).contains(&id),
                "unpublished article {i} listed"
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    let (hits, _) = counts(&ctx.client).await;
    assert!(hits > 0, "the readers were never served from the cache");
}

/// Articles show their technologies' names: renaming one reaches a cached article at once.
#[tokio::test]
async fn a_linked_items_change_reaches_cached_answers_that_embed_it() {
    let ctx = Ctx::with(with_metrics()).await;
    let admin = ctx.admin_client().await;
    let tech = admin
        .post(
            "/api/v1/technologies",
            &json!({"name": "Quarkus", "kind": "framework", "status": "published"}),
        )
        .await;
    assert_eq!(tech.status, 201, "{}", tech.text);
    let article = admin
        .post(
            "/api/v1/articles",
            &json!({"title": "On Quarkus", "technologies": ["quarkus"], "status": "published"}),
        )
        .await;
    assert_eq!(article.status, 201, "{}", article.text);
    let anon = ctx.client.anonymous();
    let item = format!(
        "/api/v1/articles/{}",
        article.body["slug"].as_str().unwrap()
    );
    for _ in 0..2 {
        let r = anon.get(&item).await;
        assert_eq!(r.body["technologies"][0]["name"], "Quarkus");
        anon.get("/api/v1/articles").await.assert_status(200);
    }
    let id = tech.body["id"].as_str().unwrap();
    let r = admin
        .patch(
            &format!("/api/v1/technologies/{id}"),
            &json!({"name": "Quarkus (Red Hat)"}),
            tech.header("etag"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = anon.get(&item).await;
    assert_eq!(r.body["technologies"][0]["name"], "Quarkus (Red Hat)");
    let list = anon.get("/api/v1/articles").await;
    assert_eq!(
        list.body["data"][0]["technologies"][0]["name"],
        "Quarkus (Red Hat)"
    );
}
