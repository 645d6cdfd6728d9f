//! The one mapping from `AppError` to HTTP: status, `{code, message, details}` and logging.
//! The web UI renders the same status and message as an HTML page (`web::page`).

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ocomms_proto::{ErrorBody, ErrorCode};

use ocomms_app::AppError;

pub fn status(error: &AppError) -> StatusCode {
    use AppError::*;
    match error {
        Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Malformed(_) => StatusCode::BAD_REQUEST,
        Unauthenticated | InvalidCredentials => StatusCode::UNAUTHORIZED,
        ChannelRefused(ocomms_domain::channel::Refusal::Archived) => StatusCode::CONFLICT,
        Forbidden(_)
        | WrongCurrentPassword
        | Refused(_)
        | ChannelRefused(_)
        | EmailNotVerified
        | SignupClosed
        | CsrfFailed
        | InvitationEmailMismatch(_) => StatusCode::FORBIDDEN,
        NotFound(_) => StatusCode::NOT_FOUND,
        EmailTaken | Conflict(_) | HandleTaken(_) => StatusCode::CONFLICT,
        InvitationInvalid | TokenInvalid => StatusCode::GONE,
        TooLarge(_) | BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Server faults are logged with their cause; the client sees a generic sentence.
pub fn public_message(error: &AppError) -> String {
    match error {
        AppError::Internal(cause) => {
            tracing::error!(%cause, "request failed");
            "Something went wrong on our side. It has been logged; try again.".to_owned()
        }
        AppError::Unavailable(cause) => {
            tracing::error!(%cause, "database unavailable");
            "The server cannot reach its database right now. Try again shortly.".to_owned()
        }
        other => other.to_string(),
    }
}

pub fn body(error: &AppError) -> ErrorBody {
    ErrorBody {
        code: error.code(),
        message: public_message(error),
        details: error.details(),
    }
}

/// An `AppError` on its way to becoming an API response. (`AppError` lives in `ocomms-app`,
/// which knows nothing of HTTP; the orphan rule keeps `IntoResponse` off it.) API handlers
/// and extractors return this; `?` on an app call converts.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let mut response = (status(&error), Json(body(&error))).into_response();
        if let AppError::RateLimited(secs) = error
            && let Ok(value) = secs.to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

/// The API's safety net: an error answered by something other than a handler (axum's 405
/// for a method a route lacks, a layer's rejection) still reaches the client as
/// `{code, message, details}`, keeping its status and headers (e.g. `Allow`).
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("Request failed")
            .to_owned()
    } else {
        text
    };
    let body = ErrorBody {
        code: code_for_status(status),
        message,
        details: None,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    (parts, Json(body)).into_response()
}

fn code_for_status(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMedia,
        StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::ValidationFailed,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::MalformedRequest,
    }
}
