//! A fresh database per test: a new SQLite file, or a new PostgreSQL database cloned from a
//! migrated template when `LECTERN_TEST_DATABASE_URL` points at a PostgreSQL server.

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::path::PathBuf;
use tokio::sync::{Mutex, OnceCell};

const TEMPLATE: &str = "lectern_test_template";

static TEMPLATE_READY: OnceCell<()> = OnceCell::const_new();
static CREATE_LOCK: Mutex<()> = Mutex::const_new(());

pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

/// The PostgreSQL server to test against, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("LECTERN_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

async fn admin_exec(admin_url: &str, sql: &str) {
    let conn = Database::connect(with_database(admin_url, "postgres"))
        .await
        .expect("connect to PostgreSQL");
    conn.execute_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = conn.close().await;
}

async fn prepare_template(admin_url: &str) {
    // Databases left by an earlier, killed run go first, then a template migrated by the
    // real binary, exactly as production migrates.
    let conn = Database::connect(with_database(admin_url, "postgres"))
        .await
        .expect("connect to PostgreSQL");
    let rows = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'lectern_test_%'".to_owned(),
        ))
        .await
        .expect("list databases");
    for row in rows {
        let name: String = row.try_get_by_index(0).expect("datname");
        conn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        ))
        .await
        .expect("drop stale test database");
    }
    let _ = conn.close().await;
    admin_exec(admin_url, &format!("CREATE DATABASE {TEMPLATE}")).await;
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_lectern"))
        .arg("migrate")
        .env("DATABASE_URL", with_database(admin_url, TEMPLATE))
        .env("LECTERN_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run lectern migrate");
    assert!(status.success(), "migrating the template failed");
}

impl TestDb {
    pub async fn new() -> Self {
        match postgres_url() {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("lectern.db");
                TestDb::Sqlite { _dir: dir, path }
            }
            Some(admin_url) => {
                TEMPLATE_READY
                    .get_or_init(|| prepare_template(&admin_url))
                    .await;
                let name = format!("lectern_test_{}", uuid::Uuid::new_v4().simple());
                let _guard = CREATE_LOCK.lock().await;
                admin_exec(
                    &admin_url,
                    &format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"),
                )
                .await;
                TestDb::Postgres { admin_url, name }
            }
        }
    }

    /// A database with no schema at all (PostgreSQL: not from the migrated template).
    pub async fn empty() -> Self {
        match postgres_url() {
            None => Self::new().await,
            Some(admin_url) => {
                let name = format!("lectern_test_{}", uuid::Uuid::new_v4().simple());
                let _guard = CREATE_LOCK.lock().await;
                admin_exec(&admin_url, &format!("CREATE DATABASE {name}")).await;
                TestDb::Postgres { admin_url, name }
            }
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite { path, .. } => format!("sqlite://{}?mode=rwc", path.display()),
            TestDb::Postgres { admin_url, name } => with_database(admin_url, name),
        }
    }

    /// PostgreSQL only: refuses new connections to this database and ends the open ones
    /// (an outage), or lets connections in again.
    pub async fn set_reachable(&self, reachable: bool) {
        let TestDb::Postgres { admin_url, name } = self else {
            panic!("only a PostgreSQL database can be made unreachable");
        };
        admin_exec(
            admin_url,
            &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {reachable}"),
        )
        .await;
        if !reachable {
            admin_exec(
                admin_url,
                &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
            )
            .await;
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }

    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            TestDb::Sqlite { path, .. } => Some(path),
            TestDb::Postgres { .. } => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            let admin_url = admin_url.clone();
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            // Drop runs outside any runtime guarantee, so use a private one on its own thread.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(admin_exec(&admin_url, &sql));
                }
            })
            .join();
        }
    }
}
