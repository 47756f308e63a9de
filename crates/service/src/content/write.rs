//! Changing content: create, update, the workflow steps, scheduling and delete. Each write
//! is one transaction holding the row, its relations, its stored public JSON and search
//! document, its revision and its change-feed row.

use super::{
    apply_status, can_edit, expected_version, free_slug, require_writer, snapshot, ContentType,
    NewRow, RowOf, StatusAction,
};
use crate::inputs::{ChangeMeta, ParseInput};
use crate::record::{changed_fields, now, Record};
use crate::{Caller, Change, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::ContentStatus;
use lectern_storage::queries::content::{self as q, Row};
use lectern_storage::queries::editorial as eq;
use lectern_storage::Tx;
use uuid::Uuid;

/// A write made inside a transaction, to announce once it commits.
pub(crate) struct Written<V> {
    pub view: V,
    pub changes: Vec<Change>,
}

/// What an item was before a write, for its revision's summary.
pub(crate) enum Before {
    Created,
    Was(serde_json::Value),
    /// Only this relation changed, from the other side.
    Said(&'static str),
}

impl Service {
    pub async fn create<T: ContentType>(
        &self,
        caller: &Caller,
        input: T::Input,
    ) -> Result<T::View> {
        // Two creations at once can derive the same slug; the one that loses the race to the
        // unique index derives again from what is committed then.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let tx = self.db().begin().await?;
            match self.create_in::<T>(&tx, caller, input.clone()).await {
                Ok(written) => {
                    lectern_storage::commit(tx).await?;
                    return Ok(self.announce_written::<T>(caller, written));
                }
                Err(Error::Conflict {
                    code: crate::Code::Conflict,
                    ..
                }) if attempts < 3 => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Creates an item in the caller's transaction.
    pub(crate) async fn create_in<T: ContentType>(
        &self,
        tx: &Tx,
        caller: &Caller,
        input: T::Input,
    ) -> Result<Written<T::View>> {
        require_writer::<T>(caller)?;
        let change = input.parse_input(true)?;
        T::check_fields(caller, &change, None)?;
        let label = change
            .label()
            .ok_or_else(|| Error::field(T::LABEL_FIELD, "is required"))?
            .to_owned();
        let slug = free_slug::<T, _>(tx, "", change.slug(), &label, None).await?;
        let status = change.status().unwrap_or(ContentStatus::Draft);
        let at = now();
        let chosen = change.published_at();
        let new = NewRow {
            id: Uuid::now_v7(),
            slug,
            status,
            published_at: match status {
                ContentStatus::Published => Some(chosen.unwrap_or(at)),
                _ => chosen,
            },
            at,
        };
        let row = T::new_row(self, tx, caller, &change, new).await?;
        q::insert::<T::Table, _>(tx, row.clone()).await?;
        let peers = T::relate(self, tx, caller, row.id(), &change).await?;
        let mut written = self
            .write_tail::<T>(tx, caller, row, Before::Created, at, None)
            .await?;
        written
            .changes
            .extend(self.touch_peers::<T>(tx, caller, &peers, at).await?);
        Ok(written)
    }

    pub async fn update<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        input: T::Input,
        if_match: Option<i64>,
    ) -> Result<T::View> {
        self.update_noted::<T>(caller, key, input, if_match, None)
            .await
    }

    /// An update whose revision summary starts with `note` (e.g. "restored version 3").
    pub(crate) async fn update_noted<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        input: T::Input,
        if_match: Option<i64>,
        note: Option<&str>,
    ) -> Result<T::View> {
        require_writer::<T>(caller)?;
        let input_fields = input.clone();
        let change = input.parse_input(false)?;
        let expected = expected_version(if_match, change.version())?;
        let tx = self.db().begin().await?;
        let existing = self.find::<T, _>(&tx, caller, key).await?;
        if !can_edit(caller, &existing) {
            return Err(Error::forbidden("you may edit only your own drafts"));
        }
        let translation = !existing.locale().is_empty();
        if translation {
            super::locale::check_translated::<T>(&input_fields)?;
        }
        T::check_fields(caller, &change, Some(&existing))?;
        if existing.version() != expected {
            return Err(Error::PreconditionFailed);
        }
        let mut row = existing.clone();
        if let Some(slug) = change.slug() {
            if slug.as_str() != q::shown_slug(existing.slug()) {
                let label = change.label().unwrap_or(existing.label()).to_owned();
                let locale = existing.locale();
                let free =
                    free_slug::<T, _>(&tx, locale, Some(slug), &label, Some(existing.id())).await?;
                *row.meta_mut().slug = q::stored_slug(locale, free.as_str());
                eq::remember_slug(&tx, T::KIND.as_str(), existing.slug(), existing.id(), now())
                    .await?;
            }
        }
        T::apply(self, &tx, &mut row, &change).await?;
        let at = now();
        if let Some(status) = change.status() {
            let published_at = change.published_at().or(existing.published_at());
            apply_status(&mut row, status, published_at, at);
        }
        let peers = match translation {
            true => vec![],
            false => T::relate(self, &tx, caller, row.id(), &change).await?,
        };
        let written = self.save::<T>(&tx, caller, existing, row, at, note).await?;
        let mut written = written;
        written
            .changes
            .extend(self.touch_peers::<T>(&tx, caller, &peers, at).await?);
        lectern_storage::commit(tx).await?;
        Ok(self.announce_written::<T>(caller, written))
    }

    /// Writes a changed row as the next version of `existing`, with its revision.
    async fn save<T: ContentType>(
        &self,
        tx: &Tx,
        caller: &Caller,
        existing: RowOf<T>,
        mut row: RowOf<T>,
        at: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<Written<T::View>> {
        let before = self
            .one_view::<T, _>(tx, &Caller::editor_view(), existing.clone())
            .await?;
        {
            let meta = row.meta_mut();
            *meta.version = existing.version() + 1;
            *meta.updated_at = at;
        }
        if !q::update::<T::Table, _>(tx, row.clone(), existing.version()).await? {
            return Err(Error::PreconditionFailed);
        }
        let dependents = T::dependents(tx, &existing, Some(&row)).await?;
        self.refresh_dependents(tx, &dependents).await?;
        let before = Before::Was(snapshot(&before));
        let followers = self.follow_entry::<T>(tx, caller, &row, at).await?;
        let mut written = self
            .write_tail::<T>(tx, caller, row, before, at, note)
            .await?;
        written.changes.extend(followers);
        Ok(written)
    }

    /// The stored public JSON, search document, revision and feed row of a written row.
    pub(crate) async fn write_tail<T: ContentType>(
        &self,
        tx: &Tx,
        caller: &Caller,
        row: RowOf<T>,
        before: Before,
        at: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<Written<T::View>> {
        use super::ViewMeta;
        let (row_id, entry, locale) = (row.id(), row.entry(), row.locale().to_owned());
        let view = self
            .one_view::<T, _>(tx, &Caller::editor_view(), row)
            .await?;
        self.store_public::<T, _>(tx, row_id, &locale, &view)
            .await?;
        self.refresh_variants::<T>(tx, entry, row_id).await?;
        let after = snapshot(&view);
        let summary = match &before {
            Before::Was(b) => match changed_fields(b, &after) {
                fields if fields.is_empty() => "no changes".to_owned(),
                fields => format!("updated {fields}"),
            },
            Before::Created => "created".to_owned(),
            Before::Said(field) => format!("updated {field}"),
        };
        let summary = match note {
            Some(note) => format!("{note}: {summary}"),
            None => summary,
        };
        let published = view.status() == ContentStatus::Published.as_str();
        let was_published = match &before {
            Before::Was(b) => b["status"] == ContentStatus::Published.as_str(),
            Before::Created => false,
            // A peer's touch changes its links, not its status.
            Before::Said(_) => published,
        };
        let change = self
            .record(
                tx,
                Record {
                    entity_type: T::KIND.as_str(),
                    entity_id: view.id(),
                    row_id,
                    locale: &locale,
                    slug: view.slug(),
                    operation: "upsert",
                    version: view.version(),
                    published,
                    was_published,
                    snapshot: Some(after),
                    summary,
                    actor: caller.acting_user().map(|u| u.0),
                    at,
                },
            )
            .await?;
        Ok(Written {
            view,
            changes: vec![change],
        })
    }

    /// Announces a committed write and shapes its view for the caller (a write made by an
    /// author must not show them unpublished items they could not have read).
    pub(crate) fn announce_written<T: ContentType>(
        &self,
        caller: &Caller,
        written: Written<T::View>,
    ) -> T::View {
        written.changes.into_iter().for_each(|c| self.announce(c));
        let mut view = written.view;
        if !caller.sees_unpublished_links() {
            T::trim(&mut view);
        }
        view
    }

    /// Bumps the version of items whose relations changed because a peer linked or unlinked
    /// them, each with its own revision and feed row: their views changed too.
    async fn touch_peers<T: ContentType>(
        &self,
        tx: &Tx,
        caller: &Caller,
        peers: &[Uuid],
        at: DateTime<Utc>,
    ) -> Result<Vec<Change>> {
        let mut changes = Vec::new();
        for peer in peers {
            let Some(existing) = q::find_by_id::<T::Table, _>(tx, *peer).await? else {
                continue;
            };
            let said = Before::Said(T::PEER_FIELD);
            let row = existing.clone();
            let written = (self.next_version::<T>(tx, caller, &existing, row, said, at)).await?;
            changes.extend(written.changes);
        }
        Ok(changes)
    }

    /// Writes `row` as the next version of `existing` after a change made from elsewhere (a
    /// peer's link, the entry's shared fields), with its revision and feed row.
    pub(crate) async fn next_version<T: ContentType>(
        &self,
        tx: &Tx,
        caller: &Caller,
        existing: &RowOf<T>,
        mut row: RowOf<T>,
        said: Before,
        at: DateTime<Utc>,
    ) -> Result<Written<T::View>> {
        {
            let meta = row.meta_mut();
            *meta.version = existing.version() + 1;
            *meta.updated_at = at;
        }
        if !q::update::<T::Table, _>(tx, row.clone(), existing.version()).await? {
            return Err(Error::PreconditionFailed);
        }
        self.write_tail::<T>(tx, caller, row, said, at, None).await
    }

    pub async fn set_status<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        action: StatusAction,
        if_match: Option<i64>,
    ) -> Result<T::View> {
        require_writer::<T>(caller)?;
        let tx = self.db().begin().await?;
        let existing = self.find::<T, _>(&tx, caller, key).await?;
        caller.require_editor()?;
        let expected = expected_version(if_match, None)?;
        if existing.version() != expected {
            return Err(Error::PreconditionFailed);
        }
        let at = now();
        let mut row = existing.clone();
        apply_status(&mut row, action.target(), existing.published_at(), at);
        let written = self.save::<T>(&tx, caller, existing, row, at, None).await?;
        lectern_storage::commit(tx).await?;
        Ok(self.announce_written::<T>(caller, written))
    }

    /// Publishes at `at` if it is in the future, now otherwise.
    pub async fn publish<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        at: Option<DateTime<Utc>>,
        if_match: Option<i64>,
    ) -> Result<T::View> {
        let Some(at) = at.filter(|at| *at > Utc::now()) else {
            return self
                .set_status::<T>(caller, key, StatusAction::Publish, if_match)
                .await;
        };
        require_writer::<T>(caller)?;
        let existing = self.find::<T, _>(self.db().conn(), caller, key).await?;
        caller.require_editor()?;
        let expected = expected_version(if_match, None)?;
        let note = format!(
            "scheduled for {}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        self.schedule::<T>(caller, existing.id(), Some(at), expected, &note)
            .await
    }

    /// Sets or clears a scheduled publication, as a new version.
    pub(crate) async fn schedule<T: ContentType>(
        &self,
        caller: &Caller,
        id: Uuid,
        at: Option<DateTime<Utc>>,
        expected: i64,
        note: &str,
    ) -> Result<T::View> {
        let tx = self.db().begin().await?;
        let existing = q::find_by_id::<T::Table, _>(&tx, id)
            .await?
            .ok_or_else(|| Error::not_found(T::KIND.as_str()))?;
        if existing.version() != expected {
            return Err(Error::PreconditionFailed);
        }
        let written_at = now();
        let mut row = existing.clone();
        *row.meta_mut().publish_at = at;
        let written = self
            .save::<T>(&tx, caller, existing, row, written_at, Some(note))
            .await?;
        lectern_storage::commit(tx).await?;
        Ok(self.announce_written::<T>(caller, written))
    }

    pub async fn delete<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        if_match: Option<i64>,
    ) -> Result<()> {
        require_writer::<T>(caller)?;
        let tx = self.db().begin().await?;
        let existing = self.find::<T, _>(&tx, caller, key).await?;
        if !can_edit(caller, &existing) {
            return Err(Error::forbidden("you may delete only your own drafts"));
        }
        let expected = expected_version(if_match, None)?;
        let entry = existing.locale().is_empty();
        let dependents = match entry {
            true => T::dependents(&tx, &existing, None).await?,
            false => Default::default(),
        };
        // Deleting the entry deletes every translation; a translation goes alone.
        let backend = self.db().backend();
        let gone: Vec<RowOf<T>> = match entry {
            true => q::variants::<T::Table, _>(&tx, backend, &[existing.id()]).await?,
            false => vec![existing.clone()],
        };
        if existing.version() != expected
            || !q::delete::<T::Table, _>(&tx, existing.id(), expected).await?
        {
            return Err(Error::PreconditionFailed);
        }
        if entry {
            q::delete_translations::<T::Table, _>(&tx, backend, existing.id()).await?;
        }
        self.refresh_dependents(&tx, &dependents).await?;
        let mut changes = Vec::new();
        for row in gone.iter().filter(|r| entry || r.id() == existing.id()) {
            let change = self
                .record(
                    &tx,
                    Record {
                        entity_type: T::KIND.as_str(),
                        entity_id: row.entry(),
                        row_id: row.id(),
                        locale: row.locale(),
                        slug: q::shown_slug(row.slug()),
                        operation: "delete",
                        version: row.version() + 1,
                        published: false,
                        was_published: row.status() == ContentStatus::Published.as_str(),
                        snapshot: None,
                        summary: "deleted".into(),
                        actor: caller.acting_user().map(|u| u.0),
                        at: now(),
                    },
                )
                .await?;
            changes.push(change);
        }
        if !entry {
            self.refresh_variants::<T>(&tx, existing.entry(), existing.id())
                .await?;
        }
        lectern_storage::commit(tx).await?;
        changes.into_iter().for_each(|c| self.announce(c));
        Ok(())
    }

    /// Publishes what is due. Safe with several instances: each publication is a versioned
    /// write, so when two instances race for one item exactly one succeeds.
    pub(crate) async fn publish_due_of<T: ContentType>(&self) -> Result<usize> {
        let due = q::due::<T::Table, _>(self.db().conn(), Utc::now(), 100).await?;
        let system = Caller::editor_view();
        let mut published = 0;
        for (id, version) in due {
            let result = self
                .set_status::<T>(
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
}
