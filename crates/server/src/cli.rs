//! Command-line interface.

use crate::config::{Config, ENV_VARS};
use crate::{app, bootstrap, BoxResult};
use clap::{Parser, Subcommand};
use lectern_service::passwords::PasswordParams;
use lectern_service::{Db, DbOptions, NewUser, Service, ServiceConfig};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "lectern",
    version,
    about = "Lectern: a headless CMS back end for articles and technology profiles, over REST and GraphQL.",
    after_long_help = env_help(),
    after_help = "Run `lectern --help` for every environment variable."
)]
pub struct Cli {
    /// Configuration file (TOML); default ./lectern.toml when it exists.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database, create the first admin and demo content if needed, and serve HTTP.
    Serve {
        /// Do not load demo content into an empty database (same as LECTERN_DEMO=false).
        #[arg(long)]
        no_demo: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Write the published content as files for a static site generator: Markdown with front
    /// matter (Hugo, Eleventy) or JSON with an index. Prints the token for `--since`.
    Export {
        /// The folder to write; a full export replaces it only once complete.
        #[arg(long)]
        out: PathBuf,
        /// `markdown` or `json`.
        #[arg(long, default_value = "markdown")]
        format: String,
        /// The token printed by an earlier export into the same folder: rewrite only what
        /// changed since, and remove what was deleted or unpublished.
        #[arg(long)]
        since: Option<String>,
    },
    /// Exit 0 when a running Lectern answers 200 at URL (for container health checks, where
    /// the image has no curl).
    Health {
        /// A base URL (`http://host:port`) or a full one (`http://host:port/readyz`); by
        /// default the address the server is configured to listen on.
        #[arg(long)]
        url: Option<String>,
    },
    /// Serve a fixed body of BYTES bytes on every path with a bare actix-web handler: the
    /// ceiling this machine allows, which the benchmarks compare Lectern with.
    #[command(hide = true)]
    BareHandler {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: String,
        #[arg(long, default_value_t = 1024)]
        bytes: usize,
    },
    /// Fill the database with generated published articles (for benchmarks and trying
    /// Lectern at scale); they link the demo technologies when those exist.
    Seed {
        /// How many articles to create.
        #[arg(long, default_value_t = 10_000)]
        articles: usize,
    },
    /// Print a published contract: the OpenAPI document (`openapi`) or the GraphQL SDL (`graphql`).
    Schema {
        #[arg(value_parser = ["openapi", "graphql"])]
        which: String,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input, so it never shows in `ps`.
    Create {
        #[arg(long)]
        email: String,
        /// admin, editor or author.
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn env_help() -> String {
    let mut out = String::from(
        "Environment variables (they override lectern.toml, which overrides the defaults):\n",
    );
    for (name, what) in ENV_VARS {
        out.push_str(&format!("  {name:<32} {what}\n"));
    }
    out
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour only for a person at a terminal; files and log collectors get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let _ = if config.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Whether a command may create and migrate the database, or needs one that exists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `serve` and `migrate`.
    CreateOrMigrate,
    /// Every other command: a missing or unmigrated database is an error, not a new one.
    Existing,
}

/// The file a `sqlite://` URL names, if it does.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or_default();
    (!file.is_empty() && !file.starts_with(':')).then(|| std::path::PathBuf::from(file))
}

async fn open_database(config: &Config, open: Open) -> BoxResult<Db> {
    let url = redact(&config.database_url);
    let remedy = "run `lectern migrate` (or `lectern serve`) there first, or point DATABASE_URL at the right database";
    if open == Open::Existing {
        if let Some(file) = sqlite_file(&config.database_url).filter(|f| !f.exists()) {
            let shown = std::path::absolute(&file).unwrap_or(file);
            return Err(format!(
                "there is no database at {url} ({} does not exist): {remedy}",
                shown.display()
            )
            .into());
        }
    }
    let mut options = DbOptions::new(config.database_url.clone());
    options.max_connections = config.db_max_connections.max(1);
    options.statement_timeout = Some(Duration::from_millis(config.db_statement_timeout_ms));
    options.create_if_missing = open == Open::CreateOrMigrate;
    let connecting = std::time::Instant::now();
    let db = Db::connect(&options).await.map_err(|e| {
        format!(
            "cannot open the database {url}: {}; check that it exists and that DATABASE_URL is right",
            e
        )
    })?;
    tracing::debug!(
        elapsed_ms = connecting.elapsed().as_millis() as u64,
        "connected"
    );
    match open {
        Open::CreateOrMigrate => db
            .migrate()
            .await
            .map_err(|e| format!("bringing the database {url} up to date failed: {}", e))?,
        Open::Existing if !db.is_up_to_date().await => {
            return Err(format!(
                "the database at {url} has no Lectern schema, or one from another release: {remedy}"
            )
            .into())
        }
        Open::Existing => {}
    }
    Ok(db)
}

/// Where uploaded files live: an S3 bucket when one is configured, else a folder.
fn blobs(config: &Config) -> BoxResult<lectern_service::assets::Blobs> {
    use lectern_service::assets::{Blobs, S3Options};
    if let Some(bucket) = &config.s3_bucket {
        return Ok(Blobs::s3(&S3Options {
            endpoint: config.s3_endpoint.clone(),
            bucket: bucket.clone(),
            region: config.s3_region.clone(),
            access_key_id: config.s3_access_key_id.clone(),
            secret_access_key: config.s3_secret_access_key.clone(),
        })?);
    }
    let dir = match &config.assets_dir {
        Some(dir) => std::path::PathBuf::from(dir),
        None => sqlite_file(&config.database_url)
            .and_then(|f| f.parent().map(|p| p.join("assets")))
            .unwrap_or_else(|| "assets".into()),
    };
    Ok(Blobs::local(&dir)?)
}

fn service_config(config: &Config) -> BoxResult<ServiceConfig> {
    Ok(ServiceConfig {
        locales: config.locale_set()?,
        assets: lectern_service::assets::AssetConfig {
            blobs: Some(blobs(config)?),
            max_upload_bytes: config.max_upload_bytes,
            max_pixels: config.asset_max_pixels,
            widths: config.preset_widths()?,
            transforms: std::sync::Arc::new(tokio::sync::Semaphore::new(config.asset_transforms)),
        },
        password: PasswordParams {
            memory_kib: config.argon2_memory_kib,
            iterations: config.argon2_iterations,
            parallelism: 1,
        },
        public_cache_bytes: config.cache_bytes,
        feed_retention: Duration::from_secs(config.feed_retention_days * 24 * 3600),
        webhooks: lectern_service::webhooks::WebhookConfig {
            allow_private: config.webhook_allow_private,
            retry_for: Duration::from_secs(config.webhook_retry_for),
            retry_base: Duration::from_millis(config.webhook_retry_base_ms),
            timeout: Duration::from_millis(config.webhook_timeout_ms),
            poll: Duration::from_millis(config.webhook_poll_ms),
        },
        auth: lectern_service::AuthConfig {
            access_ttl: chrono::Duration::seconds(config.access_token_ttl),
            refresh_ttl: chrono::Duration::seconds(config.refresh_token_ttl),
            ..Default::default()
        },
    })
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

pub async fn run(cli: Cli) -> BoxResult<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve { no_demo } => {
            if no_demo {
                config.demo = false;
            }
            serve(config).await
        }
        Command::Schema { which } => {
            match which.as_str() {
                "openapi" => println!("{}", lectern_rest::openapi::json()),
                "graphql" => print!("{}", lectern_graphql::sdl()),
                other => return Err(format!("unknown schema {other}").into()),
            }
            Ok(())
        }
        Command::Export { out, format, since } => {
            init_tracing(&config);
            let format = crate::export::Format::parse(&format)?;
            let db = open_database(&config, Open::Existing).await?;
            let service = Service::new(db, service_config(&config)?);
            service
                .init_signing_key(config.jwt_secret.as_deref())
                .await
                .map_err(|e| format!("setting up token signing failed: {e}"))?;
            let started = std::time::Instant::now();
            let done = crate::export::run(&service, &out, format, since.as_deref()).await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "exported {} items and removed {} to {} in {secs:.1}s ({:.0} items/s)",
                done.written,
                done.removed,
                out.display(),
                done.written as f64 / secs.max(0.001)
            );
            if done.files > 0 {
                println!("copied {} asset files into the site", done.files);
            }
            println!(
                "next time: lectern export --out {} --format {} --since {}",
                out.display(),
                match format {
                    crate::export::Format::Json => "json",
                    crate::export::Format::Markdown => "markdown",
                },
                done.next_token
            );
            Ok(())
        }
        Command::BareHandler { addr, bytes } => bare_handler(&addr, bytes, &config).await,
        Command::Health { url } => {
            let url = health_url(url.as_deref(), &config.addr);
            health(&url).map_err(|e| format!("unhealthy: {url}: {e}").into())
        }
        Command::Migrate => {
            init_tracing(&config);
            let db = open_database(&config, Open::CreateOrMigrate).await?;
            db.close().await?;
            println!("database {} is up to date", redact(&config.database_url));
            Ok(())
        }
        Command::Seed { articles } => {
            init_tracing(&config);
            let db = open_database(&config, Open::Existing).await?;
            let service = Service::new(db, service_config(&config)?);
            crate::seed::articles(&service, &config, articles).await
        }
        Command::User { command } => match command {
            UserCommand::Create {
                email,
                role,
                display_name,
                password_stdin: _,
            } => {
                init_tracing(&config);
                let mut password = String::new();
                std::io::stdin().read_to_string(&mut password)?;
                let password = password.trim_end_matches(['\n', '\r']).to_owned();
                let db = open_database(&config, Open::Existing).await?;
                let service = Service::new(db, service_config(&config)?);
                let user = service
                    .create_user(
                        None,
                        NewUser {
                            email,
                            display_name,
                            role,
                            password,
                        },
                    )
                    .await
                    .map_err(|e| match e {
                        lectern_service::Error::Validation(errors) => errors
                            .iter()
                            .map(|f| f.to_string())
                            .collect::<Vec<_>>()
                            .join("; "),
                        other => other.to_string(),
                    })?;
                println!("created {} {} ({})", user.role, user.email, user.id);
                Ok(())
            }
        },
    }
}

async fn serve(config: Config) -> BoxResult<()> {
    init_tracing(&config);
    let started = std::time::Instant::now();
    let lap = || started.elapsed().as_millis() as u64;
    let db = open_database(&config, Open::CreateOrMigrate).await?;
    tracing::debug!(elapsed_ms = lap(), "database open");
    let service = Service::new(db.clone(), service_config(&config)?);
    let startup = db
        .startup_lock()
        .await
        .map_err(|e| format!("waiting for other instances to start failed: {e}"))?;
    service
        .init_signing_key(config.jwt_secret.as_deref())
        .await
        .map_err(|e| format!("setting up token signing failed: {e}"))?;
    let admin = bootstrap::ensure_admin(&service, &config).await?;
    let demo = bootstrap::maybe_load_demo(&service, &config).await?;
    tracing::debug!(elapsed_ms = lap(), "admin and demo checked");
    let indexed = service
        .ensure_search_index()
        .await
        .map_err(|e| format!("building the search index failed: {e}"))?;
    if indexed > 0 {
        tracing::info!(indexed, "search index built");
    }
    startup.release().await;
    // Views stored in an older shape are rewritten in the background; until then reads build
    // them, so the server is ready at once and never serves the old shape.
    let rebuilder = service.clone();
    tokio::spawn(async move {
        match rebuilder.rebuild_stale_views().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rebuilt = n, "stored views rebuilt in the current shape"),
            Err(e) => {
                tracing::warn!(error = %lectern_service::Chain(&e), "rebuilding stored views failed")
            }
        }
    });
    service.check_feed().await;
    let webhooks = service.run_webhooks();
    let watcher = service.watch_feed(Duration::from_millis(config.feed_poll_ms));
    let scheduler = service.run_scheduler(Duration::from_millis(config.scheduler_ms));
    tracing::debug!(elapsed_ms = lap(), "workers started");
    let bound = app::bind(&config, service)?;
    tracing::debug!(elapsed_ms = lap(), "listening");
    let base = bound
        .addrs
        .first()
        .map(|a| format!("http://{a}"))
        .unwrap_or_else(|| format!("http://{}", config.addr));
    let mut banner = format!(
        "Lectern {} listening on {base}\n  database  {}\n",
        env!("CARGO_PKG_VERSION"),
        redact(&config.database_url)
    );
    if let Some(d) = demo {
        let (s, t, a) = (d.sources, d.technologies, d.articles);
        banner += &format!("  demo      loaded {s} sources, {t} technologies and {a} articles\n");
        if d.translations > 0 {
            let n = d.translations;
            banner += &format!("            and {n} French translations (?locale=fr)\n");
        }
    }
    match admin.as_ref().map(|a| (&a.email, &a.generated_password)) {
        Some((email, Some(password))) => banner += &format!("  admin     {email} / {password}\n            (generated now and shown only once: keep it, then change it)\n"),
        Some((email, None)) => banner += &format!("  admin     {email} (password from LECTERN_ADMIN_PASSWORD)\n"),
        None => {}
    }
    banner += &format!("  log in    curl -s -X POST {base}/api/v1/auth/login -H 'content-type: application/json' -d '{{\"email\":\"...\",\"password\":\"...\"}}'\n");
    banner += &format!("  try       curl -s '{base}/api/v1/technologies?limit=5'\n");
    banner +=
        &format!("  graphql   {base}/graphql (GraphiQL in a browser), API docs {base}/docs\n");
    let mut out = std::io::stdout().lock();
    out.write_all(banner.as_bytes())?;
    out.flush()?;
    drop(out);
    tracing::info!(elapsed_ms = lap(), %base, "ready");
    bound.server.await?;
    watcher.abort();
    scheduler.abort();
    webhooks.abort();
    tracing::info!("shut down cleanly");
    db.close().await?;
    Ok(())
}

/// A plain HTTP/1.0 GET with a short timeout; only `http://host:port/path` URLs.
/// What `lectern health` checks: `/readyz` of the given base URL, or of the configured
/// listen address (a wildcard address is checked on loopback).
fn health_url(given: Option<&str>, addr: &str) -> String {
    let base = match given {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let addr = addr
                .replace("0.0.0.0:", "127.0.0.1:")
                .replace("[::]:", "[::1]:");
            format!("http://{addr}")
        }
    };
    let has_path = base
        .strip_prefix("http://")
        .is_some_and(|rest| rest.contains('/'));
    if has_path {
        base
    } else {
        format!("{base}/readyz")
    }
}

fn health(url: &str) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let rest = url.strip_prefix("http://").ok_or("only http:// URLs")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = host
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("the host does not resolve")?;
    let timeout = Duration::from_secs(3);
    let mut stream =
        std::net::TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).map_err(|e| e.to_string())?;
    match &head[9..12] {
        b"200" => Ok(()),
        other => Err(format!("status {}", String::from_utf8_lossy(other))),
    }
}

#[cfg(test)]
mod health_tests {
    #[test]
    fn health_checks_what_the_user_means() {
        use super::health_url;
        assert_eq!(
            health_url(None, "127.0.0.1:8080"),
            "http://127.0.0.1:8080/readyz"
        );
        assert_eq!(
            health_url(None, "0.0.0.0:9000"),
            "http://127.0.0.1:9000/readyz"
        );
        assert_eq!(health_url(Some("http://h:1"), "x"), "http://h:1/readyz");
        assert_eq!(health_url(Some("http://h:1/"), "x"), "http://h:1/readyz");
        assert_eq!(
            health_url(Some("http://h:1/readyz"), "x"),
            "http://h:1/readyz"
        );
        assert_eq!(
            health_url(Some("http://h:1/healthz"), "x"),
            "http://h:1/healthz"
        );
    }
}

/// The benchmarks' reference: the same server stack answering a constant of the same size.
async fn bare_handler(addr: &str, bytes: usize, config: &Config) -> BoxResult<()> {
    let body = actix_web::web::Bytes::from(
        serde_json::json!({ "data": "x".repeat(bytes.saturating_sub(12)) }).to_string(),
    );
    let workers = match config.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let server = actix_web::HttpServer::new(move || {
        let body = body.clone();
        actix_web::App::new().default_service(actix_web::web::to(move || {
            let body = body.clone();
            async move {
                actix_web::HttpResponse::Ok()
                    .content_type("application/json")
                    .body(body)
            }
        }))
    })
    .workers(workers)
    .bind(addr)?;
    let bound = server.addrs();
    if let Some(a) = bound.first() {
        println!("bare handler listening on http://{a}");
    }
    server.run().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
