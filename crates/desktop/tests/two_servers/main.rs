//! End to end without a window: two real OComms servers on port 0, and the client's state
//! machine with its effects runner. The client joins both, signs in, receives and sends on
//! each, and rides out a restart of one server (the realtime session resumes; what was sent
//! while it was down goes once it is back, exactly once). A relay in front of each server
//! records what the client told it: neither server hears anything about the other (C4).

use std::sync::Arc;
use std::time::Duration;

use ocomms_client::Client;
use ocomms_proto::ConversationId;
use ocomms_proto::instance::PROTOCOL_VERSION;
use openchat::runner::Runner;
use openchat::state::{Account, Connection, ServerKey};
use openchat::vault::{TokenStore, Vault};
use openchat::{Msg, State, update};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use site::{ME, PASSWORD, Site};

mod offline;
mod pinned;
mod search;
mod site;

/// The client without its window: state, update, runner; answers come back on a channel.
struct Harness {
    state: State,
    runner: Runner,
    answers: mpsc::UnboundedReceiver<Msg>,
    /// The desktop notifications asked for (title, text); also shown, where a daemon runs.
    notified: Vec<(String, String)>,
}

impl Harness {
    fn new() -> Self {
        let (tx, answers) = mpsc::unbounded_channel();
        let sink: openchat::runner::Sink = Arc::new(move |msg| {
            let _ = tx.send(msg);
        });
        Self {
            state: State::new("e2e"),
            runner: Runner::new(tokio::runtime::Handle::current(), sink),
            answers,
            notified: Vec::new(),
        }
    }

    /// A run of the client that keeps its servers and sessions in `dir` (tokens in the file:
    /// CI has no keyring).
    fn keeping(dir: &std::path::Path) -> Self {
        let mut harness = Self::new();
        let vault_dir = dir.to_owned();
        harness.runner = harness
            .runner
            .with_registry(dir.join("servers.txt"))
            .with_cache(dir.to_owned())
            .with_vault(move || Vault::file_only(vault_dir));
        harness
    }

    fn act(&mut self, msg: Msg) {
        let effects = update(&mut self.state, msg);
        for effect in &effects {
            if let openchat::Effect::Notify { title, body } = effect {
                self.notified.push((title.clone(), body.clone()));
            }
        }
        self.runner.run(effects);
    }

    /// Feeds answers into `update` until `count` notifications were asked for.
    async fn until_notified(&mut self, count: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while self.notified.len() < count {
            match tokio::time::timeout_at(deadline, self.answers.recv()).await {
                Ok(Some(msg)) => self.act(msg),
                _ => panic!("{} notifications: {:?}", self.notified.len(), self.notified),
            }
        }
    }

    /// Feeds answers into `update` until `done` holds (or fails after 20 s).
    async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.state) {
            match tokio::time::timeout_at(deadline, self.answers.recv()).await {
                Ok(Some(msg)) => self.act(msg),
                _ => panic!("timed out waiting until {what}; state: {:#?}", self.state),
            }
        }
    }

    /// Adds the server, signs in as me, and waits until #general is on screen and live.
    async fn join(&mut self, site: &Site) -> ServerKey {
        self.act(Msg::AddServer(site.url.clone()));
        let url = site.url.clone();
        self.until("the probe added the server", |s| {
            s.active().is_some_and(|server| server.url == url)
        })
        .await;
        let key = self.state.active_server.expect("active server");
        let info = &self.state.server(key).expect("server").info;
        assert!(info.protocol_versions.contains(&PROTOCOL_VERSION));
        self.act(Msg::SignIn {
            email: ME.into(),
            password: PASSWORD.into(),
        });
        let general = site.general;
        self.until("signed in, online, #general loaded", move |s| {
            account_on(s, key).is_some_and(|a| {
                a.connection == Connection::Online
                    && a.context.conversation == Some(general)
                    && a.timelines.get(&general).is_some_and(|t| t.loaded)
            })
        })
        .await;
        key
    }
}

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
async fn a_revoked_session_is_shown_as_expired_and_signing_in_again_keeps_the_draft() {
    let site = Site::start("Expiry").await;
    let mut client = Harness::new();
    let key = client.join(&site).await;
    client.act(Msg::DraftChanged("unsent words".into()));

    // From my other session, revoke the desktop's (say, from the web UI's session list).
    let server = site.server.as_ref().expect("running");
    let me = Client::new(&server.url()).with_token(site.my_token.clone());
    let desktop = me
        .sessions()
        .await
        .expect("sessions")
        .into_iter()
        .find(|s| !s.current)
        .expect("the desktop's session");
    me.revoke_session(desktop.id).await.expect("revoke");
    client
        .until("the expiry is shown", move |s| {
            account_on(s, key).is_some_and(|a| a.connection == Connection::SessionExpired)
                && s.server(key).is_some_and(|server| server.auth.open)
        })
        .await;

    client.act(Msg::SignIn {
        email: ME.into(),
        password: PASSWORD.into(),
    });
    let general = site.general;
    client
        .until("signed in again, online", move |s| {
            account_on(s, key).is_some_and(|a| {
                a.connection == Connection::Online && a.context.conversation == Some(general)
            })
        })
        .await;
    let server = client.state.server(key).expect("server");
    assert_eq!(server.accounts.len(), 1, "the same person, one account");
    assert_eq!(
        openchat::view::view(&client.state).draft,
        "unsent words",
        "the draft survived"
    );
}

/// Polls the kept sessions (written on the vault's thread, which sends no answer) until
/// `done` holds for the tokens kept for `url`.
async fn until_kept(
    dir: &std::path::Path,
    url: &str,
    what: &str,
    done: impl Fn(&[String]) -> bool,
) {
    let vault = Vault::file_only(dir.to_owned());
    for _ in 0..200 {
        let tokens: Vec<String> = vault
            .sessions(url)
            .expect("sessions")
            .iter()
            .filter_map(|s| vault.token(s).expect("token"))
            .collect();
        if done(&tokens) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_kept_across_runs_and_an_expired_one_is_said() {
    let site = Site::start("Kept").await;
    let data = tempfile::tempdir().expect("data dir");
    let general = site.general;

    // First run: add the server and sign in; the token is kept.
    let mut first = Harness::keeping(data.path());
    first.join(&site).await;
    until_kept(data.path(), &site.url, "the token is kept", |t| {
        t.len() == 1
    })
    .await;
    assert!(matches!(first.state.token_store, Some(TokenStore::File(_))));
    assert!(
        openchat::view::view(&first.state)
            .toolbar
            .token_store
            .contains("no keyring"),
        "the file fallback is said in the toolbar"
    );
    drop(first);

    // Second run: the remembered server comes back signed in, without a password.
    let mut second = Harness::keeping(data.path());
    let remembered = openchat::registry::load(&data.path().join("servers.txt")).expect("registry");
    for saved in remembered {
        second.act(Msg::RestoreServer(saved));
    }
    second
        .until("signed back in, online, #general loaded", move |s| {
            s.active()
                .and_then(|server| server.active())
                .is_some_and(|a| {
                    a.connection == Connection::Online
                        && a.context.conversation == Some(general)
                        && a.timelines.get(&general).is_some_and(|t| t.loaded)
                })
        })
        .await;
    assert!(!openchat::view::view(&second.state).auth.open);
    drop(second);

    // The session is revoked elsewhere (the web UI's session list) between runs.
    let server = site.server.as_ref().expect("running");
    let me = Client::new(&server.url()).with_token(site.my_token.clone());
    for session in me.sessions().await.expect("sessions") {
        if !session.current {
            me.revoke_session(session.id).await.expect("revoke");
        }
    }

    // Third run: "session expired" on the server, not a silent failure; the dead token goes.
    let mut third = Harness::keeping(data.path());
    for saved in openchat::registry::load(&data.path().join("servers.txt")).expect("registry") {
        third.act(Msg::RestoreServer(saved));
    }
    third
        .until("the expiry is said", |s| {
            s.active().is_some_and(|server| {
                server.auth.error == Some(openchat::error::AuthError::SessionExpired)
            })
        })
        .await;
    let shown = openchat::view::view(&third.state);
    assert!(
        shown.auth.open && shown.auth.email == ME,
        "{:?}",
        shown.auth
    );
    assert!(shown.rail[0].connection.starts_with("Session expired"));
    until_kept(
        data.path(),
        &site.url,
        "the dead token is deleted",
        <[String]>::is_empty,
    )
    .await;

    // Signing in again keeps the new token; signing out deletes it.
    third.act(Msg::SignIn {
        email: ME.into(),
        password: PASSWORD.into(),
    });
    third
        .until("signed in again", |s| {
            s.active()
                .and_then(|server| server.active())
                .is_some_and(|a| a.connection == Connection::Online)
        })
        .await;
    until_kept(data.path(), &site.url, "the new token is kept", |t| {
        t.len() == 1
    })
    .await;
    third.act(Msg::SignOut);
    until_kept(
        data.path(),
        &site.url,
        "signing out deletes it",
        <[String]>::is_empty,
    )
    .await;
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
