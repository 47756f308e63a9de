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

/// New passwords, as NIST SP 800-63B 5.1.1.2 and OWASP ASVS 2.1.7 ask: 12 to 1024
/// characters (length beats composition rules; the upper bound stops hashing from being
/// used to burn CPU), not a common or breached password (nor one with digits or symbols
/// added at its ends), and not one character or a short pattern repeated, nor a run such as
/// `123456789012` or `abcdefghijkl`. No composition rules.
pub fn check_password_policy(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if !(12..=1024).contains(&n) {
        return Err(Error::field(field, "must be 12 to 1024 characters"));
    }
    if let Some(why) = weakness(password) {
        return Err(Error::field(field, why));
    }
    Ok(())
}

static COMMON: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .collect()
});

fn is_common(candidate: &str) -> bool {
    COMMON.binary_search(&candidate).is_ok()
}

/// Why a password of acceptable length is still easy to guess, if it is.
fn weakness(password: &str) -> Option<&'static str> {
    let lower = password.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    if is_common(&lower) {
        return Some(
            "is a common password (it appears in lists of breached passwords): choose another",
        );
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if core.chars().count() >= 4 && (is_common(core) || repeats(core).is_some_and(is_common)) {
        return Some("is a common password with digits or symbols added: choose another");
    }
    if let Some(unit) = repeats(&lower) {
        if unit.chars().count() <= 4 || is_common(unit) {
            return Some("repeats a short pattern: choose a longer phrase instead");
        }
    }
    const KEYBOARD: &str = "1234567890qwertyuiopasdfghjklzxcvbnm";
    let reversed: String = KEYBOARD.chars().rev().collect();
    if is_run(&chars) || KEYBOARD.contains(&lower) || reversed.contains(&lower) {
        return Some("is a run of consecutive characters (like 123456789012): choose another");
    }
    None
}

/// The shortest unit the text is made of, when it is that unit repeated at least twice.
fn repeats(text: &str) -> Option<&str> {
    let n = text.len();
    (1..=n / 2)
        .filter(|len| n.is_multiple_of(*len) && text.is_char_boundary(*len))
        .map(|len| &text[..len])
        .find(|unit| unit.repeat(n / unit.len()) == text)
}

/// Every character one up (or one down) from the one before; digits wrap from 9 to 0.
fn is_run(chars: &[char]) -> bool {
    let step = |a: char, b: char| -> Option<i32> {
        if a.is_ascii_digit() && b.is_ascii_digit() {
            let d = (b as i32 - a as i32).rem_euclid(10);
            return match d {
                1 => Some(1),
                9 => Some(-1),
                _ => None,
            };
        }
        match b as i32 - a as i32 {
            d @ (1 | -1) => Some(d),
            _ => None,
        }
    };
    let Some(first) = chars.get(..2).and_then(|p| step(p[0], p[1])) else {
        return false;
    };
    chars.windows(2).all(|w| step(w[0], w[1]) == Some(first))
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

#[cfg(test)]
mod policy_tests {
    use super::check_password_policy as check;

    #[test]
    fn weak_passwords_are_refused() {
        for weak in [
            "password1234",
            "Password1234!",
            "aaaaaaaaaaaa",
            "            ",
            "123456789012",
            "abcdefghijkl",
            "zyxwvutsrqpo",
            "abcabcabcabc",
            "passwordpassword",
            "qwertyuiopasdfgh",
            "!!monkey123456",
            "short",
        ] {
            assert!(check("password", weak).is_err(), "{weak:?} was accepted");
        }
    }

    #[test]
    fn ordinary_long_passwords_pass() {
        for fine in [
            "a-long-test-password",
            "correct horse battery staple",
            "admin-password-for-tests",
            "Tr0ub4dor&3-but-longer",
            "mañana-en-la-playa",
        ] {
            assert!(check("password", fine).is_ok(), "{fine:?} was refused");
        }
    }

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(super::COMMON.windows(2).all(|w| w[0] < w[1]));
        assert!(super::COMMON.len() > 40_000);
    }
}
