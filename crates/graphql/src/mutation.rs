//! `Mutation`: logging in and writing content. Each resolver is one service call, so the
//! permission checks and validation messages are REST's own. Errors (validation included)
//! come back as GraphQL errors with `extensions.code`; a validation error also lists its
//! fields in `extensions.fields`.

use crate::context::{caller, service, viewer};
use crate::error::Gql;
use crate::ids::{global_id, key_for, NodeType};
use crate::inputs::*;
use crate::scalars::Timestamp;
use crate::sources::Source;
use crate::types::*;
use async_graphql::{Context, MergedObject, Object, ID};
use lectern_service::{ContentType, StatusAction};

#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Logs in; wrong email and wrong password give the same error.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        #[graphql(secret)] password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let client = viewer(ctx).client;
        let pair = service(ctx).login(&email, &password, &client).await.gql()?;
        Ok(pair.into())
    }

    /// Trades a refresh token for a new pair; the old refresh token stops working.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        Ok(service(ctx).refresh(&refresh_token).await.gql()?.into())
    }

    /// Ends the session the refresh token belongs to.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] refresh_token: String,
    ) -> async_graphql::Result<bool> {
        service(ctx).logout(&refresh_token).await.gql()?;
        Ok(true)
    }
}

/// The seven mutations of a content type, named as its GraphQL fields.
macro_rules! content_mutations {
    ($name:ident, $ty:ty, $obj:ty, $a:literal, $create_in:ty, $update_in:ty,
     [$create:ident, $update:ident, $delete:ident, $publish:ident, $unpublish:ident,
      $archive:ident, $restore:ident]) => {
        #[derive(Default)]
        pub struct $name;

        #[Object]
        impl $name {
            #[doc = concat!("Creates ", $a, ".")]
            async fn $create(
                &self,
                ctx: &Context<'_>,
                input: $create_in,
            ) -> async_graphql::Result<$obj> {
                create::<$ty>(ctx, input.try_into()?).await
            }

            #[doc = concat!("Changes ", $a, "; `expectedVersion` is the version the change is based on.")]
            async fn $update(
                &self,
                ctx: &Context<'_>,
                id: ID,
                input: $update_in,
                expected_version: i64,
                #[graphql(desc = "the translation to change or create (a configured locale); default: the entry", validator(max_length = 35))]
                locale: Option<String>,
            ) -> async_graphql::Result<$obj> {
                let svc = in_locale(ctx, locale.as_deref())?;
                update::<$ty>(ctx, &svc, id, input.try_into()?, expected_version).await
            }

            #[doc = concat!("Deletes ", $a, "; returns its id (a conflict while anything cites it).")]
            async fn $delete(
                &self,
                ctx: &Context<'_>,
                id: ID,
                expected_version: i64,
                #[graphql(desc = "the translation to act on (a configured locale); default: the entry", validator(max_length = 35))]
                locale: Option<String>,
            ) -> async_graphql::Result<ID> {
                delete::<$ty>(ctx, &in_locale(ctx, locale.as_deref())?, id, expected_version).await
            }

            /// Publishes now, or at `publishAt` when that is in the future.
            async fn $publish(
                &self,
                ctx: &Context<'_>,
                id: ID,
                expected_version: i64,
                publish_at: Option<Timestamp>,
                #[graphql(desc = "the translation to act on (a configured locale); default: the entry", validator(max_length = 35))]
                locale: Option<String>,
            ) -> async_graphql::Result<$obj> {
                publish::<$ty>(ctx, &in_locale(ctx, locale.as_deref())?, id, expected_version, publish_at).await
            }

            #[doc = concat!("Takes ", $a, " back to draft.")]
            async fn $unpublish(
                &self,
                ctx: &Context<'_>,
                id: ID,
                expected_version: i64,
                #[graphql(desc = "the translation to act on (a configured locale); default: the entry", validator(max_length = 35))]
                locale: Option<String>,
            ) -> async_graphql::Result<$obj> {
                status::<$ty>(ctx, &in_locale(ctx, locale.as_deref())?, id, StatusAction::Unpublish, expected_version).await
            }

            #[doc = concat!("Archives ", $a, ": it leaves public lists but keeps its history.")]
            async fn $archive(
                &self,
                ctx: &Context<'_>,
                id: ID,
                expected_version: i64,
                #[graphql(desc = "the translation to act on (a configured locale); default: the entry", validator(max_length = 35))]
                locale: Option<String>,
            ) -> async_graphql::Result<$obj> {
                status::<$ty>(ctx, &in_locale(ctx, locale.as_deref())?, id, StatusAction::Archive, expected_version).await
            }

            /// Makes an earlier version the current content, as a new version.
            async fn $restore(
                &self,
                ctx: &Context<'_>,
                id: ID,
                version: i64,
                expected_version: i64,
                #[graphql(desc = "the translation to act on (a configured locale); default: the entry", validator(max_length = 35))]
                locale: Option<String>,
            ) -> async_graphql::Result<$obj> {
                restore::<$ty>(ctx, &in_locale(ctx, locale.as_deref())?, id, version, expected_version).await
            }
        }
    };
}

content_mutations! {
    ArticleMutation, lectern_service::Article, Article, "an article", CreateArticleInput,
    UpdateArticleInput,
    [create_article, update_article, delete_article, publish_article, unpublish_article, archive_article, restore_article_revision]
}
content_mutations! {
    TechnologyMutation, lectern_service::Technology, Technology, "a technology profile",
    CreateTechnologyInput, UpdateTechnologyInput,
    [create_technology, update_technology, delete_technology, publish_technology, unpublish_technology, archive_technology, restore_technology_revision]
}
content_mutations! {
    SourceMutation, lectern_service::Source, Source, "a source", CreateSourceInput,
    UpdateSourceInput,
    [create_source, update_source, delete_source, publish_source, unpublish_source, archive_source, restore_source_revision]
}

/// Every mutation: logging in, then each content type's.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    ArticleMutation,
    TechnologyMutation,
    SourceMutation,
    crate::assets::AssetMutation,
);

/// What GraphQL adds to a content type: its node type and its object.
pub trait GqlType: ContentType {
    const NODE: NodeType;
    type Object: From<Self::View>;
}

impl GqlType for lectern_service::Article {
    const NODE: NodeType = NodeType::Article;
    type Object = Article;
}

impl GqlType for lectern_service::Technology {
    const NODE: NodeType = NodeType::Technology;
    type Object = Technology;
}

impl GqlType for lectern_service::Asset {
    const NODE: NodeType = NodeType::Asset;
    type Object = crate::assets::Asset;
}

impl GqlType for lectern_service::Source {
    const NODE: NodeType = NodeType::Source;
    type Object = Source;
}

async fn create<T: GqlType>(
    ctx: &Context<'_>,
    input: T::Input,
) -> async_graphql::Result<T::Object> {
    let view = service(ctx).create::<T>(&caller(ctx), input).await.gql()?;
    Ok(view.into())
}

/// The service in the locale a mutation names (none: the entry's, the default).
pub(crate) fn in_locale(
    ctx: &Context<'_>,
    locale: Option<&str>,
) -> async_graphql::Result<lectern_service::Service> {
    service(ctx).in_locale(locale, None, false).gql()
}

pub(crate) async fn update<T: GqlType>(
    ctx: &Context<'_>,
    svc: &lectern_service::Service,
    id: ID,
    input: T::Input,
    expected: i64,
) -> async_graphql::Result<T::Object> {
    let key = key_for(T::NODE, &id)?;
    let caller = caller(ctx);
    let default = svc.locales().is_default(svc.current_locale());
    let view = match default {
        true => svc.update::<T>(&caller, &key, input, Some(expected)).await,
        // A translation is created by its first change.
        false => {
            let locale = svc.current_locale().as_str();
            (svc.put_translation::<T>(&caller, &key, locale, input, Some(expected))
                .await)
                .map(|(view, _)| view)
        }
    };
    Ok(view.gql()?.into())
}

pub(crate) async fn delete<T: GqlType>(
    ctx: &Context<'_>,
    svc: &lectern_service::Service,
    id: ID,
    expected: i64,
) -> async_graphql::Result<ID> {
    let key = key_for(T::NODE, &id)?;
    svc.delete::<T>(&caller(ctx), &key, Some(expected))
        .await
        .gql()?;
    Ok(global_id(T::NODE, key.parse().unwrap_or_default()))
}

pub(crate) async fn publish<T: GqlType>(
    ctx: &Context<'_>,
    svc: &lectern_service::Service,
    id: ID,
    expected: i64,
    at: Option<Timestamp>,
) -> async_graphql::Result<T::Object> {
    let key = key_for(T::NODE, &id)?;
    let view = svc
        .publish::<T>(&caller(ctx), &key, at.map(|t| t.0), Some(expected))
        .await
        .gql()?;
    Ok(view.into())
}

async fn status<T: GqlType>(
    ctx: &Context<'_>,
    svc: &lectern_service::Service,
    id: ID,
    action: StatusAction,
    expected: i64,
) -> async_graphql::Result<T::Object> {
    let key = key_for(T::NODE, &id)?;
    let view = svc
        .set_status::<T>(&caller(ctx), &key, action, Some(expected))
        .await
        .gql()?;
    Ok(view.into())
}

async fn restore<T: GqlType>(
    ctx: &Context<'_>,
    svc: &lectern_service::Service,
    id: ID,
    version: i64,
    expected: i64,
) -> async_graphql::Result<T::Object> {
    let key = key_for(T::NODE, &id)?;
    let view = svc
        .restore::<T>(&caller(ctx), &key, version, Some(expected))
        .await
        .gql()?;
    Ok(view.into())
}
