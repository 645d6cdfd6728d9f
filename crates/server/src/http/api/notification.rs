//! Notifications (docs/adr/0017): `/conversations/{id}/notifications`,
//! `/workspaces/{slug}/notifications`, `/me/do-not-disturb`, `/me/email-notifications` and
//! `/workspaces/{slug}/activity`.
//! The live side is the `notify` frame (docs/protocol.md).

use axum::Json;
use axum::extract::State;
use ocomms_proto::notification::{
    ActivityPage, ActivityQuery, ConversationNotifications, DoNotDisturb, EmailNotifications,
    SetConversationNotifications, SetDoNotDisturb, SetEmailNotifications, WorkspaceNotifications,
};
use ocomms_proto::{ConversationId, ErrorBody};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};

/// The caller's notification level in a conversation they are a member of.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/notifications", tag = "notifications",
    params(("id" = i64, Path)),
    responses((status = 200, body = ConversationNotifications),
        (status = 403, description = "not a member of the conversation", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn conversation(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationNotifications>, ApiError> {
    Ok(Json(app.conversation_notifications(&actor, id).await?))
}

/// Set the caller's level in a conversation: `all`, `mentions`, `nothing` (muted), or `null`
/// for their workspace default.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/notifications", tag = "notifications",
    params(("id" = i64, Path)), request_body = SetConversationNotifications,
    responses((status = 200, body = ConversationNotifications),
        (status = 403, description = "not a member of the conversation", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn set_conversation(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<SetConversationNotifications>,
) -> Result<Json<ConversationNotifications>, ApiError> {
    Ok(Json(
        app.set_conversation_notifications(&actor, id, body.level)
            .await?,
    ))
}

/// The caller's default level for the workspace's conversations.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/notifications", tag = "notifications",
    params(("slug" = String, Path)),
    responses((status = 200, body = WorkspaceNotifications), (status = 404, body = ErrorBody)))]
pub async fn workspace(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<WorkspaceNotifications>, ApiError> {
    Ok(Json(app.workspace_notifications(&actor, &slug).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/notifications", tag = "notifications",
    params(("slug" = String, Path)), request_body = WorkspaceNotifications,
    responses((status = 200, body = WorkspaceNotifications), (status = 404, body = ErrorBody)))]
pub async fn set_workspace(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<WorkspaceNotifications>,
) -> Result<Json<WorkspaceNotifications>, ApiError> {
    Ok(Json(
        app.set_workspace_notifications(&actor, &slug, body).await?,
    ))
}

/// The caller's quiet hours and snooze.
#[utoipa::path(get, path = "/api/v1/me/do-not-disturb", tag = "notifications",
    responses((status = 200, body = DoNotDisturb)))]
pub async fn do_not_disturb(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<DoNotDisturb>, ApiError> {
    Ok(Json(app.do_not_disturb(&actor).await?))
}

/// Replace the caller's quiet hours; snooze for `snooze_minutes` (0 ends a snooze).
#[utoipa::path(put, path = "/api/v1/me/do-not-disturb", tag = "notifications",
    request_body = SetDoNotDisturb,
    responses((status = 200, body = DoNotDisturb), (status = 422, body = ErrorBody)))]
pub async fn set_do_not_disturb(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SetDoNotDisturb>,
) -> Result<Json<DoNotDisturb>, ApiError> {
    Ok(Json(app.set_do_not_disturb(&actor, body).await?))
}

/// The caller's Activity, newest first: messages that mention them, `@channel` messages of
/// their conversations, and replies in threads they follow (30 a page).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/activity", tag = "notifications",
    params(("slug" = String, Path), ActivityQuery),
    responses((status = 200, body = ActivityPage), (status = 404, body = ErrorBody)))]
pub async fn activity(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    Ok(Json(app.activity(&actor, &slug, query.before).await?))
}

/// How often the caller is emailed about mentions and direct messages they missed (docs/adr/0019),
/// and whether this server sends email at all.
#[utoipa::path(get, path = "/api/v1/me/email-notifications", tag = "notifications",
    responses((status = 200, body = EmailNotifications)))]
pub async fn email_notifications(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<EmailNotifications>, ApiError> {
    Ok(Json(app.email_notifications(&actor).await?))
}

/// Choose `every_15_minutes`, `hourly` or `never` (kept even while the server has no SMTP).
#[utoipa::path(put, path = "/api/v1/me/email-notifications", tag = "notifications",
    request_body = SetEmailNotifications,
    responses((status = 200, body = EmailNotifications)))]
pub async fn set_email_notifications(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SetEmailNotifications>,
) -> Result<Json<EmailNotifications>, ApiError> {
    Ok(Json(app.set_email_notifications(&actor, body).await?))
}
