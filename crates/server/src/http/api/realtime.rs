//! `/api/v1/ws`: the WebSocket handshake. The protocol spoken after it is in
//! docs/protocol.md and `ocomms_proto::realtime`; the gateway serves it.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use ocomms_proto::ErrorBody;

use ocomms_app::AppError;

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::realtime::Hub;
use crate::realtime::gateway::socket::{NotAnUpgrade, Upgrade};

/// Open the realtime connection: a WebSocket handshake (RFC 6455: `Upgrade: websocket`,
/// `Connection: Upgrade`, `Sec-WebSocket-Version: 13`, `Sec-WebSocket-Key`). Frames are
/// `ClientFrame` and `ServerFrame` (see the schemas and docs/protocol.md): hello, resume,
/// replay, ready, then live events.
#[utoipa::path(get, path = "/api/v1/ws", tag = "realtime",
    responses((status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "malformed_request: not a WebSocket handshake", body = ErrorBody),
        (status = 403, description = "forbidden (cross-site) or email_not_verified", body = ErrorBody)))]
pub async fn connect(
    state: State<App>,
    Extension(hub): Extension<Arc<Hub>>,
    actor: ApiActor,
    headers: HeaderMap,
    upgrade: Result<Upgrade, NotAnUpgrade>,
) -> Result<Response, ApiError> {
    let upgrade = upgrade.map_err(|_| {
        AppError::Malformed("this route opens a WebSocket: send a WebSocket handshake".into())
    })?;
    crate::realtime::gateway::connect(state, hub, actor, headers, upgrade).await
}
