//! Logins, tokens and their rejection.

use crate::foundation::assert_no_private_fields;
use crate::support::{Ctx, ServerOptions, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, USER_PASSWORD};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

#[tokio::test]
async fn login_returns_a_token_pair_and_failures_look_alike() {
    let ctx = Ctx::new().await;
    let (client, body) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("lcr_"));
    let me = client.get("/api/v1/me").await;
    me.assert_status(200);
    assert_eq!(me.body["email"], ADMIN_EMAIL);
    assert_eq!(me.body["role"], "admin");
    assert!(me.body.get("password_hash").is_none());

    // Case and whitespace of the email do not matter.
    ctx.login(
        &format!("  {} ", ADMIN_EMAIL.to_uppercase()),
        ADMIN_PASSWORD,
    )
    .await;

    let wrong_password = ctx
        .client
        .post(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": "nope nope nope"}),
        )
        .await;
    let unknown_email = ctx
        .client
        .post(
            "/api/v1/auth/login",
            &json!({"email": "nobody@example.com", "password": "nope nope nope"}),
        )
        .await;
    let malformed_email = ctx
        .client
        .post(
            "/api/v1/auth/login",
            &json!({"email": "not an email", "password": "x"}),
        )
        .await;
    wrong_password.assert_problem(401, "unauthenticated");
    for other in [&unknown_email, &malformed_email] {
        assert_eq!(other.status, 401);
        assert_eq!(other.body["detail"], wrong_password.body["detail"]);
        assert_eq!(other.body["code"], wrong_password.body["code"]);
    }
    ctx.client
        .post("/api/v1/auth/login", &json!({"email": ADMIN_EMAIL}))
        .await
        .assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn unknown_and_known_emails_cost_the_same() {
    let ctx = Ctx::new().await;
    let time = |email: &'static str| {
        let c = ctx.client.clone();
        async move {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..3 {
                let started = std::time::Instant::now();
                let r = c
                    .post(
                        "/api/v1/auth/login",
                        &json!({"email": email, "password": "wrong password here"}),
                    )
                    .await;
                assert_eq!(r.status, 401);
                total += started.elapsed();
            }
            total
        }
    };
    let _warm = time("warm@example.com").await;
    let known = time(ADMIN_EMAIL).await;
    let unknown = time("nobody-at-all@example.com").await;
    // Both verify an argon2id hash; without the dummy hash an unknown email answers in
    // well under a tenth of the time.
    let ratio = unknown.as_secs_f64() / known.as_secs_f64();
    assert!(
        ratio > 0.5,
        "unknown email took {unknown:?}, known {known:?}"
    );
}

#[tokio::test]
async fn bad_tokens_are_401_with_www_authenticate() {
    let ctx = Ctx::new().await;
    let (_, body) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admin = ctx.service.first_admin().await.unwrap().unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = |patch: Value| {
        let mut c = json!({"sub": admin.id, "role": "admin", "iss": "lectern", "aud": "lectern-api",
            "iat": now, "exp": now + 600, "typ": "access", "sv": 1});
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    let sign = |alg: Algorithm, c: Value| encode(&Header::new(alg), &c, &key).unwrap();
    let good = sign(Algorithm::HS256, claims(json!({})));
    ctx.client
        .with_token(&good)
        .get("/api/v1/me")
        .await
        .assert_status(200);

    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims(json!({})))
    );
    let wrong_key = encode(
        &Header::new(Algorithm::HS256),
        &claims(json!({})),
        &EncodingKey::from_secret(b"another-key-that-is-long-enough-to-sign"),
    )
    .unwrap();
    let cases = vec![
        ("alg none", alg_none),
        ("HS384", sign(Algorithm::HS384, claims(json!({})))),
        ("HS512", sign(Algorithm::HS512, claims(json!({})))),
        ("wrong signature", wrong_key),
        (
            "wrong issuer",
            sign(Algorithm::HS256, claims(json!({"iss": "someone-else"}))),
        ),
        (
            "wrong audience",
            sign(Algorithm::HS256, claims(json!({"aud": "other-api"}))),
        ),
        (
            "expired",
            sign(
                Algorithm::HS256,
                claims(json!({"iat": now - 4000, "exp": now - 3000})),
            ),
        ),
        (
            "no exp",
            sign(Algorithm::HS256, claims(json!({"exp": null}))),
        ),
        (
            "no iat",
            sign(Algorithm::HS256, claims(json!({"iat": null}))),
        ),
        (
            "no sub",
            sign(Algorithm::HS256, claims(json!({"sub": null}))),
        ),
        (
            "sub of the wrong type",
            sign(Algorithm::HS256, claims(json!({"sub": 42}))),
        ),
        (
            "exp of the wrong type",
            sign(Algorithm::HS256, claims(json!({"exp": "tomorrow"}))),
        ),
        (
            "sv of the wrong type",
            sign(Algorithm::HS256, claims(json!({"sv": "1"}))),
        ),
        (
            "not an access token",
            sign(Algorithm::HS256, claims(json!({"typ": "refresh"}))),
        ),
        (
            "role escalation",
            sign(Algorithm::HS256, claims(json!({"role": "editor"}))),
        ),
        (
            "stale session version",
            sign(Algorithm::HS256, claims(json!({"sv": 0}))),
        ),
        (
            "unknown user",
            sign(
                Algorithm::HS256,
                claims(json!({"sub": uuid::Uuid::now_v7()})),
            ),
        ),
        (
            "refresh token as access token",
            body["refresh_token"].as_str().unwrap().to_owned(),
        ),
        ("garbage", "not.a.jwt".to_owned()),
        (
            "unknown api token",
            "lct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        ),
    ];
    for (name, token) in cases {
        let r = ctx.client.with_token(&token).get("/api/v1/me").await;
        assert_eq!(r.status, 401, "{name}: {}", r.text);
        r.assert_problem(401, "unauthenticated");
        assert!(
            r.header("www-authenticate").unwrap().starts_with("Bearer"),
            "{name}"
        );
        // Public routes refuse a bad token too, rather than quietly treating it as anonymous.
        assert_eq!(
            ctx.client
                .with_token(&token)
                .get("/api/v1/articles")
                .await
                .status,
            401,
            "{name}"
        );
    }
    let r = ctx
        .client
        .get_with("/api/v1/me", &[("authorization", "Basic YTpi")])
        .await;
    r.assert_problem(401, "unauthenticated");
    ctx.client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let ctx = Ctx::new().await;
    let (_, first) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (_, other_login) = ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let second = ctx
        .client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": r1}))
        .await;
    second.assert_status(200);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    ctx.client
        .with_token(second.body["access_token"].as_str().unwrap())
        .get("/api/v1/me")
        .await
        .assert_status(200);

    // r1 again: theft suspected, the whole family (r2 included) dies.
    ctx.client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": r1}))
        .await
        .assert_problem(401, "unauthenticated");
    ctx.client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": r2}))
        .await
        .assert_problem(401, "unauthenticated");
    // Another login's family is untouched.
    let other = other_login["refresh_token"].as_str().unwrap();
    let r = ctx
        .client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": other}))
        .await;
    r.assert_status(200);

    // Logout ends that family.
    let r3 = r.body["refresh_token"].as_str().unwrap();
    ctx.client
        .post("/api/v1/auth/logout", &json!({"refresh_token": r3}))
        .await
        .assert_status(204);
    ctx.client
        .post("/api/v1/auth/refresh", &json!({"refresh_token": r3}))
        .await
        .assert_problem(401, "unauthenticated");
    ctx.client
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": "lcr_nonsense"}),
        )
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn password_change_disable_and_role_change_cut_off_tokens_at_once() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin_client().await;

    // Password change on one's own profile.
    let (client, _, email) = ctx.user_client("editor").await;
    let (_, pair) = ctx.login(&email, USER_PASSWORD).await;
    client
        .send(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(&json!({"password": "a-brand-new-password", "current_password": "wrong one!!!!"})),
            &[],
        )
        .await
        .assert_problem(422, "validation_failed");
    client
        .send(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(&json!({"password": "a-brand-new-password", "current_password": USER_PASSWORD})),
            &[],
        )
        .await
        .assert_status(200);
    client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
    ctx.client
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .await
        .assert_problem(401, "unauthenticated");
    ctx.login(&email, "a-brand-new-password").await;

    // Disabling.
    let (client, caller, email) = ctx.user_client("author").await;
    let id = caller.user_id().unwrap().0;
    admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&json!({"disabled": true})),
            &[],
        )
        .await
        .assert_status(200);
    client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
    ctx.client
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": USER_PASSWORD}),
        )
        .await
        .assert_problem(401, "unauthenticated");

    // Role change.
    let (client, caller, _) = ctx.user_client("editor").await;
    let id = caller.user_id().unwrap().0;
    admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&json!({"role": "author"})),
            &[],
        )
        .await
        .assert_status(200);
    client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");

    // Deleting a user and creating another with the same email never revives the old token.
    let (client, caller, email) = ctx.user_client("editor").await;
    let id = caller.user_id().unwrap().0;
    admin
        .delete(&format!("/api/v1/users/{id}"), None)
        .await
        .assert_status(204);
    client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
    admin
        .post(
            "/api/v1/users",
            &json!({"email": email, "password": USER_PASSWORD, "role": "admin"}),
        )
        .await
        .assert_status(201);
    client
        .get("/api/v1/me")
        .await
        .assert_problem(401, "unauthenticated");
    client
        .get("/api/v1/users")
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_and_address() {
    let ctx = Ctx::new().await;
    let (_, _, email) = ctx.user_client("author").await;
    let attempt = |email: String, xff: &'static str| {
        let c = ctx.client.clone();
        async move {
            c.post_with(
                "/api/v1/auth/login",
                &json!({"email": email, "password": "wrong password!!"}),
                &[("x-forwarded-for", xff)],
            )
            .await
        }
    };
    for i in 0..5 {
        let variant = if i % 2 == 0 {
            email.to_uppercase()
        } else {
            email.clone()
        };
        assert_eq!(
            attempt(variant, "10.0.0.1").await.status,
            401,
            "attempt {i}"
        );
    }
    // Blocked: changing case, the body or X-Forwarded-For does not help.
    for (variant, xff) in [
        (email.clone(), "10.0.0.2"),
        (email.to_uppercase(), "192.0.2.9"),
        (format!(" {email} "), "1.1.1.1"),
    ] {
        let r = attempt(variant, xff).await;
        r.assert_problem(429, "rate_limited");
        let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=901).contains(&retry), "{retry}");
    }
    // Even the right password waits.
    let r = ctx
        .client
        .post(
            "/api/v1/auth/login",
            &json!({"email": email, "password": USER_PASSWORD}),
        )
        .await;
    r.assert_problem(429, "rate_limited");
    // Other accounts are not locked by this one's failures.
    ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn hashes_are_upgraded_when_parameters_grow() {
    let mut ctx = Ctx::new().await;
    let before = hash_of(&ctx, ADMIN_EMAIL).await;
    assert!(
        before.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{before}"
    );
    ctx.server = crate::support::TestServer::start(
        &ctx.db.url(),
        ServerOptions {
            env: vec![("LECTERN_ARGON2_ITERATIONS".into(), "3".into())],
            ..Default::default()
        },
    );
    ctx.client = crate::support::Client::new(&ctx.server.base);
    ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let after = hash_of(&ctx, ADMIN_EMAIL).await;
    assert!(
        after.starts_with("$argon2id$v=19$m=19456,t=3,p=1$"),
        "{after}"
    );
    ctx.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

async fn hash_of(ctx: &Ctx, email: &str) -> String {
    lectern_storage::queries::users::find_by_email(ctx.service.db().conn(), email)
        .await
        .unwrap()
        .unwrap()
        .password_hash
}

#[tokio::test]
async fn api_tokens_are_shown_once_listed_without_secrets_and_revoked_at_once() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin_client().await;
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"name": "Eleventy build", "scope": "read"}),
        )
        .await;
    r.assert_status(201);
    let token = r.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("lct_"));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let reader = ctx.client.with_token(&token);
    reader.get("/api/v1/articles").await.assert_status(200);
    let list = admin.get("/api/v1/tokens").await;
    assert!(!list.text.contains(&token));
    let listed = &list.body["data"][0];
    assert_eq!(listed["name"], "Eleventy build");
    assert!(listed["last_used_at"].is_string(), "{}", list.text);
    assert!(listed.get("token").is_none() && listed.get("token_hash").is_none());
    admin
        .post("/api/v1/tokens", &json!({"name": "x", "scope": "root"}))
        .await
        .assert_problem(422, "validation_failed");
    admin
        .post(
            "/api/v1/tokens",
            &json!({"name": "x", "scope": "read", "expires_at": "2001-01-01T00:00:00Z"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    admin
        .delete(&format!("/api/v1/tokens/{id}"), None)
        .await
        .assert_status(204);
    reader
        .get("/api/v1/articles")
        .await
        .assert_problem(401, "unauthenticated");
    admin
        .delete(&format!("/api/v1/tokens/{id}"), None)
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn users_api_never_shows_secrets_or_other_peoples_emails() {
    let ctx = Ctx::new().await;
    let admin = ctx.admin_client().await;
    let (author, caller, _) = ctx.user_client("author").await;
    let created = admin
        .post("/api/v1/users", &json!({"email": "New@Example.com", "password": "long enough password", "role": "editor", "display_name": "New Editor"}))
        .await;
    created.assert_status(201);
    assert_eq!(created.body["email"], "new@example.com");
    assert!(created
        .header("location")
        .unwrap()
        .ends_with(created.body["id"].as_str().unwrap()));
    admin.post("/api/v1/users", &json!({"email": "new@example.com", "password": "long enough password", "role": "editor"})).await.assert_problem(409, "email_taken");
    admin
        .post(
            "/api/v1/users",
            &json!({"email": "x@example.com", "password": "short", "role": "king"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    let list = admin.get("/api/v1/users").await;
    list.assert_status(200);
    assert!(list.body["data"].as_array().unwrap().len() >= 3);
    assert!(list.body["page"].is_object());
    for r in [&list, &created] {
        assert!(
            !r.text.contains("argon2") && !r.text.contains("password"),
            "{}",
            r.text
        );
    }
    // An author sees their own email, never anyone else's, and cannot raise their role.
    let me = author.get("/api/v1/me").await;
    assert!(me.body["email"].is_string());
    author
        .send(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(&json!({"role": "admin"})),
            &[],
        )
        .await
        .assert_problem(422, "validation_failed");
    author
        .get("/api/v1/users")
        .await
        .assert_problem(403, "forbidden");
    let draft = ctx.article(&caller, "By the author", "draft").await;
    let article = ctx
        .service
        .set_status::<lectern_service::Article>(
            &ctx.admin().await,
            &draft.slug,
            lectern_service::StatusAction::Publish,
            Some(draft.version),
        )
        .await
        .unwrap();
    let public = ctx
        .client
        .get(&format!("/api/v1/articles/{}", article.slug))
        .await;
    assert_no_private_fields(&public.body);
    let as_author = author
        .get(&format!("/api/v1/articles/{}", article.slug))
        .await;
    assert_no_private_fields(&as_author.body);
}
