//! A crash in the middle of concurrent writes loses nothing that was acknowledged.

use crate::support::Ctx;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn sigkill_during_concurrent_writes_keeps_every_acknowledged_write() {
    let mut ctx = Ctx::new().await;
    let editor = ctx.user_client("editor").await.0;
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = vec![];
    for w in 0..6 {
        let client = editor.clone();
        let acknowledged = acknowledged.clone();
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let body = json!({"title": format!("Crash test {w}-{i}"), "body": "x".repeat(2000), "tags": ["crash"]});
                let Ok(r) = tokio::time::timeout(Duration::from_secs(5), client.try_post("/api/v1/articles", &body)).await else {
                    break;
                };
                match r {
                    Some((201, id)) => acknowledged.lock().unwrap().push(id),
                    Some(_) => {}
                    None => break, // the server is gone
                }
            }
        }));
    }
    // Let a stream of writes get going, then pull the plug.
    while acknowledged.lock().unwrap().len() < 40 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ctx.server.kill_hard();
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40);

    if ctx.db.sqlite_path().is_some() {
        let service = crate::support::service_on(&ctx.db.url()).await;
        assert_eq!(service.db().integrity_check().await.unwrap(), "ok");
    }
    ctx.server.restart();
    ctx.client = crate::support::Client::new(&ctx.server.base);
    let admin = ctx.admin_client().await;
    for id in &acknowledged {
        admin
            .get(&format!("/api/v1/articles/{id}"))
            .await
            .assert_status(200);
    }
}
