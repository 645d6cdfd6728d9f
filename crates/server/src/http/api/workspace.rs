//! Workspaces.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_proto::ErrorBody;
use ocomms_proto::workspace::{CreateWorkspace, Workspace};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath};

/// The caller's workspaces.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces", responses((status = 200, body = [Workspace])))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<Workspace>>, ApiError> {
    Ok(Json(app.workspaces(&actor).await?))
}

/// Create a workspace; the caller becomes its owner. The slug is derived from the name.
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = CreateWorkspace,
    responses((status = 201, body = Workspace), (status = 422, body = ErrorBody),
        (status = 403, description = "email_not_verified", body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateWorkspace>,
) -> Result<(StatusCode, Json<Workspace>), ApiError> {
    let created = app.create_workspace(&actor, &body.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One workspace; 404 for non-members.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}", tag = "workspaces", params(("slug" = String, Path)),
    responses((status = 200, body = Workspace), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Workspace>, ApiError> {
    Ok(Json(app.workspace(&actor, &slug).await?))
}

/// Members who are online or away right now (everyone else is offline).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/presence", tag = "workspaces", params(("slug" = String, Path)),
    responses((status = 200, body = [ocomms_proto::realtime::PresenceEntry]), (status = 404, body = ErrorBody)))]
pub async fn presence(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<ocomms_proto::realtime::PresenceEntry>>, ApiError> {
    Ok(Json(app.presence(&actor, &slug).await?))
}
