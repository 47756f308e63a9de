//! The OpenAPI 3.1 document, generated from the handlers' annotations and the types below.
//! Request bodies are described here with the exact limits the domain types enforce, so that
//! a client generated from the document sends what the server accepts.

#![allow(dead_code)]

use lectern_service::views::{
    ArticleView, AssetRef, AssetView, AuthorRef, SourceRef, SourceView, TechnologyRef,
    TechnologyView, TrendSignalView, UserView,
};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// An RFC 9457 problem: the body of every error.
#[derive(Serialize, ToSchema)]
#[schema(examples(json!({"type": "https://lectern.dev/problems/validation-failed", "title": "Unprocessable Entity", "status": 422, "detail": "the request has invalid fields", "code": "validation_failed", "errors": [{"field": "title", "message": "must not be empty"}]})))]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(examples("https://lectern.dev/problems/validation-failed"))]
    pub kind: String,
    #[schema(examples("Unprocessable Entity"))]
    pub title: String,
    #[schema(examples(422))]
    pub status: u16,
    pub detail: String,
    /// Stable, for programs to match on: one of the closed set the README lists.
    #[schema(examples("validation_failed"))]
    pub code: String,
    /// Each rejected field (validation errors only).
    pub errors: Option<Vec<FieldProblem>>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    #[schema(examples("title"))]
    pub field: String,
    #[schema(examples("must not be empty"))]
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct PageInfo {
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The documented shape of list answers: `{data: [...]}`, with `page` for paged lists.
macro_rules! lists {
    ($($name:ident($item:ty) $(+ $page:ident)?),* $(,)?) => {$(
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            pub data: Vec<$item>,
            $(pub $page: PageInfo,)?
        }
    )*};
}

lists!(
    ArticleList(ArticleView) + page,
    TechnologyList(TechnologyView) + page,
    SourceList(SourceView) + page,
    AssetList(AssetView) + page,
    UserList(UserView) + page,
    RevisionList(lectern_service::RevisionView),
    WebhookList(lectern_service::webhooks::WebhookView),
    TokenList(lectern_service::ApiTokenView),
);

/// A dated figure as a client writes it: the source by slug.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrendSignalInput {
    /// What was measured.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        examples("growth in employer skill assessments (HackerRank)")
    )]
    pub metric: String,
    #[schema(examples(126.12))]
    pub value: f64,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S", examples("percent"))]
    pub unit: String,
    #[schema(min_length = 1, max_length = 50, pattern = r"\S", examples("2021"))]
    pub period: String,
    /// The slug of the source that gave the figure.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$",
        examples("top-back-end-development-trends-for-2023")
    )]
    pub source: String,
}

/// The optional body of a publish request.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// A future time schedules the publication; absent or past publishes now.
    pub publish_at: Option<chrono::DateTime<chrono::Utc>>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT access token or lct_ API token")
                    .description(Some("`Authorization: Bearer <token>`: an access token from /api/v1/auth/login or an API token"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lectern",
        description = "A headless CMS back end: articles, technology profiles and their sources over REST. Errors are RFC 9457 problems with a stable `code`. Lists are keyset-paginated with opaque cursors.",
        license(name = "Apache-2.0"),
    ),
    paths(
        crate::health::healthz, crate::health::readyz,
        crate::auth::login, crate::auth::refresh, crate::auth::logout,
        crate::articles::docs::list, crate::articles::docs::create, crate::articles::docs::get, crate::articles::docs::update, crate::articles::docs::delete,
        crate::articles::docs::publish, crate::articles::docs::unpublish, crate::articles::docs::archive,
        crate::articles::docs::revisions, crate::articles::docs::revision, crate::articles::docs::restore, crate::articles::docs::put_translation,
        crate::technologies::docs::list, crate::technologies::docs::create, crate::technologies::docs::get, crate::technologies::docs::update, crate::technologies::docs::delete,
        crate::technologies::docs::publish, crate::technologies::docs::unpublish, crate::technologies::docs::archive,
        crate::technologies::docs::revisions, crate::technologies::docs::revision, crate::technologies::docs::restore, crate::technologies::docs::put_translation,
        crate::sources::docs::list, crate::sources::docs::create, crate::sources::docs::get, crate::sources::docs::update, crate::sources::docs::delete,
        crate::sources::docs::publish, crate::sources::docs::unpublish, crate::sources::docs::archive,
        crate::sources::docs::revisions, crate::sources::docs::revision, crate::sources::docs::restore, crate::sources::docs::put_translation,
        crate::assets::docs::list, crate::assets::docs::create, crate::assets::docs::get, crate::assets::docs::update, crate::assets::docs::delete,
        crate::assets::docs::publish, crate::assets::docs::unpublish, crate::assets::docs::archive,
        crate::assets::docs::revisions, crate::assets::docs::revision, crate::assets::docs::restore,
        crate::assets::file,
        crate::users::me, crate::users::update_me, crate::users::list, crate::users::create, crate::users::get, crate::users::update, crate::users::delete,
        crate::tokens::list, crate::tokens::create, crate::tokens::revoke,
        crate::sync::sync, crate::export::export, crate::search::search, crate::locales::list,
        crate::webhooks::list, crate::webhooks::create, crate::webhooks::get, crate::webhooks::update, crate::webhooks::delete,
        crate::webhooks::test, crate::webhooks::deliveries, crate::webhooks::redeliver,
    ),
    components(schemas(
        ArticleView, TechnologyView, AuthorRef, TechnologyRef, UserView, Problem, FieldProblem, PageInfo,
        ArticleList, TechnologyList, UserList, PublishRequest,
        SourceView, SourceRef, SourceList, TrendSignalView, TrendSignalInput,
        AssetView, AssetRef, AssetList, lectern_service::inputs::FocalPoint,
        lectern_service::views::Translation, crate::locales::LocaleInfo, crate::locales::LocaleList,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "articles", description = "Articles, their editorial workflow and history"),
        (name = "technologies", description = "Technology profiles"),
        (name = "sources", description = "The publications that articles and trend figures draw on"),
        (name = "assets", description = "Images and files, served and transformed at /assets/{id}/{filename}"),
        (name = "auth", description = "Logins and tokens"),
        (name = "users", description = "Accounts (admins) and one's own profile"),
        (name = "tokens", description = "API tokens for build tools (admins)"),
        (name = "sync", description = "Delta sync and export for static site generators and mirrors"),
        (name = "search", description = "Full-text search"),
        (name = "locales", description = "The languages content is written in"),
        (name = "webhooks", description = "Signed event deliveries to other systems (admins)"),
        (name = "health", description = "Liveness and readiness"),
    ),
)]
pub struct ApiDoc;

/// The document as served and as checked in.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut value = serde_json::to_value(&doc).unwrap_or_default();
    closed_sets(&mut value);
    let codes: Vec<&str> = lectern_service::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    value["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] =
        serde_json::json!(codes);
    content_type::<lectern_service::Article>(&mut value);
    content_type::<lectern_service::Technology>(&mut value);
    content_type::<lectern_service::Source>(&mut value);
    content_type::<lectern_service::Asset>(&mut value);
    crate::assets::document(&mut value);
    for_tools(&mut value);
    // The roundtrip fails only if a schema is one utoipa cannot read back (an untyped JSON
    // value, say): the drift and route tests below then catch the unpatched document.
    serde_json::from_value(value).unwrap_or(doc)
}

/// Views are built in the service, where `status` and `kind` are text checked against the
/// domain's closed sets; the document says which values they take (the `StatusDoc` and
/// `KindDoc` enums), so generated clients get enums, not strings.
fn closed_sets(doc: &mut serde_json::Value) {
    use lectern_domain::{ContentStatus, SourceKind, TechKind};
    use serde_json::json;
    let schemas = &mut doc["components"]["schemas"];
    let names = |all: Vec<&'static str>| json!({"type": "string", "enum": all});
    schemas["StatusDoc"] = names(ContentStatus::ALL.iter().map(|s| s.as_str()).collect());
    schemas["KindDoc"] = names(TechKind::ALL.iter().map(|k| k.as_str()).collect());
    schemas["SourceKindDoc"] = names(SourceKind::ALL.iter().map(|k| k.as_str()).collect());
    for (schema, field, set) in [
        ("ArticleView", "status", "StatusDoc"),
        ("TechnologyView", "status", "StatusDoc"),
        ("TechnologyView", "kind", "KindDoc"),
        ("TechnologyRef", "kind", "KindDoc"),
        ("SourceView", "status", "StatusDoc"),
        ("SourceView", "kind", "SourceKindDoc"),
        ("AssetView", "status", "StatusDoc"),
    ] {
        let property = &mut schemas[schema]["properties"][field];
        if property.is_object() {
            *property = json!({"$ref": format!("#/components/schemas/{set}")});
        }
    }
}

/// What standard tools look for: a server, a licence identifier and a 4XX answer on every
/// operation.
fn for_tools(doc: &mut serde_json::Value) {
    use serde_json::json;
    // Relative: whichever Lectern serves the document (at /openapi.json) is the server.
    doc["servers"] = json!([{"url": "/", "description": "the Lectern that serves this document"}]);
    doc["info"]["license"] = json!({"name": "Apache-2.0", "identifier": "Apache-2.0"});
    no_control_characters(doc);
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            // Time filters take a date as well as a date-time.
            if let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) {
                for param in params.iter_mut() {
                    let name = param["name"].as_str().unwrap_or_default();
                    if ["published_after", "published_before", "updated_after"].contains(&name) {
                        param["schema"] = json!({"anyOf": [
                            {"type": "string", "format": "date"},
                            {"type": "string", "format": "date-time"},
                        ]});
                        param["description"] = json!("a date (`2023-07-01`, the start of that day in UTC) or an RFC 3339 time");
                    }
                }
            }
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            if !responses.keys().any(|k| k.starts_with('4')) {
                responses.insert(
                    "4XX".into(),
                    json!({
                        "description": "the request was not understood (a problem says why)",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }),
                );
            }
        }
    }
}

/// Control characters are refused in every parameter and request string (`control.rs`), so
/// the document says so wherever a string has no stricter pattern, format or set: generated
/// clients and contract tests then send what the server accepts.
fn no_control_characters(doc: &mut serde_json::Value) {
    use serde_json::Value;
    const LINE_TEXT: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";
    fn open_string(schema: &Value) -> bool {
        let is_string = schema["type"] == "string"
            || schema["type"]
                .as_array()
                .is_some_and(|t| t.contains(&Value::from("string")));
        is_string
            && schema.get("pattern").is_none()
            && schema.get("enum").is_none()
            && schema.get("format").is_none()
    }
    fn patch(schema: &mut Value, refs: &mut Vec<String>) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            refs.push(r.trim_start_matches("#/components/schemas/").to_owned());
            return;
        }
        if open_string(schema) {
            schema["pattern"] = Value::from(LINE_TEXT);
        }
        for key in ["items", "additionalProperties"] {
            if let Some(inner) = schema.get_mut(key) {
                patch(inner, refs);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(list) = schema.get_mut(key).and_then(Value::as_array_mut) {
                list.iter_mut().for_each(|s| patch(s, refs));
            }
        }
        if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            props.values_mut().for_each(|s| patch(s, refs));
        }
    }
    let mut refs = vec![];
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    // Headers are not text Lectern stores: a bad If-Match is a 412, not a 400.
                    for param in params.iter_mut().filter(|p| p["in"] != "header") {
                        if let Some(schema) = param.get_mut("schema") {
                            patch(schema, &mut refs);
                        }
                    }
                }
                if let Some(content) = op
                    .get_mut("requestBody")
                    .and_then(|b| b.get_mut("content"))
                    .and_then(Value::as_object_mut)
                {
                    for media in content.values_mut() {
                        if let Some(schema) = media.get_mut("schema") {
                            patch(schema, &mut refs);
                        }
                    }
                }
            }
        }
    }
    // Request-body components and everything they refer to.
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = refs.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = &mut doc["components"]["schemas"][&name];
        if schema.is_object() {
            patch(schema, &mut refs);
        }
    }
}

/// A content type's part of the document: its request bodies, its sort orders, the closed
/// sets of its list parameters and its sparse fieldsets. With `fields`, reads return only the
/// fields asked for; the derive cannot say "this view, or any subset of its properties", so
/// each item of a read is the full view or a `...Fields` schema with none required.
fn content_type<T: crate::content::RestType>(doc: &mut serde_json::Value) {
    use serde_json::json;
    crate::bodies::document(doc, T::COLLECTION, &T::BODY, T::TRANSLATED);
    crate::filters::document::<T>(doc);
    let kind = T::KIND.as_str();
    let name = kind[..1].to_uppercase() + &kind[1..];
    let schemas = &mut doc["components"]["schemas"];
    let sorts: Vec<String> = lectern_service::content::sort_fields::<T>()
        .into_iter()
        .flat_map(|f| [f.to_owned(), format!("-{f}")])
        .collect();
    schemas[format!("{name}Sort")] = json!({"type": "string", "enum": sorts,
        "description": format!("{name} sort orders; a leading `-` is descending.")});
    let (view, fields) = (format!("{name}View"), format!("{name}Fields"));
    let mut partial = schemas[&view].clone();
    if let Some(map) = partial.as_object_mut() {
        map.remove("required");
        let only = json!("Only the fields named in `fields`.");
        map.insert("description".into(), only);
    }
    schemas[&fields] = partial;
    let either = json!({"anyOf": [
        {"$ref": format!("#/components/schemas/{view}")},
        {"$ref": format!("#/components/schemas/{fields}")},
    ]});
    schemas[format!("{name}List")]["properties"]["data"]["items"] = either.clone();
    let item = format!("{}/{{key}}", T::COLLECTION);
    doc["paths"][&item]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        either;
    let sets = [
        ("sort", format!("{name}Sort")),
        ("status", "StatusDoc".into()),
        ("kind", T::KIND_SET.into()),
    ];
    let params = doc["paths"][T::COLLECTION]["get"]["parameters"].as_array_mut();
    for param in params.into_iter().flatten() {
        if let Some((_, set)) = sets
            .iter()
            .find(|(n, s)| param["name"] == *n && !s.is_empty())
        {
            param["schema"] = json!({"$ref": format!("#/components/schemas/{set}")});
        }
    }
    doc["paths"][format!("{item}/publish")]["post"]["requestBody"] = json!({
        "description": "optional: `publish_at` schedules the publication; without a body it happens now",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublishRequest"}}},
        "required": false,
    });
}

pub fn json() -> String {
    document().to_pretty_json().unwrap_or_default()
}

/// The served document, built once per process.
pub fn json_once() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(json)
}

#[derive(Serialize, ToSchema)]
pub struct Status {
    #[schema(examples("ok"))]
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every route registered with actix (read from the route tables in the source) appears
    /// in the document with the same methods, and nothing else does.
    #[test]
    fn the_sparse_fieldset_patch_is_applied() {
        let doc = serde_json::to_value(document()).unwrap();
        assert!(
            doc["components"]["schemas"]["ArticleFields"].is_object(),
            "the patched document did not read back as OpenAPI; a schema is untyped"
        );
    }

    #[test]
    fn every_route_is_documented() {
        let sources = [
            ("", include_str!("health.rs")),
            ("/api/v1", include_str!("auth.rs")),
            ("/api/v1", include_str!("users.rs")),
            ("/api/v1", include_str!("tokens.rs")),
            ("/api/v1", include_str!("sync.rs")),
            ("/api/v1", include_str!("export.rs")),
            ("/api/v1", include_str!("search.rs")),
            ("/api/v1", include_str!("webhooks.rs")),
            ("/api/v1", include_str!("locales.rs")),
            ("", include_str!("assets.rs")),
        ];
        let mut tables: Vec<(String, &str, &str)> = (sources.iter())
            .map(|(prefix, source)| (prefix.to_string(), *source, "pub fn routes"))
            .collect();
        // A content type's routes are `content::mount`'s table under its collection.
        use crate::content::RestType;
        for collection in [
            lectern_service::Article::COLLECTION,
            lectern_service::Technology::COLLECTION,
            lectern_service::Source::COLLECTION,
            lectern_service::Asset::COLLECTION,
        ] {
            tables.push((
                collection.into(),
                include_str!("content.rs"),
                "pub fn mount",
            ));
        }
        for collection in [
            lectern_service::Article::COLLECTION,
            lectern_service::Technology::COLLECTION,
            lectern_service::Source::COLLECTION,
        ] {
            let table = (
                collection.into(),
                include_str!("locales.rs"),
                "pub fn mount_translations",
            );
            tables.push(table);
        }
        let mut routes = BTreeSet::new();
        for (prefix, source, start) in tables {
            let table = &source[source.find(start).expect("route table")..];
            let table = &table[..table.find("\n}\n").expect("end of route table")];
            let mut current = String::new();
            for part in table.split("web::") {
                for method in ["get", "post", "patch", "delete", "put"] {
                    if part.starts_with(&format!("{method}()")) {
                        routes.insert((format!("{prefix}{current}"), method.to_owned()));
                    }
                }
                // A type's creation route (`RestType::create`) is a POST.
                if part.contains("T::create()") {
                    routes.insert((format!("{prefix}{current}"), "post".to_owned()));
                }
                // A path opens a resource (`resource("/x")`) or a single route (`route("/x", ...)`).
                let opened = ["resource(\"", "route(\"", "at(\""]
                    .iter()
                    .filter_map(|m| part.rfind(m).map(|i| &part[i + m.len()..]))
                    .next_back();
                if let Some(rest) = opened {
                    current = rest.split('"').next().unwrap_or_default().to_owned();
                }
            }
        }
        let doc = serde_json::to_value(document()).unwrap();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "patch", "delete", "put"].contains(&method.as_str()) {
                    documented.insert((path.clone(), method.clone()));
                }
            }
        }
        assert!(routes.len() > 30, "route scan found only {routes:?}");
        let undocumented: Vec<_> = routes.difference(&documented).collect();
        let phantom: Vec<_> = documented.difference(&routes).collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from the OpenAPI document: {undocumented:?}"
        );
        assert!(
            phantom.is_empty(),
            "documented routes that do not exist: {phantom:?}"
        );
    }

    #[test]
    fn the_checked_in_document_is_current() {
        let checked_in: serde_json::Value =
            serde_json::from_str(include_str!("../../../schema/openapi.json"))
                .expect("schema/openapi.json is JSON");
        let current = serde_json::to_value(document()).unwrap();
        assert!(
            checked_in == current,
            "schema/openapi.json is stale: run `cargo run -- schema openapi > schema/openapi.json`"
        );
    }

    #[test]
    fn it_is_openapi_3_1_with_bearer_security() {
        let doc = serde_json::to_value(document()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
    }
}
