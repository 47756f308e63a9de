//! The inputs of the content mutations. Each type's pair (a creation, and an update in which
//! an omitted field stays and null clears) is declared once, as fields, and becomes the
//! service's raw input, which parses and validates it as REST's does.

use crate::ids::{key_for, NodeType};
use crate::scalars::Timestamp;
use crate::sources::SourceKind;
use crate::types::{ServiceName, TechnologyKind};
use async_graphql::{InputObject, MaybeUndefined, ID};
use lectern_service::inputs::{ArticleInput, Patch, SourceInput, TechnologyInput};

/// A GraphQL input value as the service's raw input holds it.
pub trait Raw {
    type Out;
    fn raw(self) -> async_graphql::Result<Self::Out>;
}

macro_rules! raw {
    ($($t:ty => $out:ty, |$v:ident| $e:expr;)*) => {
        $(impl Raw for $t {
            type Out = $out;
            fn raw(self) -> async_graphql::Result<$out> {
                let $v = self;
                Ok($e)
            }
        })*
    };
}

raw! {
    String => String, |v| v;
    Vec<String> => Vec<String>, |v| v;
    i32 => i64, |v| i64::from(v);
    Timestamp => chrono::DateTime<chrono::Utc>, |v| v.0;
    TechnologyKind => String, |v| v.service_name();
    SourceKind => String, |v| v.service_name();
    crate::assets::AssetPick => uuid::Uuid, |v| key_for(NodeType::Asset, &v.id)?.parse().map_err(|_| {
        crate::error::bad_input(lectern_service::Code::InvalidId, "not an asset id")
    })?;
    ID => uuid::Uuid, |v| key_for(NodeType::User, &v)?.parse().map_err(|_| {
        crate::error::bad_input(lectern_service::Code::InvalidId, "not a user id")
    })?;
    Vec<TrendSignalInput> => Vec<lectern_domain::TrendSignal>, |v| v.into_iter().map(|s| {
        lectern_domain::TrendSignal {
            metric: s.metric, value: s.value, unit: s.unit, period: s.period, source: s.source,
        }
    }).collect();
}

pub(crate) fn patch<T: Raw>(value: MaybeUndefined<T>) -> async_graphql::Result<Patch<T::Out>> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v.raw()?)),
    })
}

/// A type's creation and update inputs, and their conversion to its raw input.
macro_rules! content_inputs {
    ($raw:ident: $create:ident $create_doc:literal, $update:ident $update_doc:literal,
     required { $($(#[$rm:meta])* $req:ident: $rt:ty,)* }
     optional { $($(#[$om:meta])* $opt:ident: $ot:ty,)* }
     update { $($(#[$um:meta])* $upd:ident: $ut:ty,)* }) => {
        #[doc = $create_doc]
        #[derive(InputObject)]
        pub struct $create {
            $($(#[$rm])* pub $req: $rt,)*
            $($(#[$om])* pub $opt: Option<$ot>,)*
        }

        impl TryFrom<$create> for $raw {
            type Error = async_graphql::Error;
            fn try_from(i: $create) -> async_graphql::Result<Self> {
                Ok(Self {
                    $($req: Some(Some(i.$req.raw()?)),)*
                    $($opt: i.$opt.map(Raw::raw).transpose()?.map(Some),)*
                    ..Default::default()
                })
            }
        }

        #[doc = $update_doc]
        #[derive(InputObject, Default)]
        pub struct $update {
            $($(#[$rm])* pub $req: MaybeUndefined<$rt>,)*
            $($(#[$om])* pub $opt: MaybeUndefined<$ot>,)*
            $($(#[$um])* pub $upd: MaybeUndefined<$ut>,)*
        }

        impl TryFrom<$update> for $raw {
            type Error = async_graphql::Error;
            fn try_from(i: $update) -> async_graphql::Result<Self> {
                Ok(Self {
                    $($req: patch(i.$req)?,)*
                    $($opt: patch(i.$opt)?,)*
                    $($upd: patch(i.$upd)?,)*
                    ..Default::default()
                })
            }
        }
    };
}
pub(crate) use content_inputs;

content_inputs! {
    ArticleInput: CreateArticleInput "A new article. Authors' articles are always drafts.",
    UpdateArticleInput "Changes to an article: omitted fields stay as they are, null clears a field.",
    required { title: String, }
    optional {
        /// Made from the title when not given.
        slug: String,
        summary: String,
        /// Markdown.
        body: String,
        cover_image_url: String,
        /// An asset to show as the cover.
        cover: crate::assets::AssetPick,
        tags: Vec<String>,
        /// Slugs of the technologies the article covers.
        technologies: Vec<String>,
        /// Slugs of the sources the article is based on.
        sources: Vec<String>,
        /// Editors only.
        published_at: Timestamp,
    }
    update {
        /// Editors only.
        author_id: ID,
    }
}

content_inputs! {
    TechnologyInput: CreateTechnologyInput "A new technology profile (editors only).",
    UpdateTechnologyInput "Changes to a technology profile: omitted fields stay, null clears.",
    required { name: String, kind: TechnologyKind, }
    optional {
        slug: String,
        summary: String,
        description: String,
        homepage_url: String,
        /// An asset to show as the logo.
        logo: crate::assets::AssetPick,
        first_released: i32,
        steward: String,
        primary_language: String,
        notable_users: Vec<String>,
        trend_signals: Vec<TrendSignalInput>,
        /// Slugs of related technologies.
        related_technologies: Vec<String>,
    }
    update {}
}

content_inputs! {
    SourceInput: CreateSourceInput "A new source (editors only).",
    UpdateSourceInput "Changes to a source: omitted fields stay, null clears.",
    required { title: String, }
    optional {
        slug: String,
        authors: Vec<String>,
        publisher: String,
        url: String,
        /// `YYYY-MM-DD`.
        published_on: String,
        kind: SourceKind,
        note: String,
    }
    update {}
}

/// A dated figure about a technology, with where it comes from.
#[derive(InputObject, Clone)]
pub struct TrendSignalInput {
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
    /// The slug of the source that gave the figure.
    pub source: String,
}
