//! Service-level rules, on whichever database the suite runs against.

use crate::support::Ctx;
use lectern_service::inputs::ArticleInput;
use lectern_service::{Caller, Error, StatusAction};
use lectern_storage::queries::{feed, revisions};
use serde_json::json;

fn input(v: serde_json::Value) -> ArticleInput {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn every_change_writes_a_revision_and_a_feed_row() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let conn = ctx.service.db().conn();
    let start = feed::latest_seq(conn).await.unwrap();
    let a = ctx.article(&admin, "Versioned", "draft").await;
    assert_eq!(a.version, 1);
    let a = ctx
        .service
        .update::<lectern_service::Article>(
            &admin,
            &a.slug,
            input(json!({"title": "Versioned twice"})),
            Some(1),
        )
        .await
        .unwrap();
    assert_eq!(a.version, 2);
    let a = ctx
        .service
        .set_status::<lectern_service::Article>(&admin, &a.slug, StatusAction::Publish, Some(2))
        .await
        .unwrap();
    assert_eq!((a.version, a.status.as_str()), (3, "published"));
    assert!(a.published_at.is_some());

    let revs = revisions::list(conn, "article", a.id).await.unwrap();
    let versions: Vec<i64> = revs.iter().map(|r| r.version).collect();
    assert_eq!(versions, [3, 2, 1]);
    assert_eq!(revs[2].summary, "created");
    assert!(revs[1].summary.contains("title"), "{}", revs[1].summary);
    assert!(revs[0].summary.contains("status"), "{}", revs[0].summary);
    assert_eq!(revs[1].snapshot["title"], "Versioned twice");

    ctx.service
        .delete::<lectern_service::Article>(&admin, &a.slug, Some(3))
        .await
        .unwrap();
    let changes = feed::since(conn, start, 100).await.unwrap();
    let ops: Vec<(&str, i64, bool)> = changes
        .iter()
        .map(|c| (c.operation.as_str(), c.version, c.published))
        .collect();
    assert_eq!(
        ops,
        [
            ("upsert", 1, false),
            ("upsert", 2, false),
            ("upsert", 3, true),
            ("delete", 4, false)
        ]
    );
    assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
}

#[tokio::test]
async fn optimistic_concurrency() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let a = ctx.article(&admin, "Contended", "draft").await;
    let missing = ctx
        .service
        .update::<lectern_service::Article>(&admin, &a.slug, input(json!({"title": "x"})), None)
        .await;
    assert!(matches!(missing, Err(Error::PreconditionRequired)));
    let stale = ctx
        .service
        .update::<lectern_service::Article>(&admin, &a.slug, input(json!({"title": "x"})), Some(7))
        .await;
    assert!(matches!(stale, Err(Error::PreconditionFailed)));
    // The version may also come in the body.
    let ok = ctx
        .service
        .update::<lectern_service::Article>(
            &admin,
            &a.slug,
            input(json!({"title": "y", "version": 1})),
            None,
        )
        .await
        .unwrap();
    assert_eq!(ok.version, 2);

    // Of many concurrent writers basing their change on the same version, exactly one wins.
    let mut tasks = vec![];
    for i in 0..8 {
        let service = ctx.service.clone();
        let slug = ok.slug.clone();
        tasks.push(tokio::spawn(async move {
            service
                .update::<lectern_service::Article>(
                    &admin,
                    &slug,
                    input(json!({"summary": format!("writer {i}")})),
                    Some(2),
                )
                .await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(Error::PreconditionFailed) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(wins, 1);
}

#[tokio::test]
async fn slugs_are_derived_and_unique() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let a = ctx
        .article(&admin, "Elixir & Phoenix in 2023!", "draft")
        .await;
    assert_eq!(a.slug, "elixir-phoenix-in-2023");
    let b = ctx
        .article(&admin, "Elixir & Phoenix in 2023", "draft")
        .await;
    assert_eq!(b.slug, "elixir-phoenix-in-2023-2");
    let taken = ctx
        .service
        .create::<lectern_service::Article>(
            &admin,
            input(json!({"title": "x", "slug": "elixir-phoenix-in-2023"})),
        )
        .await;
    match taken {
        Err(e @ Error::Conflict { .. }) => assert_eq!(e.code().as_str(), "slug_taken"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bodies_are_rendered_and_sanitised() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let a = ctx
        .service
        .create::<lectern_service::Article>(
            &admin,
            input(json!({
                "title": "XSS attempt",
                "body": "Hello <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) **bold**",
            })),
        )
        .await
        .unwrap();
    assert!(!a.body_html.contains("<script"), "{}", a.body_html);
    assert!(!a.body_html.contains("<img"), "{}", a.body_html);
    assert!(!a.body_html.contains("javascript:"), "{}", a.body_html);
    assert!(a.body_html.contains("<strong>bold</strong>"));
    assert!(
        a.body.contains("<script>"),
        "the Markdown source is kept as written"
    );
}

#[tokio::test]
async fn validation_reports_every_bad_field() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let bad = ctx
        .service
        .create::<lectern_service::Article>(
            &admin,
            input(json!({"title": "", "cover_image_url": "ftp://x", "tags": ["ok", "no spaces"], "technologies": ["nope"]})),
        )
        .await;
    let Err(Error::Validation(errors)) = bad else {
        panic!("{bad:?}")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "cover_image_url", "tags[1]"]);
    let unknown_tech = ctx
        .service
        .create::<lectern_service::Article>(
            &admin,
            input(json!({"title": "t", "technologies": ["nope"]})),
        )
        .await;
    let Err(Error::Validation(errors)) = unknown_tech else {
        panic!()
    };
    assert_eq!(errors[0].field, "technologies[0]");
}

#[tokio::test]
async fn authors_write_drafts_and_only_their_own() {
    let ctx = Ctx::new().await;
    let author = ctx.user("author").await;
    let other = ctx.user("author").await;
    let editor = ctx.user("editor").await;
    let mine = ctx.article(&author, "Mine", "draft").await;
    let published = ctx
        .service
        .create::<lectern_service::Article>(
            &author,
            input(json!({"title": "Sneaky", "status": "published"})),
        )
        .await;
    assert!(matches!(published, Err(Error::Forbidden(_))));
    assert!(matches!(
        ctx.service
            .get::<lectern_service::Article>(&other, &mine.slug)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ctx.service
            .update::<lectern_service::Article>(
                &other,
                &mine.slug,
                input(json!({"title": "x"})),
                Some(1)
            )
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ctx.service
            .set_status::<lectern_service::Article>(
                &author,
                &mine.slug,
                StatusAction::Publish,
                Some(1)
            )
            .await,
        Err(Error::Forbidden(_))
    ));
    let published = ctx
        .service
        .set_status::<lectern_service::Article>(&editor, &mine.slug, StatusAction::Publish, Some(1))
        .await
        .unwrap();
    // Once published, the author can no longer edit it.
    assert!(matches!(
        ctx.service
            .update::<lectern_service::Article>(
                &author,
                &mine.slug,
                input(json!({"title": "x"})),
                Some(published.version)
            )
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        ctx.service
            .create::<lectern_service::Technology>(&author, Default::default())
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        ctx.service
            .create::<lectern_service::Article>(&Caller::Anonymous, Default::default())
            .await,
        Err(Error::Unauthenticated(_))
    ));
}

/// The stored public JSON must always equal the anonymous view computed from scratch,
/// including after changes to things it embeds.
#[tokio::test]
async fn public_json_tracks_everything_it_shows() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin().await;
    let anon = Caller::Anonymous;
    let phoenix = ctx.technology(&admin, "Phoenix", "published").await;
    let elixir = ctx.technology(&admin, "Elixir", "published").await;
    let a = ctx
        .service
        .create::<lectern_service::Article>(&admin, input(json!({"title": "Realtime", "technologies": ["phoenix", "elixir"], "status": "published"})))
        .await
        .unwrap();
    let same = |view: serde_json::Value, stored: std::sync::Arc<str>| {
        let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
        assert_eq!(view, stored);
    };
    let check = || async {
        let fresh = serde_json::to_value(
            ctx.service
                .get::<lectern_service::Article>(&anon, &a.slug)
                .await
                .unwrap(),
        )
        .unwrap();
        same(
            fresh.clone(),
            ctx.service
                .public_item::<lectern_service::Article>(&a.slug)
                .await
                .unwrap()
                .json,
        );
        stored_is_set(&ctx.service, &a.slug).await;
        fresh
    };
    check().await;

    let tech_input =
        |v| serde_json::from_value::<lectern_service::inputs::TechnologyInput>(v).unwrap();
    ctx.service
        .update::<lectern_service::Technology>(
            &admin,
            "phoenix",
            tech_input(json!({"name": "Phoenix Framework"})),
            Some(phoenix.version),
        )
        .await
        .unwrap();
    let view = check().await;
    assert!(view.to_string().contains("Phoenix Framework"));

    let e = ctx
        .service
        .set_status::<lectern_service::Technology>(
            &admin,
            "elixir",
            StatusAction::Unpublish,
            Some(elixir.version),
        )
        .await
        .unwrap();
    let view = check().await;
    assert!(
        !view.to_string().contains("\"elixir\""),
        "an unpublished technology leaked: {view}"
    );

    let p = ctx
        .service
        .get::<lectern_service::Technology>(&admin, "phoenix")
        .await
        .unwrap();
    ctx.service
        .delete::<lectern_service::Technology>(&admin, "phoenix", Some(p.version))
        .await
        .unwrap();
    let view = check().await;
    assert_eq!(view["technologies"], json!([]));

    // Technologies: a related technology's rename shows in the other's public JSON.
    let go = ctx.technology(&admin, "Go", "published").await;
    let hugo = ctx
        .service
        .create::<lectern_service::Technology>(&admin, tech_input(json!({"name": "Hugo", "kind": "tool", "related_technologies": ["go"], "status": "published"})))
        .await
        .unwrap();
    let go = ctx
        .service
        .get::<lectern_service::Technology>(&admin, &go.slug)
        .await
        .unwrap();
    ctx.service
        .update::<lectern_service::Technology>(
            &admin,
            "go",
            tech_input(json!({"name": "Golang"})),
            Some(go.version),
        )
        .await
        .unwrap();
    let fresh = serde_json::to_value(
        ctx.service
            .get::<lectern_service::Technology>(&anon, &hugo.slug)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(fresh["related_technologies"][0]["name"], "Golang");
    same(
        fresh,
        ctx.service
            .public_item::<lectern_service::Technology>(&hugo.slug)
            .await
            .unwrap()
            .json,
    );
    let _ = e;
}

/// Every published item has its public JSON stored (no silent fallback to a slow path).
async fn stored_is_set(service: &lectern_service::Service, slug: &str) {
    use lectern_storage::entities::{articles, technologies};
    use lectern_storage::queries::content::{list_public, public_one, Page, Sort};
    use lectern_storage::queries::SortDir;
    let conn = service.db().conn();
    let a = public_one::<articles::Entity, _>(conn, None, Some(slug))
        .await
        .unwrap();
    assert!(
        a.is_none_or(|r| r.public_json.is_some()),
        "published article {slug} has no stored JSON"
    );
    let page = Page {
        sort: Sort::Label,
        dir: SortDir::Asc,
        after: None,
        limit: 100,
    };
    let techs = list_public::<technologies::Entity, _>(
        conn,
        service.db().backend(),
        &Default::default(),
        page,
    )
    .await
    .unwrap();
    for t in techs {
        assert!(
            t.public_json.is_some(),
            "published technology {} has no stored JSON",
            t.label
        );
    }
}
