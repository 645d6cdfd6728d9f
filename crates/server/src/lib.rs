//! The OComms server's transports: configuration, the JSON API (`http`), the web UI
//! (`web`), the WebSocket gateway and cross-node fan-out (`realtime`), and the binary.
//!
//! Layers, outermost first: `http`, `web` and `realtime` extract a request or frame, call
//! `ocomms-app` and render its answer; `ocomms-app` checks authorization and rules, calls
//! the store and sends mail; `ocomms-store` persists. This crate does not depend on the
//! store: nothing here reads the database or decides who may do what.

pub mod config;
pub mod http;
pub mod realtime;
pub mod server;
pub mod tls;
pub mod web;

pub use config::ServeConfig;
pub use ocomms_app::App;
