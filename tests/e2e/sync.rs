//! The delta sync API: a full first sync, then exactly the changes, and never a draft for a
//! published-only reader.

use crate::support::{Client, Ctx};
use serde_json::Value;

/// Follows `next_sync_token` until `has_more` is false: (entries, final token).
async fn sync_all(c: &Client, token: Option<&str>, limit: u32) -> (Vec<Value>, String) {
    let mut entries = vec![];
    let mut token = token.map(str::to_owned);
    loop {
        let path = match &token {
            Some(t) => format!("/api/v1/sync?limit={limit}&token={t}"),
            None => format!("/api/v1/sync?limit={limit}"),
        };
        let r = c.get(&path).await;
        r.assert_status(200);
        entries.extend(r.body["items"].as_array().unwrap().iter().cloned());
        token = Some(r.body["next_sync_token"].as_str().unwrap().to_owned());
        if r.body["has_more"] != true {
            return (entries, token.unwrap());
        }
    }
}

fn summary(entries: &[Value]) -> Vec<(String, String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["op"].as_str().unwrap().to_owned(),
                e["slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn incremental_sync_returns_exactly_the_changes_and_no_drafts() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let keep = ctx.article(&admin, "Stays", "published").await;
    let to_update = ctx.article(&admin, "Gets updated", "published").await;
    let to_unpublish = ctx.article(&admin, "Gets unpublished", "published").await;
    let to_delete = ctx.article(&admin, "Gets deleted", "published").await;
    let draft = ctx.article(&admin, "Early draft", "draft").await;
    let tech = ctx.technology(&admin, "Phoenix", "published").await;
    ctx.technology(&admin, "Secret tech", "draft").await;

    let reader = ctx.api_token("read").await;
    let preview = ctx.api_token("preview").await;
    let (first, token) = sync_all(&reader, None, 2).await;
    let slugs: Vec<String> = summary(&first).into_iter().map(|s| s.2).collect();
    assert_eq!(first.len(), 5, "{slugs:?}");
    assert!(slugs.contains(&keep.slug) && slugs.contains(&tech.slug));
    assert!(!slugs.contains(&draft.slug) && !slugs.contains(&"secret-tech".to_owned()));
    assert!(first
        .iter()
        .all(|e| e["op"] == "upsert" && e["item"]["id"] == e["id"]));
    let (preview_first, preview_token) = sync_all(&preview, None, 100).await;
    assert_eq!(preview_first.len(), 7);

    // Nothing changed: nothing to send.
    let (none, same) = sync_all(&reader, Some(&token), 10).await;
    assert!(none.is_empty());
    assert_eq!(same, token);

    use lectern_service::StatusAction::*;
    let s = &ctx.service;
    let updated = s
        .update::<lectern_service::Article>(
            &admin,
            &to_update.slug,
            serde_json::from_value(serde_json::json!({"summary": "new"})).unwrap(),
            Some(to_update.version),
        )
        .await
        .unwrap();
    s.update::<lectern_service::Article>(
        &admin,
        &to_update.slug,
        serde_json::from_value(serde_json::json!({"summary": "newer"})).unwrap(),
        Some(updated.version),
    )
    .await
    .unwrap();
    s.set_status::<lectern_service::Article>(
        &admin,
        &to_unpublish.slug,
        Unpublish,
        Some(to_unpublish.version),
    )
    .await
    .unwrap();
    s.delete::<lectern_service::Article>(&admin, &to_delete.slug, Some(to_delete.version))
        .await
        .unwrap();
    let fresh = ctx.article(&admin, "Brand new", "published").await;
    let other_draft = ctx.article(&admin, "Another draft", "draft").await;
    s.delete::<lectern_service::Article>(&admin, &draft.slug, Some(draft.version))
        .await
        .unwrap();
    s.set_status::<lectern_service::Article>(
        &admin,
        &other_draft.slug,
        Publish,
        Some(other_draft.version),
    )
    .await
    .unwrap();

    let (changes, _) = sync_all(&reader, Some(&token), 2).await;
    let got = summary(&changes);
    let expected = vec![
        (
            "article".to_owned(),
            "upsert".to_owned(),
            to_update.slug.clone(),
        ),
        (
            "article".to_owned(),
            "delete".to_owned(),
            to_unpublish.slug.clone(),
        ),
        (
            "article".to_owned(),
            "delete".to_owned(),
            to_delete.slug.clone(),
        ),
        (
            "article".to_owned(),
            "upsert".to_owned(),
            fresh.slug.clone(),
        ),
        (
            "article".to_owned(),
            "upsert".to_owned(),
            other_draft.slug.clone(),
        ),
    ];
    // Paged by two feed rows, an item changed twice may come once per page; the last word
    // on each item is what matters, in change order.
    let mut last: Vec<(String, String, String)> = vec![];
    for entry in got {
        last.retain(|e| e.2 != entry.2);
        last.push(entry);
    }
    assert_eq!(last, expected);
    let item = changes
        .iter()
        .rev()
        .find(|e| e["slug"] == to_update.slug.as_str())
        .unwrap();
    assert_eq!(item["item"]["summary"], "newer");
    assert!(changes
        .iter()
        .filter(|e| e["op"] == "delete")
        .all(|e| e["deleted_at"].is_string() && e["item"].is_null()));
    assert!(
        !changes.iter().any(|e| e["slug"] == draft.slug.as_str()),
        "a draft deleted before it was ever published must not appear"
    );

    // A preview token saw the drafts, so it hears of their deletion too.
    let (preview_changes, _) = sync_all(&preview, Some(&preview_token), 100).await;
    assert!(preview_changes
        .iter()
        .any(|e| e["slug"] == draft.slug.as_str() && e["op"] == "delete"));
    assert!(preview_changes
        .iter()
        .any(|e| e["slug"] == to_unpublish.slug.as_str() && e["op"] == "upsert"));
}

#[tokio::test]
async fn bad_sync_tokens_and_limits_are_clear_400s() {
    let ctx = Ctx::new().await;
    for path in [
        "/api/v1/sync?token=garbage",
        "/api/v1/sync?token=eyJ2IjoxLCJzIjo5OTk5OX0",
        "/api/v1/sync?limit=0",
        "/api/v1/sync?limit=501",
        "/api/v1/sync?tokn=x",
    ] {
        let r = ctx.client.get(path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
    }
    ctx.client
        .get("/api/v1/sync?token=garbage")
        .await
        .assert_problem(400, "invalid_sync_token");
    // An anonymous caller may sync published content.
    ctx.client.get("/api/v1/sync").await.assert_status(200);
}

#[tokio::test]
async fn tokens_older_than_the_kept_history_get_410_after_pruning() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let first = ctx.article(&admin, "Old news", "published").await;
    let reader = ctx.api_token("read").await;
    let (_, old_token) = sync_all(&reader, None, 50).await;
    ctx.service
        .update::<lectern_service::Article>(
            &admin,
            &first.id.to_string(),
            serde_json::from_value(serde_json::json!({"summary": "changed"})).unwrap(),
            Some(first.version),
        )
        .await
        .unwrap();
    ctx.article(&admin, "Later news", "published").await;
    // A service that keeps no history at all prunes everything but each item's latest change.
    let config = lectern_service::ServiceConfig {
        feed_retention: std::time::Duration::ZERO,
        ..Default::default()
    };
    let pruner = lectern_service::Service::new(ctx.service.db().clone(), config);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    pruner.prune_history().await.unwrap();
    let r = reader.get(&format!("/api/v1/sync?token={old_token}")).await;
    r.assert_problem(410, "gone");
    assert!(r.body["detail"].as_str().unwrap().contains("full sync"));
    // A full sync still works and gives a token that does.
    let (entries, token) = sync_all(&reader, None, 50).await;
    assert_eq!(entries.len(), 2);
    reader
        .get(&format!("/api/v1/sync?token={token}"))
        .await
        .assert_status(200);
}
