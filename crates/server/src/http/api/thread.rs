//! Threads: `/messages/{id}/replies`, `/messages/{id}/following`,
//! `/messages/{id}/replies/read` and `/workspaces/{slug}/threads`. Replies are posted with
//! `POST /conversations/{id}/messages` and a `thread_root_id`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_proto::message::{HistoryQuery, MessagePage, ThreadFollowing, ThreadList, ThreadsQuery};
use ocomms_proto::{ErrorBody, MessageId};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiPath, ApiQuery};

/// A page of a thread's replies, oldest first (`before`, `after` or `around` a position),
/// readable even when its top-level message was deleted.
#[utoipa::path(get, path = "/api/v1/messages/{id}/replies", tag = "threads",
    params(("id" = i64, Path, description = "the top-level message"), HistoryQuery),
    responses((status = 200, body = MessagePage), (status = 404, body = ErrorBody),
        (status = 422, description = "validation_failed: the message is a reply, or more than one of before, after, around", body = ErrorBody)))]
pub async fn replies(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    Ok(Json(app.replies(&actor, id, &query).await?))
}

/// Whether you follow the thread of this top-level message.
#[utoipa::path(get, path = "/api/v1/messages/{id}/following", tag = "threads",
    params(("id" = i64, Path, description = "the top-level message")),
    responses((status = 200, body = ThreadFollowing), (status = 404, body = ErrorBody)))]
pub async fn following(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<ThreadFollowing>, ApiError> {
    Ok(Json(app.thread_following(&actor, id).await?))
}

/// Follow a thread: it is listed under All threads. Replying follows too.
#[utoipa::path(put, path = "/api/v1/messages/{id}/following", tag = "threads",
    params(("id" = i64, Path, description = "the top-level message")),
    responses((status = 200, body = ThreadFollowing), (status = 404, body = ErrorBody),
        (status = 422, description = "validation_failed: the message is a reply", body = ErrorBody)))]
pub async fn follow(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<ThreadFollowing>, ApiError> {
    Ok(Json(app.follow_thread(&actor, id, true).await?))
}

/// Unfollow a thread (until you reply in it again).
#[utoipa::path(delete, path = "/api/v1/messages/{id}/following", tag = "threads",
    params(("id" = i64, Path, description = "the top-level message")),
    responses((status = 200, body = ThreadFollowing), (status = 404, body = ErrorBody),
        (status = 422, description = "validation_failed: the message is a reply", body = ErrorBody)))]
pub async fn unfollow(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<ThreadFollowing>, ApiError> {
    Ok(Json(app.follow_thread(&actor, id, false).await?))
}

/// Mark a followed thread read up to its newest reply.
#[utoipa::path(put, path = "/api/v1/messages/{id}/replies/read", tag = "threads",
    params(("id" = i64, Path, description = "the top-level message")),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 422, description = "validation_failed: the message is a reply", body = ErrorBody)))]
pub async fn mark_read(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<StatusCode, ApiError> {
    app.mark_thread_read(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All threads: the threads you follow in the workspace (started, replied in or followed),
/// newest reply first, with whether each has replies you have not read.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/threads", tag = "threads",
    params(("slug" = String, Path), ThreadsQuery),
    responses((status = 200, body = ThreadList), (status = 404, body = ErrorBody),
        (status = 422, description = "validation_failed: limit out of range", body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<ThreadsQuery>,
) -> Result<Json<ThreadList>, ApiError> {
    Ok(Json(app.threads(&actor, &slug, &query).await?))
}
