//! Accounts: sign-up, the current user, password and email verification.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use ocomms_app::{SignUp, SignedUp};
use ocomms_proto::ErrorBody;
use ocomms_proto::account::{
    ChangePasswordRequest, CurrentUser, EmailVerification, PasswordResetConfirm,
    PasswordResetRequest, SessionKind, SessionToken, SignUpPending, SignUpRequest,
};

use crate::App;
use crate::http::auth::{ApiActor, Client};
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath};

/// Create an account. The first account on a server becomes its administrator; later
/// ones need an invitation token unless the server has open sign-up. A server that confirms
/// addresses by email answers 202 whether or not the address is taken (ADR 0008).
#[utoipa::path(post, path = "/api/v1/accounts", security(()), tag = "accounts", request_body = SignUpRequest,
    responses((status = 201, description = "signed in", body = SessionToken),
        (status = 202, description = "check your email (servers with email verification)", body = SignUpPending),
        (status = 409, description = "email_taken (only without email verification)", body = ErrorBody),
        (status = 404, description = "not_found: no such invitation_token", body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, description = "signup_closed", body = ErrorBody)))]
pub async fn sign_up(
    State(app): State<App>,
    Client(client): Client,
    ApiJson(body): ApiJson<SignUpRequest>,
) -> Result<Response, ApiError> {
    let form = SignUp {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
        invitation_token: body.invitation_token,
    };
    Ok(match app.sign_up(form, SessionKind::Api, &client).await? {
        SignedUp::SignedIn(created) => (
            StatusCode::CREATED,
            Json(super::session::token_body(&app, *created)),
        )
            .into_response(),
        SignedUp::CheckEmail { email } => {
            (StatusCode::ACCEPTED, Json(SignUpPending { email })).into_response()
        }
    })
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = CurrentUser), (status = 401, body = ErrorBody)))]
pub async fn me(State(app): State<App>, ApiActor(actor): ApiActor) -> Json<CurrentUser> {
    Json(app.current_user(&actor.user))
}

/// Change the password; every other session is signed out.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 422, description = "validation_failed: the new password", body = ErrorBody),
        (status = 403, description = "invalid_credentials: the current password is wrong", body = ErrorBody)))]
pub async fn change_password(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    app.change_password(&actor, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send the email-confirmation link again.
#[utoipa::path(post, path = "/api/v1/me/email-verification", tag = "accounts",
    responses((status = 202), (status = 429, body = ErrorBody)))]
pub async fn resend_verification(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<StatusCode, ApiError> {
    app.resend_verification(&actor).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Confirm an email address with the token from the emailed link.
#[utoipa::path(post, path = "/api/v1/email-verifications", security(()), tag = "accounts", request_body = EmailVerification,
    responses((status = 204), (status = 410, description = "token_invalid", body = ErrorBody)))]
pub async fn verify_email(
    State(app): State<App>,
    ApiJson(body): ApiJson<EmailVerification>,
) -> Result<StatusCode, ApiError> {
    app.verify_email(&body.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ask for a password-reset link. Always 202, whether or not the address has an account.
#[utoipa::path(post, path = "/api/v1/password-resets", security(()), tag = "accounts", request_body = PasswordResetRequest,
    responses((status = 202), (status = 429, body = ErrorBody)))]
pub async fn request_reset(
    State(app): State<App>,
    Client(client): Client,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> Result<StatusCode, ApiError> {
    app.request_password_reset(&body.email, &client)?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the token from the emailed link; all sessions are signed out.
#[utoipa::path(put, path = "/api/v1/password-resets/{token}", security(()), tag = "accounts", request_body = PasswordResetConfirm,
    params(("token" = String, Path)),
    responses((status = 204), (status = 410, description = "token_invalid", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset(
    State(app): State<App>,
    ApiPath(token): ApiPath<String>,
    ApiJson(body): ApiJson<PasswordResetConfirm>,
) -> Result<StatusCode, ApiError> {
    app.reset_password(&token, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
