//! The queries every content type shares, written once over its table. A type's table says
//! which of its columns play the common parts (`Col`) and which extra filters it has; the
//! rest (lookups, keyset pages, versioned writes, the stored public JSON) is here.

use super::filter::Expr;
use super::keyset::{self, Keyset, SortDir, SortValue};
use super::Visibility;
use crate::{Backend, Result};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr as SqlExpr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The columns every content table has, by their part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Id,
    Slug,
    /// What a person calls the item (a title or a name); sorts ignore its case.
    Label,
    /// The second text that `q` searches (a summary or a note).
    Summary,
    Status,
    Version,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    PublicJson,
    /// The view shape the public JSON was written in.
    PublicShape,
    PublishAt,
}

/// A content row's common fields.
pub trait Row: Clone + PartialEq + Send + Sync + 'static {
    /// A new row at version 1 with the type's other columns empty.
    fn new(
        id: Uuid,
        slug: String,
        status: &str,
        published_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Self;
    fn id(&self) -> Uuid;
    fn slug(&self) -> &str;
    fn label(&self) -> &str;
    fn status(&self) -> &str;
    fn version(&self) -> i64;
    fn published_at(&self) -> Option<DateTime<Utc>>;
    fn created_at(&self) -> DateTime<Utc>;
    fn updated_at(&self) -> DateTime<Utc>;
    fn publish_at(&self) -> Option<DateTime<Utc>>;
    /// The user who owns the item (an article's author), for types that have one.
    fn owner(&self) -> Option<Uuid>;
    /// The stored public view, if it was written in view shape `shape`.
    fn public_json(&self, shape: i32) -> Option<&str>;
    fn meta_mut(&mut self) -> MetaMut<'_>;
    /// A translation's locale; empty for the entry itself (the default locale).
    fn locale(&self) -> &str;
    /// The entry this row is a variant of: its own id, or the entry a translation belongs to.
    fn entry(&self) -> Uuid;
    /// This translation brought in step with its entry: the entry's shared fields, this
    /// row's own (its id, slug, status, version, dates and translated fields).
    fn translation_of(&self, entry: &Self) -> Self;
    /// A new draft translation of this entry in `locale`, its translated fields the entry's
    /// until they are set.
    fn new_translation(&self, id: Uuid, locale: &str, slug: String, at: DateTime<Utc>) -> Self;
    /// The row as its entry: a translation keeps its content but answers to the entry's id
    /// (views load relations by it) and shows its slug without the locale.
    fn as_entry(&self) -> Self;
}

/// How a translation's slug is stored: `<locale>/<slug>`, so that the slug column's unique
/// index holds within each locale (a slug never contains `/`).
pub fn stored_slug(locale: &str, slug: &str) -> String {
    match locale {
        "" => slug.to_owned(),
        l => format!("{l}/{slug}"),
    }
}

/// The slug a reader sees, without the locale.
pub fn shown_slug(stored: &str) -> &str {
    stored.rsplit('/').next().unwrap_or(stored)
}

/// The common fields a write changes.
pub struct MetaMut<'a> {
    pub slug: &'a mut String,
    pub status: &'a mut String,
    pub version: &'a mut i64,
    pub published_at: &'a mut Option<DateTime<Utc>>,
    pub updated_at: &'a mut DateTime<Utc>,
    pub publish_at: &'a mut Option<DateTime<Utc>>,
}

/// A table's row type.
pub type ModelOf<E> = <E as EntityTrait>::Model;

/// A content table.
pub trait Table: EntityTrait<Model: Row> + Default {
    /// The table's name, for the few statements written as SQL text.
    const NAME: &'static str;
    /// What its lists may be filtered on.
    const FIELDS: &'static [super::filter::Field];
    fn col(c: Col) -> Self::Column;
    /// The owner column, for types whose drafts their owner may read.
    fn owner_col() -> Option<Self::Column>;
    /// Whether its items may have translations (the table has `entry_id` and `locale`).
    const LOCALIZED: bool;
    fn active(m: Self::Model) -> Self::ActiveModel;
}

/// Declares a table's part in the content core, e.g. `content_table!(articles, label = title
/// Title, summary = Summary, owner = author_id AuthorId, fields = FIELDS)`; `owner = none` for
/// types without an owner.
#[macro_export]
macro_rules! content_table {
    ($m:ident, label = $label:ident $Label:ident, summary = $Summary:ident, owner = $($owner:ident)+, translated = [$($tr:ident),*], fields = $fields:expr) => {
        impl $crate::queries::content::Row for $crate::entities::$m::Model {
            fn new(id: uuid::Uuid, slug: String, status: &str, published_at: Option<chrono::DateTime<chrono::Utc>>, at: chrono::DateTime<chrono::Utc>) -> Self {
                Self { id, slug, status: status.to_owned(), published_at, created_at: at, updated_at: at, version: 1, ..Default::default() }
            }
            fn id(&self) -> uuid::Uuid { self.id }
            fn slug(&self) -> &str { &self.slug }
            fn label(&self) -> &str { &self.$label }
            fn status(&self) -> &str { &self.status }
            fn version(&self) -> i64 { self.version }
            fn published_at(&self) -> Option<chrono::DateTime<chrono::Utc>> { self.published_at }
            fn created_at(&self) -> chrono::DateTime<chrono::Utc> { self.created_at }
            fn updated_at(&self) -> chrono::DateTime<chrono::Utc> { self.updated_at }
            fn publish_at(&self) -> Option<chrono::DateTime<chrono::Utc>> { self.publish_at }
            fn owner(&self) -> Option<uuid::Uuid> { $crate::content_table!(@owner self $($owner)+) }
            fn public_json(&self, shape: i32) -> Option<&str> {
                self.public_json.as_deref().filter(|_| self.public_shape == shape)
            }
            $crate::content_table!(@locale [$($tr),*]);
            fn meta_mut(&mut self) -> $crate::queries::content::MetaMut<'_> {
                $crate::queries::content::MetaMut {
                    slug: &mut self.slug,
                    status: &mut self.status,
                    version: &mut self.version,
                    published_at: &mut self.published_at,
                    updated_at: &mut self.updated_at,
                    publish_at: &mut self.publish_at,
                }
            }
        }
        impl $crate::queries::content::Table for $crate::entities::$m::Entity {
            const NAME: &'static str = stringify!($m);
            const FIELDS: &'static [$crate::queries::filter::Field] = $fields;
            const LOCALIZED: bool = $crate::content_table!(@localized [$($tr),*]);
            fn col(c: $crate::queries::content::Col) -> Self::Column {
                use $crate::entities::$m::Column;
                use $crate::queries::content::Col;
                match c {
                    Col::Id => Column::Id,
                    Col::Slug => Column::Slug,
                    Col::Label => Column::$Label,
                    Col::Summary => Column::$Summary,
                    Col::Status => Column::Status,
                    Col::Version => Column::Version,
                    Col::PublishedAt => Column::PublishedAt,
                    Col::CreatedAt => Column::CreatedAt,
                    Col::UpdatedAt => Column::UpdatedAt,
                    Col::PublicJson => Column::PublicJson,
                    Col::PublicShape => Column::PublicShape,
                    Col::PublishAt => Column::PublishAt,
                }
            }
            fn owner_col() -> Option<Self::Column> {
                $crate::content_table!(@owner_col $m $($owner)+)
            }
            fn active(m: Self::Model) -> Self::ActiveModel {
                sea_orm::IntoActiveModel::into_active_model(m)
            }
        }
    };
    (@localized []) => { false };
    (@localized [$($tr:ident),+]) => { true };
    (@locale []) => {
        fn locale(&self) -> &str { "" }
        fn entry(&self) -> uuid::Uuid { self.id }
        fn translation_of(&self, _entry: &Self) -> Self { self.clone() }
        fn new_translation(&self, _id: uuid::Uuid, _locale: &str, _slug: String, _at: chrono::DateTime<chrono::Utc>) -> Self { self.clone() }
        fn as_entry(&self) -> Self { self.clone() }
    };
    (@locale [$($tr:ident),+]) => {
        fn locale(&self) -> &str { &self.locale }
        fn entry(&self) -> uuid::Uuid { self.entry_id.unwrap_or(self.id) }
        fn translation_of(&self, entry: &Self) -> Self {
            Self {
                id: self.id,
                slug: self.slug.clone(),
                status: self.status.clone(),
                version: self.version,
                published_at: self.published_at,
                publish_at: self.publish_at,
                created_at: self.created_at,
                updated_at: self.updated_at,
                public_json: self.public_json.clone(),
                public_shape: self.public_shape,
                entry_id: self.entry_id,
                locale: self.locale.clone(),
                $($tr: self.$tr.clone(),)+
                ..entry.clone()
            }
        }
        fn new_translation(&self, id: uuid::Uuid, locale: &str, slug: String, at: chrono::DateTime<chrono::Utc>) -> Self {
            Self {
                id,
                slug,
                status: "draft".to_owned(),
                version: 1,
                published_at: None,
                publish_at: None,
                created_at: at,
                updated_at: at,
                public_json: None,
                public_shape: 0,
                entry_id: Some(self.id),
                locale: locale.to_owned(),
                ..self.clone()
            }
        }
        fn as_entry(&self) -> Self {
            Self {
                id: self.entry_id.unwrap_or(self.id),
                slug: $crate::queries::content::shown_slug(&self.slug).to_owned(),
                ..self.clone()
            }
        }
    };
    (@owner $s:ident none) => { None };
    (@owner $s:ident optional $field:ident $Field:ident) => { $s.$field };
    (@owner_col $m:ident optional $field:ident $Field:ident) => { Some($crate::entities::$m::Column::$Field) };
    (@owner $s:ident $field:ident $Field:ident) => { Some($s.$field) };
    (@owner_col $m:ident none) => { None };
    (@owner_col $m:ident $field:ident $Field:ident) => { Some($crate::entities::$m::Column::$Field) };
}

/// What lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Label,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

impl Sort {
    fn col(self) -> Col {
        match self {
            Sort::Label => Col::Label,
            Sort::PublishedAt => Col::PublishedAt,
            Sort::CreatedAt => Col::CreatedAt,
            Sort::UpdatedAt => Col::UpdatedAt,
        }
    }

    pub fn is_text(self) -> bool {
        self == Sort::Label
    }

    pub fn value_of<R: Row>(self, row: &R) -> SortValue {
        self.value(
            row.label(),
            row.published_at(),
            row.created_at(),
            row.updated_at(),
        )
    }

    pub fn public_value_of(self, row: &PublicRow) -> SortValue {
        self.value(&row.label, row.published_at, row.created_at, row.updated_at)
    }

    fn value(
        self,
        label: &str,
        published: Option<DateTime<Utc>>,
        created: DateTime<Utc>,
        updated: DateTime<Utc>,
    ) -> SortValue {
        match self {
            Sort::Label => SortValue::Text(label.to_owned()),
            Sort::PublishedAt => SortValue::Time(published),
            Sort::CreatedAt => SortValue::Time(Some(created)),
            Sort::UpdatedAt => SortValue::Time(Some(updated)),
        }
    }
}

/// The filters every list has beside the filter language: a status, published and updated
/// ranges, and text in the label or the summary.
#[derive(Debug, Clone, Default)]
pub struct Common<'a> {
    pub status: Option<&'a str>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub q: Option<&'a str>,
}

impl Common<'_> {
    pub fn expr<E: Table>(&self) -> Expr {
        use super::filter::{like, Op, Val};
        use sea_orm::IdenStatic;
        let c = |col: Col| E::col(col).as_str();
        let mut all = vec![];
        if let Some(status) = self.status {
            all.push(Expr::Test(
                c(Col::Status),
                Op::Eq,
                vec![Val::Text(status.into())],
            ));
        }
        for (col, op, at) in [
            (Col::PublishedAt, Op::Gte, self.published_after),
            (Col::PublishedAt, Op::Lt, self.published_before),
            (Col::UpdatedAt, Op::Gte, self.updated_after),
        ] {
            if let Some(at) = at {
                all.push(Expr::Test(c(col), op, vec![Val::Time(at)]));
            }
        }
        if let Some(q) = self.q {
            let pattern = || vec![Val::Text(like(q, Op::Contains))];
            all.push(Expr::Any(vec![
                Expr::Test(c(Col::Label), Op::Contains, pattern()),
                Expr::Test(c(Col::Summary), Op::Contains, pattern()),
            ]));
        }
        Expr::All(all)
    }
}

/// A page request: where to start, in which order, how many.
#[derive(Debug, Clone)]
pub struct Page {
    pub sort: Sort,
    pub dir: SortDir,
    pub after: Option<Keyset>,
    pub limit: u64,
}

pub(crate) fn visibility<E: Table>(v: Visibility) -> Condition {
    let published = E::col(Col::Status).eq("published");
    match (v, E::owner_col()) {
        (Visibility::All, _) => Condition::all(),
        (Visibility::PublishedOrAuthoredBy(user), Some(owner)) => {
            Condition::any().add(published).add(owner.eq(user))
        }
        _ => Condition::all().add(published),
    }
}

fn filtered<E: Table>(backend: Backend, visible: Visibility, filter: &Expr) -> sea_orm::Select<E> {
    let query = E::find().filter(visibility::<E>(visible));
    match filter.is_none() {
        true => query,
        false => query.filter(filter.to_builder(backend, Some(E::NAME))),
    }
}

/// Rows a relation condition leaves fewer of than this are looked up by id and sorted,
/// rather than found by walking the sort's index.
const FEW: u64 = 2000;

/// When a page should read the filter's rows and then sort them (see `Expr::matches_few`):
/// the table's primary-key index, which the statement is then told to use (`INDEXED BY`), so
/// that SQLite looks up the few matching rows instead of scanning an index of the status or
/// the sort.
async fn sort_after_filter<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    filter: &Expr,
) -> Result<Option<(String, Expr)>> {
    #[derive(FromQueryResult)]
    struct Name {
        name: String,
    }
    let Some(driver) = filter.few_matching(conn, backend, FEW).await? else {
        return Ok(None);
    };
    // PostgreSQL plans a list of ids well; SQLite is told to use the primary key.
    if backend == Backend::Postgres {
        return Ok(Some((String::new(), driver)));
    }
    // The name never changes while the process runs: read once per table.
    static NAMES: std::sync::Mutex<Vec<(&str, String)>> = std::sync::Mutex::new(Vec::new());
    let known = NAMES.lock().ok().and_then(|n| {
        n.iter()
            .find(|(t, _)| *t == E::NAME)
            .map(|(_, i)| i.clone())
    });
    if let Some(index) = known {
        return Ok(Some((index, driver)));
    }
    let sql = format!(
        "SELECT name FROM pragma_index_list('{}') WHERE origin = 'pk'",
        E::NAME
    );
    let found = Name::find_by_statement(sea_orm::Statement::from_string(
        conn.get_database_backend(),
        sql,
    ));
    let Some(Name { name }) = found.one(conn).await? else {
        return Ok(None);
    };
    if let Ok(mut names) = NAMES.lock() {
        names.push((E::NAME, name.clone()));
    }
    Ok(Some((name, driver)))
}

fn paged<E: Table>(
    backend: Backend,
    mut query: sea_orm::Select<E>,
    page: Page,
) -> sea_orm::Select<E> {
    let col = E::col(page.sort.col());
    let text = page.sort.is_text();
    if let Some(after) = page.after {
        query = query.filter(keyset::after(
            backend,
            col,
            text,
            E::col(Col::Id),
            page.dir,
            after,
        ));
    }
    query
        .order_by(keyset::sort_expr(col, text), page.dir.order())
        .order_by(E::col(Col::Id), page.dir.order())
        .limit(page.limit)
}

/// One page in (sort, id) order, of what `visible` allows.
pub async fn list<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    visible: Visibility,
    filter: &Expr,
    page: Page,
) -> Result<Vec<E::Model>> {
    let index = sort_after_filter::<E, C>(conn, backend, filter).await?;
    let query = paged(backend, filtered::<E>(backend, visible, filter), page);
    let Some((index, driver)) = index else {
        return Ok(query.all(conn).await?);
    };
    let query = query.filter(driver.to_builder(backend, None));
    // The page's ids first, sorted on narrow rows; then their rows.
    let ids = query.select_only().column(E::col(Col::Id));
    let mut statement = sea_orm::QueryTrait::build(&ids, conn.get_database_backend());
    if !index.is_empty() {
        let from = format!("FROM \"{}\"", E::NAME);
        let indexed = format!("{from} INDEXED BY \"{index}\"");
        statement.sql = statement.sql.replacen(&from, &indexed, 1);
    }
    #[derive(FromQueryResult)]
    struct Id {
        id: Uuid,
    }
    let ids: Vec<Uuid> = (Id::find_by_statement(statement).all(conn).await?)
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut found = find_many::<E, C>(conn, &ids).await?;
    found.sort_by_key(|m| ids.iter().position(|id| *id == m.id()));
    Ok(found)
}

pub async fn count<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    visible: Visibility,
    filter: &Expr,
) -> Result<u64> {
    Ok(filtered::<E>(backend, visible, filter).count(conn).await?)
}

/// What a public read needs: the precomputed JSON and the columns pages sort on.
#[derive(Debug, Clone, FromQueryResult)]
pub struct PublicRow {
    pub id: Uuid,
    /// The entry the row is a variant of (its own id unless it is a translation).
    pub entry: Uuid,
    pub label: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub public_json: Option<String>,
    pub public_shape: i32,
}

impl PublicRow {
    /// The stored JSON, if it was written in the current shape.
    pub fn current(self, shape: i32) -> Option<String> {
        self.public_json.filter(|_| self.public_shape == shape)
    }
}

/// `SELECT` of the columns a `PublicRow` reads, `FROM` the table.
fn public_select<E: Table>() -> String {
    use sea_orm::IdenStatic;
    let c = |col: Col| E::col(col).as_str();
    let entry = match E::LOCALIZED {
        true => "COALESCE(entry_id, id)",
        false => "id",
    };
    format!(
        "SELECT {}, {entry} AS entry, {} AS label, {}, {}, {}, {}, {}, {} FROM {}",
        c(Col::Id),
        c(Col::Label),
        c(Col::PublishedAt),
        c(Col::CreatedAt),
        c(Col::UpdatedAt),
        c(Col::Version),
        c(Col::PublicJson),
        c(Col::PublicShape),
        E::NAME,
    )
}

/// A page of published items as precomputed JSON: one statement, no relation loading, its SQL
/// written as text (see `public_sql`).
pub async fn list_public<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    filter: &Expr,
    page: Page,
) -> Result<Vec<PublicRow>> {
    use sea_orm::IdenStatic;
    let c = |col: Col| E::col(col).as_str();
    let index = sort_after_filter::<E, C>(conn, backend, filter).await?;
    let column = match page.sort.is_text() {
        true => format!("LOWER({})", c(Col::Label)),
        false => c(page.sort.col()).to_owned(),
    };
    let (id, status) = (c(Col::Id), c(Col::Status));
    // With few matches: the page's ids sorted on narrow rows, looked up by primary key,
    // then their rows.
    let mut q = super::public_sql::Sql::new(backend, &public_select::<E>());
    if let Some((index, _)) = &index {
        let by = match index.is_empty() {
            true => String::new(),
            false => format!(" INDEXED BY \"{index}\""),
        };
        q.text(&format!(
            "{by} WHERE {id} IN (SELECT {id} FROM {}{by}",
            E::NAME
        ));
    }
    q.text(&format!(" WHERE {status} = 'published'"));
    if let Some((_, driver)) = &index {
        q.text(" AND ");
        driver.write(&mut q);
    }
    if !filter.is_none() {
        q.text(" AND ");
        filter.write_for(&mut q, Some(E::NAME));
    }
    if let Some(after) = page.after {
        q.after(&column, page.dir, after);
    }
    q.order(&column, page.dir, page.limit);
    if index.is_some() {
        q.text(")");
        q.order(&column, page.dir, page.limit);
    }
    Ok(PublicRow::find_by_statement(q.statement())
        .all(conn)
        .await?)
}

/// One published item by id or slug, as precomputed JSON.
///
/// The hottest statement in Lectern, so its SQL is plain text rather than built through the
/// query builder on every call (which cost more than running it): the same text each time, so
/// the driver's prepared-statement cache hits at once.
pub async fn public_one<E: Table, C: ConnectionTrait>(
    conn: &C,
    id: Option<Uuid>,
    slug: Option<&str>,
) -> Result<Option<PublicRow>> {
    use sea_orm::{DbBackend, IdenStatic, Statement};
    let backend = conn.get_database_backend();
    let (key, value): (Col, sea_orm::Value) = match (id, slug) {
        (Some(id), _) => (Col::Id, id.into()),
        (None, Some(slug)) => (Col::Slug, slug.into()),
        (None, None) => return Ok(None),
    };
    let c = |col: Col| E::col(col).as_str();
    let sql = format!(
        "{} WHERE {} = {} AND {} = 'published'",
        public_select::<E>(),
        c(key),
        if backend == DbBackend::Postgres {
            "$1"
        } else {
            "?"
        },
        c(Col::Status),
    );
    let statement = Statement::from_sql_and_values(backend, sql, [value]);
    Ok(PublicRow::find_by_statement(statement).one(conn).await?)
}

/// The published variant of an entry (by its id, or by the slug of one of its variants, the
/// first of `slugs` that a published row has) in the first locale of `chain` it has, as
/// precomputed JSON. One statement, like `public_one`.
pub async fn public_variant<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    id: Option<Uuid>,
    slugs: &[String],
    chain: &[String],
) -> Result<Option<PublicRow>> {
    let t = E::NAME;
    let mut q = super::public_sql::Sql::new(
        backend,
        "WITH e AS (SELECT COALESCE(entry_id, id) AS entry_of FROM ",
    );
    q.text(t);
    match id {
        Some(id) => {
            q.text(" WHERE id = ");
            q.bind(id);
        }
        None => {
            q.text(" WHERE status = 'published' AND slug IN (");
            bind_all(&mut q, slugs);
            q.text(") ORDER BY ");
            case(&mut q, "slug", slugs);
        }
    }
    q.text(" LIMIT 1) ");
    q.text(&public_select::<E>());
    q.text(&format!(
        " JOIN e ON ({t}.id = e.entry_of OR {t}.entry_id = e.entry_of) WHERE {t}.status = 'published' AND {t}.locale IN ("
    ));
    bind_all(&mut q, chain);
    q.text(") ORDER BY ");
    case(&mut q, &format!("{t}.locale"), chain);
    q.text(" LIMIT 1");
    Ok(PublicRow::find_by_statement(q.statement())
        .one(conn)
        .await?)
}

fn bind_all(q: &mut super::public_sql::Sql, values: &[String]) {
    for (n, v) in values.iter().enumerate() {
        if n > 0 {
            q.text(", ");
        }
        q.bind(v.clone());
    }
}

/// `CASE column WHEN v0 THEN 0 WHEN v1 THEN 1 ... END`: the order of `values`.
fn case(q: &mut super::public_sql::Sql, column: &str, values: &[String]) {
    q.text("CASE ").text(column);
    for (n, v) in values.iter().enumerate() {
        q.text(" WHEN ");
        q.bind(v.clone());
        q.text(&format!(" THEN {n}"));
    }
    q.text(" END");
}

/// Every variant of these entries: the entries and their translations.
pub async fn variants<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    entries: &[Uuid],
) -> Result<Vec<E::Model>> {
    if entries.is_empty() {
        return Ok(vec![]);
    }
    if !E::LOCALIZED {
        return find_many::<E, C>(conn, entries).await;
    }
    let ids = || {
        entries
            .iter()
            .map(|id| super::filter::Val::Uuid(*id))
            .collect()
    };
    let either = Expr::Any(vec![
        Expr::Test("id", super::filter::Op::In, ids()),
        Expr::Test("entry_id", super::filter::Op::In, ids()),
    ]);
    Ok(E::find()
        .filter(either.to_builder(backend, None))
        .all(conn)
        .await?)
}

/// A variant's part in its entry's list of translations.
#[derive(Debug, Clone, FromQueryResult)]
pub struct VariantRef {
    pub entry: Uuid,
    pub locale: String,
    pub status: String,
    pub slug: String,
    pub owner: Option<Uuid>,
}

/// The variants of these entries, narrowly: what a view's list of translations shows.
pub async fn variant_refs<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    entries: &[Uuid],
) -> Result<Vec<VariantRef>> {
    use sea_orm::IdenStatic;
    if entries.is_empty() || !E::LOCALIZED {
        return Ok(vec![]);
    }
    let owner = E::owner_col().map_or("NULL", |c| c.as_str());
    let mut q = super::public_sql::Sql::new(
        backend,
        &format!(
            "SELECT COALESCE(entry_id, id) AS entry, locale, status, slug, {owner} AS owner FROM {} WHERE id IN (",
            E::NAME
        ),
    );
    for (n, id) in entries.iter().enumerate() {
        q.text(if n > 0 { ", " } else { "" });
        q.bind(*id);
    }
    q.text(") OR entry_id IN (");
    for (n, id) in entries.iter().enumerate() {
        q.text(if n > 0 { ", " } else { "" });
        q.bind(*id);
    }
    q.text(") ORDER BY locale");
    Ok(VariantRef::find_by_statement(q.statement())
        .all(conn)
        .await?)
}

/// Removes an entry's translations (the entry itself is deleted by `delete`).
pub async fn delete_translations<E: Table, C: ConnectionTrait>(
    conn: &C,
    backend: Backend,
    entry: Uuid,
) -> Result<()> {
    if !E::LOCALIZED {
        return Ok(());
    }
    let only = Expr::Test(
        "entry_id",
        super::filter::Op::Eq,
        vec![super::filter::Val::Uuid(entry)],
    );
    E::delete_many()
        .filter(only.to_builder(backend, None))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores what published-only readers get of an item, in view shape `shape`.
pub async fn set_public_json<E: Table, C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    json: Option<String>,
    shape: i32,
) -> Result<()> {
    E::update_many()
        .col_expr(E::col(Col::PublicJson), SqlExpr::value(json))
        .col_expr(E::col(Col::PublicShape), SqlExpr::value(shape))
        .filter(E::col(Col::Id).eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn find_by_id<E: Table, C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<E::Model>> {
    Ok(E::find().filter(E::col(Col::Id).eq(id)).one(conn).await?)
}

pub async fn find_by_slug<E: Table, C: ConnectionTrait>(
    conn: &C,
    slug: &str,
) -> Result<Option<E::Model>> {
    Ok(E::find()
        .filter(E::col(Col::Slug).eq(slug))
        .one(conn)
        .await?)
}

pub async fn find_by_slugs<E: Table, C: ConnectionTrait>(
    conn: &C,
    slugs: &[String],
) -> Result<Vec<E::Model>> {
    if slugs.is_empty() {
        return Ok(vec![]);
    }
    Ok(E::find()
        .filter(E::col(Col::Slug).is_in(slugs.iter().cloned()))
        .all(conn)
        .await?)
}

pub async fn find_many<E: Table, C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<E::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(E::find()
        .filter(E::col(Col::Id).is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

pub async fn slug_taken<E: Table, C: ConnectionTrait>(
    conn: &C,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool> {
    let mut query = E::find()
        .select_only()
        .column(E::col(Col::Id))
        .filter(E::col(Col::Slug).eq(slug));
    if let Some(id) = except {
        query = query.filter(E::col(Col::Id).ne(id));
    }
    Ok(query.into_tuple::<Uuid>().one(conn).await?.is_some())
}

pub async fn insert<E: Table, C: ConnectionTrait>(conn: &C, row: E::Model) -> Result<()> {
    use sea_orm::ActiveModelTrait;
    E::insert(E::active(row).reset_all())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes the whole row if its stored version is still `expected_version`; false when another
/// writer got there first.
pub async fn update<E: Table, C: ConnectionTrait>(
    conn: &C,
    row: E::Model,
    expected_version: i64,
) -> Result<bool> {
    use sea_orm::ActiveModelTrait;
    let id = row.id();
    let result = E::update_many()
        .set(E::active(row).reset_all())
        .filter(E::col(Col::Id).eq(id))
        .filter(E::col(Col::Version).eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete<E: Table, C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    expected_version: i64,
) -> Result<bool> {
    let result = E::delete_many()
        .filter(E::col(Col::Id).eq(id))
        .filter(E::col(Col::Version).eq(expected_version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ids in id order after `after`, for jobs that walk every row (rebuilding the search index).
pub async fn ids_after<E: Table, C: ConnectionTrait>(
    conn: &C,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>> {
    let mut query = E::find().select_only().column(E::col(Col::Id));
    if let Some(after) = after {
        query = query.filter(E::col(Col::Id).gt(after));
    }
    Ok(query
        .order_by_asc(E::col(Col::Id))
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Ids, in id order after `after`, of items whose public JSON is in another shape than `shape`.
pub async fn stale_ids<E: Table, C: ConnectionTrait>(
    conn: &C,
    shape: i32,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>> {
    let mut query = E::find()
        .select_only()
        .column(E::col(Col::Id))
        .filter(E::col(Col::PublicShape).ne(shape));
    if let Some(after) = after {
        query = query.filter(E::col(Col::Id).gt(after));
    }
    Ok(query
        .order_by_asc(E::col(Col::Id))
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Items whose scheduled publication is due, with the version that was seen.
pub async fn due<E: Table, C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(Uuid, i64)>> {
    Ok(E::find()
        .select_only()
        .column(E::col(Col::Id))
        .column(E::col(Col::Version))
        .filter(E::col(Col::PublishAt).lte(now))
        .order_by_asc(E::col(Col::PublishAt))
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Replaces the links one item owns in a link table (its tags, its technologies, its sources):
/// the old rows go and `rows` come, in the caller's transaction.
pub async fn replace_links<L, C>(
    conn: &C,
    owner: L::Column,
    id: Uuid,
    rows: Vec<L::Model>,
) -> Result<()>
where
    L: EntityTrait,
    L::Model: sea_orm::IntoActiveModel<L::ActiveModel>,
    C: ConnectionTrait,
{
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    L::delete_many().filter(owner.eq(id)).exec(conn).await?;
    if !rows.is_empty() {
        L::insert_many(rows.into_iter().map(|r| r.into_active_model().reset_all()))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The `pick` column of the rows of `E` whose `by` column is `value` (the articles citing a
/// source, say).
pub async fn column_where<E, C>(
    conn: &C,
    pick: E::Column,
    by: E::Column,
    value: Uuid,
) -> Result<Vec<Uuid>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let query = E::find().select_only().column(pick).filter(by.eq(value));
    Ok(query.into_tuple().all(conn).await?)
}
