//! `GET /avatars/{user_id}`: the uploaded PNG or the generated SVG, revalidated by ETag.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ocomms_app::AvatarImage;
use ocomms_proto::UserId;

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::ApiPath;

pub async fn get(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(user): ApiPath<UserId>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let image = app.avatar(&actor, user).await?;
    let (etag, content_type, body) = match image {
        AvatarImage::Png { bytes, etag } => (etag, "image/png", bytes),
        AvatarImage::Generated { svg, etag } => (etag, "image/svg+xml", svg.into_bytes()),
    };
    // Private: only people sharing a workspace may see it, so shared caches must not keep it.
    let cache = "private, max-age=86400";
    let unchanged = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, cache.to_owned()),
            ],
        )
            .into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        body,
    )
        .into_response())
}
