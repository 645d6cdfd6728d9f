//! Sessions kept from an earlier run: a server that answered its probe lists the accounts
//! remembered on it, each is signed back in with its kept token, and one the server no
//! longer accepts says "session expired" instead of failing silently.

use ocomms_proto::account::CurrentUser;

use crate::error::{AuthError, CallError};
use crate::msg::Effect;
use crate::state::{Account, AccountKey, AuthForm, ServerKey, State};
use crate::vault::SavedSession;

pub(super) fn saved_sessions(
    state: &mut State,
    server_key: ServerKey,
    sessions: Vec<SavedSession>,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    for saved in sessions {
        // One shown from the offline cache is resumed too.
        let signed_in = state.server(server_key).is_some_and(|s| {
            s.url != saved.url
                || s.accounts
                    .iter()
                    .any(|a| a.user.id == saved.user && !a.cached)
        });
        if signed_in {
            continue;
        }
        let account = AccountKey(state.next_key());
        let Some(server) = state.server_mut(server_key) else {
            return vec![];
        };
        server.resuming += 1;
        // The sign-in form waits: it opens again if no session comes back.
        server.auth.open = false;
        effects.push(Effect::Resume {
            server: server_key,
            account,
            url: server.url.clone(),
            trust: server.trust.clone(),
            saved,
        });
    }
    effects
}

pub(super) fn resumed(
    state: &mut State,
    server_key: ServerKey,
    key: AccountKey,
    saved: SavedSession,
    result: Result<CurrentUser, CallError>,
) -> Vec<Effect> {
    let Some(server) = state.server_mut(server_key) else {
        // Removed meanwhile: end the session on the server too.
        return match result {
            Ok(_) => vec![Effect::SignOut { account: key }],
            Err(_) => vec![],
        };
    };
    server.resuming = server.resuming.saturating_sub(1);
    match result {
        Ok(user) => {
            if super::cached::adopt(server, key, user.clone()) {
                return vec![
                    Effect::Connect { account: key },
                    Effect::LoadWorkspaces { account: key },
                ];
            }
            if server.accounts.iter().any(|a| a.user.id == user.id) {
                // Signed in by hand while this was on its way: that session is the one kept.
                return vec![Effect::SignOut { account: key }];
            }
            server.accounts.push(Account::new(key, saved.email, user));
            if server.active_account.is_none() {
                server.active_account = Some(key);
            }
            vec![
                Effect::Connect { account: key },
                Effect::LoadWorkspaces { account: key },
            ]
        }
        Err(CallError::SessionExpired) => {
            // Its cached copy goes with it (the runner empties the cache on `ForgetSession`).
            server
                .accounts
                .retain(|a| !(a.cached && a.user.id == saved.user));
            if server.active().is_none() {
                server.active_account = server.accounts.first().map(|a| a.key);
            }
            // Said where the user looks for it: the sign-in form, pre-filled (over another
            // account of the server, if one came back), and the rail.
            server.auth = AuthForm {
                open: true,
                email: saved.email,
                error: Some(AuthError::SessionExpired),
                busy: false,
            };
            vec![Effect::ForgetSession {
                url: saved.url,
                user: saved.user,
            }]
        }
        // The server did not answer (or refused for another reason): the token is kept for
        // the next run, and the user may sign in by hand now.
        Err(CallError::Offline(reason) | CallError::Refused(reason)) => {
            if server.active_account.is_none() {
                server.auth = AuthForm {
                    open: true,
                    email: saved.email,
                    error: Some(AuthError::NotResumed(reason)),
                    busy: false,
                };
            }
            vec![]
        }
    }
}
