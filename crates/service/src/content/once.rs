//! Idempotent creation: a retry with the same `Idempotency-Key` and body gets the first
//! answer again. The key is stored in the creation's own transaction, so it exists exactly
//! when the item does: a crash between them cannot leave a key that answers 409 to the retry.

use super::{ContentType, ViewMeta};
use crate::record::now;
use crate::{Caller, Error, Result, Service};
use lectern_storage::entities::idempotency_keys;
use lectern_storage::queries::editorial as eq;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The answer to a creation, possibly replayed from the first attempt.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: Uuid,
    pub json: String,
    /// True when this is the stored answer to an earlier request with the same key.
    pub replayed: bool,
}

/// A digest of a request body, to tell a retry from a different request reusing a key.
pub fn request_digest(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

fn owner_of(caller: &Caller) -> Result<String> {
    match caller {
        Caller::User { id, .. } => Ok(format!("user:{id}")),
        Caller::Token { id, .. } => Ok(format!("token:{id}")),
        Caller::Anonymous => Err(Error::Unauthenticated("log in to write content".into())),
    }
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::bad_request(
            crate::Code::InvalidIdempotencyKey,
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}

/// The first answer to a key, for a retry with the same body.
fn replay(first: idempotency_keys::Model, digest: &str) -> Result<Created> {
    if first.request_hash != digest {
        return Err(Error::field(
            "Idempotency-Key",
            "this key was already used with a different request body",
        ));
    }
    if first.status == 0 {
        // Written by an older release that reserved keys before creating.
        return Err(Error::conflict(
            crate::Code::IdempotencyInProgress,
            "a request with this Idempotency-Key is still being processed",
        ));
    }
    let id = serde_json::from_str::<serde_json::Value>(&first.body)
        .ok()
        .and_then(|v| v["id"].as_str().and_then(|i| Uuid::parse_str(i).ok()))
        .unwrap_or_default();
    Ok(Created {
        id,
        json: first.body,
        replayed: true,
    })
}

impl Service {
    /// Creates once per `key` (none: an ordinary creation).
    pub async fn create_once<T: ContentType>(
        &self,
        caller: &Caller,
        input: T::Input,
        key: Option<&str>,
        digest: &str,
    ) -> Result<Created> {
        let Some(key) = key else {
            let view = self.create::<T>(caller, input).await?;
            return Ok(Created {
                id: view.id(),
                json: serde_json::to_string(&view).map_err(Error::internal)?,
                replayed: false,
            });
        };
        check_key(key)?;
        // A key names one request: the same body sent to another type is another request.
        let typed = format!("{}:{digest}", T::KIND);
        let digest = typed.as_str();
        let owner = owner_of(caller)?;
        if let Some(first) = eq::find_idempotent(self.db().conn(), &owner, key).await? {
            return replay(first, digest);
        }
        let tx = self.db().begin().await?;
        let written = match self.create_in::<T>(&tx, caller, input).await {
            Ok(written) => written,
            Err(e @ Error::Conflict { .. }) => {
                // A racing retry with this key committed first (and took the slug this one
                // derived): its answer is this one's too.
                drop(tx);
                return match eq::find_idempotent(self.db().conn(), &owner, key).await? {
                    Some(first) => replay(first, digest),
                    None => Err(e),
                };
            }
            Err(e) => return Err(e),
        };
        let mut shown = written.view.clone();
        if !caller.sees_unpublished_links() {
            T::trim(&mut shown);
        }
        let json = serde_json::to_string(&shown).map_err(Error::internal)?;
        let stored = eq::store_idempotent(
            &tx,
            idempotency_keys::Model {
                owner: owner.clone(),
                key: key.to_owned(),
                request_hash: digest.to_owned(),
                status: 201,
                body: json.clone(),
                location: None,
                created_at: now(),
            },
        )
        .await?;
        if !stored {
            // Another request with this key committed first: this one's creation is undone.
            drop(tx);
            let first = eq::find_idempotent(self.db().conn(), &owner, key)
                .await?
                .ok_or_else(|| {
                    Error::conflict(crate::Code::IdempotencyConflict, "retry the request")
                })?;
            return replay(first, digest);
        }
        lectern_storage::commit(tx).await?;
        let view = self.announce_written::<T>(caller, written);
        Ok(Created {
            id: view.id(),
            json,
            replayed: false,
        })
    }
}
