//! Locales (issue 16): an entry in English, its French translation as a draft and then
//! published, read through REST and GraphQL with fallback, listed, synced and searched in
//! French; and an unpublished translation never shown to published-only readers, whatever
//! the read path.

use crate::support::Ctx;
use reqwest::Method;
use serde_json::{json, Value};

const FR_SLUG: &str = "pourquoi-les-developpeurs-aiment-rust";

fn locales(body: &Value) -> Vec<String> {
    (body["translations"].as_array().into_iter().flatten())
        .map(|t| t["locale"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_translation_is_drafted_published_and_read_in_its_locale_through_every_path() {
    let ctx = Ctx::new().await;
    let editor = ctx.admin_client().await;
    let anonymous = ctx.client.anonymous();
    let r = editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Why developers like Rust", "summary": "Safety.", "body": "Memory safety without a collector.",
                    "tags": ["rust"], "status": "published"}),
        )
        .await;
    r.assert_status(201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["locale"], "en");

    // A French draft: its own slug and status; shared fields cannot be set on it.
    let put = |body: Value, etag: Option<String>| {
        let editor = editor.clone();
        async move {
            let headers: Vec<(&str, String)> =
                etag.map(|e| vec![("if-match", e)]).unwrap_or_default();
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            (editor.send(
                Method::PUT,
                "/api/v1/articles/why-developers-like-rust/locales/fr",
                Some(&body),
                &headers,
            ))
            .await
        }
    };
    put(json!({"title": "Pourquoi", "tags": ["x"]}), None)
        .await
        .assert_problem(422, "validation_failed");
    let path = "/api/v1/articles/why-developers-like-rust/locales/en";
    (editor
        .send(Method::PUT, path, Some(&json!({"title": "Again"})), &[])
        .await)
        .assert_problem(422, "validation_failed");
    let r = put(
        json!({"title": "Pourquoi les développeurs aiment Rust", "slug": FR_SLUG,
               "body": "La sûreté mémoire sans ramasse-miettes, disent les développeurs."}),
        None,
    )
    .await;
    r.assert_status(201);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["locale"], "fr");
    assert_eq!(
        r.body["id"],
        id.as_str(),
        "a translation answers as its entry"
    );
    assert_eq!(
        r.body["tags"],
        json!(["rust"]),
        "shared fields are the entry's"
    );
    assert_eq!(r.header("content-language"), Some("fr"));

    // Unpublished: every read path in French falls back to English and never names it.
    let r = anonymous
        .get("/api/v1/articles/why-developers-like-rust?locale=fr")
        .await;
    r.assert_status(200);
    assert_eq!(r.body["locale"], "en");
    assert_eq!(r.body["title"], "Why developers like Rust");
    assert_eq!(r.header("content-language"), Some("en"));
    assert_eq!(locales(&r.body), ["en"]);
    let r = anonymous
        .get_with(
            "/api/v1/articles/why-developers-like-rust",
            &[("accept-language", "fr-CA, fr;q=0.9")],
        )
        .await;
    assert_eq!(r.body["locale"], "en");
    anonymous
        .get("/api/v1/articles/why-developers-like-rust?locale=fr&fallback=false")
        .await
        .assert_status(404);
    for path in [
        format!("/api/v1/articles/{FR_SLUG}?locale=fr"),
        format!("/api/v1/articles/{FR_SLUG}"),
        format!("/api/v1/articles/{id}?locale=fr&fallback=false"),
    ] {
        anonymous.get(&path).await.assert_status(404);
    }
    let listed = anonymous.get("/api/v1/articles?locale=fr").await;
    assert_eq!(listed.body["data"][0]["locale"], "en");
    let fr_only = anonymous
        .get("/api/v1/articles?locale=fr&fallback=false")
        .await;
    assert_eq!(fr_only.body["data"], json!([]));
    let sync = anonymous.get("/api/v1/sync").await;
    let search = anonymous
        .get("/api/v1/search?q=d%C3%A9veloppeur&locale=fr")
        .await;
    let gql = anonymous
        .gql(
            r#"query { article(slug: "why-developers-like-rust", locale: "fr") { locale title translations { locale } } }"#,
            json!({}),
        )
        .await;
    for (path, body) in [
        ("sync", &sync.body),
        ("search", &search.body),
        ("graphql", &gql.body),
        ("list", &listed.body),
    ] {
        let text = body.to_string();
        assert!(
            !text.contains(FR_SLUG) && !text.contains("Pourquoi"),
            "{path} shows the French draft: {text}"
        );
    }
    assert_eq!(gql.body["data"]["article"]["locale"], "en");
    assert_eq!(search.body["data"], json!([]));

    // Published in French: its own workflow step, the English entry untouched.
    let r = editor
        .get(&format!("/api/v1/articles/{id}?locale=fr&fallback=false"))
        .await;
    r.assert_status(200);
    let etag = r.header("etag").unwrap().to_owned();
    let r = editor
        .post_with(
            &format!("/api/v1/articles/{id}/publish?locale=fr"),
            &json!({}),
            &[("if-match", &etag)],
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.body["locale"], "fr");
    assert_eq!(r.body["status"], "published");
    let r = anonymous
        .get("/api/v1/articles/why-developers-like-rust?locale=fr")
        .await;
    assert_eq!(r.body["locale"], "fr");
    assert_eq!(r.body["slug"], FR_SLUG);
    assert_eq!(r.header("content-language"), Some("fr"));
    assert_eq!(locales(&r.body), ["en", "fr"]);
    let r = anonymous
        .get(&format!("/api/v1/articles/{FR_SLUG}?locale=fr"))
        .await;
    assert_eq!(r.body["title"], "Pourquoi les développeurs aiment Rust");
    let r = anonymous
        .get("/api/v1/articles/why-developers-like-rust")
        .await;
    assert_eq!(r.body["locale"], "en", "the default locale is unchanged");
    let listed = anonymous.get("/api/v1/articles?locale=fr").await;
    assert_eq!(listed.body["data"][0]["slug"], FR_SLUG);
    let gql = anonymous
        .gql(
            r#"query { articles(locale: "fr") { nodes { locale title translations { locale status } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        gql.body["data"]["articles"]["nodes"][0]["locale"], "fr",
        "{}",
        gql.body
    );

    // Search in French finds the plural from the singular (stemming), and only in French.
    let r = anonymous
        .get("/api/v1/search?q=d%C3%A9veloppeur&locale=fr")
        .await;
    r.assert_status(200);
    assert_eq!(r.body["data"][0]["slug"], FR_SLUG, "{}", r.body);
    assert_eq!(r.body["data"][0]["locale"], "fr");
    let r = anonymous.get("/api/v1/search?q=d%C3%A9veloppeur").await;
    assert_eq!(r.body["data"], json!([]));

    // Sync carries both variants, each with its locale; a client may ask for French only.
    let r = anonymous.get("/api/v1/sync").await;
    let entries: Vec<(String, String)> = (r.body["items"].as_array().into_iter().flatten())
        .filter(|e| e["type"] == "article")
        .map(|e| {
            (
                e["locale"].as_str().unwrap().to_owned(),
                e["slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        entries.contains(&("fr".into(), FR_SLUG.into())),
        "{entries:?}"
    );
    assert!(entries.contains(&("en".into(), "why-developers-like-rust".into())));
    let r = anonymous.get("/api/v1/sync?locales=fr").await;
    let only: Vec<&Value> = (r.body["items"].as_array().into_iter().flatten()).collect();
    assert!(only.iter().all(|e| e["locale"] == "fr"), "{only:?}");

    // A malformed tag is a bad parameter; a well-formed one the server lacks holds nothing.
    for (path, status) in [
        (
            "/api/v1/articles/why-developers-like-rust?locale=%20fr",
            400,
        ),
        ("/api/v1/articles?locale=0000", 400),
        ("/api/v1/articles/why-developers-like-rust?locale=de", 404),
        ("/api/v1/sync?locales=fr,,en", 400),
        ("/api/v1/search?q=rust&locale=it", 404),
    ] {
        anonymous.get(path).await.assert_status(status);
    }

    // GraphQL writes in a locale too, and the locales are listed.
    let r = anonymous.get("/api/v1/locales").await;
    assert_eq!(r.body["data"][1]["locale"], "fr");
    let r = editor
        .gql(
            r#"query { article(slug: "why-developers-like-rust") { id } }"#,
            json!({}),
        )
        .await;
    let node = r.body["data"]["article"]["id"].clone();
    let r = editor
        .gql(
            r#"mutation($id: ID!) { unpublishArticle(id: $id, expectedVersion: 2, locale: "fr") { locale status } }"#,
            json!({"id": node}),
        )
        .await;
    assert_eq!(
        r.body["data"]["unpublishArticle"]["status"], "DRAFT",
        "{}",
        r.body
    );
    let r = anonymous
        .get("/api/v1/articles/why-developers-like-rust?locale=fr")
        .await;
    assert_eq!(r.body["locale"], "en");
    assert_eq!(locales(&r.body), ["en"]);
}
