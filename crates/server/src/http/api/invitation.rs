//! Invitations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_proto::workspace::{
    CreateInvitation, CreatedInvitation, Invitation, InvitationPreview, Workspace,
};
use ocomms_proto::{ErrorBody, InvitationId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath};

/// A workspace's invitations (owners and admins).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/invitations", tag = "invitations", params(("slug" = String, Path)),
    responses((status = 200, body = [Invitation]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<Invitation>>, ApiError> {
    Ok(Json(app.invitations(&actor, &slug).await?))
}

/// Invite by email (one use, emailed) or create a shareable link.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/invitations", tag = "invitations", params(("slug" = String, Path)),
    request_body = CreateInvitation,
    responses((status = 201, body = CreatedInvitation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateInvitation>,
) -> Result<(StatusCode, Json<CreatedInvitation>), ApiError> {
    let created = app.create_invitation(&actor, &slug, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke an invitation.
#[utoipa::path(delete, path = "/api/v1/workspaces/{slug}/invitations/{id}", tag = "invitations",
    params(("slug" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, id)): ApiPath<(String, InvitationId)>,
) -> Result<StatusCode, ApiError> {
    app.revoke_invitation(&actor, &slug, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invitation link leads to (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/invitations/{token}", security(()), tag = "invitations", params(("token" = String, Path)),
    responses((status = 200, body = InvitationPreview), (status = 404, body = ErrorBody),
        (status = 410, description = "invitation_invalid", body = ErrorBody)))]
pub async fn preview(
    State(app): State<App>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<InvitationPreview>, ApiError> {
    Ok(Json(app.preview_invitation(&token, None).await?.preview))
}

/// Accept an invitation as the signed-in user.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/acceptance", tag = "invitations", params(("token" = String, Path)),
    responses((status = 200, body = Workspace), (status = 410, description = "invitation_invalid", body = ErrorBody),
        (status = 403, description = "invitation_email_mismatch", body = ErrorBody)))]
pub async fn accept(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Workspace>, ApiError> {
    Ok(Json(app.accept_invitation(&actor, &token).await?))
}
