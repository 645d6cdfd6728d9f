//! Liveness and readiness probes for orchestrators and load balancers.

use axum::extract::State;
use axum::http::StatusCode;

use crate::App;

/// The process is up.
pub async fn alive() -> &'static str {
    "ok"
}

/// The process can serve: its database answers.
pub async fn ready(State(app): State<App>) -> (StatusCode, &'static str) {
    if app.database_ready().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
