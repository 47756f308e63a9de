//! Full-text search: ranked, with safe snippets, kept current by every change, and never a
//! draft for those who may not read it, over REST and GraphQL alike.

use crate::support::Ctx;
use serde_json::json;

fn slugs(body: &serde_json::Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn search_ranks_marks_and_respects_visibility() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let title_hit = ctx.article(&admin, "Quokka deployments", "published").await;
    let body_hit = ctx
        .service
        .create::<lectern_service::Article>(
            &admin,
            serde_json::from_value(json!({
                "title": "Notes from the field",
                "body": "We met a <script>alert(1)</script> quokka once, in passing.",
                "status": "published",
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let draft = ctx.article(&admin, "Quokka secrets", "draft").await;
    let tech = ctx.technology(&admin, "QuokkaDB", "published").await;
    ctx.technology(&admin, "Quokka internal", "draft").await;

    let anon = ctx.client.get("/api/v1/search?q=quokka").await;
    anon.assert_status(200);
    let found = slugs(&anon.body);
    assert_eq!(found.len(), 3, "{}", anon.text);
    // Title matches (an exact word, or a prefix of a name) rank above a match in a body.
    assert_eq!(
        found[2], body_hit.slug,
        "a body match ranks last: {}",
        anon.text
    );
    assert!(found[..2].contains(&title_hit.slug));
    assert!(found.contains(&body_hit.slug) && found.contains(&tech.slug));
    assert!(!anon.text.contains("secrets") && !anon.text.contains("internal"));
    let snippet = anon.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["slug"] == body_hit.slug.as_str())
        .unwrap()["snippet"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(snippet.contains("<mark>quokka</mark>"), "{snippet}");
    // Stored text is escaped (SQLite keeps the tag as text; PostgreSQL's parser drops it).
    assert!(!snippet.contains("<script>"), "{snippet}");

    // A read token sees what anonymous callers see; editors see drafts too.
    let reader = ctx.api_token("read").await;
    assert_eq!(
        slugs(&reader.get("/api/v1/search?q=quokka").await.body).len(),
        3
    );
    let editor = ctx.user_client("editor").await.0;
    let all = slugs(&editor.get("/api/v1/search?q=quokka").await.body);
    assert_eq!(all.len(), 5);
    assert!(all.contains(&draft.slug));
    // Authors find published content and their own drafts only.
    let (author, author_caller, _) = ctx.user_client("author").await;
    let own = ctx.article(&author_caller, "Quokka diary", "draft").await;
    let theirs = slugs(&author.get("/api/v1/search?q=quokka").await.body);
    assert!(
        theirs.contains(&own.slug) && !theirs.contains(&draft.slug),
        "{theirs:?}"
    );

    // Filters, prefixes and pages.
    let techs = ctx
        .client
        .get("/api/v1/search?q=quok&type=technology")
        .await;
    assert_eq!(slugs(&techs.body), vec![tech.slug.clone()]);
    let page = ctx.client.get("/api/v1/search?q=quokka&limit=2").await;
    assert_eq!(slugs(&page.body).len(), 2);
    let cursor = page.body["page"]["next_cursor"].as_str().unwrap();
    let rest = ctx
        .client
        .get(&format!("/api/v1/search?q=quokka&limit=2&cursor={cursor}"))
        .await;
    assert_eq!(slugs(&rest.body).len(), 1);
    assert!(rest.body["page"]["next_cursor"].is_null());

    // GraphQL answers the same, through the same service.
    let r = ctx
        .client
        .gql(
            "query($q: String!) { search(query: $q, first: 10) { totalCount edges { cursor node { slug type snippet } } pageInfo { hasNextPage endCursor } } }",
            json!({"q": "quokka"}),
        )
        .await;
    let edges = r.body["data"]["search"]["edges"].as_array().unwrap();
    let gql: Vec<&str> = edges
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(gql, found.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        r.body["data"]["search"]["totalCount"],
        found.len(),
        "{}",
        r.text
    );
    assert_eq!(r.body["data"]["search"]["pageInfo"]["hasNextPage"], false);
    // Paging through a connection: one hit at a time, each after the last edge's cursor.
    let mut after: Option<String> = None;
    let mut paged = vec![];
    for _ in 0..found.len() + 1 {
        let r = ctx
            .client
            .gql(
                "query($q: String!, $a: String) { search(query: $q, first: 1, after: $a) { totalCount edges { cursor node { slug } } pageInfo { hasNextPage endCursor } } }",
                json!({"q": "quokka", "a": after}),
            )
            .await;
        let s = &r.body["data"]["search"];
        assert_eq!(s["totalCount"], found.len(), "{}", r.text);
        for e in s["edges"].as_array().unwrap() {
            paged.push(e["node"]["slug"].as_str().unwrap().to_owned());
        }
        if s["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = s["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(paged, found);
    assert!(!r.text.contains("secrets"));
}

#[tokio::test]
async fn the_index_follows_every_change_in_its_transaction() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let article = ctx.article(&admin, "Wombat wrangling", "published").await;
    let search = |q: &'static str| {
        let client = ctx.client.clone();
        async move { slugs(&client.get(&format!("/api/v1/search?q={q}")).await.body) }
    };
    assert_eq!(search("wombat").await, vec![article.slug.clone()]);
    let updated = ctx
        .service
        .update::<lectern_service::Article>(
            &admin,
            &article.id.to_string(),
            serde_json::from_value(json!({"title": "Numbat wrangling", "summary": "Numbats", "body": "All about numbats."})).unwrap(),
            Some(article.version),
        )
        .await
        .unwrap();
    assert!(search("wombat").await.is_empty());
    assert_eq!(search("numbat").await.len(), 1);
    let unpublished = ctx
        .service
        .set_status::<lectern_service::Article>(
            &admin,
            &updated.id.to_string(),
            lectern_service::StatusAction::Unpublish,
            Some(updated.version),
        )
        .await
        .unwrap();
    assert!(
        search("numbat").await.is_empty(),
        "unpublished content is not found anonymously"
    );
    ctx.service
        .delete::<lectern_service::Article>(
            &admin,
            &unpublished.id.to_string(),
            Some(unpublished.version),
        )
        .await
        .unwrap();
    let editor = ctx.user_client("editor").await.0;
    let r = editor.get("/api/v1/search?q=numbat").await;
    assert_eq!(slugs(&r.body).len(), 0, "deleted content leaves the index");
}

#[tokio::test]
async fn hostile_or_empty_queries_get_a_clear_answer() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    ctx.article(&admin, "Ordinary words", "published").await;
    for q in [
        "%22",
        "*",
        "NEAR(a%20b)",
        "a%22%20OR%20%22b",
        "%27",
        "%5C",
        "title:ordinary",
        "ordinary*",
        "-ordinary",
        "ordinary%20AND%20NOT",
        "%E2%80%AE",
        "(((",
        "ordinary%00",
    ] {
        let r = ctx.client.get(&format!("/api/v1/search?q={q}")).await;
        // A control character is refused at the edge, naming the parameter.
        let control = q.contains("%00") && r.status == 400 && r.text.contains("\"q\"");
        assert!(
            r.status == 200 || r.status == 422 || control,
            "q={q}: {} {}",
            r.status,
            r.text
        );
    }
    ctx.client
        .get("/api/v1/search?q=")
        .await
        .assert_problem(422, "validation_failed");
    let none = ctx.client.get("/api/v1/search?q=%22%22%20*").await;
    none.assert_status(200);
    assert_eq!(
        none.body["data"],
        json!([]),
        "punctuation alone finds nothing"
    );
    ctx.client
        .get("/api/v1/search?q=a&type=user")
        .await
        .assert_problem(422, "validation_failed");
    ctx.client
        .get("/api/v1/search?q=a&limit=500")
        .await
        .assert_problem(400, "invalid_parameter");
    ctx.client
        .get("/api/v1/search?q=a&cursor=nope")
        .await
        .assert_problem(400, "invalid_cursor");
    ctx.client
        .get("/api/v1/search")
        .await
        .assert_problem(400, "invalid_parameter");
    let long = "a".repeat(201);
    ctx.client
        .get(&format!("/api/v1/search?q={long}"))
        .await
        .assert_problem(422, "validation_failed");
}
