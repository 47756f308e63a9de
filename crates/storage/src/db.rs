use crate::Result;
use lectern_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
    TransactionOptions, TransactionTrait,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A transaction: every write of content, its revision and its change-feed row share one.
pub type Tx = sea_orm::DatabaseTransaction;

/// Commits a transaction.
pub async fn commit(tx: Tx) -> crate::Result<()> {
    Ok(tx.commit().await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl From<Backend> for sea_orm::DbBackend {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Postgres => sea_orm::DbBackend::Postgres,
            Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        }
    }
}

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub url: String,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// PostgreSQL `statement_timeout`; none on SQLite.
    pub statement_timeout: Option<Duration>,
    /// Whether a missing SQLite file is created (only `serve` and `migrate` do that).
    pub create_if_missing: bool,
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Some(Duration::from_secs(15)),
            create_if_missing: true,
        }
    }
}

/// The connection pool, plus a count of statements run, which tests read to prove that a
/// request costs a bounded number of queries.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// Where write transactions run. On SQLite a pool of one connection: the database has
    /// one writer at a time by design, so writers wait their turn in the pool's queue (in
    /// order, without polling) instead of each holding a connection and retrying on
    /// SQLITE_BUSY. On PostgreSQL the same pool as reads.
    writer: DatabaseConnection,
    backend: Backend,
    statements: Arc<AtomicU64>,
    max_connections: u32,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    pub async fn connect(options: &DbOptions) -> Result<Self> {
        let backend =
            if options.url.starts_with("postgres://") || options.url.starts_with("postgresql://") {
                Backend::Postgres
            } else {
                Backend::Sqlite
            };
        let mut connect = ConnectOptions::new(options.url.clone());
        connect
            .max_connections(options.max_connections)
            .min_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .connect_timeout(options.acquire_timeout)
            // sqlx pings every connection before lending it out by default: a second round
            // trip per query. Broken connections surface as errors and are replaced anyway.
            .test_before_acquire(false)
            .sqlx_logging(false);
        let create = options.create_if_missing;
        match backend {
            Backend::Sqlite => {
                // WAL lets readers run beside the writer; FULL sync makes an acknowledged
                // commit survive power loss, not only a crash of the process.
                connect.map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(create)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                        .pragma("temp_store", "memory")
                });
            }
            Backend::Postgres => {
                if let Some(timeout) = options.statement_timeout {
                    let ms = timeout.as_millis().to_string();
                    connect.map_sqlx_postgres_opts(move |o| {
                        o.options([("statement_timeout", ms.as_str())])
                    });
                }
            }
        }
        let statements = Arc::new(AtomicU64::new(0));
        let counted = |mut conn: DatabaseConnection| {
            let counter = statements.clone();
            conn.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
            conn
        };
        let writer = match backend {
            Backend::Sqlite => {
                let mut one = connect.clone();
                one.max_connections(1).min_connections(1);
                Some(counted(Database::connect(one).await?))
            }
            Backend::Postgres => None,
        };
        let conn = counted(Database::connect(connect).await?);
        Ok(Self {
            writer: writer.unwrap_or_else(|| conn.clone()),
            conn,
            backend,
            statements,
            max_connections: options.max_connections,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// On PostgreSQL, a listener for change-feed commits by any process (`LISTEN
    /// lectern_feed`); None on SQLite, where the feed is polled.
    pub async fn feed_listener(&self) -> Result<Option<FeedListener>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let pool = self.conn.get_postgres_connection_pool();
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool)
            .await
            .map_err(crate::StorageError::unavailable)?;
        listener
            .listen("lectern_feed")
            .await
            .map_err(crate::StorageError::unavailable)?;
        Ok(Some(FeedListener(listener)))
    }

    /// How the connection pool is used now.
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle) = match self.backend {
            Backend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle() as u32)
            }
            Backend::Sqlite => {
                let pool = self.conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle() as u32)
            }
        };
        PoolStats {
            size,
            idle,
            max: self.max_connections,
        }
    }

    /// Statements run through this pool so far.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Brings the schema up to date. On PostgreSQL an advisory lock makes instances that start
    /// together take turns, so two never run the same migration at once.
    pub async fn migrate(&self) -> Result<()> {
        // The usual start: nothing to do. One cheap count says so, where the migrator would
        // inspect the catalog first (tens of milliseconds on PostgreSQL, most of a cold start).
        if self.migrations_applied().await == Some(Migrator::migrations().len() as i64) {
            return Ok(());
        }
        match self.backend {
            Backend::Sqlite => Migrator::up(&self.conn, None).await?,
            Backend::Postgres => {
                // The lock is held by one session, so run everything on one connection.
                let tx = self.conn.begin().await?;
                tx.execute_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(7304617526354125)",
                ))
                .await?;
                Migrator::up(&tx, None).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// On PostgreSQL, holds a lock that instances starting together take in turn, so that
    /// the first-start work (the first admin, the demo content, the search index) is done by
    /// one while the others wait and then find it done. Nothing to hold on SQLite.
    pub async fn startup_lock(&self) -> Result<StartupLock> {
        if self.backend != Backend::Postgres {
            return Ok(StartupLock(None));
        }
        let unavailable = |e: sea_orm::sqlx::Error| crate::StorageError::unavailable(e);
        let mut conn = self
            .conn
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(unavailable)?;
        sea_orm::sqlx::query("SELECT pg_advisory_lock(7304617526354127)")
            .execute(&mut *conn)
            .await
            .map_err(unavailable)?;
        Ok(StartupLock(Some(conn)))
    }

    /// How many migrations the database records as applied; None before the first.
    /// Whether every migration this build knows is recorded: the schema is this release's.
    pub async fn is_up_to_date(&self) -> bool {
        self.migrations_applied().await == Some(Migrator::migrations().len() as i64)
    }

    async fn migrations_applied(&self) -> Option<i64> {
        let db = DbBackend::from(self.backend);
        let row = self
            .conn
            .query_one_raw(Statement::from_string(
                db,
                "SELECT COUNT(*) AS n FROM seaql_migrations",
            ))
            .await
            .ok()??;
        row.try_get::<i64>("", "n").ok()
    }

    /// Starts a write transaction, on the writer. On SQLite it also takes the write lock up
    /// front (BEGIN IMMEDIATE), so the few writes made outside it (autocommit statements)
    /// wait for it rather than failing with SQLITE_BUSY on a lock upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        let options = TransactionOptions {
            sqlite_transaction_mode: match self.backend {
                Backend::Sqlite => Some(sea_orm::SqliteTransactionMode::Immediate),
                Backend::Postgres => None,
            },
            ..Default::default()
        };
        Ok(self.writer.begin_with_options(options).await?)
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.conn.ping().await?)
    }

    /// `PRAGMA integrity_check` on SQLite; always "ok" elsewhere.
    pub async fn integrity_check(&self) -> Result<String> {
        if self.backend != Backend::Sqlite {
            return Ok("ok".into());
        }
        let row = self
            .conn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?;
        Ok(row
            .and_then(|r| r.try_get_by_index::<String>(0).ok())
            .unwrap_or_default())
    }

    pub async fn close(self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.writer.close().await?;
        }
        Ok(self.conn.close().await?)
    }
}

/// A `LISTEN lectern_feed` connection.
pub struct FeedListener(sea_orm::sqlx::postgres::PgListener);

/// What a feed listener heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSignal {
    /// Some process committed a change.
    Changed,
    /// The connection dropped and was made again: notifications may have been missed.
    Reconnected,
    /// The listener failed; make a new one.
    Failed(String),
}

impl FeedListener {
    pub async fn next(&mut self) -> FeedSignal {
        match self.0.try_recv().await {
            Ok(Some(_)) => FeedSignal::Changed,
            Ok(None) => FeedSignal::Reconnected,
            Err(e) => FeedSignal::Failed(e.to_string()),
        }
    }
}

/// Connection pool figures.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// See [`Db::startup_lock`].
pub struct StartupLock(Option<sea_orm::sqlx::pool::PoolConnection<sea_orm::sqlx::Postgres>>);

impl StartupLock {
    /// Lets the next instance go: closing the session releases its lock (a connection that
    /// went back to the pool would keep it).
    pub async fn release(self) {
        if let Some(conn) = self.0 {
            let _ = conn.close().await;
        }
    }
}
