//! The OpenAPI document, generated from the handlers' annotations and the wire types.

use axum::Json;
use utoipa::OpenApi;

use super::api;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OComms API",
        description = "JSON API of an OComms server. Errors are `{code, message, details}`; authenticate with `Authorization: Bearer <token>` from `POST /api/v1/sessions`."
    ),
    paths(
        api::instance::get,
        api::instance::update,
        api::account::sign_up,
        api::account::me,
        api::account::change_password,
        api::account::resend_verification,
        api::account::verify_email,
        api::account::request_reset,
        api::account::reset,
        api::session::sign_in,
        api::session::list,
        api::session::revoke,
        api::session::sign_out,
        api::profile::mine,
        api::profile::update,
        api::profile::upload_avatar,
        api::profile::remove_avatar,
        api::profile::of_user,
        api::workspace::list,
        api::workspace::create,
        api::workspace::get,
        api::member::list,
        api::member::update,
        api::member::remove,
        api::invitation::list,
        api::invitation::create,
        api::invitation::revoke,
        api::invitation::preview,
        api::invitation::accept,
    ),
    components(schemas(
        ocomms_proto::ErrorCode,
        ocomms_proto::realtime::ServerFrame,
        ocomms_proto::realtime::ClientFrame,
    ))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
