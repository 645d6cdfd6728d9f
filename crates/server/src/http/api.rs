//! The JSON API under `/api/v1`, one module per resource. Every route is registered through
//! [`Documented`], which takes only handlers carrying a `#[utoipa::path]` annotation: a route
//! cannot exist without its entry in `/api/v1/openapi.json` (see `openapi`).

pub mod account;
pub mod conversation;
pub mod instance;
pub mod invitation;
pub mod member;
pub mod message;
pub mod notification;
pub mod personal_export;
pub mod pin;
pub mod profile;
pub mod reaction;
pub mod read;
pub mod realtime;
pub mod search;
pub mod session;
pub mod thread;
pub mod workspace;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use ocomms_app::{AVATAR_MAX_BYTES, AppError};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::App;
use crate::http::error::ApiError;

/// The API router: documented routes only. `OpenApiRouter` also lets plain axum routes in;
/// this wrapper does not, so the document and the router cannot drift apart.
struct Documented(OpenApiRouter<App>);

impl Documented {
    fn add(self, routes: UtoipaMethodRouter<App>) -> Self {
        self.add_with_body_limit(routes, super::JSON_BODY_LIMIT)
    }

    /// Like `add`, with a request body limit for these routes instead of the default.
    /// A body announced larger (Content-Length) is refused before it is read, so the client
    /// gets its 413 instead of a broken pipe halfway through sending; one that grows past the
    /// limit unannounced is cut off by the extractors' limit.
    fn add_with_body_limit(self, routes: UtoipaMethodRouter<App>, limit: usize) -> Self {
        let (schemas, paths, method_router) = routes;
        let method_router = method_router
            .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(limit))
            .layer::<_, std::convert::Infallible>(tower_http::limit::RequestBodyLimitLayer::new(
                limit,
            ));
        Self(self.0.routes((schemas, paths, method_router)))
    }
}

/// The API's routes (with their full `/api/v1/…` paths); the OpenAPI document that
/// describes exactly them is published for `/api/v1/openapi.json` on the way.
pub fn routes() -> Router<App> {
    let (router, paths) = api_routes().0.split_for_parts();
    super::openapi::publish(&super::openapi::complete(paths));
    router.layer(axum::middleware::from_fn(super::error::json_errors))
}

/// Anything under `/api/v1` that is not a route: a JSON 404 like every other API error.
pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound("This API route"))
}

fn api_routes() -> Documented {
    Documented(OpenApiRouter::with_openapi(super::openapi::base()))
        .add(routes!(super::openapi::get))
        .add(routes!(super::health::alive))
        .add(routes!(super::health::ready))
        .add(routes!(instance::get, instance::update))
        .add(routes!(account::sign_up))
        .add(routes!(account::me))
        .add(routes!(account::change_password))
        .add(routes!(account::resend_verification))
        .add(routes!(account::verify_email))
        .add(routes!(account::request_reset))
        .add(routes!(account::reset))
        .add(routes!(session::list, session::sign_in))
        .add(routes!(session::sign_out))
        .add(routes!(session::revoke))
        .add(routes!(profile::mine, profile::update))
        // Room for the largest accepted image and a margin: an upload a little too large is
        // read and refused by the app with a clear 413 the client surely sees (one refused
        // from its Content-Length may still be writing its body when the answer comes).
        .add_with_body_limit(
            routes!(profile::upload_avatar, profile::remove_avatar),
            AVATAR_MAX_BYTES + 1024 * 1024,
        )
        .add(routes!(profile::of_user))
        .add(routes!(personal_export::start, personal_export::list))
        .add(routes!(personal_export::get))
        .add(routes!(personal_export::download))
        .add(routes!(workspace::list, workspace::create))
        .add(routes!(workspace::get))
        .add(routes!(workspace::presence))
        .add(routes!(member::list))
        .add(routes!(member::update, member::remove))
        .add(routes!(invitation::list, invitation::create))
        .add(routes!(invitation::revoke))
        .add(routes!(invitation::preview))
        .add(routes!(invitation::accept))
        .add(routes!(
            conversation::channels,
            conversation::create_channel
        ))
        .add(routes!(conversation::directs, conversation::open_direct))
        .add(routes!(conversation::get, conversation::update))
        .add(routes!(conversation::members))
        .add(routes!(
            conversation::add_member,
            conversation::remove_member
        ))
        .add(routes!(conversation::events))
        .add_with_body_limit(
            routes!(message::history, message::post),
            message::BODY_LIMIT,
        )
        .add_with_body_limit(
            routes!(message::get, message::edit, message::delete),
            message::BODY_LIMIT,
        )
        .add(routes!(reaction::add, reaction::remove))
        .add(routes!(thread::replies))
        .add(routes!(thread::following, thread::follow, thread::unfollow))
        .add(routes!(thread::mark_read))
        .add(routes!(thread::list))
        .add(routes!(pin::pin, pin::unpin))
        .add(routes!(pin::list))
        .add(routes!(read::mark_read))
        .add(routes!(read::mark_unread))
        .add(routes!(read::list))
        .add(routes!(read::mark_all_read))
        .add(routes!(
            notification::conversation,
            notification::set_conversation
        ))
        .add(routes!(
            notification::workspace,
            notification::set_workspace
        ))
        .add(routes!(
            notification::do_not_disturb,
            notification::set_do_not_disturb
        ))
        .add(routes!(notification::activity))
        .add(routes!(
            notification::email_notifications,
            notification::set_email_notifications
        ))
        .add(routes!(search::search))
        .add(routes!(realtime::connect))
}
