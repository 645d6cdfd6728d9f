//! A pinned certificate that changed while the client runs (docs/adr/0014): the same hard
//! stop as at start. The server leaves the rail, its sessions are dropped here without a
//! word to whoever now answers at its address (signing out would send the token there),
//! and the add-server dialog says what happened with both fingerprints. The server stays
//! in `servers.txt` and its tokens in the vault: the next start stops again at the probe,
//! and removing and re-adding it after comparing fingerprints is the way on.

use ocomms_client::Fingerprint;

use crate::error::ProbeError;
use crate::msg::Effect;
use crate::registry::SavedTrust;
use crate::state::{AccountKey, AddServer, ServerKey, State, Stopped};

/// A server stopped by a changed certificate stays on the rail, marked, with the reason a
/// click on it shows again. Other errors leave nothing there.
pub(super) fn keep_stopped(state: &mut State, error: &ProbeError) {
    if let ProbeError::CertificateChanged { server, .. } = error {
        let url = server.clone();
        state.stopped.retain(|s| s.url != url);
        let key = ServerKey(state.next_key());
        state.stopped.push(Stopped {
            key,
            url,
            error: error.clone(),
        });
    }
}

/// The user clicked a stopped server on the rail: the add-server dialog says why again.
pub(super) fn show_stopped(state: &mut State, key: ServerKey) -> bool {
    let Some(stopped) = state.stopped.iter().find(|s| s.key == key) else {
        return false;
    };
    state.add_server = AddServer {
        open: true,
        error: Some(stopped.error.clone()),
        ..AddServer::default()
    };
    true
}

pub(super) fn certificate_changed(
    state: &mut State,
    account: AccountKey,
    presented: Fingerprint,
) -> Vec<Effect> {
    let Some(at) = state
        .servers
        .iter()
        .position(|s| s.account(account).is_some())
    else {
        return vec![];
    };
    let SavedTrust::Pinned(pinned) = state.servers[at].trust else {
        return vec![];
    };
    if pinned == presented {
        return vec![];
    }
    let server = state.servers.remove(at);
    if state.active_server == Some(server.key) {
        state.active_server = state.servers.first().map(|s| s.key);
    }
    let error = ProbeError::CertificateChanged {
        server: server.url.clone(),
        pinned,
        presented,
    };
    keep_stopped(state, &error);
    state.add_server = AddServer {
        open: true,
        error: Some(error),
        ..AddServer::default()
    };
    server
        .accounts
        .iter()
        .map(|a| Effect::Forget { account: a.key })
        .collect()
}
