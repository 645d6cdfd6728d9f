//! `/metrics` (docs/operations.md): HTTP requests timed by route pattern, and the server's
//! counters rendered for Prometheus on a listener of their own (`--metrics-listen`), so the
//! public port never shows them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ocomms_app::metrics::{Answered, Metrics, Route};

/// Times every request and counts it by route pattern and status.
pub async fn record(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    // Patterns, not paths: one series per route, whatever the ids. Anything unrouted is one
    // series too, so a scanner cannot grow the registry.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = match *request.method() {
        Method::GET | Method::POST | Method::PUT | Method::PATCH | Method::DELETE => {
            request.method().as_str().to_owned()
        }
        _ => "other".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .http_duration
        .get_or_create(&Route {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .http_requests
        .get_or_create(&Answered {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// Serves `GET /metrics` on `addr` until the task is aborted; the bound address.
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let router = axum::Router::new()
        .route("/metrics", get(render))
        .with_state(metrics);
    let task = tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((bound, task))
}

async fn render(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.render(),
    )
}
