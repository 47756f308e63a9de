//! User accounts.

use crate::passwords::{self, check_password_policy};
use crate::record::now;
use crate::views::{AuthorRef, UserView};
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
            return Err(Error::conflict(
                crate::Code::EmailTaken,
                "a user with this email already exists",
            ));
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
                Error::Conflict { .. } => Error::conflict(
                    crate::Code::EmailTaken,
                    "a user with this email already exists",
                ),
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

/// What a user may change on their own profile. Anything else (role, email, disabled) is an
/// unknown field and refused.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: Option<String>,
    /// A new password of 12 to 1024 characters; needs `current_password`.
    #[schema(min_length = 12, max_length = 1024)]
    pub password: Option<String>,
    pub current_password: Option<String>,
}

/// What an admin may change on a user.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeInput {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: Option<String>,
    #[schema(value_type = Option<RoleDoc>)]
    pub role: Option<String>,
    pub disabled: Option<bool>,
}

/// A user's role.
#[derive(Debug, Clone, utoipa::ToSchema)]
#[schema(as = Role)]
#[allow(dead_code)]
pub enum RoleDoc {
    #[schema(rename = "admin")]
    Admin,
    #[schema(rename = "editor")]
    Editor,
    #[schema(rename = "author")]
    Author,
}

/// An admin's request to create a user.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[schema(examples(json!({"email": "ada@example.com", "password": "a long and unusual passphrase", "role": "editor", "display_name": "Ada"})))]
#[serde(deny_unknown_fields)]
pub struct UserCreateInput {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
    #[schema(value_type = RoleDoc)]
    pub role: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub display_name: Option<String>,
}

impl Service {
    pub async fn me(&self, caller: &Caller) -> Result<UserView> {
        let id = caller.require_user()?;
        let user = q::find_by_id(self.db().conn(), id.0)
            .await?
            .ok_or_else(|| Error::Unauthenticated("this account no longer exists".into()))?;
        Ok(UserView::from(&user))
    }

    pub async fn update_me(&self, caller: &Caller, input: ProfileInput) -> Result<UserView> {
        let id = caller.require_user()?;
        let mut e = ValidationErrors::new();
        let display = input
            .display_name
            .as_deref()
            .and_then(|d| e.check(DisplayName::parse(d)));
        if let Some(p) = &input.password {
            if let Err(Error::Validation(errors)) = check_password_policy("password", p) {
                errors.into_iter().for_each(|x| e.push(x));
            }
            if input.current_password.is_none() {
                e.push(lectern_domain::FieldError::new(
                    "current_password",
                    "is required to change the password",
                ));
            }
        }
        e.into_result()?;
        let tx = self.db().begin().await?;
        let mut user = q::find_by_id(&tx, id.0)
            .await?
            .ok_or_else(|| Error::Unauthenticated("this account no longer exists".into()))?;
        let mut sessions_end = false;
        if let (Some(password), Some(current)) = (input.password, input.current_password) {
            let ok = passwords::verify(self.config().password, current, user.password_hash.clone())
                .await?;
            if ok == passwords::Verified::No {
                return Err(Error::field(
                    "current_password",
                    "is not your current password",
                ));
            }
            user.password_hash = passwords::hash(self.config().password, password).await?;
            sessions_end = true;
        }
        let user = self.save_user(&tx, user, sessions_end, display).await?;
        lectern_storage::commit(tx).await?;
        Ok(UserView::from(&user))
    }

    /// Writes a user; ends their sessions when asked (bumps the session version, which every
    /// access token carries, and revokes refresh tokens); refreshes the public JSON of their
    /// articles when their public name changed.
    async fn save_user(
        &self,
        tx: &lectern_storage::Tx,
        mut user: row::Model,
        end_sessions: bool,
        display: Option<lectern_domain::DisplayName>,
    ) -> Result<row::Model> {
        let renamed = (display.as_ref()).is_some_and(|d| d.as_str() != user.display_name);
        if let Some(d) = display {
            user.display_name = d.into_inner();
        }
        let at = now();
        user.updated_at = at;
        if end_sessions {
            user.session_version += 1;
            lectern_storage::queries::auth::revoke_all_for_user(tx, user.id, at).await?;
        }
        q::update(tx, user.clone()).await?;
        if renamed {
            let ids = lectern_storage::queries::articles::ids_by_author(tx, user.id).await?;
            self.refresh_public::<crate::Article, _>(tx, &ids).await?;
            if !ids.is_empty() {
                // Public answers embed the author's name.
                self.cache().clear();
            }
        }
        Ok(user)
    }

    pub async fn list_users(
        &self,
        caller: &Caller,
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<crate::views::Page<UserView>> {
        caller.require_admin()?;
        let limit = crate::paging::parse_limit(limit)?;
        let after = match cursor {
            None => None,
            Some(c) => Some(uuid::Uuid::parse_str(c).map_err(|_| {
                Error::bad_request(
                    crate::Code::InvalidCursor,
                    "the cursor is malformed; start again without it",
                )
            })?),
        };
        let mut rows = q::list(self.db().conn(), after, limit + 1).await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|u| u.id.to_string())
        } else {
            None
        };
        Ok(crate::views::Page {
            items: rows.iter().map(UserView::from).collect(),
            next_cursor,
        })
    }

    pub async fn get_user(&self, caller: &Caller, id: Uuid) -> Result<UserView> {
        caller.require_admin()?;
        let user = q::find_by_id(self.db().conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        Ok(UserView::from(&user))
    }

    pub async fn create_user_as(
        &self,
        caller: &Caller,
        input: UserCreateInput,
    ) -> Result<UserView> {
        caller.require_admin()?;
        self.create_user(
            Some(caller),
            NewUser {
                email: input.email,
                display_name: input.display_name,
                role: input.role,
                password: input.password,
            },
        )
        .await
    }

    pub async fn update_user(
        &self,
        caller: &Caller,
        id: Uuid,
        input: UserChangeInput,
    ) -> Result<UserView> {
        caller.require_admin()?;
        let mut e = ValidationErrors::new();
        let display = input
            .display_name
            .as_deref()
            .and_then(|d| e.check(DisplayName::parse(d)));
        let role = input.role.as_deref().and_then(|r| e.check(Role::parse(r)));
        e.into_result()?;
        let tx = self.db().begin().await?;
        let mut user = q::find_by_id(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("user"))?;
        let was_active_admin = user.role == "admin" && !user.disabled;
        let mut end_sessions = false;
        if let Some(role) = role {
            if role.as_str() != user.role {
                user.role = role.as_str().to_owned();
                end_sessions = true;
            }
        }
        if let Some(disabled) = input.disabled {
            if disabled != user.disabled {
                user.disabled = disabled;
                end_sessions = true;
            }
        }
        if was_active_admin
            && (user.role != "admin" || user.disabled)
            && q::count_admins_serialised(&tx).await? <= 1
        {
            return Err(Error::conflict(
                crate::Code::LastAdmin,
                "this is the last active admin; make another admin first",
            ));
        }
        let user = self.save_user(&tx, user, end_sessions, display).await?;
        lectern_storage::commit(tx).await?;
        Ok(UserView::from(&user))
    }

    /// Deletes a user who wrote nothing. Authors of content are disabled instead, so their
    /// articles keep an author.
    pub async fn delete_user(&self, caller: &Caller, id: Uuid) -> Result<()> {
        caller.require_admin()?;
        if caller.user_id().map(|u| u.0) == Some(id) {
            return Err(Error::conflict(
                crate::Code::CannotDeleteSelf,
                "you cannot delete your own account",
            ));
        }
        let tx = self.db().begin().await?;
        let Some(user) = q::find_by_id(&tx, id).await? else {
            return Err(Error::not_found("user"));
        };
        if user.role == "admin" && !user.disabled && q::count_admins_serialised(&tx).await? <= 1 {
            return Err(Error::conflict(
                crate::Code::LastAdmin,
                "this is the last active admin; make another admin first",
            ));
        }
        if !lectern_storage::queries::articles::ids_by_author(&tx, id)
            .await?
            .is_empty()
        {
            return Err(Error::conflict(
                crate::Code::UserHasContent,
                "this user wrote articles: disable the account instead",
            ));
        }
        q::delete(&tx, id).await?;
        lectern_storage::commit(tx).await?;
        Ok(())
    }
}

impl Service {
    /// The user an `author` filter names: an id, or an email for those who may see emails
    /// (admins; anyone for their own). An email the caller may not look up matches nothing,
    /// exactly as an unknown one does, so the filter never tells whether an account exists.
    pub async fn author_filter(&self, caller: &Caller, raw: &str) -> Result<Uuid> {
        let raw = raw.trim();
        if let Ok(id) = Uuid::parse_str(raw) {
            return Ok(id);
        }
        let email = lectern_domain::Email::parse(raw).map_err(|_| {
            Error::bad_request(
                crate::Code::InvalidParameter,
                "author must be a user id or an email address",
            )
        })?;
        let found = q::find_by_email(self.db().conn(), email.as_str()).await?;
        let visible = |u: &row::Model| {
            caller.role() == Some(Role::Admin) || caller.user_id().map(|me| me.0) == Some(u.id)
        };
        Ok(found.filter(visible).map_or(Uuid::nil(), |u| u.id))
    }

    /// A user's private fields (email, role) for those allowed to see them: the user themself
    /// and admins. None for everyone else, and for users that do not exist.
    pub async fn private_profile(&self, caller: &Caller, id: Uuid) -> Result<Option<UserView>> {
        let found = if caller.user_id().map(|u| u.0) == Some(id) {
            self.me(caller).await
        } else if caller.role() == Some(Role::Admin) {
            self.get_user(caller, id).await
        } else {
            return Ok(None);
        };
        match found {
            Ok(user) => Ok(Some(user)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A user's public face (id and display name), for those who may know of them: the
    /// user themself, admins, and anyone who can read an article they wrote.
    pub async fn public_user(&self, caller: &Caller, id: Uuid) -> Result<AuthorRef> {
        let known = caller.user_id().map(|u| u.0) == Some(id)
            || caller.role() == Some(Role::Admin)
            || self
                .count::<crate::Article>(
                    caller,
                    &crate::ArticleQuery {
                        extra: crate::ArticleParams {
                            author: Some(id),
                            ..Default::default()
                        },
                        ..Default::default()
                    },
                )
                .await?
                > 0;
        let user = match known {
            true => q::find_by_id(self.db().conn(), id).await?,
            false => None,
        };
        user.map(|u| AuthorRef::from(&u))
            .ok_or_else(|| Error::not_found("user"))
    }
}
