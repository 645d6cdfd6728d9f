//! Messages: `/conversations/{id}/messages` and `/messages/{id}`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_proto::message::{EditMessage, HistoryQuery, Message, MessagePage, PostMessage};
use ocomms_proto::{ConversationId, ErrorBody, MessageId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};

/// The request body limit of these routes (the default is far too small for a long message).
pub const BODY_LIMIT: usize = ocomms_proto::message::MAX_REQUEST_BYTES;

/// Post a message. Answered once it is committed; 201 when new, 200 when `client_id` was
/// already used by this author (the first message is returned, nothing is posted twice).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = i64, Path)), request_body = PostMessage,
    responses((status = 201, body = Message), (status = 200, description = "a retry", body = Message),
        (status = 422, description = "empty or too long; thread_root_id missing, out of reach, deleted, a reply, or in another conversation; also_in_channel without thread_root_id", body = ErrorBody),
        (status = 404, description = "conversation not found", body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "conversation_archived", body = ErrorBody)))]
pub async fn post(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<PostMessage>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let (message, created) = app.post_message(&actor, id, body).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(message)))
}

/// A page of history, oldest first (`before`, `after` or `around` a position).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = i64, Path), HistoryQuery),
    responses((status = 200, body = MessagePage), (status = 404, body = ErrorBody),
        (status = 422, description = "validation_failed: more than one of before, after, around", body = ErrorBody)))]
pub async fn history(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    Ok(Json(app.history(&actor, id, &query).await?))
}

/// One message (a tombstone if deleted), with its reactions and thread summary.
#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "messages", params(("id" = i64, Path)),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    Ok(Json(app.message(&actor, id).await?))
}

/// Edit your message.
#[utoipa::path(patch, path = "/api/v1/messages/{id}", tag = "messages", params(("id" = i64, Path)),
    request_body = EditMessage,
    responses((status = 200, body = Message), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "conversation_archived", body = ErrorBody),
        (status = 422, description = "validation_failed: an empty body, or more than 40,000 characters", body = ErrorBody)))]
pub async fn edit(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
    ApiJson(body): ApiJson<EditMessage>,
) -> Result<Json<Message>, ApiError> {
    Ok(Json(app.edit_message(&actor, id, body).await?))
}

/// Delete a message (its author, or a channel manager); a tombstone stays in history.
#[utoipa::path(delete, path = "/api/v1/messages/{id}", tag = "messages", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<StatusCode, ApiError> {
    app.delete_message(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
