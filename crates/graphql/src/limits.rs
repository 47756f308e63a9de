//! Limits on the shape of a document, checked right after parsing and before validation or
//! execution (async-graphql's own parse-time checks of depth and directives expand every
//! spread too, so this runs before them, on the request's parsed document, which it keeps for
//! them). Fragments are counted as they expand: a spread costs what its fragment costs,
//! computed once per fragment, so a document whose fragments each spread the previous one
//! twice is refused in time linear in its size instead of being walked exponentially (by
//! async-graphql's own validation and complexity visitors, which expand every spread).

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Request, ServerResult};
use std::collections::HashMap;
use std::sync::Arc;

/// The most fields (counted after fragment expansion) and aliases one document may hold, and
/// how deep it may nest. Introspection (`__schema`, `__type`) has a depth of its own: tools
/// such as GraphiQL and codegen send a standard query that nests type references deeper than
/// any content query needs, and it stays bounded by the field count all the same.
#[derive(Debug, Clone, Copy)]
pub struct ShapeLimit {
    pub max_selections: u64,
    pub max_aliases: u64,
    pub max_depth: u64,
}

/// How deep an introspection query may nest (the standard one needs 13).
const INTROSPECTION_DEPTH: u64 = 20;

impl ExtensionFactory for ShapeLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

/// What a selection set holds once every fragment in it is expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    pub selections: u64,
    pub aliases: u64,
    /// Levels of nested fields outside introspection.
    pub depth: u64,
    /// Levels of nested fields under `__schema` or `__type`.
    pub meta_depth: u64,
}

impl Size {
    fn add(self, other: Size) -> Size {
        Size {
            selections: self.selections.saturating_add(other.selections),
            aliases: self.aliases.saturating_add(other.aliases),
            depth: self.depth.max(other.depth),
            meta_depth: self.meta_depth.max(other.meta_depth),
        }
    }
}

/// A spread of a fragment that (through others) spreads itself: validation refuses the
/// document anyway; counting it as unbounded keeps this walk finite.
const CYCLE: Size = Size {
    selections: u64::MAX,
    aliases: u64::MAX,
    depth: u64::MAX,
    meta_depth: u64::MAX,
};

struct Walk<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    memo: HashMap<&'a str, Size>,
    open: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn set(&mut self, set: &'a SelectionSet) -> Size {
        set.items.iter().fold(Size::default(), |total, item| {
            let size = match &item.node {
                Selection::Field(f) => {
                    let inner = self.set(&f.node.selection_set.node);
                    let meta = matches!(f.node.name.node.as_str(), "__schema" | "__type");
                    Size {
                        selections: inner.selections.saturating_add(1),
                        aliases: inner
                            .aliases
                            .saturating_add(u64::from(f.node.alias.is_some())),
                        depth: if meta {
                            0
                        } else {
                            inner.depth.saturating_add(1)
                        },
                        meta_depth: if meta {
                            inner.depth.max(inner.meta_depth).saturating_add(1)
                        } else {
                            inner.meta_depth
                        },
                    }
                }
                Selection::InlineFragment(i) => self.set(&i.node.selection_set.node),
                Selection::FragmentSpread(s) => self.fragment(s.node.fragment_name.node.as_str()),
            };
            total.add(size)
        })
    }

    fn fragment(&mut self, name: &'a str) -> Size {
        if let Some(size) = self.memo.get(name) {
            return *size;
        }
        if self.open.contains(&name) {
            return CYCLE;
        }
        // An unknown fragment is validation's to report; it adds nothing here.
        let Some(definition) = self.fragments.get(name) else {
            return Size::default();
        };
        self.open.push(name);
        let size = self.set(&definition.node.selection_set.node);
        self.open.pop();
        self.memo.insert(name, size);
        size
    }
}

/// The size of the largest thing the document could make a server walk: all its operations
/// together, or any one fragment (validation walks unused fragments too).
pub fn measure(doc: &ExecutableDocument) -> Size {
    let mut walk = Walk {
        fragments: &doc.fragments,
        memo: HashMap::new(),
        open: Vec::new(),
    };
    let operations = doc
        .operations
        .iter()
        .fold(Size::default(), |total, (_, op)| {
            total.add(walk.set(&op.node.selection_set.node))
        });
    doc.fragments.keys().fold(operations, |largest, name| {
        let size = walk.fragment(name.as_str());
        Size {
            selections: largest.selections.max(size.selections),
            aliases: largest.aliases.max(size.aliases),
            depth: largest.depth.max(size.depth),
            meta_depth: largest.meta_depth.max(size.meta_depth),
        }
    })
}

fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Control characters never reach the service through GraphQL, as through REST: the path of
/// the first string that holds one, in a constant or in a document's value.
macro_rules! control_in {
    ($name:ident, $value:ty) => {
        fn $name(value: &$value, at: String) -> Option<String> {
            type V = $value;
            match value {
                V::String(s) if s.chars().any(forbidden) => Some(at),
                V::List(items) => {
                    (items.iter().enumerate()).find_map(|(i, v)| $name(v, format!("{at}[{i}]")))
                }
                V::Object(map) => map.iter().find_map(|(k, v)| $name(v, format!("{at}.{k}"))),
                _ => None,
            }
        }
    };
}
control_in!(control_in_const, async_graphql::Value);
control_in!(control_in_value, async_graphql_value::Value);

fn control_in_variables(variables: &async_graphql::Variables) -> Option<String> {
    variables
        .iter()
        .find_map(|(name, value)| control_in_const(value, format!("${name}")))
}

fn control_in_set(set: &SelectionSet) -> Option<String> {
    set.items.iter().find_map(|item| match &item.node {
        Selection::Field(f) => f
            .node
            .arguments
            .iter()
            .find_map(|(name, value)| {
                control_in_value(&value.node, format!("{}.{}", f.node.name.node, name.node))
            })
            .or_else(|| control_in_set(&f.node.selection_set.node)),
        Selection::InlineFragment(i) => control_in_set(&i.node.selection_set.node),
        Selection::FragmentSpread(_) => None,
    })
}

/// Each operation and fragment is visited once, unexpanded.
fn control_in_arguments(doc: &ExecutableDocument) -> Option<String> {
    doc.operations
        .iter()
        .find_map(|(_, op)| control_in_set(&op.node.selection_set.node))
        .or_else(|| {
            doc.fragments
                .values()
                .find_map(|f| control_in_set(&f.node.selection_set.node))
        })
}

#[async_trait::async_trait]
impl Extension for ShapeLimit {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(path) = control_in_variables(&request.variables) {
            return Err(crate::error::coded(
                format!("the variable {path} must not contain control characters"),
                lectern_service::Code::ValidationFailed,
            ));
        }
        if let Some(path) = control_in_arguments(request.parsed_query()?) {
            return Err(crate::error::coded(
                format!("the argument {path} must not contain control characters"),
                lectern_service::Code::ValidationFailed,
            ));
        }
        let size = measure(request.parsed_query()?);
        if size.selections > self.max_selections {
            return Err(crate::error::coded(
                format!(
                    "the query is too complex: with its fragments expanded it selects {} fields; at most {} are allowed",
                    shown(size.selections),
                    self.max_selections
                ),
                lectern_service::Code::QueryTooComplex,
            ));
        }
        if size.depth > self.max_depth || size.meta_depth > INTROSPECTION_DEPTH {
            return Err(crate::error::coded(
                format!(
                    "the query is nested too deep: at most {} levels are allowed ({INTROSPECTION_DEPTH} under __schema and __type)",
                    self.max_depth
                ),
                lectern_service::Code::QueryTooDeep,
            ));
        }
        if size.aliases > self.max_aliases {
            return Err(crate::error::coded(
                format!(
                    "the query uses {} aliases; at most {} are allowed",
                    shown(size.aliases),
                    self.max_aliases
                ),
                lectern_service::Code::TooManyAliases,
            ));
        }
        next.run(ctx, request).await
    }
}

fn shown(n: u64) -> String {
    if n == u64::MAX {
        "unboundedly many (a fragment spreads itself)".into()
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doubling(levels: usize) -> String {
        let mut q = String::from("fragment F0 on Query { __typename }\n");
        for i in 1..=levels {
            q.push_str(&format!(
                "fragment F{i} on Query {{ ...F{p} ...F{p} }}\n",
                p = i - 1
            ));
        }
        q.push_str(&format!("query {{ ...F{levels} }}"));
        q
    }

    #[test]
    fn fragment_expansion_is_counted_without_walking_it() {
        for levels in [5usize, 22, 40, 63] {
            let doc = async_graphql::parser::parse_query(doubling(levels)).unwrap();
            let started = std::time::Instant::now();
            let size = measure(&doc);
            assert_eq!(size.selections, 1u64 << levels, "levels {levels}");
            assert!(started.elapsed() < std::time::Duration::from_millis(5));
        }
        // Past 64 levels the count saturates rather than wrapping.
        let doc = async_graphql::parser::parse_query(doubling(70)).unwrap();
        assert_eq!(measure(&doc).selections, u64::MAX);
    }

    #[test]
    fn aliases_count_once_per_expansion() {
        let q =
            "fragment A on Query { a: __typename b: __typename } query { ...A ...A x: __typename }";
        let doc = async_graphql::parser::parse_query(q).unwrap();
        let size = measure(&doc);
        assert_eq!((size.selections, size.aliases, size.depth), (5, 5, 1));
    }

    #[test]
    fn depth_counts_fields_and_introspection_apart() {
        let q = "fragment T on Article { technologies { name } } { articles { edges { node { ...T } } } __schema { types { fields { type { ofType { name } } } } } }";
        let doc = async_graphql::parser::parse_query(q).unwrap();
        let size = measure(&doc);
        assert_eq!(size.depth, 5);
        assert_eq!(size.meta_depth, 6);
    }

    #[test]
    fn cycles_and_unknown_fragments_end() {
        let q =
            "fragment A on Query { ...B } fragment B on Query { ...A } query { ...A ...Missing }";
        let doc = async_graphql::parser::parse_query(q).unwrap();
        assert_eq!(measure(&doc).selections, u64::MAX);
    }
}
