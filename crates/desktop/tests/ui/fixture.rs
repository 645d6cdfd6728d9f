//! The state the window tests start from: one server, signed in, `#general` on screen.

use ocomms_client::Update;
use ocomms_proto::account::{CurrentUser, Profile, SessionToken};
use ocomms_proto::conversation::{Conversation, ConversationKind};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::instance::{InstanceInfo, PROTOCOL_VERSION};
use ocomms_proto::message::Message;
use ocomms_proto::workspace::{Role, Workspace};
use ocomms_proto::{ConversationId, MessageId, SessionId, UserId, WorkspaceId};
use openchat::state::AccountKey;
use openchat::{Effect, Msg, State, update};

/// When the window's realtime updates arrive: 2026-12-03T12:00:00Z, after every message the
/// tests post, so none is too old to notify of.
pub const RECEIVED_AT: ocomms_proto::Timestamp = 1_796_299_200_000;

/// #general of the signed-in workspace.
pub const GENERAL: ConversationId = ConversationId(5);

/// Message `seq` of #general by user 1, at 09:00 on the fixture's day.
/// Its id is `seq`.
pub fn message(seq: i64, body: &str) -> Message {
    Message {
        id: MessageId(seq),
        body: body.into(),
        created_at: 1_796_256_000_000 + 9 * 3_600_000,
        ..openchat::testing::message(GENERAL, seq)
    }
}

/// `message` arrives for `account` as the realtime event of its posting (at its `seq`), as
/// the tests that need messages on screen have them.
pub fn post(state: &mut State, account: AccountKey, message: Message) {
    let seq = message.seq;
    update(
        state,
        Msg::Realtime {
            account,
            received_at: RECEIVED_AT,
            update: Update::Event(Box::new(Event {
                workspace_id: WorkspaceId(1),
                position: seq,
                conversation_id: message.conversation_id,
                seq,
                actor: message.author_id,
                at: 0,
                payload: EventPayload::MessagePosted {
                    message,
                    thread: None,
                },
            })),
        },
    );
}

pub fn signed_in_state() -> State {
    let mut state = State::new("ui");
    let effects = update(
        &mut state,
        Msg::AddServer("https://chat.example.com".into()),
    );
    let Some(Effect::Probe { url, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let info = InstanceInfo {
        name: "Acme Chat".into(),
        version: "0.1.0".into(),
        needs_setup: false,
        open_signup: false,
        email_verification_required: false,
        protocol_versions: vec![PROTOCOL_VERSION],
        features: vec![],
        auth_methods: vec!["password".into()],
    };
    update(
        &mut state,
        Msg::Probed {
            url,
            result: Ok(info),
        },
    );
    let effects = update(
        &mut state,
        Msg::SignIn {
            email: "ada@example.com".into(),
            password: "pw".into(),
        },
    );
    let Some(Effect::SignIn {
        server, account, ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    let user = CurrentUser {
        id: UserId(1),
        email: "ada@example.com".into(),
        email_verified: true,
        is_instance_admin: false,
        profile: Profile {
            user_id: UserId(1),
            display_name: "Ada".into(),
            handle: String::new(),
            title: String::new(),
            bio: String::new(),
            time_zone: String::new(),
            avatar_url: String::new(),
        },
    };
    let token = SessionToken {
        token: "t".into(),
        session_id: SessionId(1),
        user,
    };
    update(
        &mut state,
        Msg::SignedIn {
            server,
            account,
            result: Ok(token),
        },
    );
    update(
        &mut state,
        Msg::WorkspacesLoaded {
            account,
            result: Ok(vec![Workspace {
                id: WorkspaceId(1),
                name: "Acme".into(),
                slug: "acme".into(),
                created_at: 0,
                role: Role::Owner,
            }]),
        },
    );
    let general = Conversation {
        id: ConversationId(5),
        workspace_id: WorkspaceId(1),
        kind: ConversationKind::Public,
        name: "general".into(),
        topic: "Company-wide".into(),
        description: String::new(),
        is_general: true,
        archived: false,
        created_by: UserId(1),
        created_at: 0,
        member_count: 1,
        is_member: true,
        can_manage: true,
        can_add_members: true,
        last_seq: 0,
        participants: vec![],
        pins_managers_only: false,
        can_pin: true,
    };
    update(
        &mut state,
        Msg::ConversationsLoaded {
            account,
            workspace: WorkspaceId(1),
            result: Ok((vec![general], vec![], vec![])),
        },
    );
    online(&mut state, account);
    state
}

pub fn online(state: &mut State, account: AccountKey) {
    update(
        state,
        Msg::Realtime {
            account,
            received_at: RECEIVED_AT,
            update: Update::Ready {
                positions: Default::default(),
            },
        },
    );
}
