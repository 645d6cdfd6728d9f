//! `update` driven by messages alone: no window, no network. Here: the server registry,
//! probes, accounts and per-server context; the rest by subject in `tests/`.

mod cached;
mod certificates;
mod email;
mod fixture;
mod messages;
mod notify;
mod reactions;
mod scroll;
mod search;
mod sessions;
mod settings;
mod trust;
mod unread;

use crate::error::{AuthError, ProbeError};
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::State;
use crate::update;
use crate::view::view;
use fixture::*;

#[test]
fn a_probe_failure_keeps_the_dialog_open_with_the_reason() {
    let mut state = State::new("c");
    let effects = update(&mut state, Msg::AddServer("chat.example.com".into()));
    assert_eq!(
        effects,
        [Effect::Probe {
            url: "https://chat.example.com".into(),
            trust: SavedTrust::PublicCa,
        }]
    );
    update(
        &mut state,
        Msg::Probed {
            url: "https://chat.example.com".into(),
            result: Err(ProbeError::NotOComms),
        },
    );
    assert!(state.servers.is_empty());
    assert_eq!(state.add_server.error, Some(ProbeError::NotOComms));
    assert!(view(&state).add_server.open);
    update(&mut state, Msg::AddServer("http://example.com".into()));
    assert_eq!(
        state.add_server.error,
        Some(ProbeError::PlainHttpNotLoopback)
    );
    // A late answer for a probe the user abandoned is ignored.
    update(&mut state, Msg::AddServer("chat.example.com".into()));
    update(&mut state, Msg::CloseAddServer);
    update(
        &mut state,
        Msg::Probed {
            url: "https://chat.example.com".into(),
            result: Ok(info("Late")),
        },
    );
    assert!(state.servers.is_empty());
}

#[test]
fn servers_are_added_selected_and_removed() {
    let mut state = State::new("c");
    let (a, _) = join(&mut state, "https://a.example", "me@a");
    let (b, account_b) = join(&mut state, "https://b.example", "me@b");
    assert_eq!(state.active_server, Some(b));
    let rail = view(&state).rail;
    assert_eq!(rail.len(), 2);
    assert_eq!(rail[0].initials, "AC");
    assert!(rail[1].active && rail[1].connection == "Online");
    // Adding a known address goes there instead of probing again.
    assert!(update(&mut state, Msg::AddServer("a.example/".into())).is_empty());
    assert_eq!(state.active_server, Some(a));
    let effects = update(&mut state, Msg::RemoveServer(b));
    assert_eq!(
        effects,
        [
            Effect::SignOut { account: account_b },
            Effect::ForgetServer {
                url: "https://b.example".into()
            }
        ]
    );
    assert_eq!(state.servers.len(), 1);
    update(&mut state, Msg::RemoveServer(a));
    assert!(state.active_server.is_none() && view(&state).add_server.open);
}

#[test]
fn each_server_keeps_its_channel_filter_and_draft() {
    let mut state = State::new("c");
    let (a, _) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::SelectConversation(RANDOM));
    update(&mut state, Msg::FilterChanged("ran".into()));
    update(&mut state, Msg::DraftChanged("half a thought".into()));
    let (b, _) = join(&mut state, "https://b.example", "me@b");
    let on_b = view(&state);
    assert_eq!(on_b.toolbar.title, "# general");
    assert_eq!((on_b.filter.as_str(), on_b.draft.as_str()), ("", ""));
    update(&mut state, Msg::SelectServer(a));
    let on_a = view(&state);
    assert_eq!(on_a.toolbar.title, "# random");
    assert_eq!(on_a.filter, "ran");
    assert_eq!(on_a.conversations.len(), 1, "the filter applies");
    assert_eq!(on_a.draft, "half a thought");
    update(&mut state, Msg::SelectServer(b));
    assert_eq!(view(&state).draft, "");
}

#[test]
fn several_accounts_on_one_server_and_session_expiry() {
    let mut state = State::new("c");
    let (server, me) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::OpenSignIn);
    assert!(view(&state).auth.open && view(&state).auth.can_cancel);
    let (same, other) = join_existing(&mut state, "other@a");
    assert_eq!(same, server);
    assert_eq!(view(&state).accounts.len(), 2);
    assert_eq!(state.viewed_account(), Some(other));
    // A message for the first account while the second is on screen is unread.
    update(&mut state, to(me, posted(GENERAL, 1, OTHER, None)));
    assert_eq!(view(&state).rail[0].unread, 1);
    update(&mut state, Msg::SelectAccount(me));
    assert_eq!(view(&state).rail[0].unread, 0);
    // The session expires: shown, the form opens with the email, the session is forgotten.
    update(&mut state, Msg::DraftChanged("keep me".into()));
    let effects = update(&mut state, Msg::SessionExpired(me));
    assert_eq!(
        effects,
        [
            Effect::Forget { account: me },
            Effect::ForgetSession {
                url: "https://a.example".into(),
                user: fixture::ME
            }
        ]
    );
    let v = view(&state);
    assert!(v.toolbar.connection.starts_with("Session expired"));
    assert!(v.auth.open && v.auth.email == "me@a");
    assert_eq!(v.rail[0].level, 4);
    // Signing in again as the same person keeps the draft and refetches history.
    let (_, again) = join_existing(&mut state, "me@a");
    assert_ne!(again, me);
    assert_eq!(view(&state).accounts.len(), 2);
    assert_eq!(view(&state).draft, "keep me");
}

#[test]
fn sign_in_errors_are_shown_and_sign_out_returns_to_the_form() {
    let mut state = State::new("c");
    let (server, _) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::OpenSignIn);
    let effects = update(
        &mut state,
        Msg::SignIn {
            email: "x@a".into(),
            password: "bad".into(),
        },
    );
    let Some(Effect::SignIn { account, .. }) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    assert!(view(&state).auth.busy);
    update(
        &mut state,
        Msg::SignedIn {
            server,
            account,
            result: Err(AuthError::InvalidCredentials),
        },
    );
    let v = view(&state);
    assert_eq!(v.auth.error, "Wrong email or password");
    assert!(!v.auth.busy);
    update(&mut state, Msg::CloseSignIn);
    let effects = update(&mut state, Msg::SignOut);
    assert!(matches!(
        effects[..],
        [Effect::SignOut { .. }, Effect::ForgetSession { .. }]
    ));
    assert!(view(&state).auth.open && !view(&state).auth.can_cancel);
    assert_eq!(view(&state).rail[0].connection, "Signed out");
}

#[test]
fn several_probes_may_run_at_once() {
    let mut state = State::new("c");
    for url in ["https://a.example", "https://b.example"] {
        assert_eq!(update(&mut state, Msg::AddServer(url.into())).len(), 1);
    }
    assert!(update(&mut state, Msg::AddServer("a.example".into())).is_empty());
    for url in ["https://b.example", "https://a.example"] {
        let effects = update(
            &mut state,
            Msg::Probed {
                url: url.into(),
                result: Ok(info(url)),
            },
        );
        assert_eq!(
            effects,
            [
                Effect::RememberServer {
                    saved: Saved {
                        url: url.into(),
                        trust: SavedTrust::PublicCa,
                        muted: false,
                    }
                },
                Effect::ListSavedSessions {
                    server: state.active_server.expect("added"),
                    url: url.into()
                }
            ]
        );
    }
    assert_eq!(state.servers.len(), 2);
    assert!(!view(&state).add_server.open);
}
