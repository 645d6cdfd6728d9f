//! The window under Slint's testing backend (no display): widgets are found by their
//! accessible labels, and what the user does with them arrives as `Msg`s.

use std::cell::RefCell;
use std::rc::Rc;

use i_slint_backend_testing::ElementHandle;
use ocomms_client::Update;
use ocomms_proto::{ConversationId, WorkspaceId};
use openchat::state::AccountKey;
use openchat::ui::{AppWindow, Bridge, render, wire};
use openchat::view::view;
use openchat::{Msg, State, update};
use slint::ComponentHandle as _;
use slint::platform::{Key, WindowEvent};

mod fixture;
mod notifications;
mod search;

use fixture::{RECEIVED_AT, signed_in_state};

fn one(window: &AppWindow, label: &str) -> ElementHandle {
    let mut found: Vec<_> = ElementHandle::find_by_accessible_label(window, label).collect();
    assert_eq!(found.len(), 1, "one element labelled {label:?}");
    found.remove(0)
}

/// A window showing `state`, and the messages its callbacks produce.
fn window_for(state: &State) -> (AppWindow, Rc<RefCell<Vec<Msg>>>) {
    let window = AppWindow::new().expect("window");
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    wire(&window, Rc::new(move |msg| log.borrow_mut().push(msg)));
    render(&window, &mut Bridge::default(), view(state));
    (window, sent)
}

#[test]
fn the_window_is_navigable_by_accessible_labels() {
    i_slint_backend_testing::init_no_event_loop();

    // Fresh start: the add-server dialog, with its address field.
    let (window, sent) = window_for(&State::new("ui"));
    let address = one(&window, "Server address");
    address.set_accessible_value("chat.example.com");
    one(&window, "Add server").invoke_accessible_default_action();
    assert!(
        sent.borrow()
            .iter()
            .any(|m| matches!(m, Msg::AddServer(url) if url == "chat.example.com")),
        "{:?}",
        sent.borrow()
    );

    // Signed in: rail, channel list, toolbar state and composer are all labelled.
    let state = signed_in_state();
    let (window, sent) = window_for(&state);
    one(&window, "Acme (chat.example.com), Online").invoke_accessible_default_action();
    one(&window, "Conversation # general").invoke_accessible_default_action();
    one(&window, "Connection: Online");
    one(&window, "Filter channels");
    one(&window, "Add a server").invoke_accessible_default_action();
    let composer = one(&window, "Message # general");
    composer.set_accessible_value("hello");
    one(&window, "Send message").invoke_accessible_default_action();
    let sent = sent.borrow();
    assert!(matches!(sent[0], Msg::SelectServer(_)), "{sent:?}");
    assert!(matches!(
        sent[1],
        Msg::SelectConversation(ConversationId(5))
    ));
    assert!(matches!(sent[2], Msg::OpenAddServer));
    assert!(matches!(sent.last(), Some(Msg::Send)));
    drop(sent);

    // The server's desktop notifications are a checkbox away.
    let (window, sent) = window_for(&state);
    one(&window, "Desktop notifications").invoke_accessible_default_action();
    assert!(
        matches!(sent.borrow()[..], [Msg::ToggleMute]),
        "{:?}",
        sent.borrow()
    );
}

#[test]
fn enter_sends_and_shift_enter_does_not() {
    i_slint_backend_testing::init_no_event_loop();
    let state = signed_in_state();
    let (window, sent) = window_for(&state);
    let composer = one(&window, "Message # general");
    composer.mock_single_click(slint::platform::PointerEventButton::Left);
    let press = |text: slint::SharedString| {
        window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text });
    };
    press(Key::Shift.into());
    window.window().dispatch_event(WindowEvent::KeyPressed {
        text: Key::Shift.into(),
    });
    press(Key::Return.into());
    window.window().dispatch_event(WindowEvent::KeyReleased {
        text: Key::Shift.into(),
    });
    assert!(
        !sent.borrow().iter().any(|m| matches!(m, Msg::Send)),
        "Shift+Enter is a new line: {:?}",
        sent.borrow()
    );
    press(Key::Return.into());
    assert!(
        sent.borrow().iter().any(|m| matches!(m, Msg::Send)),
        "Enter sends: {:?}",
        sent.borrow()
    );
    // The window still shows the typed text (nothing re-rendered it): Up is a cursor key.
    press(Key::UpArrow.into());
    assert!(!sent.borrow().iter().any(|m| matches!(m, Msg::EditLast)));
    window.set_draft("".into());
    press(Key::UpArrow.into());
    assert!(
        sent.borrow().iter().any(|m| matches!(m, Msg::EditLast)),
        "Up in an empty composer edits the last message: {:?}",
        sent.borrow()
    );
}

#[test]
fn a_markdown_message_is_drawn_styled_and_read_as_its_plain_text() {
    use ocomms_proto::UserId;
    use ocomms_proto::event::{Event, EventPayload};

    i_slint_backend_testing::init_no_event_loop();
    let mut state = signed_in_state();
    let account = state.viewed_account().expect("signed in");
    let message = fixture::message(
        1,
        "**Ship** it, see [the log](https://ci.example.com/1)\n\n- one\n- `two`",
    );
    update(
        &mut state,
        Msg::Realtime {
            account,
            received_at: RECEIVED_AT,
            update: Update::Event(Box::new(Event {
                workspace_id: WorkspaceId(1),
                position: 1,
                conversation_id: ConversationId(5),
                seq: 1,
                actor: UserId(1),
                at: 0,
                payload: EventPayload::MessagePosted {
                    message,
                    thread: None,
                },
            })),
        },
    );
    let (window, _) = window_for(&state);
    // The screen reader hears the text, not the asterisks and brackets.
    one(&window, "Ada, 09:00: Ship it, see the log\n• one\n• two");
    let rows = window.get_rows();
    let row = slint::Model::row_data(&rows, 1).expect("the message row");
    let blocks: Vec<_> = (0..slint::Model::row_count(&row.blocks))
        .filter_map(|i| slint::Model::row_data(&row.blocks, i))
        .map(|b| (b.kind, b.marker.to_string(), b.plain.to_string()))
        .collect();
    assert_eq!(
        blocks,
        [
            (0, String::new(), "Ship it, see the log".to_owned()),
            (1, "•".to_owned(), "one".to_owned()),
            (1, "•".to_owned(), "two".to_owned()),
        ]
    );
    let styled =
        slint::StyledText::from_markdown("**Ship** it, see [the log](https://ci.example.com/1)")
            .expect("markup");
    let first = slint::Model::row_data(&row.blocks, 0).expect("block");
    assert_eq!(first.text, styled, "drawn styled, not as typed");
}

/// Not a check but a measurement (docs/benchmarks.md): five servers, 1,000 messages on each
/// one's #general, then the time to switch servers: `update` + `view` + `render` into the
/// window (the testing backend paints nothing, so painting is not included).
/// `cargo test -p openchat --test ui -- --ignored --nocapture switching`
#[test]
#[ignore = "a measurement, run by hand"]
fn switching_servers_with_a_thousand_messages_each() {
    use ocomms_proto::UserId;
    use ocomms_proto::event::{Event, EventPayload};
    use ocomms_proto::message::Message;

    i_slint_backend_testing::init_no_event_loop();
    let mut state = State::new("bench");
    let mut servers = Vec::new();
    for n in 0..5 {
        let mut one = signed_in_state();
        let mut server = one.servers.remove(0);
        server.key = openchat::state::ServerKey(100 + n);
        server.url = format!("https://chat{n}.example.com");
        let new_key = AccountKey(200 + n);
        server.accounts[0].key = new_key;
        server.active_account = Some(new_key);
        servers.push(server.key);
        state.servers.push(server);
        for seq in 1..=1000 {
            let message = Message {
                author_id: UserId(seq % 7),
                created_at: 1_796_256_000_000 + seq * 60_000,
                ..fixture::message(
                    seq,
                    &format!("server {n}, message {seq}, with some ordinary text in it"),
                )
            };
            update(
                &mut state,
                Msg::Realtime {
                    account: new_key,
                    received_at: RECEIVED_AT,
                    update: Update::Event(Box::new(Event {
                        workspace_id: WorkspaceId(1),
                        position: seq,
                        conversation_id: ConversationId(5),
                        seq,
                        actor: UserId(2),
                        at: 0,
                        payload: EventPayload::MessagePosted {
                            message,
                            thread: None,
                        },
                    })),
                },
            );
        }
    }
    let window = AppWindow::new().expect("window");
    let mut bridge = Bridge::default();
    // Per switch: the whole, then its parts (update, view, render), each as (total, worst).
    let mut spent = [(std::time::Duration::ZERO, std::time::Duration::ZERO); 4];
    let rounds = 50;
    for round in 0..rounds {
        let key = servers[round % servers.len()];
        let start = std::time::Instant::now();
        update(&mut state, Msg::SelectServer(key));
        let updated = std::time::Instant::now();
        let next = view(&state);
        let viewed = std::time::Instant::now();
        render(&window, &mut bridge, next);
        let rendered = std::time::Instant::now();
        let parts = [
            rendered - start,
            updated - start,
            viewed - updated,
            rendered - viewed,
        ];
        for ((total, worst), took) in spent.iter_mut().zip(parts) {
            *total += took;
            *worst = (*worst).max(took);
        }
    }
    let mean = |total: std::time::Duration| total / rounds as u32;
    println!(
        "switching servers (5 servers, 1,000 messages each): mean {:?}, worst {:?}",
        mean(spent[0].0),
        spent[0].1
    );
    for (part, (total, worst)) in ["update", "view", "render"].iter().zip(&spent[1..]) {
        println!("  {part}: mean {:?}, worst {:?}", mean(*total), worst);
    }
}

#[test]
fn an_unknown_certificate_is_shown_with_its_fingerprint_and_can_be_trusted() {
    i_slint_backend_testing::init_no_event_loop();
    let mut state = State::new("ui");
    update(&mut state, Msg::AddServer("lan.example".into()));
    let fingerprint = ocomms_client::Fingerprint::of(b"self-signed");
    update(
        &mut state,
        Msg::Probed {
            url: "https://lan.example".into(),
            result: Err(openchat::error::ProbeError::Untrusted { fingerprint }),
        },
    );
    let (window, sent) = window_for(&state);
    one(&window, &format!("Certificate fingerprint {fingerprint}"));
    one(&window, "Trust this certificate").invoke_accessible_default_action();
    assert!(matches!(sent.borrow()[..], [Msg::TrustCertificate]));
    // A private CA's file goes with the address.
    one(&window, "Server address").set_accessible_value("corp.example");
    one(&window, "Private CA certificate file").set_accessible_value("/etc/ssl/corp.pem");
    one(&window, "Add server").invoke_accessible_default_action();
    assert!(
        sent.borrow().iter().any(|m| matches!(m,
            Msg::AddServerWithCa { input, ca_file } if input == "corp.example" && ca_file == "/etc/ssl/corp.pem")),
        "{:?}",
        sent.borrow()
    );
}
