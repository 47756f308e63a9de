//! The filter language in the OpenAPI document: each type's `filter` parameter is JSON whose
//! schema (`ArticleFilter`, ...) is written from the fields the type declares.

use lectern_service::filter::{self, Field, Target, Ty, MAX_TEXT, MAX_VALUES};
use serde_json::{json, Map, Value};

fn schema_name(kind: lectern_service::Kind) -> String {
    let kind = kind.as_str();
    format!("{}{}Filter", kind[..1].to_uppercase(), &kind[1..])
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn value(ty: Ty) -> Value {
    match ty {
        Ty::Text | Ty::Slug => json!({"type": "string", "maxLength": MAX_TEXT}),
        Ty::Uuid => json!({"type": "string", "format": "uuid"}),
        Ty::Time => json!({"anyOf": [{"type": "string", "format": "date-time"},
            {"type": "string", "format": "date"}]}),
        Ty::Date => json!({"type": "string", "format": "date"}),
        Ty::Int => json!({"type": "integer"}),
        Ty::OneOf(names) => json!({"type": "string", "enum": names}),
    }
}

/// A field's condition: a value (`eq`), `null` (`is_null`), or an object of operators.
fn condition(ty: Ty) -> Value {
    let v = value(ty);
    let mut ops = Map::new();
    for (name, op) in filter::OPERATORS {
        let schema = match op {
            None => json!({"type": "boolean"}),
            Some(op) if !filter::applies(*op, ty) => continue,
            Some(filter::Op::In | filter::Op::Nin) => {
                json!({"type": "array", "items": v, "maxItems": MAX_VALUES})
            }
            Some(filter::Op::Contains | filter::Op::StartsWith) => {
                json!({"type": "string", "maxLength": MAX_TEXT})
            }
            Some(filter::Op::Eq) => json!({"anyOf": [v, {"type": "null"}]}),
            Some(_) => v.clone(),
        };
        ops.insert((*name).to_owned(), schema);
    }
    json!({"anyOf": [v, {"type": "null"},
        {"type": "object", "properties": ops, "additionalProperties": false, "minProperties": 1}]})
}

/// The schema of a filter over `fields`, named `name`. It does not refer to itself, so that
/// tools that expand schemas terminate: a relation takes the related type's own fields
/// (`{Type}FieldFilter`), and `and`, `or`, `not` take filters of this type, described in words.
fn object(name: &str, fields: &[Field], about: &str, relations: bool) -> Value {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = match field.target {
            Target::Column(_, ty) | Target::Values(_, _, ty) => condition(ty),
            Target::Items(_, kind) if relations => reference(&format!(
                "{}FieldFilter",
                schema_name(kind).trim_end_matches("Filter")
            )),
            Target::Users(_) if relations => reference("UserFilter"),
            _ => continue,
        };
        if field.admins_only {
            schema = json!({"allOf": [schema], "description": "admins only"});
        }
        properties.insert(field.name.to_owned(), schema);
    }
    if relations {
        let group = json!({"type": "object", "description": format!("a {name}")});
        properties.insert("and".into(), json!({"type": "array", "items": group}));
        properties.insert("or".into(), json!({"type": "array", "items": group}));
        properties.insert("not".into(), group);
    }
    json!({"type": "object", "properties": properties, "additionalProperties": false,
        "description": about})
}

/// Adds type `T`'s filter schema and points its list's `filter` parameter at it.
pub fn document<T: crate::content::RestType>(doc: &mut Value) {
    let name = schema_name(T::KIND);
    let about = format!(
        "Which {} to list: every key must hold. A field takes a value (equality), null, or \
         operators; a relation takes a filter of the related type and matches when a related \
         item the caller may read does. At most {} conditions, {} levels deep.",
        lectern_service::content::collection::<T>(),
        filter::MAX_CONDITIONS,
        filter::MAX_DEPTH,
    );
    let schemas = &mut doc["components"]["schemas"];
    schemas[&name] = object(&name, filter::fields::<T>(), &about, true);
    let own = format!("{}FieldFilter", name.trim_end_matches("Filter"));
    let about = "Conditions on a related item's own fields (in a filter, a relation takes the \
        related type's whole filter, relations and groups included).";
    schemas[&own] = object(&own, filter::fields::<T>(), about, false);
    schemas["UserFilter"] = object("UserFilter", filter::USER_FIELDS, "Which authors.", false);
    let params = doc["paths"][T::COLLECTION]["get"]["parameters"].as_array_mut();
    for param in params
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == "filter")
    {
        if let Some(p) = param.as_object_mut() {
            p.remove("schema");
            p.insert(
                "content".into(),
                json!({"application/json": {"schema": reference(&name)}}),
            );
        }
    }
}
