//! The arguments of the content lists: each type's order and filter, over what every list
//! has in common.

use crate::query::Paging;
use crate::scalars::Timestamp;
use crate::sources::SourceKind;
use crate::types::{ContentStatus, ServiceName, TechnologyKind};
use async_graphql::{Enum, InputObject, ID};
use lectern_service::ListQuery;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OrderDirection {
    Asc,
    Desc,
}

/// A type's order: a field and a direction, as the service's sort.
pub trait Order {
    fn sort(self) -> String;
}

macro_rules! order {
    ($order:ident, $field:ident, $default:literal, $doc:literal, [$($f:ident),+]) => {
        #[derive(Enum, Clone, Copy, PartialEq, Eq)]
        pub enum $field {
            $($f),+
        }

        #[doc = $doc]
        #[derive(InputObject, Clone, Copy)]
        pub struct $order {
            pub field: $field,
            #[graphql(default_with = $default)]
            pub direction: OrderDirection,
        }

        impl Order for $order {
            fn sort(self) -> String {
                match self.direction {
                    OrderDirection::Asc => self.field.service_name(),
                    OrderDirection::Desc => format!("-{}", self.field.service_name()),
                }
            }
        }
    };
}

order! {
    ArticleOrder, ArticleOrderField, "OrderDirection::Desc",
    "How to order articles; the default is newest published first.",
    [PublishedAt, CreatedAt, UpdatedAt, Title]
}
order! {
    TechnologyOrder, TechnologyOrderField, "OrderDirection::Asc",
    "How to order technologies; the default is by name.", [Name, PublishedAt, CreatedAt, UpdatedAt]
}
order! {
    SourceOrder, SourceOrderField, "OrderDirection::Asc",
    "How to order sources; the default is by title.", [Title, PublishedAt, CreatedAt, UpdatedAt]
}

/// What every list filters on.
#[derive(InputObject, Clone, Default)]
pub struct CommonFilter {
    /// Unpublished statuses need an editor login or a preview token.
    pub status: Option<ContentStatus>,
    pub published_after: Option<Timestamp>,
    pub published_before: Option<Timestamp>,
    pub updated_after: Option<Timestamp>,
    /// Text to find in the title (a technology's name) or the summary (a source's note).
    pub q: Option<String>,
}

impl CommonFilter {
    pub(crate) fn query<P>(self, paging: &Paging, sort: Option<String>, extra: P) -> ListQuery<P> {
        ListQuery {
            limit: paging.limit,
            cursor: paging.cursor.clone(),
            sort,
            status: self.status.map(|s| s.service_name()),
            published_after: self.published_after.map(|t| t.0),
            published_before: self.published_before.map(|t| t.0),
            updated_after: self.updated_after.map(|t| t.0),
            q: self.q,
            filter: None,
            extra,
        }
    }
}

/// Which articles to list. Every condition must hold.
#[derive(InputObject, Clone, Default)]
pub struct ArticleFilter {
    #[graphql(flatten)]
    pub common: CommonFilter,
    pub tag: Option<String>,
    /// A technology slug.
    pub technology: Option<String>,
    /// The author's id, or their email (admins; anyone for their own).
    pub author: Option<ID>,
}

/// Which technologies to list. Every condition must hold.
#[derive(InputObject, Clone, Default)]
pub struct TechnologyFilter {
    #[graphql(flatten)]
    pub common: CommonFilter,
    pub kind: Option<TechnologyKind>,
}

/// Which sources to list. Every condition must hold.
#[derive(InputObject, Clone, Default)]
pub struct SourceFilter {
    #[graphql(flatten)]
    pub common: CommonFilter,
    pub kind: Option<SourceKind>,
}
