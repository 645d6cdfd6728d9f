//! The registry of servers from the user's side: adding one (probed first), removing one,
//! muting one's desktop notifications.

use crate::msg::Effect;
use crate::probe::normalize_url;
use crate::registry::{Saved, SavedTrust};
use crate::state::{AddServer, ServerKey, State};

pub(super) fn add_server(
    state: &mut State,
    input: &str,
    trust: SavedTrust,
    muted: bool,
) -> Vec<Effect> {
    let url = match normalize_url(input) {
        Ok(url) => url,
        Err(e) => {
            state.add_server.error = Some(e);
            return vec![];
        }
    };
    if let Some(existing) = state.servers.iter().find(|s| s.url == url) {
        // Already joined: go there (another account is added from the sign-in form).
        state.active_server = Some(existing.key);
        state.add_server = AddServer::default();
        return vec![];
    }
    if state.add_server.is_probing(&url) {
        return vec![];
    }
    if !state.requested.contains(&url) {
        state.requested.push(url.clone());
    }
    state.add_server.probing.push(Saved {
        url: url.clone(),
        trust: trust.clone(),
        muted,
    });
    state.add_server.error = None;
    state.add_server.untrusted = None;
    vec![Effect::Probe { url, trust }]
}

pub(super) fn remove_server(state: &mut State, key: ServerKey) -> Vec<Effect> {
    if let Some(at) = state.stopped.iter().position(|s| s.key == key) {
        let stopped = state.stopped.remove(at);
        state.requested.retain(|u| *u != stopped.url);
        return vec![Effect::ForgetServer { url: stopped.url }];
    }
    let Some(at) = state.servers.iter().position(|s| s.key == key) else {
        return vec![];
    };
    let server = state.servers.remove(at);
    state.requested.retain(|u| *u != server.url);
    if state.active_server == Some(key) {
        state.active_server = state.servers.first().map(|s| s.key);
    }
    if state.servers.is_empty() {
        state.add_server.open = true;
    }
    let mut effects: Vec<Effect> = server
        .accounts
        .iter()
        .map(|a| Effect::SignOut { account: a.key })
        .collect();
    // Also forgets the sessions kept for it.
    effects.push(Effect::ForgetServer { url: server.url });
    effects
}

/// Silences (or lets through again) the active server's desktop notifications; remembered.
pub(super) fn toggle_mute(state: &mut State) -> Vec<Effect> {
    let Some(server) = state.active_server.and_then(|k| state.server_mut(k)) else {
        return vec![];
    };
    server.muted = !server.muted;
    vec![Effect::RememberServer {
        saved: Saved {
            url: server.url.clone(),
            trust: server.trust.clone(),
            muted: server.muted,
        },
    }]
}
