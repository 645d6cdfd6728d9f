//! Where each timeline was scrolled to is kept per place (server, account, conversation),
//! and scrolling to the top loads older history one page at a time.

use ocomms_proto::message::{Message, MessagePage};

use super::fixture::*;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::State;
use crate::update;
use crate::view::view;

/// Messages `from..to` of #general by the other person.
fn page(from: i64, to: i64, more_before: bool) -> MessagePage {
    MessagePage {
        messages: (from..to)
            .map(|seq| message_by(GENERAL, seq, OTHER))
            .collect(),
        more_before,
        more_after: false,
    }
}

fn history(state: &mut State, account: crate::state::AccountKey, page: MessagePage) {
    update(
        state,
        Msg::HistoryLoaded {
            account,
            conversation: GENERAL,
            result: Ok(page),
        },
    );
}

fn top_message(state: &State) -> Option<Message> {
    let account = state.account(state.viewed_account()?)?;
    let (row, _) = view(state).scroll?;
    let timeline = account.timelines.get(&GENERAL)?;
    let id = timeline.message_at_row(row)?;
    timeline.messages().iter().find(|m| m.id == id).cloned()
}

#[test]
fn each_place_keeps_where_its_timeline_was_scrolled() {
    let mut state = State::new("c");
    let (a, on_a) = join(&mut state, "https://a.example", "me@a");
    history(&mut state, on_a, page(1, 41, false));
    assert_eq!(view(&state).scroll, None, "a timeline opens at the newest");
    // Row 0 is the day, row 1 message 1: row 11 shows message 11.
    update(&mut state, Msg::Scrolled(Some((11, 7.5))));
    assert_eq!(view(&state).scroll, Some((11, 7.5)));
    assert_eq!(top_message(&state).map(|m| m.seq), Some(11));

    // Another server, and back.
    let (b, _) = join(&mut state, "https://b.example", "me@b");
    assert_eq!(view(&state).scroll, None, "B's timeline is its own");
    update(&mut state, Msg::SelectServer(a));
    assert_eq!(view(&state).scroll, Some((11, 7.5)));
    // Another conversation, and back.
    update(&mut state, Msg::SelectConversation(RANDOM));
    assert_eq!(view(&state).scroll, None);
    update(&mut state, Msg::SelectConversation(GENERAL));
    assert_eq!(view(&state).scroll, Some((11, 7.5)));

    // A message arriving while scrolled up leaves the same message at the top.
    update(&mut state, to(on_a, posted(GENERAL, 41, OTHER, None)));
    assert_eq!(view(&state).scroll, Some((11, 7.5)));
    // B scrolled to its newest message stays there.
    update(&mut state, Msg::SelectServer(b));
    update(&mut state, Msg::Scrolled(None));
    assert_eq!(view(&state).scroll, None);

    // Sending goes back to the newest message, to see it arrive.
    update(&mut state, Msg::SelectServer(a));
    update(&mut state, Msg::DraftChanged("hello".into()));
    update(&mut state, Msg::Send);
    assert_eq!(view(&state).scroll, None);
    // Nonsense from the window is kept harmless.
    update(&mut state, Msg::Scrolled(Some((usize::MAX, f32::NAN))));
    assert_eq!(
        top_message(&state).map(|m| m.seq),
        Some(41),
        "past the end: the newest"
    );
    assert!(view(&state).scroll.is_some_and(|(_, into)| into == 0.0));
}

#[test]
fn scrolling_to_the_top_loads_older_history_one_request_at_a_time() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    history(&mut state, account, page(51, 101, true));
    // At the top: the message under the day separator.
    update(&mut state, Msg::Scrolled(Some((0, 0.0))));
    let older = Effect::LoadHistory {
        account,
        conversation: GENERAL,
        before: Some(51),
    };
    assert_eq!(update(&mut state, Msg::LoadOlder), [older]);
    assert!(
        update(&mut state, Msg::LoadOlder).is_empty(),
        "one request at a time"
    );
    // The page arrives above: the message the user was reading is still at the top.
    history(&mut state, account, page(1, 51, true));
    assert_eq!(top_message(&state).map(|m| m.seq), Some(51));
    assert_eq!(view(&state).scroll, Some((51, 0.0)), "50 rows above it now");

    // A failed request can be asked again.
    let effects = update(&mut state, Msg::LoadOlder);
    assert_eq!(effects.len(), 1);
    update(
        &mut state,
        Msg::HistoryLoaded {
            account,
            conversation: GENERAL,
            result: Err(CallError::Offline("down".into())),
        },
    );
    assert_eq!(update(&mut state, Msg::LoadOlder).len(), 1);
    // The server says there is no more: nothing is asked.
    history(
        &mut state,
        account,
        MessagePage {
            messages: vec![],
            more_before: false,
            more_after: false,
        },
    );
    assert!(!view(&state).more_before);
    assert!(update(&mut state, Msg::LoadOlder).is_empty());
}
