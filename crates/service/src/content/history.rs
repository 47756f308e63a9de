//! Revisions: every version of an item as an editor saw it, and restoring one.

use super::{may_see_history, ContentType};
use crate::views::AuthorRef;
use crate::{Caller, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_storage::queries::content::Row;
use lectern_storage::queries::{revisions as rq, users as uq};
use serde::Serialize;
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

/// Read tokens may not see history; write and preview tokens and every user role may ask.
fn may_ask(caller: &Caller) -> Result<()> {
    caller.require_article_writer().or_else(|e| match caller {
        Caller::Token { .. } => Ok(()),
        _ => Err(e),
    })
}

impl Service {
    async fn history_of<T: ContentType>(&self, caller: &Caller, key: &str) -> Result<Uuid> {
        may_ask(caller)?;
        let row = self.find::<T, _>(self.db().conn(), caller, key).await?;
        may_see_history::<T>(caller, &row)?;
        Ok(row.id())
    }

    pub async fn list_revisions<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
    ) -> Result<Vec<RevisionView>> {
        let id = self.history_of::<T>(caller, key).await?;
        let rows = rq::list(self.db().conn(), T::KIND.as_str(), id).await?;
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

    pub async fn get_revision<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        version: i64,
    ) -> Result<RevisionSnapshot> {
        let id = self.history_of::<T>(caller, key).await?;
        let row = rq::get(self.db().conn(), T::KIND.as_str(), id, version)
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

    /// A recorded snapshot, trimmed as the live item would be for `caller`: links to items
    /// that the caller may not read now are left out.
    async fn shape_snapshot(
        &self,
        caller: &Caller,
        mut snapshot: serde_json::Value,
    ) -> Result<serde_json::Value> {
        if caller.sees_unpublished_links() {
            return Ok(snapshot);
        }
        let Some(fields) = snapshot.as_object_mut() else {
            return Ok(snapshot);
        };
        for (_, value) in fields.iter_mut() {
            let Some(list) = value.as_array_mut() else {
                continue;
            };
            let ids: Vec<Uuid> = list.iter().filter_map(link_id).collect();
            if ids.is_empty() {
                continue;
            }
            let published = self.published_among(&ids).await?;
            list.retain(|item| link_id(item).is_some_and(|id| published.contains(&id)));
        }
        Ok(snapshot)
    }

    /// Makes an old revision's content current again, as a new version. The status is not
    /// part of it: restoring never publishes or unpublishes.
    pub async fn restore<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        version: i64,
        if_match: Option<i64>,
    ) -> Result<T::View> {
        caller.require_editor()?;
        let rev = self.get_revision::<T>(caller, key, version).await?;
        let current = self.find::<T, _>(self.db().conn(), caller, key).await?;
        let input = T::restore_input(self, &rev.snapshot, &current).await?;
        let expected = super::expected_version(if_match, None)?;
        self.update_noted::<T>(
            caller,
            &current.id().to_string(),
            input,
            Some(expected),
            Some(&format!("restored version {version}")),
        )
        .await
    }
}

/// The id of a linked item in a snapshot's list of links (objects with an id and a slug).
fn link_id(item: &serde_json::Value) -> Option<Uuid> {
    item.get("slug")?;
    item.get("id")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
}

impl Service {
    /// Which of these linked items are published now.
    async fn published_among(&self, ids: &[Uuid]) -> Result<std::collections::HashSet<Uuid>> {
        use lectern_storage::queries::content::find_many;
        let conn = self.db().conn();
        let technologies =
            find_many::<lectern_storage::entities::technologies::Entity, _>(conn, ids).await?;
        let sources = find_many::<lectern_storage::entities::sources::Entity, _>(conn, ids).await?;
        let technologies = technologies.iter().map(|r| (r.id(), r.status()));
        let sources = sources.iter().map(|r| (r.id(), r.status()));
        Ok(technologies
            .chain(sources)
            .filter(|(_, status)| *status == "published")
            .map(|(id, _)| id)
            .collect())
    }
}
