//! The client without its window, driven against real servers.

use std::sync::Arc;
use std::time::Duration;

use ocomms_proto::instance::PROTOCOL_VERSION;
use openchat::runner::Runner;
use openchat::state::{Connection, ServerKey};
use openchat::vault::Vault;
use openchat::{Msg, State, update};
use tokio::sync::mpsc;

use super::account_on;
use super::site::{ME, PASSWORD, Site};

/// The client without its window: state, update, runner; answers come back on a channel.
pub struct Harness {
    pub state: State,
    pub runner: Runner,
    pub answers: mpsc::UnboundedReceiver<Msg>,
    /// The desktop notifications asked for (title, text); also shown, where a daemon runs.
    pub notified: Vec<(String, String)>,
}

impl Harness {
    pub fn new() -> Self {
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
    pub fn keeping(dir: &std::path::Path) -> Self {
        let mut harness = Self::new();
        let vault_dir = dir.to_owned();
        harness.runner = harness
            .runner
            .with_registry(dir.join("servers.txt"))
            .with_cache(dir.to_owned())
            .with_vault(move || Vault::file_only(vault_dir));
        harness
    }

    pub fn act(&mut self, msg: Msg) {
        let effects = update(&mut self.state, msg);
        for effect in &effects {
            if let openchat::Effect::Notify { title, body } = effect {
                self.notified.push((title.clone(), body.clone()));
            }
        }
        self.runner.run(effects);
    }

    /// Feeds answers into `update` until `count` notifications were asked for.
    pub async fn until_notified(&mut self, count: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while self.notified.len() < count {
            match tokio::time::timeout_at(deadline, self.answers.recv()).await {
                Ok(Some(msg)) => self.act(msg),
                _ => panic!("{} notifications: {:?}", self.notified.len(), self.notified),
            }
        }
    }

    /// Feeds answers into `update` until `done` holds (or fails after 20 s).
    pub async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.state) {
            match tokio::time::timeout_at(deadline, self.answers.recv()).await {
                Ok(Some(msg)) => self.act(msg),
                _ => panic!("timed out waiting until {what}; state: {:#?}", self.state),
            }
        }
    }

    /// Adds the server, signs in as me, and waits until #general is on screen and live.
    pub async fn join(&mut self, site: &Site) -> ServerKey {
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
