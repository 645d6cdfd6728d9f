//! End to end without a window: two real OComms servers on port 0, and the client's state
//! machine with its effects runner. The client joins both, signs in, receives and sends on
//! each, and rides out a restart of one server (the realtime session resumes; what was sent
//! while it was down goes once it is back, exactly once). A relay in front of each server
//! records what the client told it: neither server hears anything about the other (C4).

use std::time::Duration;

use ocomms_client::Client;
use ocomms_proto::ConversationId;
use openchat::state::{Account, Connection, ServerKey};
use openchat::vault::{TokenStore, Vault};
use openchat::{Msg, State};
use tokio::net::TcpListener;

use harness::Harness;
use site::{ME, PASSWORD, Site};

mod harness;
mod offline;
mod pinned;
mod reactions;
mod search;
mod sessions;
mod sign_up;
mod site;

fn account_on(state: &State, server: ServerKey) -> Option<&Account> {
    state.server(server).and_then(|s| s.active())
}

fn has(state: &State, server: ServerKey, conversation: ConversationId, body: &str) -> bool {
    account_on(state, server).is_some_and(|a| {
        a.timelines
            .get(&conversation)
            .is_some_and(|t| t.messages().iter().any(|m| m.body == body))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_send_receive_and_survive_a_restart() {
    let mut a = Site::start("Acme").await;
    let b = Site::start("Beta").await;
    let mut client = Harness::new();
    let on_a = client.join(&a).await;
    let on_b = client.join(&b).await;
    assert_eq!(client.state.active_server, Some(on_b));

    // A message on A while B is on screen: received, and unread on A's rail.
    a.peer()
        .post_message(a.general, "hello from A", None)
        .await
        .expect("peer posts");
    let general_a = a.general;
    client
        .until("A's message arrived", move |s| {
            has(s, on_a, general_a, "hello from A")
        })
        .await;
    assert_eq!(client.state.server(on_a).map(|s| s.unread_total()), Some(1));
    let peer_a = a.peer_id;
    let author = account_on(&client.state, on_a)
        .and_then(|acc| acc.timelines.get(&general_a))
        .and_then(|t| t.messages().last().map(|m| m.author_id));
    assert_eq!(author, Some(peer_a));

    // Sending on B: acknowledged and stored once.
    client.act(Msg::DraftChanged("hi from the desktop".into()));
    client.act(Msg::Send);
    let general_b = b.general;
    client
        .until("the send on B was acknowledged", move |s| {
            has(s, on_b, general_b, "hi from the desktop")
                && account_on(s, on_b).is_some_and(|acc| acc.outbox.entries().is_empty())
        })
        .await;
    assert_eq!(b.bodies().await, ["hi from the desktop"]);

    // Up in the empty composer edits it; the edit reaches the server and comes back live.
    client.act(Msg::EditLast);
    client.act(Msg::DraftChanged("hi from the desktop (edited)".into()));
    client.act(Msg::Send);
    client
        .until("the edit is back", move |s| {
            has(s, on_b, general_b, "hi from the desktop (edited)")
        })
        .await;
    assert_eq!(b.bodies().await, ["hi from the desktop (edited)"]);

    // Server A goes down: A shows it, and a message sent meanwhile waits in the outbox.
    client.act(Msg::SelectServer(on_a));
    assert_eq!(client.state.server(on_a).map(|s| s.unread_total()), Some(0));
    a.stop().await;
    client
        .until("A is seen down", move |s| {
            account_on(s, on_a).is_some_and(|acc| {
                matches!(
                    acc.connection,
                    Connection::Degraded { .. } | Connection::Offline { .. }
                )
            })
        })
        .await;
    client.act(Msg::DraftChanged("sent while A was down".into()));
    client.act(Msg::Send);
    assert_eq!(
        account_on(&client.state, on_a).map(|acc| acc.outbox.entries().len()),
        Some(1)
    );

    // A is back: the session resumes, the queued message goes once, live events flow again.
    a.restart().await;
    client
        .until("A is online and the outbox drained", move |s| {
            account_on(s, on_a).is_some_and(|acc| {
                acc.connection == Connection::Online && acc.outbox.entries().is_empty()
            })
        })
        .await;
    a.peer()
        .post_message(a.general, "after the restart", None)
        .await
        .expect("peer posts after restart");
    client
        .until("the post-restart message arrived", move |s| {
            has(s, on_a, general_a, "after the restart")
        })
        .await;
    assert_eq!(
        a.bodies().await,
        ["hello from A", "sent while A was down", "after the restart"],
        "the queued message is stored exactly once, in order"
    );
    // B was never disturbed.
    assert_eq!(
        account_on(&client.state, on_b).map(|acc| acc.connection),
        Some(Connection::Online)
    );

    // Server-scoped identity (C4): neither server was told anything about the other — not
    // its address, its workspace or a word of its messages.
    let a_host = a.url.trim_start_matches("http://").to_owned();
    let b_host = b.url.trim_start_matches("http://").to_owned();
    assert!(a.relay.heard("sent while A was down") && b.relay.heard("hi from the desktop"));
    for text in [a_host.as_str(), "Acme", "hello from A", "sent while A"] {
        assert!(!b.relay.heard(text), "B heard {text:?}");
    }
    for text in [b_host.as_str(), "Beta", "hi from the desktop"] {
        assert!(!a.relay.heard(text), "A heard {text:?}");
    }
    a.stop().await;
}

#[tokio::test]
async fn the_probe_tells_failures_apart() {
    use openchat::error::ProbeError;
    use openchat::probe::probe;
    use openchat::registry::SavedTrust;

    let site = Site::start("Probe").await;
    let info = probe(&site.url, &SavedTrust::PublicCa)
        .await
        .expect("a real server passes");
    assert!(info.auth_methods.iter().any(|m| m == "password"));
    let https = site.url.replacen("http://", "https://", 1);
    assert!(matches!(
        probe(&https, &SavedTrust::PublicCa).await,
        Err(ProbeError::Tls(_))
    ));
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("addr");
    assert!(matches!(
        probe(&format!("http://{closed}"), &SavedTrust::PublicCa).await,
        Err(ProbeError::Unreachable(_))
    ));
    // A web server that is not OComms: the web UI's own pages are, so ask a path below it.
    assert!(matches!(
        probe(&format!("{}/nothing-here", site.url), &SavedTrust::PublicCa).await,
        Err(ProbeError::NotOComms)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_server_says_to_hear_of_notifies_unless_the_user_is_looking() {
    let site = Site::start("Notify").await;
    let server = site.server.as_ref().expect("running");
    let me = Client::new(&server.url()).with_token(site.my_token.clone());
    let my_id = me.me().await.expect("me").id;
    let slug = me.workspaces().await.expect("workspaces")[0].slug.clone();
    // A direct conversation that exists when the client connects. (One opened later is not
    // yet known as direct to the server's notify frames for its other members: issue 15.)
    let dm = site
        .peer()
        .open_direct(&slug, &[my_id])
        .await
        .expect("direct conversation");
    let mut client = Harness::new();
    client.join(&site).await;

    // #general is on screen in a focused window: chatter there notifies nobody.
    site.peer()
        .post_message(site.general, "just chatting", None)
        .await
        .expect("peer posts");
    // A direct message: the server's notify frame follows its event; the client shows it.
    site.peer()
        .post_message(dm.id, "**lunch** at noon?", None)
        .await
        .expect("peer writes to me");
    client.until_notified(1).await;
    // The window loses the focus; a mention in #general, on screen but unseen, notifies too.
    client.act(Msg::WindowFocused(false));
    site.peer()
        .post_message(site.general, "@me the build is green", None)
        .await
        .expect("peer mentions me");
    client.until_notified(2).await;
    assert_eq!(
        client.notified,
        [
            ("Peer · Notify".to_owned(), "lunch at noon?".to_owned()),
            (
                "Peer mentioned you in #general · Notify".to_owned(),
                "@me the build is green".to_owned()
            ),
        ]
    );
}
