//! The content core: what a content type declares (`ContentType`), and the one implementation
//! of its lifecycle that every type shares: reads, lists, writes, the editorial workflow,
//! revisions, the stored public JSON and idempotent creation.

mod history;
mod locale;
mod once;
mod public;
mod read;
mod write;

pub use history::{RevisionSnapshot, RevisionView};
pub use locale::{text_search_config, LocaleScope};
pub use once::{request_digest, Created};
pub(crate) use public::{public_json, public_view};
pub use public::{PublicItem, PublicPage};

use crate::paging::SortSpec;
use crate::{Caller, Error, Result, Service};
use chrono::{DateTime, Utc};
use lectern_domain::{ContentStatus, Kind, Slug};
use lectern_storage::queries::content::{Row, Sort, Table};
use lectern_storage::queries::Visibility;
use lectern_storage::Conn;
use std::future::Future;
use uuid::Uuid;

/// A list request as both adapters receive it: the parameters every type has, and the
/// type's own (`extra`).
#[derive(Debug, Clone, Default)]
pub struct ListQuery<X> {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `field` or `-field`; each type has its default.
    pub sort: Option<String>,
    pub status: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub q: Option<String>,
    /// A filter in the filter language (see `crate::filter`).
    pub filter: Option<serde_json::Value>,
    pub extra: X,
}

/// What the core reads off a view.
pub trait ViewMeta {
    fn id(&self) -> Uuid;
    fn slug(&self) -> &str;
    fn status(&self) -> &str;
    fn version(&self) -> i64;
    /// The locale the view is in; empty for types without translations.
    fn locale(&self) -> &str {
        ""
    }
    /// Says which locale the view is in and which others the item exists in.
    fn set_locale(&mut self, _locale: String, _translations: Vec<crate::views::Translation>) {}
    fn translations_mut(&mut self) -> Option<&mut Vec<crate::views::Translation>> {
        None
    }
}

/// Implements `ViewMeta` for views with the usual field names (`localized`: with `locale`
/// and `translations`).
macro_rules! view_meta {
    (localized $view:ty) => {
        $crate::content::view_meta!($view, {
            fn locale(&self) -> &str {
                &self.locale
            }
            fn set_locale(&mut self, locale: String, translations: Vec<$crate::views::Translation>) {
                self.locale = locale;
                self.translations = translations;
            }
            fn translations_mut(&mut self) -> Option<&mut Vec<$crate::views::Translation>> {
                Some(&mut self.translations)
            }
        });
    };
    ($view:ty) => {
        $crate::content::view_meta!($view, {});
    };
    ($view:ty, { $($more:tt)* }) => {
        impl $crate::content::ViewMeta for $view {
            fn id(&self) -> uuid::Uuid { self.id }
            fn slug(&self) -> &str { &self.slug }
            fn status(&self) -> &str { &self.status }
            fn version(&self) -> i64 { self.version }
            $($more)*
        }
    };
}
pub(crate) use view_meta;

/// Copies the fields a change sets onto its row: `field: |value| what the row stores`.
macro_rules! assign {
    ($row:ident, $change:ident, { $($field:ident: |$v:ident| $value:expr),* $(,)? }) => {
        $(if let Some($v) = &$change.$field {
            $row.$field = $value;
        })*
    };
}
pub(crate) use assign;

/// Who may write a type's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writers {
    /// Authors too: each their own drafts (editors and write tokens: everything).
    Authors,
    /// Editors, admins and write tokens only.
    Editors,
}

/// The fields of a new row that the core decides.
pub struct NewRow {
    pub id: Uuid,
    pub slug: Slug,
    pub status: ContentStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

/// The list parameters of the types whose items have a kind (a closed set).
#[derive(Debug, Clone, Default)]
pub struct KindParams {
    pub kind: Option<String>,
}

impl crate::filter::Sugar for KindParams {
    fn sugar(&self) -> serde_json::Map<String, serde_json::Value> {
        crate::filter::sugar([("kind", self.kind.as_deref().map(Into::into))])
    }
}

/// The plural name of a type's items: its table, its REST collection, its export folder.
pub fn collection<T: ContentType>() -> &'static str {
    <T::Table as Table>::NAME
}

impl NewRow {
    pub fn row<T: ContentType>(self) -> RowOf<T> {
        let status = self.status.as_str();
        RowOf::<T>::new(
            self.id,
            self.slug.into_inner(),
            status,
            self.published_at,
            self.at,
        )
    }
}

/// Items whose stored views show this one and must be rewritten when it changes.
#[derive(Debug, Default)]
pub struct Dependents {
    pub articles: Vec<Uuid>,
    pub technologies: Vec<Uuid>,
    pub sources: Vec<Uuid>,
}

/// A content type: its table, its views and inputs, and the few rules that are its own. The
/// core (`Service::get`, `list`, `create`, `update`, ...) does everything else the same way
/// for every type.
pub trait ContentType: Sized + Send + Sync + 'static {
    const KIND: Kind;
    const WRITERS: Writers;
    /// The shape of the stored public view: raised when a release changes the view, so that
    /// rows stored in an older shape are rebuilt and never served.
    const SHAPE: i32 = 1;
    /// The default sort: a field of `sorts`, with a leading `-` for descending.
    const DEFAULT_SORT: &'static str = Self::LABEL_FIELD;
    /// The input field the slug is derived from (`title`, `name`).
    const LABEL_FIELD: &'static str;
    /// The input fields a translation has its own of (with its slug and status); every
    /// other field is the entry's, shared by all its locales. Empty: no translations.
    const TRANSLATED: &'static [&'static str] = &[];
    /// The kinds whose items this type's views show parts of (its links), so that their
    /// changes evict its cached answers too.
    const EMBEDS: &'static [Kind] = &[];
    /// The relation through which a peer's write changes this type's items.
    const PEER_FIELD: &'static str = "";
    /// How a Markdown export writes an item: the front-matter keys of its own fields (after
    /// `title`, `slug`, `date` and `lastmod`, before `lectern_id`), with the JSON pointers of
    /// their values in the view (`/list/*/field` takes a field of each item of a list).
    const FRONT_MATTER: &'static [(&'static str, &'static str)];
    /// The view field that is the Markdown body of an export.
    const MARKDOWN_BODY: &'static str;
    type Table: Table;
    type View: serde::Serialize
        + serde::de::DeserializeOwned
        + Clone
        + ViewMeta
        + Send
        + Sync
        + 'static;
    type Input: crate::inputs::ParseInput + Clone + Default + Send + 'static;
    /// The type's own list parameters: shorthands for filters.
    type Params: crate::filter::Sugar + Clone + Default + std::fmt::Debug + Send + Sync;

    /// Fields only some roles may set.
    fn check_fields(
        _caller: &Caller,
        _change: &ChangeOf<Self>,
        _existing: Option<&RowOf<Self>>,
    ) -> Result<()> {
        Ok(())
    }
    /// A new row from a parsed creation: the common columns, then the type's own fields.
    fn new_row(
        svc: &Service,
        tx: &lectern_storage::Tx,
        _caller: &Caller,
        change: &ChangeOf<Self>,
        new: NewRow,
    ) -> impl Future<Output = Result<RowOf<Self>>> + Send {
        async move {
            let mut row = new.row::<Self>();
            Self::apply(svc, tx, &mut row, change).await?;
            Ok(row)
        }
    }
    /// Applies an update's own fields to the row (the core handles slug and status).
    fn apply(
        svc: &Service,
        tx: &lectern_storage::Tx,
        row: &mut RowOf<Self>,
        change: &ChangeOf<Self>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Writes the relations a change names; returns other items whose views changed with
    /// it (a related technology is related back).
    fn relate(
        _svc: &Service,
        _tx: &lectern_storage::Tx,
        _caller: &Caller,
        _id: Uuid,
        _change: &ChangeOf<Self>,
    ) -> impl Future<Output = Result<Vec<Uuid>>> + Send {
        async { Ok(vec![]) }
    }
    /// Views of many rows, with their relations, one query per relation.
    fn views<C: Conn>(
        svc: &Service,
        conn: &C,
        caller: &Caller,
        rows: Vec<RowOf<Self>>,
    ) -> impl Future<Output = Result<Vec<Self::View>>> + Send;
    /// Leaves out relations to items that are not published.
    fn trim(_view: &mut Self::View) {}
    /// What search finds an item by, from its public view.
    fn search_fields(view: &Self::View) -> crate::search::SearchFields;
    /// The input that makes a revision's content current again.
    fn restore_input(
        svc: &Service,
        snapshot: &serde_json::Value,
        current: &RowOf<Self>,
    ) -> impl Future<Output = Result<Self::Input>> + Send;
    /// What shows this item, when a change to `before` (None: a delete) alters what they
    /// show of it.
    fn dependents(
        _tx: &lectern_storage::Tx,
        _before: &RowOf<Self>,
        _after: Option<&RowOf<Self>>,
    ) -> impl Future<Output = Result<Dependents>> + Send {
        async { Ok(Dependents::default()) }
    }

    /// Which items of this type the caller may read.
    fn visibility(caller: &Caller) -> Visibility {
        match Self::WRITERS {
            Writers::Authors => caller.article_visibility(),
            Writers::Editors => caller.technology_visibility(),
        }
    }
}

/// A type's row, its own list filters and its parsed change: what its table and its input
/// already say.
pub type RowOf<T> = lectern_storage::queries::content::ModelOf<<T as ContentType>::Table>;
pub type ChangeOf<T> = <<T as ContentType>::Input as crate::inputs::ParseInput>::Change;

/// The sorts a list accepts: the label (a title, a name) and the three dates every type has.
/// The fields a type's lists sort on.
pub fn sort_fields<T: ContentType>() -> [&'static str; 4] {
    sorts::<T>().map(|(field, _)| field)
}

pub(crate) fn sorts<T: ContentType>() -> [(&'static str, Sort); 4] {
    [
        (T::LABEL_FIELD, Sort::Label),
        ("published_at", Sort::PublishedAt),
        ("created_at", Sort::CreatedAt),
        ("updated_at", Sort::UpdatedAt),
    ]
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

/// Whether `caller` may read this item at all (a 404 otherwise, so drafts stay secret).
pub(crate) fn can_read<T: ContentType>(caller: &Caller, row: &RowOf<T>) -> bool {
    if row.status() == ContentStatus::Published.as_str() {
        return true;
    }
    match T::visibility(caller) {
        Visibility::All => true,
        Visibility::PublishedOrAuthoredBy(user) => row.owner() == Some(user),
        Visibility::PublishedOnly => false,
    }
}

/// May the caller write items of this type at all?
pub(crate) fn require_writer<T: ContentType>(caller: &Caller) -> Result<()> {
    match T::WRITERS {
        Writers::Authors => caller.require_article_writer(),
        Writers::Editors => caller.require_editor(),
    }
}

/// Whether `caller` may change this item's content (not its status): editors anything,
/// authors their own drafts.
pub(crate) fn can_edit(caller: &Caller, row: &impl Row) -> bool {
    if caller.can_edit_any_content() {
        return true;
    }
    match (caller, row.owner()) {
        (Caller::User { id, .. }, Some(owner)) => {
            owner == id.0 && row.status() == ContentStatus::Draft.as_str()
        }
        _ => false,
    }
}

/// Whether the caller may read an item's history.
pub(crate) fn may_see_history<T: ContentType>(caller: &Caller, row: &RowOf<T>) -> Result<()> {
    let own = row.owner().is_some() && row.owner() == caller.user_id().map(|u| u.0);
    if own || T::visibility(caller) == Visibility::All {
        return Ok(());
    }
    Err(Error::Forbidden(match T::WRITERS {
        Writers::Authors => format!("only editors and the {}'s author see its history", T::KIND),
        Writers::Editors => format!("only editors see a {}'s history", T::KIND),
    }))
}

/// Checks a status filter against what the caller may see: a filter must never reveal more
/// than the caller could list anyway.
pub(crate) fn check_status_filter(caller: &Caller, status: Option<&str>) -> Result<Option<String>> {
    let Some(raw) = status else { return Ok(None) };
    let status = ContentStatus::parse(raw)
        .map_err(|e| Error::bad_request(crate::Code::InvalidParameter, e.to_string()))?;
    if status != ContentStatus::Published && caller.sees_only_published() {
        return Err(Error::forbidden(
            "filtering by an unpublished status needs an editor login or a preview token",
        ));
    }
    Ok(Some(status.as_str().to_owned()))
}

pub(crate) fn check_text_filter(name: &str, value: Option<&str>) -> Result<Option<String>> {
    match value {
        Some(v) if v.len() > 200 => Err(Error::bad_request(
            crate::Code::InvalidParameter,
            format!("{name} must be at most 200 characters"),
        )),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => Ok(Some(v.trim().to_owned())),
        None => Ok(None),
    }
}

/// The version a write is based on: If-Match wins over a version in the body.
pub(crate) fn expected_version(if_match: Option<i64>, body: Option<i64>) -> Result<i64> {
    if_match.or(body).ok_or(Error::PreconditionRequired)
}

/// The revision snapshot of an item: its view as an editor sees it.
pub(crate) fn snapshot<V: serde::Serialize>(view: &V) -> serde_json::Value {
    serde_json::to_value(view).unwrap_or(serde_json::Value::Null)
}

/// Moves a row to `status`. Any explicit status change supersedes a scheduled publication.
pub(crate) fn apply_status(
    row: &mut impl Row,
    status: ContentStatus,
    published_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) {
    let meta = row.meta_mut();
    *meta.status = status.as_str().to_owned();
    *meta.publish_at = None;
    *meta.published_at = match status {
        ContentStatus::Published => Some(published_at.unwrap_or(at)),
        ContentStatus::Draft => None,
        ContentStatus::Archived => *meta.published_at,
    };
}

/// A validated list request.
pub(crate) struct ListPlan {
    pub page: lectern_storage::queries::content::Page,
    pub sort_key: String,
    pub filter: lectern_storage::queries::filter::Expr,
}

impl Service {
    /// A list request checked and compiled, in this request's locale.
    pub(crate) fn plan_list<T: ContentType>(
        &self,
        caller: &Caller,
        query: &ListQuery<T::Params>,
    ) -> Result<ListPlan> {
        let locale = match <T::Table as Table>::LOCALIZED {
            true => self.read_chain().join(">"),
            false => String::new(),
        };
        let mut plan = plan_list::<T>(caller, query, &locale)?;
        plan.filter = self.localize_filter::<T>(caller, std::mem::take(&mut plan.filter));
        Ok(plan)
    }
}

/// `locale` binds cursors to the locale chain they were made for.
fn plan_list<T: ContentType>(
    caller: &Caller,
    query: &ListQuery<T::Params>,
    locale: &str,
) -> Result<ListPlan> {
    use crate::paging::{self, CursorKind};
    let limit = paging::parse_limit(query.limit)?;
    let raw = query.sort.as_deref().unwrap_or(T::DEFAULT_SORT);
    let SortSpec { field: sort, dir } = paging::parse_sort(raw, &sorts::<T>())?;
    let name = sorts::<T>()
        .iter()
        .find(|(_, s)| *s == sort)
        .map(|(n, _)| *n)
        .unwrap_or_default();
    let sort_key = match locale {
        "" => paging::sort_key(name, dir),
        l => format!("{}@{l}", paging::sort_key(name, dir)),
    };
    let kind = if sort.is_text() {
        CursorKind::Text
    } else {
        CursorKind::Time
    };
    let after = query
        .cursor
        .as_deref()
        .map(|c| paging::decode_cursor(c, &sort_key, kind))
        .transpose()?;
    let status = check_status_filter(caller, query.status.as_deref())?;
    let q = check_text_filter("q", query.q.as_deref())?;
    let common = lectern_storage::queries::content::Common {
        status: status.as_deref(),
        published_after: query.published_after,
        published_before: query.published_before,
        updated_after: query.updated_after,
        q: q.as_deref(),
    };
    let sugar = serde_json::Value::Object(crate::filter::Sugar::sugar(&query.extra));
    let mut filter = common
        .expr::<T::Table>()
        .and(crate::filter::parse::<T>(caller, &sugar)?);
    if let Some(f) = &query.filter {
        filter = filter.and(crate::filter::parse::<T>(caller, f)?);
    }
    Ok(ListPlan {
        page: lectern_storage::queries::content::Page {
            sort,
            dir,
            after,
            limit: limit + 1,
        },
        sort_key,
        filter,
    })
}

impl Caller {
    /// The identity used to build snapshots and internal views: sees everything.
    pub(crate) fn editor_view() -> Caller {
        Caller::User {
            id: lectern_domain::UserId(Uuid::nil()),
            role: lectern_domain::Role::Admin,
        }
    }

    /// Whether links to unpublished items are shown to this caller.
    pub(crate) fn sees_unpublished_links(&self) -> bool {
        self.technology_visibility() == Visibility::All
    }
}

/// A free slug: the requested one (409 when taken) or one derived from the label.
pub(crate) async fn free_slug<T: ContentType, C: Conn>(
    conn: &C,
    locale: &str,
    requested: Option<&Slug>,
    label: &str,
    except: Option<Uuid>,
) -> Result<Slug> {
    use lectern_storage::queries::content::stored_slug;
    let slug_taken = |slug: &str| {
        let stored = stored_slug(locale, slug);
        async move {
            lectern_storage::queries::content::slug_taken::<T::Table, C>(conn, &stored, except)
                .await
        }
    };
    if let Some(slug) = requested {
        if slug_taken(slug.as_str()).await? {
            return Err(Error::conflict(
                crate::Code::SlugTaken,
                format!("another {} already uses the slug '{slug}'", T::KIND),
            ));
        }
        return Ok(slug.clone());
    }
    let base = Slug::from_text(label);
    let mut candidate = base.clone();
    for n in 2..1000 {
        if !slug_taken(candidate.as_str()).await? {
            return Ok(candidate);
        }
        candidate = base.with_suffix(n);
    }
    use rand::Rng;
    Ok(base.with_suffix(rand::rng().random_range(1000..1_000_000)))
}

/// Runs `$body` with `$T` naming the content type of `$kind`: the one place that lists every
/// type, for code that receives a type as data (the feed, search, sync, webhooks).
#[macro_export]
macro_rules! with_type {
    ($kind:expr, |$T:ident| $body:expr) => {
        match $kind {
            $crate::Kind::Article => {
                type $T = $crate::Article;
                $body
            }
            $crate::Kind::Technology => {
                type $T = $crate::Technology;
                $body
            }
            $crate::Kind::Source => {
                type $T = $crate::Source;
                $body
            }
            $crate::Kind::Asset => {
                type $T = $crate::Asset;
                $body
            }
        }
    };
}
