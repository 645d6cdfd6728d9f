//! Builders for the `update` tests: a server probed and signed in, messages as events.

use ocomms_client::Update;
use ocomms_proto::account::{CurrentUser, Profile, SessionToken};
use ocomms_proto::conversation::{Conversation, ConversationKind};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::instance::{InstanceInfo, PROTOCOL_VERSION};
use ocomms_proto::message::{Message, MessagePage};
use ocomms_proto::workspace::{Role, Workspace};
use ocomms_proto::{ConversationId, SessionId, Timestamp, UserId, WorkspaceId};

use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, ServerKey, State};
use crate::update;

pub(super) const ME: UserId = UserId(1);
pub(super) const OTHER: UserId = UserId(2);
pub(super) const WS: WorkspaceId = WorkspaceId(10);
pub(super) const GENERAL: ConversationId = ConversationId(100);
pub(super) const RANDOM: ConversationId = ConversationId(101);
/// 2026-12-03T00:00:00Z: message `seq` of `posted` is posted `seq` ms after, and every
/// realtime update is received at this time unless a test says otherwise.
pub(super) const NOW: Timestamp = 1_796_256_000_000;

pub(super) fn info(name: &str) -> InstanceInfo {
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

pub(super) fn token(user: UserId, email: &str) -> SessionToken {
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
                handle: String::new(),
                title: String::new(),
                bio: String::new(),
                time_zone: String::new(),
                avatar_url: String::new(),
            },
        },
    }
}

pub(super) fn conversation(id: ConversationId, name: &str, general: bool) -> Conversation {
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
        can_add_members: true,
        last_seq: 0,
        participants: vec![],
        pins_managers_only: false,
        can_pin: true,
    }
}

/// Message `seq` of `conversation` by `author`, posted `seq` ms after `NOW`.
pub(super) fn message_by(conversation: ConversationId, seq: i64, author: UserId) -> Message {
    Message {
        author_id: author,
        created_at: NOW + seq,
        ..crate::testing::message(conversation, seq)
    }
}

pub(super) fn posted(
    conversation: ConversationId,
    seq: i64,
    author: UserId,
    client_id: Option<&str>,
) -> Msg {
    let message = Message {
        client_id: client_id.map(str::to_owned),
        ..message_by(conversation, seq, author)
    };
    Msg::Realtime {
        account: AccountKey(0),
        received_at: NOW,
        update: Update::Event(Box::new(Event {
            workspace_id: WS,
            position: seq,
            conversation_id: conversation,
            seq,
            actor: author,
            at: message.created_at,
            payload: EventPayload::MessagePosted {
                message,
                thread: None,
            },
        })),
    }
}

pub(super) fn to(account: AccountKey, msg: Msg) -> Msg {
    match msg {
        Msg::Realtime {
            update,
            received_at,
            ..
        } => Msg::Realtime {
            account,
            update,
            received_at,
        },
        other => other,
    }
}

/// Adds a server by URL and signs in as `email`; returns the server and account keys.
pub(super) fn join(state: &mut State, url: &str, email: &str) -> (ServerKey, AccountKey) {
    let effects = update(state, Msg::AddServer(url.into()));
    let Some(Effect::Probe { url, .. }) = effects.first().cloned() else {
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

pub(super) fn join_existing(state: &mut State, email: &str) -> (ServerKey, AccountKey) {
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
                vec![],
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
            received_at: NOW,
            update: Update::Ready {
                positions: Default::default(),
            },
        },
    );
    (server, account)
}
