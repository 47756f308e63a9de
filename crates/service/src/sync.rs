//! Delta sync for static site generators and other mirrors: a first sync pages through
//! everything the caller may read; later syncs read only the change feed since the token
//! they were given, so their cost follows the number of changes, not the size of the site.

use crate::{with_type, Caller, Error, Result, Service};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use lectern_domain::Kind;
use lectern_storage::queries::{feed, Keyset, SortValue};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

pub const DEFAULT_SYNC_LIMIT: u64 = 100;
pub const MAX_SYNC_LIMIT: u64 = 500;

/// One entry of a sync page: an item to store (`op` = `upsert`, the item in full in `item`)
/// or one to remove (`op` = `delete`: deleted, unpublished or archived, with `deleted_at`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(examples(json!({"type": "article", "op": "upsert", "id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "locale": "en", "slug": "why-elixir-keeps-growing", "item": {"id": "01a1fb47-2c0f-74f7-b46e-9192dbad6f0f", "title": "Why Elixir keeps growing"}})))]
pub struct SyncEntry {
    /// `article` or `technology`.
    #[serde(rename = "type")]
    pub entity_type: &'static str,
    /// `upsert` or `delete`.
    pub op: &'static str,
    pub id: Uuid,
    /// The locale of this variant of the item: each translation is an entry of its own.
    pub locale: String,
    /// Its slug in that locale.
    pub slug: String,
    /// The whole item as the article or technology endpoints return it (upserts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub item: Option<serde_json::Value>,
    /// When it went away (deletes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A page of a sync. Pass `next_sync_token` back to continue; when `has_more` is false the
/// mirror is up to date, and the same token later returns only what changed since.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SyncPage {
    pub items: Vec<SyncEntry>,
    pub has_more: bool,
    pub next_sync_token: String,
}

/// What a sync token holds. Not a contract: clients pass it back unread.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Token {
    v: u8,
    /// Feed changes up to and including this sequence number are reflected.
    s: i64,
    /// During a first sync: which content type is being listed, and where the last page
    /// ended (by creation time and id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    i: Option<Uuid>,
}

impl Token {
    /// The token of an incremental sync from `seq`, or of a first sync listing `listing`.
    fn at(seq: i64, listing: Option<&str>) -> Self {
        let t = listing.map(str::to_owned);
        Token {
            v: 1,
            s: seq,
            t,
            c: None,
            i: None,
        }
    }
}

/// What a caller may see, bound into each token so that a token works only for callers
/// who see the same content (a published-only mirror cannot replay an editor's token).
fn audience(caller: &Caller, locales: &[String]) -> String {
    let who = match caller.article_visibility() {
        lectern_storage::queries::Visibility::PublishedOnly => "published".into(),
        lectern_storage::queries::Visibility::PublishedOrAuthoredBy(id) => format!("author:{id}"),
        lectern_storage::queries::Visibility::All => "all".to_owned(),
    };
    // A token carries on the sync of the locales it began with, and only those.
    format!("{who}|{}", locales.join(","))
}

fn mac(key: &[u8], payload: &[u8], audience: &str) -> Result<hmac::Hmac<sha2::Sha256>> {
    use hmac::Mac;
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
        .map_err(|e| Error::Internal(format!("sync token key: {e}")))?;
    m.update(payload);
    m.update(b"\0");
    m.update(audience.as_bytes());
    Ok(m)
}

const SIGNATURE_BYTES: usize = 16;

/// `payload.signature`, both base64url: tamper-evident, so a forged position is refused.
fn encode(key: &[u8], caller: &Caller, locales: &[String], token: &Token) -> Result<String> {
    let payload = serde_json::to_vec(token).map_err(Error::internal)?;
    let signature =
        hmac::Mac::finalize(mac(key, &payload, &audience(caller, locales))?).into_bytes();
    let signature = &signature[..SIGNATURE_BYTES];
    Ok(format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

fn invalid() -> Error {
    Error::bad_request(
        crate::Code::InvalidSyncToken,
        "the sync token is malformed or unknown: start a full sync without a token",
    )
}

fn decode(key: &[u8], caller: &Caller, locales: &[String], raw: &str) -> Result<Token> {
    if raw.len() > 512 {
        return Err(invalid());
    }
    let (payload, signature) = raw.split_once('.').ok_or_else(invalid)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
    if signature.len() != SIGNATURE_BYTES
        || hmac::Mac::verify_truncated_left(
            mac(key, &bytes, &audience(caller, locales))?,
            &signature,
        )
        .is_err()
    {
        return Err(invalid());
    }
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let phase_ok = match token.t.as_deref() {
        None => token.c.is_none() && token.i.is_none(),
        Some(kind) => Kind::parse(kind).is_ok() && token.c.is_some() == token.i.is_some(),
    };
    if token.v != 1 || token.s < 0 || !phase_ok {
        return Err(invalid());
    }
    Ok(token)
}

fn to_json<T: Serialize>(view: &T) -> Result<serde_json::Value> {
    serde_json::to_value(view).map_err(Error::internal)
}

impl Service {
    /// One page of a sync for `caller`: a first sync without `token`, the next page or an
    /// incremental sync with the token a previous page returned.
    pub async fn sync(
        &self,
        caller: &Caller,
        token: Option<&str>,
        limit: Option<i64>,
    ) -> Result<SyncPage> {
        let limit = match limit {
            None => DEFAULT_SYNC_LIMIT,
            Some(n) if (1..=MAX_SYNC_LIMIT as i64).contains(&n) => n as u64,
            Some(n) => {
                return Err(Error::bad_request(
                    crate::Code::InvalidLimit,
                    format!("limit must be between 1 and {MAX_SYNC_LIMIT}, not {n}"),
                ))
            }
        };
        let conn = self.db().conn();
        let head = feed::latest_seq(conn).await?;
        let token = match token {
            None => Token::at(head, Some(Kind::ALL[0].as_str())),
            Some(raw) => decode(&self.keys()?.sync, caller, &self.sync_locales(), raw)?,
        };
        if token.s > head {
            return Err(invalid());
        }
        match token.t.as_deref() {
            Some(kind) => {
                let kind = Kind::parse(kind).map_err(|_| invalid())?;
                self.sync_listing(caller, token.clone(), kind, limit).await
            }
            None => self.sync_changes(caller, token.s, limit).await,
        }
    }

    /// A page of the first sync: every item the caller may read, one type after another.
    async fn sync_listing(
        &self,
        caller: &Caller,
        token: Token,
        kind: Kind,
        limit: u64,
    ) -> Result<SyncPage> {
        let after = match (token.c, token.i) {
            (Some(c), Some(i)) => Some(Keyset {
                value: SortValue::Time(Some(c)),
                id: i,
            }),
            _ => None,
        };
        let (items, more, last) = with_type!(kind, |T| self
            .listing_page::<T>(caller, after, limit)
            .await?);
        let following = Kind::ALL
            .iter()
            .skip_while(|k| **k != kind)
            .nth(1)
            .map(|k| k.as_str().to_owned());
        let next = match (more, following) {
            (true, _) => Token {
                c: last.map(|l| l.0),
                i: last.map(|l| l.1),
                ..token
            },
            (false, t) => Token {
                t,
                c: None,
                i: None,
                ..token
            },
        };
        Ok(SyncPage {
            items,
            has_more: next.t.is_some(),
            next_sync_token: encode(&self.keys()?.sync, caller, &self.sync_locales(), &next)?,
        })
    }

    /// Items of one type in creation order after `after`; whether more follow; the last
    /// one's position.
    async fn listing_page<T: crate::ContentType>(
        &self,
        caller: &Caller,
        after: Option<Keyset>,
        limit: u64,
    ) -> Result<(Vec<SyncEntry>, bool, Option<(DateTime<Utc>, Uuid)>)> {
        use lectern_storage::queries::content::{self as q, Page, Row, Sort};
        let db = self.db();
        let page = Page {
            sort: Sort::CreatedAt,
            dir: lectern_storage::queries::SortDir::Asc,
            after,
            limit: limit + 1,
        };
        let filter = self.sync_filter::<T>();
        let visible = T::visibility(caller);
        let mut rows =
            q::list::<T::Table, _>(db.conn(), db.backend(), visible, &filter, page).await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let last = rows.last().map(|r| (r.created_at(), r.id()));
        let mut items = Vec::with_capacity(rows.len());
        for view in self.views_for::<T, _>(db.conn(), caller, rows).await? {
            use crate::content::ViewMeta;
            let slug = view.slug().to_owned();
            let locale = self.locale_of(view.locale());
            items.push(upsert(
                T::KIND.as_str(),
                view.id(),
                locale,
                slug,
                to_json(&view)?,
            ));
        }
        Ok((items, more, last))
    }

    /// A page of an incremental sync: the changes after `since`, each item once, in the order
    /// of its latest change.
    async fn sync_changes(&self, caller: &Caller, since: i64, limit: u64) -> Result<SyncPage> {
        let conn = self.db().conn();
        let oldest = feed::oldest_seq(conn).await?;
        let floor = self.feed_floor().await?;
        if since > 0 && (oldest > since + 1 || since < floor) {
            return Err(Error::Gone(
                "this sync token is older than the change history the server keeps: start a full sync without a token".into(),
            ));
        }
        let mut rows = feed::since(conn, since, limit + 1).await?;
        let has_more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next = rows.last().map(|r| r.seq).unwrap_or(since);
        // Several changes to one variant in a page collapse into its latest.
        let mut latest: HashMap<(Uuid, String), usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            latest.insert((row.entity_id, row.locale.clone()), i);
        }
        let wanted_locales = self.sync_locales();
        let rows: Vec<_> = rows
            .into_iter()
            .enumerate()
            .filter(|(i, r)| latest.get(&(r.entity_id, r.locale.clone())) == Some(i))
            .map(|(_, r)| r)
            .filter(|r| wanted_locales.is_empty() || wanted_locales.contains(&r.locale))
            .collect();
        let wanted = |kind: &str| -> Vec<(Uuid, String)> {
            rows.iter()
                .filter(|r| r.entity_type == kind && r.operation != "delete")
                .map(|r| (r.entity_id, r.locale.clone()))
                .collect()
        };
        let mut found: HashMap<(Uuid, String), (String, serde_json::Value)> = HashMap::new();
        for kind in Kind::ALL {
            let keys = wanted(kind.as_str());
            found.extend(with_type!(*kind, |T| self
                .readable_variants_json::<T, _>(conn, caller, &keys)
                .await?));
        }
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let Ok(kind) = Kind::parse(&row.entity_type) else {
                continue;
            };
            let kind = kind.as_str();
            let locale = self.shown_locale(&row.locale);
            if let Some((slug, item)) = found.remove(&(row.entity_id, row.locale.clone())) {
                items.push(upsert(kind, row.entity_id, locale, slug, item));
                continue;
            }
            // Gone, or no longer readable: say so only to a caller who could see it at the
            // token's point, so a draft's existence never reaches a published-only mirror,
            // and name it by the slug that caller saw then (a later rename of a draft is not
            // theirs to know).
            let seen = feed::seen_at(conn, row.entity_id, &row.locale, since).await?;
            if crate::live::could_see(caller, kind, seen.as_ref().map(|(p, _)| *p)) {
                let slug = seen.map(|(_, slug)| slug).unwrap_or(row.slug);
                items.push(SyncEntry {
                    entity_type: kind,
                    op: "delete",
                    id: row.entity_id,
                    locale,
                    slug,
                    item: None,
                    deleted_at: Some(row.changed_at),
                });
            }
        }
        Ok(SyncPage {
            items,
            has_more,
            next_sync_token: encode(
                &self.keys()?.sync,
                caller,
                &self.sync_locales(),
                &Token::at(next, None),
            )?,
        })
    }
}

fn upsert(
    kind: &'static str,
    id: Uuid,
    locale: String,
    slug: String,
    item: serde_json::Value,
) -> SyncEntry {
    SyncEntry {
        entity_type: kind,
        op: "upsert",
        id,
        locale,
        slug,
        item: Some(item),
        deleted_at: None,
    }
}

impl Service {
    /// The locales a sync carries, stored form; empty: all of them. Set by
    /// `Service::for_locales`.
    fn sync_locales(&self) -> Vec<String> {
        match &self.scope {
            Some(scope) if scope.sync_only => scope.chain.clone(),
            _ => vec![],
        }
    }

    /// The shown locale of a view's (types without translations say none: the default's).
    fn locale_of(&self, view_locale: &str) -> String {
        match view_locale {
            "" => self.shown_locale(""),
            l => l.to_owned(),
        }
    }

    /// What the first sync lists of a type: every variant, or those of the chosen locales.
    fn sync_filter<T: crate::ContentType>(&self) -> lectern_storage::queries::filter::Expr {
        use lectern_storage::queries::content::Table;
        use lectern_storage::queries::filter::{Expr, Op, Val};
        let locales = self.sync_locales();
        if locales.is_empty() || !<T::Table as Table>::LOCALIZED {
            return Expr::none();
        }
        Expr::Test(
            "locale",
            Op::In,
            locales.into_iter().map(Val::Text).collect(),
        )
    }

    /// A service whose syncs carry only these locales (none: all).
    pub fn for_locales(&self, locales: &[&str]) -> Result<Service> {
        let mut chain = Vec::new();
        for raw in locales {
            if raw.is_empty() {
                return Err(Error::bad_request(
                    crate::Code::InvalidParameter,
                    "locales lists BCP 47 tags separated by commas, none empty",
                ));
            }
            let scoped = self.in_locale(Some(raw), None, false)?;
            chain.push(scoped.read_chain()[0].clone());
        }
        if chain.is_empty() {
            return Ok(self.clone());
        }
        chain.sort();
        chain.dedup();
        let mut scoped = self.clone();
        scoped.scope = Some(std::sync::Arc::new(crate::content::LocaleScope {
            locale: self.locales().default_locale().clone(),
            chain,
            sync_only: true,
        }));
        Ok(scoped)
    }
}

/// The newest change-feed sequence pruned: tokens before it are too old to serve.
const FEED_FLOOR_SETTING: &str = "feed.floor";

impl Service {
    async fn feed_floor(&self) -> Result<i64> {
        let floor = self.setting(FEED_FLOOR_SETTING).await?;
        Ok(floor.and_then(|s| s.parse().ok()).unwrap_or(0))
    }

    /// Forgets change history older than the retention period (keeping each item's latest
    /// change) and webhook deliveries finished more than 30 days ago. Safe to run anywhere,
    /// any number of times.
    pub async fn prune_history(&self) -> Result<()> {
        let retention = chrono::Duration::from_std(self.config().feed_retention)
            .unwrap_or(chrono::Duration::days(90));
        let conn = self.db().conn();
        if let Some(floor) = feed::prune(conn, chrono::Utc::now() - retention).await? {
            if floor > self.feed_floor().await? {
                lectern_storage::queries::settings::set(
                    conn,
                    FEED_FLOOR_SETTING,
                    &floor.to_string(),
                )
                .await?;
            }
        }
        lectern_storage::queries::webhooks::forget_finished_before(
            conn,
            chrono::Utc::now() - chrono::Duration::days(30),
        )
        .await?;
        Ok(())
    }

    /// A page of the build-time export: the published content, as a static site may show it,
    /// whoever asks; any authenticated caller may pull it (a `read` token is the usual one).
    pub async fn export_page(&self, caller: &Caller, since: Option<&str>) -> Result<SyncPage> {
        if !caller.is_authenticated() {
            return Err(Error::Unauthenticated(
                "the export needs an API token or a login".into(),
            ));
        }
        self.sync(&Caller::Anonymous, since, Some(500)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = Token {
            v: 1,
            s: 42,
            t: None,
            c: None,
            i: None,
        };
        let key = b"a key of some length for the tests";
        let anonymous = Caller::Anonymous;
        let signed = encode(key, &anonymous, &[], &t).unwrap();
        assert_eq!(decode(key, &anonymous, &[], &signed).unwrap(), t);
        // Unsigned, forged, re-signed with another key, or replayed by another audience.
        let (payload, _) = signed.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"v":1,"s":41}"#);
        let editor = Caller::editor_view();
        for bad in [
            "".to_owned(),
            "!!".to_owned(),
            payload.to_owned(),
            format!("{forged}.{}", signed.split_once('.').unwrap().1),
            encode(b"another key entirely, also long", &anonymous, &[], &t).unwrap(),
            "a".repeat(600),
        ] {
            assert_eq!(
                decode(key, &anonymous, &[], &bad).unwrap_err().code(),
                crate::Code::InvalidSyncToken,
                "{bad}"
            );
        }
        assert!(decode(key, &editor, &[], &signed).is_err());
        assert!(decode(key, &anonymous, &["fr".into()], &signed).is_err());
    }
}
