//! The source type in GraphQL: its object, its page, and the inputs of its queries.

use crate::context::caller;
use crate::error::Gql;
use crate::ids::{global_id, NodeType};
use crate::scalars::Timestamp;
use crate::types::{ContentStatus, PageInfo, Revision, ServiceName};
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject, ID};
use lectern_service::views::{SourceRef, SourceView};
use std::sync::Arc;
use uuid::Uuid;

/// What sort of publication a source is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Article,
    Survey,
    Report,
    Book,
    Dataset,
    Talk,
    Website,
}

/// A publication that articles and trend figures draw on.
#[derive(Clone)]
pub struct Source {
    id: Uuid,
    slug: String,
    title: String,
    /// Loaded on first use of a field that a link does not carry.
    full: Option<Arc<SourceView>>,
}

impl From<&SourceRef> for Source {
    fn from(s: &SourceRef) -> Self {
        Self {
            id: s.id,
            slug: s.slug.clone(),
            title: s.title.clone(),
            full: None,
        }
    }
}

impl From<SourceView> for Source {
    fn from(v: SourceView) -> Self {
        Self {
            id: v.id,
            slug: v.slug.clone(),
            title: v.title.clone(),
            full: Some(Arc::new(v)),
        }
    }
}

crate::types::lazy_object!(#[Object] Source as NodeType::Source, "source" SourceView, crate::loaders::SourceLoader, {
    async fn slug(&self) -> &str {
        &self.slug
    }
    async fn title(&self) -> &str {
        &self.title
    }
}
    /// The locale this item is in: the requested one, or where it fell back to.
    locale: String,
    /// The locales the item exists in that the caller may read.
    translations: Vec<crate::types::Translation> => |t: Vec<lectern_service::views::Translation>| t.into_iter().map(crate::types::Translation::from).collect(),
    authors: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
    /// When the publication appeared, `YYYY-MM-DD`.
    published_on: Option<String> => |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
    },
    kind: SourceKind => |k: String| SourceKind::from_service(&k),
    note: String,
{
    /// The source's history, newest first (editors).
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Revision>> {
        crate::types::revisions::<lectern_service::Source>(ctx, self.id).await
    }
});

crate::types::connection! {
    SourceConnection, SourceEdge, Source, lectern_service::Source, "A page of sources."
}
