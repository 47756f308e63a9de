//! The test kit: a fresh database, the real server on port 0, a typed client, and the
//! service layer in-process on the same database for seeding and for service-level checks.

#![allow(dead_code, unused_imports)]

pub mod client;
pub mod db;
pub mod receiver;
pub mod server;

pub use client::{Client, Resp};
pub use db::TestDb;
pub use receiver::Receiver;
pub use server::{ServerOptions, TestServer, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET};

use lectern_domain::{Role, UserId};
use lectern_service::inputs::{ArticleInput, TechnologyInput};
use lectern_service::views::{ArticleView, TechnologyView};
use lectern_service::{Caller, Db, DbOptions, NewUser, Service, ServiceConfig};
use serde_json::json;

/// The password of users made by `Ctx::user`.
pub const USER_PASSWORD: &str = "a-long-test-password";

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
                    password: USER_PASSWORD.into(),
                },
            )
            .await
            .expect("create user");
        Caller::User {
            id: UserId(user.id),
            role: lectern_domain::Role::parse(role).expect("role"),
        }
    }

    /// Logs in over HTTP and returns a client that sends the access token.
    pub async fn login(&self, email: &str, password: &str) -> (Client, serde_json::Value) {
        let r = self
            .client
            .post(
                "/api/v1/auth/login",
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status, 200, "login as {email} failed: {}", r.text);
        (
            self.client
                .with_token(r.body["access_token"].as_str().unwrap()),
            r.body,
        )
    }

    pub async fn admin_client(&self) -> Client {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.0
    }

    /// A new user with `role`, logged in over HTTP: (client, caller, email).
    pub async fn user_client(&self, role: &str) -> (Client, Caller, String) {
        let caller = self.user(role).await;
        let id = caller.user_id().unwrap();
        let email = self
            .service
            .get_user(&self.admin().await, id.0)
            .await
            .unwrap()
            .email;
        let (client, _) = self.login(&email, USER_PASSWORD).await;
        (client, caller, email)
    }

    /// An API token of `scope`, made over HTTP by the admin.
    pub async fn api_token(&self, scope: &str) -> Client {
        let admin = self.admin_client().await;
        let r = admin
            .post(
                "/api/v1/tokens",
                &json!({"name": format!("{scope} token"), "scope": scope}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        self.client.with_token(r.body["token"].as_str().unwrap())
    }

    pub async fn article(&self, caller: &Caller, title: &str, status: &str) -> ArticleView {
        self.service
            .create::<lectern_service::Article>(
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
            .create::<lectern_service::Technology>(
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
