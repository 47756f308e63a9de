//! Technology profile use cases. Only editors, admins and write tokens change technologies.

use crate::articles::{
    check_status_filter, check_text_filter, expected_version, snapshot, StatusAction,
};
use crate::inputs::TechnologyInput;
use crate::paging::{self, CursorKind, SortSpec};
use crate::record::{changed_fields, now, Record};
use crate::views::{Page, TechnologyRef, TechnologyView};
use crate::{Caller, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::{render_markdown, ContentStatus, FieldError, Slug, TechKind};
use lectern_storage::entities::technologies as row;
use lectern_storage::queries::technologies::{self as q, Sort};
use lectern_storage::queries::{Keyset, Visibility};
use lectern_storage::Conn;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const TECHNOLOGY_SORTS: &[(&str, Sort)] = &[
    ("name", Sort::Name),
    ("published_at", Sort::PublishedAt),
    ("created_at", Sort::CreatedAt),
    ("updated_at", Sort::UpdatedAt),
];

/// A validated technology list request.
pub(crate) struct TechnologyListPlan {
    pub limit: u64,
    pub sort: Sort,
    pub dir: lectern_storage::queries::SortDir,
    pub sort_key: String,
    pub after: Option<Keyset>,
    pub filter: q::Filter,
}

#[derive(Debug, Clone, Default)]
pub struct TechnologyQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `field` or `-field`; defaults to `name`.
    pub sort: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub q: Option<String>,
}

pub(crate) fn can_read(caller: &Caller, t: &row::Model) -> bool {
    t.status == ContentStatus::Published.as_str()
        || caller.technology_visibility() == Visibility::All
}

impl Service {
    pub(crate) fn plan_technology_list(
        &self,
        caller: &Caller,
        query: &TechnologyQuery,
    ) -> Result<TechnologyListPlan> {
        let limit = paging::parse_limit(query.limit)?;
        let SortSpec { field: sort, dir } =
            paging::parse_sort(query.sort.as_deref().unwrap_or("name"), TECHNOLOGY_SORTS)?;
        let name = TECHNOLOGY_SORTS
            .iter()
            .find(|(_, s)| *s == sort)
            .map(|(n, _)| *n)
            .unwrap_or_default();
        let sort_key = paging::sort_key(name, dir);
        let kind = if sort == Sort::Name {
            CursorKind::Text
        } else {
            CursorKind::Time
        };
        let after = query
            .cursor
            .as_deref()
            .map(|c| paging::decode_cursor(c, &sort_key, kind))
            .transpose()?;
        let filter = q::Filter {
            status: check_status_filter(caller, query.status.as_deref())?,
            kind: match query.kind.as_deref() {
                None => None,
                Some(k) => Some(
                    TechKind::parse(k)
                        .map_err(|e| Error::bad_request("invalid_parameter", e.to_string()))?
                        .as_str()
                        .to_owned(),
                ),
            },
            published_after: query.published_after,
            published_before: query.published_before,
            updated_after: query.updated_after,
            q: check_text_filter("q", query.q.as_deref())?,
        };
        Ok(TechnologyListPlan {
            limit,
            sort,
            dir,
            sort_key,
            after,
            filter,
        })
    }

    pub async fn list_technologies(
        &self,
        caller: &Caller,
        query: TechnologyQuery,
    ) -> Result<Page<TechnologyView>> {
        let plan = self.plan_technology_list(caller, &query)?;
        let db = self.db();
        let rows = q::list(
            db.conn(),
            db.backend(),
            caller.technology_visibility(),
            &plan.filter,
            plan.sort,
            plan.dir,
            plan.after,
            plan.limit + 1,
        )
        .await?;
        let (rows, next_cursor) =
            paging::finish_page(rows, plan.limit, &plan.sort_key, |r| Keyset {
                value: plan.sort.value_of(r),
                id: r.id,
            });
        let items = self.technology_views(db.conn(), caller, rows).await?;
        Ok(Page { items, next_cursor })
    }

    pub async fn count_technologies(
        &self,
        caller: &Caller,
        query: &TechnologyQuery,
    ) -> Result<u64> {
        let plan = self.plan_technology_list(caller, query)?;
        Ok(q::count(
            self.db().conn(),
            caller.technology_visibility(),
            &plan.filter,
        )
        .await?)
    }

    pub(crate) async fn technology_views<C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        rows: Vec<row::Model>,
    ) -> Result<Vec<TechnologyView>> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let see_all = caller.technology_visibility() == Visibility::All;
        let mut related: HashMap<Uuid, Vec<TechnologyRef>> = HashMap::new();
        for tech in q::related_of(conn, &ids).await? {
            if see_all || tech.status == ContentStatus::Published.as_str() {
                related
                    .entry(tech.owner)
                    .or_default()
                    .push(TechnologyRef::from(&tech));
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let rel = related.remove(&r.id).unwrap_or_default();
                TechnologyView::new(r, rel)
            })
            .collect())
    }

    pub(crate) async fn find_technology<C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        key: &str,
    ) -> Result<row::Model> {
        let found = match Uuid::parse_str(key) {
            Ok(id) => q::find_by_id(conn, id).await?,
            Err(_) => match Slug::parse(key) {
                Ok(slug) => q::find_by_slug(conn, slug.as_str()).await?,
                Err(_) => None,
            },
        };
        match found {
            Some(t) if can_read(caller, &t) => Ok(t),
            _ => Err(Error::not_found("technology")),
        }
    }

    pub async fn get_technology(&self, caller: &Caller, key: &str) -> Result<TechnologyView> {
        let conn = self.db().conn();
        let t = match self.find_technology(conn, caller, key).await {
            Err(Error::NotFound(_)) => {
                return Err(self.moved_or_not_found("technology", caller, key).await)
            }
            other => other?,
        };
        self.one_technology_view(conn, caller, t).await
    }

    async fn one_technology_view<C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        t: row::Model,
    ) -> Result<TechnologyView> {
        self.technology_views(conn, caller, vec![t])
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("technology view missing".into()))
    }

    async fn resolve_related<C: Conn>(
        &self,
        conn: &C,
        slugs: &[Slug],
        me: Option<Uuid>,
    ) -> Result<Vec<Uuid>> {
        let names: Vec<String> = slugs.iter().map(|s| s.as_str().to_owned()).collect();
        let found = q::find_by_slugs(conn, &names).await?;
        let mut ids = Vec::new();
        let mut errors = Vec::new();
        for (i, slug) in slugs.iter().enumerate() {
            match found.iter().find(|t| t.slug == slug.as_str()) {
                Some(t) if Some(t.id) == me => errors.push(FieldError::new(
                    format!("related_technologies[{i}]"),
                    "a technology cannot be related to itself",
                )),
                Some(t) => ids.push(t.id),
                None => errors.push(FieldError::new(
                    format!("related_technologies[{i}]"),
                    format!("no technology has the slug '{slug}'"),
                )),
            }
        }
        if errors.is_empty() {
            Ok(ids)
        } else {
            Err(Error::Validation(errors))
        }
    }

    async fn technology_slug<C: Conn>(
        &self,
        conn: &C,
        requested: Option<&Slug>,
        name: &str,
        except: Option<Uuid>,
    ) -> Result<Slug> {
        if let Some(slug) = requested {
            if q::slug_taken(conn, slug.as_str(), except).await? {
                return Err(Error::Conflict {
                    code: "slug_taken",
                    message: format!("another technology already uses the slug '{slug}'"),
                });
            }
            return Ok(slug.clone());
        }
        let base = Slug::from_text(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while q::slug_taken(conn, candidate.as_str(), except).await? {
            candidate = base.with_suffix(n);
            n += 1;
        }
        Ok(candidate)
    }

    pub async fn create_technology(
        &self,
        caller: &Caller,
        input: TechnologyInput,
    ) -> Result<TechnologyView> {
        let note = None;
        caller.require_editor()?;
        let change = input.parse(true)?;
        let tx = self.db().begin().await?;
        let name = change
            .name
            .clone()
            .ok_or_else(|| Error::field("name", "is required"))?;
        let kind = change
            .kind
            .ok_or_else(|| Error::field("kind", "is required"))?;
        let slug = self
            .technology_slug(&tx, change.slug.as_ref(), name.as_str(), None)
            .await?;
        let related = match &change.related {
            Some(slugs) => self.resolve_related(&tx, slugs, None).await?,
            None => vec![],
        };
        let status = change.status.unwrap_or(ContentStatus::Draft);
        let at = now();
        let description = change
            .description
            .map(|d| d.into_inner())
            .unwrap_or_default();
        let t = row::Model {
            id: Uuid::now_v7(),
            slug: slug.into_inner(),
            name: name.into_inner(),
            kind: kind.as_str().to_owned(),
            summary: change.summary.map(|s| s.into_inner()).unwrap_or_default(),
            description_html: render_markdown(&description),
            description,
            homepage_url: change.homepage_url.flatten().map(String::from),
            first_released: change.first_released.flatten().map(|y| y.get()),
            steward: change.steward.flatten(),
            primary_language: change.primary_language.flatten(),
            notable_users: serde_json::json!(change.notable_users.unwrap_or_default()),
            trend_signals: serde_json::to_value(change.trend_signals.unwrap_or_default())
                .unwrap_or_else(|_| serde_json::json!([])),
            status: status.as_str().to_owned(),
            published_at: (status == ContentStatus::Published).then_some(at),
            created_at: at,
            updated_at: at,
            version: 1,
            public_json: None,
            publish_at: None,
        };
        q::insert(&tx, t.clone()).await?;
        q::set_related(&tx, t.id, &related).await?;
        let mut peer_changes = Vec::new();
        for peer in &related {
            peer_changes.extend(self.touch_technology(&tx, caller, *peer, at).await?);
        }
        let view = self
            .finish_technology_write(tx, caller, t, None, at, note)
            .await?;
        for change in peer_changes {
            self.announce(change);
        }
        Ok(view)
    }

    pub async fn update_technology(
        &self,
        caller: &Caller,
        key: &str,
        input: TechnologyInput,
        if_match: Option<i64>,
    ) -> Result<TechnologyView> {
        self.update_technology_noted(caller, key, input, if_match, None)
            .await
    }

    pub(crate) async fn update_technology_noted(
        &self,
        caller: &Caller,
        key: &str,
        input: TechnologyInput,
        if_match: Option<i64>,
        note: Option<&str>,
    ) -> Result<TechnologyView> {
        caller.require_editor()?;
        let change = input.parse(false)?;
        let expected = expected_version(if_match, change.version)?;
        let tx = self.db().begin().await?;
        let existing = self.find_technology(&tx, caller, key).await?;
        if existing.version != expected {
            return Err(Error::PreconditionFailed);
        }
        let before = snapshot(
            &self
                .one_technology_view(&tx, &Caller::editor_view(), existing.clone())
                .await?,
        );
        let mut t = existing.clone();
        if let Some(name) = change.name {
            t.name = name.into_inner();
        }
        if let Some(slug) = &change.slug {
            if slug.as_str() != existing.slug {
                t.slug = self
                    .technology_slug(&tx, Some(slug), &t.name, Some(t.id))
                    .await?
                    .into_inner();
                lectern_storage::queries::editorial::remember_slug(
                    &tx,
                    "technology",
                    &existing.slug,
                    existing.id,
                    now(),
                )
                .await?;
            }
        }
        if let Some(kind) = change.kind {
            t.kind = kind.as_str().to_owned();
        }
        if let Some(summary) = change.summary {
            t.summary = summary.into_inner();
        }
        if let Some(description) = change.description {
            t.description_html = render_markdown(description.as_str());
            t.description = description.into_inner();
        }
        if let Some(url) = change.homepage_url {
            t.homepage_url = url.map(String::from);
        }
        if let Some(year) = change.first_released {
            t.first_released = year.map(|y| y.get());
        }
        if let Some(steward) = change.steward {
            t.steward = steward;
        }
        if let Some(lang) = change.primary_language {
            t.primary_language = lang;
        }
        if let Some(users) = change.notable_users {
            t.notable_users = serde_json::json!(users);
        }
        if let Some(signals) = change.trend_signals {
            t.trend_signals =
                serde_json::to_value(signals).unwrap_or_else(|_| serde_json::json!([]));
        }
        let at = now();
        let mut peer_changes = Vec::new();
        if let Some(slugs) = &change.related {
            let ids = self.resolve_related(&tx, slugs, Some(t.id)).await?;
            let old: Vec<Uuid> = q::related_of(&tx, &[t.id])
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
            q::set_related(&tx, t.id, &ids).await?;
            for peer in old
                .iter()
                .filter(|o| !ids.contains(o))
                .chain(ids.iter().filter(|n| !old.contains(n)))
            {
                peer_changes.extend(self.touch_technology(&tx, caller, *peer, at).await?);
            }
        }
        if let Some(status) = change.status {
            apply_status(&mut t, status, at);
        }
        t.version = existing.version + 1;
        t.updated_at = at;
        if !q::update(&tx, t.clone(), expected).await? {
            return Err(Error::PreconditionFailed);
        }
        if shown_in_links(&existing) != shown_in_links(&t) {
            self.refresh_technology_dependents(&tx, t.id).await?;
        }
        let view = self
            .finish_technology_write(tx, caller, t, Some(before), at, note)
            .await?;
        for change in peer_changes {
            self.announce(change);
        }
        Ok(view)
    }

    pub async fn set_technology_status(
        &self,
        caller: &Caller,
        key: &str,
        action: StatusAction,
        if_match: Option<i64>,
    ) -> Result<TechnologyView> {
        let note = None;
        caller.require_editor()?;
        let tx = self.db().begin().await?;
        let existing = self.find_technology(&tx, caller, key).await?;
        let expected = expected_version(if_match, None)?;
        if existing.version != expected {
            return Err(Error::PreconditionFailed);
        }
        let before = snapshot(
            &self
                .one_technology_view(&tx, &Caller::editor_view(), existing.clone())
                .await?,
        );
        let at = now();
        let mut t = existing.clone();
        apply_status(&mut t, action.target(), at);
        t.version = existing.version + 1;
        t.updated_at = at;
        if !q::update(&tx, t.clone(), expected).await? {
            return Err(Error::PreconditionFailed);
        }
        if shown_in_links(&existing) != shown_in_links(&t) {
            self.refresh_technology_dependents(&tx, t.id).await?;
        }
        self.finish_technology_write(tx, caller, t, Some(before), at, note)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish_technology_write(
        &self,
        tx: lectern_storage::Tx,
        caller: &Caller,
        t: row::Model,
        before: Option<serde_json::Value>,
        at: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<TechnologyView> {
        let view = self
            .one_technology_view(&tx, &Caller::editor_view(), t)
            .await?;
        self.store_public_technology(&tx, &view).await?;
        let after = snapshot(&view);
        let summary = match &before {
            Some(b) => {
                let fields = changed_fields(b, &after);
                if fields.is_empty() {
                    "no changes".to_owned()
                } else {
                    format!("updated {fields}")
                }
            }
            None => "created".to_owned(),
        };
        let summary = match note {
            Some(note) => format!("{note}: {summary}"),
            None => summary,
        };
        let announced = self
            .record(
                &tx,
                Record {
                    entity_type: "technology",
                    entity_id: view.id,
                    slug: &view.slug,
                    operation: "upsert",
                    version: view.version,
                    published: view.status == "published",
                    snapshot: Some(after),
                    summary,
                    actor: caller.acting_user().map(|u| u.0),
                    at,
                },
            )
            .await?;
        tx.commit()
            .await
            .map_err(lectern_storage::StorageError::from)?;
        self.announce(announced);
        Ok(view)
    }

    pub async fn delete_technology(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<i64>,
    ) -> Result<()> {
        caller.require_editor()?;
        let tx = self.db().begin().await?;
        let existing = self.find_technology(&tx, caller, key).await?;
        let expected = expected_version(if_match, None)?;
        let (articles, related) = self.technology_dependents(&tx, existing.id).await?;
        if existing.version != expected || !q::delete(&tx, existing.id, expected).await? {
            return Err(Error::PreconditionFailed);
        }
        self.refresh_public_articles(&tx, &articles).await?;
        self.refresh_public_technologies(&tx, &related).await?;
        let announced = self
            .record(
                &tx,
                Record {
                    entity_type: "technology",
                    entity_id: existing.id,
                    slug: &existing.slug,
                    operation: "delete",
                    version: existing.version + 1,
                    published: false,
                    snapshot: None,
                    summary: "deleted".into(),
                    actor: caller.acting_user().map(|u| u.0),
                    at: now(),
                },
            )
            .await?;
        tx.commit()
            .await
            .map_err(lectern_storage::StorageError::from)?;
        self.announce(announced);
        Ok(())
    }

    /// Bumps the version of a technology whose related list changed because a peer linked or
    /// unlinked it, with its own revision and feed row: its public view changed too.
    async fn touch_technology(
        &self,
        tx: &lectern_storage::Tx,
        caller: &Caller,
        id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<crate::Change>> {
        let Some(existing) = q::find_by_id(tx, id).await? else {
            return Ok(vec![]);
        };
        let mut t = existing.clone();
        t.version += 1;
        t.updated_at = at;
        if !q::update(tx, t.clone(), existing.version).await? {
            return Err(Error::PreconditionFailed);
        }
        let view = self
            .one_technology_view(tx, &Caller::editor_view(), t)
            .await?;
        self.store_public_technology(tx, &view).await?;
        let change = self
            .record(
                tx,
                Record {
                    entity_type: "technology",
                    entity_id: view.id,
                    slug: &view.slug,
                    operation: "upsert",
                    version: view.version,
                    published: view.status == "published",
                    snapshot: Some(snapshot(&view)),
                    summary: "updated related_technologies".into(),
                    actor: caller.acting_user().map(|u| u.0),
                    at,
                },
            )
            .await?;
        Ok(vec![change])
    }
}

/// What links to a technology show of it: when any of this changes, the items that link to
/// it need their public JSON rewritten.
fn shown_in_links(t: &row::Model) -> (&str, &str, &str, &str) {
    (&t.slug, &t.name, &t.kind, &t.status)
}

impl Service {
    /// The articles covering a technology and the technologies related to it.
    async fn technology_dependents(
        &self,
        tx: &lectern_storage::Tx,
        id: Uuid,
    ) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
        let articles = q::article_ids_covering(tx, id).await?;
        let related = q::related_of(tx, &[id])
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        Ok((articles, related))
    }

    async fn refresh_technology_dependents(
        &self,
        tx: &lectern_storage::Tx,
        id: Uuid,
    ) -> Result<()> {
        let (articles, related) = self.technology_dependents(tx, id).await?;
        self.refresh_public_articles(tx, &articles).await?;
        self.refresh_public_technologies(tx, &related).await
    }
}

impl Service {
    /// Sets or clears a scheduled publication, as a new version.
    pub(crate) async fn set_technology_schedule(
        &self,
        caller: &Caller,
        id: Uuid,
        at: Option<DateTime<Utc>>,
        expected: i64,
        note: &str,
    ) -> Result<TechnologyView> {
        let tx = self.db().begin().await?;
        let existing = q::find_by_id(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("technology"))?;
        if existing.version != expected {
            return Err(Error::PreconditionFailed);
        }
        let before = snapshot(
            &self
                .one_technology_view(&tx, &Caller::editor_view(), existing.clone())
                .await?,
        );
        let written = now();
        let mut row = existing.clone();
        row.publish_at = at;
        row.version = existing.version + 1;
        row.updated_at = written;
        if !q::update(&tx, row.clone(), expected).await? {
            return Err(Error::PreconditionFailed);
        }
        self.finish_technology_write(tx, caller, row, Some(before), written, Some(note))
            .await
    }
}

fn apply_status(t: &mut row::Model, status: ContentStatus, at: DateTime<Utc>) {
    t.status = status.as_str().to_owned();
    // Any explicit status change supersedes a scheduled publication.
    t.publish_at = None;
    t.published_at = match status {
        ContentStatus::Published => Some(t.published_at.unwrap_or(at)),
        ContentStatus::Draft => None,
        ContentStatus::Archived => t.published_at,
    };
}

impl Service {
    /// Full views of the technologies with these ids that the caller may read, in two
    /// statements whatever their number (for `include`).
    pub async fn technologies_by_ids(
        &self,
        caller: &Caller,
        ids: &[Uuid],
    ) -> Result<Vec<TechnologyView>> {
        let conn = self.db().conn();
        let rows: Vec<row::Model> = q::find_many(conn, ids)
            .await?
            .into_iter()
            .filter(|t| can_read(caller, t))
            .collect();
        self.technology_views(conn, caller, rows).await
    }
}
