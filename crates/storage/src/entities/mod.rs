//! One sea-orm entity per table. Relations are loaded by explicit batch queries in
//! `crate::queries`, never lazily, so no list can turn into one query per row.

pub mod api_tokens;
pub mod article_sources;
pub mod article_tags;
pub mod article_technologies;
pub mod articles;
pub mod change_feed;
pub mod idempotency_keys;
pub mod login_throttle;
pub mod refresh_tokens;
pub mod revisions;
pub mod settings;
pub mod slug_history;
pub mod sources;
pub mod technologies;
pub mod technology_relations;
pub mod technology_sources;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;
