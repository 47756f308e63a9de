//! Authentication: logins, access and refresh tokens, API tokens, login throttling.

use crate::passwords::{self, Verified};
use crate::record::now;
use crate::{Caller, Error, Result, Service, TokenScope};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lectern_domain::FieldError;
use lectern_domain::{Email, Role, UserId};
use lectern_storage::entities::{api_tokens, refresh_tokens, users};
use lectern_storage::queries::{auth as q, users as uq};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const REFRESH_PREFIX: &str = "lcr_";
const API_TOKEN_PREFIX: &str = "lct_";
const JWT_SECRET_SETTING: &str = "auth.jwt_secret";

/// Token lifetimes, throttling limits and the JWT's issuer and audience.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// Password checks for one account from one client address per `throttle_window`.
    pub pair_checks: i64,
    /// Password checks from one client address, whatever the account, per window.
    pub address_checks: i64,
    /// Password checks for one account from all addresses together, per window: the bound on
    /// a guessing attack spread over many addresses.
    pub account_checks: i64,
    pub throttle_window: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            issuer: "lectern".into(),
            audience: "lectern-api".into(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
            pair_checks: 5,
            address_checks: 20,
            account_checks: 100,
            throttle_window: Duration::minutes(15),
        }
    }
}

pub(crate) struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Signs sync tokens; derived from the same secret, for a different purpose.
    pub(crate) sync: Vec<u8>,
}

/// What a successful login or refresh returns.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(examples(json!({"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.sig", "refresh_token": "lcr_Qm9vdHN0cmFwcGVkLXJlZnJlc2gtdG9rZW4tZXhhbXBsZQ", "token_type": "Bearer", "expires_in": 900})))]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    #[schema(value_type = String, examples("Bearer"))]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// A newly created API token; `token` is shown this once and never stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "name": "Eleventy build", "scope": "read", "token": "lct_QW4tZXhhbXBsZS1yZWFkLXRva2VuLXNob3duLW9uY2U", "created_at": "2026-11-20T09:00:00Z", "expires_at": null})))]
pub struct CreatedApiToken {
    pub id: Uuid,
    pub name: String,
    pub scope: String,
    pub token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An API token as listed: never its secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(examples(json!({"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "name": "Eleventy build", "scope": "read", "prefix": "lct_QW4tZXh", "created_by": "01a1fb47-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "created_at": "2026-11-20T09:00:00Z", "expires_at": null, "last_used_at": "2026-11-20T09:00:00Z"})))]
pub struct ApiTokenView {
    pub id: Uuid,
    pub name: String,
    pub scope: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&api_tokens::Model> for ApiTokenView {
    fn from(t: &api_tokens::Model) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            scope: t.scope.clone(),
            prefix: t.prefix.clone(),
            created_by: t.created_by,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    role: String,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
    /// Token type: only "access" tokens authenticate requests.
    typ: String,
    /// The user's session version when issued; a password, role or status change bumps it.
    sv: i64,
    /// The login (refresh-token family) this token belongs to: logging out or a detected
    /// refresh-token reuse ends it, and its access tokens with it.
    #[serde(default)]
    sid: Option<Uuid>,
}

pub(crate) fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Tokens are stored as SHA-256 digests: they are random and long, so a fast hash suffices,
/// and a stolen database yields nothing usable.
pub(crate) fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn invalid_login() -> Error {
    Error::Unauthenticated("invalid email or password".into())
}

fn invalid_token() -> Error {
    Error::Unauthenticated("the access token is invalid, expired or its session has ended".into())
}

impl Service {
    /// Sets the JWT signing key: `configured` (at least 32 bytes) or one generated once and
    /// stored in the database, so restarts and other instances share it.
    pub async fn init_signing_key(&self, configured: Option<&str>) -> Result<()> {
        let secret = match configured {
            Some(s) if s.len() >= 32 => s.as_bytes().to_vec(),
            Some(_) => {
                return Err(Error::bad_request(
                    crate::Code::InvalidConfiguration,
                    "LECTERN_JWT_SECRET must be at least 32 bytes",
                ))
            }
            None => {
                let mut bytes = [0u8; 48];
                rand::rng().fill_bytes(&mut bytes);
                let stored = self
                    .setting_or_insert(JWT_SECRET_SETTING, &URL_SAFE_NO_PAD.encode(bytes))
                    .await?;
                URL_SAFE_NO_PAD.decode(stored.as_bytes()).map_err(|_| {
                    Error::Internal("the stored JWT secret is not valid base64".into())
                })?
            }
        };
        let sync = Sha256::new()
            .chain_update(b"lectern sync tokens\0")
            .chain_update(&secret)
            .finalize()
            .to_vec();
        let keys = Keys {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            sync,
        };
        let _ = self.inner.keys.set(keys);
        Ok(())
    }

    pub(crate) fn keys(&self) -> Result<&Keys> {
        self.inner
            .keys
            .get()
            .ok_or_else(|| Error::Internal("the signing key is not initialised".into()))
    }

    fn auth_config(&self) -> &AuthConfig {
        &self.config().auth
    }

    fn access_token(&self, user: &users::Model, family: Uuid) -> Result<String> {
        let at = Utc::now();
        let claims = Claims {
            sub: user.id,
            role: user.role.clone(),
            iss: self.auth_config().issuer.clone(),
            aud: self.auth_config().audience.clone(),
            iat: at.timestamp(),
            exp: (at + self.auth_config().access_ttl).timestamp(),
            typ: "access".into(),
            sv: user.session_version,
            sid: Some(family),
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.keys()?.encoding,
        )
        .map_err(|e| Error::Internal(format!("signing failed: {e}")))
    }

    /// A new access token and a refresh token in `family` (a new family for a login).
    async fn issue_pair<C: lectern_storage::Conn>(
        &self,
        conn: &C,
        user: &users::Model,
        family: Uuid,
    ) -> Result<TokenPair> {
        let refresh = random_token(REFRESH_PREFIX);
        let at = now();
        q::insert_refresh(
            conn,
            refresh_tokens::Model {
                id: Uuid::now_v7(),
                user_id: user.id,
                family_id: family,
                token_hash: digest(&refresh),
                created_at: at,
                expires_at: at + self.auth_config().refresh_ttl,
                used_at: None,
                revoked_at: None,
            },
        )
        .await?;
        Ok(TokenPair {
            access_token: self.access_token(user, family)?,
            refresh_token: refresh,
            token_type: "Bearer",
            expires_in: self.auth_config().access_ttl.num_seconds(),
        })
    }

    async fn dummy_hash(&self) -> Result<String> {
        let params = self.config().password;
        self.inner
            .dummy_hash
            .get_or_try_init(|| passwords::hash(params, "timing-equaliser-not-a-password".into()))
            .await
            .cloned()
    }

    /// Logs in with email and password. `client` identifies the caller's address for
    /// throttling. Unknown emails, wrong passwords and disabled accounts all give the same
    /// answer, after the same work.
    ///
    /// Each password check first takes a slot, atomically, from three counters: this account
    /// from this address, this address, and this account from anywhere. Failures from one
    /// address therefore lock that address out of the account, not its owner elsewhere; a
    /// successful login gives its slots back.
    pub async fn login(&self, email: &str, password: &str, client: &str) -> Result<TokenPair> {
        let normalised = email.trim().to_lowercase();
        let config = self.auth_config();
        let keys = [
            (format!("pair:{normalised}|{client}"), config.pair_checks),
            (format!("address:{client}"), config.address_checks),
            (format!("account:{normalised}"), config.account_checks),
        ];
        let db = self.db().conn();
        let at = now();
        let cutoff = at - config.throttle_window;
        for (i, (key, limit)) in keys.iter().enumerate() {
            if !q::throttle_take(db, key, *limit, cutoff, at).await? {
                for (taken, _) in &keys[..i] {
                    q::throttle_give_back(db, taken).await?;
                }
                return Err(self.throttled(key).await?);
            }
        }
        let user = match Email::parse(&normalised) {
            Ok(e) => uq::find_by_email(db, e.as_str()).await?,
            Err(_) => None,
        };
        let stored = match &user {
            Some(u) => u.password_hash.clone(),
            None => self.dummy_hash().await?,
        };
        let verified =
            passwords::verify(self.config().password, password.to_owned(), stored).await?;
        let mut user = match (user, verified) {
            (Some(u), Verified::Yes | Verified::YesRehash) if !u.disabled => u,
            _ => return Err(invalid_login()),
        };
        if verified == Verified::YesRehash {
            user.password_hash =
                passwords::hash(self.config().password, password.to_owned()).await?;
            user.updated_at = now();
            uq::update(db, user.clone()).await?;
        }
        q::throttle_clear(db, &keys[0].0).await?;
        for (key, _) in &keys[1..] {
            q::throttle_give_back(db, key).await?;
        }
        self.issue_pair(db, &user, Uuid::now_v7()).await
    }

    /// The answer when `key` has no check left: how long until its window ends.
    async fn throttled(&self, key: &str) -> Result<Error> {
        let window = self.auth_config().throttle_window;
        let left = match q::throttle_get(self.db().conn(), key).await? {
            Some(row) => (row.window_started_at + window - Utc::now()).num_seconds(),
            None => 1,
        };
        Ok(Error::RateLimited {
            retry_after_secs: left.max(0) as u64 + 1,
        })
    }

    /// Trades a refresh token for a new pair. A token that was already used or revoked is
    /// a sign of theft: its whole family is revoked.
    pub async fn refresh(&self, token: &str) -> Result<TokenPair> {
        let invalid =
            || Error::Unauthenticated("the refresh token is invalid, expired or revoked".into());
        if !token.starts_with(REFRESH_PREFIX) {
            return Err(invalid());
        }
        let tx = self.db().begin().await?;
        let Some(row) = q::find_refresh(&tx, &digest(token)).await? else {
            return Err(invalid());
        };
        let at = now();
        if row.revoked_at.is_some() {
            return Err(Error::Unauthenticated(
                "this refresh token's session has ended (logged out, or revoked): log in again"
                    .into(),
            ));
        }
        if row.used_at.is_some() || !q::spend_refresh(&tx, row.id, at).await? {
            q::revoke_family(&tx, row.family_id, at).await?;
            lectern_storage::commit(tx).await?;
            tracing::warn!(family = %row.family_id, "refresh token reuse: family revoked");
            return Err(Error::Unauthenticated(
                "this refresh token was already used; every session from that login is now revoked: log in again".into(),
            ));
        }
        if row.expires_at <= at {
            return Err(invalid());
        }
        let user = match uq::find_by_id(&tx, row.user_id).await? {
            Some(u) if !u.disabled => u,
            _ => return Err(invalid()),
        };
        let pair = self.issue_pair(&tx, &user, row.family_id).await?;
        lectern_storage::commit(tx).await?;
        Ok(pair)
    }

    /// Ends the session a refresh token belongs to (its whole family). Unknown tokens are
    /// accepted silently: logging out twice is not an error.
    pub async fn logout(&self, token: &str) -> Result<()> {
        if let Some(row) = q::find_refresh(self.db().conn(), &digest(token)).await? {
            q::revoke_family(self.db().conn(), row.family_id, now()).await?;
        }
        Ok(())
    }

    /// Resolves a bearer token (a JWT access token or an `lct_` API token) to its caller.
    /// Checked against the database on every request, so a revoked token, a disabled user
    /// or a changed password takes effect at once on every instance.
    pub async fn authenticate(&self, token: &str) -> Result<Caller> {
        if token.starts_with(API_TOKEN_PREFIX) {
            return self.authenticate_api_token(token).await;
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.auth_config().issuer]);
        validation.set_audience(&[&self.auth_config().audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        let data = jsonwebtoken::decode::<Claims>(token, &self.keys()?.decoding, &validation)
            .map_err(|_| invalid_token())?;
        let claims = data.claims;
        if claims.typ != "access" {
            return Err(invalid_token());
        }
        let user = uq::find_by_id(self.db().conn(), claims.sub)
            .await?
            .ok_or_else(invalid_token)?;
        if user.disabled || user.session_version != claims.sv || user.role != claims.role {
            return Err(invalid_token());
        }
        if let Some(family) = claims.sid {
            if q::family_revoked(self.db().conn(), family).await? {
                return Err(invalid_token());
            }
        }
        let role = Role::parse(&user.role).map_err(|_| invalid_token())?;
        Ok(Caller::User {
            id: UserId(user.id),
            role,
        })
    }

    async fn authenticate_api_token(&self, token: &str) -> Result<Caller> {
        let at = now();
        let row = q::find_active_api_token(self.db().conn(), &digest(token), at)
            .await?
            .ok_or_else(|| {
                Error::Unauthenticated("the API token is invalid, expired or revoked".into())
            })?;
        let scope = TokenScope::parse(&row.scope)
            .ok_or_else(|| Error::Internal(format!("stored token scope {}", row.scope)))?;
        // A token acts for its owner: it dies when the owner is gone or disabled, and its
        // scope may not exceed the owner's current role (preview and write read every draft).
        let owner = uq::find_by_id(self.db().conn(), row.created_by).await?;
        let allowed = owner.as_ref().is_some_and(|u| {
            !u.disabled
                && match scope {
                    TokenScope::Read => true,
                    TokenScope::Preview | TokenScope::Write => {
                        matches!(Role::parse(&u.role), Ok(Role::Editor | Role::Admin))
                    }
                }
        });
        if !allowed {
            return Err(Error::Unauthenticated(
                "the API token's owner no longer has the rights its scope needs (disabled, removed or demoted): ask an admin for a new token".into(),
            ));
        }
        // Record use at most once a minute: a write per request would cost more than the read.
        if row
            .last_used_at
            .is_none_or(|t| at - t > Duration::minutes(1))
        {
            q::touch_api_token(self.db().conn(), row.id, at).await?;
        }
        Ok(Caller::Token {
            id: row.id,
            scope,
            owner: UserId(row.created_by),
        })
    }

    pub async fn create_api_token(
        &self,
        caller: &Caller,
        name: &str,
        scope: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<CreatedApiToken> {
        caller.require_admin()?;
        let owner = caller.require_user()?;
        let mut errors = lectern_domain::ValidationErrors::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            errors.push(FieldError::new("name", "must be 1 to 100 characters"));
        }
        let scope = TokenScope::parse(scope);
        if scope.is_none() {
            errors.push(FieldError::new(
                "scope",
                "must be one of: read, preview, write",
            ));
        }
        if let Some(t) = expires_at {
            if t <= Utc::now() {
                errors.push(FieldError::new("expires_at", "must be in the future"));
            }
        }
        errors.into_result()?;
        let scope = scope.unwrap_or(TokenScope::Read);
        let token = random_token(API_TOKEN_PREFIX);
        let at = now();
        let row = api_tokens::Model {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            scope: scope.as_str().to_owned(),
            token_hash: digest(&token),
            prefix: token.chars().take(12).collect(),
            created_by: owner.0,
            created_at: at,
            expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        q::insert_api_token(self.db().conn(), row.clone()).await?;
        Ok(CreatedApiToken {
            id: row.id,
            name: row.name,
            scope: row.scope,
            token,
            created_at: at,
            expires_at,
        })
    }

    pub async fn list_api_tokens(&self, caller: &Caller) -> Result<Vec<ApiTokenView>> {
        caller.require_admin()?;
        Ok(q::list_api_tokens(self.db().conn())
            .await?
            .iter()
            .map(ApiTokenView::from)
            .collect())
    }

    pub async fn revoke_api_token(&self, caller: &Caller, id: Uuid) -> Result<()> {
        caller.require_admin()?;
        if q::revoke_api_token(self.db().conn(), id, now()).await? {
            Ok(())
        } else {
            Err(Error::not_found("API token"))
        }
    }
}
