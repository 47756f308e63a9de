//! Batch loaders: whatever the size of a page, each relation costs one round of statements.

use lectern_service::views::{ArticleView, TechnologyView};
use lectern_service::{Caller, Service};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Full technology profiles (with their related technologies) by id, for the fields a
/// technology link does not carry.
pub struct TechnologyLoader {
    pub service: Service,
    pub caller: Caller,
}

impl async_graphql::dataloader::Loader<Uuid> for TechnologyLoader {
    type Value = Arc<TechnologyView>;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let views = self
            .service
            .by_ids::<lectern_service::Technology>(&self.caller, keys)
            .await
            .map_err(|e| Arc::new(crate::error::to_gql(e)))?;
        Ok(views.into_iter().map(|v| (v.id, Arc::new(v))).collect())
    }
}

/// Full sources by id, for the fields a source link does not carry.
pub struct SourceLoader {
    pub service: Service,
    pub caller: Caller,
}

impl async_graphql::dataloader::Loader<Uuid> for SourceLoader {
    type Value = Arc<lectern_service::views::SourceView>;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let views = self
            .service
            .by_ids::<lectern_service::Source>(&self.caller, keys)
            .await
            .map_err(|e| Arc::new(crate::error::to_gql(e)))?;
        Ok(views.into_iter().map(|v| (v.id, Arc::new(v))).collect())
    }
}

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
