//! The WebSocket protocol at `/api/v1/ws` (docs/protocol.md): JSON text frames, one object
//! each, tagged by `type`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::message::Message;
use crate::{ConversationId, ErrorBody, MessageId, UserId, WorkspaceId};

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame: answer with `resume`, then send a `ping` at least this often.
    Hello { heartbeat_interval_ms: u64 },
    /// Replay is done; live events follow. `positions` are the heads at that moment.
    Ready {
        positions: BTreeMap<WorkspaceId, i64>,
    },
    /// One recorded event, in position order per workspace, each exactly once.
    /// (Boxed: an event with a message is far larger than every other frame.)
    Event { event: Box<Event> },
    /// The client was away too long (or named a position we cannot replay from): reload
    /// the state over REST, then resume from `position`.
    ResyncRequired {
        workspace_id: WorkspaceId,
        position: i64,
    },
    /// Someone is typing (ephemeral; not recorded, not replayed).
    Typing {
        conversation_id: ConversationId,
        user_id: UserId,
    },
    /// People in the user's workspaces came online, went away or went offline: changes
    /// gathered over a tenth of a second, at most [`PRESENCE_BATCH`] to a frame. Who is
    /// online already is asked over REST (`GET /api/v1/workspaces/{slug}/presence`) after
    /// `ready`: pushing everyone's status to every connection would cost the square of the
    /// people online when they all reconnect at once.
    Presence { statuses: Vec<PresenceEntry> },
    /// The user's read marker of a conversation moved: they marked it read or unread in
    /// another tab or on another device (ephemeral, to their own connections only; a client
    /// that was away asks `GET /api/v1/workspaces/{slug}/unread`).
    Read {
        state: crate::conversation::ReadState,
    },
    /// A message the user should hear of now (a mention, a direct message, or any message of
    /// a conversation set to notify of everything), sent to their own connections right
    /// after its `event` frame, unless do not disturb holds it back. Not replayed: a client
    /// that was away asks `GET /api/v1/workspaces/{slug}/activity`.
    Notify {
        notification: crate::notification::Notification,
    },
    /// Everything of this workspace up to `position` that concerns the user has been sent:
    /// a client stores it as where to resume. Sent (to every connection of the workspace)
    /// when events the user does not receive, such as other people's private conversations,
    /// moved the workspace on, so that a later replay does not read them again.
    Position {
        workspace_id: WorkspaceId,
        position: i64,
    },
    /// A `post` was committed: `created` is false when its client id had been used already,
    /// and `message` is then the first message (nothing was posted twice).
    Posted {
        client_id: String,
        created: bool,
        message: Box<Message>,
    },
    /// A `post` was refused: `status` and `error` are what `POST
    /// /api/v1/conversations/{id}/messages` would have answered.
    PostFailed {
        client_id: String,
        status: u16,
        error: ErrorBody,
    },
    /// Answer to `ping`.
    Pong,
    /// The client sent something we could not use; the connection stays open.
    Error { message: String },
}

/// Most statuses in one `presence` frame.
pub const PRESENCE_BATCH: usize = 100;

/// What the client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Start receiving events of all the user's workspaces: for each workspace named, those
    /// after the given position are replayed first; others start live.
    Resume {
        #[serde(default)]
        positions: BTreeMap<WorkspaceId, i64>,
    },
    /// Keeps the connection alive.
    Ping,
    /// The user is typing in a conversation (send at most every few seconds).
    Typing { conversation_id: ConversationId },
    /// The user is at the keyboard (`online`) or idle (`away`); `offline` is not accepted.
    Presence { status: PresenceStatus },
    /// Posts a message as `POST /api/v1/conversations/{id}/messages` does, without an HTTP
    /// request per message; answered with `posted` or `post_failed` naming the same
    /// `client_id` (required here: it matches the answer, and makes sending again safe).
    Post {
        conversation_id: ConversationId,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::client_id))]
        client_id: String,
        #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::message_body))]
        body: String,
        /// Posts a reply in this top-level message's thread.
        #[serde(default)]
        thread_root_id: Option<MessageId>,
        /// With `thread_root_id`: show the reply in the conversation's timeline too.
        #[serde(default)]
        also_in_channel: bool,
    },
}

/// Most workspaces a `resume` is sized for. Nobody belongs to a thousand workspaces on one
/// server; a client naming more sends a frame over [`MAX_CLIENT_FRAME_BYTES`].
pub const MAX_RESUME_POSITIONS: usize = 1_000;

/// The longest an id or position is as JSON text: `-9223372036854775808`.
const LONGEST_I64: usize = 20;
/// `{"type":"resume","positions":{` … `}}`
const RESUME_ENVELOPE: usize = r#"{"type":"resume","positions":{}}"#.len();
/// `"<workspace id>":<position>,`, both as long as they can be.
const RESUME_ENTRY: usize = 1 + LONGEST_I64 + 1 + 1 + LONGEST_I64 + 1;

/// The longest legal `resume`, in bytes (compact JSON, as every client library writes it):
/// naming [`MAX_RESUME_POSITIONS`] workspaces with the longest ids and positions.
pub const MAX_RESUME_FRAME_BYTES: usize = RESUME_ENVELOPE + MAX_RESUME_POSITIONS * RESUME_ENTRY;

/// The longest legal client frame, in bytes: a `post` of the longest message, which fits in
/// what a REST post may send ([`crate::message::MAX_REQUEST_BYTES`], about 496 KiB, room for
/// the other fields included), or a full `resume`. Every other client frame carries at most
/// one id and is far shorter. The server reads no WebSocket frame or message longer than
/// this, so a client cannot make it buffer megabytes, and the answer to a longer one is
/// close code [`CLOSE_TOO_BIG`].
pub const MAX_CLIENT_FRAME_BYTES: usize =
    if crate::message::MAX_REQUEST_BYTES > MAX_RESUME_FRAME_BYTES {
        crate::message::MAX_REQUEST_BYTES
    } else {
        MAX_RESUME_FRAME_BYTES
    };

/// Close code: the first frame could not be read (binary, or text that is not a frame).
pub const CLOSE_UNREADABLE: u16 = 1003;
/// Close code: the first frame was a frame, but not `resume`.
pub const CLOSE_RESUME_FIRST: u16 = 1008;
/// Close code: a frame or message longer than [`MAX_CLIENT_FRAME_BYTES`].
pub const CLOSE_TOO_BIG: u16 = 1009;
/// Close code: the session already holds [`MAX_SOCKETS_PER_SESSION`] open sockets.
pub const CLOSE_TOO_MANY_SOCKETS: u16 = 4008;

/// Most sockets one session (one sign-in) holds open at once, per server node. A browser
/// opens one per tab; a person with dozens of tabs of one server stays well under it, while
/// a runaway or hostile client cannot pile up thousands of connections (each costs memory
/// and a file descriptor) on one token.
pub const MAX_SOCKETS_PER_SESSION: usize = 32;

/// Whether someone can be reached right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    /// Connected, and at least one of their clients is active.
    Online,
    /// Connected, but every client says it is idle.
    Away,
    /// No live connection (none, or all silent for longer than the heartbeat allows).
    Offline,
}

impl PresenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Away => "away",
            Self::Offline => "offline",
        }
    }
}

/// `GET /api/v1/workspaces/{slug}/presence`: the members who are not offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresenceEntry {
    pub user_id: UserId,
    pub status: PresenceStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_frames_are_a_full_resume_and_the_longest_post() {
        let longest = ClientFrame::Resume {
            positions: (0..MAX_RESUME_POSITIONS)
                .map(|n| (WorkspaceId(i64::MIN + n as i64), i64::MIN))
                .collect(),
        };
        let json = serde_json::to_string(&longest).unwrap();
        assert!(json.len() <= MAX_RESUME_FRAME_BYTES, "{}", json.len());
        assert!(json.len() + 40 > MAX_RESUME_FRAME_BYTES, "a tight bound");
        // The longest body, every character escaped as a surrogate pair.
        let post = ClientFrame::Post {
            conversation_id: ConversationId(i64::MIN),
            client_id: "x".repeat(crate::message::MAX_CLIENT_ID_LEN),
            body: "\u{1}".repeat(crate::message::MAX_BODY_CHARS),
            thread_root_id: Some(MessageId(i64::MIN)),
            also_in_channel: true,
        };
        let json = serde_json::to_string(&post).unwrap();
        assert!(json.len() <= MAX_CLIENT_FRAME_BYTES, "{}", json.len());
        for other in [
            ClientFrame::Ping,
            ClientFrame::Typing {
                conversation_id: ConversationId(i64::MIN),
            },
            ClientFrame::Presence {
                status: PresenceStatus::Offline,
            },
        ] {
            assert!(serde_json::to_string(&other).unwrap().len() < 100);
        }
    }

    #[test]
    fn frames_are_tagged_json() {
        let resume: ClientFrame =
            serde_json::from_str(r#"{"type":"resume","positions":{"3":41}}"#).unwrap();
        assert_eq!(
            resume,
            ClientFrame::Resume {
                positions: BTreeMap::from([(WorkspaceId(3), 41)])
            }
        );
        let ping: ClientFrame = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
        assert_eq!(ping, ClientFrame::Ping);
        let hello = serde_json::to_string(&ServerFrame::Hello {
            heartbeat_interval_ms: 30_000,
        })
        .unwrap();
        assert_eq!(hello, r#"{"type":"hello","heartbeat_interval_ms":30000}"#);
    }
}
