//! GraphQL: the same answers and rules as REST, batched loading, and limits that reject
//! hostile queries before they run.

use crate::matrix::{actors, fixtures, Actors, Fixtures, MATRIX, ROLES};
use crate::support::{Client, Ctx, Resp};
use lectern_service::Caller;
use serde_json::{json, Value};

fn code(r: &Resp) -> &str {
    r.body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn seed_parity(ctx: &Ctx) -> (Caller, String) {
    let admin = ctx.admin().await;
    for name in ["Go", "Elixir"] {
        let input = serde_json::from_value(json!({"name": name, "kind": "language", "summary": format!("{name}."), "status": "published"})).unwrap();
        ctx.service
            .create::<lectern_service::Technology>(&admin, input)
            .await
            .unwrap();
    }
    for i in 0..5 {
        let input = serde_json::from_value(json!({
            "title": format!("Parity {i}"), "summary": "s", "body": format!("## Part {i}\n\nText."),
            "tags": [if i % 2 == 0 { "even" } else { "odd" }, "parity"],
            "technologies": ["go", "elixir"], "status": "published",
        }))
        .unwrap();
        ctx.service
            .create::<lectern_service::Article>(&admin, input)
            .await
            .unwrap();
    }
    (admin, "parity-2".to_owned())
}

#[tokio::test]
async fn graphql_and_rest_answer_the_same_questions_the_same_way() {
    let ctx = Ctx::new().await;
    let (_, slug) = seed_parity(&ctx).await;
    let c = &ctx.client;

    // A filtered list, page by page.
    let query = "query($after: String) { articles(filter: {tag: \"even\"}, first: 2, after: $after) {
        totalCount edges { node { uuid slug title tags { name } } } pageInfo { hasNextPage endCursor } } }";
    let mut rest_slugs = vec![];
    let mut path = "/api/v1/articles?tag=even&limit=2".to_owned();
    loop {
        let r = c.get(&path).await;
        r.assert_status(200);
        for a in r.body["data"].as_array().unwrap() {
            rest_slugs.push(a["slug"].as_str().unwrap().to_owned());
        }
        match r.body["page"]["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/articles?tag=even&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let mut gql_slugs = vec![];
    let mut after = Value::Null;
    loop {
        let r = c.gql(query, json!({"after": after})).await;
        r.assert_status(200);
        assert!(r.body["errors"].is_null(), "{}", r.text);
        let conn = &r.body["data"]["articles"];
        assert_eq!(conn["totalCount"], 3);
        for e in conn["edges"].as_array().unwrap() {
            gql_slugs.push(e["node"]["slug"].as_str().unwrap().to_owned());
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(rest_slugs, gql_slugs);
    assert_eq!(gql_slugs.len(), 3);

    // One article by slug, with its technologies.
    let rest = c.get(&format!("/api/v1/articles/{slug}")).await;
    let gql = c
        .gql(
            "query($s: String) { article(slug: $s) { uuid title bodyHtml version author { displayName }
              technologies { slug name kind } } }",
            json!({"s": slug}),
        )
        .await;
    let a = &gql.body["data"]["article"];
    assert_eq!(a["uuid"], rest.body["id"]);
    assert_eq!(a["title"], rest.body["title"]);
    assert_eq!(a["bodyHtml"], rest.body["body_html"]);
    assert_eq!(a["version"], rest.body["version"]);
    assert_eq!(
        a["author"]["displayName"],
        rest.body["author"]["display_name"]
    );
    let rest_techs: Vec<&Value> = rest.body["technologies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["slug"])
        .collect();
    let gql_techs: Vec<&Value> = a["technologies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["slug"])
        .collect();
    assert_eq!(rest_techs, gql_techs);
    assert_eq!(a["technologies"][0]["kind"], "LANGUAGE");

    // A draft: hidden from anonymous callers and other authors, visible to its author.
    let (author_client, author, _) = ctx.user_client("author").await;
    let (other_client, _, _) = ctx.user_client("author").await;
    let draft = ctx.article(&author, "Author's draft", "draft").await;
    let q = "query($s: String) { article(slug: $s) { title status } }";
    for (client, rest_status, visible) in [
        (ctx.client.anonymous(), 404, false),
        (author_client, 200, true),
        (other_client, 404, false),
    ] {
        let r = client
            .get(&format!("/api/v1/articles/{}", draft.slug))
            .await;
        assert_eq!(r.status, rest_status);
        let g = client.gql(q, json!({"s": draft.slug})).await;
        assert!(g.body["errors"].is_null(), "{}", g.text);
        assert_eq!(!g.body["data"]["article"].is_null(), visible, "{}", g.text);
        if visible {
            assert_eq!(g.body["data"]["article"]["status"], "DRAFT");
        }
    }
}

/// One action of the permission matrix over GraphQL: the status REST would give, or None
/// when GraphQL does not offer the action (user and token administration, and `me`, which is
/// null rather than an error for callers without a user).
async fn graphql(c: &Client, action: &str, f: &Fixtures, a: &Actors) -> Option<u16> {
    let own = f.own_draft.id.to_string();
    let published = f.published.id.to_string();
    let (query, vars, ok): (&str, Value, u16) = match action {
        "read own draft" | "read published" | "read draft technology" => {
            let (q, v) = match action {
                "read own draft" => ("query($id: ID) { x: article(id: $id) { uuid } }", json!({"id": own})),
                "read published" => ("query($s: String) { x: article(slug: $s) { uuid } }", json!({"s": f.published.slug})),
                _ => ("query($s: String) { x: technology(slug: $s) { uuid } }", json!({"s": f.draft_tech_slug})),
            };
            let r = c.gql(q, v).await;
            assert!(r.body["errors"].is_null(), "{action}: {}", r.text);
            return Some(if r.body["data"]["x"].is_null() { 404 } else { 200 });
        }
        "list shows own draft" => {
            let r = c
                .gql("{ articles(first: 100, orderBy: {field: CREATED_AT}) { edges { node { uuid } } } }", json!({}))
                .await;
            assert!(r.body["errors"].is_null(), "{action}: {}", r.text);
            return Some(r.text.contains(&own) as u16);
        }
        "create draft" => ("mutation { createArticle(input: {title: \"New draft\"}) { uuid } }", json!({}), 201),
        "create published" => {
            let r = c.gql("mutation { createArticle(input: {title: \"New\"}) { uuid version } }", json!({})).await;
            if r.body["errors"].is_array() {
                return Some(status_of(&r, 201));
            }
            let id = r.body["data"]["createArticle"]["uuid"].as_str().unwrap().to_owned();
            ("mutation($id: ID!) { publishArticle(id: $id, expectedVersion: 1) { uuid } }", json!({"id": id}), 201)
        }
        "update own draft" => (
            "mutation($id: ID!, $v: Int!) { updateArticle(id: $id, input: {title: \"Changed\"}, expectedVersion: $v) { uuid } }",
            json!({"id": own, "v": f.own_draft.version}), 200,
        ),
        "delete own draft" => (
            "mutation($id: ID!, $v: Int!) { deleteArticle(id: $id, expectedVersion: $v) }",
            json!({"id": own, "v": f.own_draft.version}), 204,
        ),
        "publish own draft" => (
            "mutation($id: ID!, $v: Int!) { publishArticle(id: $id, expectedVersion: $v) { uuid } }",
            json!({"id": own, "v": f.own_draft.version}), 200,
        ),
        "update published" => (
            "mutation($id: ID!, $v: Int!) { updateArticle(id: $id, input: {summary: \"x\"}, expectedVersion: $v) { uuid } }",
            json!({"id": published, "v": f.published.version}), 200,
        ),
        "unpublish published" => (
            "mutation($id: ID!, $v: Int!) { unpublishArticle(id: $id, expectedVersion: $v) { uuid } }",
            json!({"id": published, "v": f.published.version}), 200,
        ),
        "archive published" => (
            "mutation($id: ID!, $v: Int!) { archiveArticle(id: $id, expectedVersion: $v) { uuid } }",
            json!({"id": published, "v": f.published.version}), 200,
        ),
        "set author of own draft" => (
            "mutation($id: ID!, $v: Int!, $who: ID) { updateArticle(id: $id, input: {authorId: $who}, expectedVersion: $v) { uuid } }",
            json!({"id": own, "v": f.own_draft.version, "who": a.other_author.user_id().unwrap().0}), 200,
        ),
        "create technology" => ("mutation { createTechnology(input: {name: \"Brand new\", kind: TOOL}) { uuid } }", json!({}), 201),
        "update technology" => (
            "mutation($id: ID!, $v: Int!) { updateTechnology(id: $id, input: {summary: \"changed\"}, expectedVersion: $v) { uuid } }",
            json!({"id": f.tech_id, "v": f.tech_version}), 200,
        ),
        "delete technology" => (
            "mutation($id: ID!, $v: Int!) { deleteTechnology(id: $id, expectedVersion: $v) }",
            json!({"id": f.tech_id, "v": f.tech_version}), 204,
        ),
        _ => return None,
    };
    let r = c.gql(query, vars).await;
    Some(status_of(&r, ok))
}

/// The REST status a GraphQL answer stands for: success, or the error code's status.
fn status_of(r: &Resp, ok: u16) -> u16 {
    assert_eq!(r.status, 200, "{}", r.text);
    if r.body["errors"].is_null() {
        return ok;
    }
    match code(r) {
        "unauthenticated" => 401,
        "forbidden" => 403,
        "not_found" => 404,
        "version_mismatch" => 412,
        other => panic!("unexpected code {other}: {}", r.text),
    }
}

#[tokio::test]
async fn every_role_gets_the_same_answer_over_graphql_as_over_rest() {
    let ctx = Ctx::new().await;
    let a = actors(&ctx).await;
    let mut failures = vec![];
    let mut n = 0;
    for (action, expected) in MATRIX {
        for (i, role) in ROLES.iter().enumerate() {
            n += 1;
            let f = fixtures(&ctx, &a, n).await;
            let Some(got) = graphql(&a.clients[i], action, &f, &a).await else {
                continue;
            };
            if got != expected[i] {
                failures.push(format!(
                    "{role:>15} | {action:<26} expected {} got {got}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn run_in_process(ctx: &Ctx, query: &str) -> (async_graphql::Response, u64) {
    let schema = lectern_graphql::schema(
        ctx.service.clone(),
        &lectern_graphql::GraphqlConfig::default(),
    );
    let mut request = async_graphql::Request::new(query);
    request.data = lectern_graphql::data_for(&ctx.service, Caller::Anonymous);
    let before = ctx.service.db().statements_run();
    let response = schema.execute(request).await;
    (response, ctx.service.db().statements_run() - before)
}

#[tokio::test]
async fn a_page_of_articles_with_its_relations_costs_a_fixed_number_of_statements() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    for i in 0..4 {
        let input = serde_json::from_value(json!({
            "name": format!("Framework {i}"), "kind": "framework", "status": "published",
            "related_technologies": if i > 0 { vec![format!("framework-{}", i - 1)] } else { vec![] },
        }))
        .unwrap();
        ctx.service
            .create::<lectern_service::Technology>(&admin, input)
            .await
            .unwrap();
    }
    for i in 0..50 {
        let input = serde_json::from_value(json!({
            "title": format!("Post {i}"), "tags": ["a", format!("t{i}")],
            "technologies": ["framework-1", format!("framework-{}", i % 4)], "status": "published",
        }))
        .unwrap();
        ctx.service
            .create::<lectern_service::Article>(&admin, input)
            .await
            .unwrap();
    }
    let mut costs = vec![];
    for first in [5, 50] {
        let q = format!(
            "{{ articles(first: {first}) {{ edges {{ node {{ title author {{ displayName }} tags {{ name }}
               technologies {{ name summary relatedTechnologies {{ name }} }} }} }} }} }}"
        );
        let (response, statements) = run_in_process(&ctx, &q).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let json = serde_json::to_value(&response.data).unwrap();
        let edges = json["articles"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first);
        assert!(edges
            .iter()
            .all(|e| e["node"]["author"]["displayName"].is_string()
                && e["node"]["technologies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| !t["relatedTechnologies"].as_array().unwrap().is_empty())));
        costs.push(statements);
    }
    assert_eq!(
        costs[0], costs[1],
        "the cost grew with the page size: {costs:?}"
    );
    // Anonymous: the page, its views read back from their stored public JSON; the linked
    // technologies' full views, the same way. (Editors pay one statement per relation.)
    assert!(costs[1] <= 2, "a page of 50 took {} statements", costs[1]);
}

#[tokio::test]
async fn hostile_queries_are_rejected_before_they_run() {
    let ctx = Ctx::new().await;
    let deep = "{ article(slug: \"x\") { technologies { articles(first: 1) { technologies { articles(first: 1) {
        technologies { articles(first: 1) { technologies { articles(first: 1) { technologies { name } } } } } } } } } } }";
    let costly = "{ articles(first: 100) { edges { node { technologies { relatedTechnologies {
        articles(first: 100) { title technologies { name } } } } } } } }";
    let aliases: String = (0..40)
        .map(|i| format!("a{i}: articles {{ totalCount }} "))
        .collect();
    let aliases = format!("{{ {aliases} }}");
    for (query, expected) in [
        (deep, "query_too_deep"),
        (costly, "query_too_complex"),
        (aliases.as_str(), "too_many_aliases"),
    ] {
        let (response, statements) = run_in_process(&ctx, query).await;
        assert_eq!(statements, 0, "{expected}: the query ran");
        assert_eq!(
            response.errors.len(),
            1,
            "{expected}: {:?}",
            response.errors
        );
        let r = ctx.client.gql(query, json!({})).await;
        assert_eq!(code(&r), expected, "{}", r.text);
        assert!(r.body["data"].is_null(), "{}", r.text);
    }
    let r = ctx
        .client
        .gql("{ articles(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&r), "invalid_limit", "{}", r.text);

    let batch: Vec<Value> = (0..11).map(|_| json!({"query": "{ me { id } }"})).collect();
    let r = ctx.client.post("/graphql", &json!(batch)).await;
    assert_eq!(r.status, 400);
    assert_eq!(code(&r), "batch_too_large");
    let r = ctx
        .client
        .post(
            "/graphql",
            &json!([{"query": "{ me { id } }"}, {"query": "{ articles { totalCount } }"}]),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 2, "{}", r.text);

    let huge = format!(
        "{{ articles(filter: {{q: \"{}\"}}) {{ totalCount }} }}",
        "x".repeat(200 * 1024)
    );
    let r = ctx.client.gql(&huge, json!({})).await;
    assert_eq!(r.status, 413, "{}", &r.text[..r.text.len().min(300)]);

    let r = ctx
        .client
        .send_raw(
            reqwest::Method::POST,
            "/graphql",
            "text/plain",
            b"{ me { id } }".to_vec(),
        )
        .await;
    assert_eq!(r.status, 415);
    let r = ctx
        .client
        .send_raw(
            reqwest::Method::POST,
            "/graphql",
            "application/json",
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(code(&r), "invalid_json");
    let r = ctx.client.gql("{ articles { nope } }", json!({})).await;
    assert_eq!(code(&r), "invalid_query", "{}", r.text);
}

#[tokio::test]
async fn drafts_never_leak_through_nested_fields_node_or_counts() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let hidden = ctx.technology(&admin, "Hidden Tech", "draft").await;
    let shown = ctx.technology(&admin, "Shown Tech", "published").await;
    let input = serde_json::from_value(json!({"title": "Secret plans", "tags": ["secret"], "technologies": [hidden.slug, shown.slug]})).unwrap();
    let draft = ctx
        .service
        .create::<lectern_service::Article>(&admin, input)
        .await
        .unwrap();
    let input = serde_json::from_value(json!({"title": "Public piece", "tags": ["public"], "technologies": [hidden.slug, shown.slug], "status": "published"})).unwrap();
    let public = ctx
        .service
        .create::<lectern_service::Article>(&admin, input)
        .await
        .unwrap();
    let input = serde_json::from_value(json!({"name": "Public Tech", "kind": "tool", "related_technologies": [hidden.slug], "status": "published"})).unwrap();
    ctx.service
        .create::<lectern_service::Technology>(&admin, input)
        .await
        .unwrap();

    let draft_gid = {
        let r = ctx
            .admin_client()
            .await
            .gql(
                "query($id: ID) { article(id: $id) { id } }",
                json!({"id": draft.id}),
            )
            .await;
        r.body["data"]["article"]["id"].as_str().unwrap().to_owned()
    };
    let hidden_gid = {
        let r = ctx
            .admin_client()
            .await
            .gql(
                "query($s: String) { technology(slug: $s) { id } }",
                json!({"s": hidden.slug}),
            )
            .await;
        r.body["data"]["technology"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for c in [ctx.client.anonymous(), ctx.api_token("read").await] {
        for (query, vars) in [
            ("{ articles(first: 100) { totalCount edges { node { title technologies { name } } } } }", json!({})),
            ("{ articles(filter: {tag: \"secret\"}) { totalCount edges { node { title } } } }", json!({})),
            ("{ articles(filter: {q: \"secret\"}) { totalCount edges { node { title } } } }", json!({})),
            ("{ technologies(first: 100) { totalCount edges { node { name relatedTechnologies { name } articles { title } } } } }", json!({})),
            ("query($s: String) { technology(slug: $s) { name articles(first: 50) { title technologies { name } } } }", json!({"s": shown.slug})),
            ("query($s: String) { article(slug: $s) { title technologies { name relatedTechnologies { name } } } }", json!({"s": public.slug})),
        ] {
            let r = c.gql(query, vars).await;
            assert!(r.body["errors"].is_null(), "{query}: {}", r.text);
            assert!(!r.text.contains("Secret plans") && !r.text.contains("Hidden Tech"), "{query} leaked: {}", r.text);
        }
        let r = c
            .gql(
                "{ articles(filter: {tag: \"secret\"}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(r.body["data"]["articles"]["totalCount"], 0);
        for (query, id) in [
            (
                "query($id: ID!) { node(id: $id) { id } }",
                draft_gid.as_str(),
            ),
            (
                "query($id: ID!) { node(id: $id) { id } }",
                hidden_gid.as_str(),
            ),
        ] {
            let r = c.gql(query, json!({"id": id})).await;
            assert!(r.body["data"]["node"].is_null(), "{}", r.text);
        }
        let r = c
            .gql(
                "{ articles(filter: {status: DRAFT}) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(code(&r), "forbidden", "{}", r.text);
    }
    // An editor sees the draft through the same fields.
    let editor = ctx.user_client("editor").await.0;
    let r = editor
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Article { title } } }",
            json!({"id": draft_gid}),
        )
        .await;
    assert_eq!(
        r.body["data"]["node"]["title"], "Secret plans",
        "{}",
        r.text
    );
}

#[tokio::test]
async fn mutations_share_rest_validation_messages_and_concurrency_rules() {
    let ctx = Ctx::new().await;
    let editor = ctx.user_client("editor").await.0;
    let bad =
        json!({"title": "  ", "slug": "Not A Slug", "cover_image_url": "javascript:alert(1)"});
    let rest = editor.post("/api/v1/articles", &bad).await;
    rest.assert_problem(422, "validation_failed");
    let g = editor
        .gql(
            "mutation { createArticle(input: {title: \"  \", slug: \"Not A Slug\", coverImageUrl: \"javascript:alert(1)\"}) { uuid } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&g), "validation_failed", "{}", g.text);
    let gql_fields = g.body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .clone();
    let rest_fields = rest.body["errors"].as_array().unwrap();
    assert_eq!(gql_fields.len(), rest_fields.len());
    for (gf, rf) in gql_fields.iter().zip(rest_fields) {
        assert_eq!(gf["message"], rf["message"]);
    }
    assert!(gql_fields.iter().any(|f| f["field"] == "coverImageUrl"));

    let r = editor
        .gql(
            "mutation { createArticle(input: {title: \"Versioned\"}) { uuid version } }",
            json!({}),
        )
        .await;
    let id = r.body["data"]["createArticle"]["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    let update = "mutation($id: ID!, $v: Int!) { updateArticle(id: $id, input: {summary: \"new\", coverImageUrl: null}, expectedVersion: $v) { version summary } }";
    let ok = editor.gql(update, json!({"id": id, "v": 1})).await;
    assert_eq!(
        ok.body["data"]["updateArticle"]["version"], 2,
        "{}",
        ok.text
    );
    let stale = editor.gql(update, json!({"id": id, "v": 1})).await;
    assert_eq!(code(&stale), "version_mismatch");
    let rest = editor.get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(rest.body["version"], 2);
    assert_eq!(rest.body["summary"], "new");

    // Login, refresh and logout as mutations, with the tokens REST issues.
    let login = ctx.client.gql(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken tokenType expiresIn } }",
        json!({"e": crate::support::ADMIN_EMAIL, "p": crate::support::ADMIN_PASSWORD}),
    ).await;
    let tokens = &login.body["data"]["login"];
    assert_eq!(tokens["tokenType"], "Bearer", "{}", login.text);
    let me = ctx
        .client
        .with_token(tokens["accessToken"].as_str().unwrap())
        .gql("{ me { email role } }", json!({}))
        .await;
    assert_eq!(me.body["data"]["me"]["email"], crate::support::ADMIN_EMAIL);
    let wrong = ctx.client.gql("mutation { login(email: \"admin@example.com\", password: \"nope-nope-nope\") { accessToken } }", json!({})).await;
    assert_eq!(code(&wrong), "unauthenticated", "{}", wrong.text);
    let refresh = "mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken } }";
    let first = ctx
        .client
        .gql(refresh, json!({"t": tokens["refreshToken"]}))
        .await;
    assert!(
        first.body["data"]["refreshToken"]["refreshToken"].is_string(),
        "{}",
        first.text
    );
    let reused = ctx
        .client
        .gql(refresh, json!({"t": tokens["refreshToken"]}))
        .await;
    assert_eq!(code(&reused), "unauthenticated");

    let r = ctx
        .client
        .with_token("not-a-token")
        .gql("{ me { id } }", json!({}))
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn paging_backward_gives_the_same_items_as_paging_forward() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    for i in 0..7 {
        ctx.article(&admin, &format!("Page {i}"), "published").await;
    }
    let forward = "query($after: String) { articles(first: 3, after: $after, orderBy: {field: TITLE, direction: ASC}) {
        edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let backward = "query($before: String) { articles(last: 3, before: $before, orderBy: {field: TITLE, direction: ASC}) {
        edges { node { title } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let titles = |r: &Resp| -> Vec<String> {
        r.body["data"]["articles"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut ahead = vec![];
    let mut after = Value::Null;
    loop {
        let r = ctx.client.gql(forward, json!({"after": after})).await;
        ahead.extend(titles(&r));
        let info = &r.body["data"]["articles"]["pageInfo"];
        if info["hasNextPage"] != true {
            break;
        }
        after = info["endCursor"].clone();
    }
    let mut behind: Vec<String> = vec![];
    let mut before = Value::Null;
    loop {
        let r = ctx.client.gql(backward, json!({"before": before})).await;
        assert!(r.body["errors"].is_null(), "{}", r.text);
        let mut page = titles(&r);
        page.extend(behind);
        behind = page;
        let info = &r.body["data"]["articles"]["pageInfo"];
        if info["hasPreviousPage"] != true {
            break;
        }
        before = info["startCursor"].clone();
    }
    let expected: Vec<String> = (0..7).map(|i| format!("Page {i}")).collect();
    assert_eq!(ahead, expected);
    assert_eq!(behind, expected);
    let r = ctx
        .client
        .gql("{ articles(first: 2, last: 2) { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&r), "invalid_pagination", "{}", r.text);
}
