//! The asset type in GraphQL: its object (with image URLs for any allowed size), its page,
//! and the mutations of its metadata. Files are uploaded through REST.

use crate::context::{caller, service};
use crate::error::Gql;
use crate::ids::{global_id, NodeType};
use crate::inputs::{patch, Raw};
use crate::scalars::Timestamp;
use crate::types::{ContentStatus, PageInfo, ServiceName};
use async_graphql::MaybeUndefined;
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, ID};
use lectern_service::inputs::AssetInput;
use lectern_service::views::AssetView;
use std::sync::Arc;

/// The formats an image URL may ask for.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Webp,
    Avif,
    Jpeg,
    Png,
}

/// An image or a file that content uses.
#[derive(Clone)]
pub struct Asset(pub Arc<AssetView>);

impl From<AssetView> for Asset {
    fn from(v: AssetView) -> Self {
        Self(Arc::new(v))
    }
}

#[Object]
impl Asset {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Asset, self.0.id)
    }
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the image shows, for readers who cannot see it.
    async fn alt(&self) -> &str {
        &self.0.alt
    }
    async fn caption(&self) -> &str {
        &self.0.caption
    }
    async fn filename(&self) -> &str {
        &self.0.filename
    }
    /// Read from the file's bytes.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    async fn width(&self) -> Option<i32> {
        self.0.width
    }
    async fn height(&self) -> Option<i32> {
        self.0.height
    }
    /// A tiny preview (a data URL) to show while the image loads.
    async fn placeholder(&self) -> Option<&str> {
        self.0.placeholder.as_deref()
    }
    /// Where the file is served; `width` (one of the configured sizes) and `format` ask for a
    /// derived image.
    async fn url(&self, width: Option<i32>, format: Option<ImageFormat>) -> String {
        with_query(&self.0.url, width, format)
    }
    async fn status(&self) -> ContentStatus {
        ContentStatus::from_service(&self.0.status)
    }
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
}

/// An asset, named by its id (a global id or the UUID REST uses).
#[derive(InputObject, Clone)]
pub struct AssetPick {
    pub id: ID,
}

/// An image (or file) as content shows it: enough to render it without another request.
#[derive(Clone)]
pub struct Image(pub lectern_service::views::AssetRef);

#[Object]
impl Image {
    async fn id(&self) -> ID {
        global_id(NodeType::Asset, self.0.id)
    }
    /// Where the file is served; `width` (one of the configured sizes) and `format` ask for a
    /// derived image.
    async fn url(&self, width: Option<i32>, format: Option<ImageFormat>) -> String {
        with_query(&self.0.url, width, format)
    }
    async fn alt(&self) -> &str {
        &self.0.alt
    }
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    async fn width(&self) -> Option<i32> {
        self.0.width
    }
    async fn height(&self) -> Option<i32> {
        self.0.height
    }
    /// A tiny preview (a data URL) to show while the image loads.
    async fn placeholder(&self) -> Option<&str> {
        self.0.placeholder.as_deref()
    }
    /// The configured widths no wider than the image, for `<img srcset>`.
    async fn srcset(&self) -> &str {
        &self.0.srcset
    }
}

fn with_query(url: &str, width: Option<i32>, format: Option<ImageFormat>) -> String {
    let mut query = vec![];
    if let Some(w) = width {
        query.push(format!("width={w}"));
    }
    if let Some(f) = format {
        query.push(format!("format={}", f.service_name()));
    }
    match query.is_empty() {
        true => url.to_owned(),
        false => format!("{url}?{}", query.join("&")),
    }
}

crate::types::connection! {
    AssetConnection, AssetEdge, Asset, lectern_service::Asset, "A page of assets."
}

crate::inputs::content_inputs! {
    AssetInput: CreateAssetInput "Not used: assets are uploaded through REST.",
    UpdateAssetInput "Changes to an asset's metadata: omitted fields stay.",
    required { title: String, }
    optional {
        slug: String,
        alt: String,
        caption: String,
    }
    update {}
}

#[derive(Default)]
pub struct AssetMutation;

#[Object]
impl AssetMutation {
    /// Changes an asset's metadata; `expectedVersion` is the version the change is based on.
    async fn update_asset(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateAssetInput,
        expected_version: i64,
    ) -> async_graphql::Result<Asset> {
        crate::mutation::update::<lectern_service::Asset>(
            ctx,
            service(ctx),
            id,
            input.try_into()?,
            expected_version,
        )
        .await
    }

    /// Deletes an asset; returns its id (a conflict while content shows it).
    async fn delete_asset(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
    ) -> async_graphql::Result<ID> {
        crate::mutation::delete::<lectern_service::Asset>(ctx, service(ctx), id, expected_version)
            .await
    }

    /// Makes an asset's file public (editors).
    async fn publish_asset(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i64,
    ) -> async_graphql::Result<Asset> {
        let svc = service(ctx);
        crate::mutation::publish::<lectern_service::Asset>(ctx, svc, id, expected_version, None)
            .await
    }
}
