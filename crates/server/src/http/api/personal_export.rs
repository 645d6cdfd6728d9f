//! A download of the caller's own data (GDPR): started, followed, fetched. Prepared in the
//! background by the app (`ocomms_app::export::personal`); any node answers for it.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ocomms_proto::ErrorBody;
use ocomms_proto::account::PersonalExport;

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::ApiPath;

/// Start preparing a download of everything the caller's account holds: profile, avatar,
/// memberships, every message they wrote, their reactions and sessions (never the password
/// hash). Replaces their previous download. Follow it with `GET /api/v1/me/exports/{id}`.
#[utoipa::path(post, path = "/api/v1/me/exports", tag = "accounts",
    responses((status = 202, body = PersonalExport),
        (status = 409, description = "`conflict`: one is still being prepared", body = ErrorBody)))]
pub async fn start(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<(StatusCode, Json<PersonalExport>), ApiError> {
    Ok((
        StatusCode::ACCEPTED,
        Json(app.start_personal_export(&actor).await?),
    ))
}

/// The caller's newest download (an empty list if they never asked for one).
#[utoipa::path(get, path = "/api/v1/me/exports", tag = "accounts",
    responses((status = 200, body = [PersonalExport])))]
pub async fn list(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<PersonalExport>>, ApiError> {
    Ok(Json(
        app.latest_personal_export(&actor)
            .await?
            .into_iter()
            .collect(),
    ))
}

/// One of the caller's downloads: its state and progress.
#[utoipa::path(get, path = "/api/v1/me/exports/{id}", tag = "accounts",
    params(("id" = i64, Path)),
    responses((status = 200, body = PersonalExport), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PersonalExport>, ApiError> {
    Ok(Json(app.personal_export(&actor, id).await?))
}

/// The prepared JSON document (docs/export-format.md, "Your data"), as an attachment.
#[utoipa::path(get, path = "/api/v1/me/exports/{id}/download", tag = "accounts",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The document", content_type = "application/json", body = serde_json::Value),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`conflict`: not ready (still being prepared, or failed)", body = ErrorBody)))]
pub async fn download(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (name, data) = app.personal_export_file(&actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        data,
    )
        .into_response())
}
