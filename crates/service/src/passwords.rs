//! argon2id password hashing. Hashing is deliberately slow, so it runs on the blocking pool,
//! never on the async workers that serve requests.

use crate::{Error, Result};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// argon2id cost parameters; the defaults are OWASP's minimum recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB (OWASP: at least 19456).
    pub memory_kib: u32,
    /// Iterations (OWASP: at least 2).
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordParams {
    fn hasher(&self) -> Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Passwords must be 12 to 1024 characters (length beats composition rules; the upper
/// bound stops hashing from being used to burn CPU).
pub fn check_password_policy(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if !(12..=1024).contains(&n) {
        return Err(Error::field(field, "must be 12 to 1024 characters"));
    }
    Ok(())
}

pub async fn hash(params: PasswordParams, password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let hasher = params.hasher()?;
        hasher
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(format!("hashing task failed: {e}")))?
}

/// The result of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, but hashed with weaker parameters than configured: hash it again.
    YesRehash,
}

pub async fn verify(params: PasswordParams, password: String, stored: String) -> Result<Verified> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Ok(Verified::No);
        };
        let hasher = params.hasher()?;
        if hasher
            .verify_password(password.as_bytes(), &parsed)
            .is_err()
        {
            return Ok(Verified::No);
        }
        let weaker = match Params::try_from(&parsed) {
            Ok(p) => {
                p.m_cost() < params.memory_kib
                    || p.t_cost() < params.iterations
                    || parsed.algorithm.as_str() != "argon2id"
            }
            Err(_) => true,
        };
        Ok(if weaker {
            Verified::YesRehash
        } else {
            Verified::Yes
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("verification task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let params = PasswordParams::default();
        let h = hash(params, "correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert_eq!(
            verify(params, "correct horse battery".into(), h.clone())
                .await
                .unwrap(),
            Verified::Yes
        );
        assert_eq!(
            verify(params, "wrong".into(), h.clone()).await.unwrap(),
            Verified::No
        );
        let stronger = PasswordParams {
            iterations: 3,
            ..params
        };
        assert_eq!(
            verify(stronger, "correct horse battery".into(), h)
                .await
                .unwrap(),
            Verified::YesRehash
        );
    }
}
