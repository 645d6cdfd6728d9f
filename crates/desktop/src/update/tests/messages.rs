//! Messages: unread counts, the timeline, the outbox and older history.

use ocomms_client::Update;
use ocomms_proto::MessageId;
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::message::MessagePage;

use super::fixture::*;
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::{Connection, State};
use crate::update;
use crate::view::view;

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
        received_at: NOW,
        update: Update::Event(Box::new(Event {
            workspace_id: WS,
            position: 10 + seq,
            conversation_id: GENERAL,
            seq: 10 + seq,
            actor: OTHER,
            at: 0,
            payload,
        })),
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
                mentions: Default::default(),
            },
        ),
    );
    update(
        &mut state,
        event(
            2,
            EventPayload::MessageDeleted {
                message_id: MessageId(100_002),
                thread_root_id: None,
                thread: None,
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
            received_at: NOW,
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
                received_at: NOW,
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
            received_at: NOW,
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
            received_at: NOW,
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
                    update: Update::Event(event),
                    ..
                } => match event.payload {
                    EventPayload::MessagePosted { message, .. } => Some(message),
                    _ => None,
                },
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

#[test]
fn older_history_while_shown_from_the_offline_cache_says_why_nothing_comes() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, OTHER, None)));
    // As `cached::cache_read` leaves an account read from the cache: no session yet, and
    // its kept messages may have older ones before them on the server.
    let (_, kept) = state.account_mut(account).expect("account");
    kept.cached = true;
    kept.notice = Some("Offline: showing what this computer kept.".into());
    kept.timelines
        .get_mut(&GENERAL)
        .expect("timeline")
        .more_before = true;
    assert!(view(&state).more_before, "the button is shown");

    assert!(
        update(&mut state, Msg::LoadOlder).is_empty(),
        "nothing is asked"
    );
    assert_eq!(view(&state).notice, crate::update::composer::OFFLINE_OLDER);

    // Nothing older to load: nothing to say either.
    let (_, kept) = state.account_mut(account).expect("account");
    kept.notice = None;
    kept.timelines
        .get_mut(&GENERAL)
        .expect("timeline")
        .more_before = false;
    assert!(update(&mut state, Msg::LoadOlder).is_empty());
    assert_eq!(view(&state).notice, "");
}

#[test]
fn up_edits_my_last_message_and_escape_gives_up() {
    let mut state = State::new("c");
    let (_, account) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, to(account, posted(GENERAL, 1, ME, None)));
    update(&mut state, to(account, posted(GENERAL, 2, OTHER, None)));
    update(&mut state, Msg::EditLast);
    let v = view(&state);
    assert!(v.editing);
    assert_eq!(
        v.draft, "message 1",
        "my message, not the newer one of someone else"
    );
    update(&mut state, Msg::DraftChanged("message 1, fixed".into()));
    let effects = update(&mut state, Msg::Send);
    assert_eq!(
        effects,
        [Effect::Edit {
            account,
            message: MessageId(100_001),
            body: "message 1, fixed".into(),
        }]
    );
    assert!(!view(&state).editing && view(&state).draft.is_empty());
    update(&mut state, Msg::EditLast);
    update(&mut state, Msg::CancelEdit);
    let v = view(&state);
    assert!(!v.editing && v.draft.is_empty());
    // Nothing of mine: Up does nothing.
    update(&mut state, Msg::SelectConversation(RANDOM));
    update(&mut state, Msg::EditLast);
    assert!(!view(&state).editing);
}

#[test]
fn only_web_and_mail_links_are_opened() {
    let mut state = State::new("c");
    for url in [
        "https://example.com/a?b=1",
        "http://127.0.0.1:3000/x",
        "mailto:ada@example.com",
    ] {
        assert_eq!(
            update(&mut state, Msg::OpenLink(url.into())),
            [Effect::OpenLink { url: url.into() }]
        );
    }
    for url in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.com",
        "",
    ] {
        assert!(
            update(&mut state, Msg::OpenLink(url.into())).is_empty(),
            "{url}"
        );
    }
}
