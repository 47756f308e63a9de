//! Locales in the content core. An entry is the row in the default locale; a translation is
//! another row of the same table (`entry_id`, `locale`) holding its own translated fields,
//! slug, status and version, and copies of the entry's shared fields, which every write of
//! the entry brings in step. A request reads or writes in one locale (`Service::in_locale`);
//! reads fall back along the locale's chain, writes never do.

use super::{can_edit, can_read, free_slug, require_writer, ContentType, RowOf, ViewMeta};
use crate::inputs::{ChangeMeta, ParseInput};
use crate::record::now;
use crate::views::Translation;
use crate::{Caller, Code, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::{ContentStatus, Locale};
use lectern_storage::queries::content::{self as q, Row, Table};
use lectern_storage::queries::filter::{self as f, Expr};
use lectern_storage::{Conn, Tx};
use std::sync::Arc;
use uuid::Uuid;

/// The locale a request reads or writes in.
#[derive(Debug, Clone)]
pub struct LocaleScope {
    pub locale: Locale,
    /// Where reads look, in order, as stored (the default as empty): the locale, then its
    /// fallbacks unless the caller asked for none. Writes use the first only.
    pub chain: Vec<String>,
    /// A sync's choice of locales (`chain` lists them), not a reader's locale.
    pub sync_only: bool,
}

/// PostgreSQL's text search configuration for a language; `simple` (no stemming) for those
/// it has none for.
pub fn text_search_config(locale: &str) -> &'static str {
    match locale.split('-').next().unwrap_or_default() {
        "ar" => "arabic",
        "da" => "danish",
        "de" => "german",
        "el" => "greek",
        "en" => "english",
        "es" => "spanish",
        "fi" => "finnish",
        "fr" => "french",
        "hu" => "hungarian",
        "id" => "indonesian",
        "it" => "italian",
        "lt" => "lithuanian",
        "nb" | "nn" | "no" => "norwegian",
        "nl" => "dutch",
        "pt" => "portuguese",
        "ro" => "romanian",
        "ru" => "russian",
        "sv" => "swedish",
        "tr" => "turkish",
        _ => "simple",
    }
}

impl Service {
    pub fn locales(&self) -> &lectern_domain::Locales {
        &self.config().locales
    }

    /// This service reading and writing in a locale: the one `locale` names, else the best
    /// match for `accept_language`, else the default. `fallback: false` reads that locale
    /// only.
    pub fn in_locale(
        &self,
        locale: Option<&str>,
        accept_language: Option<&str>,
        fallback: bool,
    ) -> Result<Service> {
        let locales = self.locales();
        let chosen = match locale.filter(|l| !l.is_empty()) {
            // A malformed tag is a bad parameter; a well-formed one the server lacks, a 404.
            Some(raw) if Locale::parse(raw).is_err() => {
                return Err(Error::bad_request(
                    Code::InvalidParameter,
                    format!("locale '{raw}' is not a BCP 47 language tag"),
                ))
            }
            Some(raw) => locales.find(raw).ok_or_else(|| {
                let known: Vec<&str> = locales.all().map(Locale::as_str).collect();
                // Nothing exists in a locale the server lacks: a 404, like a missing item.
                Error::NotFound(format!(
                    "locale '{raw}' not found: this server has {}",
                    known.join(", ")
                ))
            })?,
            None => accept_language
                .and_then(|h| locales.negotiate(h))
                .unwrap_or(locales.default_locale()),
        };
        let mut chain: Vec<String> = (locales.chain(chosen).iter())
            .map(|l| self.stored_locale(l))
            .collect();
        if !fallback {
            chain.truncate(1);
        }
        // The default with nothing to fall back to is how the service reads anyway.
        if chain == [""] && self.scope.is_none() {
            return Ok(self.clone());
        }
        let mut scoped = self.clone();
        scoped.scope = Some(Arc::new(LocaleScope {
            locale: chosen.clone(),
            chain,
            sync_only: false,
        }));
        Ok(scoped)
    }

    /// The locale requested, or the default.
    pub fn current_locale(&self) -> &Locale {
        match &self.scope {
            Some(scope) if !scope.sync_only => &scope.locale,
            _ => self.locales().default_locale(),
        }
    }

    /// Where reads look, stored form.
    pub(crate) fn read_chain(&self) -> Vec<String> {
        match &self.scope {
            Some(scope) if !scope.sync_only => scope.chain.clone(),
            _ => vec![String::new()],
        }
    }

    /// The stored form of a locale: empty for the default.
    pub(crate) fn stored_locale(&self, locale: &Locale) -> String {
        match self.locales().is_default(locale) {
            true => String::new(),
            false => locale.as_str().to_owned(),
        }
    }

    /// The tag of a stored locale.
    pub fn shown_locale(&self, stored: &str) -> String {
        match stored {
            "" => self.locales().default_locale().as_str().to_owned(),
            l => l.to_owned(),
        }
    }

    /// A list's filter in this request's locale: the default's rows only, or the variant of
    /// each entry the locale's chain picks, with `id` meaning the entry.
    pub(crate) fn localize_filter<T: ContentType>(&self, caller: &Caller, filter: Expr) -> Expr {
        if !<T::Table as Table>::LOCALIZED {
            return filter;
        }
        let chain = self.read_chain();
        if chain.len() == 1 && chain[0].is_empty() {
            let default = Expr::Test("locale", f::Op::Eq, vec![f::Val::Text(String::new())]);
            return default.and(filter);
        }
        let visible = f::visible::<T::Table>(T::visibility(caller));
        Expr::Locale(chain, Box::new(visible)).and(Expr::Entries(Box::new(filter)))
    }

    /// Views of rows, translations answering as their entry, each saying its locale and the
    /// locales its entry exists in that the caller may read.
    pub(crate) async fn build_views<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        rows: Vec<RowOf<T>>,
    ) -> Result<Vec<T::View>> {
        if !<T::Table as Table>::LOCALIZED {
            return T::views(self, conn, caller, rows).await;
        }
        let locales: Vec<String> = rows.iter().map(|r| r.locale().to_owned()).collect();
        let mut entries: Vec<Uuid> = rows.iter().map(|r| r.entry()).collect();
        entries.sort_unstable();
        entries.dedup();
        let backend = self.db().backend();
        let variants = q::variant_refs::<T::Table, _>(conn, backend, &entries).await?;
        let as_entries = rows.iter().map(Row::as_entry).collect();
        let mut views = T::views(self, conn, caller, as_entries).await?;
        let everything = T::visibility(caller) == lectern_storage::queries::Visibility::All;
        for (view, locale) in views.iter_mut().zip(locales) {
            let translations = (variants.iter())
                .filter(|v| v.entry == view.id())
                .filter(|v| {
                    everything
                        || v.status == ContentStatus::Published.as_str()
                        || (v.owner.is_some() && v.owner == caller.user_id().map(|u| u.0))
                })
                .map(|v| Translation {
                    locale: self.shown_locale(&v.locale),
                    status: v.status.clone(),
                    slug: q::shown_slug(&v.slug).to_owned(),
                })
                .collect();
            view.set_locale(self.shown_locale(&locale), translations);
        }
        Ok(views)
    }

    /// Rewrites the stored public JSON of an entry's other variants (their lists of
    /// translations change with this one), in the caller's transaction.
    pub(crate) async fn refresh_variants<T: ContentType>(
        &self,
        tx: &Tx,
        entry: Uuid,
        except: Uuid,
    ) -> Result<()> {
        if !<T::Table as Table>::LOCALIZED {
            return Ok(());
        }
        let backend = self.db().backend();
        let others: Vec<RowOf<T>> = (q::variants::<T::Table, _>(tx, backend, &[entry]).await?)
            .into_iter()
            .filter(|r| r.id() != except)
            .collect();
        if others.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = others.iter().map(Row::id).collect();
        let locales: Vec<String> = others.iter().map(|r| r.locale().to_owned()).collect();
        let views = self
            .build_views::<T, _>(tx, &Caller::editor_view(), others)
            .await?;
        for ((view, id), locale) in views.iter().zip(ids).zip(locales) {
            self.store_public::<T, _>(tx, id, &locale, view).await?;
        }
        Ok(())
    }

    /// The entry's translations brought in step with its shared fields after a write of the
    /// entry: each one whose view changed is written as its next version.
    pub(crate) async fn follow_entry<T: ContentType>(
        &self,
        tx: &Tx,
        caller: &Caller,
        entry: &RowOf<T>,
        at: DateTime<Utc>,
    ) -> Result<Vec<crate::Change>> {
        if !<T::Table as Table>::LOCALIZED || !entry.locale().is_empty() {
            return Ok(vec![]);
        }
        let backend = self.db().backend();
        let mut changes = Vec::new();
        for variant in q::variants::<T::Table, _>(tx, backend, &[entry.id()]).await? {
            if variant.id() == entry.id() {
                continue;
            }
            let row = variant.translation_of(entry);
            if row == variant {
                continue;
            }
            let said = super::write::Before::Said("shared fields");
            let written = (self.next_version::<T>(tx, caller, &variant, row, said, at)).await?;
            changes.extend(written.changes);
        }
        Ok(changes)
    }

    /// Creates or updates the translation of an entry in a locale: a new translation is a
    /// draft whose untranslated fields are the entry's. Returns the view and whether it was
    /// created.
    pub async fn put_translation<T: ContentType>(
        &self,
        caller: &Caller,
        key: &str,
        locale: &str,
        input: T::Input,
        if_match: Option<i64>,
    ) -> Result<(T::View, bool)> {
        require_writer::<T>(caller)?;
        let locale = self
            .in_locale(Some(locale), None, false)?
            .current_locale()
            .clone();
        if T::TRANSLATED.is_empty() {
            return Err(Error::bad_request(
                Code::InvalidParameter,
                format!("{}s have no translations", T::KIND),
            ));
        }
        if self.locales().is_default(&locale) {
            let why = format!("{locale} is the default locale: change the entry itself");
            return Err(Error::field("locale", why));
        }
        let exact = self.in_locale(Some(locale.as_str()), None, false)?;
        let base = self.in_locale(None, None, false)?;
        let conn = self.db().conn();
        // The entry, found by any of its slugs the caller may read.
        let entry = match exact.find::<T, _>(conn, caller, key).await {
            Ok(_) => {
                let view = exact
                    .update_noted::<T>(caller, key, input, if_match, None)
                    .await?;
                return Ok((view, false));
            }
            Err(Error::NotFound(_)) => base.find_entry::<T, _>(conn, caller, key).await?,
            Err(e) => return Err(e),
        };
        check_translated::<T>(&input)?;
        let change = input.parse_input(false)?;
        let stored = self.stored_locale(&locale);
        let draft = entry.new_translation(Uuid::nil(), &stored, String::new(), now());
        if !can_edit(caller, &draft) {
            return Err(Error::forbidden("you may translate only your own entries"));
        }
        let tx = self.db().begin().await?;
        let label = change.label().unwrap_or(entry.label()).to_owned();
        let slug = free_slug::<T, _>(&tx, &stored, change.slug(), &label, None).await?;
        let at = now();
        let mut row = entry.new_translation(
            Uuid::now_v7(),
            &stored,
            q::stored_slug(&stored, slug.as_str()),
            at,
        );
        T::apply(self, &tx, &mut row, &change).await?;
        if let Some(status) = change.status() {
            caller.require_editor()?;
            super::apply_status(&mut row, status, None, at);
        }
        q::insert::<T::Table, _>(&tx, row.clone()).await?;
        let written = self
            .write_tail::<T>(&tx, caller, row, super::write::Before::Created, at, None)
            .await?;
        lectern_storage::commit(tx).await?;
        Ok((self.announce_written::<T>(caller, written), true))
    }

    /// Refuses callers who may not write items of this type, before anything else is read.
    pub fn check_writer<T: ContentType>(&self, caller: &Caller) -> Result<()> {
        require_writer::<T>(caller)
    }

    /// The entry (the default locale's row) an item key names, by its id or by the slug of
    /// any variant the caller may read.
    pub(crate) async fn find_entry<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        key: &str,
    ) -> Result<RowOf<T>> {
        let row = self.find::<T, C>(conn, caller, key).await?;
        if row.locale().is_empty() {
            return Ok(row);
        }
        q::find_by_id::<T::Table, C>(conn, row.entry())
            .await?
            .ok_or_else(|| Error::not_found(T::KIND.as_str()))
    }

    /// An item by id or slug in this request's locale chain, as the caller may read it.
    pub(crate) async fn find_localized<T: ContentType, C: Conn>(
        &self,
        conn: &C,
        caller: &Caller,
        key: &str,
    ) -> Result<RowOf<T>> {
        let not_found = || Error::not_found(T::KIND.as_str());
        let chain = self.read_chain();
        let found = match Uuid::parse_str(key) {
            Ok(id) => {
                let row = q::find_by_id::<T::Table, C>(conn, id)
                    .await?
                    .ok_or_else(not_found)?;
                // A translation's own id (the scheduler's): that row and no other.
                if !row.locale().is_empty() {
                    return match can_read::<T>(caller, &row) {
                        true => Ok(row),
                        false => Err(not_found()),
                    };
                }
                row
            }
            Err(_) => {
                let slug = lectern_domain::Slug::parse(key).map_err(|_| not_found())?;
                let mut slugs: Vec<String> = (chain.iter())
                    .map(|l| q::stored_slug(l, slug.as_str()))
                    .collect();
                if !chain.iter().any(String::is_empty) {
                    slugs.push(slug.as_str().to_owned());
                }
                let rows = q::find_by_slugs::<T::Table, C>(conn, &slugs).await?;
                // Only a slug the caller may read names an entry: a draft's stays secret.
                let readable = rows.into_iter().filter(|r| can_read::<T>(caller, r));
                readable
                    .min_by_key(|r| slugs.iter().position(|s| s == r.slug()))
                    .ok_or_else(not_found)?
            }
        };
        if chain.len() == 1 && chain[0] == found.locale() && can_read::<T>(caller, &found) {
            return Ok(found);
        }
        let backend = self.db().backend();
        let variants = q::variants::<T::Table, C>(conn, backend, &[found.entry()]).await?;
        for locale in &chain {
            let pick = variants
                .iter()
                .find(|v| v.locale() == locale && can_read::<T>(caller, v));
            if let Some(pick) = pick {
                return Ok(pick.clone());
            }
        }
        Err(not_found())
    }
}

/// A translation takes its translated fields, slug and status; the rest is the entry's.
pub(crate) fn check_translated<T: ContentType>(input: &T::Input) -> Result<()> {
    let shared: Vec<&str> = (input.present().into_iter())
        .filter(|f| !T::TRANSLATED.contains(f) && !["slug", "status"].contains(f))
        .collect();
    match shared.first() {
        None => Ok(()),
        Some(field) => Err(Error::field(
            *field,
            "is shared by every locale: change it on the entry, in the default locale",
        )),
    }
}
