//! Read state: `/conversations/{id}/read`, `/messages/{id}/unread`, `/workspaces/{slug}/unread`
//! and `/workspaces/{slug}/read`.

use axum::Json;
use axum::extract::State;
use ocomms_proto::conversation::{MarkRead, ReadState};
use ocomms_proto::{ConversationId, ErrorBody, MessageId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath};

/// Mark the conversation read up to `seq` (a message's position). The marker only moves
/// forward and stops at the newest position. Members only. Answers the read state.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/read", tag = "unread",
    params(("id" = i64, Path)), request_body = MarkRead,
    responses((status = 200, body = ReadState),
        (status = 403, description = "not a member of the conversation", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<Json<ReadState>, ApiError> {
    Ok(Json(app.mark_read(&actor, id, body.seq).await?))
}

/// Mark this message and everything after it unread (members only). Answers the read state
/// of its conversation.
#[utoipa::path(put, path = "/api/v1/messages/{id}/unread", tag = "unread",
    params(("id" = i64, Path)),
    responses((status = 200, body = ReadState),
        (status = 403, description = "not a member of the conversation", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn mark_unread(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<ReadState>, ApiError> {
    Ok(Json(app.mark_unread(&actor, id).await?))
}

/// Mark every conversation the caller belongs to in the workspace read ("mark all as read").
/// Answers the ones whose marker moved (anything after it: messages, or people joining), now
/// read.
#[utoipa::path(put, path = "/api/v1/workspaces/{slug}/read", tag = "unread",
    params(("slug" = String, Path)),
    responses((status = 200, body = [ReadState]), (status = 404, body = ErrorBody)))]
pub async fn mark_all_read(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<ReadState>>, ApiError> {
    Ok(Json(app.mark_all_read(&actor, &slug).await?))
}

/// The caller's read state of every conversation they belong to in the workspace (channels
/// joined, direct messages), with unread counts.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/unread", tag = "unread",
    params(("slug" = String, Path)),
    responses((status = 200, body = [ReadState]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<ReadState>>, ApiError> {
    Ok(Json(app.read_states(&actor, &slug).await?))
}
