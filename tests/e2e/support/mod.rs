//! The test kit: a fresh database, the real server on port 0, a typed client, and the
//! service layer in-process on the same database for seeding and for service-level checks.

#![allow(dead_code, unused_imports)]

pub mod client;
pub mod db;
pub mod server;

pub use client::{Client, Resp};
pub use db::TestDb;
pub use server::{ServerOptions, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD};

use lectern_domain::{Role, UserId};
use lectern_service::inputs::{ArticleInput, TechnologyInput};
use lectern_service::views::{ArticleView, TechnologyView};
use lectern_service::{Caller, Db, DbOptions, NewUser, Service, ServiceConfig};
use serde_json::json;

/// One test's world.
pub struct Ctx {
    pub server: TestServer,
    pub client: Client,
    pub service: Service,
    // Dropped last: the server and the pool must let go of the database first.
    pub db: TestDb,
}

impl Ctx {
    pub async fn new() -> Self {
        Self::with(ServerOptions::default()).await
    }

    pub async fn with(options: ServerOptions) -> Self {
        let db = TestDb::new().await;
        let server = TestServer::start(&db.url(), options);
        let service = service_on(&db.url()).await;
        let client = Client::new(&server.base);
        Ctx {
            server,
            client,
            service,
            db,
        }
    }

    /// The admin the server created at start, as a service-level caller.
    pub async fn admin(&self) -> Caller {
        let admin = self
            .service
            .first_admin()
            .await
            .expect("query")
            .expect("admin exists");
        Caller::User {
            id: UserId(admin.id),
            role: Role::Admin,
        }
    }

    /// A new user with `role`, as a service-level caller.
    pub async fn user(&self, role: &str) -> Caller {
        let email = format!("{role}-{}@example.com", uuid::Uuid::new_v4().simple());
        let user = self
            .service
            .create_user(
                None,
                NewUser {
                    email,
                    display_name: Some(format!("Test {role}")),
                    role: role.into(),
                    password: "a-long-test-password".into(),
                },
            )
            .await
            .expect("create user");
        Caller::User {
            id: UserId(user.id),
            role: lectern_domain::Role::parse(role).expect("role"),
        }
    }

    pub async fn article(&self, caller: &Caller, title: &str, status: &str) -> ArticleView {
        self.service
            .create_article(
                caller,
                serde_json::from_value::<ArticleInput>(json!({
                    "title": title,
                    "summary": format!("About {title}"),
                    "body": format!("# {title}\n\nBody of {title}."),
                    "tags": ["test"],
                    "status": status,
                }))
                .expect("input"),
            )
            .await
            .expect("create article")
    }

    pub async fn technology(&self, caller: &Caller, name: &str, status: &str) -> TechnologyView {
        self.service
            .create_technology(
                caller,
                serde_json::from_value::<TechnologyInput>(json!({
                    "name": name, "kind": "framework", "summary": format!("{name} in short"), "status": status,
                }))
                .expect("input"),
            )
            .await
            .expect("create technology")
    }
}

/// The service layer, in this process, on the same database as the server.
pub async fn service_on(url: &str) -> Service {
    let mut options = DbOptions::new(url);
    options.max_connections = 4;
    let db = Db::connect(&options).await.expect("connect");
    db.migrate().await.expect("migrate");
    Service::new(db, ServiceConfig::default())
}
