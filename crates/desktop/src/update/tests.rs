//! `update` driven by messages alone: no window, no network.

use ocomms_client::Update;
use ocomms_proto::account::{CurrentUser, Profile, SessionToken};
use ocomms_proto::conversation::{Conversation, ConversationKind};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::instance::{InstanceInfo, PROTOCOL_VERSION};
use ocomms_proto::message::{Message, MessagePage};
use ocomms_proto::workspace::{Role, Workspace};
use ocomms_proto::{ConversationId, MessageId, SessionId, UserId, WorkspaceId};

use crate::error::{AuthError, CallError, ProbeError};
use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, Connection, ServerKey, State};
use crate::update;
use crate::view::view;

const ME: UserId = UserId(1);
const OTHER: UserId = UserId(2);
const WS: WorkspaceId = WorkspaceId(10);
const GENERAL: ConversationId = ConversationId(100);
const RANDOM: ConversationId = ConversationId(101);

fn info(name: &str) -> InstanceInfo {
    InstanceInfo {
        name: name.into(),
        version: "0.1.0".into(),
        needs_setup: false,
        open_signup: true,
        email_verification_required: false,
        protocol_versions: vec![PROTOCOL_VERSION],
        features: vec![],
        auth_methods: vec!["password".into()],
    }
}

fn token(user: UserId, email: &str) -> SessionToken {
    SessionToken {
        token: format!("t-{email}"),
        session_id: SessionId(1),
        user: CurrentUser {
            id: user,
            email: email.into(),
            email_verified: true,
            is_instance_admin: false,
            profile: Profile {
                user_id: user,
                display_name: email.split('@').next().unwrap_or_default().into(),
                title: String::new(),
                bio: String::new(),
                time_zone: String::new(),
                avatar_url: String::new(),
            },
        },
    }
}

fn conversation(id: ConversationId, name: &str, general: bool) -> Conversation {
    Conversation {
        id,
        workspace_id: WS,
        kind: ConversationKind::Public,
        name: name.into(),
        topic: String::new(),
        description: String::new(),
        is_general: general,
        archived: false,
        created_by: ME,
        created_at: 0,
        member_count: 2,
        is_member: true,
        can_manage: true,
        last_seq: 0,
        participants: vec![],
    }
}

fn posted(conversation: ConversationId, seq: i64, author: UserId, client_id: Option<&str>) -> Msg {
    let message = Message {
        id: MessageId(conversation.0 * 1000 + seq),
        conversation_id: conversation,
        seq,
        author_id: author,
        client_id: client_id.map(str::to_owned),
        body: format!("message {seq}"),
        html: String::new(),
        created_at: 1_796_256_000_000 + seq,
        edited_at: None,
        deleted: false,
    };
    Msg::Realtime {
        account: AccountKey(0),
        update: Update::Event(Event {
            workspace_id: WS,
            position: seq,
            conversation_id: conversation,
            seq,
            actor: author,
            at: message.created_at,
            payload: EventPayload::MessagePosted { message },
        }),
    }
}

fn to(account: AccountKey, msg: Msg) -> Msg {
    match msg {
        Msg::Realtime { update, .. } => Msg::Realtime { account, update },
        other => other,
    }
}

/// Adds a server by URL and signs in as `email`; returns the server and account keys.
fn join(state: &mut State, url: &str, email: &str) -> (ServerKey, AccountKey) {
    let effects = update(state, Msg::AddServer(url.into()));
    let Some(Effect::Probe { url }) = effects.first().cloned() else {
        return join_existing(state, email);
    };
    update(
        state,
        Msg::Probed {
            url,
            result: Ok(info("Acme Chat")),
        },
    );
    join_existing(state, email)
}

fn join_existing(state: &mut State, email: &str) -> (ServerKey, AccountKey) {
    let effects = update(
        state,
        Msg::SignIn {
            email: email.into(),
            password: "pw".into(),
        },
    );
    let Some(Effect::SignIn {
        server, account, ..
    }) = effects.first().cloned()
    else {
        panic!("no sign-in effect: {effects:?}");
    };
    let user = if email.starts_with("me") { ME } else { OTHER };
    let effects = update(
        state,
        Msg::SignedIn {
            server,
            account,
            result: Ok(token(user, email)),
        },
    );
    assert!(effects.contains(&Effect::Connect { account }));
    update(
        state,
        Msg::WorkspacesLoaded {
            account,
            result: Ok(vec![Workspace {
                id: WS,
                name: "Acme".into(),
                slug: "acme".into(),
                created_at: 0,
                role: Role::Owner,
            }]),
        },
    );
    let effects = update(
        state,
        Msg::ConversationsLoaded {
            account,
            workspace: WS,
            result: Ok((
                vec![
                    conversation(RANDOM, "random", false),
                    conversation(GENERAL, "general", true),
                ],
                vec![(OTHER, "Olga".into())],
            )),
        },
    );
    assert!(effects.contains(&Effect::LoadHistory {
        account,
        conversation: GENERAL,
        before: None,
    }));
    update(
        state,
        Msg::HistoryLoaded {
            account,
            conversation: GENERAL,
            result: Ok(MessagePage {
                messages: vec![],
                more_before: false,
                more_after: false,
            }),
        },
    );
    update(
        state,
        Msg::Realtime {
            account,
            update: Update::Ready {
                positions: Default::default(),
            },
        },
    );
    (server, account)
}

#[test]
fn a_probe_failure_keeps_the_dialog_open_with_the_reason() {
    let mut state = State::new("c");
    let effects = update(&mut state, Msg::AddServer("chat.example.com".into()));
    assert_eq!(
        effects,
        [Effect::Probe {
            url: "https://chat.example.com".into()
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
    assert_eq!(effects, [Effect::SignOut { account: account_b }]);
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
fn unread_counts_what_arrived_while_not_viewed() {
    let mut state = State::new("c");
    let (a, account_a) = join(&mut state, "https://a.example", "me@a");
    let (_b, _) = join(&mut state, "https://b.example", "me@b");
    // On server b; two messages arrive on a's #general, one on a's #random, one is mine.
    update(&mut state, to(account_a, posted(GENERAL, 1, OTHER, None)));
    update(&mut state, to(account_a, posted(GENERAL, 2, OTHER, None)));
    update(&mut state, to(account_a, posted(RANDOM, 1, OTHER, None)));
    update(&mut state, to(account_a, posted(GENERAL, 3, ME, None)));
    assert_eq!(view(&state).rail[0].unread, 3);
    // Going to a shows #general (its context): read; #random still unread.
    update(&mut state, Msg::SelectServer(a));
    let v = view(&state);
    assert_eq!(v.rail[0].unread, 1);
    assert_eq!(
        v.conversations
            .iter()
            .find(|c| c.label == "# random")
            .map(|c| c.unread),
        Some(1)
    );
    // A message on the conversation on screen is not unread.
    update(&mut state, to(account_a, posted(GENERAL, 4, OTHER, None)));
    assert_eq!(view(&state).rail[0].unread, 1);
    update(&mut state, Msg::SelectConversation(RANDOM));
    assert_eq!(view(&state).rail[0].unread, 0);
}

#[test]
fn the_timeline_applies_edits_deletes_and_shows_authors() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    update(&mut state, to(account, posted(GENERAL, 2, OTHER, None)));
    let event = |seq: i64, payload| Msg::Realtime {
        account,
        update: Update::Event(Event {
            workspace_id: WS,
            position: 10 + seq,
            conversation_id: GENERAL,
            seq: 10 + seq,
            actor: OTHER,
            at: 0,
            payload,
        }),
    };
    update(
        &mut state,
        event(
            1,
            EventPayload::MessageEdited {
                message_id: MessageId(100_001),
                body: "fixed".into(),
                html: String::new(),
                edited_at: 5,
            },
        ),
    );
    update(
        &mut state,
        event(
            2,
            EventPayload::MessageDeleted {
                message_id: MessageId(100_002),
            },
        ),
    );
    let rows = view(&state).rows;
    assert_eq!(rows[0].kind, 0, "a day separator first");
    assert_eq!(
        (rows[1].author.as_str(), rows[1].body.as_str()),
        ("Olga", "fixed")
    );
    assert!(rows[1].edited && rows[2].deleted);
}

#[test]
fn sending_offline_queues_and_goes_once_back_online() {
    let mut state = State::new("run");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(
        &mut state,
        Msg::Realtime {
            account,
            update: Update::Reconnecting {
                attempt: 1,
                delay: std::time::Duration::from_millis(500),
            },
        },
    );
    assert_eq!(view(&state).toolbar.connection, "Reconnecting…");
    update(&mut state, Msg::DraftChanged("  hello  ".into()));
    assert!(
        update(&mut state, Msg::Send).is_empty(),
        "queued while offline"
    );
    assert_eq!(view(&state).draft, "");
    let pending = view(&state).rows;
    assert_eq!((pending[0].kind, pending[0].body.as_str()), (2, "hello"));
    for attempt in 2..=3 {
        update(
            &mut state,
            Msg::Realtime {
                account,
                update: Update::Reconnecting {
                    attempt,
                    delay: Default::default(),
                },
            },
        );
    }
    assert_eq!(
        state.account(account).map(|a| a.connection),
        Some(Connection::Offline { attempt: 3 })
    );
    let effects = update(
        &mut state,
        Msg::Realtime {
            account,
            update: Update::Ready {
                positions: Default::default(),
            },
        },
    );
    let post = Effect::Post {
        account,
        conversation: GENERAL,
        body: "hello".into(),
        client_id: "run-1".into(),
    };
    assert_eq!(effects, std::slice::from_ref(&post));
    // The answer is lost; the next reconnect sends it again with the same client id.
    update(
        &mut state,
        Msg::Posted {
            account,
            client_id: "run-1".into(),
            result: Err(CallError::Offline("reset".into())),
        },
    );
    let again = update(
        &mut state,
        Msg::Realtime {
            account,
            update: Update::Ready {
                positions: Default::default(),
            },
        },
    );
    assert_eq!(again, [post]);
    // Its event arrives (the server had it all along): acknowledged, shown once.
    update(
        &mut state,
        to(account, posted(GENERAL, 1, ME, Some("run-1"))),
    );
    let rows = view(&state).rows;
    assert_eq!(rows.iter().filter(|r| r.kind != 0).count(), 1);
    assert_eq!(rows[1].kind, 1);
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
    assert_eq!(effects, [Effect::Forget { account: me }]);
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
    assert!(matches!(effects[..], [Effect::SignOut { .. }]));
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
        update(
            &mut state,
            Msg::Probed {
                url: url.into(),
                result: Ok(info(url)),
            },
        );
    }
    assert_eq!(state.servers.len(), 2);
    assert!(!view(&state).add_server.open);
}

#[test]
fn older_history_is_fetched_before_the_oldest_message() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    assert!(
        update(&mut state, Msg::LoadOlder).is_empty(),
        "nothing older"
    );
    let page = |from: i64| MessagePage {
        messages: (from..from + 3)
            .filter_map(|seq| match posted(GENERAL, seq, OTHER, None) {
                Msg::Realtime {
                    update:
                        Update::Event(Event {
                            payload: EventPayload::MessagePosted { message },
                            ..
                        }),
                    ..
                } => Some(message),
                _ => None,
            })
            .collect(),
        more_before: from > 1,
        more_after: false,
    };
    update(
        &mut state,
        Msg::HistoryLoaded {
            account,
            conversation: GENERAL,
            result: Ok(page(4)),
        },
    );
    assert!(view(&state).more_before);
    let effects = update(&mut state, Msg::LoadOlder);
    assert_eq!(
        effects,
        [Effect::LoadHistory {
            account,
            conversation: GENERAL,
            before: Some(4)
        }]
    );
    update(
        &mut state,
        Msg::HistoryLoaded {
            account,
            conversation: GENERAL,
            result: Ok(page(1)),
        },
    );
    let v = view(&state);
    assert!(!v.more_before);
    assert_eq!(v.rows.iter().filter(|r| r.kind == 1).count(), 6);
}
