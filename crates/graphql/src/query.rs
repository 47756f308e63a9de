//! `Query`: reading content.

use crate::context::{caller, service};
use crate::error::{bad_input, to_gql, Gql};
use crate::ids::{self, key_for, NodeType};
use crate::lists::*;
use crate::mutation::GqlType;
use crate::sources::{Source, SourceConnection};
use crate::types::*;
use async_graphql::{Context, Object, ID};
use lectern_service::{Edges, Error};

/// A page request in Relay's terms, as the service's limit, cursor and direction.
pub(crate) struct Paging {
    pub(crate) limit: Option<i64>,
    pub(crate) cursor: Option<String>,
    pub(crate) backward: bool,
    had_cursor: bool,
}

fn paging(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> async_graphql::Result<Paging> {
    let backward = last.is_some() || before.is_some();
    if backward && (first.is_some() || after.is_some()) {
        return Err(bad_input(
            lectern_service::Code::InvalidPagination,
            "page forward with first/after or backward with last/before, not both",
        ));
    }
    let (limit, cursor) = if backward {
        (last, before)
    } else {
        (first, after)
    };
    Ok(Paging {
        limit: limit.map(i64::from),
        had_cursor: cursor.is_some(),
        cursor,
        backward,
    })
}

pub(crate) fn page_info<T>(edges: &Edges<T>, paging: &Paging) -> PageInfo {
    let (has_next_page, has_previous_page) = if paging.backward {
        (paging.had_cursor, edges.has_more)
    } else {
        (edges.has_more, paging.had_cursor)
    };
    PageInfo {
        has_next_page,
        has_previous_page,
        start_cursor: edges.edges.first().map(|(c, _)| c.clone()),
        end_cursor: edges.edges.last().map(|(c, _)| c.clone()),
    }
}

/// Exactly one of `id` and `slug`, as a service key.
fn one_key(ty: NodeType, id: Option<ID>, slug: Option<String>) -> async_graphql::Result<String> {
    match (id, slug) {
        (Some(id), None) => key_for(ty, &id),
        (None, Some(slug)) => Ok(slug),
        _ => Err(bad_input(
            lectern_service::Code::InvalidArgument,
            "give either id or slug",
        )),
    }
}

/// Looks an item up by `key`, following one slug change; None when it does not exist or the
/// caller may not read it (the two are indistinguishable on purpose).
async fn following_moves<T, F, Fut>(key: String, get: F) -> async_graphql::Result<Option<T>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let found = match get(key).await {
        Err(Error::Moved { slug }) => get(slug).await,
        other => other,
    };
    match found {
        Ok(view) => Ok(Some(view)),
        Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(to_gql(e)),
    }
}

/// One item by id or slug, as its GraphQL object.
async fn one<T: GqlType>(
    ctx: &Context<'_>,
    id: Option<ID>,
    slug: Option<String>,
    locale: Locale,
) -> async_graphql::Result<Option<T::Object>> {
    let key = one_key(T::NODE, id, slug)?;
    let (service, who) = (&locale.service(ctx)?, caller(ctx));
    let found = following_moves(key, |k| async move { service.get::<T>(&who, &k).await });
    Ok(found.await?.map(T::Object::from))
}

pub struct Query;

/// The locale arguments of a read: `locale` (a configured BCP 47 tag; default: the default
/// locale) and `fallback` (false: only what exists in that locale).
#[derive(Default)]
pub(crate) struct Locale {
    pub locale: Option<String>,
    pub fallback: Option<bool>,
}

impl Locale {
    pub(crate) fn service(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<lectern_service::Service> {
        let fallback = self.fallback.unwrap_or(true);
        service(ctx)
            .in_locale(self.locale.as_deref(), None, fallback)
            .gql()
    }
}

#[Object]
impl Query {
    /// One article by id or slug; null when it does not exist or the caller may not read it.
    /// An old slug finds the article under its new one.
    async fn article(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        #[graphql(
            desc = "the locale to read in, a configured BCP 47 tag (default: the default locale); a missing translation falls back",
            validator(max_length = 35)
        )]
        locale: Option<String>,
        #[graphql(desc = "false: only what exists in `locale`, without falling back")]
        fallback: Option<bool>,
    ) -> async_graphql::Result<Option<Article>> {
        one::<lectern_service::Article>(ctx, id, slug, Locale { locale, fallback }).await
    }

    /// Articles the caller may read, a page at a time.
    #[graphql(
        complexity = "2 + first.or(last).unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilter>,
        #[graphql(name = "where")] where_: Option<crate::filters::ArticleWhere>,
        order_by: Option<ArticleOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(
            desc = "the locale to read in, a configured BCP 47 tag (default: the default locale); a missing translation falls back",
            validator(max_length = 35)
        )]
        locale: Option<String>,
        #[graphql(desc = "false: only what exists in `locale`, without falling back")]
        fallback: Option<bool>,
    ) -> async_graphql::Result<ArticleConnection> {
        let svc = Locale { locale, fallback }.service(ctx)?;
        let paging = paging(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let author = match &f.author {
            // An email, for those who may look one up (as over REST).
            Some(raw) if raw.contains('@') => {
                Some(service(ctx).author_filter(&caller(ctx), raw).await.gql()?)
            }
            Some(id) => Some(
                key_for(NodeType::User, id)?
                    .parse()
                    .map_err(|_| bad_input(lectern_service::Code::InvalidId, "not a user id"))?,
            ),
            None => None,
        };
        let extra = lectern_service::ArticleParams {
            tag: f.tag,
            technology: f.technology,
            author,
        };
        let mut query = f.common.query(&paging, order_by.map(Order::sort), extra);
        query.filter = crate::filters::filter(where_)?;
        let mut page = ArticleConnection::load(ctx, &svc, query, &paging).await?;
        let look = ctx.look_ahead();
        if wants_full_technologies(look.field("edges").field("node").field("technologies"))
            || wants_full_technologies(look.field("nodes").field("technologies"))
        {
            let views: Vec<_> = page.edges.iter().map(|e| &*e.node.0).collect();
            let prefetched = Some(prefetch_technologies(ctx, &views).await?);
            page.edges
                .iter_mut()
                .for_each(|e| e.node.1 = prefetched.clone());
        }
        Ok(page)
    }

    /// One technology by id or slug; null when it does not exist or the caller may not read
    /// it.
    async fn technology(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        #[graphql(
            desc = "the locale to read in, a configured BCP 47 tag (default: the default locale); a missing translation falls back",
            validator(max_length = 35)
        )]
        locale: Option<String>,
        #[graphql(desc = "false: only what exists in `locale`, without falling back")]
        fallback: Option<bool>,
    ) -> async_graphql::Result<Option<Technology>> {
        one::<lectern_service::Technology>(ctx, id, slug, Locale { locale, fallback }).await
    }

    /// Technology profiles the caller may read, a page at a time.
    #[graphql(
        complexity = "2 + first.or(last).unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn technologies(
        &self,
        ctx: &Context<'_>,
        filter: Option<TechnologyFilter>,
        #[graphql(name = "where")] where_: Option<crate::filters::TechnologyWhere>,
        order_by: Option<TechnologyOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(
            desc = "the locale to read in, a configured BCP 47 tag (default: the default locale); a missing translation falls back",
            validator(max_length = 35)
        )]
        locale: Option<String>,
        #[graphql(desc = "false: only what exists in `locale`, without falling back")]
        fallback: Option<bool>,
    ) -> async_graphql::Result<TechnologyConnection> {
        let svc = Locale { locale, fallback }.service(ctx)?;
        let paging = paging(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let extra = lectern_service::TechnologyParams {
            kind: f.kind.map(|k| k.service_name()),
        };
        let mut query = f.common.query(&paging, order_by.map(Order::sort), extra);
        query.filter = crate::filters::filter(where_)?;
        TechnologyConnection::load(ctx, &svc, query, &paging).await
    }

    /// One source by id or slug; null when it does not exist or the caller may not read it.
    async fn source(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        #[graphql(
            desc = "the locale to read in, a configured BCP 47 tag (default: the default locale); a missing translation falls back",
            validator(max_length = 35)
        )]
        locale: Option<String>,
        #[graphql(desc = "false: only what exists in `locale`, without falling back")]
        fallback: Option<bool>,
    ) -> async_graphql::Result<Option<Source>> {
        one::<lectern_service::Source>(ctx, id, slug, Locale { locale, fallback }).await
    }

    /// Sources the caller may read, a page at a time.
    #[graphql(
        complexity = "2 + first.or(last).unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        filter: Option<SourceFilter>,
        #[graphql(name = "where")] where_: Option<crate::filters::SourceWhere>,
        order_by: Option<SourceOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        #[graphql(
            desc = "the locale to read in, a configured BCP 47 tag (default: the default locale); a missing translation falls back",
            validator(max_length = 35)
        )]
        locale: Option<String>,
        #[graphql(desc = "false: only what exists in `locale`, without falling back")]
        fallback: Option<bool>,
    ) -> async_graphql::Result<SourceConnection> {
        let svc = Locale { locale, fallback }.service(ctx)?;
        let paging = paging(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let extra = lectern_service::SourceParams {
            kind: f.kind.map(|k| k.service_name()),
        };
        let mut query = f.common.query(&paging, order_by.map(Order::sort), extra);
        query.filter = crate::filters::filter(where_)?;
        SourceConnection::load(ctx, &svc, query, &paging).await
    }

    /// One asset by id or slug; null when it does not exist or the caller may not read it.
    async fn asset(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<crate::assets::Asset>> {
        one::<lectern_service::Asset>(ctx, id, slug, Locale::default()).await
    }

    /// Assets the caller may read, newest first, a page at a time.
    #[graphql(
        complexity = "2 + first.or(last).unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn assets(
        &self,
        ctx: &Context<'_>,
        filter: Option<CommonFilter>,
        content_type: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<crate::assets::AssetConnection> {
        let paging = paging(first, after, last, before)?;
        let extra = lectern_service::AssetParams { content_type };
        let query = filter.unwrap_or_default().query(&paging, None, extra);
        crate::assets::AssetConnection::load(ctx, service(ctx), query, &paging).await
    }

    /// The configured locales, the default first.
    async fn locales(&self, ctx: &Context<'_>) -> Vec<crate::types::LocaleInfo> {
        let locales = service(ctx).locales();
        locales
            .all()
            .map(|l| crate::types::LocaleInfo {
                locale: l.to_string(),
                default: locales.is_default(l),
                fallbacks: locales.fallbacks(l).iter().map(|f| f.to_string()).collect(),
            })
            .collect()
    }

    /// Any object by its global id; null when it does not exist or the caller may not read it.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let Some((ty, uuid)) = ids::decode(&id) else {
            return Err(bad_input(
                lectern_service::Code::InvalidId,
                "not a global id",
            ));
        };
        let (service, who) = (service(ctx), caller(ctx));
        let key = uuid.to_string();
        let found = match ty.kind() {
            Some(kind) => lectern_service::with_type!(kind, |T| service
                .get::<T>(&who, &key)
                .await
                .map(|v| Node::from(<T as GqlType>::Object::from(v)))),
            None => (service.public_user(&who, uuid).await).map(|u| Node::User(User::from(&u))),
        };
        match found {
            Ok(node) => Ok(Some(node)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(to_gql(e)),
        }
    }

    /// Ranked full-text search over titles, names, tags, summaries and bodies: every word
    /// must match, the last also as a prefix. Snippets are HTML-escaped with matches in
    /// `<mark>`. Anonymous callers and read tokens find published content only.
    #[graphql(complexity = "2 + first.unwrap_or(20).clamp(1, 50) as usize")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(name = "type")] kind: Option<SearchType>,
        #[graphql(validator(minimum = 1, maximum = 50))] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        let kind = kind.map(|k| lectern_domain::Kind::from(k).as_str());
        let page = service(ctx)
            .search(
                &caller(ctx),
                &query,
                kind,
                first.map(i64::from),
                after.as_deref(),
            )
            .await
            .gql()?;
        let edges: Vec<SearchEdge> = page
            .data
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let kind = lectern_domain::Kind::parse(&h.entity_type)
                    .map_err(|e| to_gql(Error::Internal(e.to_string())))?;
                Ok(SearchEdge {
                    cursor: lectern_service::search::cursor_at(page.offset + i as u64 + 1),
                    node: SearchHit {
                        id: ids::global_id(kind.into(), h.id),
                        kind: kind.into(),
                        slug: h.slug,
                        title: h.title,
                        snippet: h.snippet,
                        score: h.score,
                    },
                })
            })
            .collect::<async_graphql::Result<_>>()?;
        Ok(SearchConnection {
            page_info: PageInfo {
                has_next_page: page.next_cursor.is_some(),
                has_previous_page: page.offset > 0,
                start_cursor: edges.first().map(|e| e.cursor.clone()),
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            edges,
            query,
            kind,
        })
    }

    /// The logged-in user; null for anonymous callers and API tokens.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let who = caller(ctx);
        if who.user_id().is_none() {
            return Ok(None);
        }
        let me = service(ctx).me(&who).await.gql()?;
        Ok(Some(User {
            id: me.id,
            display_name: me.display_name,
            email: Some(me.email),
            role: Some(me.role),
        }))
    }
}
