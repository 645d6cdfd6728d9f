//! The web UI: server-rendered pages (askama templates, checked at compile time) that post
//! plain HTML forms, plus a thin layer of hand-written JavaScript served from the binary.
//! Every page calls the same `app` functions as the JSON API (docs/adr/0003).

mod account;
mod admin;
mod assets;
mod auth;
mod channel;
mod conversation;
mod direct;
mod extract;
mod invitation;
mod member;
mod message;
pub mod method;
mod names;
pub(crate) mod notification;
mod page;
mod password_reset;
mod profile;
mod read;
mod search;
mod shell;
mod thread;
mod timeline;
mod unsubscribe;
mod verification;
mod workspace;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use ocomms_app::AVATAR_MAX_BYTES;

use crate::App;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(workspace::root))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/icon.svg", get(assets::icon))
        .route("/favicon.ico", get(assets::icon))
        .route("/setup", get(auth::setup_page).post(auth::setup))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/signin", get(auth::signin_page).post(auth::signin))
        .route("/signout", post(auth::signout))
        .route(
            "/verify",
            get(verification::verify_page).post(verification::verify),
        )
        .route(
            "/email/unsubscribe",
            get(unsubscribe::page).post(unsubscribe::unsubscribe),
        )
        .route("/verify/pending", get(verification::verify_pending))
        .route("/verify/resend", post(verification::resend_verification))
        .route(
            "/reset",
            get(password_reset::reset_page).post(password_reset::reset_request),
        )
        .route(
            "/reset/confirm",
            get(password_reset::reset_confirm_page).post(password_reset::reset_confirm),
        )
        .route("/workspaces/new", get(workspace::new_page))
        .route("/workspaces", post(workspace::create))
        .route("/w/{slug}", get(workspace::home))
        .route("/w/{slug}/members", get(member::page))
        .route(
            "/w/{slug}/members/{user_id}",
            axum::routing::patch(member::change_role).delete(member::remove),
        )
        .route(
            "/w/{slug}/invitations",
            get(invitation::page).post(invitation::create),
        )
        .route("/w/{slug}/invitations/{id}", delete(invitation::revoke))
        .route(
            "/w/{slug}/channels",
            get(channel::browse).post(channel::create),
        )
        .route("/w/{slug}/channels/new", get(channel::new_page))
        .route("/w/{slug}/dms", post(direct::open))
        .route("/w/{slug}/dms/new", get(direct::new_page))
        .route("/w/{slug}/c/{id}", get(conversation::view))
        .route(
            "/w/{slug}/c/{id}/membership",
            put(conversation::join).delete(conversation::leave),
        )
        .route("/w/{slug}/c/{id}/members", post(conversation::add_member))
        .route(
            "/w/{slug}/c/{id}/members/{user_id}",
            axum::routing::patch(conversation::change_role).delete(conversation::remove_member),
        )
        .route(
            "/w/{slug}/c/{id}/settings",
            get(channel::settings).post(channel::save_settings),
        )
        .route(
            "/w/{slug}/c/{id}/archive",
            put(channel::archive).delete(channel::unarchive),
        )
        .route(
            "/w/{slug}/c/{id}/messages",
            // Form-encoded, a 40,000-character message of 4-byte characters is 12 bytes a
            // character (%XX per byte), the same worst case as the API's JSON escapes.
            post(message::post_message).layer(axum::extract::DefaultBodyLimit::max(
                ocomms_proto::message::MAX_REQUEST_BYTES,
            )),
        )
        .route(
            "/w/{slug}/c/{id}/messages/{message_id}",
            delete(message::delete_message),
        )
        .route(
            "/w/{slug}/c/{id}/messages/{message_id}/reactions",
            post(message::add_reaction),
        )
        .route(
            "/w/{slug}/c/{id}/messages/{message_id}/reactions/{emoji}",
            delete(message::remove_reaction),
        )
        .route("/w/{slug}/c/{id}/t/{root}", get(thread::view))
        .route(
            "/w/{slug}/c/{id}/t/{root}/following",
            put(thread::follow).delete(thread::unfollow),
        )
        .route("/w/{slug}/threads", get(thread::all))
        .route("/w/{slug}/read", post(read::mark_all_read))
        .route("/w/{slug}/activity", get(notification::activity))
        .route("/w/{slug}/search", get(search::page))
        .route(
            "/w/{slug}/notifications",
            get(notification::settings_page).post(notification::save_settings),
        )
        .route("/w/{slug}/notifications/snooze", post(notification::snooze))
        .route(
            "/w/{slug}/c/{id}/notifications",
            post(notification::set_conversation_level),
        )
        .route("/w/{slug}/c/{id}/pins", get(conversation::pins))
        .route(
            "/w/{slug}/c/{id}/messages/{message_id}/pin",
            put(message::pin).delete(message::unpin),
        )
        .route("/assets/{script}", get(assets::script))
        .route("/assets/emoji.json", get(assets::emoji))
        .route(
            "/invite/{token}",
            get(invitation::landing).post(invitation::accept),
        )
        .route("/profile", get(profile::page).post(profile::save))
        .route(
            "/profile/avatar",
            post(profile::upload_avatar)
                .layer(DefaultBodyLimit::max(AVATAR_MAX_BYTES + 1024 * 1024))
                .delete(profile::remove_avatar),
        )
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        // Every session but the one asking (signing out ends that one).
        .route("/account/sessions", delete(account::revoke_others))
        .route("/account/sessions/{id}", delete(account::revoke_session))
        .route("/account/export", post(account::start_export))
        .route("/admin", get(admin::page).post(admin::save))
}
