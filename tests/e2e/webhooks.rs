//! Webhooks: signed deliveries from an outbox written with the change, retried with backoff,
//! logged, and neither lost nor doubled by a SIGKILL or by a second instance.

use crate::support::receiver::{signature_valid, Hit};
use crate::support::{Client, Ctx, Receiver, ServerOptions, TestServer};
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn fast_webhooks() -> ServerOptions {
    ServerOptions {
        env: vec![
            ("LECTERN_WEBHOOK_ALLOW_PRIVATE".into(), "true".into()),
            ("LECTERN_WEBHOOK_RETRY_BASE_MS".into(), "100".into()),
            ("LECTERN_WEBHOOK_POLL_MS".into(), "100".into()),
            ("LECTERN_WEBHOOK_TIMEOUT_MS".into(), "2000".into()),
        ],
        ..Default::default()
    }
}

pub async fn register(admin: &Client, url: &str, events: Value) -> (String, String) {
    let r = admin
        .post("/api/v1/webhooks", &json!({"url": url, "events": events}))
        .await;
    r.assert_status(201);
    assert!(r
        .header("location")
        .unwrap()
        .ends_with(r.body["id"].as_str().unwrap()));
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40);
    (r.body["id"].as_str().unwrap().to_owned(), secret)
}

/// Acknowledged deliveries by delivery id.
fn acknowledged_by_id(hits: &[Hit]) -> HashMap<String, Vec<Hit>> {
    let mut by_id: HashMap<String, Vec<Hit>> = HashMap::new();
    for h in hits.iter().filter(|h| (200..300).contains(&h.status)) {
        by_id
            .entry(h.header("lectern-delivery").to_owned())
            .or_default()
            .push(h.clone());
    }
    by_id
}

#[tokio::test]
async fn deliveries_are_signed_retried_until_acknowledged_and_logged() {
    let ctx = Ctx::with(fast_webhooks()).await;
    let admin = ctx.admin_client().await;
    // Fails twice, then succeeds.
    let receiver = Receiver::start(&[500, 503], 200).await;
    let (id, secret) = register(&admin, &receiver.url, json!(["article.*"])).await;

    // The secret is never shown again.
    let listed = admin.get("/api/v1/webhooks").await;
    listed.assert_status(200);
    assert_eq!(listed.body["data"][0]["id"], id.as_str());
    assert!(!listed.text.contains(&secret));
    assert!(!admin
        .get(&format!("/api/v1/webhooks/{id}"))
        .await
        .text
        .contains(&secret));

    let caller = ctx.admin().await;
    ctx.article(&caller, "A draft says nothing", "draft").await;
    let published = ctx.article(&caller, "Hooks in practice", "published").await;

    let hits = receiver
        .wait_for(20, |h| h.iter().any(|h| h.status == 200))
        .await;
    assert_eq!(hits.len(), 3, "two failures then a success: {hits:#?}");
    let delivery = hits[0].header("lectern-delivery").to_owned();
    for hit in &hits {
        assert_eq!(
            hit.header("lectern-delivery"),
            delivery,
            "one delivery id on every try"
        );
        assert_eq!(hit.header("lectern-event"), "article.published");
        assert_eq!(hit.header("content-type"), "application/json");
        assert!(
            signature_valid(hit.header("lectern-signature"), &hit.body, &secret),
            "signature does not verify: {}",
            hit.header("lectern-signature")
        );
        assert!(!signature_valid(
            hit.header("lectern-signature"),
            &hit.body,
            "whsec_wrong"
        ));
    }
    let event = hits[2].json();
    assert_eq!(event["event"], "article.published");
    assert_eq!(event["data"]["id"], published.id.to_string());
    assert_eq!(event["data"]["item"]["title"], "Hooks in practice");
    assert!(!hits.iter().any(|h| h.body.contains("A draft says nothing")));

    // The log tells the story.
    let log = admin
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    log.assert_status(200);
    let entry = &log.body["data"][0];
    assert_eq!(entry["id"], delivery.as_str());
    assert_eq!(entry["status"], "delivered");
    assert_eq!(entry["attempts"], 3);
    assert_eq!(entry["response_status"], 200);
    assert!(entry["delivered_at"].is_string());

    // By hand: the same delivery again, and a signed ping.
    let again = admin
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            &json!({}),
        )
        .await;
    again.assert_status(202);
    let ping = admin
        .post(&format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    ping.assert_status(202);
    assert_eq!(ping.body["event"], "ping");
    let hits = receiver
        .wait_for(20, |h| h.iter().filter(|h| h.status == 200).count() == 3)
        .await;
    assert_eq!(
        hits.iter()
            .filter(|h| h.header("lectern-delivery") == delivery)
            .count(),
        4
    );
    let ping_hit = hits
        .iter()
        .find(|h| h.header("lectern-event") == "ping")
        .unwrap();
    assert!(signature_valid(
        ping_hit.header("lectern-signature"),
        &ping_hit.body,
        &secret
    ));

    // Updating the events narrows what is sent; deleting drops the webhook and its log.
    let r = admin
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            &json!({"events": ["technology.*"], "active": true}),
            None,
        )
        .await;
    r.assert_status(200);
    assert_eq!(r.body["events"], json!(["technology.*"]));
    admin
        .delete(&format!("/api/v1/webhooks/{id}"), None)
        .await
        .assert_status(204);
    admin
        .get(&format!("/api/v1/webhooks/{id}"))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn webhooks_are_for_admins_and_refuse_bad_input() {
    let ctx = Ctx::new().await; // private targets not allowed here
    let admin = ctx.admin_client().await;
    let (editor, _, _) = ctx.user_client("editor").await;
    let reader = ctx.api_token("read").await;
    let body = json!({"url": "https://example.com/hook", "events": ["*"]});
    editor
        .post("/api/v1/webhooks", &body)
        .await
        .assert_problem(403, "forbidden");
    reader
        .get("/api/v1/webhooks")
        .await
        .assert_problem(403, "forbidden");
    ctx.client
        .get("/api/v1/webhooks")
        .await
        .assert_problem(401, "unauthenticated");

    for (url, why) in [
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "cloud metadata"),
        ("http://10.0.0.7/hook", "private"),
        ("http://[::1]/hook", "IPv6 loopback"),
        ("http://localhost:8080/hook", "a name for loopback"),
        ("file:///etc/passwd", "not http"),
        ("not a url", "garbage"),
    ] {
        let r = admin
            .post("/api/v1/webhooks", &json!({"url": url, "events": ["*"]}))
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], "url", "{why}: {}", r.text);
    }
    let r = admin
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://93.184.216.34/hook", "events": ["article.created"]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "events");
    let r = admin
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://93.184.216.34/hook", "events": ["*"], "secret": "mine"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "secret");
    // A JSON array is not an object, even if serde could read one by position.
    let r = admin
        .post(
            "/api/v1/webhooks",
            &json!(["https://93.184.216.34/hook", ["*"]]),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "body");
    ctx.client
        .post("/api/v1/auth/logout", &json!(["lcr_not-a-real-token"]))
        .await
        .assert_problem(422, "validation_failed");
    // Nothing was stored by any of that.
    let listed = admin.get("/api/v1/webhooks").await;
    assert_eq!(listed.body["data"], json!([]));
}

#[tokio::test]
async fn every_event_arrives_once_by_delivery_id_across_a_sigkill() {
    let mut ctx = Ctx::with(fast_webhooks()).await;
    let admin = ctx.admin_client().await;
    // Down at first: every change stays queued.
    let receiver = Receiver::start(&[], 503).await;
    let (_, secret) = register(&admin, &receiver.url, json!(["*"])).await;

    let caller = ctx.admin().await;
    let article = ctx.article(&caller, "Crash course", "published").await;
    let key = article.id.to_string();
    let updated = ctx
        .service
        .update::<lectern_service::Article>(
            &caller,
            &key,
            serde_json::from_value(json!({"summary": "Updated before the crash"})).unwrap(),
            Some(article.version),
        )
        .await
        .unwrap();
    let tech = ctx.technology(&caller, "Crashproof", "published").await;
    ctx.service
        .set_status::<lectern_service::Article>(
            &caller,
            &key,
            lectern_service::StatusAction::Unpublish,
            Some(updated.version),
        )
        .await
        .unwrap();
    ctx.article(&caller, "Quiet draft", "draft").await;
    let expected = [
        "article.published",
        "article.updated",
        "technology.published",
        "article.unpublished",
    ];
    // Each has been tried (and refused) at least once before the kill.
    receiver
        .wait_for(20, |hits| {
            expected
                .iter()
                .all(|e| hits.iter().any(|h| h.header("lectern-event") == *e))
        })
        .await;
    ctx.server.kill_hard();
    // Requests the dead process had already written may still be in the receiver's socket
    // buffers: let it read them (and refuse them) before it starts acknowledging, or one
    // would be acknowledged once for the dead sender and again for its successor.
    let mut seen = receiver.hits().len();
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let now = receiver.hits().len();
        if now == seen {
            break;
        }
        seen = now;
    }
    receiver.answer_from_now(200);
    ctx.server.restart();
    // One more change after the restart, delivered by the new process.
    ctx.service
        .delete::<lectern_service::Technology>(&caller, &tech.id.to_string(), Some(tech.version))
        .await
        .unwrap();

    let hits = receiver
        .wait_for(30, |hits| acknowledged_by_id(hits).len() == 5)
        .await;
    let acknowledged = acknowledged_by_id(&hits);
    let mut events: Vec<String> = acknowledged
        .values()
        .map(|h| h[0].header("lectern-event").to_owned())
        .collect();
    events.sort();
    let mut wanted: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    wanted.push("technology.deleted".into());
    wanted.sort();
    assert_eq!(events, wanted);
    for (id, hits) in &acknowledged {
        assert_eq!(
            hits.len(),
            1,
            "delivery {id} was acknowledged {} times",
            hits.len()
        );
        assert!(signature_valid(
            hits[0].header("lectern-signature"),
            &hits[0].body,
            &secret
        ));
    }
    // The event ids in the bodies are distinct too.
    let mut event_ids: Vec<String> = acknowledged
        .values()
        .map(|h| h[0].json()["id"].as_str().unwrap().to_owned())
        .collect();
    event_ids.sort();
    event_ids.dedup();
    assert_eq!(event_ids.len(), 5);
    assert!(!hits.iter().any(|h| h.body.contains("Quiet draft")));
}

#[tokio::test]
#[cfg_attr(
    not(pg_tests),
    ignore = "needs PostgreSQL: set LECTERN_TEST_DATABASE_URL"
)]
async fn two_instances_send_each_delivery_once() {
    let ctx = Ctx::with(fast_webhooks()).await;
    if !ctx.db.is_postgres() {
        return; // several instances share PostgreSQL, not a SQLite file
    }
    let second = TestServer::start(&ctx.db.url(), fast_webhooks());
    let admin = ctx.admin_client().await;
    let receiver = Receiver::start(&[], 200).await;
    let (hook, _) = register(&admin, &receiver.url, json!(["article.published"])).await;
    let other = Client::new(&second.base).with_token(admin.token().unwrap());
    for i in 0..20 {
        let via = if i % 2 == 0 { &admin } else { &other };
        via.post(
            "/api/v1/articles",
            &json!({"title": format!("Twice told {i}"), "status": "published"}),
        )
        .await
        .assert_status(201);
    }
    receiver
        .wait_for(30, |hits| acknowledged_by_id(hits).len() == 20)
        .await;
    // Once every delivery is recorded as delivered, no instance sends it again: a duplicate
    // could only have been sent before that, so the count is final then.
    let started = std::time::Instant::now();
    loop {
        let log = admin
            .get(&format!("/api/v1/webhooks/{hook}/deliveries?limit=100"))
            .await;
        let entries = log.body["data"].as_array().cloned().unwrap_or_default();
        if entries.len() == 20 && entries.iter().all(|e| e["status"] == "delivered") {
            break;
        }
        assert!(started.elapsed().as_secs() < 30, "{}", log.text);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let hits = receiver.hits();
    assert_eq!(
        hits.len(),
        20,
        "each delivery sent by exactly one instance: {hits:#?}"
    );
    let metrics_hint = acknowledged_by_id(&hits);
    assert!(metrics_hint.values().all(|h| h.len() == 1));
}
