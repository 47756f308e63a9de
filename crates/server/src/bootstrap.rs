//! What `serve` does before it listens: migrate, make sure an admin exists, load the demo.

use crate::config::Config;
use crate::{demo, BoxResult};
use lectern_domain::{Role, UserId};
use lectern_service::{Caller, NewUser, Service};
use rand::distr::{Alphanumeric, SampleString};

/// How to log in, for the start-up banner.
pub struct AdminLogin {
    pub email: String,
    /// Only when it was generated just now: it is shown once and never again.
    pub generated_password: Option<String>,
}

/// Creates the first admin when there is none.
pub async fn ensure_admin(service: &Service, config: &Config) -> BoxResult<Option<AdminLogin>> {
    if service.has_admin().await? {
        return Ok(None);
    }
    let (email, password, generated) = match (&config.admin_email, &config.admin_password) {
        (Some(email), Some(password)) => (email.clone(), password.clone(), false),
        (Some(_), None) | (None, Some(_)) => {
            return Err(
                "set both LECTERN_ADMIN_EMAIL and LECTERN_ADMIN_PASSWORD, or neither".into(),
            )
        }
        (None, None) => (
            "admin@localhost".to_owned(),
            Alphanumeric.sample_string(&mut rand::rng(), 24),
            true,
        ),
    };
    service
        .create_user(
            None,
            NewUser {
                email: email.clone(),
                display_name: Some("Administrator".into()),
                role: "admin".into(),
                password: password.clone(),
            },
        )
        .await
        .map_err(|e| match e {
            lectern_service::Error::Validation(fields) => fields
                .iter()
                .map(|f| {
                    let variable = match f.field.as_str() {
                        "password" => "LECTERN_ADMIN_PASSWORD",
                        "email" => "LECTERN_ADMIN_EMAIL",
                        other => other,
                    };
                    format!(
                        "{variable} is not accepted: it {}. Set another value, or unset both LECTERN_ADMIN_EMAIL and LECTERN_ADMIN_PASSWORD to have admin@localhost created with a random password",
                        f.message
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => format!("creating the first admin failed: {other}"),
        })?;
    Ok(Some(AdminLogin {
        email,
        generated_password: generated.then_some(password),
    }))
}

/// Loads the demo content on the first start against an empty database.
pub async fn maybe_load_demo(
    service: &Service,
    config: &Config,
) -> BoxResult<Option<demo::Loaded>> {
    const FLAG: &str = "demo.first_start_done";
    if service.setting(FLAG).await?.is_some() {
        return Ok(None);
    }
    let mut loaded = None;
    if config.demo && !service.has_content().await? {
        let Some(admin) = service.first_admin().await? else {
            return Err("no admin to own the demo content".into());
        };
        let owner = Caller::User {
            id: UserId(admin.id),
            role: Role::Admin,
        };
        loaded = Some(demo::load(service, &owner).await?);
    }
    service
        .setting_or_insert(FLAG, &chrono::Utc::now().to_rfc3339())
        .await?;
    Ok(loaded)
}
