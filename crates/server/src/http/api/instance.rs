//! Server information and settings.

use axum::Json;
use axum::extract::State;
use ocomms_proto::ErrorBody;
use ocomms_proto::instance::{InstanceInfo, InstanceSettingsUpdate};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;

/// What a client may learn before signing in (the desktop client's capability probe).
#[utoipa::path(get, path = "/api/v1/instance", tag = "instance", security(()), responses((status = 200, body = InstanceInfo)))]
pub async fn get(State(app): State<App>) -> Result<Json<InstanceInfo>, ApiError> {
    Ok(Json(app.instance_info().await?))
}

/// Change server settings (server administrators only).
#[utoipa::path(patch, path = "/api/v1/instance", tag = "instance", request_body = InstanceSettingsUpdate,
    responses((status = 200, body = InstanceInfo), (status = 403, body = ErrorBody)))]
pub async fn update(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<InstanceSettingsUpdate>,
) -> Result<Json<InstanceInfo>, ApiError> {
    Ok(Json(app.update_instance(&actor, body).await?))
}
