//! The offline cache's side of `update` (docs/adr/0021): a remembered server is shown from
//! its cache before (or without) its probe's answer, its accounts marked `cached` until a
//! kept session resumes them, and no effect that needs a session is sent for them.

use crate::cache::Cached;
use crate::msg::Effect;
use crate::state::{Account, AccountKey, AuthForm, Connection, Server, ServerKey, State};

/// A remembered server's cache was read: show it, then probe it (in that order, so a
/// server that does not answer is still shown from its cache).
pub(super) fn cache_read(state: &mut State, url: String, cached: Option<Cached>) -> Vec<Effect> {
    let Some(saved) = state
        .add_server
        .probing
        .iter()
        .find(|p| p.url == url)
        .cloned()
    else {
        return vec![];
    };
    let probe = Effect::Probe {
        url: url.clone(),
        trust: saved.trust.clone(),
    };
    let Some(cached) = cached else {
        return vec![probe];
    };
    if state.servers.iter().any(|s| s.url == url) {
        return vec![probe];
    }
    let key = ServerKey(state.next_key());
    let mut accounts = Vec::with_capacity(cached.accounts.len());
    for kept in cached.accounts {
        let mut account = Account::new(
            AccountKey(state.next_key()),
            kept.user.email.clone(),
            kept.user,
        );
        account.cached = true;
        account.connection = Connection::Offline { attempt: 0 };
        account.workspaces = kept.workspaces;
        account.conversations = kept.conversations.into_iter().collect();
        account.names.extend(kept.names);
        for (conversation, messages) in kept.messages {
            let timeline = account.timelines.entry(conversation).or_default();
            timeline.merge_page(messages, true);
            // Fetched again once signed back in.
            timeline.loaded = false;
        }
        account.notifications.levels.extend(kept.levels);
        // Back where the user was, else where a sign-in lands.
        let place = kept
            .place
            .and_then(|id| account.conversation(id).map(|c| (c.workspace_id, id)));
        account.context.workspace = place
            .map(|(w, _)| w)
            .or_else(|| account.workspaces.first().map(|w| w.id));
        account.context.conversation = place
            .map(|(_, c)| c)
            .or_else(|| super::default_conversation(&account));
        account.notice = Some("Offline: showing what this computer kept.".into());
        accounts.push(account);
    }
    let at = state.rail_position(&url);
    state.servers.insert(
        at,
        Server {
            key,
            url,
            trust: saved.trust,
            info: cached.info,
            active_account: accounts.first().map(|a| a.key),
            accounts,
            auth: AuthForm::default(),
            resuming: 0,
            muted: saved.muted,
        },
    );
    state.show_restored(key);
    // The dialog opened for a first run; a server is on screen now.
    state.add_server.open = false;
    vec![probe]
}

/// A kept session of an account shown from the cache came back: the account is live, under
/// the key its session was registered with, with its cached place and drafts.
pub(super) fn adopt(
    server: &mut Server,
    key: AccountKey,
    user: ocomms_proto::account::CurrentUser,
) -> bool {
    let Some(account) = server
        .accounts
        .iter_mut()
        .find(|a| a.cached && a.user.id == user.id)
    else {
        return false;
    };
    let old = account.key;
    account.key = key;
    account.user = user;
    account.cached = false;
    account.notice = None;
    account.connection = Connection::Connecting;
    if server.active_account == Some(old) {
        server.active_account = Some(key);
    }
    true
}

/// Effects that need the account's session are not sent for an account that has none yet.
pub(super) fn lacks_session(state: &State, effect: &Effect) -> bool {
    let account = match effect {
        Effect::LoadWorkspaces { account }
        | Effect::LoadConversations { account, .. }
        | Effect::LoadHistory { account, .. }
        | Effect::Post { account, .. }
        | Effect::Edit { account, .. }
        | Effect::React { account, .. }
        | Effect::MarkRead { account, .. }
        | Effect::Connect { account }
        | Effect::SaveSession { account, .. }
        | Effect::LoadLevels { account, .. }
        | Effect::SetLevel { account, .. }
        | Effect::LoadSettings { account, .. }
        | Effect::SetDefaultLevel { account, .. }
        | Effect::SetDoNotDisturb { account, .. }
        | Effect::LoadEmailNotifications { account }
        | Effect::SetEmailFrequency { account, .. }
        | Effect::LoadActivity { account, .. }
        | Effect::Search { account, .. }
        | Effect::LoadAround { account, .. } => *account,
        _ => return false,
    };
    state.account(account).is_some_and(|a| a.cached)
}

/// The probe of a server already shown (from its cache) answered. Reached: sessions are
/// resumed as for any server. Not reached: it stays, offline, and is asked again later.
/// A certificate problem is the hard stop it is at start.
pub(super) fn probed_again(
    state: &mut State,
    at: usize,
    result: Result<ocomms_proto::instance::InstanceInfo, crate::error::ProbeError>,
) -> Vec<Effect> {
    use crate::error::ProbeError;
    let server = &mut state.servers[at];
    match result {
        Ok(info) => {
            server.info = info;
            vec![
                Effect::RememberServer {
                    saved: crate::registry::Saved {
                        url: server.url.clone(),
                        trust: server.trust.clone(),
                        muted: server.muted,
                    },
                },
                Effect::ListSavedSessions {
                    server: server.key,
                    url: server.url.clone(),
                },
            ]
        }
        Err(e @ (ProbeError::CertificateChanged { .. } | ProbeError::Untrusted { .. })) => {
            let server = state.servers.remove(at);
            if state.active_server == Some(server.key) {
                state.active_server = state.servers.first().map(|s| s.key);
            }
            state.add_server.open = true;
            super::trust::keep_stopped(state, &e);
            state.add_server.error = Some(e);
            vec![]
        }
        Err(e) => {
            // Not reached is the usual case: said in words, without the transport's error
            // chain (the window's sidebar is narrow); anything else says what it was.
            let notice = match e {
                ProbeError::Unreachable(_) => {
                    "Offline: the server does not answer. Showing what this computer kept.".into()
                }
                e => format!("Offline ({e}): showing what this computer kept."),
            };
            for account in server.accounts.iter_mut().filter(|a| a.cached) {
                account.notice = Some(notice.clone());
            }
            vec![Effect::ProbeLater {
                url: server.url.clone(),
                trust: server.trust.clone(),
            }]
        }
    }
}
