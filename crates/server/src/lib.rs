//! The OComms server: configuration, use cases, HTTP API, web UI and the admin CLI's commands.
//!
//! Layers, outermost first: `http` (JSON API) and `web` (server-rendered pages) extract a
//! request, call exactly one `app` function and render its answer; `app` checks authorization
//! and rules, calls the store and sends mail; `ocomms-store` persists. Nothing in `http` or
//! `web` decides who may do what.

pub mod app;
pub mod config;
pub mod http;
pub mod mail;
pub mod realtime;
pub mod server;
pub mod web;

pub use app::App;
pub use config::ServeConfig;
