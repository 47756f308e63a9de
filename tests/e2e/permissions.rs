//! The permission matrix over REST, and drafts never leaking to published-only callers.

use crate::matrix::{actors, fixtures, rest, MATRIX, ROLES};
use crate::support::Ctx;

#[tokio::test]
async fn every_role_gets_the_exact_status_for_every_action_over_rest() {
    let ctx = Ctx::new().await;
    let a = actors(&ctx).await;
    let mut failures = vec![];
    let mut n = 0;
    for (action, expected) in MATRIX {
        for (i, role) in ROLES.iter().enumerate() {
            n += 1;
            let f = fixtures(&ctx, &a, n).await;
            let got = rest(&a.clients[i], action, &f, &a).await;
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
        "{} of {n} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn drafts_never_leak_to_published_only_callers() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let hidden_tech = ctx.technology(&admin, "Hidden Tech", "draft").await;
    let shown_tech = ctx.technology(&admin, "Shown Tech", "published").await;
    let input = serde_json::from_value(serde_json::json!({
        "title": "Secret plans", "tags": ["secret-tag"], "technologies": [hidden_tech.slug, shown_tech.slug]
    }))
    .unwrap();
    let draft = ctx
        .service
        .create::<lectern_service::Article>(&admin, input)
        .await
        .unwrap();
    let input = serde_json::from_value(serde_json::json!({
        "title": "Public piece", "tags": ["public"], "technologies": [hidden_tech.slug, shown_tech.slug], "status": "published"
    }))
    .unwrap();
    let public = ctx
        .service
        .create::<lectern_service::Article>(&admin, input)
        .await
        .unwrap();
    let input = serde_json::from_value(serde_json::json!({"name": "Public Tech", "kind": "tool", "related_technologies": [hidden_tech.slug], "status": "published"})).unwrap();
    let related = ctx
        .service
        .create::<lectern_service::Technology>(&admin, input)
        .await
        .unwrap();

    // Linked while published, then taken back to draft: the published views that showed it
    // (stored, and read back for published-only callers) must drop it too.
    let gone = ctx.technology(&admin, "Withdrawn Tech", "published").await;
    let input = serde_json::from_value(
        serde_json::json!({"technologies": [hidden_tech.slug, shown_tech.slug, gone.slug]}),
    )
    .unwrap();
    let public = ctx
        .service
        .update::<lectern_service::Article>(&admin, &public.slug, input, Some(public.version))
        .await
        .unwrap();
    ctx.service
        .set_status::<lectern_service::Technology>(
            &admin,
            &gone.slug,
            lectern_service::StatusAction::Unpublish,
            Some(gone.version),
        )
        .await
        .unwrap();

    let readers = [ctx.client.anonymous(), ctx.api_token("read").await];
    for c in &readers {
        let query = "{ articles(first: 50) { nodes { title technologies { slug name relatedTechnologies { slug } } } }
            technologies(first: 50) { nodes { slug relatedTechnologies { slug } articles { title } } } }";
        let r = c.gql(query, serde_json::json!({})).await;
        assert!(
            r.text.contains("Public piece") && r.text.contains(&shown_tech.slug),
            "{}",
            r.text
        );
        for secret in [
            "Secret plans",
            "Hidden Tech",
            &hidden_tech.slug,
            "Withdrawn Tech",
            &gone.slug,
        ] {
            assert!(
                !r.text.contains(secret),
                "GraphQL leaked {secret}: {}",
                r.text
            );
        }
        for path in [
            "/api/v1/articles".to_owned(),
            "/api/v1/articles?include=technologies,author".to_owned(),
            format!("/api/v1/articles/{}?include=technologies", public.slug),
            "/api/v1/technologies?include=related_technologies".to_owned(),
            "/api/v1/articles?tag=secret-tag".to_owned(),
            "/api/v1/articles?q=secret".to_owned(),
            format!("/api/v1/articles?technology={}", hidden_tech.slug),
            "/api/v1/articles?sort=title&limit=100".to_owned(),
            "/api/v1/articles?status=published".to_owned(),
            format!("/api/v1/articles/{}", public.slug),
            "/api/v1/technologies?limit=100".to_owned(),
            "/api/v1/technologies?q=hidden".to_owned(),
            format!("/api/v1/technologies/{}", related.slug),
            format!("/api/v1/technologies/{}", shown_tech.slug),
        ] {
            let r = c.get(&path).await;
            assert!(r.status == 200, "{path}: {}", r.text);
            assert!(
                !r.text.contains("Secret plans"),
                "{path} leaked the draft article"
            );
            assert!(
                !r.text.contains("Hidden Tech") && !r.text.contains(&hidden_tech.slug),
                "{path} leaked the draft technology: {}",
                r.text
            );
            assert!(
                !r.text.contains("Withdrawn Tech") && !r.text.contains(&gone.slug),
                "{path} showed the withdrawn technology: {}",
                r.text
            );
        }
        for path in [
            format!("/api/v1/articles/{}", draft.slug),
            format!("/api/v1/articles/{}", draft.id),
            format!("/api/v1/technologies/{}", hidden_tech.slug),
        ] {
            c.get(&path).await.assert_problem(404, "not_found");
        }
        c.get("/api/v1/articles?status=draft")
            .await
            .assert_problem(403, "forbidden");
    }
    // An editor sees both, through the same routes.
    let editor = ctx.user_client("editor").await.0;
    let r = editor
        .get(&format!("/api/v1/articles/{}", public.slug))
        .await;
    assert!(r.text.contains(&hidden_tech.slug));
    assert_eq!(r.header("cache-control"), Some("private, no-store"));
    assert!(editor
        .get("/api/v1/articles?status=draft")
        .await
        .text
        .contains("Secret plans"));
}
