//! Plain-string SQL for the public list pages, the hot path of anonymous traffic (building
//! them through the query builder cost more than running them), and for what the builder
//! cannot say well (window functions, engine-specific search). Every value is bound as a
//! parameter.

use super::keyset::{Keyset, SortDir, SortValue};
use crate::Backend;
use sea_orm::Value;

/// A statement being written.
pub struct Sql {
    backend: Backend,
    pub sql: String,
    pub values: Vec<Value>,
    /// Whether `id` means the entry's id (a list that holds translations).
    pub entries: bool,
}

impl Sql {
    pub fn new(backend: Backend, select: &str) -> Self {
        Self {
            backend,
            sql: String::with_capacity(512),
            values: Vec::with_capacity(8),
            entries: false,
        }
        .push(select)
    }

    fn push(mut self, s: &str) -> Self {
        self.sql.push_str(s);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            Backend::Postgres => {
                let n = self.values.len();
                self.sql.push('$');
                self.sql.push_str(&n.to_string());
            }
            Backend::Sqlite => self.sql.push('?'),
        }
        self
    }

    /// A filter's column as this statement names it: `id` is the entry's id in a list that
    /// holds translations.
    pub fn column(&self, column: &str, outer: Option<&str>) -> String {
        let o = outer.map(|o| format!("{o}.")).unwrap_or_default();
        match (self.entries, column) {
            (true, "id") => format!("COALESCE({o}entry_id, {o}id)"),
            (_, c) if outer.is_some() && c == "id" => format!("{o}id"),
            (_, c) => c.to_owned(),
        }
    }

    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    /// `AND (col > v OR (col = v AND id > last_id))` for a column that is never NULL on
    /// published rows (descending: `<`).
    pub fn after(&mut self, column: &str, dir: SortDir, after: Keyset) -> &mut Self {
        let op = match dir {
            SortDir::Asc => " > ",
            SortDir::Desc => " < ",
        };
        let value: Value = match after.value {
            SortValue::Time(Some(t)) => t.into(),
            SortValue::Text(s) => s.into(),
            SortValue::Int(Some(n)) => n.into(),
            // Published rows have no NULL sort values, so nothing sorts after a NULL cursor.
            SortValue::Time(None) | SortValue::Int(None) => {
                self.text(" AND 1 = 0");
                return self;
            }
        };
        // A case-folded sort compares with the cursor's value folded the same way.
        let folded = column.starts_with("LOWER(");
        let (open, close) = if folded { ("LOWER(", ")") } else { ("", "") };
        self.text(" AND (").text(column).text(op).text(open);
        self.bind(value.clone());
        self.text(close)
            .text(" OR (")
            .text(column)
            .text(" = ")
            .text(open);
        self.bind(value);
        self.text(close).text(" AND id").text(op);
        self.bind(after.id);
        self.text("))")
    }

    pub fn order(&mut self, column: &str, dir: SortDir, limit: u64) -> &mut Self {
        let d = match dir {
            SortDir::Asc => " ASC",
            SortDir::Desc => " DESC",
        };
        self.text(" ORDER BY ")
            .text(column)
            .text(d)
            .text(", id")
            .text(d)
            .text(" LIMIT ");
        self.bind(limit as i64)
    }

    pub fn statement(self) -> sea_orm::Statement {
        sea_orm::Statement::from_sql_and_values(self.backend.into(), self.sql, self.values)
    }
}
