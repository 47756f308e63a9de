//! Editorial features: old slugs that redirect, scheduled publication, revisions and their
//! restoration, and idempotent creation.

use crate::articles::{expected_version, StatusAction};
use crate::inputs::{ArticleInput, TechnologyInput};
use crate::record::now;
use crate::views::{ArticleView, AuthorRef, TechnologyView};
use crate::{Caller, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::Slug;
use lectern_storage::queries::{
    editorial as eq, revisions as rq, technologies as tq, users as uq, Visibility,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

/// One entry of an item's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(examples(json!({"version": 2, "summary": "updated title, body", "created_at": "2026-11-20T09:00:00Z", "actor": {"id": "01a1fb47-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "display_name": "Ada Editor"}})))]
pub struct RevisionView {
    /// 1 at creation, then one more for every change.
    pub version: i64,
    /// What changed, e.g. "updated title, body".
    pub summary: String,
    pub created_at: DateTime<Utc>,
    /// Who made the change (null for the scheduler or a deleted user).
    pub actor: Option<AuthorRef>,
}

/// A revision with the full content it recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevisionSnapshot {
    #[serde(flatten)]
    pub revision: RevisionView,
    /// The whole item as it was at that version.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
}

/// The answer to a creation, possibly replayed from the first attempt.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: Uuid,
    pub json: String,
    /// True when this is the stored answer to an earlier request with the same key.
    pub replayed: bool,
}

/// Which content type an editorial call is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Article,
    Technology,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Technology => "technology",
        }
    }
}

fn owner_of(caller: &Caller) -> Result<String> {
    match caller {
        Caller::User { id, .. } => Ok(format!("user:{id}")),
        Caller::Token { id, .. } => Ok(format!("token:{id}")),
        Caller::Anonymous => Err(Error::Unauthenticated("log in to write content".into())),
    }
}

/// A digest of a request body, to tell a retry from a different request reusing a key.
pub fn request_digest(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

impl Service {
    /// For a slug nobody uses now: a redirect when the item moved to another slug (and the
    /// caller may read it), otherwise a 404.
    pub(crate) async fn moved_or_not_found(
        &self,
        entity_type: &str,
        caller: &Caller,
        key: &str,
    ) -> Error {
        let not_found = Error::not_found(entity_type);
        if Uuid::parse_str(key).is_ok() || Slug::parse(key).is_err() {
            return not_found;
        }
        let conn = self.db().conn();
        let Ok(Some(id)) = eq::slug_owner(conn, entity_type, key).await else {
            return not_found;
        };
        let current = match entity_type {
            "article" => self
                .find_article(conn, caller, &id.to_string())
                .await
                .map(|a| a.slug),
            _ => self
                .find_technology(conn, caller, &id.to_string())
                .await
                .map(|t| t.slug),
        };
        match current {
            Ok(slug) if slug != key => Error::Moved { slug },
            _ => not_found,
        }
    }

    /// Publishes at `at` if it is in the future, now otherwise.
    pub async fn publish_article(
        &self,
        caller: &Caller,
        key: &str,
        at: Option<DateTime<Utc>>,
        if_match: Option<i64>,
    ) -> Result<ArticleView> {
        match at {
            Some(at) if at > Utc::now() => {
                caller.require_article_writer()?;
                let existing = self.find_article(self.db().conn(), caller, key).await?;
                caller.require_editor()?;
                let expected = expected_version(if_match, None)?;
                self.set_article_schedule(
                    caller,
                    existing.id,
                    Some(at),
                    expected,
                    &schedule_note(at),
                )
                .await
            }
            _ => {
                self.set_article_status(caller, key, StatusAction::Publish, if_match)
                    .await
            }
        }
    }

    pub async fn publish_technology(
        &self,
        caller: &Caller,
        key: &str,
        at: Option<DateTime<Utc>>,
        if_match: Option<i64>,
    ) -> Result<TechnologyView> {
        match at {
            Some(at) if at > Utc::now() => {
                caller.require_editor()?;
                let existing = self.find_technology(self.db().conn(), caller, key).await?;
                let expected = expected_version(if_match, None)?;
                self.set_technology_schedule(
                    caller,
                    existing.id,
                    Some(at),
                    expected,
                    &schedule_note(at),
                )
                .await
            }
            _ => {
                self.set_technology_status(caller, key, StatusAction::Publish, if_match)
                    .await
            }
        }
    }

    /// Publishes what is due. Safe with several instances: each publication is a versioned
    /// write, so when two instances race for one item exactly one succeeds.
    pub async fn publish_due(&self) -> Result<usize> {
        let (articles, technologies) = eq::due(self.db().conn(), Utc::now(), 100).await?;
        let system = Caller::editor_view();
        let mut published = 0;
        // Each publication is conditional on the version `due` saw: if another instance has
        // published (or anyone changed) the item since, it is a version mismatch and skipped.
        for (id, version) in articles {
            let result = self
                .set_article_status(
                    &system,
                    &id.to_string(),
                    StatusAction::Publish,
                    Some(version),
                )
                .await;
            match result {
                Ok(_) => published += 1,
                Err(Error::PreconditionFailed | Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        for (id, version) in technologies {
            let result = self
                .set_technology_status(
                    &system,
                    &id.to_string(),
                    StatusAction::Publish,
                    Some(version),
                )
                .await;
            match result {
                Ok(_) => published += 1,
                Err(Error::PreconditionFailed | Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(published)
    }

    /// Runs `publish_due` every `every` until the process ends.
    pub fn run_scheduler(&self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_cleanup = std::time::Instant::now();
            loop {
                tick.tick().await;
                if last_cleanup.elapsed() > std::time::Duration::from_secs(3600) {
                    last_cleanup = std::time::Instant::now();
                    if let Err(e) = service.forget_old_idempotency_keys().await {
                        tracing::warn!(error = %e, "forgetting old idempotency keys failed");
                    }
                    if let Err(e) = service.prune_history().await {
                        tracing::warn!(error = %e, "pruning old change history failed");
                    }
                }
                match service.publish_due().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(published = n, "scheduled publications done"),
                    Err(e) => tracing::warn!(error = %e, "scheduled publishing failed"),
                }
            }
        })
    }

    async fn may_see_history(&self, caller: &Caller, kind: Kind, key: &str) -> Result<Uuid> {
        let conn = self.db().conn();
        match kind {
            Kind::Article => {
                let a = self.find_article(conn, caller, key).await?;
                let own = caller.user_id().is_some_and(|u| u.0 == a.author_id);
                if own || caller.article_visibility() == Visibility::All {
                    Ok(a.id)
                } else {
                    Err(Error::Forbidden(
                        "only editors and the article's author see its history".into(),
                    ))
                }
            }
            Kind::Technology => {
                let t = self.find_technology(conn, caller, key).await?;
                if caller.technology_visibility() == Visibility::All {
                    Ok(t.id)
                } else {
                    Err(Error::Forbidden(
                        "only editors see a technology's history".into(),
                    ))
                }
            }
        }
    }

    pub async fn list_revisions(
        &self,
        caller: &Caller,
        kind: Kind,
        key: &str,
    ) -> Result<Vec<RevisionView>> {
        caller.require_article_writer().or_else(|e| match caller {
            Caller::Token { .. } => Ok(()),
            _ => Err(e),
        })?;
        let id = self.may_see_history(caller, kind, key).await?;
        let rows = rq::list(self.db().conn(), kind.as_str(), id).await?;
        let mut actor_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
        actor_ids.sort_unstable();
        actor_ids.dedup();
        let actors: HashMap<Uuid, AuthorRef> = uq::find_many(self.db().conn(), &actor_ids)
            .await?
            .iter()
            .map(|u| (u.id, AuthorRef::from(u)))
            .collect();
        Ok(rows
            .into_iter()
            .map(|r| RevisionView {
                version: r.version,
                summary: r.summary,
                created_at: r.created_at,
                actor: r.actor_id.and_then(|a| actors.get(&a).cloned()),
            })
            .collect())
    }

    pub async fn get_revision(
        &self,
        caller: &Caller,
        kind: Kind,
        key: &str,
        version: i64,
    ) -> Result<RevisionSnapshot> {
        caller.require_article_writer().or_else(|e| match caller {
            Caller::Token { .. } => Ok(()),
            _ => Err(e),
        })?;
        let id = self.may_see_history(caller, kind, key).await?;
        let row = rq::get(self.db().conn(), kind.as_str(), id, version)
            .await?
            .ok_or_else(|| Error::not_found("revision"))?;
        let actor = match row.actor_id {
            Some(a) => uq::find_by_id(self.db().conn(), a)
                .await?
                .as_ref()
                .map(AuthorRef::from),
            None => None,
        };
        let snapshot = self.shape_snapshot(caller, row.snapshot).await?;
        Ok(RevisionSnapshot {
            revision: RevisionView {
                version: row.version,
                summary: row.summary,
                created_at: row.created_at,
                actor,
            },
            snapshot,
        })
    }

    /// A recorded snapshot, trimmed as the live item would be for `caller`: related
    /// technologies that the caller may not read now are left out.
    async fn shape_snapshot(
        &self,
        caller: &Caller,
        mut snapshot: serde_json::Value,
    ) -> Result<serde_json::Value> {
        if caller.technology_visibility() == Visibility::All {
            return Ok(snapshot);
        }
        for key in ["technologies", "related_technologies"] {
            let Some(list) = snapshot.get_mut(key).and_then(|v| v.as_array_mut()) else {
                continue;
            };
            let ids: Vec<Uuid> = list
                .iter()
                .filter_map(|t| t.get("id").and_then(|v| v.as_str()))
                .filter_map(|s| Uuid::parse_str(s).ok())
                .collect();
            let published: std::collections::HashSet<Uuid> = tq::find_many(self.db().conn(), &ids)
                .await?
                .into_iter()
                .filter(|t| t.status == "published")
                .map(|t| t.id)
                .collect();
            list.retain(|t| {
                t.get("id")
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .is_some_and(|id| published.contains(&id))
            });
        }
        Ok(snapshot)
    }

    /// Makes an old revision's content current again, as a new version. The status is not
    /// part of it: restoring never publishes or unpublishes.
    pub async fn restore_article_revision(
        &self,
        caller: &Caller,
        key: &str,
        version: i64,
        if_match: Option<i64>,
    ) -> Result<ArticleView> {
        caller.require_editor()?;
        let rev = self
            .get_revision(caller, Kind::Article, key, version)
            .await?;
        let s = rev.snapshot;
        let current = self.find_article(self.db().conn(), caller, key).await?;
        let wanted: Vec<String> = s["technologies"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|t| t["slug"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let existing: Vec<String> = tq::find_by_slugs(self.db().conn(), &wanted)
            .await?
            .into_iter()
            .map(|t| t.slug)
            .collect();
        let text = |k: &str| s[k].as_str().map(|v| Some(v.to_owned()));
        let input = ArticleInput {
            title: text("title"),
            slug: text("slug"),
            summary: text("summary"),
            body: text("body"),
            cover_image_url: Some(s["cover_image_url"].as_str().map(str::to_owned)),
            tags: Some(Some(
                s["tags"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            )),
            technologies: Some(Some(
                wanted
                    .into_iter()
                    .filter(|w| existing.contains(w))
                    .collect(),
            )),
            author_id: s["author"]["id"]
                .as_str()
                .and_then(|a| Uuid::parse_str(a).ok())
                .map(Some),
            ..Default::default()
        };
        let expected = crate::articles::expected_version(if_match, None)?;
        self.update_article_noted(
            caller,
            &current.id.to_string(),
            input,
            Some(expected),
            Some(&format!("restored version {version}")),
        )
        .await
    }

    pub async fn restore_technology_revision(
        &self,
        caller: &Caller,
        key: &str,
        version: i64,
        if_match: Option<i64>,
    ) -> Result<TechnologyView> {
        caller.require_editor()?;
        let rev = self
            .get_revision(caller, Kind::Technology, key, version)
            .await?;
        let s = rev.snapshot;
        let current = self.find_technology(self.db().conn(), caller, key).await?;
        let wanted: Vec<String> = s["related_technologies"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|t| t["slug"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let existing: Vec<String> = tq::find_by_slugs(self.db().conn(), &wanted)
            .await?
            .into_iter()
            .map(|t| t.slug)
            .collect();
        let text = |k: &str| s[k].as_str().map(|v| Some(v.to_owned()));
        let nullable = |k: &str| Some(s[k].as_str().map(str::to_owned));
        let input = TechnologyInput {
            name: text("name"),
            slug: text("slug"),
            kind: text("kind"),
            summary: text("summary"),
            description: text("description"),
            homepage_url: nullable("homepage_url"),
            first_released: Some(s["first_released"].as_i64()),
            steward: nullable("steward"),
            primary_language: nullable("primary_language"),
            notable_users: Some(serde_json::from_value(s["notable_users"].clone()).ok()),
            trend_signals: Some(serde_json::from_value(s["trend_signals"].clone()).ok()),
            related_technologies: Some(Some(
                wanted
                    .into_iter()
                    .filter(|w| existing.contains(w) && w != &current.slug)
                    .collect(),
            )),
            ..Default::default()
        };
        let expected = crate::articles::expected_version(if_match, None)?;
        self.update_technology_noted(
            caller,
            &current.id.to_string(),
            input,
            Some(expected),
            Some(&format!("restored version {version}")),
        )
        .await
    }

    /// Creates once per `key`: a retry with the same key and body gets the first answer again;
    /// the same key with another body is refused.
    async fn idempotent<F, Fut>(
        &self,
        caller: &Caller,
        key: Option<&str>,
        digest: &str,
        create: F,
    ) -> Result<Created>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(Uuid, String)>>,
    {
        let Some(key) = key else {
            let (id, json) = create().await?;
            return Ok(Created {
                id,
                json,
                replayed: false,
            });
        };
        if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Error::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            ));
        }
        let owner = owner_of(caller)?;
        let conn = self.db().conn();
        let reserved = eq::store_idempotent(
            conn,
            lectern_storage::entities::idempotency_keys::Model {
                owner: owner.clone(),
                key: key.to_owned(),
                request_hash: digest.to_owned(),
                status: 0,
                body: String::new(),
                location: None,
                created_at: now(),
            },
        )
        .await?;
        if !reserved {
            let Some(first) = eq::find_idempotent(conn, &owner, key).await? else {
                return Err(Error::Conflict {
                    code: "idempotency_conflict",
                    message: "retry the request".into(),
                });
            };
            if first.request_hash != digest {
                return Err(Error::field(
                    "Idempotency-Key",
                    "this key was already used with a different request body",
                ));
            }
            if first.status == 0 {
                return Err(Error::Conflict {
                    code: "idempotency_in_progress",
                    message: "a request with this Idempotency-Key is still being processed".into(),
                });
            }
            let id = serde_json::from_str::<serde_json::Value>(&first.body)
                .ok()
                .and_then(|v| v["id"].as_str().and_then(|i| Uuid::parse_str(i).ok()))
                .unwrap_or_default();
            return Ok(Created {
                id,
                json: first.body,
                replayed: true,
            });
        }
        match create().await {
            Ok((id, json)) => {
                eq::complete_idempotent(conn, &owner, key, 201, &json).await?;
                Ok(Created {
                    id,
                    json,
                    replayed: false,
                })
            }
            Err(e) => {
                eq::release_idempotent(conn, &owner, key).await?;
                Err(e)
            }
        }
    }

    pub async fn create_article_once(
        &self,
        caller: &Caller,
        input: ArticleInput,
        key: Option<&str>,
        digest: &str,
    ) -> Result<Created> {
        self.idempotent(caller, key, digest, || async {
            let view = self.create_article(caller, input).await?;
            let json = serde_json::to_string(&view).map_err(|e| Error::Internal(e.to_string()))?;
            Ok((view.id, json))
        })
        .await
    }

    pub async fn create_technology_once(
        &self,
        caller: &Caller,
        input: TechnologyInput,
        key: Option<&str>,
        digest: &str,
    ) -> Result<Created> {
        self.idempotent(caller, key, digest, || async {
            let view = self.create_technology(caller, input).await?;
            let json = serde_json::to_string(&view).map_err(|e| Error::Internal(e.to_string()))?;
            Ok((view.id, json))
        })
        .await
    }

    /// Drops idempotency records older than a day.
    pub async fn forget_old_idempotency_keys(&self) -> Result<u64> {
        Ok(
            eq::forget_idempotent_before(
                self.db().conn(),
                Utc::now() - chrono::Duration::hours(24),
            )
            .await?,
        )
    }
}

fn schedule_note(at: DateTime<Utc>) -> String {
    format!(
        "scheduled for {}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}
