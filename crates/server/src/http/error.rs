//! The one mapping from `AppError` to HTTP: status, `{code, message, details}` and logging.
//! The web UI renders the same status and message as an HTML page (`web::page`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ocomms_proto::ErrorBody;

use crate::app::AppError;

pub fn status(error: &AppError) -> StatusCode {
    use AppError::*;
    match error {
        Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Malformed(_) => StatusCode::BAD_REQUEST,
        Unauthenticated | InvalidCredentials => StatusCode::UNAUTHORIZED,
        ChannelRefused(ocomms_domain::channel::Refusal::Archived) => StatusCode::CONFLICT,
        Forbidden(_)
        | Refused(_)
        | ChannelRefused(_)
        | EmailNotVerified
        | SignupClosed
        | CsrfFailed
        | InvitationEmailMismatch(_) => StatusCode::FORBIDDEN,
        NotFound(_) => StatusCode::NOT_FOUND,
        EmailTaken | Conflict(_) => StatusCode::CONFLICT,
        InvitationInvalid | TokenInvalid => StatusCode::GONE,
        TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
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

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = (status(&self), Json(body(&self))).into_response();
        if let AppError::RateLimited(secs) = self
            && let Ok(value) = secs.to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}
