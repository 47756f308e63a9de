//! The filter language, parsed once here for REST (`filter=` JSON) and GraphQL (`where:`).
//!
//! A filter is a JSON object: each key a field of the type, `and` / `or` (lists of filters)
//! or `not` (a filter), all of which must hold. A field takes operators (`{"gte": 2020}`), or
//! a bare value for `eq` (`null` for `is_null`); a relation takes a filter of the related
//! type, and matches when some related item that the caller may read matches it.

use crate::content::ContentType;
use crate::{Caller, Code, Error, Result};
use lectern_domain::{Kind, Role};
use lectern_storage::queries::content::Table;
use lectern_storage::queries::filter::{self as f, Expr, Val};
pub use lectern_storage::queries::filter::{Field, Op, Target, Ty, USER_FIELDS};
use serde_json::Value;

/// Most conditions (operators) in one filter.
pub const MAX_CONDITIONS: usize = 20;
/// Deepest nesting of groups and relations.
pub const MAX_DEPTH: usize = 4;
/// Most values in one `in` or `nin`.
pub const MAX_VALUES: usize = 100;
/// Longest text value.
pub const MAX_TEXT: usize = 200;

/// The operators, as the filter language names them.
pub const OPERATORS: &[(&str, Option<Op>)] = &[
    ("eq", Some(Op::Eq)),
    ("ne", Some(Op::Ne)),
    ("in", Some(Op::In)),
    ("nin", Some(Op::Nin)),
    ("lt", Some(Op::Lt)),
    ("lte", Some(Op::Lte)),
    ("gt", Some(Op::Gt)),
    ("gte", Some(Op::Gte)),
    ("contains", Some(Op::Contains)),
    ("starts_with", Some(Op::StartsWith)),
    ("is_null", None),
];

/// List parameters that are shorthands for filters (`?tag=rust` for `{"tags": "rust"}`).
pub trait Sugar {
    fn sugar(&self) -> serde_json::Map<String, Value>;
}

/// The filter of the shorthands that were given (blank ones are left out).
pub fn sugar<const N: usize>(pairs: [(&str, Option<Value>); N]) -> serde_json::Map<String, Value> {
    (pairs.into_iter())
        .filter_map(|(k, v)| Some((k.to_owned(), v?)))
        .filter(|(_, v)| v.as_str().is_none_or(|s| !s.trim().is_empty()))
        .map(|(k, v)| match v {
            Value::String(s) => (k, Value::String(s.trim().to_owned())),
            v => (k, v),
        })
        .collect()
}

/// The fields a type's lists filter on.
pub fn fields<T: ContentType>() -> &'static [Field] {
    <T::Table as Table>::FIELDS
}

fn fields_of(kind: Kind) -> &'static [Field] {
    crate::with_type!(kind, |T| fields::<T>())
}

/// Parses a type's filter for a caller.
pub(crate) fn parse<T: ContentType>(caller: &Caller, filter: &Value) -> Result<Expr> {
    let mut parser = Parser {
        caller,
        conditions: 0,
    };
    parser.group(fields::<T>(), filter, "", 0)
}

/// The related items of `kind` that the caller may read.
fn visible(caller: &Caller, kind: Kind) -> Expr {
    crate::with_type!(kind, |T| f::visible::<<T as ContentType>::Table>(
        T::visibility(caller)
    ))
}

fn bad(path: &str, message: impl std::fmt::Display) -> Error {
    let at = if path.is_empty() { "filter" } else { path };
    Error::bad_request(Code::InvalidParameter, format!("filter: `{at}` {message}"))
}

fn join(path: &str, key: &str) -> String {
    match path {
        "" => key.to_owned(),
        _ => format!("{path}.{key}"),
    }
}

struct Parser<'a> {
    caller: &'a Caller,
    conditions: usize,
}

impl Parser<'_> {
    fn group(&mut self, fields: &[Field], value: &Value, path: &str, depth: usize) -> Result<Expr> {
        if depth > MAX_DEPTH {
            return Err(bad(path, format!("nests deeper than {MAX_DEPTH} levels")));
        }
        let Value::Object(map) = value else {
            return Err(bad(
                path,
                "must be an object of fields, `and`, `or` or `not`",
            ));
        };
        let mut all = Vec::with_capacity(map.len());
        for (key, v) in map {
            let at = join(path, key);
            all.push(match key.as_str() {
                "and" | "or" => {
                    let Value::Array(items) = v else {
                        return Err(bad(&at, "must be a list of filters"));
                    };
                    let parts = (items.iter().enumerate())
                        .map(|(n, item)| self.group(fields, item, &format!("{at}[{n}]"), depth + 1))
                        .collect::<Result<Vec<_>>>()?;
                    if key == "and" {
                        Expr::All(parts)
                    } else {
                        Expr::Any(parts)
                    }
                }
                "not" => Expr::Not(Box::new(self.group(fields, v, &at, depth + 1)?)),
                name => self.field(fields, name, v, &at, depth)?,
            });
        }
        Ok(Expr::All(all))
    }

    fn field(
        &mut self,
        fields: &[Field],
        name: &str,
        v: &Value,
        at: &str,
        depth: usize,
    ) -> Result<Expr> {
        let Some(field) = fields.iter().find(|field| field.name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
            return Err(bad(
                at,
                format!(
                    "is not a filterable field; use one of: {}, and, or, not",
                    known.join(", ")
                ),
            ));
        };
        if field.admins_only && self.caller.role() != Some(Role::Admin) {
            return Err(bad(at, "may be filtered on by admins only"));
        }
        Ok(match field.target {
            Target::Column(column, ty) => self.ops(column, ty, v, at)?,
            Target::Values(hops, column, ty) => {
                // Each condition asks whether some value matches; `ne`, `nin` and
                // `is_null: true` ask that none does.
                let tests = match self.ops(column, ty, v, at)? {
                    Expr::All(tests) => tests,
                    one => vec![one],
                };
                let through = |e: Expr| Expr::Through(hops, Box::new(e));
                Expr::All(
                    tests
                        .into_iter()
                        .map(|t| match t {
                            Expr::Test(c, Op::Ne, v) => {
                                Expr::Not(Box::new(through(Expr::Test(c, Op::Eq, v))))
                            }
                            Expr::Test(c, Op::Nin, v) => {
                                Expr::Not(Box::new(through(Expr::Test(c, Op::In, v))))
                            }
                            Expr::Null(_, true) => Expr::Not(Box::new(through(Expr::none()))),
                            Expr::Null(_, false) => through(Expr::none()),
                            t => through(t),
                        })
                        .collect(),
                )
            }
            Target::Items(hops, kind) => {
                let inner = self.group(fields_of(kind), v, at, depth + 1)?;
                Expr::Through(hops, Box::new(inner.and(visible(self.caller, kind))))
            }
            Target::Users(hops) => {
                let inner = self.group(f::USER_FIELDS, v, at, depth + 1)?;
                Expr::Through(hops, Box::new(inner))
            }
        })
    }

    /// A field's operators, all of which must hold.
    fn ops(&mut self, column: &'static str, ty: Ty, v: &Value, at: &str) -> Result<Expr> {
        let Value::Object(map) = v else {
            return self.op(column, ty, "eq", v, at);
        };
        if map.is_empty() {
            return Err(bad(at, "names no operator"));
        }
        let tests = map
            .iter()
            .map(|(op, arg)| self.op(column, ty, op, arg, &join(at, op)));
        Ok(Expr::All(tests.collect::<Result<_>>()?))
    }

    fn op(
        &mut self,
        column: &'static str,
        ty: Ty,
        name: &str,
        arg: &Value,
        at: &str,
    ) -> Result<Expr> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(bad(
                at,
                format!("is one condition too many: a filter has at most {MAX_CONDITIONS}"),
            ));
        }
        if arg.is_null() && name == "eq" {
            return Ok(Expr::Null(column, true));
        }
        let Some((_, op)) = OPERATORS.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = OPERATORS.iter().map(|(n, _)| *n).collect();
            return Err(bad(
                at,
                format!("is not an operator; use one of: {}", known.join(", ")),
            ));
        };
        let Some(op) = *op else {
            let Value::Bool(is_null) = arg else {
                return Err(bad(at, "takes true or false"));
            };
            return Ok(Expr::Null(column, *is_null));
        };
        if !applies(op, ty) {
            return Err(bad(
                at,
                format!("does not apply to a {} field", ty_name(ty)),
            ));
        }
        let values = match (op, arg) {
            (Op::In | Op::Nin, Value::Array(items)) if items.len() <= MAX_VALUES => (items.iter())
                .map(|item| value(ty, item, at))
                .collect::<Result<Vec<_>>>()?,
            (Op::In | Op::Nin, Value::Array(_)) => {
                return Err(bad(at, format!("takes at most {MAX_VALUES} values")))
            }
            (Op::In | Op::Nin, _) => return Err(bad(at, "takes a list of values")),
            (Op::Contains | Op::StartsWith, Value::String(text))
                if text.chars().count() <= MAX_TEXT =>
            {
                vec![Val::Text(f::like(text, op))]
            }
            (Op::Contains | Op::StartsWith, _) => {
                return Err(bad(
                    at,
                    format!("takes text of at most {MAX_TEXT} characters"),
                ))
            }
            (_, arg) => vec![value(ty, arg, at)?],
        };
        Ok(Expr::Test(column, op, values))
    }
}

/// Whether an operator applies to a type of field.
pub fn applies(op: Op, ty: Ty) -> bool {
    match op {
        Op::Eq | Op::Ne | Op::In | Op::Nin => true,
        Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
            matches!(ty, Ty::Text | Ty::Time | Ty::Date | Ty::Int)
        }
        Op::Contains => ty == Ty::Text,
        Op::StartsWith => matches!(ty, Ty::Text | Ty::Slug),
    }
}

fn ty_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Text => "text",
        Ty::Slug => "slug",
        Ty::Uuid => "id",
        Ty::Time => "date-time",
        Ty::Date => "date",
        Ty::Int => "number",
        Ty::OneOf(_) => "closed-set",
    }
}

/// One value, checked against the field's type.
fn value(ty: Ty, v: &Value, at: &str) -> Result<Val> {
    let wrong = || bad(at, format!("takes a {} value", ty_name(ty)));
    let text = || v.as_str().ok_or_else(wrong);
    Ok(match ty {
        Ty::Int => Val::Int(v.as_i64().ok_or_else(wrong)?),
        Ty::Text | Ty::Slug if text()?.chars().count() > MAX_TEXT => {
            return Err(bad(
                at,
                format!("takes text of at most {MAX_TEXT} characters"),
            ))
        }
        Ty::Text => Val::Text(text()?.to_owned()),
        Ty::Slug => Val::Text(text()?.to_lowercase()),
        // Only the forms the published schema names: a hyphenated id, `YYYY-MM-DD`, RFC 3339.
        Ty::Uuid if text()?.len() != 36 => return Err(wrong()),
        Ty::Uuid => Val::Uuid(text()?.parse().map_err(|_| wrong())?),
        Ty::Time | Ty::Date if text()?.trim() != text()? => return Err(wrong()),
        Ty::Time => Val::Time(lectern_domain::parse_instant(at, text()?).map_err(|_| wrong())?),
        Ty::Date if text()?.len() != 10 => return Err(wrong()),
        Ty::Date => {
            Val::Date(chrono::NaiveDate::parse_from_str(text()?, "%Y-%m-%d").map_err(|_| wrong())?)
        }
        Ty::OneOf(names) => match text()? {
            name if names.contains(&name) => Val::Text(name.to_owned()),
            _ => return Err(bad(at, format!("must be one of: {}", names.join(", ")))),
        },
    })
}
