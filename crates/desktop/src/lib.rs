//! OpenChat, the native desktop client for many OComms servers at once. Shaped like Halloy:
//! `state` holds everything the client knows as plain data, `update` is the only place it
//! changes (user actions and network answers in, `Effect`s out), `runner` carries out the
//! effects on tokio through `ocomms-client`, and `ui` only renders a `view` of the state and
//! turns clicks and keys into `Msg`s. Belongs here: client behaviour and its presentation.
//! Must not be here: HTTP or WebSocket code (that is the SDK's), server internals, and any
//! state that lives only in the Slint UI (it would escape the `update` tests).

pub mod cache;
pub mod emoji;
pub mod error;
pub mod markdown;
pub mod msg;
pub mod probe;
pub mod registry;
pub mod runner;
pub mod state;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod ui;
pub mod update;
pub mod vault;
pub mod view;

pub use msg::{Effect, Msg};
pub use state::State;
pub use update::update;

/// A fresh random prefix for this process's client ids (see `State::new`).
pub fn client_prefix() -> String {
    use rand::Rng as _;
    format!("oc{:016x}", rand::rng().random::<u64>())
}
