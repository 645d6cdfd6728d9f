//! Reactions under a message, found by their accessible labels ("👍 3, you reacted"): mine
//! marked checked, and a click on one asks to toggle it.

use ocomms_proto::message::{Message, Reaction};
use ocomms_proto::{MessageId, UserId};
use openchat::Msg;

use super::fixture::{message, post};
use super::{one, signed_in_state, window_for};

#[test]
fn reactions_are_labelled_with_their_count_and_mine_and_toggle_on_click() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    // I am user 1 (Ada).
    let reacted = Message {
        author_id: UserId(2),
        reactions: vec![
            Reaction {
                emoji: "👍".into(),
                user_ids: vec![UserId(2), UserId(1), UserId(3)],
            },
            Reaction {
                emoji: "🎉".into(),
                user_ids: vec![UserId(2)],
            },
        ],
        ..message(1, "Shipped")
    };
    post(&mut state, account, reacted);
    let (window, sent) = window_for(&state);
    let mine = one(&window, "👍 3, you reacted");
    assert_eq!(mine.accessible_checked(), Some(true));
    let theirs = one(&window, "🎉 1");
    assert_eq!(theirs.accessible_checked(), Some(false));
    theirs.invoke_accessible_default_action();
    mine.mock_single_click(slint::platform::PointerEventButton::Left);
    let sent = sent.borrow();
    assert!(
        matches!(&sent[..], [
            Msg::ToggleReaction { message: MessageId(1), emoji: party },
            Msg::ToggleReaction { message: MessageId(1), emoji: thumbs },
        ] if party == "🎉" && thumbs == "👍"),
        "{sent:?}"
    );
}
