//! Configuration: built-in defaults, overridden by an optional `lectern.toml`, overridden by
//! `LECTERN_*` environment variables (and `DATABASE_URL`).

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`LECTERN_ADDR`).
    pub addr: String,
    /// Database URL (`DATABASE_URL` or `LECTERN_DATABASE_URL`).
    pub database_url: String,
    /// Maximum pooled database connections (`LECTERN_DB_MAX_CONNECTIONS`).
    pub db_max_connections: u32,
    /// PostgreSQL statement timeout in milliseconds (`LECTERN_DB_STATEMENT_TIMEOUT_MS`).
    pub db_statement_timeout_ms: u64,
    /// `text` or `json` (`LECTERN_LOG_FORMAT`).
    pub log_format: String,
    /// A tracing filter such as `info` or `lectern=debug,info` (`LECTERN_LOG`).
    pub log: String,
    /// Load the demo content into an empty database (`LECTERN_DEMO`).
    pub demo: bool,
    /// The first admin, created at start when no admin exists (`LECTERN_ADMIN_EMAIL`, `LECTERN_ADMIN_PASSWORD`).
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    /// Largest accepted request body in bytes (`LECTERN_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// `max-age` of public cacheable answers, in seconds (`LECTERN_CACHE_MAX_AGE`).
    pub cache_max_age: u32,
    /// HTTP worker threads; 0 means one per CPU (`LECTERN_WORKERS`).
    pub workers: usize,
    /// argon2id memory in KiB (`LECTERN_ARGON2_MEMORY_KIB`) and iterations (`LECTERN_ARGON2_ITERATIONS`).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Seconds to let in-flight requests finish on shutdown (`LECTERN_SHUTDOWN_TIMEOUT`).
    pub shutdown_timeout: u64,
    /// Memory for cached public answers in bytes; 0 turns the cache off (`LECTERN_CACHE_BYTES`).
    pub cache_bytes: usize,
    /// How often to look for changes made by other processes, in ms (`LECTERN_FEED_POLL_MS`).
    pub feed_poll_ms: u64,
    /// HS256 signing key, at least 32 bytes (`LECTERN_JWT_SECRET`); generated and stored in
    /// the database when unset.
    pub jwt_secret: Option<String>,
    /// Access token lifetime in seconds (`LECTERN_ACCESS_TOKEN_TTL`).
    pub access_token_ttl: i64,
    /// Refresh token lifetime in seconds (`LECTERN_REFRESH_TOKEN_TTL`).
    pub refresh_token_ttl: i64,
    /// Proxies whose X-Forwarded-For is believed, comma-separated IPs (`LECTERN_TRUSTED_PROXIES`).
    #[serde(deserialize_with = "list::deserialize")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Origins allowed to call the API from a browser, comma-separated (`LECTERN_CORS_ORIGINS`).
    #[serde(deserialize_with = "list::deserialize")]
    pub cors_origins: Vec<String>,
    /// How often scheduled publications are looked for, in ms (`LECTERN_SCHEDULER_MS`).
    pub scheduler_ms: u64,
    /// GraphQL schema introspection and field suggestions (`LECTERN_GRAPHQL_INTROSPECTION`).
    pub graphql_introspection: bool,
    /// GraphiQL for browsers at `GET /graphql` (`LECTERN_GRAPHIQL`).
    pub graphiql: bool,
    /// Maximum GraphQL query depth (`LECTERN_GRAPHQL_MAX_DEPTH`).
    pub graphql_max_depth: usize,
    /// Maximum GraphQL query cost (`LECTERN_GRAPHQL_MAX_COMPLEXITY`).
    pub graphql_max_complexity: usize,
    /// Maximum aliases in one GraphQL document (`LECTERN_GRAPHQL_MAX_ALIASES`).
    pub graphql_max_aliases: usize,
    /// Maximum fields in one GraphQL document, fragments expanded (`LECTERN_GRAPHQL_MAX_SELECTIONS`).
    pub graphql_max_selections: usize,
    /// Subscriptions one WebSocket may hold at once (`LECTERN_GRAPHQL_WS_MAX_SUBSCRIPTIONS`).
    pub graphql_ws_max_subscriptions: usize,
    /// WebSockets one client address may hold open (`LECTERN_GRAPHQL_WS_MAX_CONNECTIONS`).
    pub graphql_ws_max_connections: usize,
    /// Maximum operations in one batched GraphQL request (`LECTERN_GRAPHQL_MAX_BATCH`).
    pub graphql_max_batch: usize,
    /// Largest GraphQL request body in bytes (`LECTERN_GRAPHQL_MAX_BYTES`).
    pub graphql_max_bytes: usize,
    /// A persisted-query file; when set only its queries run (`LECTERN_GRAPHQL_ALLOWLIST`).
    pub graphql_allowlist: Option<String>,
    /// Bearer token for `GET /metrics` on the main listener; no metrics route when unset
    /// (`LECTERN_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// A separate address serving `GET /metrics` without a token (`LECTERN_METRICS_ADDR`).
    pub metrics_addr: Option<String>,
    /// Let webhooks reach loopback and private addresses (`LECTERN_WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
    /// How long a webhook delivery is retried, in seconds (`LECTERN_WEBHOOK_RETRY_FOR`).
    pub webhook_retry_for: u64,
    /// The first retry's delay in ms, doubling after (`LECTERN_WEBHOOK_RETRY_BASE_MS`).
    pub webhook_retry_base_ms: u64,
    /// Time allowed for one webhook request, in ms (`LECTERN_WEBHOOK_TIMEOUT_MS`).
    pub webhook_timeout_ms: u64,
    /// How often to look for due webhook deliveries, in ms (`LECTERN_WEBHOOK_POLL_MS`).
    pub webhook_poll_ms: u64,
    /// Days of change history kept for sync tokens (`LECTERN_FEED_RETENTION_DAYS`).
    pub feed_retention_days: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://lectern.db?mode=rwc".into(),
            db_max_connections: 16,
            db_statement_timeout_ms: 15_000,
            log_format: "text".into(),
            log: "info".into(),
            demo: true,
            admin_email: None,
            admin_password: None,
            max_body_bytes: 1024 * 1024,
            cache_max_age: 60,
            workers: 0,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            shutdown_timeout: 10,
            cache_bytes: 32 * 1024 * 1024,
            feed_poll_ms: 200,
            jwt_secret: None,
            access_token_ttl: 900,
            refresh_token_ttl: 30 * 24 * 3600,
            trusted_proxies: vec![],
            cors_origins: vec![],
            scheduler_ms: 1000,
            graphql_introspection: true,
            graphiql: true,
            graphql_max_depth: 10,
            graphql_max_complexity: 10_000,
            graphql_max_aliases: 30,
            graphql_max_selections: 2000,
            graphql_ws_max_subscriptions: 20,
            graphql_ws_max_connections: 20,
            graphql_max_batch: 10,
            graphql_max_bytes: 100 * 1024,
            graphql_allowlist: None,
            metrics_token: None,
            metrics_addr: None,
            webhook_allow_private: false,
            webhook_retry_for: 24 * 3600,
            webhook_retry_base_ms: 10_000,
            webhook_timeout_ms: 10_000,
            webhook_poll_ms: 1000,
            feed_retention_days: 90,
        }
    }
}

/// Every environment variable Lectern reads, with what it sets (also shown by `--help`).
pub const ENV_VARS: &[(&str, &str)] = &[
    ("LECTERN_CONFIG", "path of the TOML config file (default: ./lectern.toml if it exists)"),
    ("LECTERN_ADDR", "address to listen on (default 127.0.0.1:8080; port 0 picks a free port)"),
    ("DATABASE_URL", "sqlite://FILE?mode=rwc (default sqlite://lectern.db?mode=rwc) or postgres://USER@HOST/DB"),
    ("LECTERN_DATABASE_URL", "same as DATABASE_URL; wins when both are set"),
    ("LECTERN_DB_MAX_CONNECTIONS", "database pool size (default 16)"),
    ("LECTERN_DB_STATEMENT_TIMEOUT_MS", "PostgreSQL statement timeout in ms (default 15000)"),
    ("LECTERN_LOG", "log filter, e.g. info, warn, lectern=debug (default info)"),
    ("LECTERN_LOG_FORMAT", "text (default) or json"),
    ("LECTERN_DEMO", "load demo content into an empty database: true (default) or false"),
    ("LECTERN_ADMIN_EMAIL", "email of the first admin, created when no admin exists"),
    ("LECTERN_ADMIN_PASSWORD", "password of that admin (without both, admin@localhost gets a random password, printed once)"),
    ("LECTERN_MAX_BODY_BYTES", "largest request body in bytes (default 1048576)"),
    ("LECTERN_CACHE_MAX_AGE", "max-age in seconds of public cacheable answers (default 60)"),
    ("LECTERN_WORKERS", "HTTP worker threads, 0 = one per CPU (default 0)"),
    ("LECTERN_ARGON2_MEMORY_KIB", "argon2id memory cost in KiB (default 19456, the OWASP minimum)"),
    ("LECTERN_ARGON2_ITERATIONS", "argon2id iterations (default 2)"),
    ("LECTERN_SHUTDOWN_TIMEOUT", "seconds in-flight requests get to finish on SIGTERM/SIGINT (default 10)"),
    ("LECTERN_CACHE_BYTES", "memory for cached public answers in bytes, 0 = off (default 33554432)"),
    ("LECTERN_JWT_SECRET", "HS256 signing key, at least 32 bytes (default: generated once and stored in the database)"),
    ("LECTERN_ACCESS_TOKEN_TTL", "access token lifetime in seconds (default 900)"),
    ("LECTERN_REFRESH_TOKEN_TTL", "refresh token lifetime in seconds (default 2592000, 30 days)"),
    ("LECTERN_TRUSTED_PROXIES", "comma-separated proxy IPs whose X-Forwarded-For is believed (default none)"),
    ("LECTERN_CORS_ORIGINS", "browser origins allowed to call the API, comma-separated, e.g. https://site.example (default none)"),
    ("LECTERN_SCHEDULER_MS", "how often due scheduled publications are published, in ms (default 1000)"),
    ("LECTERN_FEED_POLL_MS", "how often to look for changes made by other instances, in ms (default 200)"),
    ("LECTERN_GRAPHQL_INTROSPECTION", "GraphQL introspection and field suggestions: true (default) or false (production)"),
    ("LECTERN_GRAPHIQL", "serve GraphiQL to browsers at GET /graphql: true (default) or false"),
    ("LECTERN_GRAPHQL_MAX_DEPTH", "deepest GraphQL query accepted (default 10)"),
    ("LECTERN_GRAPHQL_MAX_COMPLEXITY", "costliest GraphQL query accepted; lists count once per item asked for (default 10000)"),
    ("LECTERN_GRAPHQL_MAX_ALIASES", "most aliases in one GraphQL document (default 30)"),
    ("LECTERN_GRAPHQL_MAX_SELECTIONS", "most fields in one GraphQL document, counted with its fragments expanded (default 2000)"),
    ("LECTERN_GRAPHQL_WS_MAX_SUBSCRIPTIONS", "most subscriptions one GraphQL WebSocket may hold at once (default 20)"),
    ("LECTERN_GRAPHQL_WS_MAX_CONNECTIONS", "most GraphQL WebSockets one client address may hold open (default 20)"),
    ("LECTERN_GRAPHQL_MAX_BATCH", "most operations in one batched GraphQL request (default 10)"),
    ("LECTERN_GRAPHQL_MAX_BYTES", "largest GraphQL request body in bytes (default 102400)"),
    ("LECTERN_METRICS_TOKEN", "bearer token for GET /metrics (Prometheus) on the main listener; without it there is no such route"),
    ("LECTERN_METRICS_ADDR", "a separate address, e.g. 127.0.0.1:9090, serving GET /metrics without a token"),
    ("LECTERN_WEBHOOK_ALLOW_PRIVATE", "let webhooks reach loopback and private networks: false (default) or true"),
    ("LECTERN_WEBHOOK_RETRY_FOR", "seconds a webhook delivery is retried before it is marked failed (default 86400)"),
    ("LECTERN_WEBHOOK_RETRY_BASE_MS", "first retry delay in ms, doubling up to an hour, with jitter (default 10000)"),
    ("LECTERN_WEBHOOK_TIMEOUT_MS", "time allowed for one webhook request in ms (default 10000)"),
    ("LECTERN_WEBHOOK_POLL_MS", "how often each instance looks for due deliveries, in ms (default 1000)"),
    ("LECTERN_FEED_RETENTION_DAYS", "days of change history kept; older sync tokens get 410 (default 90)"),
    ("LECTERN_GRAPHQL_ALLOWLIST", "path of a persisted-query file (Apollo manifest or {sha256: query}); when set only those queries run"),
];

/// `sqlite://db/x.db?mode=rwc` in a file in `dir` becomes `sqlite://DIR/db/x.db?mode=rwc`.
fn relative_to(url: &str, dir: &Path) -> String {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return url.to_owned();
    };
    let (file, query) = rest
        .split_once('?')
        .map_or((rest, None), |(f, q)| (f, Some(q)));
    if file.is_empty() || file.starts_with(':') || Path::new(file).is_absolute() {
        return url.to_owned();
    }
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let joined = dir.join(file);
    match query {
        Some(q) => format!("sqlite://{}?{q}", joined.display()),
        None => format!("sqlite://{}", joined.display()),
    }
}

/// List settings: `"a, b"` in a file as in the environment, or a TOML array.
mod list {
    use serde::{Deserialize, Deserializer};
    use std::str::FromStr;

    pub fn split(text: &str) -> impl Iterator<Item = &str> {
        text.split(',').map(str::trim).filter(|s| !s.is_empty())
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Items(Vec<String>),
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let items: Vec<String> = match Raw::deserialize(d)? {
            Raw::Text(text) => split(&text).map(str::to_owned).collect(),
            Raw::Items(items) => items.into_iter().map(|s| s.trim().to_owned()).collect(),
        };
        items
            .iter()
            .map(|s| {
                s.parse()
                    .map_err(|e| serde::de::Error::custom(format!("{s:?}: {e}")))
            })
            .collect()
    }
}

#[derive(Debug)]
pub enum ConfigError {
    File(String),
    Env(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::File(m) | ConfigError::Env(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The GraphQL endpoint's settings, with the allow-list read and checked.
    pub fn graphql(&self) -> Result<lectern_graphql::GraphqlConfig, ConfigError> {
        let allow_list = match &self.graphql_allowlist {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ConfigError::File(format!(
                        "LECTERN_GRAPHQL_ALLOWLIST: cannot read {path}: {e}"
                    ))
                })?;
                Some(
                    lectern_graphql::persisted::load_allow_list(&text).map_err(|e| {
                        ConfigError::File(format!("LECTERN_GRAPHQL_ALLOWLIST: {path}: {e}"))
                    })?,
                )
            }
        };
        Ok(lectern_graphql::GraphqlConfig {
            introspection: self.graphql_introspection,
            graphiql: self.graphiql,
            max_depth: self.graphql_max_depth,
            max_complexity: self.graphql_max_complexity,
            max_aliases: self.graphql_max_aliases,
            max_selections: self.graphql_max_selections,
            ws_max_subscriptions: self.graphql_ws_max_subscriptions,
            ws_max_connections: self.graphql_ws_max_connections,
            max_batch: self.graphql_max_batch,
            max_bytes: self.graphql_max_bytes,
            allow_list,
            trusted_proxies: lectern_service::client::TrustedProxies(self.trusted_proxies.clone()),
            cache_max_age: self.cache_max_age,
            ..Default::default()
        })
    }

    /// Loads defaults < file < environment. `file` is the explicit `--config` path, if any.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, |k| std::env::var(k).ok())
    }

    pub fn load_from(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let explicit = file
            .map(Path::to_path_buf)
            .or_else(|| env("LECTERN_CONFIG").map(Into::into));
        let mut config = match &explicit {
            Some(path) => Self::from_file(path)?,
            None if Path::new("lectern.toml").exists() => {
                Self::from_file(Path::new("lectern.toml"))?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::File(format!(
                "cannot read the config file {}: {e}; check the path given with --config or LECTERN_CONFIG",
                path.display()
            ))
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            ConfigError::File(format!(
                "the config file {} is not valid: {}",
                path.display(),
                e.message()
            ))
        })?;
        // A relative SQLite path written in a file means a file beside it, wherever the
        // server is started from.
        let sets_database = text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("database_url"));
        if sets_database {
            let dir = path.parent().unwrap_or(Path::new("."));
            config.database_url = relative_to(&config.database_url, dir);
        }
        Ok(config)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, raw: String) -> Result<T, ConfigError> {
            raw.trim()
                .parse()
                .map_err(|_| ConfigError::Env(format!("{name}={raw:?} is not a valid value")))
        }
        fn boolean(name: &str, raw: String) -> Result<bool, ConfigError> {
            match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(ConfigError::Env(format!(
                    "{name}={raw:?} must be true or false"
                ))),
            }
        }
        if let Some(v) = env("LECTERN_ADDR") {
            self.addr = v;
        }
        if let Some(v) = env("DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("LECTERN_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("LECTERN_DB_MAX_CONNECTIONS") {
            self.db_max_connections = parse("LECTERN_DB_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env("LECTERN_DB_STATEMENT_TIMEOUT_MS") {
            self.db_statement_timeout_ms = parse("LECTERN_DB_STATEMENT_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("LECTERN_LOG") {
            self.log = v;
        }
        if let Some(v) = env("LECTERN_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = env("LECTERN_DEMO") {
            self.demo = boolean("LECTERN_DEMO", v)?;
        }
        if let Some(v) = env("LECTERN_ADMIN_EMAIL") {
            self.admin_email = Some(v);
        }
        if let Some(v) = env("LECTERN_ADMIN_PASSWORD") {
            self.admin_password = Some(v);
        }
        if let Some(v) = env("LECTERN_MAX_BODY_BYTES") {
            self.max_body_bytes = parse("LECTERN_MAX_BODY_BYTES", v)?;
        }
        if let Some(v) = env("LECTERN_CACHE_MAX_AGE") {
            self.cache_max_age = parse("LECTERN_CACHE_MAX_AGE", v)?;
        }
        if let Some(v) = env("LECTERN_WORKERS") {
            self.workers = parse("LECTERN_WORKERS", v)?;
        }
        if let Some(v) = env("LECTERN_ARGON2_MEMORY_KIB") {
            self.argon2_memory_kib = parse("LECTERN_ARGON2_MEMORY_KIB", v)?;
        }
        if let Some(v) = env("LECTERN_ARGON2_ITERATIONS") {
            self.argon2_iterations = parse("LECTERN_ARGON2_ITERATIONS", v)?;
        }
        if let Some(v) = env("LECTERN_SHUTDOWN_TIMEOUT") {
            self.shutdown_timeout = parse("LECTERN_SHUTDOWN_TIMEOUT", v)?;
        }
        if let Some(v) = env("LECTERN_CACHE_BYTES") {
            self.cache_bytes = parse("LECTERN_CACHE_BYTES", v)?;
        }
        if let Some(v) = env("LECTERN_JWT_SECRET") {
            self.jwt_secret = Some(v);
        }
        if let Some(v) = env("LECTERN_ACCESS_TOKEN_TTL") {
            self.access_token_ttl = parse("LECTERN_ACCESS_TOKEN_TTL", v)?;
        }
        if let Some(v) = env("LECTERN_REFRESH_TOKEN_TTL") {
            self.refresh_token_ttl = parse("LECTERN_REFRESH_TOKEN_TTL", v)?;
        }
        if let Some(v) = env("LECTERN_TRUSTED_PROXIES") {
            self.trusted_proxies = list::split(&v)
                .map(|s| parse("LECTERN_TRUSTED_PROXIES", s.to_owned()))
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = env("LECTERN_CORS_ORIGINS") {
            self.cors_origins = list::split(&v).map(str::to_owned).collect();
        }
        if let Some(v) = env("LECTERN_SCHEDULER_MS") {
            self.scheduler_ms = parse("LECTERN_SCHEDULER_MS", v)?;
        }
        if let Some(v) = env("LECTERN_FEED_POLL_MS") {
            self.feed_poll_ms = parse("LECTERN_FEED_POLL_MS", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_INTROSPECTION") {
            self.graphql_introspection = boolean("LECTERN_GRAPHQL_INTROSPECTION", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHIQL") {
            self.graphiql = boolean("LECTERN_GRAPHIQL", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_MAX_DEPTH") {
            self.graphql_max_depth = parse("LECTERN_GRAPHQL_MAX_DEPTH", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_MAX_COMPLEXITY") {
            self.graphql_max_complexity = parse("LECTERN_GRAPHQL_MAX_COMPLEXITY", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_MAX_ALIASES") {
            self.graphql_max_aliases = parse("LECTERN_GRAPHQL_MAX_ALIASES", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_MAX_SELECTIONS") {
            self.graphql_max_selections = parse("LECTERN_GRAPHQL_MAX_SELECTIONS", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_WS_MAX_SUBSCRIPTIONS") {
            self.graphql_ws_max_subscriptions = parse("LECTERN_GRAPHQL_WS_MAX_SUBSCRIPTIONS", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_WS_MAX_CONNECTIONS") {
            self.graphql_ws_max_connections = parse("LECTERN_GRAPHQL_WS_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_MAX_BATCH") {
            self.graphql_max_batch = parse("LECTERN_GRAPHQL_MAX_BATCH", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_MAX_BYTES") {
            self.graphql_max_bytes = parse("LECTERN_GRAPHQL_MAX_BYTES", v)?;
        }
        if let Some(v) = env("LECTERN_METRICS_TOKEN") {
            self.metrics_token = Some(v).filter(|s| !s.is_empty());
        }
        if let Some(v) = env("LECTERN_METRICS_ADDR") {
            self.metrics_addr = Some(v).filter(|s| !s.is_empty());
        }
        if let Some(v) = env("LECTERN_WEBHOOK_ALLOW_PRIVATE") {
            self.webhook_allow_private = boolean("LECTERN_WEBHOOK_ALLOW_PRIVATE", v)?;
        }
        if let Some(v) = env("LECTERN_WEBHOOK_RETRY_FOR") {
            self.webhook_retry_for = parse("LECTERN_WEBHOOK_RETRY_FOR", v)?;
        }
        if let Some(v) = env("LECTERN_WEBHOOK_RETRY_BASE_MS") {
            self.webhook_retry_base_ms = parse("LECTERN_WEBHOOK_RETRY_BASE_MS", v)?;
        }
        if let Some(v) = env("LECTERN_WEBHOOK_TIMEOUT_MS") {
            self.webhook_timeout_ms = parse("LECTERN_WEBHOOK_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("LECTERN_WEBHOOK_POLL_MS") {
            self.webhook_poll_ms = parse("LECTERN_WEBHOOK_POLL_MS", v)?;
        }
        if let Some(v) = env("LECTERN_FEED_RETENTION_DAYS") {
            self.feed_retention_days = parse("LECTERN_FEED_RETENTION_DAYS", v)?;
        }
        if let Some(v) = env("LECTERN_GRAPHQL_ALLOWLIST") {
            self.graphql_allowlist = Some(v).filter(|s| !s.trim().is_empty());
        }
        self.validate()
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.log_format != "text" && self.log_format != "json" {
            return Err(ConfigError::Env(format!(
                "log format must be text or json, not {:?}",
                self.log_format
            )));
        }
        if self.argon2_memory_kib < 19_456 || self.argon2_iterations < 2 {
            return Err(ConfigError::Env(
                "argon2 parameters below the OWASP minimum (19456 KiB, 2 iterations) are refused"
                    .into(),
            ));
        }
        if self.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(ConfigError::Env(
                "LECTERN_JWT_SECRET must be at least 32 bytes".into(),
            ));
        }
        if !(30..=86_400).contains(&self.access_token_ttl) || self.refresh_token_ttl < 300 {
            return Err(ConfigError::Env(
                "LECTERN_ACCESS_TOKEN_TTL must be 30 to 86400 seconds and LECTERN_REFRESH_TOKEN_TTL at least 300".into(),
            ));
        }
        if let Some(bad) = self
            .cors_origins
            .iter()
            .find(|o| *o == "*" || !(o.starts_with("http://") || o.starts_with("https://")))
        {
            return Err(ConfigError::Env(format!(
                "LECTERN_CORS_ORIGINS must list explicit http(s) origins, not {bad:?}"
            )));
        }
        if self.scheduler_ms < 10 {
            return Err(ConfigError::Env(
                "the scheduler interval must be at least 10 ms".into(),
            ));
        }
        if self.feed_poll_ms < 10 {
            return Err(ConfigError::Env(
                "the feed poll interval must be at least 10 ms".into(),
            ));
        }
        if self.graphql_max_depth < 3
            || self.graphql_max_complexity < 10
            || self.graphql_max_batch < 1
            || self.graphql_max_selections < 50
            || self.graphql_ws_max_subscriptions < 1
            || self.graphql_ws_max_connections < 1
        {
            return Err(ConfigError::Env(
                "GraphQL limits too small: depth at least 3, complexity at least 10, selections at least 50, batch, subscriptions and connections at least 1".into(),
            ));
        }
        if self.webhook_retry_base_ms < 10
            || self.webhook_poll_ms < 10
            || self.webhook_timeout_ms < 100
        {
            return Err(ConfigError::Env(
                "webhook intervals too small: retry base and poll at least 10 ms, timeout at least 100 ms".into(),
            ));
        }
        if self.feed_retention_days < 1 {
            return Err(ConfigError::Env(
                "LECTERN_FEED_RETENTION_DAYS must be at least 1".into(),
            ));
        }
        if self.metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(ConfigError::Env(
                "LECTERN_METRICS_TOKEN must be at least 16 characters".into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError::Env(
                "max body size must be at least 1024 bytes".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn env_overrides_file_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lectern.toml");
        std::fs::write(&path, "addr = \"0.0.0.0:9000\"\ncache_max_age = 5\n").unwrap();
        let c = Config::load_from(Some(&path), env(&[("LECTERN_CACHE_MAX_AGE", "7")])).unwrap();
        assert_eq!(c.addr, "0.0.0.0:9000");
        assert_eq!(c.cache_max_age, 7);
        assert_eq!(c.db_max_connections, 16);
    }

    #[test]
    fn bad_values_are_reported() {
        assert!(Config::load_from(None, env(&[("LECTERN_DEMO", "maybe")])).is_err());
        assert!(Config::load_from(None, env(&[("LECTERN_WORKERS", "-1")])).is_err());
        assert!(Config::load_from(None, env(&[("LECTERN_ARGON2_MEMORY_KIB", "1024")])).is_err());
    }

    #[test]
    fn list_settings_take_text_or_arrays_in_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lectern.toml");
        std::fs::write(
            &path,
            "trusted_proxies = \"10.0.0.1, 10.0.0.2\"\ncors_origins = [\"https://a.example\", \"https://b.example\"]\n",
        )
        .unwrap();
        let c = Config::load_from(Some(&path), env(&[])).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(c.cors_origins, ["https://a.example", "https://b.example"]);
        std::fs::write(
            &path,
            "cors_origins = \"https://a.example,https://b.example\"\n",
        )
        .unwrap();
        let c = Config::load_from(Some(&path), env(&[])).unwrap();
        assert_eq!(c.cors_origins, ["https://a.example", "https://b.example"]);
        std::fs::write(&path, "trusted_proxies = \"not-an-ip\"\n").unwrap();
        let e = Config::load_from(Some(&path), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not-an-ip"), "{e}");
    }

    #[test]
    fn a_relative_sqlite_path_in_a_file_is_beside_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lectern.toml");
        std::fs::write(&path, "database_url = \"sqlite://data/site.db?mode=rwc\"\n").unwrap();
        let c = Config::load_from(Some(&path), env(&[])).unwrap();
        let dir = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            c.database_url,
            format!("sqlite://{}?mode=rwc", dir.join("data/site.db").display())
        );
        // The environment's and absolute paths are left alone.
        let c = Config::load_from(Some(&path), env(&[("DATABASE_URL", "sqlite://x.db")])).unwrap();
        assert_eq!(c.database_url, "sqlite://x.db");
        assert_eq!(
            relative_to("sqlite:///abs/x.db", dir.as_path()),
            "sqlite:///abs/x.db"
        );
        assert_eq!(
            relative_to("postgres://h/db", dir.as_path()),
            "postgres://h/db"
        );
    }

    #[test]
    fn unknown_file_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        std::fs::write(&path, "adr = \"typo\"\n").unwrap();
        assert!(Config::load_from(Some(&path), env(&[])).is_err());
    }

    #[test]
    fn every_env_var_is_documented() {
        let source = include_str!("config.rs");
        for line in source.lines().filter(|l| l.contains("env(\"")) {
            let name = line
                .split("env(\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap();
            assert!(
                ENV_VARS.iter().any(|(n, _)| *n == name),
                "{name} is read but not documented"
            );
        }
    }

    /// The compose file is what `docker compose up` runs: it must name the scale-out
    /// services and only variables the server really reads.
    #[test]
    fn compose_file_matches_the_server() {
        use clap::Parser;
        let text = include_str!("../../../docker-compose.yml");
        let mut compose: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        compose.apply_merge().unwrap();
        // No known admin password to fall back on, one image build, no open metrics port.
        assert!(
            text.contains("LECTERN_ADMIN_PASSWORD: ${LECTERN_ADMIN_PASSWORD:?"),
            "the admin password must be required"
        );
        let builds: Vec<&str> = compose["services"]
            .as_mapping()
            .unwrap()
            .iter()
            .filter(|(_, s)| !s["build"].is_null())
            .filter_map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(builds, ["lectern-1"], "the image is built once");
        let services = compose["services"].as_mapping().unwrap();
        let names: Vec<&str> = services.keys().filter_map(|k| k.as_str()).collect();
        for wanted in ["postgres", "lectern-1", "lectern-2", "lb"] {
            assert!(
                names.contains(&wanted),
                "compose has no {wanted}: {names:?}"
            );
        }
        let nginx = include_str!("../../../deploy/nginx.conf");
        let lb_ip = compose["services"]["lb"]["networks"]["lectern"]["ipv4_address"]
            .as_str()
            .unwrap();
        for instance in ["lectern-1", "lectern-2"] {
            let service = &compose["services"][instance];
            let env = service["environment"].as_mapping().unwrap();
            for key in env.keys().filter_map(|k| k.as_str()) {
                assert!(
                    key == "DATABASE_URL" || ENV_VARS.iter().any(|(name, _)| *name == key),
                    "{instance} sets {key}, which the server does not read"
                );
            }
            assert_eq!(
                env[&serde_yaml::Value::from("LECTERN_TRUSTED_PROXIES")].as_str(),
                Some(lb_ip)
            );
            let check: Vec<&str> = service["healthcheck"]["test"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_str())
                .skip(1)
                .collect();
            assert!(
                crate::cli::Cli::try_parse_from(&check).is_ok(),
                "bad health check {check:?}"
            );
            assert!(
                nginx.contains(&format!("server {instance}:8080")),
                "nginx does not balance over {instance}"
            );
            assert_eq!(
                service["depends_on"]["postgres"]["condition"].as_str(),
                Some("service_healthy")
            );
            assert_eq!(service["image"].as_str(), Some("lectern:local"));
            let metrics = env[&serde_yaml::Value::from("LECTERN_METRICS_ADDR")]
                .as_str()
                .unwrap_or_default();
            assert!(
                metrics.is_empty() || metrics.starts_with("127.0.0.1:"),
                "{instance} serves metrics without a token beyond the container: {metrics}"
            );
            assert!(service["ports"].is_null(), "{instance} publishes a port");
        }
    }
}
