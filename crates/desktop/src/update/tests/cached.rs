//! A remembered server shown from the offline cache: before and without its probe's
//! answer, nothing asked of the server for an account without a session, and the account
//! adopted when its kept session resumes.

use ocomms_proto::message::Message;

use super::fixture::*;
use crate::cache::{Cached, CachedAccount};
use crate::error::{CallError, ProbeError};
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::{AccountKey, Connection, State};
use crate::update;
use crate::vault::SavedSession;
use crate::view::view;

const URL: &str = "https://a.example";

fn kept_message(seq: i64, body: &str) -> Message {
    Message {
        body: body.into(),
        ..message_by(GENERAL, seq, OTHER)
    }
}

fn cached() -> Cached {
    cached_in(None)
}

fn cached_in(place: Option<ocomms_proto::ConversationId>) -> Cached {
    let me = token(ME, "me@a").user;
    Cached {
        info: info("Acme Chat"),
        accounts: vec![CachedAccount {
            user: me,
            workspaces: vec![ocomms_proto::workspace::Workspace {
                id: WS,
                name: "Acme".into(),
                slug: "acme".into(),
                created_at: 0,
                role: ocomms_proto::workspace::Role::Owner,
            }],
            conversations: vec![(
                WS,
                vec![
                    conversation(GENERAL, "general", true),
                    conversation(RANDOM, "random", false),
                ],
            )],
            names: vec![(OTHER, "Olga".into())],
            messages: vec![(GENERAL, vec![kept_message(1, "from yesterday")])],
            place,
            levels: vec![(
                RANDOM,
                ocomms_proto::notification::ConversationNotifications {
                    level: Some(ocomms_proto::notification::Level::Nothing),
                    effective: ocomms_proto::notification::Level::Nothing,
                },
            )],
        }],
    }
}

/// Restores the server and answers its cache read; returns the cached account's key.
fn restored(state: &mut State) -> AccountKey {
    let saved = Saved {
        url: URL.into(),
        trust: SavedTrust::PublicCa,
        muted: false,
    };
    assert_eq!(
        update(state, Msg::RestoreServer(saved)),
        [Effect::ReadCache { url: URL.into() }]
    );
    let effects = update(
        state,
        Msg::CacheRead {
            url: URL.into(),
            cached: Some(Box::new(cached())),
        },
    );
    assert_eq!(
        effects,
        [Effect::Probe {
            url: URL.into(),
            trust: SavedTrust::PublicCa,
        }]
    );
    state
        .viewed_account()
        .expect("the cached account is on screen")
}

#[test]
fn the_cache_is_shown_before_the_server_answers_and_asks_it_nothing() {
    let mut state = State::new("c");
    let cached_key = restored(&mut state);
    let v = view(&state);
    assert!(!v.add_server.open && !v.auth.open);
    assert_eq!(v.toolbar.title, "# general");
    assert_eq!(v.toolbar.connection, "Offline");
    assert!(v.rows.iter().any(|r| r.body == "from yesterday"));
    assert_eq!(v.conversations.len(), 2);
    assert!(
        v.conversations
            .iter()
            .any(|c| c.label == "# random" && c.muted),
        "muted offline too"
    );
    // Reading another conversation or writing asks nothing of a server without a session;
    // what is written waits in the outbox.
    assert!(update(&mut state, Msg::SelectConversation(RANDOM)).is_empty());
    update(&mut state, Msg::SelectConversation(GENERAL));
    update(&mut state, Msg::DraftChanged("on the train".into()));
    assert!(update(&mut state, Msg::Send).is_empty());
    assert_eq!(
        view(&state).rows.last().map(|r| r.time.as_str()),
        Some("sending…")
    );

    // The server does not answer: still shown, asked again later.
    let effects = update(
        &mut state,
        Msg::Probed {
            url: URL.into(),
            result: Err(ProbeError::Unreachable("refused".into())),
        },
    );
    assert_eq!(
        effects,
        [Effect::ProbeLater {
            url: URL.into(),
            trust: SavedTrust::PublicCa,
        }]
    );
    assert!(!view(&state).add_server.open);
    // In words, without the transport's error chain.
    assert_eq!(
        view(&state).notice,
        "Offline: the server does not answer. Showing what this computer kept."
    );

    // It answers: the kept session resumes into the same account, which goes live and
    // sends what waited.
    let effects = update(
        &mut state,
        Msg::Probed {
            url: URL.into(),
            result: Ok(info("Acme Chat")),
        },
    );
    let server = state.active_server.expect("server");
    assert!(effects.contains(&Effect::ListSavedSessions {
        server,
        url: URL.into(),
    }));
    let saved = SavedSession {
        url: URL.into(),
        user: ME,
        email: "me@a".into(),
    };
    let effects = update(
        &mut state,
        Msg::SavedSessions {
            server,
            sessions: vec![saved.clone()],
        },
    );
    let Some(Effect::Resume { account, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut state,
        Msg::Resumed {
            server,
            account,
            saved,
            result: Ok(token(ME, "me@a").user),
        },
    );
    assert_eq!(
        effects,
        [
            Effect::Connect { account },
            Effect::LoadWorkspaces { account }
        ]
    );
    let live = state
        .account(account)
        .expect("adopted under the session's key");
    assert!(!live.cached && state.account(cached_key).is_none());
    assert_eq!(state.servers[0].accounts.len(), 1);
    let effects = update(
        &mut state,
        Msg::Realtime {
            account,
            received_at: NOW,
            update: ocomms_client::Update::Ready {
                positions: Default::default(),
            },
        },
    );
    assert!(
        matches!(&effects[..], [Effect::Post { body, .. }] if body == "on the train"),
        "{effects:?}"
    );
    assert_eq!(
        state.account(account).map(|a| a.connection),
        Some(Connection::Online)
    );
}

#[test]
fn an_expired_kept_session_takes_its_cached_copy_with_it() {
    let mut state = State::new("c");
    restored(&mut state);
    update(
        &mut state,
        Msg::Probed {
            url: URL.into(),
            result: Ok(info("Acme Chat")),
        },
    );
    let server = state.active_server.expect("server");
    let saved = SavedSession {
        url: URL.into(),
        user: ME,
        email: "me@a".into(),
    };
    update(
        &mut state,
        Msg::Resumed {
            server,
            account: AccountKey(999),
            saved,
            result: Err(CallError::SessionExpired),
        },
    );
    assert!(state.servers[0].accounts.is_empty());
    let v = view(&state);
    assert!(v.auth.open && v.auth.error.contains("expired"));
}

#[test]
fn the_cache_opens_where_the_user_was() {
    let mut state = State::new("c");
    let saved = Saved {
        url: URL.into(),
        trust: SavedTrust::PublicCa,
        muted: false,
    };
    update(&mut state, Msg::RestoreServer(saved));
    update(
        &mut state,
        Msg::CacheRead {
            url: URL.into(),
            cached: Some(Box::new(cached_in(Some(RANDOM)))),
        },
    );
    assert_eq!(view(&state).toolbar.title, "# random");
}
