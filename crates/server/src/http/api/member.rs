//! Workspace members.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_proto::workspace::{Member, MemberUpdate};
use ocomms_proto::{ErrorBody, UserId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath};

/// Everyone in the workspace.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/members", tag = "members", params(("slug" = String, Path)),
    responses((status = 200, body = [Member]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<Member>>, ApiError> {
    Ok(Json(app.members(&actor, &slug).await?))
}

/// Change a member's role (owners and admins; only owners touch the owner role).
#[utoipa::path(patch, path = "/api/v1/workspaces/{slug}/members/{user_id}", tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path)), request_body = MemberUpdate,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, user)): ApiPath<(String, UserId)>,
    ApiJson(body): ApiJson<MemberUpdate>,
) -> Result<StatusCode, ApiError> {
    app.change_role(&actor, &slug, user, body.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a member, or leave when `user_id` is the caller. The last owner cannot go.
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/members/{user_id}", tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 403, description = "forbidden or last_owner", body = ErrorBody)))]
pub async fn remove(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, user)): ApiPath<(String, UserId)>,
) -> Result<StatusCode, ApiError> {
    app.remove_member(&actor, &slug, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
