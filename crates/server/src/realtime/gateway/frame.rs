//! Reading what a client sends before trusting it, and the close frames that end a
//! connection with a reason (docs/protocol.md §3).

use super::socket::{Error, Message, Socket};
use ocomms_proto::realtime::ClientFrame;

/// What a connection opened with.
pub(super) enum First {
    Frame(ClientFrame),
    /// Binary, or text that is not a client frame: why, for the close frame.
    Unreadable(String),
    /// Over `MAX_CLIENT_FRAME_BYTES`.
    TooBig,
    /// Closed, or the connection failed.
    Gone,
}

pub(super) const TOO_BIG: &str = "Frame too large: no client frame is that long.";

pub(super) async fn first_frame(socket: &mut Socket) -> First {
    while let Some(message) = socket.next().await {
        match message {
            Ok(Message::Text(body)) => {
                return match serde_json::from_str(body.as_str()) {
                    Ok(frame) => First::Frame(frame),
                    // A close reason holds at most 123 bytes.
                    Err(e) => First::Unreadable(truncated(format!("Unreadable frame: {e}"))),
                };
            }
            Ok(Message::Binary(_)) => {
                return First::Unreadable(
                    "Frames are JSON text; binary frames are not read.".into(),
                );
            }
            Ok(Message::Close(_)) => return First::Gone,
            Ok(_) => {} // ping and pong are answered by the library
            Err(e) if too_big(&e) => return First::TooBig,
            Err(_) => return First::Gone,
        }
    }
    First::Gone
}

/// Whether reading failed because the peer sent more than `MAX_CLIENT_FRAME_BYTES`.
pub(super) fn too_big(error: &Error) -> bool {
    matches!(error, Error::Capacity(_))
}

fn truncated(mut reason: String) -> String {
    if reason.len() > 120 {
        let mut end = 117;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        reason.push_str("...");
    }
    reason
}
