//! Sessions: sign in (get a bearer token), list, revoke, sign out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ocomms_app::NewSession;
use ocomms_proto::account::{SessionInfo, SessionKind, SessionToken, SignInRequest};
use ocomms_proto::{ErrorBody, SessionId};

use crate::App;
use crate::http::auth::{ApiActor, Client};
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath};

pub(crate) fn token_body(app: &App, created: NewSession) -> SessionToken {
    SessionToken {
        token: created.token,
        session_id: created.session.id,
        user: app.current_user(&created.user),
    }
}

/// Sign in with email and password; returns a bearer token.
#[utoipa::path(post, path = "/api/v1/sessions", security(()), tag = "sessions", request_body = SignInRequest,
    responses((status = 201, body = SessionToken), (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 429, description = "rate_limited", body = ErrorBody)))]
pub async fn sign_in(
    State(app): State<App>,
    Client(client): Client,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<(StatusCode, Json<SessionToken>), ApiError> {
    let created = app
        .sign_in(
            &body.email,
            &body.password,
            SessionKind::Api,
            &client,
            body.client_name.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(token_body(&app, created))))
}

/// The caller's sessions, most recently used first.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions",
    responses((status = 200, body = [SessionInfo]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    Ok(Json(app.sessions(&actor).await?))
}

/// Revoke one of the caller's sessions.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<SessionId>,
) -> Result<StatusCode, ApiError> {
    app.revoke_session(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out: revoke the session making this request.
#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "sessions",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn sign_out(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<StatusCode, ApiError> {
    app.sign_out(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
