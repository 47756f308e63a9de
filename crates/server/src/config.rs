//! Configuration: built-in defaults, overridden by an optional `lectern.toml`, overridden by
//! `LECTERN_*` environment variables (and `DATABASE_URL`).

use serde::Deserialize;
use std::path::Path;

/// Declares each setting once: its field, type, default, variable and help line; the struct,
/// its defaults, the environment overrides and `--help` all come from this table.
macro_rules! settings {
    ($($(#[$attr:meta])* $field:ident: $ty:ty = $default:expr, $env:literal, $help:literal;)*) => {
        #[derive(Debug, Clone, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Config {
            $($(#[$attr])* #[doc = $help] pub $field: $ty,)*
        }

        impl Default for Config {
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        /// Every environment variable Lectern reads, with what it sets (also shown by `--help`).
        pub const ENV_VARS: &[(&str, &str)] = &[
            ("LECTERN_CONFIG", "path of the TOML config file (default: ./lectern.toml if it exists)"),
            ("DATABASE_URL", "sqlite://FILE?mode=rwc (default sqlite://lectern.db?mode=rwc) or postgres://USER@HOST/DB"),
            $(($env, $help),)*
        ];

        impl Config {
            fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
                if let Some(v) = env("DATABASE_URL") {
                    self.database_url = v;
                }
                $(if let Some(v) = env($env) {
                    self.$field = FromEnv::from_env($env, v)?;
                })*
                self.validate()
            }
        }
    };
}

settings! {
    addr: String = "127.0.0.1:8080".into(),
        "LECTERN_ADDR", "address to listen on (default 127.0.0.1:8080; port 0 picks a free port)";
    database_url: String = "sqlite://lectern.db?mode=rwc".into(),
        "LECTERN_DATABASE_URL", "same as DATABASE_URL; wins when both are set";
    db_max_connections: u32 = 16,
        "LECTERN_DB_MAX_CONNECTIONS", "database pool size (default 16)";
    db_statement_timeout_ms: u64 = 15_000,
        "LECTERN_DB_STATEMENT_TIMEOUT_MS", "PostgreSQL statement timeout in ms (default 15000)";
    log_format: String = "text".into(),
        "LECTERN_LOG_FORMAT", "text (default) or json";
    log: String = "info".into(),
        "LECTERN_LOG", "log filter, e.g. info, warn, lectern=debug (default info)";
    demo: bool = true,
        "LECTERN_DEMO", "load demo content into an empty database: true (default) or false";
    admin_email: Option<String> = None,
        "LECTERN_ADMIN_EMAIL", "email of the first admin, created when no admin exists";
    admin_password: Option<String> = None,
        "LECTERN_ADMIN_PASSWORD", "password of that admin (without both, admin@localhost gets a random password, printed once)";
    max_body_bytes: usize = 1024 * 1024,
        "LECTERN_MAX_BODY_BYTES", "largest request body in bytes (default 1048576)";
    cache_max_age: u32 = 60,
        "LECTERN_CACHE_MAX_AGE", "max-age in seconds of public cacheable answers (default 60)";
    workers: usize = 0,
        "LECTERN_WORKERS", "HTTP worker threads, 0 = one per CPU (default 0)";
    argon2_memory_kib: u32 = 19_456,
        "LECTERN_ARGON2_MEMORY_KIB", "argon2id memory cost in KiB (default 19456, the OWASP minimum)";
    argon2_iterations: u32 = 2,
        "LECTERN_ARGON2_ITERATIONS", "argon2id iterations (default 2)";
    shutdown_timeout: u64 = 10,
        "LECTERN_SHUTDOWN_TIMEOUT", "seconds in-flight requests get to finish on SIGTERM/SIGINT (default 10)";
    cache_bytes: usize = 32 * 1024 * 1024,
        "LECTERN_CACHE_BYTES", "memory for cached public answers in bytes, 0 = off (default 33554432)";
    feed_poll_ms: u64 = 200,
        "LECTERN_FEED_POLL_MS", "how often to look for changes made by other instances, in ms (default 200)";
    jwt_secret: Option<String> = None,
        "LECTERN_JWT_SECRET", "HS256 signing key, at least 32 bytes (default: generated once and stored in the database)";
    access_token_ttl: i64 = 900,
        "LECTERN_ACCESS_TOKEN_TTL", "access token lifetime in seconds (default 900)";
    refresh_token_ttl: i64 = 30 * 24 * 3600,
        "LECTERN_REFRESH_TOKEN_TTL", "refresh token lifetime in seconds (default 2592000, 30 days)";
    #[serde(deserialize_with = "list::deserialize")]
    trusted_proxies: Vec<std::net::IpAddr> = vec![],
        "LECTERN_TRUSTED_PROXIES", "comma-separated proxy IPs whose X-Forwarded-For is believed (default none)";
    #[serde(deserialize_with = "list::deserialize")]
    cors_origins: Vec<String> = vec![],
        "LECTERN_CORS_ORIGINS", "browser origins allowed to call the API, comma-separated, e.g. https://site.example (default none)";
    scheduler_ms: u64 = 1000,
        "LECTERN_SCHEDULER_MS", "how often due scheduled publications are published, in ms (default 1000)";
    graphql_introspection: bool = true,
        "LECTERN_GRAPHQL_INTROSPECTION", "GraphQL introspection and field suggestions: true (default) or false (production)";
    graphiql: bool = true,
        "LECTERN_GRAPHIQL", "serve GraphiQL to browsers at GET /graphql: true (default) or false";
    graphql_max_depth: usize = 10,
        "LECTERN_GRAPHQL_MAX_DEPTH", "deepest GraphQL query accepted (default 10)";
    graphql_max_complexity: usize = 10_000,
        "LECTERN_GRAPHQL_MAX_COMPLEXITY", "costliest GraphQL query accepted; lists count once per item asked for (default 10000)";
    graphql_max_aliases: usize = 30,
        "LECTERN_GRAPHQL_MAX_ALIASES", "most aliases in one GraphQL document (default 30)";
    graphql_max_selections: usize = 2000,
        "LECTERN_GRAPHQL_MAX_SELECTIONS", "most fields in one GraphQL document, counted with its fragments expanded (default 2000)";
    graphql_ws_max_subscriptions: usize = 20,
        "LECTERN_GRAPHQL_WS_MAX_SUBSCRIPTIONS", "most subscriptions one GraphQL WebSocket may hold at once (default 20)";
    graphql_ws_max_connections: usize = 20,
        "LECTERN_GRAPHQL_WS_MAX_CONNECTIONS", "most GraphQL WebSockets one client address may hold open (default 20)";
    graphql_max_batch: usize = 10,
        "LECTERN_GRAPHQL_MAX_BATCH", "most operations in one batched GraphQL request (default 10)";
    graphql_max_bytes: usize = 100 * 1024,
        "LECTERN_GRAPHQL_MAX_BYTES", "largest GraphQL request body in bytes (default 102400)";
    graphql_allowlist: Option<String> = None,
        "LECTERN_GRAPHQL_ALLOWLIST", "path of a persisted-query file (Apollo manifest or {sha256: query}); when set only those queries run";
    metrics_token: Option<String> = None,
        "LECTERN_METRICS_TOKEN", "bearer token for GET /metrics (Prometheus) on the main listener; without it there is no such route";
    metrics_addr: Option<String> = None,
        "LECTERN_METRICS_ADDR", "a separate address, e.g. 127.0.0.1:9090, serving GET /metrics without a token";
    webhook_allow_private: bool = false,
        "LECTERN_WEBHOOK_ALLOW_PRIVATE", "let webhooks reach loopback and private networks: false (default) or true";
    webhook_retry_for: u64 = 24 * 3600,
        "LECTERN_WEBHOOK_RETRY_FOR", "seconds a webhook delivery is retried before it is marked failed (default 86400)";
    webhook_retry_base_ms: u64 = 10_000,
        "LECTERN_WEBHOOK_RETRY_BASE_MS", "first retry delay in ms, doubling up to an hour, with jitter (default 10000)";
    webhook_timeout_ms: u64 = 10_000,
        "LECTERN_WEBHOOK_TIMEOUT_MS", "time allowed for one webhook request in ms (default 10000)";
    webhook_poll_ms: u64 = 1000,
        "LECTERN_WEBHOOK_POLL_MS", "how often each instance looks for due deliveries, in ms (default 1000)";
    feed_retention_days: u64 = 90,
        "LECTERN_FEED_RETENTION_DAYS", "days of change history kept; older sync tokens get 410 (default 90)";
    assets_dir: Option<String> = None,
        "LECTERN_ASSETS_DIR", "folder for uploaded files (default: assets/ beside the SQLite file, or ./assets)";
    s3_bucket: Option<String> = None,
        "LECTERN_S3_BUCKET", "keep uploaded files in this S3 bucket instead, for several instances to share";
    s3_endpoint: Option<String> = None,
        "LECTERN_S3_ENDPOINT", "endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000 (default: AWS)";
    s3_region: String = "us-east-1".into(),
        "LECTERN_S3_REGION", "the bucket's region (default us-east-1)";
    s3_access_key_id: Option<String> = None,
        "LECTERN_S3_ACCESS_KEY_ID", "access key of the S3 store";
    s3_secret_access_key: Option<String> = None,
        "LECTERN_S3_SECRET_ACCESS_KEY", "secret key of the S3 store";
    max_upload_bytes: u64 = 25 * 1024 * 1024,
        "LECTERN_MAX_UPLOAD_BYTES", "largest uploaded file in bytes (default 26214400, 25 MiB)";
    asset_presets: String = "160,320,400,640,800,1024,1280,1600,1920,2560".into(),
        "LECTERN_ASSET_PRESETS", "the image widths and heights a request may ask for, comma-separated (default 160,320,400,640,800,1024,1280,1600,1920,2560)";
    asset_max_pixels: u64 = 50_000_000,
        "LECTERN_ASSET_MAX_PIXELS", "images with more pixels are refused before decoding (default 50000000)";
    asset_transforms: usize = 2,
        "LECTERN_ASSET_TRANSFORMS", "how many image derivatives are made at once (default 2)";
    locales: String = "en,fr".into(),
        "LECTERN_LOCALES", "the locales content is written in, as BCP 47 tags, comma-separated; the first is the default and the language of every entry, `de-CH->de` gives a fallback before the default (default en,fr)";
}

impl Config {
    pub fn locale_set(&self) -> Result<lectern_domain::Locales, String> {
        lectern_domain::Locales::parse(&self.locales)
    }

    /// The allowed image sizes of `asset_presets`.
    pub fn preset_widths(&self) -> Result<Vec<u32>, String> {
        list::split(&self.asset_presets)
            .map(|w| match w.parse::<u32>() {
                Ok(n) if (1..=8192).contains(&n) => Ok(n),
                _ => Err(format!("{w} is not a width")),
            })
            .collect()
    }
}

/// How a setting's type reads an environment variable's text.
trait FromEnv: Sized {
    fn from_env(name: &str, raw: String) -> Result<Self, ConfigError>;
}

fn invalid(name: &str, raw: &str, wanted: &str) -> ConfigError {
    ConfigError::Env(format!("{name}={raw:?} {wanted}"))
}

macro_rules! parsed_from_env {
    ($($ty:ty),*) => {$(
        impl FromEnv for $ty {
            fn from_env(name: &str, raw: String) -> Result<Self, ConfigError> {
                raw.trim().parse().map_err(|_| invalid(name, &raw, "is not a valid value"))
            }
        }
    )*};
}
parsed_from_env!(u32, u64, usize, i64);

impl FromEnv for String {
    fn from_env(_: &str, raw: String) -> Result<Self, ConfigError> {
        Ok(raw)
    }
}

/// An empty variable unsets an optional setting.
impl FromEnv for Option<String> {
    fn from_env(_: &str, raw: String) -> Result<Self, ConfigError> {
        Ok(Some(raw).filter(|s| !s.trim().is_empty()))
    }
}

impl FromEnv for bool {
    fn from_env(name: &str, raw: String) -> Result<Self, ConfigError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(invalid(name, &raw, "must be true or false")),
        }
    }
}

impl FromEnv for Vec<String> {
    fn from_env(_: &str, raw: String) -> Result<Self, ConfigError> {
        Ok(list::split(&raw).map(str::to_owned).collect())
    }
}

impl FromEnv for Vec<std::net::IpAddr> {
    fn from_env(name: &str, raw: String) -> Result<Self, ConfigError> {
        list::split(&raw)
            .map(|s| {
                s.parse()
                    .map_err(|_| invalid(name, s, "is not an IP address"))
            })
            .collect()
    }
}

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

    fn validate(&self) -> Result<(), ConfigError> {
        let origin = self
            .cors_origins
            .iter()
            .find(|o| *o == "*" || !(o.starts_with("http://") || o.starts_with("https://")));
        let rules = [
            (self.log_format != "text" && self.log_format != "json", format!("log format must be text or json, not {:?}", self.log_format)),
            (self.argon2_memory_kib < 19_456 || self.argon2_iterations < 2, "argon2 parameters below the OWASP minimum (19456 KiB, 2 iterations) are refused".into()),
            (self.jwt_secret.as_ref().is_some_and(|s| s.len() < 32), "LECTERN_JWT_SECRET must be at least 32 bytes".into()),
            (!(30..=86_400).contains(&self.access_token_ttl) || self.refresh_token_ttl < 300, "LECTERN_ACCESS_TOKEN_TTL must be 30 to 86400 seconds and LECTERN_REFRESH_TOKEN_TTL at least 300".into()),
            (origin.is_some(), format!("LECTERN_CORS_ORIGINS must list explicit http(s) origins, not {:?}", origin.map_or("", |o| o))),
            (self.scheduler_ms < 10, "the scheduler interval must be at least 10 ms".into()),
            (self.feed_poll_ms < 10, "the feed poll interval must be at least 10 ms".into()),
            (self.graphql_max_depth < 3 || self.graphql_max_complexity < 10 || self.graphql_max_batch < 1 || self.graphql_max_selections < 50 || self.graphql_ws_max_subscriptions < 1 || self.graphql_ws_max_connections < 1,
                "GraphQL limits too small: depth at least 3, complexity at least 10, selections at least 50, batch, subscriptions and connections at least 1".into()),
            (self.webhook_retry_base_ms < 10 || self.webhook_poll_ms < 10 || self.webhook_timeout_ms < 100, "webhook intervals too small: retry base and poll at least 10 ms, timeout at least 100 ms".into()),
            (self.feed_retention_days < 1, "LECTERN_FEED_RETENTION_DAYS must be at least 1".into()),
            (self.preset_widths().is_err(), "LECTERN_ASSET_PRESETS must list widths from 1 to 8192, comma-separated".into()),
            (self.asset_transforms < 1, "LECTERN_ASSET_TRANSFORMS must be at least 1".into()),
            (self.locale_set().is_err(), format!("LECTERN_LOCALES: {}", self.locale_set().err().unwrap_or_default())),
            (self.metrics_token.as_ref().is_some_and(|t| t.len() < 16), "LECTERN_METRICS_TOKEN must be at least 16 characters".into()),
            (self.max_body_bytes < 1024, "max body size must be at least 1024 bytes".into()),
        ];
        match rules.into_iter().find(|(broken, _)| *broken) {
            Some((_, message)) => Err(ConfigError::Env(message)),
            None => Ok(()),
        }
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
    fn each_env_var_sets_one_thing() {
        let mut names: Vec<&str> = ENV_VARS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ENV_VARS.len());
        let c = Config::load_from(
            None,
            env(&[
                ("LECTERN_GRAPHIQL", "off"),
                ("LECTERN_TRUSTED_PROXIES", "10.0.0.1, ::1"),
            ]),
        )
        .unwrap();
        assert!(!c.graphiql);
        assert_eq!(c.trusted_proxies.len(), 2);
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
