//! Reactions: everyone's toggles arriving live, the user's own click shown at once and
//! sent, and taken back when the server refuses it.

use ocomms_client::Update;
use ocomms_proto::MessageId;
use ocomms_proto::event::{Event, EventPayload};

use super::fixture::*;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, State};
use crate::update;
use crate::view::{ReactionView, view};

/// Message 1 of #general, by the other person.
const FIRST: MessageId = MessageId(100_001);

fn toggled(account: AccountKey, user: ocomms_proto::UserId, emoji: &str, added: bool) -> Msg {
    let payload = if added {
        EventPayload::ReactionAdded {
            message_id: FIRST,
            user_id: user,
            emoji: emoji.into(),
        }
    } else {
        EventPayload::ReactionRemoved {
            message_id: FIRST,
            user_id: user,
            emoji: emoji.into(),
        }
    };
    Msg::Realtime {
        account,
        received_at: NOW,
        update: Update::Event(Box::new(Event {
            workspace_id: WS,
            position: 50,
            conversation_id: GENERAL,
            seq: 50,
            actor: user,
            at: NOW,
            payload,
        })),
    }
}

/// The reactions under the first message, as the window shows them.
fn shown(state: &State) -> Vec<ReactionView> {
    view(state)
        .rows
        .into_iter()
        .find(|r| r.key == FIRST.0)
        .map(|r| r.reactions)
        .unwrap_or_default()
}

fn reaction(emoji: &str, count: u32, mine: bool, label: &str) -> ReactionView {
    ReactionView {
        emoji: emoji.into(),
        count,
        mine,
        label: label.into(),
    }
}

#[test]
fn live_reactions_are_shown_under_their_message_with_mine_marked() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    assert!(shown(&state).is_empty());
    update(&mut state, toggled(account, OTHER, "👍", true));
    update(&mut state, toggled(account, ME, "👍", true));
    update(&mut state, toggled(account, OTHER, "🎉", true));
    // Replayed after a reconnect: counted once.
    update(&mut state, toggled(account, OTHER, "👍", true));
    assert_eq!(
        shown(&state),
        [
            reaction("👍", 2, true, "👍 2, you reacted"),
            reaction("🎉", 1, false, "🎉 1"),
        ]
    );
    update(&mut state, toggled(account, OTHER, "🎉", false));
    update(&mut state, toggled(account, ME, "👍", false));
    assert_eq!(shown(&state), [reaction("👍", 1, false, "👍 1")]);
    // A deleted message shows none.
    update(
        &mut state,
        Msg::Realtime {
            account,
            received_at: NOW,
            update: Update::Event(Box::new(Event {
                workspace_id: WS,
                position: 60,
                conversation_id: GENERAL,
                seq: 60,
                actor: OTHER,
                at: NOW,
                payload: EventPayload::MessageDeleted {
                    message_id: FIRST,
                    thread_root_id: None,
                    thread: None,
                },
            })),
        },
    );
    assert!(shown(&state).is_empty());
}

#[test]
fn a_click_toggles_mine_at_once_and_the_answer_settles_it() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    update(&mut state, toggled(account, OTHER, "👍", true));
    let click = || Msg::ToggleReaction {
        message: FIRST,
        emoji: "👍".into(),
    };
    let effects = update(&mut state, click());
    assert_eq!(
        effects,
        [Effect::React {
            account,
            conversation: GENERAL,
            message: FIRST,
            emoji: "👍".into(),
            add: true,
        }]
    );
    assert_eq!(
        shown(&state),
        [reaction("👍", 2, true, "👍 2, you reacted")]
    );
    // Taken; the event of my own reaction changes nothing more, others' still count.
    update(
        &mut state,
        Msg::Reacted {
            account,
            conversation: GENERAL,
            message: FIRST,
            emoji: "👍".into(),
            add: true,
            result: Ok(()),
        },
    );
    update(&mut state, toggled(account, ME, "👍", true));
    update(
        &mut state,
        toggled(account, ocomms_proto::UserId(3), "👍", true),
    );
    assert_eq!(
        shown(&state),
        [reaction("👍", 3, true, "👍 3, you reacted")]
    );

    // Clicked again: taken back; refused (offline), it is put back and the reason shown.
    let effects = update(&mut state, click());
    assert!(matches!(effects[..], [Effect::React { add: false, .. }]));
    assert_eq!(shown(&state), [reaction("👍", 2, false, "👍 2")]);
    update(
        &mut state,
        Msg::Reacted {
            account,
            conversation: GENERAL,
            message: FIRST,
            emoji: "👍".into(),
            add: false,
            result: Err(CallError::Offline("connection refused".into())),
        },
    );
    assert_eq!(
        shown(&state),
        [reaction("👍", 3, true, "👍 3, you reacted")]
    );
    assert!(!view(&state).notice.is_empty());
}

#[test]
fn only_an_emoji_already_under_a_message_on_screen_is_toggled() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    update(&mut state, toggled(account, OTHER, "👍", true));
    for (message, emoji) in [(FIRST, "🎉"), (MessageId(424_242), "👍")] {
        let msg = Msg::ToggleReaction {
            message,
            emoji: emoji.into(),
        };
        assert!(update(&mut state, msg).is_empty(), "{message} {emoji}");
    }
    assert_eq!(shown(&state), [reaction("👍", 1, false, "👍 1")]);
}
