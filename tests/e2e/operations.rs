//! Operations: Prometheus metrics behind a token or on their own address, and never open
//! by accident.

use crate::support::{Client, Ctx, ServerOptions};

#[tokio::test]
async fn metrics_need_their_token_and_count_requests_by_route() {
    let ctx = Ctx::new().await;
    ctx.client
        .get("/metrics")
        .await
        .assert_problem(404, "not_found");
    drop(ctx);

    let token = "metrics-token-for-the-tests";
    let ctx = Ctx::with(ServerOptions {
        demo: false,
        env: vec![("LECTERN_METRICS_TOKEN".into(), token.into())],
    })
    .await;
    let r = ctx.client.get("/metrics").await;
    r.assert_problem(401, "unauthenticated");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    ctx.client
        .with_token("metrics-token-for-the-testz")
        .get("/metrics")
        .await
        .assert_status(401);
    for _ in 0..3 {
        ctx.client.get("/api/v1/articles").await.assert_status(200);
    }
    ctx.client.get("/no/such/path/123").await.assert_status(404);
    let r = ctx.client.with_token(token).get("/metrics").await;
    r.assert_status(200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    for expected in [
        "lectern_http_requests_total{method=\"GET\",route=\"/api/v1/articles\",status=\"200\"} 3",
        "lectern_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/articles\",status=\"200\",le=\"+Inf\"} 3",
        "route=\"unmatched\",status=\"404\"",
        "lectern_cache_hits_total 2",
        "lectern_cache_misses_total 1",
        "lectern_db_pool_max_connections",
        "lectern_feed_lag 0",
        "lectern_live_subscribers 0",
        "lectern_webhook_queue_depth 0",
        "lectern_webhook_deliveries_failed 0",
        "lectern_webhook_attempts_total{result=\"failed\"} 0",
    ] {
        assert!(r.text.contains(expected), "missing {expected:?} in:\n{}", r.text);
    }
    assert!(
        !r.text.contains("/no/such/path"),
        "raw paths must not become labels"
    );
}

#[tokio::test]
async fn metrics_can_live_on_a_separate_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let ctx = Ctx::with(ServerOptions {
        demo: false,
        env: vec![("LECTERN_METRICS_ADDR".into(), addr.clone())],
    })
    .await;
    ctx.client.get("/metrics").await.assert_status(404);
    let r = Client::new(&format!("http://{addr}")).get("/metrics").await;
    r.assert_status(200);
    assert!(r.text.contains("lectern_build_info"), "{}", r.text);
}
