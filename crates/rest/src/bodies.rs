//! The request bodies of the content types, declared a field to a line with the limits the
//! domain types enforce. A type's update body is its create body with nothing required
//! (a JSON merge patch) and a `version`.

use serde_json::{json, Value};

/// A title or name: at least one visible character, no control characters.
pub const LINE: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
pub const SLUG: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";
/// Multi-line text: no control characters except tab and line breaks.
pub const TEXT: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";
pub const URL: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://([^\s\x00-\x1f\x7f-\x9f/?#]*@)?[^\s\x00-\x1f\x7f-\x9f/?#@:\\][^\s\x00-\x1f\x7f-\x9f/?#@\\]*([/?#][^\s\x00-\x1f\x7f-\x9f]*)?$";
pub const TAG: &str = r"^[ \t]*[A-Za-z0-9.+#-]{1,50}[ \t]*$";

/// What a field holds, as the domain type that parses it.
#[derive(Clone, Copy)]
pub enum Kind {
    /// One line of 1 to n characters (`Title`, `Name`, short facts).
    Line(u32),
    Slug,
    /// Text of up to n characters (`Summary`, `Body`).
    Text(u32),
    Url,
    Year,
    Date,
    Time,
    Uuid,
    /// A component schema: an enum or an object.
    Ref(&'static str),
    /// A list of up to 50 of these.
    List(&'static Kind),
    Tags,
}

/// Required on create.
pub const REQUIRED: u8 = 1;
/// `null` is a value (it clears the field).
pub const NULLABLE: u8 = 2;

pub struct Field(pub &'static str, pub Kind, pub u8, pub &'static str);

pub struct Body {
    pub create: &'static str,
    pub update: &'static str,
    pub docs: [&'static str; 2],
    /// JSON examples of a create and an update.
    pub examples: [&'static str; 2],
    pub fields: &'static [Field],
}

fn schema(kind: Kind) -> Value {
    match kind {
        Kind::Line(max) => {
            json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": LINE})
        }
        Kind::Slug => json!({"type": "string", "maxLength": 100, "pattern": SLUG}),
        Kind::Text(max) => json!({"type": "string", "maxLength": max, "pattern": TEXT}),
        Kind::Url => json!({"type": "string", "maxLength": 2048, "pattern": URL}),
        Kind::Year => {
            json!({"type": "integer", "format": "int64", "minimum": 1900, "maximum": 2100})
        }
        Kind::Date => json!({"type": "string", "format": "date"}),
        Kind::Time => json!({"type": "string", "format": "date-time"}),
        Kind::Uuid => json!({"type": "string", "format": "uuid"}),
        Kind::Ref(name) => json!({"$ref": format!("#/components/schemas/{name}")}),
        Kind::List(item) => {
            let mut item = schema(*item);
            if item["type"] == "string" {
                item["minLength"] = json!(1);
            }
            json!({"type": "array", "items": item, "maxItems": 50})
        }
        Kind::Tags => json!({"type": "array", "maxItems": 20, "items":
            {"type": "string", "minLength": 1, "maxLength": 60, "pattern": TAG}}),
    }
}

/// The create and update schemas of a body, by name.
pub fn schemas(body: &Body) -> [(&'static str, Value); 2] {
    let mut props = serde_json::Map::new();
    for Field(name, kind, flags, doc) in body.fields {
        let mut s = schema(*kind);
        if flags & NULLABLE != 0 && s.get("$ref").is_some() {
            s = json!({"anyOf": [s, {"type": "null"}]});
        } else if flags & NULLABLE != 0 {
            s["type"] = json!([s["type"], "null"]);
        }
        if !doc.is_empty() {
            s["description"] = json!(doc);
        }
        props.insert((*name).into(), s);
    }
    let required: Vec<&str> = body
        .fields
        .iter()
        .filter(|f| f.2 & REQUIRED != 0)
        .map(|f| f.0)
        .collect();
    let example = |i: usize| serde_json::from_str::<Value>(body.examples[i]).unwrap_or_default();
    let create = json!({"type": "object", "description": body.docs[0], "required": required,
        "properties": props, "additionalProperties": false, "examples": [example(0)]});
    props.insert(
        "version".into(),
        json!({"type": "integer", "format": "int64",
        "description": "The version this change is based on, when If-Match cannot be sent."}),
    );
    let update = json!({"type": "object", "description": body.docs[1], "properties": props,
        "additionalProperties": false, "examples": [example(1)]});
    [(body.create, create), (body.update, update)]
}

/// Puts a type's bodies into the document, on its create and update operations.
pub fn document(doc: &mut Value, collection: &str, body: &Body, translated: &[&str]) {
    let [(create, c), (update, u)] = schemas(body);
    if !translated.is_empty() {
        // A translation's body: the update's fields that are not shared.
        let mut t = u.clone();
        let own = |k: &str| translated.contains(&k) || ["slug", "status", "version"].contains(&k);
        if let Some(props) = t["properties"].as_object_mut() {
            props.retain(|k, _| own(k));
        }
        t["description"] = json!("A translation: its translated fields, slug and status; the others are the entry's, shared by every locale.");
        t["examples"] = json!([]);
        let name = format!("{}Translation", create.trim_end_matches("Create"));
        doc["paths"][format!("{collection}/{{key}}/locales/{{locale}}")]["put"]["requestBody"] = json!({"required": true, "content":
            {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        doc["components"]["schemas"][name] = t;
    }
    doc["components"]["schemas"][create] = c;
    doc["components"]["schemas"][update] = u;
    for (path, method, name) in [
        (collection.to_owned(), "post", create),
        (format!("{collection}/{{key}}"), "patch", update),
    ] {
        doc["paths"][&path][method]["requestBody"] = json!({"required": true, "content":
            {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
    }
}
