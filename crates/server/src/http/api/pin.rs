//! Pins: `/messages/{id}/pin` and `/conversations/{id}/pins`.

use axum::Json;
use axum::extract::State;
use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, ErrorBody, MessageId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::ApiPath;

/// Pin a message to its conversation (members; only managers where the channel keeps pins
/// to them). Pinning twice changes nothing. Answers the message.
#[utoipa::path(put, path = "/api/v1/messages/{id}/pin", tag = "pins", params(("id" = i64, Path)),
    responses((status = 200, body = Message),
        (status = 403, description = "forbidden: not a member, or pins are kept to managers", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "conversation_archived, or 100 messages pinned already", body = ErrorBody)))]
pub async fn pin(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    Ok(Json(app.set_pinned(&actor, id, true).await?))
}

/// Unpin a message (nothing happens if it was not pinned). Answers the message.
#[utoipa::path(delete, path = "/api/v1/messages/{id}/pin", tag = "pins", params(("id" = i64, Path)),
    responses((status = 200, body = Message),
        (status = 403, description = "forbidden: not a member, or pins are kept to managers", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "conversation_archived", body = ErrorBody)))]
pub async fn unpin(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<Message>, ApiError> {
    Ok(Json(app.set_pinned(&actor, id, false).await?))
}

/// The conversation's pinned messages, the latest pinned first (at most 100).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/pins", tag = "pins", params(("id" = i64, Path)),
    responses((status = 200, body = [Message]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<Message>>, ApiError> {
    Ok(Json(app.pinned(&actor, id).await?))
}
