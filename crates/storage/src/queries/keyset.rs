//! Keyset (cursor) pagination: a page starts strictly after the last row of the previous one,
//! by (sort column, id), so inserts between pages never shift or repeat rows.

use crate::Backend;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, Order, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    pub fn order(self) -> Order {
        match self {
            SortDir::Asc => Order::Asc,
            SortDir::Desc => Order::Desc,
        }
    }

    pub fn reverse(self) -> Self {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

/// The sort column's value in the last row of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    Time(Option<DateTime<Utc>>),
    Text(String),
    Int(Option<i64>),
}

impl SortValue {
    fn into_value(self) -> Option<Value> {
        match self {
            SortValue::Time(t) => t.map(Value::from),
            SortValue::Text(s) => Some(Value::from(s)),
            SortValue::Int(i) => i.map(Value::from),
        }
    }
}

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyset {
    pub value: SortValue,
    pub id: Uuid,
}

/// The sort expression: the column, or its lower-cased text for sorts a person expects to
/// ignore case (names and titles). Cursors hold the raw value and the database lowers both
/// sides, so a page boundary is exact whatever the characters.
pub fn sort_expr<C: ColumnTrait>(col: C, fold_case: bool) -> SimpleExpr {
    if fold_case {
        Func::lower(Expr::col(col)).into()
    } else {
        Expr::col(col)
    }
}

/// The condition "comes after `after`" in the order (`col` `dir`, `id` `dir`), using each
/// backend's own NULL placement (PostgreSQL sorts NULL as largest, SQLite as smallest) so
/// that the ORDER BY stays a plain index scan.
pub fn after<C: ColumnTrait, I: ColumnTrait>(
    backend: Backend,
    col: C,
    fold_case: bool,
    id_col: I,
    dir: SortDir,
    after: Keyset,
) -> Condition {
    let nulls_largest = backend == Backend::Postgres;
    let nulls_after = (dir == SortDir::Asc) == nulls_largest;
    let id_beyond = match dir {
        SortDir::Asc => id_col.gt(after.id),
        SortDir::Desc => id_col.lt(after.id),
    };
    let lhs = sort_expr(col, fold_case);
    match after.value.into_value() {
        Some(value) => {
            let value: SimpleExpr = if fold_case {
                Func::lower(Expr::val(value)).into()
            } else {
                Expr::val(value)
            };
            let beyond = match dir {
                SortDir::Asc => lhs.clone().gt(value.clone()),
                SortDir::Desc => lhs.clone().lt(value.clone()),
            };
            let mut any = Condition::any()
                .add(beyond)
                .add(Condition::all().add(lhs.eq(value)).add(id_beyond));
            if nulls_after {
                any = any.add(col.is_null());
            }
            any
        }
        None => {
            let mut any = Condition::any().add(Condition::all().add(col.is_null()).add(id_beyond));
            if !nulls_after {
                any = any.add(col.is_not_null());
            }
            any
        }
    }
}
