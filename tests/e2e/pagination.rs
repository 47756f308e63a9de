//! Keyset pagination: stable under inserts, and a bounded number of SQL statements per page.

use crate::support::Ctx;
use lectern_service::ArticleQuery;
use std::collections::HashSet;

async fn walk(
    ctx: &Ctx,
    path: &str,
    limit: usize,
    mut between: impl FnMut(usize) -> Option<String>,
) -> Vec<String> {
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let r = ctx.client.get(&url).await;
        r.assert_status(200);
        let data = r.body["data"].as_array().unwrap().clone();
        assert!(data.len() <= limit);
        seen.extend(data.iter().map(|a| a["slug"].as_str().unwrap().to_owned()));
        pages += 1;
        if let Some(title) = between(pages) {
            let admin = ctx.admin().await;
            ctx.article(&admin, &title, "published").await;
        }
        match r.body["page"]["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 100, "pagination does not end");
    }
    seen
}

#[tokio::test]
async fn pages_neither_repeat_nor_skip_while_rows_are_inserted() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let mut expected = HashSet::new();
    for i in 0..23 {
        expected.insert(
            ctx.article(&admin, &format!("Article {i:02}"), "published")
                .await
                .slug,
        );
    }
    ctx.article(&admin, "A draft", "draft").await;

    // Newest first: rows inserted during the walk are newer, so they belong before the first
    // page and must not appear or shift anything.
    let seen = walk(&ctx, "/api/v1/articles", 5, |p| {
        Some(format!("Inserted during walk {p}"))
    })
    .await;
    let unique: HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), unique.len(), "a row appeared twice: {seen:?}");
    assert_eq!(unique, expected, "pages skipped or added rows");

    // By title, ascending, with ties broken by id.
    let by_title = walk(&ctx, "/api/v1/articles?sort=title", 4, |_| None).await;
    let mut sorted = by_title.clone();
    sorted.sort();
    assert_eq!(by_title.len(), 23 + 5);
    let unique: HashSet<_> = by_title.iter().collect();
    assert_eq!(unique.len(), by_title.len());

    // Other sorts walk completely too.
    for sort in ["created_at", "-updated_at", "published_at", "-title"] {
        let all = walk(&ctx, &format!("/api/v1/articles?sort={sort}"), 7, |_| None).await;
        assert_eq!(all.len(), 28, "sort {sort}");
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), 28, "sort {sort}");
    }
}

#[tokio::test]
async fn technologies_page_by_name_and_filter_by_kind() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    for i in 0..9 {
        ctx.technology(&admin, &format!("Tech {i}"), "published")
            .await;
    }
    let names = walk(&ctx, "/api/v1/technologies", 2, |_| None).await;
    assert_eq!(names.len(), 9);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "technologies are listed by name");
    let r = ctx.client.get("/api/v1/technologies?kind=language").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 0);
    let r = ctx
        .client
        .get("/api/v1/technologies?kind=framework&limit=100")
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn filters_by_tag_and_technology() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.technology(&admin, "Phoenix", "published").await;
    let input = serde_json::from_value(serde_json::json!({
        "title": "Realtime with Phoenix", "tags": ["Elixir", "realtime"], "technologies": ["phoenix"], "status": "published"
    }))
    .unwrap();
    ctx.service
        .create::<lectern_service::Article>(&admin, input)
        .await
        .unwrap();
    ctx.article(&admin, "Unrelated", "published").await;
    let by_tag = ctx.client.get("/api/v1/articles?tag=elixir").await;
    assert_eq!(by_tag.body["data"].as_array().unwrap().len(), 1);
    let by_tech = ctx.client.get("/api/v1/articles?technology=phoenix").await;
    let data = by_tech.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["technologies"][0]["slug"], "phoenix");
    let none = ctx.client.get("/api/v1/articles?technology=nothing").await;
    assert_eq!(none.body["data"].as_array().unwrap().len(), 0);
}

/// A page costs the same handful of statements whatever its size: relations load in batches.
#[tokio::test]
async fn list_queries_are_bounded_whatever_the_page_size() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    for i in 0..4 {
        ctx.technology(&admin, &format!("Framework {i}"), "published")
            .await;
    }
    for i in 0..50 {
        let input = serde_json::from_value(serde_json::json!({
            "title": format!("Post {i}"), "tags": ["a", "b", format!("t{i}")],
            "technologies": ["framework-0", "framework-1", format!("framework-{}", i % 4)],
            "status": "published",
        }))
        .unwrap();
        ctx.service
            .create::<lectern_service::Article>(&admin, input)
            .await
            .unwrap();
    }
    let anonymous = lectern_service::Caller::Anonymous;
    let mut costs = vec![];
    for limit in [5, 50] {
        let before = ctx.service.db().statements_run();
        let page = ctx
            .service
            .list::<lectern_service::Article>(
                &anonymous,
                ArticleQuery {
                    limit: Some(limit),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.items.len(), limit as usize);
        assert!(page
            .items
            .iter()
            .all(|a| a.author.is_some() && a.tags.len() == 3 && !a.technologies.is_empty()));
        costs.push(ctx.service.db().statements_run() - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "cost grew with the page size: {costs:?}"
    );
    assert!(costs[1] <= 5, "a page of 50 took {} statements", costs[1]);
}
