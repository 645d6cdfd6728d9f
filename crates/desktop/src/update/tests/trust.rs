//! The rail keeps `servers.txt`'s order whatever order the probes answer in, and a pinned
//! certificate that changes mid-run stops as it would at start.

use ocomms_client::Fingerprint;

use super::fixture::*;
use crate::error::ProbeError;
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::State;
use crate::update;
use crate::view::view;

fn restore(state: &mut State, url: &str, trust: SavedTrust) {
    update(
        state,
        Msg::RestoreServer(Saved {
            url: url.into(),
            trust,
            muted: false,
        }),
    );
}

fn answer(state: &mut State, url: &str, name: &str) {
    update(
        state,
        Msg::Probed {
            url: url.into(),
            result: Ok(info(name)),
        },
    );
}

#[test]
fn the_rail_keeps_the_remembered_order_not_the_answers_order() {
    let mut state = State::new("c");
    for url in [
        "https://a.example",
        "https://b.example",
        "https://c.example",
    ] {
        restore(&mut state, url, SavedTrust::PublicCa);
    }
    answer(&mut state, "https://c.example", "C");
    answer(&mut state, "https://a.example", "A");
    answer(&mut state, "https://b.example", "B");
    let urls: Vec<&str> = state.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://a.example",
            "https://b.example",
            "https://c.example"
        ]
    );
    // The first of the file is shown, whichever answered first.
    assert_eq!(view(&state).auth.server, "A (a.example)");
    // One the user adds now goes last and is shown.
    update(&mut state, Msg::AddServer("https://d.example".into()));
    answer(&mut state, "https://d.example", "D");
    assert_eq!(
        state.servers.last().map(|s| s.url.as_str()),
        Some("https://d.example")
    );
    assert_eq!(view(&state).auth.server, "D (d.example)");
}

#[test]
fn a_pinned_certificate_that_changes_mid_run_is_a_hard_stop() {
    let mut state = State::new("c");
    let pinned = Fingerprint::of(b"the certificate the user trusted");
    let presented = Fingerprint::of(b"another certificate");
    restore(
        &mut state,
        "https://lan.example",
        SavedTrust::Pinned(pinned),
    );
    answer(&mut state, "https://lan.example", "LAN");
    let (_, account) = join_existing(&mut state, "me@lan");
    // The same certificate again (a plain restart) changes nothing.
    assert!(
        update(
            &mut state,
            Msg::CertificateChanged {
                account,
                presented: pinned
            }
        )
        .is_empty()
    );
    assert_eq!(state.servers.len(), 1);
    let effects = update(&mut state, Msg::CertificateChanged { account, presented });
    // Dropped here only: nothing is sent to whoever answers now (no sign-out), and the
    // server and its session stay remembered, so the next start stops at the probe too.
    assert_eq!(effects, [Effect::Forget { account }]);
    assert!(state.servers.is_empty());
    let v = view(&state);
    assert!(v.add_server.open);
    assert_eq!(
        state.add_server.error,
        Some(ProbeError::CertificateChanged {
            server: "https://lan.example".into(),
            pinned,
            presented,
        })
    );
    assert!(v.add_server.error.contains(&presented.to_string()));
    // Still on the rail, marked, not connected.
    let labels: Vec<(&str, &str)> = v
        .rail
        .iter()
        .map(|r| (r.connection.as_str(), r.trust_label.as_str()))
        .collect();
    assert_eq!(labels, [("Not connected", "certificate changed")]);
}

#[test]
fn the_rail_marks_how_each_server_is_protected() {
    let mut state = State::new("c");
    let pinned = SavedTrust::Pinned(Fingerprint::of(b"self-signed"));
    for (url, trust) in [
        ("https://a.example", SavedTrust::PublicCa),
        (
            "https://b.example",
            SavedTrust::CaFile("/etc/ssl/corp.pem".into()),
        ),
        ("https://c.example", pinned),
        ("http://127.0.0.1:3000", SavedTrust::PublicCa),
    ] {
        restore(&mut state, url, trust);
        answer(&mut state, url, "Acme");
    }
    let marks: Vec<(i32, String)> = view(&state)
        .rail
        .into_iter()
        .map(|r| (r.trust, r.trust_label))
        .collect();
    assert_eq!(
        marks,
        [
            (0, "certificate verified".to_owned()),
            (1, "private CA certificate".to_owned()),
            (2, "pinned certificate".to_owned()),
            (3, "not encrypted".to_owned()),
        ]
    );
}
