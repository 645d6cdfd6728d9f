//! HTTP transport: the router, the JSON API under `/api/v1`, and the one place where
//! errors become responses. Handlers extract, call one `app` function, and serialize.

pub mod api;
pub mod auth;
mod avatar;
pub mod error;
pub mod extract;
mod health;
pub mod metrics;
pub mod openapi;
pub mod security;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use axum::{Extension, Router};

use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::App;
use crate::realtime::Hub;

/// JSON bodies are small; the avatar and message routes raise their own limits.
const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Every route of the server: API, avatars, health, web UI and its assets.
/// The hub travels as an extension: only the WebSocket route needs it, and every other
/// handler's state stays the `App`.
pub fn router(app: App, hub: Arc<Hub>) -> Router {
    let metrics = app.metrics().clone();
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
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::record,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        // A request id from the proxy (`X-Request-Id`) or a new one, in the logs of the
        // request and in its response, so a report can be matched with its log lines.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(Extension(hub))
        .with_state(app)
}

/// The span of one request's log lines: method, path and request id.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}
