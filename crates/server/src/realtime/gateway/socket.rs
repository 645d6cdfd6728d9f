//! The WebSocket under a realtime connection: tungstenite, driven directly on the upgraded
//! HTTP connection rather than through axum's `WebSocket`, which cannot write a frame in
//! pieces (ADR 0027).
//!
//! Why pieces: tungstenite copies every frame it writes into a buffer of the connection's,
//! and that buffer keeps the largest size it ever held for as long as the connection lives.
//! One 40,000-character message to 5,000 people left each of their connections holding 78 KiB;
//! a reconnect storm's bursts of presence frames left 8 KiB each. Written unbuffered, with any
//! frame longer than [`PIECE`] sent as a fragmented message (RFC 6455 §5.4, which every
//! browser and client library reassembles), no connection keeps more than a piece.

use std::future::Future;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::SinkExt as _;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tungstenite::protocol::frame::Frame as WireFrame;
use tungstenite::protocol::frame::coding::{Data, OpCode};
use tungstenite::protocol::{Role, WebSocketConfig};

pub use tungstenite::protocol::CloseFrame;
pub use tungstenite::{Error, Message};

use crate::realtime::Frame;

/// A realtime connection's socket once upgraded.
pub type WebSocket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;
/// Its writing half.
pub type Sink = futures_util::stream::SplitSink<WebSocket, Message>;
/// Its reading half.
pub type Stream = futures_util::stream::SplitStream<WebSocket>;

/// The longest piece of a frame written at once: what a connection keeps of a long frame.
/// Most frames (events of ordinary messages, presence, typing) are shorter and go whole.
pub const PIECE: usize = 1024;

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
    /// switched protocols. Frames are written unbuffered (see the module's comment).
    pub fn on_upgrade<F, Fut>(self, read_buffer: usize, max_frame: usize, serve: F) -> Response
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self { key, on_upgrade } = self;
        let config = WebSocketConfig::default()
            .read_buffer_size(read_buffer)
            .write_buffer_size(0)
            .max_frame_size(Some(max_frame))
            .max_message_size(Some(max_frame));
        tokio::spawn(async move {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let socket = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            serve(socket).await;
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

/// Writes `frame` (a serialised server frame), in pieces of [`PIECE`] bytes when longer.
/// Nothing is buffered: each piece goes to the socket as it is fed.
pub async fn feed(sink: &mut Sink, frame: Frame) -> Result<(), Error> {
    if frame.len() <= PIECE {
        return sink.feed(Message::Text(frame)).await;
    }
    let ends = piece_ends(frame.as_str());
    let bytes = tungstenite::Bytes::from(frame);
    let mut at = 0;
    for end in ends {
        let opcode = if at == 0 {
            OpCode::Data(Data::Text)
        } else {
            OpCode::Data(Data::Continue)
        };
        let piece = WireFrame::message(bytes.slice(at..end), opcode, end == bytes.len());
        sink.feed(Message::Frame(piece)).await?;
        at = end;
    }
    Ok(())
}

/// [`feed`], then flush.
pub async fn send(sink: &mut Sink, frame: Frame) -> Result<(), Error> {
    feed(sink, frame).await?;
    sink.flush().await
}

/// Where each piece of `text` ends: at most [`PIECE`] bytes on, and on a character boundary
/// (RFC 6455 lets a piece end inside a character, but a client that checks each piece on
/// its own would refuse it).
fn piece_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::with_capacity(text.len() / PIECE + 1);
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + PIECE).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        ends.push(end);
        at = end;
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::{PIECE, piece_ends};

    #[test]
    fn pieces_end_on_characters_and_cover_the_text() {
        let text = "é🎉a".repeat(1_000);
        let ends = piece_ends(&text);
        assert_eq!(ends.last(), Some(&text.len()));
        let mut at = 0;
        for end in ends {
            assert!(end > at && end - at <= PIECE);
            assert!(text.is_char_boundary(end));
            at = end;
        }
    }
}
