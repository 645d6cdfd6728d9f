//! Switching servers: each server's timeline model is kept for going back, and what a switch
//! costs with five servers of 1,000 messages (a measurement, run by hand).

use std::time::{Duration, Instant};

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use ocomms_proto::UserId;
use ocomms_proto::message::Message;
use openchat::state::{AccountKey, ServerKey};
use openchat::ui::{AppWindow, Bridge, TimelineRows, render};
use openchat::view::view;
use openchat::{Msg, State, update};

use super::fixture::{self, signed_in_state};
use super::one;

/// `count` servers signed in, with `messages` messages in each one's #general.
pub(super) fn servers(count: u32, messages: i64) -> (State, Vec<ServerKey>) {
    let mut state = State::new("switching");
    let mut keys = Vec::new();
    for n in 0..count {
        let mut one = signed_in_state();
        let mut server = one.servers.remove(0);
        server.key = ServerKey(100 + n);
        server.url = format!("https://chat{n}.example.com");
        let account = AccountKey(200 + n);
        server.accounts[0].key = account;
        server.active_account = Some(account);
        keys.push(server.key);
        state.servers.push(server);
        for seq in 1..=messages {
            let message = Message {
                author_id: UserId(seq % 7),
                created_at: 1_796_256_000_000 + seq * 60_000,
                ..fixture::message(
                    seq,
                    &format!("server {n}, message {seq}, with some ordinary text in it"),
                )
            };
            fixture::post(&mut state, account, message);
        }
    }
    (state, keys)
}

/// Walks the timeline's list, as a frame or a screen reader would: it makes the rows it has
/// room for. Returns how many messages are on screen.
fn lay_out(list: &ElementHandle) -> usize {
    let mut messages = 0;
    list.visit_descendants(|element| {
        if element.accessible_role() == Some(AccessibleRole::ListItem) {
            messages += 1;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    messages
}

/// How many rows the timeline on screen has made for Slint.
fn made(window: &AppWindow) -> usize {
    let rows = window.get_rows();
    slint::Model::as_any(&rows)
        .downcast_ref::<TimelineRows>()
        .map_or(0, TimelineRows::made)
}

fn switch(state: &mut State, window: &AppWindow, bridge: &mut Bridge, to: ServerKey) {
    update(state, Msg::SelectServer(to));
    render(window, bridge, view(state));
    lay_out(&one(window, "Messages"));
}

#[test]
fn going_back_to_a_server_shows_its_timeline_model_again() {
    i_slint_backend_testing::init_no_event_loop();
    let (mut state, keys) = servers(2, 300);
    let (a, b) = (keys[0], keys[1]);
    let window = AppWindow::new().expect("window");
    let mut bridge = Bridge::default();
    switch(&mut state, &window, &mut bridge, a);
    let on_a = window.get_rows();
    let made_on_a = made(&window);
    assert_eq!(
        slint::Model::row_count(&on_a),
        301,
        "a day and 300 messages"
    );
    assert!(
        made_on_a > 0 && made_on_a < 100,
        "only the rows on screen are made: {made_on_a}"
    );

    switch(&mut state, &window, &mut bridge, b);
    assert!(window.get_rows() != on_a, "B has a timeline of its own");

    switch(&mut state, &window, &mut bridge, a);
    assert!(window.get_rows() == on_a, "A's model is shown again");
    assert_eq!(made(&window), made_on_a, "and no row of it is made again");

    // A new message on A is a new model (models never change once made).
    fixture::post(
        &mut state,
        AccountKey(200),
        fixture::message(301, "one more"),
    );
    render(&window, &mut bridge, view(&state));
    assert!(window.get_rows() != on_a);
    assert_eq!(slint::Model::row_count(&window.get_rows()), 302);
}

/// Not a check but a measurement (docs/benchmarks.md): five servers, 1,000 messages on each
/// one's #general, then the time to switch servers: `update` + `view` + `render` into the
/// window, then laying out what the window shows (the testing backend paints nothing, so
/// painting is not included; walking the window's elements makes the timeline's list make
/// the rows it has room for, as a frame would).
/// `cargo test -p openchat --test ui -- --ignored --nocapture switching`
#[test]
#[ignore = "a measurement, run by hand"]
fn switching_servers_with_a_thousand_messages_each() {
    i_slint_backend_testing::init_no_event_loop();
    let (mut state, servers) = servers(5, 1000);
    let window = AppWindow::new().expect("window");
    let mut bridge = Bridge::default();
    // The timeline's list, walked after each switch (found once: a search walks everything).
    let list = one(&window, "Messages");
    // Per switch: update + view + render, then its parts (update, view, render, layout),
    // each as (total, worst).
    let mut spent = [(Duration::ZERO, Duration::ZERO); 5];
    let mut on_screen = 0;
    let rounds = 50;
    for round in 0..rounds {
        let key = servers[round % servers.len()];
        let start = Instant::now();
        update(&mut state, Msg::SelectServer(key));
        let updated = Instant::now();
        let next = view(&state);
        let viewed = Instant::now();
        render(&window, &mut bridge, next);
        let rendered = Instant::now();
        on_screen = lay_out(&list);
        let laid_out = Instant::now();
        let parts = [
            rendered - start,
            updated - start,
            viewed - updated,
            rendered - viewed,
            laid_out - rendered,
        ];
        for ((total, worst), took) in spent.iter_mut().zip(parts) {
            *total += took;
            *worst = (*worst).max(took);
        }
        if round < servers.len() {
            // A first visit: the one that used to make a whole model.
            println!(
                "  first visit {round}: {:?} (+ layout {:?})",
                parts[0], parts[4]
            );
        }
    }
    let mean = |total: Duration| total / rounds as u32;
    println!(
        "switching servers (5 servers, 1,000 messages each): mean {:?}, worst {:?}",
        mean(spent[0].0),
        spent[0].1
    );
    for (part, (total, worst)) in ["update", "view", "render", "layout"]
        .iter()
        .zip(&spent[1..])
    {
        println!("  {part}: mean {:?}, worst {:?}", mean(*total), worst);
    }
    println!("  ({on_screen} messages laid out on screen)");
}
