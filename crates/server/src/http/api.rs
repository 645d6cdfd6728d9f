//! The JSON API under `/api/v1`, one module per resource. Documented in the OpenAPI
//! document served at `/api/v1/openapi.json` (see `openapi`).

pub mod account;
pub mod conversation;
pub mod instance;
pub mod invitation;
pub mod member;
pub mod message;
pub mod profile;
pub mod session;
pub mod workspace;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};

use crate::App;
use crate::app::{AVATAR_MAX_BYTES, AppError};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(super::openapi::document))
        .route("/instance", get(instance::get).patch(instance::update))
        .route("/accounts", post(account::sign_up))
        .route("/me", get(account::me))
        .route("/me/password", put(account::change_password))
        .route("/me/email-verification", post(account::resend_verification))
        .route("/email-verifications", post(account::verify_email))
        .route("/password-resets", post(account::request_reset))
        .route("/password-resets/{token}", put(account::reset))
        .route("/sessions", get(session::list).post(session::sign_in))
        .route("/sessions/current", delete(session::sign_out))
        .route("/sessions/{id}", delete(session::revoke))
        .route("/me/profile", get(profile::mine).patch(profile::update))
        .route(
            "/me/avatar",
            put(profile::upload_avatar)
                .delete(profile::remove_avatar)
                // Room for the largest accepted image; the app refuses anything bigger clearly.
                .layer(DefaultBodyLimit::max(AVATAR_MAX_BYTES + 1024 * 1024)),
        )
        .route("/users/{id}/profile", get(profile::of_user))
        .route("/workspaces", get(workspace::list).post(workspace::create))
        .route("/workspaces/{slug}", get(workspace::get))
        .route("/workspaces/{slug}/members", get(member::list))
        .route("/workspaces/{slug}/presence", get(workspace::presence))
        .route(
            "/workspaces/{slug}/members/{user_id}",
            patch(member::update).delete(member::remove),
        )
        .route(
            "/workspaces/{slug}/invitations",
            get(invitation::list).post(invitation::create),
        )
        .route(
            "/workspaces/{slug}/invitations/{id}",
            delete(invitation::revoke),
        )
        .route(
            "/workspaces/{slug}/channels",
            get(conversation::channels).post(conversation::create_channel),
        )
        .route(
            "/workspaces/{slug}/dms",
            get(conversation::directs).post(conversation::open_direct),
        )
        .route(
            "/conversations/{id}",
            get(conversation::get).patch(conversation::update),
        )
        .route("/conversations/{id}/members", get(conversation::members))
        .route(
            "/conversations/{id}/members/{user_id}",
            put(conversation::add_member).delete(conversation::remove_member),
        )
        .route("/conversations/{id}/events", get(conversation::events))
        .route(
            "/conversations/{id}/messages",
            get(message::history).post(message::post),
        )
        .route(
            "/messages/{id}",
            patch(message::edit).delete(message::delete),
        )
        .route("/ws", get(crate::realtime::gateway::connect))
        .route("/invitations/{token}", get(invitation::preview))
        .route("/invitations/{token}/acceptance", post(invitation::accept))
        .fallback(|| async { AppError::NotFound("This API route") })
}
