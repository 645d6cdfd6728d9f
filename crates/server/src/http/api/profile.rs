//! Profiles and avatars.

use axum::Json;
use axum::extract::State;
use ocomms_proto::account::{Profile, ProfileUpdate};
use ocomms_proto::{ErrorBody, UserId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiBytes, ApiJson, ApiPath};

/// The caller's profile.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profiles", responses((status = 200, body = Profile)))]
pub async fn mine(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(app.profile(&actor, actor.user.id).await?))
}

/// Update the caller's profile; absent fields are unchanged.
#[utoipa::path(patch, path = "/api/v1/me/profile", tag = "profiles", request_body = ProfileUpdate,
    responses((status = 200, body = Profile),
        (status = 409, description = "`conflict`: someone else has this handle (`details.field` is `handle`)", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ProfileUpdate>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(app.update_profile(&actor, body).await?))
}

/// Upload an avatar: the request body is the image (PNG, JPEG, WebP or GIF, ≤ 5 MiB).
/// It is cropped to a square and stored as a 256×256 PNG.
#[utoipa::path(put, path = "/api/v1/me/avatar", tag = "profiles",
    request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 200, body = Profile), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn upload_avatar(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiBytes(body): ApiBytes,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(app.set_avatar(&actor, body.to_vec()).await?))
}

/// Go back to the generated avatar.
#[utoipa::path(delete, path = "/api/v1/me/avatar", tag = "profiles", responses((status = 200, body = Profile)))]
pub async fn remove_avatar(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(app.clear_avatar(&actor).await?))
}

/// Someone's profile; 404 unless the caller shares a workspace with them.
#[utoipa::path(get, path = "/api/v1/users/{id}/profile", tag = "profiles", params(("id" = i64, Path)),
    responses((status = 200, body = Profile), (status = 404, body = ErrorBody)))]
pub async fn of_user(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(app.profile(&actor, id).await?))
}
