//! Losing the database: while it is away, readiness fails and requests get a prompt 503
//! problem instead of hanging or a 500; when it is back, both recover by themselves.

use crate::support::Ctx;
use std::time::{Duration, Instant};

#[tokio::test]
#[cfg_attr(
    not(pg_tests),
    ignore = "needs PostgreSQL: set LECTERN_TEST_DATABASE_URL"
)]
async fn readiness_fails_fast_during_an_outage_and_recovers_by_itself() {
    let ctx = Ctx::new().await;
    if !ctx.db.is_postgres() {
        return; // an embedded SQLite file cannot go away while the process holds it
    }
    let editor = ctx.user_client("editor").await.0;
    editor.get("/api/v1/articles").await.assert_status(200);
    ctx.client.get("/readyz").await.assert_status(200);

    ctx.db.set_reachable(false).await;
    let started = Instant::now();
    for _ in 0..3 {
        let ready = ctx.client.get("/readyz").await;
        ready.assert_problem(503, "unavailable");
        // Not cacheable: every request needs the database (the session check).
        editor
            .get("/api/v1/articles?status=draft")
            .await
            .assert_problem(503, "unavailable");
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "answers during the outage took {:?}",
        started.elapsed()
    );

    ctx.db.set_reachable(true).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = ctx.client.get("/readyz").await.status;
        let list = editor.get("/api/v1/articles?status=draft").await.status;
        if ready == 200 && list == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {ready} / {list} after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Writes work again too.
    editor
        .post(
            "/api/v1/articles",
            &serde_json::json!({"title": "After the outage"}),
        )
        .await
        .assert_status(201);
}
