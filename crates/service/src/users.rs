//! User accounts.

use crate::passwords::{self, check_password_policy};
use crate::record::now;
use crate::views::UserView;
use crate::{Caller, Error, Result, Service};
use lectern_domain::{DisplayName, Email, Role, ValidationErrors};
use lectern_storage::entities::users as row;
use lectern_storage::queries::users as q;
use uuid::Uuid;

/// A new account, as given on the command line or by an admin.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: Option<String>,
    pub role: String,
    pub password: String,
}

impl Service {
    /// Creates a user. `caller` must be an admin, unless this is the system bootstrapping
    /// (the CLI and first start pass `None`).
    pub async fn create_user(&self, caller: Option<&Caller>, new: NewUser) -> Result<UserView> {
        if let Some(caller) = caller {
            caller.require_admin()?;
        }
        let mut e = ValidationErrors::new();
        let email = e.check(Email::parse(&new.email));
        let display = match &new.display_name {
            Some(d) => e.check(DisplayName::parse(d)),
            None => email
                .as_ref()
                .and_then(|m| m.as_str().split('@').next())
                .and_then(|local| DisplayName::parse(local).ok()),
        };
        let role = e.check(Role::parse(&new.role));
        if let Err(Error::Validation(errors)) = check_password_policy("password", &new.password) {
            errors.into_iter().for_each(|x| e.push(x));
        }
        e.into_result()?;
        let (Some(email), Some(display), Some(role)) = (email, display, role) else {
            return Err(Error::field("email", "is required"));
        };
        if q::find_by_email(self.db().conn(), email.as_str())
            .await?
            .is_some()
        {
            return Err(Error::Conflict {
                code: "email_taken",
                message: "a user with this email already exists".into(),
            });
        }
        let hash = passwords::hash(self.config().password, new.password).await?;
        let at = now();
        let user = row::Model {
            id: Uuid::now_v7(),
            email: email.into_inner(),
            display_name: display.into_inner(),
            role: role.as_str().to_owned(),
            password_hash: hash,
            disabled: false,
            session_version: 1,
            created_at: at,
            updated_at: at,
        };
        q::insert(self.db().conn(), user.clone())
            .await
            .map_err(|e| match Error::from(e) {
                Error::Conflict { .. } => Error::Conflict {
                    code: "email_taken",
                    message: "a user with this email already exists".into(),
                },
                other => other,
            })?;
        Ok(UserView::from(&user))
    }

    /// Whether an enabled admin exists (first start creates one when not).
    pub async fn has_admin(&self) -> Result<bool> {
        Ok(q::count_admins(self.db().conn()).await? > 0)
    }

    /// The first admin, who owns the demo content.
    pub async fn first_admin(&self) -> Result<Option<UserView>> {
        Ok(q::first_admin(self.db().conn())
            .await?
            .as_ref()
            .map(UserView::from))
    }
}
