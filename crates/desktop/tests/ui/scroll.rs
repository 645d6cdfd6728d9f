//! The timeline keeps its place, as the user scrolls it with the wheel: scrolled up on one
//! server, it is there again after a look at another server and after another
//! conversation, a message arriving meanwhile does not move it, and scrolling to the top
//! asks for older messages, which arrive above the message being read.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::rc::Rc;

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use ocomms_proto::message::{Message, MessagePage};
use openchat::state::AccountKey;
use openchat::ui::{AppWindow, Bridge, render, wire};
use openchat::view::view;
use openchat::{Msg, State, update};
use slint::ComponentHandle as _;
use slint::platform::WindowEvent;
use slint::{LogicalPosition, LogicalSize};

use super::fixture::{self, GENERAL};
use super::one;
use super::switching::servers;

/// The window as the application runs it: what its callbacks send goes through `update`
/// and the window is rendered again (not after a scroll, as in `ui::dispatch`).
struct App {
    state: State,
    window: AppWindow,
    bridge: Bridge,
    sent: Rc<RefCell<Vec<Msg>>>,
    /// How many times older messages were asked for.
    older: usize,
}

impl App {
    fn new(state: State) -> Self {
        let window = AppWindow::new().expect("window");
        window.window().set_size(LogicalSize::new(1100.0, 700.0));
        let sent = Rc::new(RefCell::new(Vec::new()));
        let log = sent.clone();
        wire(&window, Rc::new(move |msg| log.borrow_mut().push(msg)));
        let mut app = Self {
            state,
            window,
            bridge: Bridge::default(),
            sent,
            older: 0,
        };
        app.render();
        app
    }

    fn render(&mut self) {
        render(&self.window, &mut self.bridge, view(&self.state));
        settle(&self.window);
    }

    fn act(&mut self, msg: Msg) {
        update(&mut self.state, msg);
        self.render();
    }

    /// Handles what the window sent.
    fn pump(&mut self) {
        let sent: Vec<Msg> = self.sent.borrow_mut().drain(..).collect();
        for msg in sent {
            let quiet = matches!(msg, Msg::Scrolled(_));
            let effects = update(&mut self.state, msg);
            self.older += effects
                .iter()
                .filter(|e| {
                    matches!(
                        e,
                        openchat::Effect::LoadHistory {
                            before: Some(_),
                            ..
                        }
                    )
                })
                .count();
            if !quiet {
                self.render();
            }
        }
    }

    /// Turns the mouse wheel over the timeline: positive `dy` scrolls up, to older messages.
    fn wheel(&mut self, dy: f32) {
        let list = one(&self.window, "Messages");
        let (at, size) = (list.absolute_position(), list.size());
        let position = LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
        let window = self.window.window();
        window.dispatch_event(WindowEvent::PointerMoved { position });
        window.dispatch_event(WindowEvent::PointerScrolled {
            position,
            delta_x: 0.0,
            delta_y: dy,
        });
        settle(&self.window);
        self.pump();
    }
}

/// What the event loop does between frames, a few times over: the `changed` handlers run
/// and what is on screen is laid out (the list measures the rows it shows).
fn settle(window: &AppWindow) {
    for _ in 0..8 {
        // Time passes: the wheel's smooth scrolling runs to its end.
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(50));
        slint::platform::update_timers_and_animations();
        top_message(window);
    }
}

/// The accessible label of the message at the top of the timeline's view.
fn top_message(window: &AppWindow) -> String {
    let list = one(window, "Messages");
    let top = list.absolute_position().y;
    let mut found: Option<(f32, String)> = None;
    list.visit_descendants(|e: ElementHandle| {
        if e.accessible_role() == Some(AccessibleRole::ListItem) {
            let y = e.absolute_position().y;
            if y + e.size().height > top + 1.0 && found.as_ref().is_none_or(|(at, _)| y < *at) {
                let label = e.accessible_label().unwrap_or_default().to_string();
                found = Some((y, label));
            }
        }
        ControlFlow::<()>::Continue(())
    });
    found.map(|(_, label)| label).unwrap_or_default()
}

/// The `seq` in "…, message {seq}, …" of a row's label.
fn seq(label: &str) -> i64 {
    label
        .split("message ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no message in {label:?}"))
}

#[test]
fn the_timeline_keeps_its_place_across_switches_and_new_messages() {
    i_slint_backend_testing::init_no_event_loop();
    let (state, keys) = servers(2, 300);
    let (a, b) = (keys[0], keys[1]);
    let mut app = App::new(state);
    app.act(Msg::SelectServer(a));
    let newest = top_message(&app.window);
    assert!(seq(&newest) > 280, "opens at the newest: {newest}");

    for _ in 0..10 {
        app.wheel(300.0);
    }
    let reading = top_message(&app.window);
    assert!(seq(&reading) < 250, "scrolled up: {reading}");
    assert!(app.state.viewed_account().is_some());
    assert!(view(&app.state).scroll.is_some(), "kept in the state");

    // Another server, which opens at its newest message, and back.
    app.act(Msg::SelectServer(b));
    assert!(seq(&top_message(&app.window)) > 280);
    app.act(Msg::SelectServer(a));
    assert_eq!(top_message(&app.window), reading, "back where it was");

    // A message arriving below does not move the view.
    fixture::post(
        &mut app.state,
        AccountKey(200),
        fixture::message(301, "a new one"),
    );
    app.render();
    assert_eq!(top_message(&app.window), reading, "not yanked to the end");

    // Scrolled back down to the end, it follows new messages again.
    for _ in 0..20 {
        app.wheel(-600.0);
    }
    assert_eq!(view(&app.state).scroll, None);
    fixture::post(
        &mut app.state,
        AccountKey(200),
        fixture::message(302, "and another"),
    );
    app.render();
    assert!(seq(&top_message(&app.window)) > 280);
}

#[test]
fn scrolling_to_the_top_loads_older_messages_above_the_one_being_read() {
    i_slint_backend_testing::init_no_event_loop();
    let (mut state, keys) = servers(1, 0);
    update(&mut state, Msg::SelectServer(keys[0]));
    let account = AccountKey(200);
    let page = |from: i64, to: i64| MessagePage {
        messages: (from..to)
            .map(|seq| Message {
                created_at: 1_796_256_000_000 + seq * 60_000,
                ..fixture::message(seq, &format!("message {seq}, of the history"))
            })
            .collect(),
        more_before: true,
        more_after: false,
    };
    update(
        &mut state,
        Msg::HistoryLoaded {
            account,
            conversation: GENERAL,
            result: Ok(page(101, 161)),
        },
    );
    let mut app = App::new(state);
    // The button stays for the keyboard and screen readers.
    one(&app.window, "Load older messages");

    for _ in 0..30 {
        app.wheel(300.0);
    }
    let reading = top_message(&app.window);
    assert_eq!(seq(&reading), 101, "at the top: {reading}");
    assert_eq!(app.older, 1, "asked for once, however long the wheel turns");

    app.act(Msg::HistoryLoaded {
        account,
        conversation: GENERAL,
        result: Ok(page(41, 101)),
    });
    assert_eq!(
        top_message(&app.window),
        reading,
        "the older messages arrived above it"
    );
    // Further up: the next page, once.
    for _ in 0..30 {
        app.wheel(300.0);
    }
    assert_eq!(app.older, 2);
    app.act(Msg::HistoryLoaded {
        account,
        conversation: GENERAL,
        result: Ok(MessagePage {
            more_before: false,
            ..page(1, 41)
        }),
    });
    for _ in 0..40 {
        app.wheel(300.0);
    }
    assert_eq!(seq(&top_message(&app.window)), 1);
    assert_eq!(
        app.older, 2,
        "nothing more is asked once the server said so"
    );
}
