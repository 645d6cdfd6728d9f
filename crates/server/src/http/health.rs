//! Liveness and readiness probes for orchestrators and load balancers. They are registered
//! with the API's documented routes (`http/api.rs`), so they appear in the OpenAPI document
//! and a failing probe answers the same `{code, message, details}` body as any API error.

use axum::extract::State;

use crate::App;
use crate::http::error::ApiError;

/// The process is up (it may not be able to serve: see `/readyz`).
#[utoipa::path(get, path = "/healthz", tag = "meta", security(()),
    responses((status = 200, description = "the process is running", body = String, content_type = "text/plain")))]
pub async fn alive() -> &'static str {
    "ok"
}

/// The process can serve: its database answers a query now. Load balancers, the Docker
/// `HEALTHCHECK` and compose's `depends_on` point here, so a node that lost its database
/// is taken out of rotation instead of answering 500s.
#[utoipa::path(get, path = "/readyz", tag = "meta", security(()),
    responses(
        (status = 200, description = "the database answers", body = String, content_type = "text/plain"),
        (status = 503, description = "unavailable: the database does not answer", body = ocomms_proto::ErrorBody),
    ))]
pub async fn ready(State(app): State<App>) -> Result<&'static str, ApiError> {
    app.check_database().await?;
    Ok("ready")
}
