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
use crate::state::{AccountKey, AddServer, State};

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
    state.add_server = AddServer {
        open: true,
        error: Some(ProbeError::CertificateChanged {
            server: server.url,
            pinned,
            presented,
        }),
        ..AddServer::default()
    };
    server
        .accounts
        .iter()
        .map(|a| Effect::Forget { account: a.key })
        .collect()
}
