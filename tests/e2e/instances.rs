//! Several instances on one PostgreSQL: a change committed through one reaches the others'
//! caches and subscribers at once, through LISTEN/NOTIFY rather than the next poll.

use crate::support::{Client, ServerOptions, TestDb, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
#[cfg_attr(
    not(pg_tests),
    ignore = "needs PostgreSQL: set LECTERN_TEST_DATABASE_URL"
)]
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

/// Three instances on one PostgreSQL: what one decides, all enforce; scheduled work happens
/// once; a subscriber on one hears a change made on another; killing one loses nothing.
#[tokio::test]
#[cfg_attr(
    not(pg_tests),
    ignore = "needs PostgreSQL: set LECTERN_TEST_DATABASE_URL"
)]
async fn instances_agree_on_sessions_schedules_subscriptions_and_survive_a_kill() {
    let db = TestDb::new().await;
    if !db.url().starts_with("postgres") {
        return;
    }
    let options = ServerOptions {
        demo: false,
        env: vec![("LECTERN_SCHEDULER_MS".into(), "50".into())],
    };
    let mut a = TestServer::start(&db.url(), options.clone());
    let b = TestServer::start(&db.url(), options.clone());
    let c = TestServer::start(&db.url(), options);
    let (on_a, on_b, on_c) = (
        Client::new(&a.base),
        Client::new(&b.base),
        Client::new(&c.base),
    );
    let login = on_a
        .post(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let admin_a = on_a.with_token(&token);

    // A user disabled through B is refused by A and C at once.
    let made = admin_a
        .post(
            "/api/v1/users",
            &json!({"email": "w@example.com", "password": "a-long-password-1", "role": "editor"}),
        )
        .await;
    made.assert_status(201);
    let user_id = made.body["id"].as_str().unwrap().to_owned();
    let user_login = on_c
        .post(
            "/api/v1/auth/login",
            &json!({"email": "w@example.com", "password": "a-long-password-1"}),
        )
        .await;
    let user_token = user_login.body["access_token"].as_str().unwrap().to_owned();
    on_a.with_token(&user_token)
        .get("/api/v1/me")
        .await
        .assert_status(200);
    on_b.with_token(&token)
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &json!({"disabled": true}),
            None,
        )
        .await
        .assert_status(200);
    for client in [&on_a, &on_b, &on_c] {
        client
            .with_token(&user_token)
            .get("/api/v1/me")
            .await
            .assert_status(401);
    }

    // A publication scheduled a moment ahead happens exactly once, though three schedulers run.
    let draft = admin_a
        .post("/api/v1/articles", &json!({"title": "Scheduled once"}))
        .await;
    let id = draft.body["id"].as_str().unwrap().to_owned();
    let etag = draft.header("etag").unwrap().to_owned();
    let at = (chrono::Utc::now() + chrono::Duration::milliseconds(600)).to_rfc3339();
    admin_a
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/articles/{id}/publish"),
            Some(&json!({"publish_at": at})),
            &[("if-match", &etag)],
        )
        .await
        .assert_status(200);
    let started = Instant::now();
    loop {
        let r = on_c.get(&format!("/api/v1/articles/{id}")).await;
        if r.status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the scheduled article never went live"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // No wait needed for a late second publication: each is conditional on the version the
    // scheduler saw, so once one has committed every other fails its check.
    let history = on_b
        .with_token(&token)
        .get(&format!("/api/v1/articles/{id}/revisions"))
        .await;
    // Created (1), scheduled (2), published (3): a second publication would be a fourth.
    assert_eq!(
        history.body["data"].as_array().unwrap().len(),
        3,
        "{}",
        history.text
    );
    let live = on_a.get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(live.body["version"], 3);
    let count = on_b.get("/api/v1/articles").await;
    assert_eq!(count.body["data"].as_array().unwrap().len(), 1);

    // A subscriber on C hears a change made over HTTP on A (LISTEN/NOTIFY, then C's feed).
    let mut ws = crate::graphql_live::connect(&c.base, json!({})).await;
    crate::graphql_live::subscribe(&mut ws).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    admin_a
        .post(
            "/api/v1/articles",
            &json!({"title": "Heard on C", "status": "published"}),
        )
        .await
        .assert_status(201);
    let heard = crate::graphql_live::event(&mut ws).await;
    assert_eq!(heard["article"]["title"], "Heard on C", "{heard}");

    // Kill A hard: what it acknowledged stays, and B and C keep serving.
    let acknowledged = admin_a
        .post(
            "/api/v1/articles",
            &json!({"title": "Acknowledged by A", "status": "published"}),
        )
        .await;
    acknowledged.assert_status(201);
    a.kill_hard();
    let r = on_b.get("/api/v1/articles?limit=100").await;
    assert!(r.text.contains("Acknowledged by A"), "{}", r.text);
    on_c.with_token(&token)
        .post(
            "/api/v1/articles",
            &json!({"title": "Written after the kill"}),
        )
        .await
        .assert_status(201);
}

/// Two instances started at the same moment on an empty database both come up, and the
/// first-start work (admin, demo content, search index) is done once.
#[tokio::test]
#[cfg_attr(
    not(pg_tests),
    ignore = "needs PostgreSQL: set LECTERN_TEST_DATABASE_URL"
)]
async fn instances_starting_together_on_an_empty_database_both_come_up() {
    let db = TestDb::new().await;
    if !db.url().starts_with("postgres") {
        return;
    }
    let options = ServerOptions {
        demo: true,
        env: vec![],
    };
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let (url, options) = (db.url(), options.clone());
            std::thread::spawn(move || TestServer::start(&url, options))
        })
        .collect();
    let servers: Vec<TestServer> = starts.into_iter().map(|s| s.join().unwrap()).collect();
    for server in &servers {
        let r = Client::new(&server.base)
            .get("/api/v1/technologies?limit=100")
            .await;
        r.assert_status(200);
        assert_eq!(
            r.body["data"].as_array().unwrap().len(),
            50,
            "demo loaded once"
        );
        let found = Client::new(&server.base)
            .get("/api/v1/search?q=django")
            .await;
        assert_eq!(found.body["data"][0]["slug"], "django", "{}", found.text);
    }
}
