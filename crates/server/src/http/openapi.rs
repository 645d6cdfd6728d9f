//! The OpenAPI document: generated from the handlers' annotations and the wire types, then
//! completed here with what every operation shares (authentication, the error responses
//! any extractor or layer can give), so each annotation states only what is its own.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use ocomms_app::AppError;
use serde_json::{Map, Value, json};
use utoipa::OpenApi;

use crate::http::error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OComms API",
        description = "JSON API of an OComms server. Every error is `{code, message, details}` \
            (see `ErrorBody`; clients branch on `code`). Authenticate with \
            `Authorization: Bearer <token>` from `POST /api/v1/sessions` or `POST /api/v1/accounts`. \
            Live events arrive over the WebSocket at `/api/v1/ws` (docs/protocol.md)."
    ),
    components(schemas(
        ocomms_proto::ErrorBody,
        ocomms_proto::ErrorCode,
        ocomms_proto::realtime::ServerFrame,
        ocomms_proto::realtime::ClientFrame,
    ))
)]
struct ApiDoc;

/// The document's frame, before the routes add their paths.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document served to clients: the routes' paths plus what every operation shares.
pub fn complete(doc: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_else(|e| {
        // Serialising plain data structures cannot fail; say so loudly if it ever does.
        panic!("the OpenAPI document does not serialise: {e}")
    });
    doc["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A session token from `POST /api/v1/sessions`. Browsers use the \
                `ocomms_session` cookie instead, with the `x-csrf-token` header on changes."
        }
    });
    // Exactly the names the server accepts (a derive cannot list them: they come from the
    // bundled tz database).
    let mut zones: Vec<Value> = vec![json!(""), Value::Null];
    zones.extend(
        ocomms_domain::profile::time_zone_names()
            .iter()
            .map(|n| json!(n)),
    );
    doc["components"]["schemas"]["ProfileUpdate"]["properties"]["time_zone"] = json!({
        "type": ["string", "null"],
        "enum": zones,
        "description": "An IANA time zone name (e.g. `Europe/Berlin`); empty to unset."
    });
    // Every operation needs a session unless its annotation says `security(())`.
    doc["security"] = json!([{ "bearer": [] }]);
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for operation in item.values_mut() {
                if let Some(operation) = operation.as_object_mut() {
                    add_shared_responses(operation);
                }
            }
        }
    }
    doc
}

/// The responses an operation can give whatever it does, added where its annotation has
/// not described them more precisely.
fn add_shared_responses(operation: &mut Map<String, Value>) {
    let public = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|requirements| requirements.iter().any(|r| r == &json!({})));
    let has_path_params = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|params| params.iter().any(|p| p["in"] == "path"));
    let has_input = operation.contains_key("parameters") || operation.contains_key("requestBody");
    let has_body = operation.contains_key("requestBody");
    let mut shared = Vec::new();
    if has_input {
        shared.push((
            "400",
            "malformed_request: the path, query or body could not be read",
        ));
    }
    if !public {
        shared.push(("401", "unauthenticated: no valid session or token"));
    }
    if has_path_params {
        shared.push((
            "404",
            "not_found: it does not exist, or the caller may not know it does",
        ));
    }
    if has_body {
        shared.push((
            "413",
            "payload_too_large: the body is larger than this route accepts",
        ));
        shared.push((
            "415",
            "unsupported_media: the body is not in the content type described",
        ));
    }
    shared.push(("500", "internal: a fault on the server (logged)"));
    shared.push(("503", "unavailable: the server cannot reach its database"));
    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else { return };
    for (status, description) in shared {
        responses
            .entry(status)
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
    })
}

/// The served document, serialised once when the API router is built (`api::routes`): it is
/// the same for every server in the process, so the first build's copy serves them all.
static DOCUMENT: OnceLock<String> = OnceLock::new();

pub fn publish(document: &Value) {
    DOCUMENT.get_or_init(|| document.to_string());
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json")))]
pub async fn get() -> Result<impl IntoResponse, ApiError> {
    // Invariant: `api::routes` publishes before its router can serve this route.
    let document = DOCUMENT
        .get()
        .ok_or_else(|| AppError::Internal("the API document was not published".into()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        document.as_str(),
    ))
}
