//! HTTP transport: the router, the JSON API under `/api/v1`, and the one place where
//! errors become responses. Handlers extract, call one `app` function, and serialize.

pub mod api;
pub mod auth;
mod avatar;
pub mod error;
pub mod extract;
mod health;
pub mod openapi;
pub mod security;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use axum::{Extension, Router};

use crate::App;
use crate::realtime::Hub;

/// JSON bodies are small; the avatar and message routes raise their own limits.
const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Every route of the server: API, avatars, health, web UI and its assets.
/// The hub travels as an extension: only the WebSocket route needs it, and every other
/// handler's state stays the `App`.
pub fn router(app: App, hub: Arc<Hub>) -> Router {
    Router::new()
        .merge(api::routes())
        .route("/api/v1/{*rest}", any(api::not_found))
        .route("/avatars/{user_id}", get(avatar::get))
        .merge(crate::web::routes())
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(security::same_origin_posts))
        // Pages, scripts and JSON for clients that accept gzip (a conversation page: 133 KiB
        // → 9 KiB, docs/benchmarks.md); images and small bodies go as they are.
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(Extension(hub))
        .with_state(app)
}
