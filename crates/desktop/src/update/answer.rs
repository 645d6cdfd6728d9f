//! Answers from the network: probe results, sign-ins, loaded lists and history, send
//! acknowledgements and the realtime session's updates.

use ocomms_proto::account::SessionToken;
use ocomms_proto::instance::InstanceInfo;

use super::lists::{conversations_loaded, workspaces_loaded};
use crate::error::{AuthError, CallError, ProbeError};
use crate::msg::{Effect, Msg};
use crate::state::{
    Account, AccountKey, AddServer, AuthForm, Connection, Server, ServerKey, State,
};
use crate::vault::SavedSession;

pub(super) fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Probed { url, result } => probed(state, url, result),
        Msg::SignedIn {
            server,
            account,
            result,
        } => signed_in(state, server, account, result),
        Msg::WorkspacesLoaded { account, result } => match result {
            Ok(list) => workspaces_loaded(state, account, list),
            Err(e) => failed(state, account, e),
        },
        Msg::ConversationsLoaded {
            account,
            workspace,
            result,
        } => match result {
            Ok((list, names, unread)) => {
                conversations_loaded(state, account, workspace, list, names, unread)
            }
            Err(e) => failed(state, account, e),
        },
        Msg::HistoryLoaded {
            account,
            conversation,
            result,
        } => match result {
            Ok(page) => {
                if let Some((_, a)) = state.account_mut(account) {
                    for m in &page.messages {
                        if let Some(client_id) = &m.client_id {
                            a.outbox.acknowledge(client_id);
                        }
                    }
                    let timeline = a.timelines.entry(conversation).or_default();
                    timeline.merge_history(page);
                    timeline.loading_older = false;
                }
                vec![]
            }
            Err(e) => {
                if let Some((_, a)) = state.account_mut(account)
                    && let Some(timeline) = a.timelines.get_mut(&conversation)
                {
                    timeline.loading_older = false;
                }
                failed(state, account, e)
            }
        },
        Msg::Posted {
            account,
            client_id,
            result,
        } => posted(state, account, &client_id, result),
        Msg::Edited { account, result } => match result {
            Ok(message) => {
                if let Some((_, a)) = state.account_mut(account) {
                    a.timelines
                        .entry(message.conversation_id)
                        .or_default()
                        .insert(message);
                }
                vec![]
            }
            Err(e) => failed(state, account, e),
        },
        Msg::Reacted {
            account,
            conversation,
            message,
            emoji,
            add,
            result,
        } => {
            super::reactions::answered(state, account, (conversation, message, emoji, add), result)
        }
        Msg::Realtime {
            account,
            update,
            received_at,
        } => super::realtime::realtime(state, account, update, received_at),
        Msg::SessionExpired(account) => session_expired(state, account),
        Msg::SearchLoaded {
            account,
            workspace,
            query,
            before,
            result,
        } => super::search::loaded(state, account, (workspace, query, before), result),
        Msg::AroundLoaded {
            account,
            conversation,
            result,
        } => super::search::around_loaded(state, account, conversation, result),
        Msg::CacheRead { url, cached } => super::cached::cache_read(state, url, cached.map(|c| *c)),
        Msg::CertificateChanged { account, presented } => {
            super::trust::certificate_changed(state, account, presented)
        }
        // Counts are local until the next load; only a dead session matters here.
        Msg::MarkedRead {
            account,
            result: Err(CallError::SessionExpired),
        } => session_expired(state, account),
        Msg::MarkedRead { .. } => vec![],
        Msg::TokenStore(store) => {
            state.token_store = Some(store);
            vec![]
        }
        Msg::SavedSessions { server, sessions } => {
            super::sessions::saved_sessions(state, server, sessions)
        }
        Msg::Resumed {
            server,
            account,
            saved,
            result,
        } => super::sessions::resumed(state, server, account, saved, result),
        msg @ (Msg::LevelsLoaded { .. }
        | Msg::LevelSet { .. }
        | Msg::SettingsLoaded { .. }
        | Msg::DefaultLevelSet { .. }
        | Msg::DoNotDisturbSet { .. }
        | Msg::EmailNotificationsLoaded { .. }
        | Msg::ActivityLoaded { .. }) => super::settings::answer(state, msg),
        // User actions are handled in `update`.
        _ => vec![],
    }
}

fn probed(state: &mut State, url: String, result: Result<InstanceInfo, ProbeError>) -> Vec<Effect> {
    // A server shown from the offline cache: its answers are always wanted.
    if let Some(server) = state.servers.iter().position(|s| s.url == url) {
        if let Some(at) = state.add_server.probing.iter().position(|p| p.url == url) {
            state.add_server.probing.remove(at);
        }
        return super::cached::probed_again(state, server, result);
    }
    // A late answer for a probe the user has since abandoned (closed the dialog).
    let Some(at) = state.add_server.probing.iter().position(|p| p.url == url) else {
        return vec![];
    };
    let saved = state.add_server.probing.remove(at);
    let restored = state.add_server.restoring.iter().position(|u| *u == url);
    if let Some(at) = restored {
        state.add_server.restoring.remove(at);
    }
    match result {
        Ok(info) => {
            // Added again after its certificate changed (the new one compared and trusted).
            state.stopped.retain(|s| s.url != url);
            let key = ServerKey(state.next_key());
            let remember = Effect::RememberServer {
                saved: saved.clone(),
            };
            let list = Effect::ListSavedSessions {
                server: key,
                url: url.clone(),
            };
            let at = state.rail_position(&url);
            state.servers.insert(
                at,
                Server {
                    key,
                    url: url.clone(),
                    trust: saved.trust,
                    info,
                    accounts: Vec::new(),
                    active_account: None,
                    auth: AuthForm {
                        open: true,
                        ..AuthForm::default()
                    },
                    resuming: 0,
                    muted: saved.muted,
                },
            );
            // A server the user added is shown; remembered ones join the rail without
            // taking the screen from the first of them that answered.
            if restored.is_none() {
                state.active_server = Some(key);
            } else {
                state.show_restored(key);
            }
            // Closed once every probe answered, unless one failed (its reason stays shown).
            if state.add_server.probing.is_empty() && state.add_server.error.is_none() {
                state.add_server = AddServer::default();
            }
            vec![remember, list]
        }
        Err(e) => {
            if let ProbeError::Untrusted { fingerprint } = e {
                state.add_server.untrusted = Some((url, fingerprint));
            }
            super::trust::keep_stopped(state, &e);
            // A remembered server that failed at start-up is said out loud.
            state.add_server.open = true;
            state.add_server.error = Some(e);
            vec![]
        }
    }
}

fn signed_in(
    state: &mut State,
    server_key: ServerKey,
    key: AccountKey,
    result: Result<SessionToken, AuthError>,
) -> Vec<Effect> {
    let Some(server) = state.server_mut(server_key) else {
        // The server was removed meanwhile: drop the new session.
        return vec![Effect::SignOut { account: key }];
    };
    server.auth.busy = false;
    let token = match result {
        Ok(token) => token,
        Err(e) => {
            server.auth.error = Some(e);
            return vec![];
        }
    };
    let mut account = Account::new(key, token.user.email.clone(), token.user);
    let saved = SavedSession {
        url: server.url.clone(),
        user: account.user.id,
        email: account.email.clone(),
    };
    let mut effects = vec![];
    // Signing in again as someone already here (after expiry): keep their place, drafts and
    // unsent messages; the old session is forgotten.
    if let Some(at) = server
        .accounts
        .iter()
        .position(|a| a.user.id == account.user.id)
    {
        let old = server.accounts.remove(at);
        effects.push(Effect::Forget { account: old.key });
        account.context = old.context;
        account.outbox = old.outbox;
        account.outbox.reset_in_flight();
        account.timelines = old.timelines;
        account.unread = old.unread;
        account.mentions = old.mentions;
        // The new session starts live: refetch history to cover the time signed out.
        for timeline in account.timelines.values_mut() {
            timeline.loaded = false;
        }
    }
    server.accounts.push(account);
    server.active_account = Some(key);
    server.auth = AuthForm::default();
    // After the old session's `Forget`: the new token replaces the old one.
    effects.push(Effect::SaveSession {
        account: key,
        saved,
    });
    effects.push(Effect::Connect { account: key });
    effects.push(Effect::LoadWorkspaces { account: key });
    effects
}

pub(super) fn failed(state: &mut State, key: AccountKey, error: CallError) -> Vec<Effect> {
    if error == CallError::SessionExpired {
        return session_expired(state, key);
    }
    if let Some((_, account)) = state.account_mut(key) {
        account.notice = Some(error.to_string());
    }
    vec![]
}

fn posted(
    state: &mut State,
    key: AccountKey,
    client_id: &str,
    result: Result<ocomms_proto::message::Message, CallError>,
) -> Vec<Effect> {
    let Some((_, account)) = state.account_mut(key) else {
        return vec![];
    };
    match result {
        Ok(message) => {
            account.outbox.acknowledge(client_id);
            let timeline = account
                .timelines
                .entry(message.conversation_id)
                .or_default();
            timeline.insert_live(message);
            vec![]
        }
        // The runner already retried; it goes again when the realtime session is back.
        Err(CallError::Offline(_)) => {
            account.outbox.retry_later(client_id);
            vec![]
        }
        Err(CallError::SessionExpired) => {
            account.outbox.retry_later(client_id);
            session_expired(state, key)
        }
        Err(CallError::Refused(reason)) => {
            account.outbox.refuse(client_id, reason);
            vec![]
        }
    }
}

pub(super) fn session_expired(state: &mut State, key: AccountKey) -> Vec<Effect> {
    let Some(server) = state.servers.iter_mut().find(|s| s.account(key).is_some()) else {
        return vec![];
    };
    let is_active = server.active_account == Some(key);
    let Some(account) = server.account_mut(key) else {
        return vec![];
    };
    if account.connection == Connection::SessionExpired {
        return vec![];
    }
    account.connection = Connection::SessionExpired;
    let email = account.email.clone();
    let user = account.user.id;
    let forget = Effect::ForgetSession {
        url: server.url.clone(),
        user,
    };
    if is_active {
        server.auth = AuthForm {
            open: true,
            email,
            ..AuthForm::default()
        };
    }
    vec![Effect::Forget { account: key }, forget]
}
