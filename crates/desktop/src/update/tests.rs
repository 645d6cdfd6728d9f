//! `update` driven by messages alone: no window, no network. Here: the server registry,
//! probes, accounts and per-server context; messages in `tests/messages.rs`.

mod cached;
mod email;
mod fixture;
mod messages;
mod notify;
mod search;
mod sessions;
mod settings;
mod trust;

use crate::error::{AuthError, ProbeError};
use crate::msg::{Effect, Msg};
use crate::registry::{Saved, SavedTrust};
use crate::state::State;
use crate::update;
use crate::view::view;
use fixture::*;
use ocomms_client::Fingerprint;

#[test]
fn a_probe_failure_keeps_the_dialog_open_with_the_reason() {
    let mut state = State::new("c");
    let effects = update(&mut state, Msg::AddServer("chat.example.com".into()));
    assert_eq!(
        effects,
        [Effect::Probe {
            url: "https://chat.example.com".into(),
            trust: SavedTrust::PublicCa,
        }]
    );
    update(
        &mut state,
        Msg::Probed {
            url: "https://chat.example.com".into(),
            result: Err(ProbeError::NotOComms),
        },
    );
    assert!(state.servers.is_empty());
    assert_eq!(state.add_server.error, Some(ProbeError::NotOComms));
    assert!(view(&state).add_server.open);
    update(&mut state, Msg::AddServer("http://example.com".into()));
    assert_eq!(
        state.add_server.error,
        Some(ProbeError::PlainHttpNotLoopback)
    );
    // A late answer for a probe the user abandoned is ignored.
    update(&mut state, Msg::AddServer("chat.example.com".into()));
    update(&mut state, Msg::CloseAddServer);
    update(
        &mut state,
        Msg::Probed {
            url: "https://chat.example.com".into(),
            result: Ok(info("Late")),
        },
    );
    assert!(state.servers.is_empty());
}

#[test]
fn servers_are_added_selected_and_removed() {
    let mut state = State::new("c");
    let (a, _) = join(&mut state, "https://a.example", "me@a");
    let (b, account_b) = join(&mut state, "https://b.example", "me@b");
    assert_eq!(state.active_server, Some(b));
    let rail = view(&state).rail;
    assert_eq!(rail.len(), 2);
    assert_eq!(rail[0].initials, "AC");
    assert!(rail[1].active && rail[1].connection == "Online");
    // Adding a known address goes there instead of probing again.
    assert!(update(&mut state, Msg::AddServer("a.example/".into())).is_empty());
    assert_eq!(state.active_server, Some(a));
    let effects = update(&mut state, Msg::RemoveServer(b));
    assert_eq!(
        effects,
        [
            Effect::SignOut { account: account_b },
            Effect::ForgetServer {
                url: "https://b.example".into()
            }
        ]
    );
    assert_eq!(state.servers.len(), 1);
    update(&mut state, Msg::RemoveServer(a));
    assert!(state.active_server.is_none() && view(&state).add_server.open);
}

#[test]
fn each_server_keeps_its_channel_filter_and_draft() {
    let mut state = State::new("c");
    let (a, _) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::SelectConversation(RANDOM));
    update(&mut state, Msg::FilterChanged("ran".into()));
    update(&mut state, Msg::DraftChanged("half a thought".into()));
    let (b, _) = join(&mut state, "https://b.example", "me@b");
    let on_b = view(&state);
    assert_eq!(on_b.toolbar.title, "# general");
    assert_eq!((on_b.filter.as_str(), on_b.draft.as_str()), ("", ""));
    update(&mut state, Msg::SelectServer(a));
    let on_a = view(&state);
    assert_eq!(on_a.toolbar.title, "# random");
    assert_eq!(on_a.filter, "ran");
    assert_eq!(on_a.conversations.len(), 1, "the filter applies");
    assert_eq!(on_a.draft, "half a thought");
    update(&mut state, Msg::SelectServer(b));
    assert_eq!(view(&state).draft, "");
}

#[test]
fn several_accounts_on_one_server_and_session_expiry() {
    let mut state = State::new("c");
    let (server, me) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::OpenSignIn);
    assert!(view(&state).auth.open && view(&state).auth.can_cancel);
    let (same, other) = join_existing(&mut state, "other@a");
    assert_eq!(same, server);
    assert_eq!(view(&state).accounts.len(), 2);
    assert_eq!(state.viewed_account(), Some(other));
    // A message for the first account while the second is on screen is unread.
    update(&mut state, to(me, posted(GENERAL, 1, OTHER, None)));
    assert_eq!(view(&state).rail[0].unread, 1);
    update(&mut state, Msg::SelectAccount(me));
    assert_eq!(view(&state).rail[0].unread, 0);
    // The session expires: shown, the form opens with the email, the session is forgotten.
    update(&mut state, Msg::DraftChanged("keep me".into()));
    let effects = update(&mut state, Msg::SessionExpired(me));
    assert_eq!(
        effects,
        [
            Effect::Forget { account: me },
            Effect::ForgetSession {
                url: "https://a.example".into(),
                user: fixture::ME
            }
        ]
    );
    let v = view(&state);
    assert!(v.toolbar.connection.starts_with("Session expired"));
    assert!(v.auth.open && v.auth.email == "me@a");
    assert_eq!(v.rail[0].level, 4);
    // Signing in again as the same person keeps the draft and refetches history.
    let (_, again) = join_existing(&mut state, "me@a");
    assert_ne!(again, me);
    assert_eq!(view(&state).accounts.len(), 2);
    assert_eq!(view(&state).draft, "keep me");
}

#[test]
fn sign_in_errors_are_shown_and_sign_out_returns_to_the_form() {
    let mut state = State::new("c");
    let (server, _) = join(&mut state, "https://a.example", "me@a");
    update(&mut state, Msg::OpenSignIn);
    let effects = update(
        &mut state,
        Msg::SignIn {
            email: "x@a".into(),
            password: "bad".into(),
        },
    );
    let Some(Effect::SignIn { account, .. }) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    assert!(view(&state).auth.busy);
    update(
        &mut state,
        Msg::SignedIn {
            server,
            account,
            result: Err(AuthError::InvalidCredentials),
        },
    );
    let v = view(&state);
    assert_eq!(v.auth.error, "Wrong email or password");
    assert!(!v.auth.busy);
    update(&mut state, Msg::CloseSignIn);
    let effects = update(&mut state, Msg::SignOut);
    assert!(matches!(
        effects[..],
        [Effect::SignOut { .. }, Effect::ForgetSession { .. }]
    ));
    assert!(view(&state).auth.open && !view(&state).auth.can_cancel);
    assert_eq!(view(&state).rail[0].connection, "Signed out");
}

#[test]
fn several_probes_may_run_at_once() {
    let mut state = State::new("c");
    for url in ["https://a.example", "https://b.example"] {
        assert_eq!(update(&mut state, Msg::AddServer(url.into())).len(), 1);
    }
    assert!(update(&mut state, Msg::AddServer("a.example".into())).is_empty());
    for url in ["https://b.example", "https://a.example"] {
        let effects = update(
            &mut state,
            Msg::Probed {
                url: url.into(),
                result: Ok(info(url)),
            },
        );
        assert_eq!(
            effects,
            [
                Effect::RememberServer {
                    saved: Saved {
                        url: url.into(),
                        trust: SavedTrust::PublicCa,
                        muted: false,
                    }
                },
                Effect::ListSavedSessions {
                    server: state.active_server.expect("added"),
                    url: url.into()
                }
            ]
        );
    }
    assert_eq!(state.servers.len(), 2);
    assert!(!view(&state).add_server.open);
}

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
    assert!(state.servers.is_empty());
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

#[test]
fn unread_counts_come_from_the_server_and_reading_is_told_back() {
    let mut state = State::new("c");
    let (_, me) = join(&mut state, "https://a.example", "me@a");
    // A reload of the workspace brings what other devices left unread.
    update(
        &mut state,
        Msg::ConversationsLoaded {
            account: me,
            workspace: WS,
            result: Ok((
                vec![
                    conversation(RANDOM, "random", false),
                    conversation(GENERAL, "general", true),
                ],
                vec![],
                vec![(RANDOM, 4, 0), (GENERAL, 2, 0)],
            )),
        },
    );
    let rail = &view(&state).rail[0];
    assert_eq!(rail.unread, 4, "#general is on screen: it is being read");
    // Opening #random reads it, here and on the server.
    let effects = update(&mut state, Msg::SelectConversation(RANDOM));
    assert!(effects.contains(&Effect::MarkRead {
        account: me,
        conversation: RANDOM
    }));
    assert_eq!(view(&state).rail[0].unread, 0);
    // A message arriving on screen is read at once; elsewhere it counts.
    assert_eq!(
        update(&mut state, to(me, posted(RANDOM, 9, OTHER, None))),
        [Effect::MarkRead {
            account: me,
            conversation: RANDOM
        }]
    );
    assert!(update(&mut state, to(me, posted(GENERAL, 9, OTHER, None))).is_empty());
    assert_eq!(view(&state).rail[0].unread, 1);
    // A dead session found while marking read is said so.
    let effects = update(
        &mut state,
        Msg::MarkedRead {
            account: me,
            result: Err(crate::error::CallError::SessionExpired),
        },
    );
    assert!(matches!(
        effects[..],
        [Effect::Forget { account }, Effect::ForgetSession { .. }] if account == me
    ));
}

/// A message of `posted` that mentions me by handle.
fn mentioning_me(msg: Msg) -> Msg {
    match msg {
        Msg::Realtime {
            account,
            received_at,
            update: ocomms_client::Update::Event(mut event),
        } => {
            if let ocomms_proto::event::EventPayload::MessagePosted { message, .. } =
                &mut event.payload
            {
                message.mentions.users.push(ME);
            }
            Msg::Realtime {
                account,
                received_at,
                update: ocomms_client::Update::Event(event),
            }
        }
        other => other,
    }
}

#[test]
fn mentions_are_counted_apart_and_every_unread_direct_message_is_one() {
    use ocomms_proto::conversation::{ConversationKind, ReadState};
    let dm = ocomms_proto::ConversationId(102);
    let mut state = State::new("c");
    let (_, me) = join(&mut state, "https://a.example", "me@a");
    let mut direct = conversation(dm, "Olga", false);
    direct.kind = ConversationKind::Direct;
    update(
        &mut state,
        Msg::ConversationsLoaded {
            account: me,
            workspace: WS,
            result: Ok((
                vec![
                    conversation(RANDOM, "random", false),
                    conversation(GENERAL, "general", true),
                    direct,
                ],
                vec![(OTHER, "Olga".into())],
                vec![(RANDOM, 3, 1), (dm, 2, 0)],
            )),
        },
    );
    let shown = view(&state);
    assert_eq!((shown.rail[0].unread, shown.rail[0].mentions), (5, 3));
    let badge = |state: &State, label: &str| {
        view(state)
            .conversations
            .iter()
            .find(|c| c.label == label)
            .map(|c| (c.unread, c.mentions))
    };
    assert_eq!(badge(&state, "# random"), Some((3, 1)));
    assert_eq!(
        badge(&state, "@ Olga"),
        Some((2, 2)),
        "direct: all mentions"
    );

    // A live mention elsewhere counts; plain chatter only as unread.
    update(
        &mut state,
        to(me, mentioning_me(posted(RANDOM, 7, OTHER, None))),
    );
    update(&mut state, to(me, posted(RANDOM, 8, OTHER, None)));
    assert_eq!(badge(&state, "# random"), Some((5, 2)));
    // Read elsewhere (the web UI): both go.
    update(
        &mut state,
        to(
            me,
            Msg::Realtime {
                account: me,
                received_at: NOW,
                update: ocomms_client::Update::Read(ReadState {
                    conversation_id: RANDOM,
                    last_read_seq: 8,
                    unread: 0,
                    mentions: 0,
                }),
            },
        ),
    );
    assert_eq!(badge(&state, "# random"), Some((0, 0)));
    // Opening the direct message reads it.
    update(&mut state, Msg::SelectConversation(dm));
    assert_eq!(
        (view(&state).rail[0].unread, view(&state).rail[0].mentions),
        (0, 0)
    );
}
