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
use std::io::IoSlice;

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt as _, StreamExt as _};
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt as _;
use tokio_tungstenite::WebSocketStream;
use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Data, OpCode};
use tungstenite::protocol::{Role, WebSocketConfig};

pub use tungstenite::protocol::CloseFrame;
pub use tungstenite::{Error, Message};

use crate::realtime::Frame;

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

/// The header of an unmasked, final text frame (RFC 6455 §5.2): at most 10 bytes from a
/// server.
struct Header {
    bytes: [u8; 10],
    len: usize,
}

impl Header {
    fn text(payload: usize) -> Self {
        let header = FrameHeader {
            opcode: OpCode::Data(Data::Text),
            ..FrameHeader::default()
        };
        let mut bytes = [0; 10];
        let mut out = &mut bytes[..];
        // Cannot fail: 10 bytes hold any unmasked header.
        let _ = header.format(payload as u64, &mut out);
        let len = 10 - out.len();
        Self { bytes, len }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Byte slices written one after another, handed to the socket as a vectored write.
struct Outgoing<'a> {
    parts: Vec<&'a [u8]>,
    /// The first part not yet written, and how much of it is.
    at: usize,
    offset: usize,
    remaining: usize,
}

impl<'a> Outgoing<'a> {
    fn new(parts: impl Iterator<Item = &'a [u8]>) -> Self {
        let parts: Vec<&[u8]> = parts.collect();
        let remaining = parts.iter().map(|p| p.len()).sum();
        Self {
            parts,
            at: 0,
            offset: 0,
            remaining,
        }
    }
}

impl bytes::Buf for Outgoing<'_> {
    fn remaining(&self) -> usize {
        self.remaining
    }

    fn chunk(&self) -> &[u8] {
        self.parts.get(self.at).map_or(&[], |p| &p[self.offset..])
    }

    fn chunks_vectored<'b>(&'b self, dst: &mut [IoSlice<'b>]) -> usize {
        let mut filled = 0;
        for (i, part) in self.parts.iter().enumerate().skip(self.at) {
            if filled == dst.len() {
                break;
            }
            let part = if i == self.at {
                &part[self.offset..]
            } else {
                part
            };
            if !part.is_empty() {
                dst[filled] = IoSlice::new(part);
                filled += 1;
            }
        }
        filled
    }

    fn advance(&mut self, mut count: usize) {
        self.remaining -= count.min(self.remaining);
        while count > 0 {
            let Some(part) = self.parts.get(self.at) else {
                return;
            };
            let left = part.len() - self.offset;
            if count < left {
                self.offset += count;
                return;
            }
            count -= left;
            self.at += 1;
            self.offset = 0;
        }
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

#[cfg(test)]
mod tests {
    use bytes::Buf as _;
    use tungstenite::protocol::frame::Frame as WireFrame;
    use tungstenite::protocol::frame::coding::{Data, OpCode};

    use super::{Header, Outgoing};

    #[test]
    fn headers_are_tungstenite_s_for_every_length_class() {
        for len in [0, 1, 125, 126, 65_535, 65_536, 200_000] {
            let payload = vec![b'a'; len];
            let mut wire = Vec::new();
            let frame = WireFrame::message(payload.clone(), OpCode::Data(Data::Text), true);
            frame.format(&mut wire).unwrap();
            let mut ours = Header::text(len).as_bytes().to_vec();
            ours.extend_from_slice(&payload);
            assert_eq!(ours, wire, "payload of {len} bytes");
        }
    }

    #[test]
    fn parts_advance_across_and_within_parts() {
        /// What a vectored write of `parts` would write now.
        fn gathered(parts: &Outgoing<'_>) -> (usize, Vec<u8>) {
            let mut slices = [std::io::IoSlice::new(&[]); 8];
            let n = parts.chunks_vectored(&mut slices);
            (n, slices[..n].iter().flat_map(|s| s.to_vec()).collect())
        }
        let mut parts = Outgoing::new([&b"ab"[..], b"", b"cde", b"f"].into_iter());
        assert_eq!(parts.remaining(), 6);
        assert_eq!(
            gathered(&parts),
            (3, b"abcdef".to_vec()),
            "empty parts skipped"
        );
        parts.advance(3);
        assert_eq!(parts.chunk(), b"de");
        assert_eq!(parts.remaining(), 3);
        assert_eq!(gathered(&parts), (2, b"def".to_vec()));
        parts.advance(3);
        assert_eq!(parts.remaining(), 0);
        assert_eq!(parts.chunk(), b"");
    }
}
