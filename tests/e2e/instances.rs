//! Several instances on one PostgreSQL: a change committed through one reaches the others'
//! caches and subscribers at once, through LISTEN/NOTIFY rather than the next poll.

use crate::support::{Client, ServerOptions, TestDb, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_change_on_one_instance_reaches_another_at_once() {
    let db = TestDb::new().await;
    if !db.url().starts_with("postgres") {
        // SQLite instances share one file on one machine and follow each other by polling.
        return;
    }
    // Polling every ten minutes: only a notification can explain a prompt update.
    let options = ServerOptions {
        demo: false,
        env: vec![("LECTERN_FEED_POLL_MS".into(), "600000".into())],
    };
    let a = TestServer::start(&db.url(), options.clone());
    let b = TestServer::start(&db.url(), options);
    let (on_a, on_b) = (Client::new(&a.base), Client::new(&b.base));
    for _ in 0..2 {
        let r = on_b.get("/api/v1/articles").await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), 0);
    }
    let login = on_a
        .post(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    let editor = on_a.with_token(login.body["access_token"].as_str().unwrap());
    editor
        .post(
            "/api/v1/articles",
            &json!({"title": "Written on A", "status": "published"}),
        )
        .await
        .assert_status(201);
    let started = Instant::now();
    loop {
        let r = on_b.get("/api/v1/articles").await;
        if r.text.contains("Written on A") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "instance B still serves its cached list without the new article"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The same token works on B: sessions live in the shared database.
    let b_editor = on_b.with_token(login.body["access_token"].as_str().unwrap());
    b_editor.get("/api/v1/me").await.assert_status(200);
}
