//! Wire types of the OComms protocol: ids, REST request/response bodies and error codes.
//!
//! Everything here is plain data that crosses the network, shared by the server, the Rust SDK,
//! the load generator and the desktop client. No I/O, no business rules (those live in
//! `ocomms-domain`). With the `openapi` feature the types also describe themselves for the
//! OpenAPI document the server publishes.

pub mod account;
pub mod conversation;
pub mod error;
pub mod event;
pub mod id;
pub mod instance;
pub mod limit;
pub mod message;
pub mod notification;
pub mod number;
pub mod realtime;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod search;
pub mod workspace;

pub use error::{ErrorBody, ErrorCode};
pub use id::{ConversationId, InvitationId, MessageId, SessionId, UserId, WorkspaceId};

/// Milliseconds since the Unix epoch, UTC. Every timestamp on the wire uses this unit.
pub type Timestamp = i64;
