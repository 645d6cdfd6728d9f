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
    /// The trust settings could not be used (a CA file without certificates, say).
    #[error("TLS trust: {0}")]
    Trust(String),
    /// A post sent over the realtime connection got no answer: the connection dropped, or
    /// the session was closed. It may have been committed; send it again with the same
    /// client id (over either path) to learn which, without posting twice.
    #[error("the realtime connection dropped before the server answered")]
    Disconnected,
}

impl ClientError {
    /// The server's error code, when it gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { body, .. } => Some(body.code),
            _ => None,
        }
    }

    /// The fields a `validation_failed` answer flagged, each with its message, in the
    /// order the server checked them (a form marks them all at once).
    pub fn invalid_fields(&self) -> Vec<(String, String)> {
        let Self::Api { body, .. } = self else {
            return Vec::new();
        };
        let Some(fields) = body.details.as_ref().and_then(|d| d.get("fields")) else {
            return Vec::new();
        };
        fields
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                let field = f.get("field")?.as_str()?;
                let message = f.get("message")?.as_str()?;
                Some((field.to_owned(), message.to_owned()))
            })
            .collect()
    }

    /// No valid session: it expired, was revoked, or none was presented (HTTP 401).
    pub fn is_unauthenticated(&self) -> bool {
        self.status() == Some(401)
    }

    /// The server could not be reached at all: refused, no route, unknown host, timed out.
    /// Not a TLS failure (see `is_tls`), which also happens while connecting.
    pub fn is_unreachable(&self) -> bool {
        match self {
            Self::Transport(e) => (e.is_connect() || e.is_timeout()) && !self.is_tls(),
            _ => false,
        }
    }

    /// The TLS handshake failed: an untrusted or mismatched certificate, or no TLS at the
    /// other end (`https://` to a plain-HTTP port).
    pub fn is_tls(&self) -> bool {
        let Self::Transport(e) = self else {
            return false;
        };
        // rustls reaches us as an `io::Error` of kind `InvalidData` inside the connect error
        // (tokio-rustls wraps it so); matching that avoids a direct rustls dependency. The
        // text check covers verifier errors that other layers rewrap.
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(err) = source {
            if let Some(io) = err.downcast_ref::<std::io::Error>()
                && io_is_invalid_data(io)
            {
                return true;
            }
            let text = err.to_string().to_ascii_lowercase();
            if text.contains("certificate") || text.contains("tls handshake") {
                return true;
            }
            source = err.source();
        }
        false
    }

    /// The server answered, but not in the OComms protocol (another kind of server, a proxy's
    /// error page, a body that is not the expected JSON).
    pub fn is_foreign_response(&self) -> bool {
        match self {
            Self::Unexpected { .. } => true,
            Self::Transport(e) => e.is_decode(),
            Self::Api { .. } | Self::Trust(_) | Self::Disconnected => false,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Unexpected { status, .. } => Some(*status),
            Self::Transport(e) => e.status().map(|s| s.as_u16()),
            Self::Trust(_) | Self::Disconnected => None,
        }
    }
}

/// Whether an `io::Error`, or one it wraps, is `InvalidData`. Looked for through `get_ref`:
/// `io::Error::source` skips the wrapped error itself (hyper wraps rustls's error twice).
fn io_is_invalid_data(io: &std::io::Error) -> bool {
    if io.kind() == std::io::ErrorKind::InvalidData {
        return true;
    }
    io.get_ref()
        .and_then(|inner| inner.downcast_ref::<std::io::Error>())
        .is_some_and(io_is_invalid_data)
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

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpListener;

    use crate::Client;

    /// A loopback listener that answers every connection with `reply`, whatever was asked.
    async fn answering(reply: &'static str) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        addr
    }

    const HTML: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\
                        connection: close\r\n\r\n<html></html>";

    #[tokio::test]
    async fn a_closed_port_is_unreachable_not_tls() {
        let addr = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let err = Client::new(&format!("http://{addr}"))
            .instance()
            .await
            .unwrap_err();
        assert!(err.is_unreachable(), "{err:?}");
        assert!(!err.is_tls() && !err.is_foreign_response());
    }

    #[tokio::test]
    async fn https_to_a_plain_http_port_is_a_tls_problem() {
        let addr = answering(HTML).await;
        let err = Client::new(&format!("https://{addr}"))
            .instance()
            .await
            .unwrap_err();
        assert!(err.is_tls(), "{err:?}");
        assert!(!err.is_unreachable());
    }

    #[tokio::test]
    async fn a_web_page_is_a_foreign_response() {
        let addr = answering(HTML).await;
        let err = Client::new(&format!("http://{addr}"))
            .instance()
            .await
            .unwrap_err();
        assert!(err.is_foreign_response(), "{err:?}");
        let not_found = answering(
            "HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nconnection: close\r\n\r\nno route!",
        )
        .await;
        let err = Client::new(&format!("http://{not_found}"))
            .instance()
            .await
            .unwrap_err();
        assert!(err.is_foreign_response(), "{err:?}");
        assert!(!err.is_unauthenticated() && !err.is_tls());
    }
}
