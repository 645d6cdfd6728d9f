//! Extractors whose rejections are `AppError`s, so malformed input gets the same
//! `{code, message, details}` body as every other error instead of axum's plain text.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use ocomms_app::AppError;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// `axum::Json` with a JSON error body on rejection, for bodies that are JSON objects.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMedia(
                "Send the body as JSON, with the header Content-Type: application/json.".into(),
            )
            .into());
        }
        let ApiBytes(bytes) = ApiBytes::from_request(req, state).await?;
        json_object(&bytes).map(Self)
    }
}

/// `application/json` or `application/<something>+json`, parameters aside, as axum's
/// `Json` accepts (its check is private; the body is read first here, see `json_object`).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads a request body that must be a JSON object. serde would also read a struct from an
/// array of its fields in order (`[null, null]`), which the API document does not allow.
pub fn json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(AppError::Malformed("the body must be a JSON object".into()).into());
    }
    axum::Json::<T>::from_bytes(bytes)
        .map(|axum::Json(value)| value)
        .map_err(|rejection| json_rejection(rejection).into())
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMedia(
            "Send the body as JSON, with the header Content-Type: application/json.".into(),
        ),
        JsonRejection::BytesRejection(rejection) => bytes_rejection(rejection),
        other => AppError::Malformed(other.body_text()),
    }
}

/// The raw request body (e.g. an uploaded image), with JSON errors.
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(Self)
            .map_err(|rejection| bytes_rejection(rejection).into())
    }
}

/// A body over the route's limit is 413; anything else that stops it being read is 400.
fn bytes_rejection(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::BodyTooLarge
    } else {
        AppError::Malformed(rejection.body_text())
    }
}

/// `axum::extract::Path` with a JSON error body on rejection.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|rejection| AppError::Malformed(rejection.body_text()).into())
    }
}

/// `axum::extract::Query` with a JSON error body on rejection.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection| AppError::Malformed(rejection.body_text()).into())
    }
}
