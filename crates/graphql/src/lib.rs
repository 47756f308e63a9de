//! The GraphQL adapter: a second face on the same service functions as REST, so every
//! permission check and validation message is the same in both.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod assets;
mod context;
mod error;
mod filters;
mod graphiql;
mod http;
mod ids;
mod inputs;
mod limits;
mod lists;
mod loaders;
mod mutation;
pub mod persisted;
mod query;
mod scalars;
mod sockets;
mod sources;
mod subscription;
mod types;

pub use http::{configure, GraphqlState};
pub use mutation::Mutation;
pub use query::Query;
pub use subscription::Subscription;

use async_graphql::Schema;
use lectern_service::client::TrustedProxies;
use lectern_service::Service;

pub type LecternSchema = Schema<Query, Mutation, Subscription>;

/// Limits and switches of the GraphQL endpoint.
#[derive(Debug, Clone)]
pub struct GraphqlConfig {
    /// Schema introspection (and field suggestions in error messages, which leak the schema
    /// just the same).
    pub introspection: bool,
    /// Serve GraphiQL to browsers at `GET /graphql`.
    pub graphiql: bool,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    /// Fields in one document, counted with its fragments expanded.
    pub max_selections: usize,
    pub max_directives: usize,
    /// Subscriptions one WebSocket may hold at once.
    pub ws_max_subscriptions: usize,
    /// WebSockets one client address may hold open.
    pub ws_max_connections: usize,
    /// Operations in one batched request.
    pub max_batch: usize,
    /// Bytes in one request body.
    pub max_bytes: usize,
    /// Only these queries run when set (`LECTERN_GRAPHQL_ALLOWLIST`).
    pub allow_list: Option<persisted::AllowList>,
    /// Automatic persisted queries remembered per process.
    pub apq_entries: usize,
    pub trusted_proxies: TrustedProxies,
    /// `max-age` of anonymous query answers fetched with GET.
    pub cache_max_age: u32,
}

impl Default for GraphqlConfig {
    fn default() -> Self {
        Self {
            introspection: true,
            graphiql: true,
            max_depth: 10,
            max_complexity: 10_000,
            max_aliases: 30,
            max_selections: 2000,
            max_directives: 5,
            ws_max_subscriptions: 20,
            ws_max_connections: 20,
            max_batch: 10,
            max_bytes: 100 * 1024,
            allow_list: None,
            apq_entries: 1000,
            trusted_proxies: TrustedProxies::default(),
            cache_max_age: 60,
        }
    }
}

fn builder(config: &GraphqlConfig) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    // Depth is checked by `limits::ShapeLimit`, which tells introspection apart.
    let builder = Schema::build(Query, Mutation::default(), Subscription)
        .limit_complexity(config.max_complexity)
        .limit_directives(config.max_directives)
        .limit_recursive_depth(64)
        .extension(limits::ShapeLimit {
            max_selections: config.max_selections as u64,
            max_aliases: config.max_aliases as u64,
            max_depth: config.max_depth as u64,
        });
    if config.introspection {
        builder
    } else {
        builder.disable_introspection().disable_suggestions()
    }
}

/// The schema, wired to the service.
pub fn schema(service: Service, config: &GraphqlConfig) -> LecternSchema {
    builder(config).data(service).finish()
}

/// The shared state of the GraphQL routes.
pub fn state(service: Service, config: GraphqlConfig) -> GraphqlState {
    GraphqlState {
        schema: schema(service.clone(), &config),
        sockets: sockets::Sockets::new(config.ws_max_connections),
        persisted: persisted::Persisted::new(config.allow_list.clone(), config.apq_entries),
        service,
        config,
    }
}

/// The schema in SDL, as checked in at `schema/schema.graphql`.
pub fn sdl() -> String {
    builder(&GraphqlConfig::default()).finish().sdl()
}

/// Request data for running the schema in-process as `caller` (tests, tools).
pub fn data_for(service: &Service, caller: lectern_service::Caller) -> async_graphql::Data {
    context::request_data(
        service,
        context::Viewer {
            caller,
            token: None,
            client: "in-process".into(),
        },
    )
}

#[cfg(test)]
mod tests {
    /// The checked-in contract is what the code serves; regenerate it with
    /// `lectern schema graphql > schema/schema.graphql`.
    #[test]
    fn checked_in_sdl_matches_the_code() {
        let checked_in = include_str!("../../../schema/schema.graphql");
        assert!(
            checked_in == super::sdl(),
            "schema/schema.graphql is out of date: run `cargo run -- schema graphql > schema/schema.graphql`"
        );
    }
}
