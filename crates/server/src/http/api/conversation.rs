//! Channels, direct messages and their members: `/workspaces/{slug}/channels`,
//! `/workspaces/{slug}/dms` and `/conversations/{id}`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_proto::conversation::{
    ChannelQuery, Conversation, ConversationMember, ConversationUpdate, CreateChannel,
    MembershipChange, OpenDirect,
};
use ocomms_proto::event::Event;
use ocomms_proto::{ConversationId, ErrorBody, UserId};
use serde::Deserialize;

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiBytes, ApiJson, ApiPath, ApiQuery, json_object};

/// Channels the caller may see: their own and every public one (guests: their own only).
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/channels", tag = "channels",
    params(("slug" = String, Path), ChannelQuery),
    responses((status = 200, body = [Conversation]), (status = 404, body = ErrorBody)))]
pub async fn channels(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<ChannelQuery>,
) -> Result<Json<Vec<Conversation>>, ApiError> {
    Ok(Json(app.channels(&actor, &slug, &query).await?))
}

/// Create a channel; the caller becomes its manager. Guests cannot create channels.
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/channels", tag = "channels",
    params(("slug" = String, Path)), request_body = CreateChannel,
    responses((status = 201, body = Conversation), (status = 422, description = "invalid or taken name, or a member to add who is not in the workspace", body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create_channel(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateChannel>,
) -> Result<(StatusCode, Json<Conversation>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.create_channel(&actor, &slug, body).await?),
    ))
}

/// The caller's direct messages.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/dms", tag = "direct messages",
    params(("slug" = String, Path)), responses((status = 200, body = [Conversation])))]
pub async fn directs(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<Conversation>>, ApiError> {
    Ok(Json(app.directs(&actor, &slug).await?))
}

/// Open the direct message with these people (the same people always get the same one).
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/dms", tag = "direct messages",
    params(("slug" = String, Path)), request_body = OpenDirect,
    responses((status = 200, body = Conversation),
        (status = 422, description = "too many people, or someone not in the workspace", body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn open_direct(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<OpenDirect>,
) -> Result<Json<Conversation>, ApiError> {
    Ok(Json(app.open_direct(&actor, &slug, &body.user_ids).await?))
}

/// One conversation; 404 for anyone who may not know it exists.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = Conversation), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Conversation>, ApiError> {
    Ok(Json(app.conversation(&actor, id).await?))
}

/// Rename, set topic or description, archive or unarchive a channel.
#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "conversations", params(("id" = i64, Path)),
    request_body = ConversationUpdate,
    responses((status = 200, body = Conversation), (status = 403, body = ErrorBody),
        (status = 409, description = "conversation_archived", body = ErrorBody),
        (status = 422, description = "validation_failed: an invalid name, topic or description", body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(body): ApiJson<ConversationUpdate>,
) -> Result<Json<Conversation>, ApiError> {
    Ok(Json(app.update_conversation(&actor, id, body).await?))
}

/// The members, with their profiles.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/members", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = [ConversationMember]), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Vec<ConversationMember>>, ApiError> {
    Ok(Json(app.conversation_members(&actor, id).await?))
}

/// Join (your own id), add someone, or with `{"role": …}` change a member's role. Answers
/// the conversation the person is now in (adding to a 1:1 message opens a group).
#[utoipa::path(put, path = "/api/v1/conversations/{id}/members/{user_id}", tag = "conversations",
    params(("id" = i64, Path), ("user_id" = i64, Path)), request_body(content = Option<MembershipChange>),
    responses((status = 200, body = Conversation), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_member(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((id, user)): ApiPath<(ConversationId, UserId)>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<Conversation>, ApiError> {
    // The body is optional: none, `null` and `{}` all mean "just add".
    let trimmed = body.trim_ascii();
    let change: MembershipChange = if trimmed.is_empty() || trimmed == b"null" {
        MembershipChange::default()
    } else {
        json_object(trimmed)?
    };
    Ok(Json(
        app.add_to_conversation(&actor, id, user, change.role)
            .await?,
    ))
}

/// Leave (your own id) or remove a member (managers).
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/members/{user_id}", tag = "conversations",
    params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204), (status = 403, description = "forbidden or last_manager", body = ErrorBody)))]
pub async fn remove_member(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((id, user)): ApiPath<(ConversationId, UserId)>,
) -> Result<StatusCode, ApiError> {
    app.remove_from_conversation(&actor, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Return events after this position (0: from the beginning).
    #[serde(default)]
    after: i64,
}

/// The conversation's recorded events after a position, oldest first (members only).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/events", tag = "conversations",
    params(("id" = i64, Path), EventsQuery),
    responses((status = 200, body = [Event]), (status = 404, body = ErrorBody)))]
pub async fn events(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<Vec<Event>>, ApiError> {
    Ok(Json(
        app.conversation_events(&actor, id, query.after).await?,
    ))
}
