//! `lectern export`: files a static site generator builds from, replaced whole or updated
//! incrementally, and never a draft.

use crate::support::Ctx;
use std::path::Path;
use std::process::Command;

fn export(db_url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("export")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env(
            "LECTERN_ASSETS_DIR",
            crate::support::server::assets_dir_for(db_url),
        )
        .env("LECTERN_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn since_token(output: &str) -> String {
    output.split("--since ").nth(1).unwrap().trim().to_owned()
}

#[tokio::test]
async fn markdown_export_then_incremental_export() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let survey = serde_json::from_value(serde_json::json!({"title": "Stack Overflow Developer Survey 2023", "slug": "so-survey-2023",
        "kind": "survey", "status": "published"})).unwrap();
    ctx.service
        .create::<lectern_service::Source>(&admin, survey)
        .await
        .unwrap();
    let input = serde_json::from_value(serde_json::json!({"name": "Elixir", "kind": "language", "steward": "José Valim",
        "first_released": 2012, "trend_signals": [{"metric": "most admired", "value": 73.0, "unit": "percent", "period": "2023", "source": "so-survey-2023"}],
        "status": "published"})).unwrap();
    ctx.service
        .create::<lectern_service::Technology>(&admin, input)
        .await
        .unwrap();
    let input = serde_json::from_value(serde_json::json!({"title": "Why \"Elixir\": a note", "body": "## Why\n\nThe BEAM.", "tags": ["elixir"],
        "technologies": ["elixir"], "status": "published"})).unwrap();
    let post = ctx
        .service
        .create::<lectern_service::Article>(&admin, input)
        .await
        .unwrap();
    let draft = ctx.article(&admin, "Secret draft", "draft").await;
    let gone = ctx.article(&admin, "Soon gone", "published").await;

    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let site_arg = site.to_str().unwrap();
    let (ok, output) = export(&ctx.db.url(), &["--out", site_arg, "--format", "markdown"]);
    assert!(ok, "{output}");
    let article =
        std::fs::read_to_string(site.join(format!("content/articles/{}.md", post.slug))).unwrap();
    assert!(
        article.starts_with("---\ntitle: \"Why \\\"Elixir\\\": a note\"\n"),
        "{article}"
    );
    assert!(
        article.contains("technologies: [\"elixir\"]")
            && article.contains("\n---\n\n## Why\n\nThe BEAM."),
        "{article}"
    );
    let tech = std::fs::read_to_string(site.join("content/technologies/elixir.md")).unwrap();
    assert!(
        tech.contains("steward: \"José Valim\"")
            && tech.contains("first_released: 2012")
            && tech.contains("Stack Overflow Developer Survey 2023"),
        "{tech}"
    );
    let source = std::fs::read_to_string(site.join("content/sources/so-survey-2023.md")).unwrap();
    assert!(source.contains("kind: \"survey\""), "{source}");
    assert!(!site
        .join(format!("content/articles/{}.md", draft.slug))
        .exists());
    assert!(site
        .join(format!("content/articles/{}.md", gone.slug))
        .exists());

    // Changes since: one unpublished, one new, one updated.
    ctx.service
        .set_status::<lectern_service::Article>(
            &admin,
            &gone.slug,
            lectern_service::StatusAction::Unpublish,
            Some(gone.version),
        )
        .await
        .unwrap();
    let fresh = ctx.article(&admin, "Fresh piece", "published").await;
    let renamed = serde_json::from_value(serde_json::json!({"slug": "elixir-note"})).unwrap();
    ctx.service
        .update::<lectern_service::Article>(&admin, &post.slug, renamed, Some(post.version))
        .await
        .unwrap();
    let (ok, second) = export(
        &ctx.db.url(),
        &[
            "--out",
            site_arg,
            "--format",
            "markdown",
            "--since",
            &since_token(&output),
        ],
    );
    assert!(ok, "{second}");
    assert!(
        second.contains("exported 2 items and removed 1"),
        "{second}"
    );
    assert!(!site
        .join(format!("content/articles/{}.md", gone.slug))
        .exists());
    assert!(site
        .join(format!("content/articles/{}.md", fresh.slug))
        .exists());
    // A renamed article moves: its old page must not linger.
    assert!(!site
        .join(format!("content/articles/{}.md", post.slug))
        .exists());
    assert!(site.join("content/articles/elixir-note.md").exists());

    // A bad token changes nothing.
    let (ok, bad) = export(&ctx.db.url(), &["--out", site_arg, "--since", "garbage"]);
    assert!(!ok && bad.contains("sync token"), "{bad}");
    assert!(site
        .join(format!("content/articles/{}.md", fresh.slug))
        .exists());
    assert!(!Path::new(&format!("{site_arg}.tmp")).exists());
}

#[tokio::test]
async fn json_export_writes_items_and_an_index() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let a = ctx.article(&admin, "Indexed", "published").await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("json");
    let (ok, output) = export(
        &ctx.db.url(),
        &["--out", out.to_str().unwrap(), "--format", "json"],
    );
    assert!(ok, "{output}");
    let item: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join(format!("articles/{}.json", a.slug))).unwrap(),
    )
    .unwrap();
    assert_eq!(item["title"], "Indexed");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    assert_eq!(index.as_array().unwrap().len(), 1);
    assert_eq!(index[0]["slug"], a.slug.as_str());
}

fn ndjson(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}")))
        .collect()
}

#[tokio::test]
async fn http_export_streams_published_ndjson_and_then_only_changes() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let kept = ctx.article(&admin, "Streamed along", "published").await;
    let gone = ctx.article(&admin, "Soon withdrawn", "published").await;
    ctx.article(&admin, "Streamed draft", "draft").await;
    ctx.technology(&admin, "Streamy", "published").await;

    ctx.client
        .get("/api/v1/export")
        .await
        .assert_problem(401, "unauthenticated");
    let reader = ctx.api_token("read").await;
    let r = reader.get("/api/v1/export").await;
    r.assert_status(200);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let lines = ndjson(&r.text);
    let end = lines.last().unwrap();
    assert_eq!(end["type"], "end", "the last line closes the stream");
    assert_eq!(end["count"], 3);
    assert_eq!(lines.len(), 4);
    assert!(lines[..3]
        .iter()
        .all(|l| l["op"] == "upsert" && l["item"]["id"] == l["id"]));
    assert!(!r.text.contains("Streamed draft"));
    // An editor's token exports what the site may show, not drafts.
    let preview = ctx.api_token("preview").await;
    assert!(!preview
        .get("/api/v1/export")
        .await
        .text
        .contains("Streamed draft"));

    let token = end["next_sync_token"].as_str().unwrap().to_owned();
    ctx.service
        .set_status::<lectern_service::Article>(
            &admin,
            &gone.id.to_string(),
            lectern_service::StatusAction::Unpublish,
            Some(gone.version),
        )
        .await
        .unwrap();
    ctx.article(&admin, "Another draft", "draft").await;
    let changes = ndjson(
        &reader
            .get(&format!("/api/v1/export?since={token}"))
            .await
            .text,
    );
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_eq!(changes[0]["op"], "delete");
    assert_eq!(changes[0]["id"], gone.id.to_string());
    assert_eq!(changes[1]["type"], "end");
    assert_eq!(changes[1]["count"], 1);
    assert_ne!(changes[0]["id"], kept.id.to_string());

    reader
        .get("/api/v1/export?since=not-a-token")
        .await
        .assert_problem(400, "invalid_sync_token");
}

/// A full export replaces its folder whole, so it refuses one it did not write (exit 2,
/// nothing touched), and writes straight into a site's empty `content/` folder.
#[tokio::test]
async fn export_never_replaces_what_it_did_not_write() {
    let ctx = Ctx::with(crate::support::ServerOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("hugo.toml"), "title = 'mine'\n").unwrap();
    std::fs::create_dir_all(site.path().join("layouts")).unwrap();
    std::fs::write(site.path().join("layouts/index.html"), "<h1>mine</h1>").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .args(["export", "--format", "markdown", "--out"])
        .arg(site.path())
        .env_clear()
        .env("DATABASE_URL", ctx.db.url())
        .env("LECTERN_ASSETS_DIR", ctx.server.assets_dir())
        .env("LECTERN_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(
        std::fs::read_to_string(site.path().join("hugo.toml")).unwrap(),
        "title = 'mine'\n"
    );
    assert!(site.path().join("layouts/index.html").exists());
    // Into the site's content folder: articles/ and technologies/ directly under it.
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let (ok, output) = export(
        &ctx.db.url(),
        &["--out", content.to_str().unwrap(), "--format", "markdown"],
    );
    assert!(ok, "{output}");
    assert!(content.join("articles").is_dir(), "{output}");
    assert!(content.join("technologies/django.md").is_file());
    assert!(!content.join("content").exists());
    // A second full export may replace it: it is ours now.
    let (ok, output) = export(
        &ctx.db.url(),
        &["--out", content.to_str().unwrap(), "--format", "markdown"],
    );
    assert!(ok, "{output}");
    assert!(site.path().join("hugo.toml").exists());
    let _: &Path = site.path();
}
