//! Sessions kept across runs: listed once a server answers its probe, signed back in with
//! their kept token, and an expired one said out loud instead of failing silently.

use super::*;
use crate::error::CallError;
use crate::state::{AccountKey, Connection, ServerKey};
use crate::vault::{SavedSession, TokenStore};

const URL: &str = "https://chat.example.com";

fn saved(user: ocomms_proto::UserId, email: &str) -> SavedSession {
    SavedSession {
        url: URL.into(),
        user,
        email: email.into(),
    }
}

/// A server that answered its probe, with no account yet.
fn probed(state: &mut State) -> ServerKey {
    update(state, Msg::AddServer(URL.into()));
    let effects = update(
        state,
        Msg::Probed {
            url: URL.into(),
            result: Ok(info("Acme Chat")),
        },
    );
    let key = state.active_server.expect("added");
    assert!(
        effects.contains(&Effect::ListSavedSessions {
            server: key,
            url: URL.into()
        }),
        "{effects:?}"
    );
    key
}

/// Hands the kept sessions to `update`; returns the account key of each `Resume`.
fn resume(state: &mut State, server: ServerKey, sessions: Vec<SavedSession>) -> Vec<AccountKey> {
    let effects = update(state, Msg::SavedSessions { server, sessions });
    effects
        .iter()
        .map(|e| match e {
            Effect::Resume {
                account,
                url,
                saved,
                ..
            } => {
                assert_eq!((url.as_str(), saved.url.as_str()), (URL, URL));
                *account
            }
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn kept_sessions_sign_back_in_without_the_form() {
    let mut state = State::new("c");
    let server = probed(&mut state);
    assert!(view(&state).auth.open, "a new server asks to sign in");
    let ada = saved(ME, "me@example.com");
    let accounts = resume(&mut state, server, vec![ada.clone()]);
    let [account] = accounts[..] else {
        panic!("{accounts:?}")
    };
    let shown = view(&state);
    assert!(!shown.auth.open, "no form while the kept session is tried");
    assert_eq!(shown.toolbar.connection, "Signing you back in…");

    let me = token(ME, "me@example.com").user;
    let effects = update(
        &mut state,
        Msg::Resumed {
            server,
            account,
            saved: ada.clone(),
            result: Ok(me),
        },
    );
    assert_eq!(
        effects,
        [
            Effect::Connect { account },
            Effect::LoadWorkspaces { account }
        ]
    );
    assert_eq!(state.viewed_account(), Some(account));
    assert!(!view(&state).auth.open);
    // Listed again (a second probe): an account already back is not resumed twice.
    assert!(resume(&mut state, server, vec![ada]).is_empty());
}

#[test]
fn an_expired_kept_session_is_said_on_the_rail_and_in_the_form_and_forgotten() {
    let mut state = State::new("c");
    let server = probed(&mut state);
    let ada = saved(ME, "me@example.com");
    let [account] = resume(&mut state, server, vec![ada.clone()])[..] else {
        panic!()
    };
    let effects = update(
        &mut state,
        Msg::Resumed {
            server,
            account,
            saved: ada,
            result: Err(CallError::SessionExpired),
        },
    );
    assert_eq!(
        effects,
        [Effect::ForgetSession {
            url: URL.into(),
            user: ME
        }]
    );
    let shown = view(&state);
    assert!(shown.auth.open);
    assert_eq!(shown.auth.email, "me@example.com");
    assert_eq!(shown.auth.error, "Your session expired: sign in again");
    assert_eq!(shown.rail[0].connection, Connection::SessionExpired.label());
    assert_eq!(shown.rail[0].level, 4);
    assert_eq!(shown.toolbar.connection, Connection::SessionExpired.label());

    // Signing in again keeps the new session.
    let (_, again) = join_existing(&mut state, "me@example.com");
    assert_eq!(state.viewed_account(), Some(again));
    assert_eq!(view(&state).rail[0].connection, "Online");
}

#[test]
fn a_kept_session_that_cannot_be_tried_is_kept_and_the_form_says_why() {
    let mut state = State::new("c");
    let server = probed(&mut state);
    let ada = saved(ME, "me@example.com");
    let [account] = resume(&mut state, server, vec![ada.clone()])[..] else {
        panic!()
    };
    let effects = update(
        &mut state,
        Msg::Resumed {
            server,
            account,
            saved: ada,
            result: Err(CallError::Offline("connection refused".into())),
        },
    );
    assert!(effects.is_empty(), "the token is kept: {effects:?}");
    let auth = view(&state).auth;
    assert!(auth.open && auth.error.contains("connection refused"));
}

#[test]
fn signing_in_keeps_the_session_and_signing_out_or_expiry_forgets_it() {
    let mut state = State::new("c");
    update(&mut state, Msg::AddServer(URL.into()));
    update(
        &mut state,
        Msg::Probed {
            url: URL.into(),
            result: Ok(info("Acme Chat")),
        },
    );
    let effects = update(
        &mut state,
        Msg::SignIn {
            email: "me@example.com".into(),
            password: "pw".into(),
        },
    );
    let Some(Effect::SignIn {
        server, account, ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut state,
        Msg::SignedIn {
            server,
            account,
            result: Ok(token(ME, "me@example.com")),
        },
    );
    assert!(
        effects.contains(&Effect::SaveSession {
            account,
            saved: saved(ME, "me@example.com"),
        }),
        "{effects:?}"
    );
    let forget = Effect::ForgetSession {
        url: URL.into(),
        user: ME,
    };
    assert!(update(&mut state, Msg::SessionExpired(account)).contains(&forget));

    let (_, again) = join_existing(&mut state, "me@example.com");
    assert_eq!(
        update(&mut state, Msg::SignOut),
        [Effect::SignOut { account: again }, forget]
    );
}

#[test]
fn tokens_kept_in_a_file_are_said_in_the_toolbar() {
    let mut state = State::new("c");
    assert_eq!(view(&state).toolbar.token_store, "");
    update(&mut state, Msg::TokenStore(TokenStore::Keyring));
    assert_eq!(view(&state).toolbar.token_store, "");
    update(
        &mut state,
        Msg::TokenStore(TokenStore::File(
            "/home/ada/.local/share/openchat/tokens.txt".into(),
        )),
    );
    let said = view(&state).toolbar.token_store;
    assert!(
        said.contains("no keyring") && said.contains("/home/ada/.local/share/openchat/tokens.txt"),
        "{said}"
    );
}

#[test]
fn signing_up_creates_the_account_signs_it_in_and_keeps_the_session() {
    let mut state = State::new("c");
    let server = probed(&mut state);
    assert!(view(&state).auth.open_signup, "the form offers sign-up");
    let effects = update(
        &mut state,
        Msg::SignUp {
            email: "new@example.com".into(),
            password: "pw".into(),
            display_name: "Newt".into(),
        },
    );
    let [
        Effect::SignUp {
            server: to,
            account,
            url,
            email,
            display_name,
            ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (*to, url.as_str(), email.as_str(), display_name.as_str()),
        (server, URL, "new@example.com", "Newt")
    );
    let account = *account;
    assert!(view(&state).auth.busy);
    assert!(
        update(
            &mut state,
            Msg::SignUp {
                email: "new@example.com".into(),
                password: "pw".into(),
                display_name: "Newt".into(),
            },
        )
        .is_empty(),
        "once, while the first is on its way"
    );

    // A server that confirms addresses by email: the form says so and stays.
    update(
        &mut state,
        Msg::SignedIn {
            server,
            account,
            result: Err(AuthError::ConfirmEmail("new@example.com".into())),
        },
    );
    let auth = view(&state).auth;
    assert!(auth.open && !auth.busy, "{auth:?}");
    assert!(auth.error.contains("open the link sent to new@example.com"));

    // One that signs new accounts in at once: the account is on screen and kept.
    let effects = update(
        &mut state,
        Msg::SignUp {
            email: "new@example.com".into(),
            password: "pw".into(),
            display_name: "Newt".into(),
        },
    );
    let Some(Effect::SignUp { account, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut state,
        Msg::SignedIn {
            server,
            account,
            result: Ok(token(ME, "new@example.com")),
        },
    );
    assert!(
        effects.contains(&Effect::Connect { account }),
        "{effects:?}"
    );
    assert!(effects.contains(&Effect::SaveSession {
        account,
        saved: saved(ME, "new@example.com"),
    }));
    assert_eq!(state.viewed_account(), Some(account));
    assert!(!view(&state).auth.open);
}
