//! The permission model as a table: every role, every action on every kind of object, and the
//! exact status each must get. REST runs it here; GraphQL runs the same table.

use crate::support::{Client, Ctx, Resp};
use lectern_service::views::ArticleView;
use lectern_service::Caller;
use serde_json::json;

pub const ROLES: [&str; 8] = [
    "anonymous",
    "read token",
    "preview token",
    "write token",
    "author",
    "another author",
    "editor",
    "admin",
];

/// (action, expected status per role in ROLES order). "own draft" and "published" are
/// written by "author"; "another author" is a second author.
pub const MATRIX: &[(&str, [u16; 8])] = &[
    ("read own draft", [404, 404, 200, 200, 200, 404, 200, 200]),
    ("list shows own draft", [0, 0, 1, 1, 1, 0, 1, 1]),
    ("read published", [200, 200, 200, 200, 200, 200, 200, 200]),
    ("create draft", [401, 403, 403, 201, 201, 201, 201, 201]),
    ("create published", [401, 403, 403, 201, 403, 403, 201, 201]),
    ("update own draft", [401, 403, 403, 200, 200, 404, 200, 200]),
    ("delete own draft", [401, 403, 403, 204, 204, 404, 204, 204]),
    (
        "publish own draft",
        [401, 403, 403, 200, 403, 404, 200, 200],
    ),
    ("update published", [401, 403, 403, 200, 403, 403, 200, 200]),
    (
        "unpublish published",
        [401, 403, 403, 200, 403, 403, 200, 200],
    ),
    (
        "archive published",
        [401, 403, 403, 200, 403, 403, 200, 200],
    ),
    (
        "set author of own draft",
        [401, 403, 403, 200, 403, 404, 200, 200],
    ),
    (
        "read draft technology",
        [404, 404, 200, 200, 404, 404, 200, 200],
    ),
    (
        "create technology",
        [401, 403, 403, 201, 403, 403, 201, 201],
    ),
    (
        "update technology",
        [401, 403, 403, 200, 403, 403, 200, 200],
    ),
    (
        "delete technology",
        [401, 403, 403, 204, 403, 403, 204, 204],
    ),
    ("read me", [401, 403, 403, 403, 200, 200, 200, 200]),
    ("list users", [401, 403, 403, 403, 403, 403, 403, 200]),
    ("create user", [401, 403, 403, 403, 403, 403, 403, 201]),
    ("update user", [401, 403, 403, 403, 403, 403, 403, 200]),
    ("list tokens", [401, 403, 403, 403, 403, 403, 403, 200]),
    ("create token", [401, 403, 403, 403, 403, 403, 403, 201]),
];

pub struct Actors {
    pub clients: Vec<Client>,
    pub author: Caller,
    pub other_author: Caller,
    pub admin: Caller,
}

pub async fn actors(ctx: &Ctx) -> Actors {
    let (author_client, author, _) = ctx.user_client("author").await;
    let (other_client, other_author, _) = ctx.user_client("author").await;
    let (editor_client, _, _) = ctx.user_client("editor").await;
    let clients = vec![
        ctx.client.anonymous(),
        ctx.api_token("read").await,
        ctx.api_token("preview").await,
        ctx.api_token("write").await,
        author_client,
        other_client,
        editor_client,
        ctx.admin_client().await,
    ];
    Actors {
        clients,
        author,
        other_author,
        admin: ctx.admin().await,
    }
}

/// Fresh objects for one cell, so that no cell depends on another.
pub struct Fixtures {
    pub own_draft: ArticleView,
    pub published: ArticleView,
    pub draft_tech_slug: String,
    pub tech_slug: String,
    pub tech_id: uuid::Uuid,
    pub tech_version: i64,
    pub user_id: uuid::Uuid,
}

pub async fn fixtures(ctx: &Ctx, a: &Actors, n: usize) -> Fixtures {
    let own_draft = ctx
        .article(&a.author, &format!("Own draft {n}"), "draft")
        .await;
    let draft = ctx
        .article(&a.author, &format!("Published {n}"), "draft")
        .await;
    let published = ctx
        .service
        .set_status::<lectern_service::Article>(
            &a.admin,
            &draft.slug,
            lectern_service::StatusAction::Publish,
            Some(draft.version),
        )
        .await
        .unwrap();
    let tech = ctx
        .technology(&a.admin, &format!("Tech {n}"), "published")
        .await;
    let draft_tech = ctx
        .technology(&a.admin, &format!("Draft tech {n}"), "draft")
        .await;
    let user = ctx.user("author").await;
    Fixtures {
        own_draft,
        published,
        draft_tech_slug: draft_tech.slug,
        tech_id: tech.id,
        tech_slug: tech.slug,
        tech_version: tech.version,
        user_id: user.user_id().unwrap().0,
    }
}

fn tag(a: &ArticleView) -> String {
    format!("\"{}.{}\"", a.id.simple(), a.version)
}

/// Performs one action over REST and returns the status (or 1/0 for list membership).
pub async fn rest(c: &Client, action: &str, f: &Fixtures, a: &Actors) -> u16 {
    let post = |path: String, body: serde_json::Value, if_match: Option<String>| async move {
        let headers: Vec<(&str, String)> =
            if_match.map(|t| vec![("if-match", t)]).unwrap_or_default();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.send(reqwest::Method::POST, &path, Some(&body), &headers)
            .await
    };
    let r: Resp = match action {
        "read own draft" => c.get(&format!("/api/v1/articles/{}", f.own_draft.id)).await,
        "list shows own draft" => {
            let r = c.get("/api/v1/articles?limit=100&sort=-created_at").await;
            assert_eq!(r.status, 200, "{}", r.text);
            return r.text.contains(&f.own_draft.id.to_string()) as u16;
        }
        "read published" => {
            c.get(&format!("/api/v1/articles/{}", f.published.slug))
                .await
        }
        "create draft" => {
            c.post("/api/v1/articles", &json!({"title": "New draft"}))
                .await
        }
        "create published" => {
            c.post(
                "/api/v1/articles",
                &json!({"title": "New", "status": "published"}),
            )
            .await
        }
        "update own draft" => {
            c.patch(
                &format!("/api/v1/articles/{}", f.own_draft.id),
                &json!({"title": "Changed"}),
                Some(&tag(&f.own_draft)),
            )
            .await
        }
        "delete own draft" => {
            c.delete(
                &format!("/api/v1/articles/{}", f.own_draft.id),
                Some(&tag(&f.own_draft)),
            )
            .await
        }
        "publish own draft" => {
            post(
                format!("/api/v1/articles/{}/publish", f.own_draft.id),
                json!({}),
                Some(tag(&f.own_draft)),
            )
            .await
        }
        "update published" => {
            c.patch(
                &format!("/api/v1/articles/{}", f.published.id),
                &json!({"summary": "x"}),
                Some(&tag(&f.published)),
            )
            .await
        }
        "unpublish published" => {
            post(
                format!("/api/v1/articles/{}/unpublish", f.published.id),
                json!({}),
                Some(tag(&f.published)),
            )
            .await
        }
        "archive published" => {
            post(
                format!("/api/v1/articles/{}/archive", f.published.id),
                json!({}),
                Some(tag(&f.published)),
            )
            .await
        }
        "set author of own draft" => {
            let other = a.other_author.user_id().unwrap().0;
            c.patch(
                &format!("/api/v1/articles/{}", f.own_draft.id),
                &json!({"author_id": other}),
                Some(&tag(&f.own_draft)),
            )
            .await
        }
        "read draft technology" => {
            c.get(&format!("/api/v1/technologies/{}", f.draft_tech_slug))
                .await
        }
        "create technology" => {
            c.post(
                "/api/v1/technologies",
                &json!({"name": "Brand new", "kind": "tool"}),
            )
            .await
        }
        "update technology" => {
            c.send(
                reqwest::Method::PATCH,
                &format!("/api/v1/technologies/{}", f.tech_slug),
                Some(&json!({"summary": "changed", "version": f.tech_version})),
                &[],
            )
            .await
        }
        "delete technology" => {
            let etag = format!("\"{}.{}\"", f.tech_id.simple(), f.tech_version);
            c.delete(&format!("/api/v1/technologies/{}", f.tech_id), Some(&etag))
                .await
        }
        "read me" => c.get("/api/v1/me").await,
        "list users" => c.get("/api/v1/users").await,
        "create user" => {
            let email = format!("u{}@example.com", uuid::Uuid::now_v7().simple());
            c.post(
                "/api/v1/users",
                &json!({"email": email, "password": "long enough password", "role": "author"}),
            )
            .await
        }
        "update user" => {
            c.patch(
                &format!("/api/v1/users/{}", f.user_id),
                &json!({"display_name": "Renamed"}),
                None,
            )
            .await
        }
        "list tokens" => c.get("/api/v1/tokens").await,
        "create token" => {
            c.post("/api/v1/tokens", &json!({"name": "t", "scope": "read"}))
                .await
        }
        other => panic!("unknown action {other}"),
    };
    if r.status >= 400 {
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{action}: {}",
            r.text
        );
    }
    r.status
}
