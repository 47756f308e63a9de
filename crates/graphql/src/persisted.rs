//! Persisted queries. Automatic Persisted Queries (Apollo's `persistedQuery` extension): a
//! client sends the SHA-256 of a query, and the query itself only when the server asks for
//! it. In allow-list mode (`LECTERN_GRAPHQL_ALLOWLIST`) only the registered queries run, sent
//! in full or by hash.

use async_graphql::{Request, ServerError, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Registered queries by the hex SHA-256 of their text.
pub type AllowList = HashMap<String, Arc<str>>;

pub struct Persisted {
    allow: Option<AllowList>,
    learned: Mutex<HashMap<String, Arc<str>>>,
    max_learned: usize,
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Reads an allow-list file: an Apollo persisted-query manifest
/// (`{"operations": [{"id", "body"}]}`) or a plain `{"<sha256>": "<query>"}` object. Every
/// entry's hash is checked against its text.
pub fn load_allow_list(text: &str) -> Result<AllowList, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let mut out = AllowList::new();
    let mut add = |hash: &str, body: &str| -> Result<(), String> {
        let actual = sha256_hex(body);
        if !hash.eq_ignore_ascii_case(&actual) {
            return Err(format!(
                "the hash {hash} does not match its query (sha256 {actual})"
            ));
        }
        out.insert(actual, Arc::from(body));
        Ok(())
    };
    match json.get("operations").and_then(|o| o.as_array()) {
        Some(ops) => {
            for op in ops {
                let body = op
                    .get("body")
                    .and_then(|b| b.as_str())
                    .ok_or("an operation has no body")?;
                let id = op.get("id").and_then(|b| b.as_str()).map(str::to_owned);
                add(&id.unwrap_or_else(|| sha256_hex(body)), body)?;
            }
        }
        None => {
            let map = json.as_object().ok_or("expected an object")?;
            for (hash, body) in map {
                add(
                    hash,
                    body.as_str().ok_or("every value must be a query string")?,
                )?;
            }
        }
    }
    Ok(out)
}

impl Persisted {
    pub fn new(allow: Option<AllowList>, max_learned: usize) -> Self {
        Self {
            allow,
            learned: Mutex::new(HashMap::new()),
            max_learned,
        }
    }

    /// Fills in or checks the request's query. Errors use Apollo's codes where Apollo
    /// clients act on them (`PERSISTED_QUERY_NOT_FOUND` makes them resend the full query).
    pub fn resolve(&self, request: &mut Request) -> Result<(), ServerError> {
        let hash = match request.extensions.0.get("persistedQuery") {
            Some(Value::Object(pq)) => match pq.get("sha256Hash") {
                Some(Value::String(h)) => Some(h.to_ascii_lowercase()),
                _ => {
                    return Err(crate::error::coded(
                        "persistedQuery needs a sha256Hash",
                        lectern_service::Code::InvalidPersistedQuery,
                    ))
                }
            },
            Some(_) => {
                return Err(crate::error::coded(
                    "persistedQuery must be an object",
                    lectern_service::Code::InvalidPersistedQuery,
                ))
            }
            None => None,
        };
        match (request.query.is_empty(), hash) {
            (true, Some(hash)) => {
                let found = match &self.allow {
                    Some(allow) => allow.get(&hash).cloned(),
                    None => self.learned.lock().ok().and_then(|m| m.get(&hash).cloned()),
                };
                match found {
                    Some(query) => {
                        request.query = query.to_string();
                        Ok(())
                    }
                    None if self.allow.is_some() => Err(crate::error::coded(
                        "this query is not on the server's allow-list",
                        lectern_service::Code::PersistedQueryNotAllowed,
                    )),
                    None => Err(crate::error::coded(
                        "PersistedQueryNotFound",
                        lectern_service::Code::PersistedQueryNotFound,
                    )),
                }
            }
            (false, Some(hash)) => {
                if sha256_hex(&request.query) != hash {
                    return Err(crate::error::coded(
                        "the sha256Hash does not match the query",
                        lectern_service::Code::InvalidPersistedQuery,
                    ));
                }
                self.check_allowed(&hash)?;
                if self.allow.is_none() {
                    self.learn(hash, &request.query);
                }
                Ok(())
            }
            (false, None) if self.allow.is_some() => {
                self.check_allowed(&sha256_hex(&request.query))
            }
            (false, None) => Ok(()),
            (true, None) => Err(crate::error::coded(
                "the request has no query",
                lectern_service::Code::InvalidQuery,
            )),
        }
    }

    fn check_allowed(&self, hash: &str) -> Result<(), ServerError> {
        match &self.allow {
            Some(allow) if !allow.contains_key(hash) => Err(crate::error::coded(
                "this query is not on the server's allow-list",
                lectern_service::Code::PersistedQueryNotAllowed,
            )),
            _ => Ok(()),
        }
    }

    fn learn(&self, hash: String, query: &str) {
        if let Ok(mut map) = self.learned.lock() {
            // Bounded: when full, start again; clients resend what was forgotten.
            if map.len() >= self.max_learned {
                map.clear();
            }
            map.insert(hash, Arc::from(query));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut r = Request::new(query);
        let mut pq = async_graphql::indexmap::IndexMap::new();
        pq.insert(async_graphql::Name::new("version"), Value::from(1));
        pq.insert(async_graphql::Name::new("sha256Hash"), Value::from(hash));
        r.extensions
            .0
            .insert("persistedQuery".into(), Value::Object(pq));
        r
    }

    #[test]
    fn apq_round_trip() {
        let p = Persisted::new(None, 10);
        let q = "{ me { id } }";
        let h = sha256_hex(q);
        let mut first = with_hash("", &h);
        let e = p.resolve(&mut first).unwrap_err();
        assert_eq!(e.message, "PersistedQueryNotFound");
        p.resolve(&mut with_hash(q, &h)).unwrap();
        let mut again = with_hash("", &h);
        p.resolve(&mut again).unwrap();
        assert_eq!(again.query, q);
        assert!(p.resolve(&mut with_hash(q, &"0".repeat(64))).is_err());
    }

    #[test]
    fn allow_list() {
        let q = "{ articles { totalCount } }";
        let list = load_allow_list(&serde_json::json!({ sha256_hex(q): q }).to_string()).unwrap();
        let p = Persisted::new(Some(list), 10);
        p.resolve(&mut Request::new(q)).unwrap();
        let mut by_hash = with_hash("", &sha256_hex(q));
        p.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, q);
        assert!(p.resolve(&mut Request::new("{ me { id } }")).is_err());
        assert!(load_allow_list(r#"{"abc": "{ me { id } }"}"#).is_err());
        let manifest = serde_json::json!({"format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{"id": sha256_hex(q), "body": q, "name": "Count", "type": "query"}]});
        assert_eq!(load_allow_list(&manifest.to_string()).unwrap().len(), 1);
    }
}
