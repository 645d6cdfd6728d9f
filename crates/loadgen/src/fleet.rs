//! Many connections at once: each a task that connects (retrying like a real client would),
//! resumes, and reads every frame into its `Tracker` until told to stop.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use futures_util::{SinkExt as _, StreamExt as _};
use ocomms_proto::WorkspaceId;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::connection::Connector;
use crate::population::Population;
use crate::tracker::{Seen, Tracker};

/// Called on `ready` and on each first delivery of a run message, with the connection's
/// number and its tracker so far.
pub type Progress = dyn Fn(usize, &Seen, &Tracker) + Send + Sync;

/// Attempts per connection before it counts as failed.
const ATTEMPTS: u32 = 20;
/// Below the server's 60 s silence limit, like the SDK's heartbeat.
const PING_EVERY: Duration = Duration::from_secs(20);

/// Shared counters the driver polls.
#[derive(Default)]
pub struct Counters {
    /// Connections that received `ready`.
    pub ready: AtomicUsize,
    /// First deliveries of run messages, over all connections.
    pub delivered: AtomicU64,
    /// Connect attempts that failed and were retried.
    pub retries: AtomicU64,
    /// Connections that gave up or were closed by the server.
    pub failed: AtomicUsize,
}

pub struct Fleet {
    connector: Arc<Connector>,
    handles: Vec<JoinHandle<Tracker>>,
    stop: watch::Sender<bool>,
    pub counters: Arc<Counters>,
    /// The first failure, to report.
    first_error: Arc<std::sync::Mutex<Option<String>>>,
}

impl Fleet {
    pub fn new(connector: Arc<Connector>) -> Self {
        Self {
            connector,
            handles: Vec::new(),
            stop: watch::channel(false).0,
            counters: Arc::default(),
            first_error: Arc::default(),
        }
    }

    /// Starts connection number `index` resuming after the tracker's positions.
    /// `gate` bounds how many connect at once (none: all at once, a storm).
    pub fn spawn(
        &mut self,
        index: usize,
        token: String,
        tracker: Tracker,
        progress: Arc<Progress>,
        gate: Option<Arc<Semaphore>>,
    ) {
        let connector = self.connector.clone();
        let counters = self.counters.clone();
        let first_error = self.first_error.clone();
        let stop = self.stop.subscribe();
        self.handles.push(tokio::spawn(async move {
            let mut tracker = tracker;
            let result = run(
                &connector,
                index,
                &token,
                &mut tracker,
                &*progress,
                &counters,
                gate,
                stop,
            )
            .await;
            if let Err(error) = result {
                counters.failed.fetch_add(1, Ordering::Relaxed);
                let mut first = first_error
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                first.get_or_insert_with(|| format!("{error:#}"));
            }
            tracker
        }));
    }

    /// Connects `connections` of the population's users (round robin), 64 at a time as a
    /// client fleet coming online would, each starting live; returns once all are ready.
    pub async fn connect_all(
        connector: Arc<Connector>,
        population: &Population,
        connections: usize,
        progress: Arc<Progress>,
    ) -> anyhow::Result<(Self, Duration)> {
        let mut fleet = Self::new(connector);
        let gate = Arc::new(Semaphore::new(64));
        let prefix = population.message_prefix();
        for c in 0..connections {
            let token = population.socket_token(c);
            let tracker = Tracker::new(prefix.clone())
                .with_reaction_targets(population.reaction_targets.get().cloned());
            fleet.spawn(c, token, tracker, progress.clone(), Some(gate.clone()));
        }
        let ready = fleet
            .wait_ready(Duration::from_secs(30 + connections as u64 / 200))
            .await?;
        Ok((fleet, ready))
    }

    /// Waits until every connection is ready; fails when one gave up or time ran out.
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let target = self.handles.len();
        loop {
            if self.counters.ready.load(Ordering::Relaxed) >= target {
                return Ok(started.elapsed());
            }
            if self.counters.failed.load(Ordering::Relaxed) > 0 {
                bail!(
                    "a connection failed: {}",
                    self.first_error().unwrap_or_default()
                );
            }
            if started.elapsed() > timeout {
                bail!(
                    "only {} of {target} connections were ready after {timeout:?}",
                    self.counters.ready.load(Ordering::Relaxed)
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until `target` deliveries were counted or `timeout` passed; true if reached.
    pub async fn wait_delivered(&self, target: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.counters.delivered.load(Ordering::Relaxed) >= target {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.counters.delivered.load(Ordering::Relaxed) >= target
    }

    pub fn first_error(&self) -> Option<String> {
        self.first_error
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Closes every connection at once and returns their trackers, in spawn order.
    pub async fn stop(self) -> Vec<Tracker> {
        let _ = self.stop.send(true);
        let mut trackers = Vec::with_capacity(self.handles.len());
        for handle in self.handles {
            if let Ok(tracker) = handle.await {
                trackers.push(tracker);
            }
        }
        trackers
    }
}

#[allow(clippy::too_many_arguments)]
async fn run(
    connector: &Connector,
    index: usize,
    token: &str,
    tracker: &mut Tracker,
    progress: &Progress,
    counters: &Counters,
    gate: Option<Arc<Semaphore>>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let positions: BTreeMap<WorkspaceId, i64> = tracker.positions.clone();
    tracker.ready = false;
    let mut socket = {
        let _permit = match &gate {
            Some(gate) => Some(gate.acquire().await?),
            None => None,
        };
        let mut attempt = 0;
        loop {
            match connector.open(index, token, &positions).await {
                Ok(socket) => break socket,
                Err(error) if attempt + 1 >= ATTEMPTS => return Err(error),
                Err(_) => {
                    attempt += 1;
                    counters.retries.fetch_add(1, Ordering::Relaxed);
                    // Short, growing pauses: a storm of real clients backs off with jitter.
                    let pause = 20 * u64::from(attempt) + (index as u64 % 50);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
        }
    };
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            _ = stop.changed() => return Ok(()),
            incoming = socket.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let seen = tracker.on_text(text.as_str());
                    match seen {
                        Seen::Ready => {
                            counters.ready.fetch_add(1, Ordering::Relaxed);
                            progress(index, &seen, tracker);
                        }
                        Seen::Message(_) => {
                            counters.delivered.fetch_add(1, Ordering::Relaxed);
                            progress(index, &seen, tracker);
                        }
                        Seen::ResyncRequired => bail!("connection {index}: the server asked for a resync"),
                        Seen::Duplicate(_) | Seen::Other => {}
                    }
                }
                Some(Ok(Message::Close(frame))) => bail!("connection {index} closed by the server: {frame:?}"),
                Some(Ok(_)) => {}
                Some(Err(error)) => bail!("connection {index}: {error}"),
                None => bail!("connection {index} closed"),
            },
            _ = ping.tick() => {
                socket.send(Message::Text(r#"{"type":"ping"}"#.into())).await?;
            }
        }
    }
}
