//! Certificates at the add-server dialog: an unknown one shown by fingerprint and pinned
//! once trusted, a changed one a hard stop, a private CA's file sent with the probe.

use ocomms_client::Fingerprint;

use super::fixture::*;
use crate::error::ProbeError;
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::State;
use crate::update;
use crate::view::view;

#[test]
fn an_unknown_certificate_is_shown_by_fingerprint_and_pinned_once_trusted() {
    let mut state = State::new("c");
    let url = "https://lan.example";
    update(&mut state, Msg::AddServer("lan.example".into()));
    let fp = Fingerprint::of(b"self-signed");
    update(
        &mut state,
        Msg::Probed {
            url: url.into(),
            result: Err(ProbeError::Untrusted { fingerprint: fp }),
        },
    );
    let dialog = view(&state).add_server;
    assert!(dialog.open && dialog.error.contains("not signed by an authority"));
    assert_eq!(dialog.fingerprint, fp.to_string());
    let pinned = SavedTrust::Pinned(fp);
    assert_eq!(
        update(&mut state, Msg::TrustCertificate),
        [Effect::Probe {
            url: url.into(),
            trust: pinned.clone(),
        }]
    );
    assert_eq!(view(&state).add_server.fingerprint, "", "asked once");
    let effects = update(
        &mut state,
        Msg::Probed {
            url: url.into(),
            result: Ok(info("LAN")),
        },
    );
    assert_eq!(
        effects.first(),
        Some(&Effect::RememberServer {
            saved: Saved {
                url: url.into(),
                trust: pinned.clone(),
                muted: false,
            }
        })
    );
    assert_eq!(state.servers[0].trust, pinned);
    assert!(view(&state).toolbar.security.contains(&fp.to_string()));
    // Signing in goes with the pin too.
    let effects = update(
        &mut state,
        Msg::SignIn {
            email: "me@lan".into(),
            password: "pw".into(),
        },
    );
    assert!(
        matches!(&effects[..], [Effect::SignIn { trust, .. }] if *trust == pinned),
        "{effects:?}"
    );
}

#[test]
fn a_changed_certificate_stops_with_both_fingerprints_and_nothing_to_accept() {
    let mut state = State::new("c");
    let (old, new) = (Fingerprint::of(b"old"), Fingerprint::of(b"new"));
    let saved = Saved {
        url: "https://lan.example".into(),
        trust: SavedTrust::Pinned(old),
        muted: false,
    };
    // Its offline cache is read first (nothing there), then it is probed.
    assert_eq!(
        update(&mut state, Msg::RestoreServer(saved.clone())),
        [Effect::ReadCache {
            url: saved.url.clone(),
        }]
    );
    assert_eq!(
        update(
            &mut state,
            Msg::CacheRead {
                url: saved.url.clone(),
                cached: None,
            }
        ),
        [Effect::Probe {
            url: saved.url.clone(),
            trust: saved.trust.clone(),
        }]
    );
    update(
        &mut state,
        Msg::Probed {
            url: saved.url.clone(),
            result: Err(ProbeError::CertificateChanged {
                server: saved.url.clone(),
                pinned: old,
                presented: new,
            }),
        },
    );
    let dialog = view(&state).add_server;
    assert!(dialog.open);
    assert!(dialog.error.contains(&old.to_string()) && dialog.error.contains(&new.to_string()));
    assert!(
        dialog.error.contains("https://lan.example"),
        "{}",
        dialog.error
    );
    assert_eq!(
        dialog.fingerprint, "",
        "no button that trusts a changed certificate"
    );
    assert!(update(&mut state, Msg::TrustCertificate).is_empty());
    assert!(state.servers.is_empty(), "not connected to");

    // The rail keeps it, marked, and a click says why again.
    let rail = view(&state).rail;
    assert_eq!(rail.len(), 1);
    assert_eq!(
        (
            rail[0].trust,
            rail[0].trust_label.as_str(),
            rail[0].name.as_str()
        ),
        (4, "certificate changed", "lan.example")
    );
    update(&mut state, Msg::CloseAddServer);
    let stopped = crate::state::ServerKey(rail[0].key);
    assert!(update(&mut state, Msg::SelectServer(stopped)).is_empty());
    assert_eq!(view(&state).add_server.error, dialog.error);

    // Added again, the new certificate compared and trusted: an ordinary pinned server.
    update(&mut state, Msg::AddServer("lan.example".into()));
    update(
        &mut state,
        Msg::Probed {
            url: saved.url.clone(),
            result: Err(ProbeError::Untrusted { fingerprint: new }),
        },
    );
    update(&mut state, Msg::TrustCertificate);
    update(
        &mut state,
        Msg::Probed {
            url: saved.url.clone(),
            result: Ok(info("LAN")),
        },
    );
    let rail = view(&state).rail;
    assert_eq!(rail.len(), 1);
    assert_eq!(rail[0].trust_label, "pinned certificate");
    assert_eq!(state.servers[0].trust, SavedTrust::Pinned(new));
}

#[test]
fn a_private_ca_file_goes_with_the_probe_and_an_empty_one_means_public_cas() {
    let mut state = State::new("c");
    let with_ca = update(
        &mut state,
        Msg::AddServerWithCa {
            input: "corp.example".into(),
            ca_file: " /etc/ssl/corp-ca.pem ".into(),
        },
    );
    assert_eq!(
        with_ca,
        [Effect::Probe {
            url: "https://corp.example".into(),
            trust: SavedTrust::CaFile("/etc/ssl/corp-ca.pem".into()),
        }]
    );
    let without = update(
        &mut state,
        Msg::AddServerWithCa {
            input: "chat.example.com".into(),
            ca_file: String::new(),
        },
    );
    assert_eq!(
        without,
        [Effect::Probe {
            url: "https://chat.example.com".into(),
            trust: SavedTrust::PublicCa,
        }]
    );
}
