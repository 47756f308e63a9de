//! The `lectern` binary's library: configuration, wiring, commands.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod demo;
pub mod export;
mod export_assets;
pub mod metrics;
pub mod seed;

/// Errors on start-up paths, where a message is all anyone needs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type BoxResult<T> = Result<T, BoxError>;
