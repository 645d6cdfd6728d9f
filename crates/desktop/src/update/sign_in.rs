//! The sign-in form of the server on screen: opening and closing it, signing in or up
//! (a new account key per attempt), and signing out.

use crate::msg::Effect;
use crate::state::{AccountKey, AuthForm, State};

pub(super) fn set_auth_open(state: &mut State, open: bool) -> Vec<Effect> {
    if let Some(key) = state.active_server
        && let Some(server) = state.server_mut(key)
    {
        // The form cannot be closed while there is no account to show instead.
        server.auth.open = open || server.active().is_none();
        server.auth.error = None;
    }
    vec![]
}

pub(super) fn start_auth(
    state: &mut State,
    email: String,
    password: String,
    display_name: Option<String>,
) -> Vec<Effect> {
    let Some(server_key) = state.active_server else {
        return vec![];
    };
    let account = AccountKey(state.next_key());
    let Some(server) = state.server_mut(server_key) else {
        return vec![];
    };
    if server.auth.busy {
        return vec![];
    }
    server.auth = AuthForm {
        open: true,
        busy: true,
        error: None,
        email: email.clone(),
    };
    let (url, trust) = (server.url.clone(), server.trust.clone());
    vec![match display_name {
        None => Effect::SignIn {
            server: server_key,
            account,
            url,
            trust,
            email,
            password,
        },
        Some(display_name) => Effect::SignUp {
            server: server_key,
            account,
            url,
            trust,
            email,
            password,
            display_name,
        },
    }]
}

pub(super) fn sign_out(state: &mut State) -> Vec<Effect> {
    let Some(server) = state.active_server.and_then(|k| state.server_mut(k)) else {
        return vec![];
    };
    let Some(key) = server.active_account else {
        return vec![];
    };
    let Some(at) = server.accounts.iter().position(|a| a.key == key) else {
        return vec![];
    };
    let account = server.accounts.remove(at);
    server.active_account = server.accounts.first().map(|a| a.key);
    if server.active_account.is_none() {
        server.auth = AuthForm {
            open: true,
            ..AuthForm::default()
        };
    }
    vec![
        Effect::SignOut { account: key },
        Effect::ForgetSession {
            url: server.url.clone(),
            user: account.user.id,
        },
    ]
}
