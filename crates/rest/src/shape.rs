//! `fields` (choose the returned fields) and `include` (embed related objects in full).

use crate::problem::ApiResult;
use lectern_service::{with_type, Caller, Error, Kind, Service};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;

/// What a content type allows.
pub struct Shape {
    fields: &'static [&'static str],
    /// (include name, field that holds the references or "" when already embedded, the
    /// type referenced)
    includes: &'static [(&'static str, &'static str, Kind)],
}

impl Shape {
    pub const ARTICLE: Shape = Shape {
        fields: lectern_service::views::ArticleView::FIELDS,
        includes: &[
            ("author", "", Kind::Article),
            ("cover", "", Kind::Asset),
            ("technologies", "technologies", Kind::Technology),
            ("sources", "sources", Kind::Source),
        ],
    };

    pub const TECHNOLOGY: Shape = Shape {
        fields: lectern_service::views::TechnologyView::FIELDS,
        includes: &[(
            "related_technologies",
            "related_technologies",
            Kind::Technology,
        )],
    };

    pub const ASSET: Shape = Shape {
        fields: lectern_service::views::AssetView::FIELDS,
        includes: &[],
    };

    pub const SOURCE: Shape = Shape {
        fields: lectern_service::views::SourceView::FIELDS,
        includes: &[],
    };

    pub fn parse(&self, fields: Option<&str>, include: Option<&str>) -> ApiResult<Shaping> {
        let fields = match fields {
            None => None,
            Some(raw) => {
                let mut set = HashSet::new();
                for f in raw.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                    let known = self.fields.iter().find(|k| **k == f).ok_or_else(|| {
                        Error::bad_request(
                            lectern_service::Code::InvalidParameter,
                            format!(
                                "unknown field '{f}' in fields; use any of {}",
                                self.fields.join(", ")
                            ),
                        )
                    })?;
                    set.insert(*known);
                }
                // Nothing named (only commas or spaces) means every field, like no `fields` at all.
                (!set.is_empty()).then_some(set)
            }
        };
        let mut expand = vec![];
        for i in include
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            let (_, field, kind) = self
                .includes
                .iter()
                .find(|(name, _, _)| *name == i)
                .ok_or_else(|| {
                    let names: Vec<&str> = self.includes.iter().map(|(n, _, _)| *n).collect();
                    Error::bad_request(
                        lectern_service::Code::InvalidParameter,
                        format!("cannot include '{i}'; use any of {}", names.join(", ")),
                    )
                })?;
            if !field.is_empty() && !expand.iter().any(|(f, _)| f == field) {
                expand.push((*field, *kind));
            }
        }
        Ok(Shaping { fields, expand })
    }
}

pub struct Shaping {
    fields: Option<HashSet<&'static str>>,
    /// Reference fields to replace with the full objects of their type.
    expand: Vec<(&'static str, Kind)>,
}

impl Shaping {
    /// Nothing to change: the stored JSON can be served as it is.
    pub fn is_plain(&self) -> bool {
        self.fields.is_none() && self.expand.is_empty()
    }
}

/// Applies `fields` and `include` to serialisable items.
pub async fn apply<T: Serialize>(
    service: &Service,
    caller: &Caller,
    shaping: &Shaping,
    items: &[T],
) -> ApiResult<Vec<Value>> {
    let mut values: Vec<Value> = items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap_or(Value::Null))
        .collect();
    for (field, kind) in &shaping.expand {
        let mut ids = vec![];
        for v in &values {
            for r in v[*field].as_array().into_iter().flatten() {
                if let Some(id) = r["id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let by_id = with_type!(*kind, |T| full_views::<T>(service, caller, &ids).await?);
        for v in &mut values {
            if let Some(list) = v.get_mut(*field).and_then(Value::as_array_mut) {
                for r in list.iter_mut() {
                    if let Some(full) = r["id"].as_str().and_then(|id| by_id.get(id)) {
                        *r = full.clone();
                    }
                }
            }
        }
    }
    if let Some(fields) = &shaping.fields {
        for v in &mut values {
            if let Some(map) = v.as_object_mut() {
                map.retain(|k, _| fields.contains(k.as_str()));
            }
        }
    }
    Ok(values)
}

/// The full views, as JSON by id, of the items with these ids that the caller may read.
async fn full_views<T: lectern_service::ContentType>(
    service: &Service,
    caller: &Caller,
    ids: &[uuid::Uuid],
) -> ApiResult<std::collections::HashMap<String, Value>> {
    use lectern_service::content::ViewMeta;
    Ok(service
        .by_ids::<T>(caller, ids)
        .await?
        .iter()
        .map(|v| {
            let json = serde_json::to_value(v).unwrap_or(Value::Null);
            (v.id().to_string(), json)
        })
        .collect())
}
