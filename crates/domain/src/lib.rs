//! OComms rules without I/O: what makes an email, a password, a name or a slug acceptable,
//! who may do what in a workspace, and how passwords are hashed.
//!
//! Nothing here touches the network, the database or the clock: callers pass `now` in. This
//! crate must not depend on tokio, sqlx or axum, so every rule can be unit-tested in isolation
//! and reused by the server, the CLI and (later) the desktop client.

pub mod channel;
pub mod handle;
pub mod invitation;
pub mod markdown;
pub mod mention;
pub mod message;
pub mod notification;
pub mod password;
pub mod permission;
pub mod profile;
pub mod reaction;
pub mod search;
pub mod slug;
pub mod validation;

pub use validation::{AllValid, Invalid, Invalids, Validated};
