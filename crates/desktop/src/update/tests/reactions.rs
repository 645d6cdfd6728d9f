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
    event(account, 50, user, payload)
}

/// An event of #general at `seq`, arriving live.
fn event(account: AccountKey, seq: i64, actor: ocomms_proto::UserId, payload: EventPayload) -> Msg {
    Msg::Realtime {
        account,
        received_at: NOW,
        update: Update::Event(Box::new(Event {
            workspace_id: WS,
            position: seq,
            conversation_id: GENERAL,
            seq,
            actor,
            at: NOW,
            payload,
        })),
    }
}

/// The click on 👍 under the first message.
fn click() -> Msg {
    Msg::ToggleReaction {
        message: FIRST,
        emoji: "👍".into(),
    }
}

/// What the click asks of the server: mine on 👍 under the first message added or taken back.
fn react(account: AccountKey, add: bool) -> Effect {
    Effect::React {
        account,
        conversation: GENERAL,
        message: FIRST,
        emoji: "👍".into(),
        add,
    }
}

/// The server's answer to `react(account, add)`.
fn reacted(account: AccountKey, add: bool, result: Result<(), CallError>) -> Msg {
    Msg::Reacted {
        account,
        conversation: GENERAL,
        message: FIRST,
        emoji: "👍".into(),
        add,
        result,
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
    let deleted = EventPayload::MessageDeleted {
        message_id: FIRST,
        thread_root_id: None,
        thread: None,
    };
    update(&mut state, event(account, 60, OTHER, deleted));
    assert!(shown(&state).is_empty());
}

#[test]
fn a_click_toggles_mine_at_once_and_the_answer_settles_it() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    update(&mut state, toggled(account, OTHER, "👍", true));
    assert_eq!(update(&mut state, click()), [react(account, true)]);
    assert_eq!(
        shown(&state),
        [reaction("👍", 2, true, "👍 2, you reacted")]
    );
    // Taken; the event of my own reaction changes nothing more, others' still count.
    update(&mut state, reacted(account, true, Ok(())));
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
    assert_eq!(update(&mut state, click()), [react(account, false)]);
    assert_eq!(shown(&state), [reaction("👍", 2, false, "👍 2")]);
    let refused = Err(CallError::Offline("connection refused".into()));
    update(&mut state, reacted(account, false, refused));
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

#[test]
fn a_click_while_shown_from_the_offline_cache_says_why_nothing_happens() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    update(&mut state, toggled(account, OTHER, "👍", true));
    // As `cached::cache_read` leaves an account read from the cache: no session yet.
    let (_, kept) = state.account_mut(account).expect("account");
    kept.cached = true;
    kept.notice = Some("Offline: showing what this computer kept.".into());

    assert!(update(&mut state, click()).is_empty(), "nothing is sent");
    assert_eq!(
        shown(&state),
        [reaction("👍", 1, false, "👍 1")],
        "nor shown"
    );
    assert_eq!(view(&state).notice, crate::update::reactions::OFFLINE);

    // Not under the message: nothing to say either.
    let (_, kept) = state.account_mut(account).expect("account");
    kept.notice = None;
    let other = Msg::ToggleReaction {
        message: FIRST,
        emoji: "🎉".into(),
    };
    assert!(update(&mut state, other).is_empty());
    assert_eq!(view(&state).notice, "");
}
