//! Assets: the declaration of the asset type, an item whose content is a file. Authors upload
//! and edit their own, editors all. An asset's bytes are public once it is published (an
//! editor marked it public) or published content shows it; until then only those who may read
//! the draft get them.

mod image;
mod serve;
mod upload;

pub use lectern_storage::blobs::{Blobs, S3Options};
pub use serve::{AssetBytes, Body, Fit, OutFormat, Transform};
pub use upload::{sanitize_filename, Upload};

use crate::content::{view_meta, ContentType, Dependents, ListQuery, Writers};
use crate::inputs::{AssetChange, AssetInput};
use crate::search::SearchFields;
use crate::views::AssetView;
use crate::{Caller, Error, Result, Service};
use lectern_domain::{ContentStatus, Kind};
use lectern_storage::entities::assets as row;
use lectern_storage::queries::assets as q;
use lectern_storage::{Conn, Tx};
use std::sync::Arc;

/// The asset type.
pub struct Asset;

/// The list shorthands of assets: `content_type=image/png`.
#[derive(Debug, Clone, Default)]
pub struct AssetParams {
    pub content_type: Option<String>,
}

impl crate::filter::Sugar for AssetParams {
    fn sugar(&self) -> serde_json::Map<String, serde_json::Value> {
        let value = self.content_type.as_deref().map(Into::into);
        crate::filter::sugar([("content_type", value)])
    }
}

pub type AssetQuery = ListQuery<AssetParams>;

/// What is known of an uploaded file, all of it read from its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub placeholder: Option<String>,
}

/// How assets are stored and served.
#[derive(Debug, Clone)]
pub struct AssetConfig {
    /// None: this process has no asset storage, and asset routes answer 503.
    pub blobs: Option<Blobs>,
    pub max_upload_bytes: u64,
    /// Images with more pixels are refused before they are decoded.
    pub max_pixels: u64,
    /// The widths (and heights) a transformed image may have; anything else is a 400.
    pub widths: Vec<u32>,
    /// How many derivatives are made at once; others wait their turn.
    pub transforms: Arc<tokio::sync::Semaphore>,
}

impl Default for AssetConfig {
    fn default() -> Self {
        Self {
            blobs: None,
            max_upload_bytes: 25 * 1024 * 1024,
            max_pixels: 50_000_000,
            widths: vec![160, 320, 400, 640, 800, 1024, 1280, 1600, 1920, 2560],
            transforms: Arc::new(tokio::sync::Semaphore::new(2)),
        }
    }
}

/// The assets that a page of items shows (covers, logos), by id, in one query.
pub(crate) async fn shown<C: Conn>(
    svc: &Service,
    conn: &C,
    ids: impl Iterator<Item = Option<uuid::Uuid>>,
) -> Result<std::collections::HashMap<uuid::Uuid, crate::views::AssetRef>> {
    let mut ids: Vec<uuid::Uuid> = ids.flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    let widths = &svc.config().assets.widths;
    let found = q::many(conn, &ids).await?;
    Ok(found
        .iter()
        .map(|a| (a.id, crate::views::AssetRef::new(a, widths)))
        .collect())
}

/// An asset reference a write sets: it must name an asset (`None` clears it).
pub(crate) async fn usable(
    tx: &Tx,
    field: &str,
    id: Option<uuid::Uuid>,
) -> Result<Option<uuid::Uuid>> {
    let Some(id) = id else { return Ok(None) };
    let found = lectern_storage::queries::content::find_by_id::<row::Entity, _>(tx, id).await?;
    match found {
        Some(_) => Ok(Some(id)),
        None => Err(Error::field(field, "no such asset")),
    }
}

/// Whoever shows an asset on content must be able to read it: otherwise publishing the
/// content would publish someone else's draft file.
pub(crate) async fn check_readable(
    tx: &Tx,
    caller: &Caller,
    field: &str,
    id: Option<Option<uuid::Uuid>>,
) -> Result<()> {
    let Some(Some(id)) = id else { return Ok(()) };
    let found = lectern_storage::queries::content::find_by_id::<row::Entity, _>(tx, id).await?;
    match found {
        Some(a) if crate::content::can_read::<Asset>(caller, &a) => Ok(()),
        _ => Err(Error::field(field, "no such asset")),
    }
}

/// Markdown rendered with the assets its images name (`asset:<id>`): their real URL, size
/// and `srcset`.
pub(crate) async fn render<C: Conn>(svc: &Service, conn: &C, source: &str) -> Result<String> {
    let ids = lectern_domain::asset_references(source);
    let found = shown(svc, conn, ids.into_iter().map(Some)).await?;
    Ok(lectern_domain::render_markdown_with(source, |url| {
        let a = found.get(&lectern_domain::asset_id(url)?)?;
        Some(lectern_domain::KnownImage {
            url: a.url.clone(),
            width: a.width,
            height: a.height,
            srcset: a.srcset.clone(),
        })
    }))
}

/// Records the assets a new Markdown text shows; each must be one the writer may read, so
/// that publishing the text cannot publish somebody else's draft file.
pub(crate) async fn record_uses(
    tx: &Tx,
    caller: &Caller,
    owner: uuid::Uuid,
    field: &str,
    markdown: Option<&str>,
) -> Result<()> {
    let Some(markdown) = markdown else {
        return Ok(());
    };
    let ids = lectern_domain::asset_references(markdown);
    for id in &ids {
        check_readable(tx, caller, field, Some(Some(*id))).await?;
    }
    Ok(q::set_uses(tx, owner, &ids).await?)
}

impl Service {
    pub(crate) fn blobs(&self) -> Result<&Blobs> {
        self.config()
            .assets
            .blobs
            .as_ref()
            .ok_or(Error::Unavailable)
    }
}

view_meta!(AssetView);

impl ContentType for Asset {
    const KIND: Kind = Kind::Asset;
    const WRITERS: Writers = Writers::Authors;
    const DEFAULT_SORT: &'static str = "-created_at";
    const LABEL_FIELD: &'static str = "title";
    const FRONT_MATTER: &'static [(&'static str, &'static str)] = &[
        ("alt", "/alt"),
        ("file", "/url"),
        ("content_type", "/content_type"),
        ("width", "/width"),
        ("height", "/height"),
    ];
    const MARKDOWN_BODY: &'static str = "caption";
    type Table = row::Entity;
    type View = AssetView;
    type Input = AssetInput;
    type Params = AssetParams;

    fn check_fields(
        caller: &Caller,
        change: &AssetChange,
        existing: Option<&row::Model>,
    ) -> Result<()> {
        let Some(status) = change.status else {
            return Ok(());
        };
        let unchanged = existing.map_or(status == ContentStatus::Draft, |e| {
            e.status == status.as_str()
        });
        if unchanged || caller.can_edit_any_content() {
            return Ok(());
        }
        Err(Error::forbidden(
            "authors cannot make an asset public; an editor does",
        ))
    }

    async fn new_row(
        svc: &Service,
        tx: &Tx,
        caller: &Caller,
        change: &AssetChange,
        new: crate::content::NewRow,
    ) -> Result<row::Model> {
        let Some(file) = &change.file else {
            return Err(Error::field(
                "file",
                "upload the file as multipart/form-data",
            ));
        };
        let mut a = new.row::<Self>();
        a.filename = file.filename.clone();
        a.content_type = file.content_type.clone();
        a.size_bytes = file.size_bytes;
        a.sha256 = file.sha256.clone();
        a.width = file.width;
        a.height = file.height;
        a.placeholder = file.placeholder.clone();
        a.uploaded_by = caller.acting_user().map(|u| u.0);
        Self::apply(svc, tx, &mut a, change).await?;
        Ok(a)
    }

    async fn apply(
        _svc: &Service,
        _tx: &Tx,
        a: &mut row::Model,
        change: &AssetChange,
    ) -> Result<()> {
        crate::content::assign!(a, change, {
            title: |v| v.as_str().to_owned(),
            alt: |v| v.as_str().to_owned(),
            caption: |v| v.as_str().to_owned(),
        });
        if let Some(point) = change.focal_point {
            a.focal_x = point.map(|p| p.x);
            a.focal_y = point.map(|p| p.y);
        }
        Ok(())
    }

    async fn views<C: Conn>(
        _svc: &Service,
        _conn: &C,
        _caller: &Caller,
        rows: Vec<row::Model>,
    ) -> Result<Vec<AssetView>> {
        Ok(rows.into_iter().map(AssetView::new).collect())
    }

    fn search_fields(view: &AssetView) -> SearchFields {
        SearchFields {
            title: view.title.clone(),
            summary: view.alt.clone(),
            body: format!("{} {}", view.caption, view.filename),
            tags: vec![view.content_type.clone()],
            author_id: None,
        }
    }

    async fn restore_input(
        _svc: &Service,
        s: &serde_json::Value,
        _current: &row::Model,
    ) -> Result<AssetInput> {
        let text = |k: &str| s[k].as_str().map(|v| Some(v.to_owned()));
        Ok(AssetInput {
            title: text("title"),
            slug: text("slug"),
            alt: text("alt"),
            caption: text("caption"),
            focal_point: Some(serde_json::from_value(s["focal_point"].clone()).ok()),
            ..Default::default()
        })
    }

    /// Articles and technologies show an asset's file, size and text; one they still show
    /// cannot go.
    async fn dependents(
        tx: &Tx,
        before: &row::Model,
        after: Option<&row::Model>,
    ) -> Result<Dependents> {
        let shown = |a: &row::Model| (a.alt.clone(), a.filename.clone(), a.focal_x, a.focal_y);
        if after.is_some_and(|a| shown(a) == shown(before)) {
            return Ok(Dependents::default());
        }
        let (articles, technologies) = q::users_of(tx, before.id).await?;
        if after.is_none() && !(articles.is_empty() && technologies.is_empty()) {
            let names = q::names_of_users(tx, &articles, &technologies).await?;
            return Err(Error::conflict(
                crate::Code::AssetInUse,
                format!(
                    "the asset is still used by {}; remove it there first",
                    names.join(", ")
                ),
            ));
        }
        Ok(Dependents {
            articles,
            technologies,
            sources: vec![],
        })
    }
}
