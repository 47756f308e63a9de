//! Article use cases.

use crate::inputs::{ArticleChange, ArticleInput};
use crate::paging::{self, CursorKind, SortSpec};
use crate::record::{changed_fields, now, Record};
use crate::views::{ArticleView, AuthorRef, Page, TechnologyRef};
use crate::{Caller, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::{render_markdown, ContentStatus, FieldError, Role, Slug};
use lectern_storage::entities::articles as row;
use lectern_storage::queries::articles::{self as q, Sort};
use lectern_storage::queries::{technologies as tq, users as uq, Keyset, Visibility};
use lectern_storage::Conn;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const ARTICLE_SORTS: &[(&str, Sort)] = &[
    ("published_at", Sort::PublishedAt),
    ("created_at", Sort::CreatedAt),
    ("updated_at", Sort::UpdatedAt),
    ("title", Sort::Title),
];

/// A request for a page of articles, as both adapters receive it.
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `field` or `-field`; defaults to `-published_at`.
    pub sort: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    /// A technology slug.
    pub technology: Option<String>,
    pub author: Option<Uuid>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub q: Option<String>,
}

/// A validated article list request.
pub(crate) struct ArticleListPlan {
    pub limit: u64,
    pub sort: Sort,
    pub dir: lectern_storage::queries::SortDir,
    pub sort_key: String,
    pub after: Option<Keyset>,
    pub filter: q::Filter,
}

/// Editorial workflow steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Publish,
    Unpublish,
    Archive,
}

impl StatusAction {
    pub(crate) fn target(self) -> ContentStatus {
        match self {
            StatusAction::Publish => ContentStatus::Published,
            StatusAction::Unpublish => ContentStatus::Draft,
            StatusAction::Archive => ContentStatus::Archived,
        }
    }
}

/// Checks a status filter against what the caller may see: a filter must never reveal more
/// than the caller could list anyway.
pub(crate) fn check_status_filter(caller: &Caller, status: Option<&str>) -> Result<Option<String>> {
    let Some(raw) = status else { return Ok(None) };
    let status = ContentStatus::parse(raw)
        .map_err(|e| Error::bad_request("invalid_parameter", e.to_string()))?;
    if status != ContentStatus::Published && caller.sees_only_published() {
        return Err(Error::Forbidden(
            "filtering by an unpublished status needs an editor login or a preview token".into(),
        ));
    }
    Ok(Some(status.as_str().to_owned()))
}

pub(crate) fn check_text_filter(name: &str, value: Option<&str>) -> Result<Option<String>> {
    match value {
        Some(v) if v.len() > 200 => Err(Error::bad_request(
            "invalid_parameter",
            format!("{name} must be at most 200 characters"),
        )),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => Ok(Some(v.trim().to_owned())),
        None => Ok(None),
    }
}

/// Whether `caller` may read this article at all (a 404 otherwise, so drafts stay secret).
pub(crate) fn can_read(caller: &Caller, article: &row::Model) -> bool {
    if article.status == ContentStatus::Published.as_str() {
        return true;
    }
    match caller.article_visibility() {
        Visibility::All => true,
        Visibility::PublishedOrAuthoredBy(user) => article.author_id == user,
        Visibility::PublishedOnly => false,
    }
}

/// Whether `caller` may change this article's content (not its status).
fn can_edit(caller: &Caller, article: &row::Model) -> bool {
    if caller.can_edit_any_content() {
        return true;
    }
    match caller {
        Caller::User {
            id,
            role: Role::Author,
        } => article.author_id == id.0 && article.status == ContentStatus::Draft.as_str(),
        _ => false,
    }
}

/// The version a write is based on: If-Match wins over a version in the body.
pub(crate) fn expected_version(if_match: Option<i64>, body: Option<i64>) -> Result<i64> {
    if_match.or(body).ok_or(Error::PreconditionRequired)
}

impl Service {
    /// Validates a list request into what the storage query needs.
    pub(crate) fn plan_article_list(
        &self,
        caller: &Caller,
        query: &ArticleQuery,
    ) -> Result<ArticleListPlan> {
        let limit = paging::parse_limit(query.limit)?;
        let sort_raw = query.sort.as_deref().unwrap_or("-published_at");
        let SortSpec { field: sort, dir } = paging::parse_sort(sort_raw, ARTICLE_SORTS)?;
        let name = ARTICLE_SORTS
            .iter()
            .find(|(_, s)| *s == sort)
            .map(|(n, _)| *n)
            .unwrap_or_default();
        let sort_key = paging::sort_key(name, dir);
        let kind = if sort == Sort::Title {
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
            tag: check_text_filter("tag", query.tag.as_deref())?.map(|t| t.to_lowercase()),
            technology: check_text_filter("technology", query.technology.as_deref())?,
            technology_published_only: caller.technology_visibility() != Visibility::All,
            author_id: query.author,
            published_after: query.published_after,
            published_before: query.published_before,
            updated_after: query.updated_after,
            q: check_text_filter("q", query.q.as_deref())?,
        };
        Ok(ArticleListPlan {
            limit,
            sort,
            dir,
            sort_key,
            after,
            filter,
        })
    }

    pub async fn list_articles(
        &self,
        caller: &Caller,
        query: ArticleQuery,
    ) -> Result<Page<ArticleView>> {
        let plan = self.plan_article_list(caller, &query)?;
        let db = self.db();
        let rows = q::list(
            db.conn(),
            db.backend(),
            caller.article_visibility(),
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
        let items = self.article_views(db.conn(), caller, rows).await?;
        Ok(Page { items, next_cursor })
    }

    /// How many articles a list query matches for this caller.
    pub async fn count_articles(&self, caller: &Caller, query: &ArticleQuery) -> Result<u64> {
        let plan = self.plan_article_list(caller, query)?;
        Ok(q::count(self.db().conn(), caller.article_visibility(), &plan.filter).await?)
    }

    /// Builds views for a batch of rows with one query per relation, whatever the batch size.
    pub(crate) async fn article_views<C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        rows: Vec<row::Model>,
    ) -> Result<Vec<ArticleView>> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut author_ids: Vec<Uuid> = rows.iter().map(|r| r.author_id).collect();
        author_ids.sort_unstable();
        author_ids.dedup();
        let authors: HashMap<Uuid, AuthorRef> = uq::find_many(conn, &author_ids)
            .await?
            .iter()
            .map(|u| (u.id, AuthorRef::from(u)))
            .collect();
        let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (article, tag) in q::tags_of(conn, &ids).await? {
            tags.entry(article).or_default().push(tag);
        }
        let tech_visible = caller.technology_visibility() == Visibility::All;
        let mut techs: HashMap<Uuid, Vec<TechnologyRef>> = HashMap::new();
        for tech in q::technologies_of(conn, &ids).await? {
            // A link to an unpublished technology must not reveal it.
            if tech_visible || tech.status == ContentStatus::Published.as_str() {
                techs
                    .entry(tech.owner)
                    .or_default()
                    .push(TechnologyRef::from(&tech));
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let author = authors.get(&r.author_id).cloned();
                let t = tags.remove(&r.id).unwrap_or_default();
                let tech = techs.remove(&r.id).unwrap_or_default();
                ArticleView::new(r, t, author, tech)
            })
            .collect())
    }

    /// Finds an article by id or slug that the caller may read.
    pub(crate) async fn find_article<C: Conn>(
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
            Some(article) if can_read(caller, &article) => Ok(article),
            _ => Err(Error::not_found("article")),
        }
    }

    /// One article by id or slug.
    pub async fn get_article(&self, caller: &Caller, key: &str) -> Result<ArticleView> {
        let conn = self.db().conn();
        let article = match self.find_article(conn, caller, key).await {
            Err(Error::NotFound(_)) => {
                return Err(self.moved_or_not_found("article", caller, key).await)
            }
            other => other?,
        };
        self.one_view(conn, caller, article).await
    }

    async fn one_view<C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        article: row::Model,
    ) -> Result<ArticleView> {
        self.article_views(conn, caller, vec![article])
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("article view missing".into()))
    }

    /// Resolves technology slugs to ids the caller may link; unknown ones are field errors.
    async fn resolve_technologies<C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        slugs: &[Slug],
    ) -> Result<Vec<Uuid>> {
        let names: Vec<String> = slugs.iter().map(|s| s.as_str().to_owned()).collect();
        let found = tq::find_by_slugs(conn, &names).await?;
        let visible_all = caller.technology_visibility() == Visibility::All;
        let mut ids = Vec::with_capacity(slugs.len());
        let mut errors = Vec::new();
        for (i, slug) in slugs.iter().enumerate() {
            match found.iter().find(|t| {
                t.slug == slug.as_str()
                    && (visible_all || t.status == ContentStatus::Published.as_str())
            }) {
                Some(t) => ids.push(t.id),
                None => errors.push(FieldError::new(
                    format!("technologies[{i}]"),
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

    /// A free slug: the requested one (409 when taken) or one derived from the title.
    async fn article_slug<C: Conn>(
        &self,
        conn: &C,
        requested: Option<&Slug>,
        title: &str,
        except: Option<Uuid>,
    ) -> Result<Slug> {
        if let Some(slug) = requested {
            if q::slug_taken(conn, slug.as_str(), except).await? {
                return Err(Error::Conflict {
                    code: "slug_taken",
                    message: format!("another article already uses the slug '{slug}'"),
                });
            }
            return Ok(slug.clone());
        }
        let base = Slug::from_text(title);
        let mut candidate = base.clone();
        for n in 2..1000 {
            if !q::slug_taken(conn, candidate.as_str(), except).await? {
                return Ok(candidate);
            }
            candidate = base.with_suffix(n);
        }
        Ok(base.with_suffix(rand_suffix()))
    }

    /// Checks fields that only some roles may set.
    fn check_article_fields(
        &self,
        caller: &Caller,
        change: &ArticleChange,
        existing: Option<&row::Model>,
    ) -> Result<()> {
        if caller.can_edit_any_content() {
            return Ok(());
        }
        if let Some(status) = change.status {
            let unchanged = existing
                .map(|e| e.status == status.as_str())
                .unwrap_or(status == ContentStatus::Draft);
            if !unchanged {
                return Err(Error::Forbidden(
                    "authors cannot change an article's status; an editor publishes it".into(),
                ));
            }
        }
        if let Some(author) = change.author_id {
            if Some(author) != caller.user_id().map(|u| u.0) {
                return Err(Error::Forbidden(
                    "authors cannot change an article's author".into(),
                ));
            }
        }
        if change.published_at.is_some() {
            return Err(Error::Forbidden("only editors may set published_at".into()));
        }
        Ok(())
    }

    pub async fn create_article(
        &self,
        caller: &Caller,
        input: ArticleInput,
    ) -> Result<ArticleView> {
        caller.require_article_writer()?;
        let change = input.parse(true)?;
        self.check_article_fields(caller, &change, None)?;
        let tx = self.db().begin().await?;
        let (view, announced) = self.insert_article(&tx, caller, change).await?;
        tx.commit()
            .await
            .map_err(lectern_storage::StorageError::from)?;
        self.announce(announced);
        self.reshape_for(caller, view)
    }

    /// Creates many articles in one transaction (bulk import, seeding): all or none. Each
    /// still gets its revision and change-feed row.
    pub async fn import_articles(
        &self,
        caller: &Caller,
        inputs: Vec<ArticleInput>,
    ) -> Result<usize> {
        caller.require_editor()?;
        let mut changes = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            let change = input.parse(true).map_err(|e| {
                Error::Validation(
                    e.0.into_iter()
                        .map(|f| {
                            let field = format!("[{i}].{}", f.field);
                            f.at(field)
                        })
                        .collect(),
                )
            })?;
            changes.push(change);
        }
        let n = changes.len();
        let tx = self.db().begin().await?;
        let mut announced = Vec::with_capacity(n);
        for change in changes {
            announced.push(self.insert_article(&tx, caller, change).await?.1);
        }
        tx.commit()
            .await
            .map_err(lectern_storage::StorageError::from)?;
        announced.into_iter().for_each(|c| self.announce(c));
        Ok(n)
    }

    async fn insert_article(
        &self,
        tx: &lectern_storage::Tx,
        caller: &Caller,
        change: ArticleChange,
    ) -> Result<(ArticleView, crate::Change)> {
        let author_id = match (change.author_id, caller.acting_user()) {
            (Some(id), _) => {
                if uq::find_by_id(tx, id).await?.is_none() {
                    return Err(Error::field("author_id", "no user has this id"));
                }
                id
            }
            (None, Some(me)) => me.0,
            (None, None) => {
                return Err(Error::field(
                    "author_id",
                    "is required when writing with an API token",
                ))
            }
        };
        let title = change
            .title
            .clone()
            .ok_or_else(|| Error::field("title", "is required"))?;
        let slug = self
            .article_slug(tx, change.slug.as_ref(), title.as_str(), None)
            .await?;
        let technology_ids = match &change.technologies {
            Some(slugs) => self.resolve_technologies(tx, caller, slugs).await?,
            None => vec![],
        };
        let status = change.status.unwrap_or(ContentStatus::Draft);
        let at = now();
        let body = change.body.map(|b| b.into_inner()).unwrap_or_default();
        let article = row::Model {
            id: Uuid::now_v7(),
            slug: slug.into_inner(),
            title: title.into_inner(),
            summary: change.summary.map(|s| s.into_inner()).unwrap_or_default(),
            body_html: render_markdown(&body),
            body,
            cover_image_url: change.cover_image_url.flatten().map(String::from),
            author_id,
            status: status.as_str().to_owned(),
            published_at: match status {
                ContentStatus::Published => Some(change.published_at.unwrap_or(at)),
                _ => change.published_at,
            },
            created_at: at,
            updated_at: at,
            version: 1,
            public_json: None,
            publish_at: None,
        };
        q::insert(tx, article.clone()).await?;
        let tags: Vec<String> = change
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.into_inner())
            .collect();
        q::set_tags(tx, article.id, &tags).await?;
        q::set_technologies(tx, article.id, &technology_ids).await?;
        let view = self.one_view(tx, &Caller::editor_view(), article).await?;
        self.store_public_article(tx, &view).await?;
        let announced = self
            .record(
                tx,
                Record {
                    entity_type: "article",
                    entity_id: view.id,
                    slug: &view.slug,
                    operation: "upsert",
                    version: view.version,
                    published: view.status == "published",
                    snapshot: Some(snapshot(&view)),
                    summary: "created".into(),
                    actor: caller.acting_user().map(|u| u.0),
                    at,
                },
            )
            .await?;
        Ok((view, announced))
    }

    pub async fn update_article(
        &self,
        caller: &Caller,
        key: &str,
        input: ArticleInput,
        if_match: Option<i64>,
    ) -> Result<ArticleView> {
        self.update_article_noted(caller, key, input, if_match, None)
            .await
    }

    /// An update whose revision summary starts with `note` (e.g. "restored version 3").
    pub(crate) async fn update_article_noted(
        &self,
        caller: &Caller,
        key: &str,
        input: ArticleInput,
        if_match: Option<i64>,
        note: Option<&str>,
    ) -> Result<ArticleView> {
        caller.require_article_writer()?;
        let change = input.parse(false)?;
        let expected = expected_version(if_match, change.version)?;
        let tx = self.db().begin().await?;
        let existing = self.find_article(&tx, caller, key).await?;
        if !can_edit(caller, &existing) {
            return Err(Error::Forbidden("you may edit only your own drafts".into()));
        }
        self.check_article_fields(caller, &change, Some(&existing))?;
        if existing.version != expected {
            return Err(Error::PreconditionFailed);
        }
        let before = snapshot(
            &self
                .one_view(&tx, &Caller::editor_view(), existing.clone())
                .await?,
        );
        let mut article = existing.clone();
        if let Some(title) = &change.title {
            article.title = title.as_str().to_owned();
        }
        if let Some(slug) = &change.slug {
            if slug.as_str() != existing.slug {
                article.slug = self
                    .article_slug(&tx, Some(slug), &article.title, Some(existing.id))
                    .await?
                    .into_inner();
                lectern_storage::queries::editorial::remember_slug(
                    &tx,
                    "article",
                    &existing.slug,
                    existing.id,
                    now(),
                )
                .await?;
            }
        }
        if let Some(summary) = change.summary {
            article.summary = summary.into_inner();
        }
        if let Some(body) = change.body {
            article.body_html = render_markdown(body.as_str());
            article.body = body.into_inner();
        }
        if let Some(cover) = change.cover_image_url {
            article.cover_image_url = cover.map(String::from);
        }
        if let Some(author) = change.author_id {
            if uq::find_by_id(&tx, author).await?.is_none() {
                return Err(Error::field("author_id", "no user has this id"));
            }
            article.author_id = author;
        }
        let at = now();
        if let Some(status) = change.status {
            apply_status(
                &mut article,
                status,
                change.published_at.or(existing.published_at),
                at,
            );
        } else if let Some(published_at) = change.published_at {
            article.published_at = Some(published_at);
        }
        if let Some(tags) = &change.tags {
            let tags: Vec<String> = tags.iter().map(|t| t.as_str().to_owned()).collect();
            q::set_tags(&tx, article.id, &tags).await?;
        }
        if let Some(slugs) = &change.technologies {
            let ids = self.resolve_technologies(&tx, caller, slugs).await?;
            q::set_technologies(&tx, article.id, &ids).await?;
        }
        article.version = existing.version + 1;
        article.updated_at = at;
        if !q::update(&tx, article.clone(), expected).await? {
            return Err(Error::PreconditionFailed);
        }
        self.finish_article_write(tx, caller, article, Some(before), at, note)
            .await
    }

    /// Commits an update: revision, feed row, announcement, and the caller's view.
    #[allow(clippy::too_many_arguments)]
    async fn finish_article_write(
        &self,
        tx: lectern_storage::Tx,
        caller: &Caller,
        article: row::Model,
        before: Option<serde_json::Value>,
        at: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<ArticleView> {
        let view = self.one_view(&tx, &Caller::editor_view(), article).await?;
        self.store_public_article(&tx, &view).await?;
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
                    entity_type: "article",
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
        self.reshape_for(caller, view)
    }

    pub async fn set_article_status(
        &self,
        caller: &Caller,
        key: &str,
        action: StatusAction,
        if_match: Option<i64>,
    ) -> Result<ArticleView> {
        let note = None;
        caller.require_article_writer()?;
        let tx = self.db().begin().await?;
        let existing = self.find_article(&tx, caller, key).await?;
        caller.require_editor()?;
        let expected = expected_version(if_match, None)?;
        if existing.version != expected {
            return Err(Error::PreconditionFailed);
        }
        let before = snapshot(
            &self
                .one_view(&tx, &Caller::editor_view(), existing.clone())
                .await?,
        );
        let at = now();
        let mut article = existing.clone();
        apply_status(&mut article, action.target(), existing.published_at, at);
        article.version = existing.version + 1;
        article.updated_at = at;
        if !q::update(&tx, article.clone(), expected).await? {
            return Err(Error::PreconditionFailed);
        }
        self.finish_article_write(tx, caller, article, Some(before), at, note)
            .await
    }

    pub async fn delete_article(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<i64>,
    ) -> Result<()> {
        caller.require_article_writer()?;
        let tx = self.db().begin().await?;
        let existing = self.find_article(&tx, caller, key).await?;
        if !can_edit(caller, &existing) {
            return Err(Error::Forbidden(
                "you may delete only your own drafts".into(),
            ));
        }
        let expected = expected_version(if_match, None)?;
        if existing.version != expected || !q::delete(&tx, existing.id, expected).await? {
            return Err(Error::PreconditionFailed);
        }
        let announced = self
            .record(
                &tx,
                Record {
                    entity_type: "article",
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

    /// Re-reads relations as the caller sees them (a write made by an author must not show
    /// them unpublished technologies they could not have read).
    fn reshape_for(&self, caller: &Caller, mut view: ArticleView) -> Result<ArticleView> {
        if caller.technology_visibility() != Visibility::All {
            view.technologies.retain(|t| t.published);
        }
        Ok(view)
    }
}

impl Service {
    /// Sets or clears a scheduled publication, as a new version.
    pub(crate) async fn set_article_schedule(
        &self,
        caller: &Caller,
        id: Uuid,
        at: Option<DateTime<Utc>>,
        expected: i64,
        note: &str,
    ) -> Result<ArticleView> {
        let tx = self.db().begin().await?;
        let existing = q::find_by_id(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found("article"))?;
        if existing.version != expected {
            return Err(Error::PreconditionFailed);
        }
        let before = snapshot(
            &self
                .one_view(&tx, &Caller::editor_view(), existing.clone())
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
        self.finish_article_write(tx, caller, row, Some(before), written, Some(note))
            .await
    }
}

fn apply_status(
    article: &mut row::Model,
    status: ContentStatus,
    published_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) {
    article.status = status.as_str().to_owned();
    // Any explicit status change supersedes a scheduled publication.
    article.publish_at = None;
    article.published_at = match status {
        ContentStatus::Published => Some(published_at.unwrap_or(at)),
        ContentStatus::Draft => None,
        ContentStatus::Archived => article.published_at,
    };
}

/// The revision snapshot of an article: its view as an editor sees it.
pub(crate) fn snapshot<T: serde::Serialize>(view: &T) -> serde_json::Value {
    serde_json::to_value(view).unwrap_or(serde_json::Value::Null)
}

fn rand_suffix() -> u32 {
    use rand::Rng;
    rand::rng().random_range(1000..1_000_000)
}

impl Caller {
    /// The identity used to build snapshots and internal views: sees everything.
    pub(crate) fn editor_view() -> Caller {
        Caller::User {
            id: lectern_domain::UserId(Uuid::nil()),
            role: Role::Admin,
        }
    }
}
