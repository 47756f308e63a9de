//! A database written by release 0.1 (`tests/fixtures/v0.1`) upgrades to this one with
//! nothing lost: the answers 0.1 stored for published items (their public JSON) are what the
//! API answers now, apart from the additions of later releases (article sources and covers,
//! technology logos, figures that cite a source by reference); users, tokens, revisions, old slugs, drafts, schedules and the
//! change feed are intact; each free-text figure source became one Source row.

use crate::support::db::postgres_url;
use crate::support::{Client, ServerOptions, TestDb, TestServer};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::{json, Value};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/v0.1");

/// What release 0.1 left in the database, read before the new release touches it.
struct Before {
    articles: Vec<(String, Value)>,
    technologies: Vec<(String, Value)>,
    revisions: i64,
    feed_head: i64,
    users: Vec<String>,
}

async fn scalar(conn: &impl ConnectionTrait, backend: DbBackend, sql: &str) -> i64 {
    let row = conn
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn published(
    conn: &impl ConnectionTrait,
    backend: DbBackend,
    table: &str,
) -> Vec<(String, Value)> {
    let sql =
        format!("SELECT slug, public_json FROM {table} WHERE status = 'published' ORDER BY slug");
    conn.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let slug: String = row.try_get_by_index(0).unwrap();
            let json: String = row.try_get_by_index(1).unwrap();
            (slug, serde_json::from_str(&json).unwrap())
        })
        .collect()
}

impl Before {
    async fn read(url: &str) -> Self {
        let conn = Database::connect(url).await.unwrap();
        let backend = conn.get_database_backend();
        let users = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT email FROM users ORDER BY email".to_owned(),
            ))
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        let before = Before {
            articles: published(&conn, backend, "articles").await,
            technologies: published(&conn, backend, "technologies").await,
            revisions: scalar(&conn, backend, "SELECT COUNT(*) FROM revisions").await,
            feed_head: scalar(&conn, backend, "SELECT MAX(seq) FROM change_feed").await,
            users,
        };
        let _ = conn.close().await;
        before
    }
}

/// A copy of the fixture for this test's backend, and the read token it holds.
async fn fixture_database() -> (TestDb, String) {
    let db = TestDb::empty().await;
    match (postgres_url(), db.sqlite_path()) {
        (None, Some(path)) => {
            std::fs::copy(format!("{FIXTURE}/lectern.db"), path).unwrap();
        }
        _ => {
            let status = std::process::Command::new("psql")
                .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url(), "-f"])
                .arg(format!("{FIXTURE}/postgres.sql"))
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run psql");
            assert!(status.success(), "loading the PostgreSQL fixture failed");
        }
    }
    let file = if db.is_postgres() {
        "read-token-postgres.txt"
    } else {
        "read-token-sqlite.txt"
    };
    let token = std::fs::read_to_string(format!("{FIXTURE}/{file}")).unwrap();
    (db, token.trim().to_owned())
}

fn fixture_server(db: &TestDb) -> TestServer {
    let env = [
        ("LECTERN_ADMIN_EMAIL", "admin@example.com"),
        ("LECTERN_ADMIN_PASSWORD", "fixture-admin-password"),
        (
            "LECTERN_JWT_SECRET",
            "fixture-signing-key-of-more-than-32-bytes",
        ),
    ];
    let options = ServerOptions {
        demo: false,
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    TestServer::start(&db.url(), options)
}

async fn login(client: &Client, email: &str, password: &str) -> Client {
    let r = client
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await;
    r.assert_status(200);
    client.with_token(r.body["access_token"].as_str().unwrap())
}

/// A 0.1 figure's source text, as the upgrade reads it into a title.
fn title_in(text: &str) -> &str {
    text.split_once(", \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(title, _)| title)
        .unwrap_or(text)
}

#[tokio::test]
async fn a_database_from_release_0_1_upgrades_with_nothing_lost() {
    let (db, read_token) = fixture_database().await;
    let before = Before::read(&db.url()).await;
    assert!(before.articles.len() >= 3 && before.technologies.len() >= 50);
    let server = fixture_server(&db);
    let anonymous = Client::new(&server.base);

    // Published articles answer as 0.1 stored them, with the new (empty) list of sources.
    for (slug, old) in &before.articles {
        let r = anonymous.get(&format!("/api/v1/articles/{slug}")).await;
        r.assert_status(200);
        let mut expected = old.clone();
        expected["sources"] = json!([]);
        expected["cover"] = json!(null);
        // Locales came later: the entry is in the default one, with no translations.
        expected["locale"] = json!("en");
        expected["translations"] = json!([{"locale": "en", "status": "published", "slug": slug}]);
        assert_eq!(r.body, expected, "article {slug}");
    }
    // Technologies too; each figure now names its source by reference.
    let mut cited = std::collections::BTreeMap::new();
    for (slug, old) in &before.technologies {
        let r = anonymous.get(&format!("/api/v1/technologies/{slug}")).await;
        r.assert_status(200);
        let (mut now, mut old) = (r.body.clone(), old.clone());
        assert_eq!(now["logo"].take(), json!(null), "technology {slug}");
        now.as_object_mut().map(|o| o.remove("logo"));
        assert_eq!(now["locale"].take(), json!("en"), "technology {slug}");
        now.as_object_mut().map(|o| o.remove("locale"));
        now.as_object_mut().map(|o| o.remove("translations"));
        let figures_now = now["trend_signals"].take();
        let figures_old = old["trend_signals"].take();
        assert_eq!(now, old, "technology {slug}");
        let (figures_now, figures_old) = (
            figures_now.as_array().unwrap(),
            figures_old.as_array().unwrap(),
        );
        assert_eq!(figures_now.len(), figures_old.len(), "{slug}");
        for (new, old) in figures_now.iter().zip(figures_old) {
            for field in ["metric", "value", "unit", "period"] {
                assert_eq!(new[field], old[field], "{slug} {field}");
            }
            let text = old["source"].as_str().unwrap();
            assert_eq!(new["source"]["title"], title_in(text), "{slug}");
            cited.insert(
                text.to_owned(),
                new["source"]["slug"].as_str().unwrap().to_owned(),
            );
        }
    }
    // One Source per distinct text, published, with what the text said.
    let r = anonymous.get("/api/v1/sources").await;
    r.assert_status(200);
    let sources = r.body["data"].as_array().unwrap();
    assert_eq!(sources.len(), cited.len(), "{}", r.text);
    let toyoda = sources
        .iter()
        .find(|s| s["authors"] == json!(["Daichi Toyoda"]))
        .expect("the figures' source");
    assert_eq!(toyoda["published_on"], "2023-07-11");
    assert_eq!(toyoda["status"], "published");

    // Users log in with their old passwords; the old read token still reads.
    for (email, password) in [
        ("admin@example.com", "fixture-admin-password"),
        ("editor@example.com", "fixture-editor-password"),
        ("author@example.com", "fixture-author-password"),
    ] {
        login(&anonymous, email, password).await;
    }
    let editor = login(&anonymous, "editor@example.com", "fixture-editor-password").await;
    let read = anonymous.with_token(&read_token);
    let mut synced: Vec<String> = vec![];
    let mut path = "/api/v1/sync?limit=500".to_owned();
    loop {
        let r = read.get(&path).await;
        r.assert_status(200);
        let items = r.body["items"].as_array().unwrap();
        synced.extend(
            items
                .iter()
                .filter_map(|i| i["type"].as_str().map(str::to_owned)),
        );
        if r.body["has_more"] != true {
            break;
        }
        let token = r.body["next_sync_token"].as_str().unwrap();
        path = format!("/api/v1/sync?limit=500&token={token}");
    }
    let count = |t: &str| synced.iter().filter(|s| **s == t).count();
    assert_eq!(count("article"), before.articles.len());
    assert_eq!(count("technology"), before.technologies.len());
    assert_eq!(count("source"), cited.len());

    // History: revisions and the old slug; a draft and a schedule kept as they were.
    let r = editor
        .get("/api/v1/articles/fixture-article-renamed/revisions")
        .await;
    r.assert_status(200);
    assert_eq!(r.body["data"].as_array().unwrap().len(), 3, "{}", r.text);
    let r = editor.get("/api/v1/articles/fixture-article").await;
    r.assert_status(301);
    assert!(r
        .header("location")
        .unwrap()
        .ends_with("fixture-article-renamed"));
    let r = editor.get("/api/v1/articles/fixture-draft").await;
    r.assert_status(200);
    assert_eq!(r.body["status"], "draft");
    anonymous
        .get("/api/v1/articles/fixture-draft")
        .await
        .assert_status(404);
    let r = editor.get("/api/v1/articles/fixture-scheduled").await;
    assert_eq!(r.body["publish_at"], "2099-01-01T00:00:00Z");

    // The feed kept its positions and grew by one change per new source; so did history.
    drop(server);
    let after = Before::read(&db.url()).await;
    assert_eq!(after.feed_head, before.feed_head + cited.len() as i64);
    assert_eq!(after.revisions, before.revisions + cited.len() as i64);
    assert_eq!(after.users, before.users);

    // A second start migrates nothing more and loses nothing.
    let server = fixture_server(&db);
    let r = Client::new(&server.base).get("/api/v1/sources").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), cited.len());
}
