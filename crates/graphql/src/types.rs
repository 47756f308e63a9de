//! The object types front ends query: thin wrappers over the service's views.

use crate::context::{caller, service};
use crate::error::Gql;
use crate::ids::{global_id, NodeType};
use crate::loaders::{CoveringLoader, TechnologyLoader};
use crate::scalars::Timestamp;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, Enum, Interface, Object, SimpleObject, ID};
use lectern_service::views::{ArticleView, AuthorRef, TechnologyRef, TechnologyView};
use lectern_service::RevisionView;
use std::sync::Arc;
use uuid::Uuid;

/// Where a piece of content is in the editorial workflow.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "lectern_domain::ContentStatus")]
pub enum ContentStatus {
    Draft,
    Published,
    Archived,
}

/// What sort of thing a technology profile describes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "lectern_domain::TechKind")]
pub enum TechnologyKind {
    Language,
    Framework,
    Runtime,
    Platform,
    Database,
    Architecture,
    Practice,
    Tool,
    Category,
}

/// GraphQL enums as the service names their values: `PUBLISHED_AT` is `published_at`.
pub trait ServiceName: async_graphql::resolver_utils::EnumType {
    fn service_name(self) -> String {
        let items = Self::items().iter();
        let item = items.into_iter().find(|i| i.value == self);
        item.map(|i| i.name.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// A value from text the service wrote (which always names one).
    fn from_service(raw: &str) -> Self {
        let items = Self::items();
        let item = items.iter().find(|i| i.name.eq_ignore_ascii_case(raw));
        item.map_or(items[0].value, |i| i.value)
    }
}

impl<E: async_graphql::resolver_utils::EnumType> ServiceName for E {}

/// An object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Article(Article),
    Technology(Technology),
    Source(crate::sources::Source),
    Asset(crate::assets::Asset),
    User(User),
}

/// A person who writes or edits content. Email and role are shown only to the user
/// themself and to admins.
#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Option<String>,
}

impl From<&AuthorRef> for User {
    fn from(a: &AuthorRef) -> Self {
        Self {
            id: a.id,
            display_name: a.display_name.clone(),
            email: None,
            role: None,
        }
    }
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        global_id(NodeType::User, self.id)
    }
    /// The id REST uses.
    async fn uuid(&self) -> Uuid {
        self.id
    }
    async fn display_name(&self) -> &str {
        &self.display_name
    }
    /// Only for the user themself and admins; null for everyone else.
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.private(ctx).await?.map(|(email, _)| email))
    }
    /// `admin`, `editor` or `author`; only for the user themself and admins.
    async fn role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.private(ctx).await?.map(|(_, role)| role))
    }
}

impl User {
    async fn private(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<(String, String)>> {
        if let (Some(email), Some(role)) = (&self.email, &self.role) {
            return Ok(Some((email.clone(), role.clone())));
        }
        let user = service(ctx)
            .private_profile(&caller(ctx), self.id)
            .await
            .gql()?;
        Ok(user.map(|u| (u.email, u.role)))
    }
}

/// One locale an item exists in.
#[derive(SimpleObject, Clone)]
pub struct Translation {
    pub locale: String,
    pub status: ContentStatus,
    /// Its slug in that locale.
    pub slug: String,
}

impl From<lectern_service::views::Translation> for Translation {
    fn from(t: lectern_service::views::Translation) -> Self {
        Self {
            locale: t.locale,
            status: ContentStatus::from_service(&t.status),
            slug: t.slug,
        }
    }
}

/// A configured locale.
#[derive(SimpleObject, Clone)]
pub struct LocaleInfo {
    /// Its BCP 47 tag.
    pub locale: String,
    /// Whether it is the default, the language of every entry.
    pub default: bool,
    /// Where reads in it fall back to, in order.
    pub fallbacks: Vec<String>,
}

/// A tag on an article.
#[derive(SimpleObject, Clone)]
pub struct Tag {
    pub name: String,
}

/// A dated figure about a technology, with where it comes from.
#[derive(SimpleObject, Clone)]
pub struct TrendSignal {
    /// What was measured.
    pub metric: String,
    pub value: f64,
    pub unit: String,
    /// When, e.g. "2021".
    pub period: String,
    /// The source that gave the figure (null when the caller may not read it).
    pub source: Option<crate::sources::Source>,
}

/// One entry of an item's history.
#[derive(SimpleObject, Clone)]
pub struct Revision {
    /// 1 at creation, then one more for every change.
    pub version: i64,
    /// What changed, e.g. "updated title, body".
    pub summary: String,
    pub created_at: Timestamp,
    /// Who made the change (null for the scheduler or a deleted user).
    pub actor: Option<User>,
}

/// An item's history, newest first, as the caller may read it.
pub async fn revisions<T: lectern_service::ContentType>(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Vec<Revision>> {
    let list = service(ctx)
        .list_revisions::<T>(&caller(ctx), &id.to_string())
        .await
        .gql()?;
    Ok(list.into_iter().map(Revision::from).collect())
}

impl From<RevisionView> for Revision {
    fn from(r: RevisionView) -> Self {
        Self {
            version: r.version,
            summary: r.summary,
            created_at: Timestamp(r.created_at),
            actor: r.actor.as_ref().map(User::from),
        }
    }
}

/// Full technology profiles loaded ahead for a whole page, by id.
pub type Prefetched = Arc<std::collections::HashMap<Uuid, Arc<TechnologyView>>>;

/// The fields a technology link carries without loading the profile.
const LINK_FIELDS: &[&str] = &["id", "uuid", "slug", "name", "kind", "__typename"];

/// Whether a selection of technologies asks for more than their links carry.
pub fn wants_full_technologies(look: async_graphql::Lookahead<'_>) -> bool {
    look.selection_fields()
        .iter()
        .any(|f| f.selection_set().any(|s| !LINK_FIELDS.contains(&s.name())))
}

/// Loads the profiles of every technology the articles link to, in one batch, so a page
/// costs the same statements whatever its size.
pub async fn prefetch_technologies(
    ctx: &Context<'_>,
    articles: &[&ArticleView],
) -> async_graphql::Result<Prefetched> {
    let mut ids: Vec<Uuid> = articles
        .iter()
        .flat_map(|a| a.technologies.iter().map(|t| t.id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let views = service(ctx)
        .by_ids::<lectern_service::Technology>(&caller(ctx), &ids)
        .await
        .gql()?;
    Ok(Arc::new(
        views.into_iter().map(|v| (v.id, Arc::new(v))).collect(),
    ))
}

/// An article about back-end technologies.
#[derive(Clone)]
pub struct Article(pub Arc<ArticleView>, pub Option<Prefetched>);

impl From<ArticleView> for Article {
    fn from(v: ArticleView) -> Self {
        Self(Arc::new(v), None)
    }
}

/// An object over a whole view (`self.0`): its id, then the view's plain fields
/// (`field: Type`, or `field: Type => conversion`), then the other resolvers.
macro_rules! view_object {
    ($pound:tt $object:tt $ty:ident as $node:expr,
     $($(#[$m:meta])* $field:ident: $ret:ty $(=> $conv:expr)?,)*
     { $($rest:tt)* }) => {
        $pound $object
        impl $ty {
            async fn id(&self) -> ID {
                global_id($node, self.0.id)
            }
            /// The id REST uses.
            async fn uuid(&self) -> Uuid {
                self.0.id
            }
            $($(#[$m])*
            async fn $field(&self) -> $ret {
                $crate::types::lazy_object!(@conv self.0.$field.clone() $(, $conv)?)
            })*
            $($rest)*
        }
    };
}

view_object!(#[Object] Article as NodeType::Article,
    slug: String,
    title: String,
    summary: String,
    /// Markdown.
    body: String,
    /// The body rendered to HTML and sanitised (no scripts, event handlers or
    /// `javascript:` links).
    body_html: String,
    cover_image_url: Option<String>,
    #[graphql(complexity = "1 + 5 * child_complexity")]
    tags: Vec<Tag> => |t: Vec<String>| t.into_iter().map(|name| Tag { name }).collect(),
    status: ContentStatus => |s: String| ContentStatus::from_service(&s),
    published_at: Option<Timestamp> => |t: Option<_>| t.map(Timestamp),
    /// When a scheduled publication will happen; null when none is scheduled.
    publish_at: Option<Timestamp> => |t: Option<_>| t.map(Timestamp),
    created_at: Timestamp => Timestamp,
    updated_at: Timestamp => Timestamp,
    /// Goes up by one with every change; pass it back as `expectedVersion`.
    version: i64,
    /// The locale this item is in: the requested one, or where it fell back to.
    locale: String,
    /// The locales the item exists in that the caller may read.
    translations: Vec<Translation> => |t: Vec<lectern_service::views::Translation>| t.into_iter().map(Translation::from).collect(),
{
    async fn author(&self) -> Option<User> {
        self.0.author.as_ref().map(User::from)
    }
    /// The asset shown as the cover.
    async fn cover(&self) -> Option<crate::assets::Image> {
        self.0.cover.clone().map(crate::assets::Image)
    }
    /// The technologies the article covers (only those the caller may read).
    #[graphql(complexity = "1 + 5 * child_complexity")]
    async fn technologies(&self) -> Vec<Technology> {
        self.0
            .technologies
            .iter()
            .map(|t| {
                let mut tech = Technology::from(t);
                tech.full = self.1.as_ref().and_then(|p| p.get(&t.id).cloned());
                tech
            })
            .collect()
    }
    /// The sources the article is based on (only those the caller may read).
    #[graphql(complexity = "1 + 5 * child_complexity")]
    async fn sources(&self) -> Vec<crate::sources::Source> {
        self.0
            .sources
            .iter()
            .map(crate::sources::Source::from)
            .collect()
    }
    /// The article's history, newest first (editors, and authors for their own drafts).
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Revision>> {
        revisions::<lectern_service::Article>(ctx, self.0.id).await
    }
});

/// A back-end technology: what it is, who makes it, who uses it, and how it is trending.
#[derive(Clone)]
pub struct Technology {
    id: Uuid,
    slug: String,
    name: String,
    kind: String,
    /// Loaded on first use of a field that a link does not carry.
    full: Option<Arc<TechnologyView>>,
}

impl From<&TechnologyRef> for Technology {
    fn from(t: &TechnologyRef) -> Self {
        Self {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            kind: t.kind.clone(),
            full: None,
        }
    }
}

impl From<TechnologyView> for Technology {
    fn from(v: TechnologyView) -> Self {
        Self {
            id: v.id,
            slug: v.slug.clone(),
            name: v.name.clone(),
            kind: v.kind.clone(),
            full: Some(Arc::new(v)),
        }
    }
}

/// An object whose link fields are at hand and whose other fields load the full view on
/// first use (`self.full`), under `#[Object]` written where it is used (its complexity
/// expressions name variables of the caller's scope): the link resolvers, the view's plain fields (`field: Type`, or
/// `field: Type => conversion`), then the other resolvers.
macro_rules! lazy_object {
    ($pound:tt $object:tt $ty:ident as $node:expr, $what:literal $view:ty, $loader:ty, { $($first:tt)* }
     $($(#[$m:meta])* $field:ident: $ret:ty $(=> $conv:expr)?,)*
     { $($rest:tt)* }) => {
        impl $ty {
            async fn full(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<$view>> {
                if let Some(full) = &self.full {
                    return Ok(full.clone());
                }
                let loader = ctx.data_unchecked::<DataLoader<$loader>>();
                let found = loader.load_one(self.id).await.map_err(|e| (*e).clone())?;
                found.ok_or_else(|| crate::error::to_gql(lectern_service::Error::not_found($what)))
            }
        }

        $pound $object
        impl $ty {
            // Public: the `Node` interface calls it.
            pub async fn id(&self) -> ID {
                global_id($node, self.id)
            }
            /// The id REST uses.
            async fn uuid(&self) -> Uuid {
                self.id
            }
            $($first)*
            $($(#[$m])*
            async fn $field(&self, ctx: &Context<'_>) -> async_graphql::Result<$ret> {
                let full = self.full(ctx).await?;
                Ok($crate::types::lazy_object!(@conv full.$field.clone() $(, $conv)?))
            })*
            // What every content type has.
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
            $($rest)*
        }
    };
    (@conv $v:expr) => { $v };
    (@conv $v:expr, $conv:expr) => { ($conv)($v) };
}
pub(crate) use lazy_object;

lazy_object!(#[Object] Technology as NodeType::Technology, "technology" TechnologyView, TechnologyLoader, {
    async fn slug(&self) -> &str {
        &self.slug
    }
    async fn name(&self) -> &str {
        &self.name
    }
    async fn kind(&self) -> TechnologyKind {
        TechnologyKind::from_service(&self.kind)
    }
}
    /// The locale this item is in: the requested one, or where it fell back to.
    locale: String,
    /// The locales the item exists in that the caller may read.
    translations: Vec<Translation> => |t: Vec<lectern_service::views::Translation>| t.into_iter().map(Translation::from).collect(),
    summary: String,
    /// Markdown.
    description: String,
    /// The description rendered to sanitised HTML.
    description_html: String,
    homepage_url: Option<String>,
    /// The asset shown as the logo.
    logo: Option<crate::assets::Image> => |l: Option<lectern_service::views::AssetRef>| l.map(crate::assets::Image),
    /// The year of the first release.
    first_released: Option<i32>,
    /// Who makes it, e.g. Google for Go.
    steward: Option<String>,
    /// For frameworks and tools: the language they are written for, e.g. Python for Django.
    primary_language: Option<String>,
    /// Organisations known to use it.
    notable_users: Vec<String>,
    #[graphql(complexity = "1 + 5 * child_complexity")]
    trend_signals: Vec<TrendSignal> => |list: Vec<lectern_service::views::TrendSignalView>| {
        list.into_iter().map(|s| TrendSignal {
            source: s.source.as_ref().map(crate::sources::Source::from),
            metric: s.metric,
            value: s.value,
            unit: s.unit,
            period: s.period,
        }).collect()
    },
    #[graphql(complexity = "1 + 5 * child_complexity")]
    related_technologies: Vec<Technology> => |list: Vec<TechnologyRef>| {
        list.iter().map(Technology::from).collect()
    },
{
    /// The newest articles about this technology that the caller may read.
    #[graphql(complexity = "1 + first.clamp(1, 100) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i64,
    ) -> async_graphql::Result<Vec<Article>> {
        // The page-size rule of every list, from the service.
        let per = lectern_service::paging::parse_limit(Some(first)).gql()?;
        let loader = ctx.data_unchecked::<DataLoader<CoveringLoader>>();
        let list = loader
            .load_one((self.id, per))
            .await
            .map_err(|e| (*e).clone())?
            .unwrap_or_default();
        Ok(list.iter().cloned().map(Article::from).collect())
    }
    #[graphql(complexity = "1 + 10 * child_complexity")]
    async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Revision>> {
        revisions::<lectern_service::Technology>(ctx, self.id).await
    }
});

/// Where a page starts and ends, and whether there is more on either side.
#[derive(SimpleObject, Clone, Default)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// A page type and its edge for a content type: `connection!(ArticleConnection,
/// ArticleEdge, Article, lectern_service::Article, "articles")`.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $content:ty, $doc:literal) => {
        #[derive(SimpleObject, Clone)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[doc = $doc]
        #[derive(SimpleObject)]
        #[graphql(complex)]
        pub struct $connection {
            pub edges: Vec<$edge>,
            pub page_info: PageInfo,
            #[graphql(skip)]
            pub query:
                lectern_service::ListQuery<<$content as lectern_service::ContentType>::Params>,
            /// In the locale the list was read in.
            #[graphql(skip)]
            pub service: lectern_service::Service,
        }

        impl $connection {
            /// A page of the caller's items for a query.
            pub(crate) async fn load(
                ctx: &Context<'_>,
                svc: &lectern_service::Service,
                query: lectern_service::ListQuery<
                    <$content as lectern_service::ContentType>::Params,
                >,
                paging: &crate::query::Paging,
            ) -> async_graphql::Result<Self> {
                let edges = svc
                    .edges::<$content>(&caller(ctx), query.clone(), paging.backward)
                    .await
                    .gql()?;
                Ok(Self {
                    page_info: crate::query::page_info(&edges, paging),
                    edges: edges
                        .edges
                        .into_iter()
                        .map(|(cursor, view)| $edge {
                            cursor,
                            node: view.into(),
                        })
                        .collect(),
                    query,
                    service: svc.clone(),
                })
            }
        }

        #[ComplexObject]
        impl $connection {
            /// The items on this page, without cursors.
            async fn nodes(&self) -> Vec<$node> {
                self.edges.iter().map(|e| e.node.clone()).collect()
            }
            /// How many items match the filter, on every page together (only those the
            /// caller may read).
            async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
                self.service
                    .count::<$content>(&caller(ctx), &self.query)
                    .await
                    .gql()
            }
        }
    };
}
pub(crate) use connection;

connection! {
    ArticleConnection, ArticleEdge, Article, lectern_service::Article, "A page of articles."
}
connection! {
    TechnologyConnection, TechnologyEdge, Technology, lectern_service::Technology,
    "A page of technologies."
}

/// Tokens from a login or a refresh.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// A JWT for `Authorization: Bearer ...`.
    pub access_token: String,
    /// Exchange it for a new pair with `refreshToken`; it works once.
    pub refresh_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

impl From<lectern_service::TokenPair> for AuthPayload {
    fn from(p: lectern_service::TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: p.token_type.to_string(),
            expires_in: p.expires_in,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "lectern_domain::Kind")]
pub enum SearchType {
    Article,
    Technology,
    Source,
    Asset,
}

/// One search match.
#[derive(SimpleObject, Clone)]
pub struct SearchHit {
    /// The global id of the article or technology (usable with `node`).
    pub id: ID,
    #[graphql(name = "type")]
    pub kind: SearchType,
    pub slug: String,
    /// The title, or a technology's name.
    pub title: String,
    /// A passage around the matches, HTML-escaped, with matches in `<mark>`.
    pub snippet: String,
    /// Relevance by rank: 1 for the best match, 1/2 for the second, and so on across pages.
    pub score: f64,
}

#[derive(SimpleObject, Clone)]
pub struct SearchEdge {
    pub cursor: String,
    pub node: SearchHit,
}

/// A page of search hits, best first: a connection like the others.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SearchConnection {
    pub edges: Vec<SearchEdge>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub query: String,
    #[graphql(skip)]
    pub kind: Option<&'static str>,
}

#[ComplexObject]
impl SearchConnection {
    /// The hits on this page, without cursors.
    async fn nodes(&self) -> Vec<SearchHit> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
    /// How many items match, on every page together (only those the caller may read).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        service(ctx)
            .search_count(&caller(ctx), &self.query, self.kind)
            .await
            .gql()
    }
}
