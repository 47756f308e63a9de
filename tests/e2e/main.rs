//! Lectern's end-to-end suite: one test binary that drives the real `lectern` binary over
//! HTTP, on SQLite by default and on PostgreSQL when `LECTERN_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod assets;
mod auth;
mod cache;
mod cli;
mod contract;
mod durability;
mod editorial;
mod export;
mod filters;
mod foundation;
mod graphql;
mod graphql_live;
mod hardening;
mod instances;
mod leaks;
mod locales;
mod matrix;
mod operations;
mod outage;
mod pagination;
mod permissions;
mod plans;
mod search;
mod service_rules;
mod sources;
mod sync;
mod upgrade;
mod webhooks;
