//! Desktop notifications: what the server says the user should hear of (its `notify` frame
//! after the message's event) notifies, unless the user is looking at that conversation in a
//! focused window or muted the server here; nothing else does.

use ocomms_client::Update;
use ocomms_proto::notification::{Notification, Reason};
use ocomms_proto::{ConversationId, MessageId, Timestamp};

use super::fixture::*;
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::{AccountKey, State};
use crate::update;
use crate::view::view;

const DM: ConversationId = ConversationId(102);

/// The server's `notify` frame for the message `posted(conversation, seq, …)` made.
fn frame(account: AccountKey, conversation: ConversationId, seq: i64, reason: Reason) -> Msg {
    Msg::Realtime {
        account,
        received_at: NOW,
        update: Update::Notify(Notification {
            workspace_id: WS,
            position: seq,
            conversation_id: conversation,
            message_id: MessageId(conversation.0 * 1000 + seq),
            reason,
        }),
    }
}

fn notifications(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify { title, body } => Some((title.clone(), body.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn what_the_server_says_to_hear_of_notifies_with_who_and_where() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    // A mention in #random (not on screen) and a direct message.
    let effects = update(&mut state, to(account, posted(RANDOM, 1, OTHER, None)));
    assert!(notifications(&effects).is_empty(), "the server decides");
    let effects = update(&mut state, frame(account, RANDOM, 1, Reason::Mention));
    assert_eq!(
        notifications(&effects),
        [(
            "Olga mentioned you in #random · Acme".to_owned(),
            "message 1".to_owned()
        )]
    );
    update(&mut state, to(account, posted(DM, 2, OTHER, None)));
    let effects = update(&mut state, frame(account, DM, 2, Reason::Direct));
    assert_eq!(
        notifications(&effects),
        [("Olga · Acme".to_owned(), "message 2".to_owned())]
    );
    // A reply in a thread I follow (the server's frame names it a reply).
    update(&mut state, to(account, posted(RANDOM, 4, OTHER, None)));
    let effects = update(&mut state, frame(account, RANDOM, 4, Reason::Reply));
    assert_eq!(
        notifications(&effects),
        [(
            "Olga replied in a thread in #random · Acme".to_owned(),
            "message 4".to_owned()
        )]
    );
    // A frame for a message never seen, or for my own words: nothing to say.
    assert!(update(&mut state, frame(account, DM, 9, Reason::Direct)).is_empty());
    update(&mut state, to(account, posted(DM, 3, ME, None)));
    assert!(update(&mut state, frame(account, DM, 3, Reason::Direct)).is_empty());
}

/// `frame`, received `later` ms after `NOW` (the messages of `posted` are from `NOW`).
fn frame_after(
    later: Timestamp,
    account: AccountKey,
    conversation: ConversationId,
    seq: i64,
    reason: Reason,
) -> Msg {
    match frame(account, conversation, seq, reason) {
        Msg::Realtime {
            account, update, ..
        } => Msg::Realtime {
            account,
            update,
            received_at: NOW + later,
        },
        other => other,
    }
}

#[test]
fn frames_replayed_about_messages_over_ten_minutes_old_count_but_do_not_pop_up() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    // Back from a night asleep: the connection resumes, the missed direct messages are
    // replayed (posted at NOW + seq) and their frames follow, received hours later.
    const HOURS_LATER: Timestamp = 8 * 3_600_000;
    for seq in 1..=3 {
        update(&mut state, to(account, posted(DM, seq, OTHER, None)));
        let effects = update(
            &mut state,
            frame_after(HOURS_LATER, account, DM, seq, Reason::Direct),
        );
        assert!(notifications(&effects).is_empty(), "{effects:?}");
    }
    assert_eq!(view(&state).rail[0].unread, 3, "still unread");
    // Ten minutes old is still news; a minute more is not (as in the web UI).
    update(&mut state, to(account, posted(DM, 4, OTHER, None)));
    let ten_minutes = 10 * 60 * 1000 + 4;
    let effects = update(
        &mut state,
        frame_after(ten_minutes, account, DM, 4, Reason::Direct),
    );
    assert_eq!(notifications(&effects).len(), 1);
    update(&mut state, to(account, posted(DM, 5, OTHER, None)));
    let effects = update(
        &mut state,
        frame_after(ten_minutes + 60_000, account, DM, 5, Reason::Direct),
    );
    assert!(notifications(&effects).is_empty(), "{effects:?}");
    // A server clock ahead of this computer's makes a message look from the future: fresh.
    update(&mut state, to(account, posted(DM, 6, OTHER, None)));
    let effects = update(
        &mut state,
        frame_after(-60_000, account, DM, 6, Reason::Direct),
    );
    assert_eq!(notifications(&effects).len(), 1);
}

#[test]
fn the_conversation_on_screen_notifies_only_when_the_window_is_not_focused() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    let effects = update(&mut state, frame(account, GENERAL, 1, Reason::Message));
    assert!(notifications(&effects).is_empty(), "watching: {effects:?}");

    // The window loses the focus: the same conversation notifies, and counts as unread.
    update(&mut state, Msg::WindowFocused(false));
    let effects = update(&mut state, to(account, posted(GENERAL, 2, OTHER, None)));
    assert!(!effects.iter().any(|e| matches!(e, Effect::MarkRead { .. })));
    let effects = update(&mut state, frame(account, GENERAL, 2, Reason::Message));
    assert_eq!(
        notifications(&effects),
        [("Olga in #general · Acme".to_owned(), "message 2".to_owned())]
    );
    assert_eq!(view(&state).rail[0].unread, 1);
    // Focused again: what is on screen has been seen.
    let effects = update(&mut state, Msg::WindowFocused(true));
    assert_eq!(
        effects,
        [Effect::MarkRead {
            account,
            conversation: GENERAL
        }]
    );
    assert_eq!(view(&state).rail[0].unread, 0);
}

#[test]
fn a_muted_server_does_not_notify_and_the_mute_is_remembered() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    assert!(!view(&state).muted);
    let effects = update(&mut state, Msg::ToggleMute);
    assert_eq!(
        effects,
        [Effect::RememberServer {
            saved: Saved {
                url: "https://a.example".into(),
                trust: SavedTrust::PublicCa,
                muted: true,
            }
        }]
    );
    assert!(view(&state).muted);
    update(&mut state, to(account, posted(DM, 2, OTHER, None)));
    let effects = update(&mut state, frame(account, DM, 2, Reason::Direct));
    assert!(notifications(&effects).is_empty(), "{effects:?}");
    assert_eq!(view(&state).rail[0].unread, 1, "still counted");
    update(&mut state, Msg::ToggleMute);
    update(&mut state, to(account, posted(DM, 3, OTHER, None)));
    let effects = update(&mut state, frame(account, DM, 3, Reason::Direct));
    assert_eq!(notifications(&effects).len(), 1);
}

#[test]
fn a_remembered_mute_comes_back_with_the_server() {
    let mut state = State::new("c");
    let saved = Saved {
        url: "https://a.example".into(),
        trust: SavedTrust::PublicCa,
        muted: true,
    };
    update(&mut state, Msg::RestoreServer(saved));
    update(
        &mut state,
        Msg::Probed {
            url: "https://a.example".into(),
            result: Ok(info("Acme")),
        },
    );
    assert!(state.servers[0].muted);
}
