//! Who is asking, and what that lets them do. Every permission decision in Lectern is made
//! here or in the use cases that call these helpers, never in an API adapter.

use crate::{Error, Result};
use lectern_domain::{Role, UserId};
use lectern_storage::queries::Visibility;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Published content only.
    Read,
    /// Published content and drafts, read-only (preview builds).
    Preview,
    /// What an editor can do to content.
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Preview => "preview",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "read" => Some(TokenScope::Read),
            "preview" => Some(TokenScope::Preview),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// The authenticated identity behind a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    User {
        id: UserId,
        role: Role,
    },
    /// An API token; `owner` is the admin who made it (the author of what a write token creates).
    Token {
        id: Uuid,
        scope: TokenScope,
        owner: UserId,
    },
}

impl Caller {
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Caller::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The user on whose behalf the caller acts: the user, or an API token's owner.
    pub fn acting_user(&self) -> Option<UserId> {
        match self {
            Caller::User { id, .. } => Some(*id),
            Caller::Token { owner, .. } => Some(*owner),
            Caller::Anonymous => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Caller::User { role, .. } => Some(*role),
            _ => None,
        }
    }

    pub fn is_authenticated(&self) -> bool {
        !matches!(self, Caller::Anonymous)
    }

    /// Whether this caller sees exactly what anonymous callers see (so cached public answers
    /// are theirs too).
    pub fn sees_only_published(&self) -> bool {
        matches!(
            self,
            Caller::Anonymous
                | Caller::Token {
                    scope: TokenScope::Read,
                    ..
                }
        )
    }

    /// Which articles this caller may read.
    pub fn article_visibility(&self) -> Visibility {
        match self {
            Caller::Anonymous => Visibility::PublishedOnly,
            Caller::Token { scope, .. } => match scope {
                TokenScope::Read => Visibility::PublishedOnly,
                TokenScope::Preview | TokenScope::Write => Visibility::All,
            },
            Caller::User { id, role } => match role {
                Role::Author => Visibility::PublishedOrAuthoredBy(id.0),
                Role::Editor | Role::Admin => Visibility::All,
            },
        }
    }

    /// Which technologies this caller may read (they have no author: only editors see drafts).
    pub fn technology_visibility(&self) -> Visibility {
        match self.article_visibility() {
            Visibility::All => Visibility::All,
            _ => Visibility::PublishedOnly,
        }
    }

    /// Editors, admins and write tokens may change any content.
    pub fn can_edit_any_content(&self) -> bool {
        matches!(
            self,
            Caller::User {
                role: Role::Editor | Role::Admin,
                ..
            } | Caller::Token {
                scope: TokenScope::Write,
                ..
            }
        )
    }

    /// Who may create articles at all.
    pub fn require_article_writer(&self) -> Result<()> {
        match self {
            Caller::Anonymous => Err(Error::Unauthenticated("log in to write content".into())),
            Caller::User { .. } => Ok(()),
            Caller::Token { scope, .. } => match scope {
                TokenScope::Write => Ok(()),
                _ => Err(Error::Forbidden(format!(
                    "a {} token is read-only",
                    scope.as_str()
                ))),
            },
        }
    }

    /// Who may change technologies, publish, and restore revisions.
    pub fn require_editor(&self) -> Result<()> {
        self.require_article_writer()?;
        if self.can_edit_any_content() {
            Ok(())
        } else {
            Err(Error::forbidden("this needs the editor or admin role"))
        }
    }

    pub fn require_admin(&self) -> Result<()> {
        match self {
            Caller::Anonymous => Err(Error::Unauthenticated("log in first".into())),
            Caller::User {
                role: Role::Admin, ..
            } => Ok(()),
            _ => Err(Error::forbidden("this needs the admin role")),
        }
    }

    pub fn require_user(&self) -> Result<UserId> {
        match self {
            Caller::User { id, .. } => Ok(*id),
            Caller::Anonymous => Err(Error::Unauthenticated("log in first".into())),
            Caller::Token { .. } => Err(Error::forbidden(
                "this needs a user login, not an API token",
            )),
        }
    }
}
