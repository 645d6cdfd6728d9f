//! Reactions: `/messages/{id}/reactions/{emoji}`, one sub-resource per emoji of the caller.

use axum::Json;
use axum::extract::State;
use ocomms_proto::message::Reactions;
use ocomms_proto::{ErrorBody, MessageId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::ApiPath;

/// React to a message with a Unicode emoji (`👍`, URL-encoded) or its shortcode
/// (`thumbsup`). Reacting twice changes nothing. Answers the message's reactions.
#[utoipa::path(put, path = "/api/v1/messages/{id}/reactions/{emoji}", tag = "reactions",
    params(("id" = i64, Path),
        ("emoji" = String, Path, max_length = 64, description = "a Unicode emoji or its shortcode")),
    responses((status = 200, body = Reactions),
        (status = 403, description = "forbidden: not a member", body = ErrorBody),
        (status = 409, description = "conversation_archived", body = ErrorBody),
        (status = 422, description = "not an emoji, or too many different reactions", body = ErrorBody)))]
pub async fn add(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((id, emoji)): ApiPath<(MessageId, String)>,
) -> Result<Json<Reactions>, ApiError> {
    Ok(Json(app.add_reaction(&actor, id, &emoji).await?))
}

/// Take your reaction back (nothing happens if you had none). Answers the message's
/// reactions.
#[utoipa::path(delete, path = "/api/v1/messages/{id}/reactions/{emoji}", tag = "reactions",
    params(("id" = i64, Path),
        ("emoji" = String, Path, max_length = 64, description = "a Unicode emoji or its shortcode")),
    responses((status = 200, body = Reactions),
        (status = 403, description = "forbidden: not a member", body = ErrorBody),
        (status = 409, description = "conversation_archived", body = ErrorBody),
        (status = 422, description = "not an emoji", body = ErrorBody)))]
pub async fn remove(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((id, emoji)): ApiPath<(MessageId, String)>,
) -> Result<Json<Reactions>, ApiError> {
    Ok(Json(app.remove_reaction(&actor, id, &emoji).await?))
}
