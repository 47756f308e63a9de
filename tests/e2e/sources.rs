//! Sources: a third content type with the lifecycle of the other two (issue 13), cited by
//! articles and trend figures, and never revealed while a draft.

use crate::support::Ctx;
use serde_json::{json, Value};

fn slugs(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["slug"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn sources_have_the_lifecycle_of_every_content_type() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let anonymous = ctx.client.anonymous();
    let r = editor
        .post(
            "/api/v1/sources",
            &json!({"title": "State of the Backend 2024", "authors": ["Ada", "Grace"], "kind": "survey",
                    "published_on": "2024-03-01", "url": "https://example.com/state"}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["slug"], "state-of-the-backend-2024");
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["published_on"], "2024-03-01");
    let etag = r.header("etag").unwrap().to_owned();
    // A draft is nobody's business but editors'.
    anonymous
        .get("/api/v1/sources/state-of-the-backend-2024")
        .await
        .assert_status(404);
    assert!(slugs(&anonymous.get("/api/v1/sources").await.body).is_empty());
    editor
        .post(
            "/api/v1/sources/state-of-the-backend-2024/publish",
            &json!({}),
        )
        .await
        .assert_status(428);
    let r = editor
        .post_with(
            "/api/v1/sources/state-of-the-backend-2024/publish",
            &json!({}),
            &[("if-match", &etag)],
        )
        .await;
    r.assert_status(200);
    let etag = r.header("etag").unwrap().to_owned();
    let r = anonymous
        .get("/api/v1/sources/state-of-the-backend-2024")
        .await;
    r.assert_status(200);
    assert_eq!(r.body["authors"], json!(["Ada", "Grace"]));
    // Update, an old slug that redirects, revisions and restore.
    let r = editor
        .patch(
            "/api/v1/sources/state-of-the-backend-2024",
            &json!({"title": "State of the Back End 2024", "slug": "state-of-the-back-end-2024"}),
            Some(&etag),
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.body["version"], 3);
    let r = anonymous
        .get("/api/v1/sources/state-of-the-backend-2024")
        .await;
    r.assert_status(301);
    let r = editor
        .get("/api/v1/sources/state-of-the-back-end-2024/revisions")
        .await;
    r.assert_status(200);
    assert_eq!(r.body["data"].as_array().unwrap().len(), 3);
    let current = editor
        .get("/api/v1/sources/state-of-the-back-end-2024")
        .await;
    let r = editor
        .post_with(
            "/api/v1/sources/state-of-the-back-end-2024/revisions/1/restore",
            &json!({}),
            &[("if-match", current.header("etag").unwrap())],
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.body["title"], "State of the Backend 2024");
    assert_eq!(r.body["status"], "published", "restoring never unpublishes");
    // Filters, sorts and cursors.
    for (title, kind) in [("Alpha report", "report"), ("Beta report", "report")] {
        let r = editor
            .post(
                "/api/v1/sources",
                &json!({"title": title, "kind": kind, "status": "published"}),
            )
            .await;
        r.assert_status(201);
    }
    let r = anonymous
        .get("/api/v1/sources?kind=report&sort=-title")
        .await;
    assert_eq!(slugs(&r.body), ["beta-report", "alpha-report"]);
    anonymous
        .get("/api/v1/sources?kind=novel")
        .await
        .assert_problem(400, "invalid_parameter");
    let first = anonymous.get("/api/v1/sources?limit=1&sort=title").await;
    let cursor = first.body["page"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = anonymous
        .get(&format!(
            "/api/v1/sources?limit=1&sort=title&cursor={cursor}"
        ))
        .await;
    assert_eq!(slugs(&first.body), ["alpha-report"]);
    assert_eq!(slugs(&second.body), ["beta-report"]);
    // GraphQL reads the same sources, pages them and writes them.
    let r = anonymous
        .gql(
            "{ sources(orderBy: {field: TITLE}) { totalCount nodes { slug kind authors } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.body["data"]["sources"]["totalCount"], 3, "{}", r.text);
    assert_eq!(r.body["data"]["sources"]["nodes"][0]["kind"], "REPORT");
    let r = editor
        .gql(
            "mutation { createSource(input: {title: \"Gamma talk\", kind: TALK}) { slug status version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.body["data"]["createSource"]["slug"], "gamma-talk",
        "{}",
        r.text
    );
    // Who may write: editors, not authors or read tokens, through either API.
    let (author, _, _) = ctx.user_client("author").await;
    author
        .post("/api/v1/sources", &json!({"title": "Mine"}))
        .await
        .assert_problem(403, "forbidden");
    let r = author
        .gql(
            "mutation { createSource(input: {title: \"Mine\"}) { slug } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["code"], "forbidden",
        "{}",
        r.text
    );
    let read = ctx.api_token("read").await;
    read.post("/api/v1/sources", &json!({"title": "Mine"}))
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn articles_and_figures_cite_sources_and_a_cited_source_stays() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let anonymous = ctx.client.anonymous();
    editor
        .post(
            "/api/v1/sources",
            &json!({"title": "Survey 2023", "slug": "survey-2023", "authors": ["Ada"], "status": "published"}),
        )
        .await
        .assert_status(201);
    let r = editor
        .post(
            "/api/v1/technologies",
            &json!({"name": "Phoenix", "kind": "framework", "status": "published",
                    "trend_signals": [{"metric": "admired", "value": 80.5, "unit": "percent", "period": "2023", "source": "survey-2023"}]}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["trend_signals"][0]["source"]["slug"], "survey-2023");
    let r = editor
        .post(
            "/api/v1/technologies",
            &json!({"name": "Nope", "kind": "framework",
                    "trend_signals": [{"metric": "m", "value": 1.0, "unit": "u", "period": "p", "source": "no-such-source"}]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert!(r.text.contains("trend_signals[0].source"), "{}", r.text);
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Why Phoenix", "status": "published", "sources": ["survey-2023"], "technologies": ["phoenix"]}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["sources"][0]["title"], "Survey 2023");
    // Restoring a revision brings its citations back with it.
    let r = editor
        .patch(
            "/api/v1/articles/why-phoenix",
            &json!({"sources": []}),
            r.header("etag"),
        )
        .await;
    assert_eq!(r.body["sources"], json!([]));
    let r = editor
        .post_with(
            "/api/v1/articles/why-phoenix/revisions/1/restore",
            &json!({}),
            &[("if-match", r.header("etag").unwrap())],
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.body["sources"][0]["slug"], "survey-2023", "{}", r.text);
    let r = anonymous
        .get("/api/v1/articles/why-phoenix?include=sources")
        .await;
    assert_eq!(
        r.body["sources"][0]["authors"],
        json!(["Ada"]),
        "{}",
        r.text
    );
    let r = anonymous
        .gql(
            "{ article(slug: \"why-phoenix\") { sources { title authors } }
               technology(slug: \"phoenix\") { trendSignals { value source { slug title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.body["data"]["article"]["sources"][0]["authors"],
        json!(["Ada"]),
        "{}",
        r.text
    );
    assert_eq!(
        r.body["data"]["technology"]["trendSignals"][0]["source"]["slug"],
        "survey-2023"
    );
    // Renaming the source rewrites what the citing items show, at once.
    let current = editor.get("/api/v1/sources/survey-2023").await;
    editor
        .patch(
            "/api/v1/sources/survey-2023",
            &json!({"title": "Developer Survey 2023"}),
            current.header("etag"),
        )
        .await
        .assert_status(200);
    let r = anonymous.get("/api/v1/technologies/phoenix").await;
    assert_eq!(
        r.body["trend_signals"][0]["source"]["title"],
        "Developer Survey 2023"
    );
    let r = anonymous.get("/api/v1/articles/why-phoenix").await;
    assert_eq!(r.body["sources"][0]["title"], "Developer Survey 2023");
    // A cited source cannot go; once nothing cites it, it can.
    let current = editor.get("/api/v1/sources/survey-2023").await;
    let etag = current.header("etag").unwrap().to_owned();
    editor
        .delete("/api/v1/sources/survey-2023", Some(&etag))
        .await
        .assert_problem(409, "source_in_use");
    let article = editor.get("/api/v1/articles/why-phoenix").await;
    editor
        .patch(
            "/api/v1/articles/why-phoenix",
            &json!({"sources": []}),
            article.header("etag"),
        )
        .await
        .assert_status(200);
    let tech = editor.get("/api/v1/technologies/phoenix").await;
    editor
        .patch(
            "/api/v1/technologies/phoenix",
            &json!({"trend_signals": []}),
            tech.header("etag"),
        )
        .await
        .assert_status(200);
    editor
        .delete("/api/v1/sources/survey-2023", Some(&etag))
        .await
        .assert_status(204);
}

/// The leak class for sources: a draft source cited by published content is named by no
/// read path a published-only caller has (item, list, include, GraphQL, search, sync).
#[tokio::test]
async fn a_draft_source_is_never_revealed_through_what_cites_it() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    editor
        .post(
            "/api/v1/sources",
            &json!({"title": "Quuxleak memo", "slug": "quuxleak-memo"}),
        )
        .await
        .assert_status(201);
    editor
        .post(
            "/api/v1/technologies",
            &json!({"name": "Quuxdb", "kind": "database", "status": "published",
                    "trend_signals": [{"metric": "m", "value": 1.0, "unit": "u", "period": "2023", "source": "quuxleak-memo"}]}),
        )
        .await
        .assert_status(201);
    editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Quux piece", "status": "published", "sources": ["quuxleak-memo"]}),
        )
        .await
        .assert_status(201);
    let read = ctx.api_token("read").await;
    let anonymous = ctx.client.anonymous();
    for caller in [&anonymous, &read] {
        for path in [
            "/api/v1/articles/quux-piece",
            "/api/v1/articles/quux-piece?include=sources",
            "/api/v1/articles",
            "/api/v1/articles?include=sources&fields=slug,sources",
            "/api/v1/technologies/quuxdb",
            "/api/v1/technologies",
            "/api/v1/sources",
            "/api/v1/search?q=quuxleak",
        ] {
            let r = caller.get(path).await;
            assert!(r.status < 500, "{path}: {}", r.text);
            assert!(
                !r.text.to_lowercase().contains("quuxleak"),
                "{path}: {}",
                r.text
            );
        }
        caller
            .get("/api/v1/sources/quuxleak-memo")
            .await
            .assert_status(404);
        let mut path = "/api/v1/sync".to_owned();
        loop {
            let r = caller.get(&path).await;
            r.assert_status(200);
            assert!(!r.text.to_lowercase().contains("quuxleak"), "{}", r.text);
            if r.body["has_more"] != true {
                break;
            }
            path = format!(
                "/api/v1/sync?token={}",
                r.body["next_sync_token"].as_str().unwrap()
            );
        }
        let r = caller
            .gql(
                "{ article(slug: \"quux-piece\") { sources { slug } }
                   technology(slug: \"quuxdb\") { trendSignals { source { slug } } }
                   sources { nodes { slug } }
                   source(slug: \"quuxleak-memo\") { slug }
                   search(query: \"quuxleak\") { edges { node { slug } } } }",
                json!({}),
            )
            .await;
        assert!(!r.text.to_lowercase().contains("quuxleak"), "{}", r.text);
        assert_eq!(
            r.body["data"]["technology"]["trendSignals"][0]["source"],
            Value::Null
        );
    }
    // Editors see the citation; publishing the source shows it to everyone.
    let r = editor.get("/api/v1/articles/quux-piece").await;
    assert_eq!(r.body["sources"][0]["slug"], "quuxleak-memo");
    let source = editor.get("/api/v1/sources/quuxleak-memo").await;
    editor
        .post_with(
            "/api/v1/sources/quuxleak-memo/publish",
            &json!({}),
            &[("if-match", source.header("etag").unwrap())],
        )
        .await
        .assert_status(200);
    let r = anonymous.get("/api/v1/technologies/quuxdb").await;
    assert_eq!(
        r.body["trend_signals"][0]["source"]["slug"],
        "quuxleak-memo"
    );
    let r = anonymous.get("/api/v1/search?q=quuxleak&type=source").await;
    assert_eq!(slugs(&r.body), ["quuxleak-memo"], "{}", r.text);
}

#[tokio::test]
async fn source_changes_are_webhook_events_and_feed_changes() {
    use crate::support::Receiver;
    let ctx = Ctx::with(crate::webhooks::fast_webhooks()).await;
    let admin = ctx.admin_client().await;
    let receiver = Receiver::start(&[], 200).await;
    crate::webhooks::register(&admin, &receiver.url, json!(["source.*"])).await;
    admin
        .post(
            "/api/v1/webhooks",
            &json!({"url": receiver.url, "events": ["sauce.*"]}),
        )
        .await
        .assert_problem(422, "validation_failed");
    let mut sync = admin.get("/api/v1/sync").await;
    while sync.body["has_more"] == true {
        let token = sync.body["next_sync_token"].as_str().unwrap().to_owned();
        sync = admin.get(&format!("/api/v1/sync?token={token}")).await;
    }
    let token = sync.body["next_sync_token"].as_str().unwrap().to_owned();
    admin
        .post(
            "/api/v1/sources",
            &json!({"title": "Hooked report", "kind": "report", "status": "published"}),
        )
        .await
        .assert_status(201);
    ctx.article(&ctx.admin().await, "Not a source", "published")
        .await;
    let hits = receiver.wait_for(30, |hits| !hits.is_empty()).await;
    let event = hits[0].json();
    assert_eq!(event["event"], "source.published", "{event}");
    assert_eq!(event["data"]["type"], "source");
    assert_eq!(event["data"]["item"]["title"], "Hooked report");
    // The incremental sync carries the new source.
    let r = admin.get(&format!("/api/v1/sync?token={token}")).await;
    let types: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["type"].as_str())
        .collect();
    assert!(types.contains(&"source"), "{}", r.text);
}
