//! Errors of SDK calls: the server's `{code, message}` when it answered with one.

use ocomms_proto::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server refused the request and said why.
    #[error("{status}: {} ({:?})", body.message, body.code)]
    Api { status: u16, body: ErrorBody },
    /// The server answered with something that is not the protocol (a proxy page, say).
    #[error("unexpected response {status}: {text}")]
    Unexpected { status: u16, text: String },
    /// The request did not complete (connection refused, timeout, bad JSON).
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
}

impl ClientError {
    /// The server's error code, when it gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { body, .. } => Some(body.code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Unexpected { status, .. } => Some(*status),
            Self::Transport(e) => e.status().map(|s| s.as_u16()),
        }
    }
}

/// Passes successful responses through; turns error responses into `ClientError`.
pub(crate) async fn check(response: reqwest::Response) -> Result<reqwest::Response, ClientError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ClientError::Api {
            status: status.as_u16(),
            body,
        }),
        Err(_) => Err(ClientError::Unexpected {
            status: status.as_u16(),
            text,
        }),
    }
}
