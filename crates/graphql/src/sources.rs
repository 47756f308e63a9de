//! The source type in GraphQL: its object, its page, and the inputs of its queries.

use crate::context::{caller, service};
use crate::error::Gql;
use crate::ids::{global_id, NodeType};
use crate::scalars::Timestamp;
use crate::types::{ContentStatus, PageInfo, Revision, ServiceName};
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, ID};
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

impl Source {
    async fn full(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<SourceView>> {
        if let Some(full) = &self.full {
            return Ok(full.clone());
        }
        let loader = ctx.data_unchecked::<DataLoader<crate::loaders::SourceLoader>>();
        loader
            .load_one(self.id)
            .await
            .map_err(|e| (*e).clone())?
            .ok_or_else(|| crate::error::to_gql(lectern_service::Error::not_found("source")))
    }
}

#[Object]
impl Source {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Source, self.id)
    }
    /// The id REST uses.
    async fn uuid(&self) -> Uuid {
        self.id
    }
    async fn slug(&self) -> &str {
        &self.slug
    }
    async fn title(&self) -> &str {
        &self.title
    }
    async fn authors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(self.full(ctx).await?.authors.clone())
    }
    async fn publisher(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.full(ctx).await?.publisher.clone())
    }
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.full(ctx).await?.url.clone())
    }
    /// When the publication appeared, `YYYY-MM-DD`.
    async fn published_on(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self
            .full(ctx)
            .await?
            .published_on
            .map(|d| d.format("%Y-%m-%d").to_string()))
    }
    async fn kind(&self, ctx: &Context<'_>) -> async_graphql::Result<SourceKind> {
        Ok(SourceKind::from_service(&self.full(ctx).await?.kind))
    }
    async fn note(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.full(ctx).await?.note.clone())
    }
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<ContentStatus> {
        Ok(ContentStatus::from_service(&self.full(ctx).await?.status))
    }
    async fn published_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Timestamp>> {
        Ok(self.full(ctx).await?.published_at.map(Timestamp))
    }
    /// When a scheduled publication will happen; null when none is scheduled.
    async fn publish_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Timestamp>> {
        Ok(self.full(ctx).await?.publish_at.map(Timestamp))
    }
    async fn created_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Timestamp> {
        Ok(Timestamp(self.full(ctx).await?.created_at))
    }
    async fn updated_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Timestamp> {
        Ok(Timestamp(self.full(ctx).await?.updated_at))
    }
    /// Goes up by one with every change; pass it back as `expectedVersion`.
    async fn version(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.full(ctx).await?.version)
    }
    /// The source's history, newest first (editors).
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Revision>> {
        let list = service(ctx)
            .list_revisions::<lectern_service::Source>(&caller(ctx), &self.id.to_string())
            .await
            .gql()?;
        Ok(list.into_iter().map(Revision::from).collect())
    }
}

crate::types::connection!(
    SourceConnection,
    SourceEdge,
    Source,
    lectern_service::Source,
    "A page of sources."
);

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SourceOrderField {
    Title,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

/// How to order sources; the default is by title.
#[derive(InputObject, Clone, Copy)]
pub struct SourceOrder {
    pub field: SourceOrderField,
    #[graphql(default_with = "crate::query::OrderDirection::Asc")]
    pub direction: crate::query::OrderDirection,
}

/// Which sources to list. Every condition must hold.
#[derive(InputObject, Clone, Default)]
pub struct SourceFilter {
    pub status: Option<ContentStatus>,
    pub kind: Option<SourceKind>,
    pub published_after: Option<Timestamp>,
    pub published_before: Option<Timestamp>,
    pub updated_after: Option<Timestamp>,
    /// Text to find in the title or note.
    pub q: Option<String>,
}

/// A new source (editors only).
#[derive(InputObject)]
pub struct CreateSourceInput {
    pub title: String,
    pub slug: Option<String>,
    pub authors: Option<Vec<String>>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    /// `YYYY-MM-DD`.
    pub published_on: Option<String>,
    pub kind: Option<SourceKind>,
    pub note: Option<String>,
}

impl From<CreateSourceInput> for lectern_service::inputs::SourceInput {
    fn from(i: CreateSourceInput) -> Self {
        Self {
            title: Some(Some(i.title)),
            slug: i.slug.map(Some),
            authors: i.authors.map(Some),
            publisher: i.publisher.map(Some),
            url: i.url.map(Some),
            published_on: i.published_on.map(Some),
            kind: i.kind.map(|k| Some(k.service_name())),
            note: i.note.map(Some),
            ..Default::default()
        }
    }
}

/// Changes to a source: omitted fields stay, null clears.
#[derive(InputObject, Default)]
pub struct UpdateSourceInput {
    pub title: async_graphql::MaybeUndefined<String>,
    pub slug: async_graphql::MaybeUndefined<String>,
    pub authors: async_graphql::MaybeUndefined<Vec<String>>,
    pub publisher: async_graphql::MaybeUndefined<String>,
    pub url: async_graphql::MaybeUndefined<String>,
    pub published_on: async_graphql::MaybeUndefined<String>,
    pub kind: async_graphql::MaybeUndefined<SourceKind>,
    pub note: async_graphql::MaybeUndefined<String>,
}

impl From<UpdateSourceInput> for lectern_service::inputs::SourceInput {
    fn from(i: UpdateSourceInput) -> Self {
        use crate::mutation::patch;
        Self {
            title: patch(i.title),
            slug: patch(i.slug),
            authors: patch(i.authors),
            publisher: patch(i.publisher),
            url: patch(i.url),
            published_on: patch(i.published_on),
            kind: patch(i.kind.map_value(|k| k.service_name())),
            note: patch(i.note),
            ..Default::default()
        }
    }
}
