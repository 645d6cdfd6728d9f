//! The WebSocket under a realtime connection: tungstenite, driven directly on the upgraded
//! HTTP connection rather than through axum's `WebSocket`, and writing server frames itself
//! (ADR 0027).
//!
//! Why write them itself: tungstenite copies every frame it writes into a buffer of the
//! connection's, and that buffer keeps the largest size it ever held for as long as the
//! connection lives. One 40,000-character message to 5,000 people left each of their
//! connections holding 78 KiB; a reconnect storm's bursts of presence frames left 8 KiB
//! each. Here a server frame goes to the socket as its header (formatted by tungstenite,
//! on the stack) and the payload shared by every recipient, in one vectored write: no
//! connection keeps any of it once written. tungstenite still reads the client's frames and
//! writes the control frames (pong, close), which are small.

use std::future::Future;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt as _;
use tokio_tungstenite::WebSocketStream;
use tungstenite::protocol::{Role, WebSocketConfig};

pub use tungstenite::protocol::CloseFrame;
pub use tungstenite::{Error, Message};

use self::outgoing::{Header, Outgoing};
use crate::realtime::Frame;

mod outgoing;

/// A realtime connection's socket once upgraded.
pub struct Socket {
    ws: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
}

/// Frames written in one vectored write at most (two parts each: header, payload).
const FRAMES_PER_WRITE: usize = 32;

impl Socket {
    /// The client's next message; `None` once the connection is closed.
    pub async fn next(&mut self) -> Option<Result<Message, Error>> {
        self.ws.next().await
    }

    /// Writes one server frame (see [`Socket::send_all`]).
    pub async fn send(&mut self, frame: Frame) -> Result<(), Error> {
        self.send_all(std::slice::from_ref(&frame)).await
    }

    /// Writes these server frames, in order, each a whole text message, straight from their
    /// shared bytes: nothing of them stays with the connection once this returns.
    pub async fn send_all(&mut self, frames: &[Frame]) -> Result<(), Error> {
        // What tungstenite has waiting (an answer to a ping) goes out whole first, so that
        // frames never interleave on the wire.
        self.ws.flush().await?;
        for batch in frames.chunks(FRAMES_PER_WRITE) {
            let headers: Vec<Header> = batch.iter().map(|f| Header::text(f.len())).collect();
            let mut parts = Outgoing::new(
                headers
                    .iter()
                    .zip(batch)
                    .flat_map(|(h, f)| [h.as_bytes(), f.as_bytes()]),
            );
            self.ws.get_mut().write_all_buf(&mut parts).await?;
        }
        Ok(())
    }

    /// Closes the connection with a code and reason the client can read (docs/protocol.md §3).
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), Error> {
        self.ws.flush().await?;
        self.ws
            .send(Message::Close(Some(CloseFrame {
                code: code.into(),
                reason: reason.into(),
            })))
            .await
    }
}

/// A checked WebSocket handshake (RFC 6455 §4.2.1) and the connection to take over.
pub struct Upgrade {
    key: axum::http::HeaderValue,
    on_upgrade: hyper::upgrade::OnUpgrade,
}

/// The request is not a WebSocket handshake.
#[derive(Debug)]
pub struct NotAnUpgrade;

impl IntoResponse for NotAnUpgrade {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, "not a WebSocket handshake").into_response()
    }
}

/// Whether one of the comma-separated tokens of header `name` is `token` (any case).
fn has_token(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = NotAnUpgrade;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, NotAnUpgrade> {
        let headers = &parts.headers;
        let handshake = parts.method == Method::GET
            && has_token(headers, header::CONNECTION, "upgrade")
            && has_token(headers, header::UPGRADE, "websocket")
            && has_token(headers, header::SEC_WEBSOCKET_VERSION, "13");
        if !handshake {
            return Err(NotAnUpgrade);
        }
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .cloned()
            .ok_or(NotAnUpgrade)?;
        let on_upgrade = parts
            .extensions
            .remove::<hyper::upgrade::OnUpgrade>()
            .ok_or(NotAnUpgrade)?;
        Ok(Self { key, on_upgrade })
    }
}

impl Upgrade {
    /// Answers the handshake (101) and runs `serve` with the socket once the connection has
    /// switched protocols.
    pub fn on_upgrade<F, Fut>(self, read_buffer: usize, max_frame: usize, serve: F) -> Response
    where
        F: FnOnce(Socket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self { key, on_upgrade } = self;
        let config = WebSocketConfig::default()
            .read_buffer_size(read_buffer)
            .write_buffer_size(0)
            .max_frame_size(Some(max_frame))
            .max_message_size(Some(max_frame));
        // Two tasks: this one waits for the switch and ends; the connection's own task holds
        // only `serve`'s future. One task doing both would keep room for the waiting (and
        // for `serve` before it was called) beside `serve`'s state for the connection's life.
        tokio::spawn(async move {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let ws = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            tokio::spawn(serve(Socket { ws }));
        });
        let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_ACCEPT, accept)
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
