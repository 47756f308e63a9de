//! The filter language's compiled form: conditions on a content table's columns and on rows
//! reached through its relations, written as SQL with every value bound. Each type declares
//! what may be filtered (`Field`); the service turns a caller's filter into an `Expr`, and
//! every list (the full rows, the public JSON, the count) writes the same `Expr`.

use super::public_sql::Sql;
use chrono::{DateTime, NaiveDate, Utc};
use lectern_domain::Kind;
use uuid::Uuid;

/// What a filterable value is, which decides the operators it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Free text: equality, order, and case-insensitive `contains` and `starts_with`.
    Text,
    /// A slug or a tag: equality and `starts_with`; values are compared lower-cased.
    Slug,
    Uuid,
    Time,
    Date,
    Int,
    /// One of a closed set of names (a status, a kind).
    OneOf(&'static [&'static str]),
}

/// One step from a row to related rows: `column IN (select … WHERE <next>)`.
pub type Hop = (&'static str, &'static str);

/// Where a filterable field's values are.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A column of the row itself.
    Column(&'static str, Ty),
    /// Values held in a link table (an article's tags): `column` of the rows `hops` reach.
    Values(&'static [Hop], &'static str, Ty),
    /// Items of another content type, filtered by that type's own fields.
    Items(&'static [Hop], Kind),
    /// The users a column names, by `USER_FIELDS`.
    Users(&'static [Hop]),
}

/// A field a caller may filter on.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub target: Target,
    /// Only admins may filter on it (a user's email).
    pub admins_only: bool,
}

impl Field {
    pub const fn col(name: &'static str, ty: Ty) -> Self {
        Self::on(name, Target::Column(name, ty))
    }

    pub const fn on(name: &'static str, target: Target) -> Self {
        Self {
            name,
            target,
            admins_only: false,
        }
    }
}

/// What filters on an author see of users: never a password hash, an email for admins only.
pub const USER_FIELDS: &[Field] = &[
    Field::col("id", Ty::Uuid),
    Field::col("display_name", Ty::Text),
    Field {
        admins_only: true,
        ..Field::col("email", Ty::Text)
    },
];

/// A content type's filterable fields: those every type has (its label named `$label`),
/// then its own.
#[macro_export]
macro_rules! filter_fields {
    ($label:literal, $($field:expr),* $(,)?) => {
        &[
            $crate::queries::filter::Field::col("id", $crate::queries::filter::Ty::Uuid),
            $crate::queries::filter::Field::col("slug", $crate::queries::filter::Ty::Slug),
            $crate::queries::filter::Field::col($label, $crate::queries::filter::Ty::Text),
            $crate::queries::filter::Field::col("status", $crate::queries::filter::Ty::OneOf(lectern_domain::ContentStatus::NAMES)),
            $crate::queries::filter::Field::col("published_at", $crate::queries::filter::Ty::Time),
            $crate::queries::filter::Field::col("created_at", $crate::queries::filter::Ty::Time),
            $crate::queries::filter::Field::col("updated_at", $crate::queries::filter::Ty::Time),
            $($field),*
        ]
    };
}

/// A value a filter compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Uuid(Uuid),
    Time(DateTime<Utc>),
    Date(NaiveDate),
    Int(i64),
}

impl From<Val> for sea_orm::Value {
    fn from(v: Val) -> Self {
        match v {
            Val::Text(s) => s.into(),
            Val::Uuid(u) => u.into(),
            Val::Time(t) => t.into(),
            Val::Date(d) => d.into(),
            Val::Int(n) => n.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    In,
    Nin,
    Lt,
    Lte,
    Gt,
    Gte,
    Contains,
    StartsWith,
}

/// A compiled filter.
#[derive(Debug, Clone)]
pub enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    /// `column op value`; `In` and `Nin` take every value, the others the first.
    Test(&'static str, Op, Vec<Val>),
    /// `column IS NULL` (true) or `IS NOT NULL` (false).
    Null(&'static str, bool),
    /// Some row that `hops` reach matches.
    Through(&'static [Hop], Box<Expr>),
    /// The row is published.
    Published,
    /// The variant of each entry that a reader of the locales `chain` (stored values, the
    /// default as empty) gets: the first that exists and that `visible` lets them read.
    Locale(Vec<String>, Box<Expr>),
    /// A condition on entries, in a list that holds translations: `id` there means the
    /// entry's id, which relations are keyed by.
    Entries(Box<Expr>),
}

impl Default for Expr {
    fn default() -> Self {
        Expr::none()
    }
}

impl Expr {
    /// Nothing is left out.
    pub fn none() -> Self {
        Expr::All(vec![])
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Expr::All(v) if v.is_empty())
    }

    pub fn and(self, other: Expr) -> Expr {
        match (self, other) {
            (e, o) if o.is_none() => e,
            (e, o) if e.is_none() => o,
            (Expr::All(mut v), o) => {
                v.push(o);
                Expr::All(v)
            }
            (e, o) => Expr::All(vec![e, o]),
        }
    }

    /// Writes the condition, with its values bound, as `column IN (subquery)` for relations.
    pub fn write(&self, q: &mut Sql) {
        self.write_for(q, None)
    }

    /// Writes the condition on rows of table `outer`: its relations become correlated
    /// `EXISTS` probes of the link table's key, which cost the same whatever the number of
    /// matches, where `IN` would first collect every matching id.
    pub fn write_for(&self, q: &mut Sql, outer: Option<&str>) {
        match self {
            Expr::All(items) | Expr::Any(items) if items.is_empty() => {
                q.text(if matches!(self, Expr::All(_)) {
                    "1 = 1"
                } else {
                    "1 = 0"
                });
            }
            Expr::All(items) | Expr::Any(items) => {
                let join = if matches!(self, Expr::All(_)) {
                    " AND "
                } else {
                    " OR "
                };
                q.text("(");
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        q.text(join);
                    }
                    item.write_for(q, outer);
                }
                q.text(")");
            }
            Expr::Not(inner) => {
                q.text("NOT (");
                inner.write_for(q, outer);
                q.text(")");
            }
            Expr::Test(column, op, values) => test(q, &q.column(column, outer), *op, values),
            Expr::Null(column, true) => {
                q.text(column).text(" IS NULL");
            }
            Expr::Null(column, false) => {
                q.text(column).text(" IS NOT NULL");
            }
            Expr::Through(hops, inner) if outer.is_some() && !hops.is_empty() => {
                let (column, select) = hops[0];
                let (pick, table) = (select
                    .strip_prefix("SELECT ")
                    .and_then(|s| s.split_once(" FROM ")))
                .unwrap_or_default();
                let column = q.column(column, outer);
                q.text("EXISTS (SELECT 1 FROM ").text(table).text(" WHERE ");
                q.text(&format!("{table}.{pick} = {column} AND "));
                let entries = std::mem::take(&mut q.entries);
                Expr::Through(&hops[1..], inner.clone()).write(q);
                q.entries = entries;
                q.text(")");
            }
            Expr::Through(hops, inner) => {
                let entries = std::mem::take(&mut q.entries);
                for (n, (column, select)) in hops.iter().enumerate() {
                    let column = match n {
                        0 if entries => q.column(column, None),
                        _ => (*column).to_owned(),
                    };
                    q.text(&column).text(" IN (").text(select).text(" WHERE ");
                }
                inner.write(q);
                q.text(&")".repeat(hops.len()));
                q.entries = entries;
            }
            Expr::Entries(inner) => {
                let entries = std::mem::replace(&mut q.entries, true);
                inner.write_for(q, outer);
                q.entries = entries;
            }
            Expr::Locale(chain, visible) => locale(q, chain, visible, outer),
            Expr::Published => {
                q.text(match outer {
                    Some("t") => "t.status = 'published'",
                    _ => "status = 'published'",
                });
            }
        }
    }

    /// The relation conditions that every matching row must meet, each a group of which
    /// one must hold: a `Through` of the top-level `and`, or an `or` of `Through`s.
    fn required_relations(&self) -> Vec<Vec<(&'static [Hop], &Expr)>> {
        fn through(e: &Expr) -> Option<(&'static [Hop], &Expr)> {
            match e {
                Expr::All(items) if items.len() == 1 => through(&items[0]),
                // Only links keyed by the row's id: its primary key finds the rows.
                Expr::Through(hops, inner) if hops.first().is_some_and(|h| h.0 == "id") => {
                    Some((*hops, &**inner))
                }
                _ => None,
            }
        }
        match self {
            Expr::All(items) => items.iter().flat_map(Expr::required_relations).collect(),
            Expr::Any(items) => items
                .iter()
                .map(through)
                .collect::<Option<Vec<_>>>()
                .into_iter()
                .collect(),
            e => through(e).map(|t| vec![vec![t]]).unwrap_or_default(),
        }
    }

    /// A relation condition of the filter that leaves fewer than `few` rows, counted on the
    /// link tables' indexes. A list then looks those rows up (by `IN`) and sorts them rather
    /// than walking its sort's index and testing each row, which on a large table takes as
    /// long as the table is big when few rows or none match.
    pub async fn few_matching<C: sea_orm::ConnectionTrait>(
        &self,
        conn: &C,
        backend: crate::Backend,
        few: u64,
    ) -> crate::Result<Option<Expr>> {
        use sea_orm::FromQueryResult;
        #[derive(FromQueryResult)]
        struct Id {
            id: Uuid,
        }
        'groups: for group in self.required_relations() {
            let mut ids = Vec::new();
            for (hops, inner) in &group {
                let (pick, table) = (hops[0].1.strip_prefix("SELECT "))
                    .and_then(|s| s.split_once(" FROM "))
                    .unwrap_or_default();
                let mut q = Sql::new(backend, &format!("SELECT {pick} AS id FROM {table} WHERE "));
                Expr::Through(&hops[1..], Box::new((*inner).clone())).write(&mut q);
                q.text(" LIMIT ");
                q.bind(few as i64);
                let found = Id::find_by_statement(q.statement()).all(conn).await?;
                ids.extend(found.into_iter().map(|r| Val::Uuid(r.id)));
                if ids.len() as u64 >= few {
                    continue 'groups;
                }
            }
            // The matching rows, by id: a list the planner sees whole.
            return Ok(Some(Expr::Test("id", Op::In, ids)));
        }
        Ok(None)
    }

    /// The condition as a query-builder expression, for statements built that way.
    pub fn to_builder(
        &self,
        backend: crate::Backend,
        outer: Option<&str>,
    ) -> sea_orm::sea_query::SimpleExpr {
        let mut q = Sql::new(backend, "");
        self.write_for(&mut q, outer);
        sea_orm::sea_query::Expr::cust_with_values(q.sql, q.values)
    }
}

/// `locale = c0`, or with fallbacks: the row in locale `ci` when no readable variant of its
/// entry is in one of the locales before it.
fn locale(q: &mut Sql, chain: &[String], visible: &Expr, outer: Option<&str>) {
    let o = outer.map(|o| format!("{o}.")).unwrap_or_default();
    q.text("(");
    for (i, tag) in chain.iter().enumerate() {
        if i > 0 {
            q.text(" OR ");
        }
        q.text(&format!("({o}locale = "));
        q.bind(tag.clone());
        if i > 0 {
            let entry = format!("COALESCE({o}entry_id, {o}id)");
            let table = outer.unwrap_or_default();
            q.text(&format!(
                " AND NOT EXISTS (SELECT 1 FROM {table} t WHERE (t.entry_id = {entry} OR t.id = {entry}) AND t.locale IN ("
            ));
            for (n, earlier) in chain[..i].iter().enumerate() {
                if n > 0 {
                    q.text(", ");
                }
                q.bind(earlier.clone());
            }
            q.text(") AND ");
            visible.write_for(q, Some("t"));
            q.text(")");
        }
        q.text(")");
    }
    q.text(")");
}

fn test(q: &mut Sql, column: &str, op: Op, values: &[Val]) {
    let Some(first) = values.first() else {
        q.text(if op == Op::Nin { "1 = 1" } else { "1 = 0" });
        return;
    };
    let cmp = match op {
        Op::Eq => " = ",
        Op::Lt => " < ",
        Op::Lte => " <= ",
        Op::Gt => " > ",
        Op::Gte => " >= ",
        // A row without the value is not equal to it.
        Op::Ne => {
            q.text("(")
                .text(column)
                .text(" IS NULL OR ")
                .text(column)
                .text(" <> ");
            q.bind(first.clone()).text(")");
            return;
        }
        Op::In | Op::Nin => {
            if op == Op::Nin {
                q.text("(")
                    .text(column)
                    .text(" IS NULL OR ")
                    .text(column)
                    .text(" NOT IN (");
            } else {
                q.text(column).text(" IN (");
            }
            for (n, v) in values.iter().enumerate() {
                if n > 0 {
                    q.text(", ");
                }
                q.bind(v.clone());
            }
            q.text(if op == Op::Nin { "))" } else { ")" });
            return;
        }
        Op::Contains | Op::StartsWith => {
            q.text("LOWER(").text(column).text(") LIKE ");
            q.bind(first.clone()).text(" ESCAPE '\\'");
            return;
        }
    };
    q.text(column).text(cmp);
    q.bind(first.clone());
}

/// The `LIKE` pattern of a `contains` (`%text%`) or `starts_with` (`text%`), lower-cased.
pub fn like(text: &str, op: Op) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    match op {
        Op::Contains => format!("%{escaped}%"),
        _ => format!("{escaped}%"),
    }
}

/// The rows of `E` that a caller with visibility `v` may read.
pub fn visible<E: super::content::Table>(v: super::Visibility) -> Expr {
    use super::Visibility;
    use sea_orm::IdenStatic;
    match (v, E::owner_col()) {
        (Visibility::All, _) => Expr::none(),
        (Visibility::PublishedOrAuthoredBy(user), Some(owner)) => Expr::Any(vec![
            Expr::Published,
            Expr::Test(owner.as_str(), Op::Eq, vec![Val::Uuid(user)]),
        ]),
        _ => Expr::Published,
    }
}
