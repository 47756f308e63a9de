//! The filter language (issue 14): the same filter gives the same items through REST's
//! `filter=` and GraphQL's `where:`, cursors stay exact under it, bad filters are 400s that
//! name the path, a filter never tells a caller about items it may not read, and fuzzed
//! filters never make a 500 or return an unpublished row.

use crate::support::{Client, Ctx};
use lectern_service::Caller;
use serde_json::{json, Value};

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn slugs(items: &Value) -> Vec<String> {
    (items.as_array().into_iter().flatten())
        .map(|i| i["slug"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const OPERATORS: &[&str] = &[
    "eq",
    "ne",
    "in",
    "nin",
    "lt",
    "lte",
    "gt",
    "gte",
    "contains",
    "starts_with",
    "is_null",
];

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// The REST filter as GraphQL `where:` variables: camel-case names, enum values in capitals,
/// explicit `eq`.
fn gql_where(filter: &Value) -> Value {
    let Value::Object(map) = filter else {
        return filter.clone();
    };
    let mut out = serde_json::Map::new();
    for (key, v) in map {
        let enumerated = key == "status" || key == "kind";
        let value = |x: &Value| match x {
            Value::String(s) if enumerated => Value::String(s.to_uppercase()),
            Value::Array(items) if enumerated => Value::Array(
                (items.iter())
                    .map(|i| Value::String(i.as_str().unwrap_or_default().to_uppercase()))
                    .collect(),
            ),
            x => x.clone(),
        };
        let converted = match v {
            Value::Array(items) => Value::Array(items.iter().map(gql_where).collect()),
            Value::Object(ops) if ops.keys().all(|k| OPERATORS.contains(&k.as_str())) => {
                Value::Object(ops.iter().map(|(k, x)| (camel(k), value(x))).collect())
            }
            Value::Object(_) => gql_where(v),
            Value::Null => json!({"isNull": true}),
            x => json!({"eq": value(x)}),
        };
        out.insert(camel(key), converted);
    }
    Value::Object(out)
}

/// The slugs a filter lists, over REST and over GraphQL, which must agree.
async fn both(client: &Client, collection: &str, filter: Value) -> Vec<String> {
    let path = format!(
        "/api/v1/{collection}?limit=100&filter={}",
        encode(&filter.to_string())
    );
    let r = client.get(&path).await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    let rest = slugs(&r.body["data"]);
    let ty = match collection {
        "articles" => "ArticleWhere",
        "technologies" => "TechnologyWhere",
        _ => "SourceWhere",
    };
    let query =
        format!("query($w: {ty}) {{ {collection}(where: $w, first: 100) {{ nodes {{ slug }} }} }}");
    let g = client.gql(&query, json!({"w": gql_where(&filter)})).await;
    assert!(g.body["errors"].is_null(), "{filter}: {}", g.text);
    let graphql = slugs(&g.body["data"][collection]["nodes"]);
    assert_eq!(rest, graphql, "REST and GraphQL disagree on {filter}");
    rest
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn create<T>(ctx: &Ctx, caller: &Caller, input: Value) -> T::View
where
    T: lectern_service::ContentType<Input: serde::de::DeserializeOwned>,
{
    let input = serde_json::from_value(input).expect("input");
    ctx.service
        .create::<T>(caller, input)
        .await
        .expect("create")
}

/// A small world: three technologies (one a draft), a source, four articles.
async fn world(ctx: &Ctx) -> (Caller, Caller) {
    use lectern_service::{Article, Source, Technology};
    let admin = ctx.admin().await;
    let author = ctx.user("author").await;
    for (name, kind, status, year) in [
        ("Axum", "framework", "published", 2021),
        ("Rust", "language", "published", 2015),
        ("Secretdb", "database", "draft", 2024),
    ] {
        let input = json!({"name": name, "kind": kind, "status": status, "first_released": year,
            "primary_language": if kind == "framework" { Some("Rust") } else { None }});
        create::<Technology>(ctx, &admin, input).await;
    }
    let input = json!({"title": "State of the Stack", "kind": "survey", "status": "published"});
    create::<Source>(ctx, &admin, input).await;
    let author_id = author.user_id().unwrap().0;
    for (title, tags, techs, sources, status, at, by) in [
        (
            "Why async Rust",
            vec!["rust", "async"],
            vec!["axum", "rust"],
            vec!["state-of-the-stack"],
            "published",
            "2024-03-01T00:00:00Z",
            None,
        ),
        (
            "Go in production",
            vec!["go"],
            vec![],
            vec![],
            "published",
            "2023-05-01T00:00:00Z",
            None,
        ),
        (
            "A secret database",
            vec!["db"],
            vec!["secretdb"],
            vec![],
            "published",
            "2024-06-01T00:00:00Z",
            None,
        ),
        (
            "Drafting Rust",
            vec!["rust"],
            vec!["rust"],
            vec![],
            "draft",
            "2024-01-01T00:00:00Z",
            Some(author_id),
        ),
    ] {
        let mut input = json!({"title": title, "summary": format!("On {title}"), "tags": tags,
            "technologies": techs, "sources": sources, "status": status});
        if status == "published" {
            input["published_at"] = json!(at);
        }
        if let Some(id) = by {
            input["author_id"] = json!(id);
        }
        create::<Article>(ctx, &admin, input).await;
    }
    (admin, author)
}

#[tokio::test]
async fn the_same_filter_lists_the_same_items_through_rest_and_graphql() {
    let ctx = Ctx::new().await;
    world(&ctx).await;
    let anonymous = &ctx.client;
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("articles", json!({"tags": "rust"}), vec!["why-async-rust"]),
        (
            "articles",
            json!({"tags": {"in": ["go", "async"]}}),
            vec!["go-in-production", "why-async-rust"],
        ),
        (
            "articles",
            json!({"tags": {"ne": "rust"}}),
            vec!["a-secret-database", "go-in-production"],
        ),
        (
            "articles",
            json!({"title": {"contains": "ASYNC"}}),
            vec!["why-async-rust"],
        ),
        (
            "articles",
            json!({"title": {"starts_with": "go "}}),
            vec!["go-in-production"],
        ),
        (
            "articles",
            json!({"published_at": {"gte": "2024-01-01", "lt": "2024-05-01"}}),
            vec!["why-async-rust"],
        ),
        (
            "articles",
            json!({"or": [{"tags": "go"}, {"title": {"contains": "secret"}}]}),
            vec!["a-secret-database", "go-in-production"],
        ),
        (
            "articles",
            json!({"not": {"tags": {"in": ["rust", "go"]}}}),
            vec!["a-secret-database"],
        ),
        (
            "articles",
            json!({"or": [{"tags": "go"}, {"tags": "async"}]}),
            vec!["go-in-production", "why-async-rust"],
        ),
        (
            "articles",
            json!({"or": [{"tags": "go"}, {"technologies": {"slug": "axum"}}], "tags": {"ne": "db"}}),
            vec!["go-in-production", "why-async-rust"],
        ),
        (
            "articles",
            json!({"technologies": {"kind": "framework"}}),
            vec!["why-async-rust"],
        ),
        (
            "articles",
            json!({"technologies": {"first_released": {"lte": 2016}}}),
            vec!["why-async-rust"],
        ),
        (
            "articles",
            json!({"sources": {"kind": "survey"}}),
            vec!["why-async-rust"],
        ),
        (
            "articles",
            json!({"status": {"in": ["published", "draft"]}, "tags": {"is_null": false}}),
            vec!["a-secret-database", "go-in-production", "why-async-rust"],
        ),
        (
            "technologies",
            json!({"kind": {"nin": ["language"]}}),
            vec!["axum"],
        ),
        (
            "technologies",
            json!({"primary_language": null}),
            vec!["rust"],
        ),
        (
            "technologies",
            json!({"articles": {"tags": "async"}}),
            vec!["axum", "rust"],
        ),
        ("technologies", json!({"name": {"gte": "B"}}), vec!["rust"]),
        (
            "sources",
            json!({"articles": {"title": {"contains": "rust"}}}),
            vec!["state-of-the-stack"],
        ),
        ("sources", json!({"kind": "report"}), vec![]),
    ];
    for (collection, filter, expected) in cases {
        let got = both(anonymous, collection, filter.clone()).await;
        assert_eq!(
            sorted(got),
            sorted(expected.iter().map(|s| s.to_string()).collect()),
            "{collection} {filter}"
        );
    }
    // The old equality parameters are shorthands for the same filters.
    let r = anonymous
        .get("/api/v1/articles?tag=rust&technology=axum")
        .await;
    assert_eq!(slugs(&r.body["data"]), ["why-async-rust"], "{}", r.text);
    // Keyset pages under a filter and a sort cover the whole list once.
    let filter = encode(&json!({"tags": {"is_null": false}}).to_string());
    let mut seen = vec![];
    let mut next = format!("/api/v1/articles?limit=1&sort=title&filter={filter}");
    loop {
        let r = anonymous.get(&next).await;
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(slugs(&r.body["data"]));
        match r.body["page"]["next_cursor"].as_str() {
            Some(c) => {
                next = format!("/api/v1/articles?limit=1&sort=title&filter={filter}&cursor={c}")
            }
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["a-secret-database", "go-in-production", "why-async-rust"]
    );
}

#[tokio::test]
async fn bad_filters_are_400s_that_name_the_offending_path() {
    let ctx = Ctx::new().await;
    world(&ctx).await;
    let deep = json!({"not": {"not": {"not": {"not": {"not": {"tags": "x"}}}}}});
    let many: Vec<Value> = (0..21).map(|n| json!({"tags": format!("t{n}")})).collect();
    let values: Vec<String> = (0..101).map(|n| format!("t{n}")).collect();
    let cases = [
        (json!({"colour": "red"}), "`colour`"),
        (json!({"tags": {"like": "x"}}), "`tags.like`"),
        (
            json!({"technologies": {"password_hash": "x"}}),
            "`technologies.password_hash`",
        ),
        (
            json!({"author": {"password_hash": "x"}}),
            "`author.password_hash`",
        ),
        (
            json!({"author": {"email": "admin@example.com"}}),
            "`author.email`",
        ),
        (
            json!({"published_at": {"gte": "yesterday"}}),
            "`published_at.gte`",
        ),
        (json!({"status": "lost"}), "`status`"),
        (json!({"tags": {"lt": "x"}}), "`tags.lt`"),
        (json!({"or": {"tags": "x"}}), "`or`"),
        (
            json!({"or": [{"tags": "x"}, {"title": {"is_null": "yes"}}]}),
            "`or[1].title.is_null`",
        ),
        (deep, "nests deeper"),
        (json!({"or": many}), "one condition too many"),
        (json!({"tags": {"in": values}}), "`tags.in`"),
        (json!(["tags"]), "`filter`"),
    ];
    let (author_client, _, _) = ctx.user_client("author").await;
    for client in [&ctx.client, &author_client] {
        for (filter, named) in &cases {
            let path = format!("/api/v1/articles?filter={}", encode(&filter.to_string()));
            let r = client.get(&path).await;
            r.assert_problem(400, "invalid_parameter");
            assert!(r.text.contains(named), "{filter}: {}", r.text);
        }
        let r = client.get("/api/v1/articles?filter=%7Bnot%20json").await;
        assert_eq!(r.status, 400, "{}", r.text);
    }
    // Through GraphQL the same refusal carries the same code.
    let g = ctx
        .client
        .gql(
            "query { articles(where: {author: {email: {eq: \"x@example.com\"}}}) { nodes { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        g.body["errors"][0]["extensions"]["code"], "invalid_parameter",
        "{}",
        g.text
    );
    assert!(g.text.contains("author.email"), "{}", g.text);
    // An admin may filter on an author's email.
    let admin = ctx.admin_client().await;
    let r = admin
        .get(&format!(
            "/api/v1/articles?filter={}",
            encode(&json!({"author": {"email": {"contains": "@"}}}).to_string())
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(slugs(&r.body["data"]).len(), 4, "{}", r.text);
}

/// Leaks through filters, as a class: for a caller who may not read the draft technology,
/// every filter shape that names it answers exactly as the same filter naming a technology
/// that does not exist; a draft article stays invisible to a status filter.
#[tokio::test]
async fn a_filter_on_an_unreadable_item_answers_as_on_a_missing_one() {
    let ctx = Ctx::new().await;
    world(&ctx).await;
    let read = ctx.api_token("read").await;
    let (author_client, _, _) = ctx.user_client("author").await;
    let shapes = |slug: &str, name: &str| {
        vec![
            ("articles", json!({"technologies": {"slug": slug}})),
            (
                "articles",
                json!({"technologies": {"name": {"contains": name}}}),
            ),
            (
                "articles",
                json!({"technologies": {"name": {"starts_with": name}}}),
            ),
            (
                "articles",
                json!({"technologies": {"kind": "database", "slug": slug}}),
            ),
            ("articles", json!({"not": {"technologies": {"slug": slug}}})),
            (
                "articles",
                json!({"or": [{"technologies": {"slug": slug}}, {"tags": "go"}]}),
            ),
            (
                "articles",
                json!({"technologies": {"related_technologies": {"slug": slug}}}),
            ),
            ("technologies", json!({"slug": slug})),
            (
                "technologies",
                json!({"related_technologies": {"name": name}}),
            ),
            ("sources", json!({"technologies": {"slug": slug}})),
        ]
    };
    for client in [&ctx.client, &read, &author_client] {
        let hidden = shapes("secretdb", "Secret");
        let missing = shapes("nosuchdb", "Nosuch");
        for ((collection, a), (_, b)) in hidden.into_iter().zip(missing) {
            let on_hidden = both(client, collection, a.clone()).await;
            let on_missing = both(client, collection, b).await;
            assert_eq!(
                on_hidden, on_missing,
                "{collection} {a} tells the draft apart"
            );
        }
        // Drafts stay out whatever the filter asks.
        let drafts = both(client, "articles", json!({"status": "draft"})).await;
        assert!(drafts.is_empty(), "{drafts:?}");
        let all = both(client, "articles", json!({"tags": "rust"})).await;
        assert_eq!(all, ["why-async-rust"]);
    }
    // An editor sees through to the draft.
    let editor = ctx.admin_client().await;
    let on_draft = both(
        &editor,
        "articles",
        json!({"technologies": {"slug": "secretdb"}}),
    )
    .await;
    assert_eq!(on_draft, ["a-secret-database"]);
}

/// Random filters, valid and not: never a 500, and a published-only caller gets only
/// published items.
#[tokio::test]
async fn fuzzed_filters_never_fail_or_leak() {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let ctx = Ctx::new().await;
    world(&ctx).await;
    let field = prop::sample::select(vec![
        "id",
        "slug",
        "title",
        "name",
        "status",
        "tags",
        "published_at",
        "kind",
        "first_released",
        "summary",
        "technologies",
        "sources",
        "author",
        "articles",
        "email",
        "display_name",
        "password_hash",
        "nonsense",
    ]);
    let op = prop::sample::select(
        OPERATORS
            .iter()
            .copied()
            .chain(["like", ""])
            .collect::<Vec<_>>(),
    );
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 %_\\\\'\"-]{0,12}".prop_map(Value::from),
        Just(json!("2024-01-01")),
        Just(json!("published")),
        Just(json!("framework")),
        Just(json!("00000000-0000-0000-0000-000000000000")),
    ];
    let condition =
        (op, prop::collection::vec(scalar.clone(), 0..3), scalar).prop_map(|(op, list, one)| {
            match op {
                "in" | "nin" => json!({op: list}),
                "" => one,
                op => json!({op: one}),
            }
        });
    let leaf = (field.clone(), condition).prop_map(|(f, c)| json!({f: c}));
    let filter = leaf.prop_recursive(4, 24, 3, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"and": v})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({"or": v})),
            inner.clone().prop_map(|v| json!({"not": v})),
            (field.clone(), inner).prop_map(|(f, v)| json!({f: v})),
        ]
    });
    let mut runner = TestRunner::deterministic();
    let mut accepted = 0;
    for n in 0..300 {
        let f = filter.new_tree(&mut runner).unwrap().current();
        let collection = ["articles", "technologies", "sources"][n % 3];
        let path = format!(
            "/api/v1/{collection}?limit=100&fields=slug,status&filter={}",
            encode(&f.to_string())
        );
        let r = ctx.client.get(&path).await;
        assert!(
            r.status == 200 || r.status == 400,
            "{f}: {} {}",
            r.status,
            r.text
        );
        if r.status == 200 {
            accepted += 1;
            for item in r.body["data"].as_array().unwrap() {
                assert_eq!(item["status"], "published", "{f} listed {item}");
            }
        }
    }
    assert!(
        accepted > 20,
        "only {accepted} of 300 fuzzed filters were valid: the fuzzer tests little"
    );
}
