//! The client without its window, driven against real servers.

use std::sync::Arc;
use std::time::Duration;

use ocomms_proto::instance::PROTOCOL_VERSION;
use ocomms_proto::message::Message;
use openchat::cache::{Cache, path_for};
use openchat::runner::Runner;
use openchat::state::{Connection, ServerKey};
use openchat::vault::Vault;
use openchat::{Msg, State, update};
use tokio::sync::mpsc;

use super::account_on;
use super::site::{ME, PASSWORD, Site};

/// Polls the offline cache of `url` in `dir` until one of its messages is `found` (the cache
/// is written by its own task, which sends no answer); fails after 10 s, saying `what`.
pub async fn until_cached(
    dir: &std::path::Path,
    url: &str,
    what: &str,
    found: impl Fn(&Message) -> bool,
) {
    let path = path_for(dir, url);
    for _ in 0..200 {
        if let Ok(mut cache) = Cache::open(&path).await
            && let Ok(Some(cached)) = cache.read().await
            && cached
                .accounts
                .iter()
                .flat_map(|a| &a.messages)
                .flat_map(|(_, list)| list)
                .any(&found)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the cache never held {what}");
}

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

    /// A run that keeps its data in a new directory (see `keeping`), joined to `site`: the
    /// directory (removed when dropped), the run, and the server's key.
    pub async fn keeping_joined(site: &Site) -> (tempfile::TempDir, Self, ServerKey) {
        let data = tempfile::tempdir().expect("data dir");
        let mut harness = Self::keeping(data.path());
        let key = harness.join(site).await;
        (data, harness, key)
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
