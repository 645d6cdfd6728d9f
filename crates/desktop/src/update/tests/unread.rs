//! Unread counts and mentions: from the server's read markers, live as messages arrive,
//! and reading told back to the server.

use super::fixture::*;
use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::update;
use crate::view::view;

#[test]
fn unread_counts_come_from_the_server_and_reading_is_told_back() {
    let mut state = State::new("c");
    let (_, me) = join(&mut state, "https://a.example", "me@a");
    // A reload of the workspace brings what other devices left unread.
    update(
        &mut state,
        Msg::ConversationsLoaded {
            account: me,
            workspace: WS,
            result: Ok((
                vec![
                    conversation(RANDOM, "random", false),
                    conversation(GENERAL, "general", true),
                ],
                vec![],
                vec![(RANDOM, 4, 0), (GENERAL, 2, 0)],
            )),
        },
    );
    let rail = &view(&state).rail[0];
    assert_eq!(rail.unread, 4, "#general is on screen: it is being read");
    // Opening #random reads it, here and on the server.
    let effects = update(&mut state, Msg::SelectConversation(RANDOM));
    assert!(effects.contains(&Effect::MarkRead {
        account: me,
        conversation: RANDOM
    }));
    assert_eq!(view(&state).rail[0].unread, 0);
    // A message arriving on screen is read at once; elsewhere it counts.
    assert_eq!(
        update(&mut state, to(me, posted(RANDOM, 9, OTHER, None))),
        [Effect::MarkRead {
            account: me,
            conversation: RANDOM
        }]
    );
    assert!(update(&mut state, to(me, posted(GENERAL, 9, OTHER, None))).is_empty());
    assert_eq!(view(&state).rail[0].unread, 1);
    // A dead session found while marking read is said so.
    let effects = update(
        &mut state,
        Msg::MarkedRead {
            account: me,
            result: Err(crate::error::CallError::SessionExpired),
        },
    );
    assert!(matches!(
        effects[..],
        [Effect::Forget { account }, Effect::ForgetSession { .. }] if account == me
    ));
}

/// A message of `posted` that mentions me by handle.
fn mentioning_me(msg: Msg) -> Msg {
    match msg {
        Msg::Realtime {
            account,
            received_at,
            update: ocomms_client::Update::Event(mut event),
        } => {
            if let ocomms_proto::event::EventPayload::MessagePosted { message, .. } =
                &mut event.payload
            {
                message.mentions.users.push(ME);
            }
            Msg::Realtime {
                account,
                received_at,
                update: ocomms_client::Update::Event(event),
            }
        }
        other => other,
    }
}

#[test]
fn mentions_are_counted_apart_and_every_unread_direct_message_is_one() {
    use ocomms_proto::conversation::{ConversationKind, ReadState};
    let dm = ocomms_proto::ConversationId(102);
    let mut state = State::new("c");
    let (_, me) = join(&mut state, "https://a.example", "me@a");
    let mut direct = conversation(dm, "Olga", false);
    direct.kind = ConversationKind::Direct;
    update(
        &mut state,
        Msg::ConversationsLoaded {
            account: me,
            workspace: WS,
            result: Ok((
                vec![
                    conversation(RANDOM, "random", false),
                    conversation(GENERAL, "general", true),
                    direct,
                ],
                vec![(OTHER, "Olga".into())],
                vec![(RANDOM, 3, 1), (dm, 2, 0)],
            )),
        },
    );
    let shown = view(&state);
    assert_eq!((shown.rail[0].unread, shown.rail[0].mentions), (5, 3));
    let badge = |state: &State, label: &str| {
        view(state)
            .conversations
            .iter()
            .find(|c| c.label == label)
            .map(|c| (c.unread, c.mentions))
    };
    assert_eq!(badge(&state, "# random"), Some((3, 1)));
    assert_eq!(
        badge(&state, "@ Olga"),
        Some((2, 2)),
        "direct: all mentions"
    );

    // A live mention elsewhere counts; plain chatter only as unread.
    update(
        &mut state,
        to(me, mentioning_me(posted(RANDOM, 7, OTHER, None))),
    );
    update(&mut state, to(me, posted(RANDOM, 8, OTHER, None)));
    assert_eq!(badge(&state, "# random"), Some((5, 2)));
    // Read elsewhere (the web UI): both go.
    update(
        &mut state,
        to(
            me,
            Msg::Realtime {
                account: me,
                received_at: NOW,
                update: ocomms_client::Update::Read(ReadState {
                    conversation_id: RANDOM,
                    last_read_seq: 8,
                    unread: 0,
                    mentions: 0,
                }),
            },
        ),
    );
    assert_eq!(badge(&state, "# random"), Some((0, 0)));
    // Opening the direct message reads it.
    update(&mut state, Msg::SelectConversation(dm));
    assert_eq!(
        (view(&state).rail[0].unread, view(&state).rail[0].mentions),
        (0, 0)
    );
}
