//! Batch loaders: whatever the size of a page, each relation costs one round of statements.

use lectern_service::views::ArticleView;
use lectern_service::{Caller, Service};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Full views of one content type by id, for the fields a link does not carry (a
/// technology's profile, a source's authors), batched across the whole request.
pub struct ViewLoader<T> {
    pub service: Service,
    pub caller: Caller,
    pub kind: std::marker::PhantomData<T>,
}

impl<T> ViewLoader<T> {
    pub fn new(service: &Service, caller: Caller) -> Self {
        Self {
            service: service.clone(),
            caller,
            kind: std::marker::PhantomData,
        }
    }
}

/// The loader of each content type that GraphQL links to (the loader trait wants a future it
/// can prove `Send`, which only a concrete type gives).
macro_rules! view_loader {
    ($($content:ty),+) => {$(
        impl async_graphql::dataloader::Loader<Uuid> for ViewLoader<$content> {
            type Value = Arc<<$content as lectern_service::ContentType>::View>;
            type Error = Arc<async_graphql::Error>;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
                use lectern_service::content::ViewMeta;
                let views = self
                    .service
                    .by_ids::<$content>(&self.caller, keys)
                    .await
                    .map_err(|e| Arc::new(crate::error::to_gql(e)))?;
                Ok(views.into_iter().map(|v| (v.id(), Arc::new(v))).collect())
            }
        }
    )+};
}

view_loader!(lectern_service::Technology, lectern_service::Source);

pub type TechnologyLoader = ViewLoader<lectern_service::Technology>;
pub type SourceLoader = ViewLoader<lectern_service::Source>;

/// The articles covering a technology, newest first: key (technology, how many).
pub struct CoveringLoader {
    pub service: Service,
    pub caller: Caller,
}

impl async_graphql::dataloader::Loader<(Uuid, u64)> for CoveringLoader {
    type Value = Arc<Vec<ArticleView>>;
    type Error = Arc<async_graphql::Error>;

    async fn load(
        &self,
        keys: &[(Uuid, u64)],
    ) -> Result<HashMap<(Uuid, u64), Self::Value>, Self::Error> {
        let mut out = HashMap::with_capacity(keys.len());
        // One batch per distinct page size; a query nearly always asks for one.
        let mut sizes: Vec<u64> = keys.iter().map(|(_, n)| *n).collect();
        sizes.sort_unstable();
        sizes.dedup();
        for per in sizes {
            let techs: Vec<Uuid> = keys
                .iter()
                .filter(|(_, n)| *n == per)
                .map(|(t, _)| *t)
                .collect();
            let mut found = self
                .service
                .articles_covering(&self.caller, &techs, per)
                .await
                .map_err(|e| Arc::new(crate::error::to_gql(e)))?;
            for tech in techs {
                let list = found.remove(&tech).unwrap_or_default();
                out.insert((tech, per), Arc::new(list));
            }
        }
        Ok(out)
    }
}
