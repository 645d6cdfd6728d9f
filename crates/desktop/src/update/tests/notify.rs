//! Desktop notifications: a direct message (or a mention) the user is not looking at
//! notifies, unless its server is muted; channel chatter and the user's own words do not.

use ocomms_client::Update;
use ocomms_proto::ConversationId;
use ocomms_proto::conversation::ConversationKind;
use ocomms_proto::event::{Event, EventPayload};

use super::fixture::*;
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::{AccountKey, State};
use crate::update;
use crate::view::view;

const DM: ConversationId = ConversationId(102);

/// Olga opens a direct conversation with me (its first message comes before the list reloads).
fn dm_created(account: AccountKey) -> Msg {
    Msg::Realtime {
        account,
        update: Update::Event(Box::new(Event {
            workspace_id: WS,
            position: 50,
            conversation_id: DM,
            seq: 1,
            actor: OTHER,
            at: 0,
            payload: EventPayload::ConversationCreated {
                kind: ConversationKind::Direct,
                name: "Olga".into(),
            },
        })),
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
fn a_direct_message_not_on_screen_notifies_and_channel_chatter_does_not() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, dm_created(account)));
    let effects = update(&mut state, to(account, posted(DM, 2, OTHER, None)));
    assert_eq!(
        notifications(&effects),
        [("Olga · Acme".to_owned(), "message 2".to_owned())]
    );
    // #random, not on screen, mentions nobody: counted, not notified.
    let effects = update(&mut state, to(account, posted(RANDOM, 1, OTHER, None)));
    assert!(notifications(&effects).is_empty(), "{effects:?}");
    // My own direct message (from another device) does not notify me.
    let effects = update(&mut state, to(account, posted(DM, 3, ME, None)));
    assert!(notifications(&effects).is_empty(), "{effects:?}");
}

#[test]
fn a_direct_message_on_screen_notifies_only_when_the_window_is_not_focused() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, dm_created(account)));
    update(&mut state, Msg::SelectConversation(DM));
    let effects = update(&mut state, to(account, posted(DM, 2, OTHER, None)));
    assert!(notifications(&effects).is_empty(), "watching: {effects:?}");
    assert!(effects.contains(&Effect::MarkRead {
        account,
        conversation: DM
    }));

    // The window loses the focus: the same conversation notifies, and counts as unread.
    update(&mut state, Msg::WindowFocused(false));
    let effects = update(&mut state, to(account, posted(DM, 3, OTHER, None)));
    assert_eq!(notifications(&effects).len(), 1, "{effects:?}");
    assert_eq!(view(&state).rail[0].unread, 1);
    // Focused again: what is on screen has been seen.
    let effects = update(&mut state, Msg::WindowFocused(true));
    assert_eq!(
        effects,
        [Effect::MarkRead {
            account,
            conversation: DM
        }]
    );
    assert_eq!(view(&state).rail[0].unread, 0);
}

#[test]
fn a_muted_server_does_not_notify_and_the_mute_is_remembered() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, dm_created(account)));
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
    let effects = update(&mut state, to(account, posted(DM, 2, OTHER, None)));
    assert!(notifications(&effects).is_empty(), "{effects:?}");
    assert_eq!(view(&state).rail[0].unread, 1, "still counted");
    update(&mut state, Msg::ToggleMute);
    let effects = update(&mut state, to(account, posted(DM, 3, OTHER, None)));
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
