//! `update(&mut State, Msg) -> Vec<Effect>`: the one place the client's state changes. User
//! actions are handled here; answers from the network in `update/answer.rs`. No I/O: what
//! needs the network comes back as `Effect`s for the runner.

mod answer;
mod cached;
mod composer;
mod lists;
mod notify;
mod reactions;
mod realtime;
mod search;
mod servers;
mod sessions;
mod settings;
mod sign_in;
#[cfg(test)]
mod tests;
mod trust;

pub use notify::Arrived;
pub use settings::level_label;

use crate::msg::{Effect, Msg};
use crate::registry::SavedTrust;
use crate::state::{Account, AddServer, State};
use composer::flush;
use composer::{edit_last, load_older, scrolled, send};
use servers::{add_server, remove_server, toggle_mute};
use sign_in::{set_auth_open, sign_out, start_auth};

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = apply(state, msg);
    // An account shown from the offline cache has no session to do them with (yet).
    effects.retain(|e| !cached::lacks_session(state, e));
    effects
}

fn apply(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::OpenAddServer => {
            state.add_server = AddServer {
                open: true,
                ..AddServer::default()
            };
            vec![]
        }
        Msg::CloseAddServer => {
            state.add_server = AddServer::default();
            vec![]
        }
        Msg::AddServer(input) => add_server(state, &input, SavedTrust::PublicCa, false),
        Msg::AddServerWithCa { input, ca_file } => {
            let ca_file = ca_file.trim();
            let trust = if ca_file.is_empty() {
                SavedTrust::PublicCa
            } else {
                SavedTrust::CaFile(ca_file.into())
            };
            add_server(state, &input, trust, false)
        }
        Msg::RestoreServer(saved) => {
            let effects = add_server(state, &saved.url, saved.trust, saved.muted);
            if effects.is_empty() {
                return effects;
            }
            // Its offline cache first, then the probe (`cached::cache_read`).
            state.add_server.restoring.push(saved.url.clone());
            vec![Effect::ReadCache { url: saved.url }]
        }
        Msg::TrustCertificate => match state.add_server.untrusted.take() {
            Some((url, fingerprint)) => {
                add_server(state, &url, SavedTrust::Pinned(fingerprint), false)
            }
            None => vec![],
        },
        Msg::ToggleMute => toggle_mute(state),
        Msg::WindowFocused(focused) => {
            state.focused = focused;
            // Looking at the window again: what is on screen has been seen.
            if focused {
                mark_viewed_read(state)
            } else {
                vec![]
            }
        }
        Msg::RemoveServer(key) => remove_server(state, key),
        Msg::SelectServer(key) => {
            if trust::show_stopped(state, key) || state.server(key).is_none() {
                return vec![];
            }
            state.active_server = Some(key);
            state.chosen = true;
            mark_viewed_read(state)
        }
        Msg::SelectAccount(key) => {
            if let Some(server) = state.servers.iter_mut().find(|s| s.account(key).is_some()) {
                server.active_account = Some(key);
                server.auth.open = false;
                state.active_server = Some(server.key);
                return mark_viewed_read(state);
            }
            vec![]
        }
        Msg::OpenSignIn => set_auth_open(state, true),
        Msg::CloseSignIn => set_auth_open(state, false),
        Msg::SignIn { email, password } => start_auth(state, email, password, None),
        Msg::SignUp {
            email,
            password,
            display_name,
        } => start_auth(state, email, password, Some(display_name)),
        Msg::SignOut => sign_out(state),
        Msg::SelectWorkspace(id) => select_workspace(state, id),
        Msg::SelectConversation(id) => select_conversation(state, id),
        Msg::FilterChanged(filter) => {
            if let Some(account) = viewed_mut(state) {
                account.context.filter = filter;
            }
            vec![]
        }
        Msg::DraftChanged(text) => {
            if let Some(account) = viewed_mut(state)
                && let Some(conversation) = account.context.conversation
            {
                if text.is_empty() {
                    account.context.drafts.remove(&conversation);
                } else {
                    account.context.drafts.insert(conversation, text);
                }
            }
            vec![]
        }
        Msg::Send => send(state),
        Msg::LoadOlder => load_older(state),
        Msg::Scrolled(top) => scrolled(state, top),
        Msg::EditLast => edit_last(state),
        Msg::CancelEdit => {
            if let Some(account) = viewed_mut(state)
                && account.context.editing.take().is_some()
                && let Some(conversation) = account.context.conversation
            {
                account.context.drafts.remove(&conversation);
            }
            vec![]
        }
        // Checked again here: the window could be handed anything.
        Msg::OpenLink(url) if crate::markdown::is_safe_url(&url) => {
            vec![Effect::OpenLink { url }]
        }
        Msg::OpenLink(_) => vec![],
        Msg::ToggleReaction { message, emoji } => reactions::toggle(state, message, emoji),
        msg @ (Msg::OpenNotifications
        | Msg::CloseNotifications
        | Msg::SetLevel(_)
        | Msg::SetDefaultLevel(_)
        | Msg::SetQuietHours { .. }
        | Msg::Snooze(_)
        | Msg::SetEmailFrequency(_)
        | Msg::OpenActivity
        | Msg::LoadMoreActivity) => settings::action(state, msg),
        msg @ (Msg::Search(_)
        | Msg::MoreResults
        | Msg::CloseSearch
        | Msg::OpenResult(_)
        | Msg::JumpToNewest) => search::action(state, msg),
        answer => answer::update(state, answer),
    }
}

/// The account on screen.
fn viewed_mut(state: &mut State) -> Option<&mut Account> {
    let key = state.viewed_account()?;
    state.account_mut(key).map(|(_, a)| a)
}

/// Whatever is on screen now has been seen.
fn mark_viewed_read(state: &mut State) -> Vec<Effect> {
    if let Some(account) = viewed_mut(state)
        && let Some(conversation) = account.context.conversation
        && account.context.shows(conversation)
        && account.read(conversation)
    {
        return vec![Effect::MarkRead {
            account: account.key,
            conversation,
        }];
    }
    vec![]
}

fn select_workspace(state: &mut State, id: ocomms_proto::WorkspaceId) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(slug) = account.workspace(id).map(|w| w.slug.clone()) else {
        return vec![];
    };
    account.context.workspace = Some(id);
    account.context.conversation = None;
    account.context.activity = false;
    if account.conversations.contains_key(&id) {
        match default_conversation(account) {
            Some(conversation) => select_conversation(state, conversation),
            None => vec![],
        }
    } else {
        vec![Effect::LoadConversations {
            account: account.key,
            workspace: id,
            slug,
        }]
    }
}

/// Where to land in a workspace: `#general`, else the first conversation the user is in.
fn default_conversation(account: &Account) -> Option<ocomms_proto::ConversationId> {
    let list = account.current_conversations();
    list.iter()
        .find(|c| c.is_general)
        .or_else(|| list.iter().find(|c| c.is_member))
        .map(|c| c.id)
}

fn select_conversation(state: &mut State, id: ocomms_proto::ConversationId) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    if account.context.conversation != Some(id) {
        account.context.editing = None;
    }
    account.context.conversation = Some(id);
    account.context.activity = false;
    account.context.searching = false;
    account.context.highlight = None;
    account.read(id);
    let read = Effect::MarkRead {
        account: account.key,
        conversation: id,
    };
    let loaded = account.timelines.get(&id).is_some_and(|t| t.loaded);
    if loaded {
        vec![read]
    } else {
        vec![
            Effect::LoadHistory {
                account: account.key,
                conversation: id,
                before: None,
            },
            read,
        ]
    }
}
