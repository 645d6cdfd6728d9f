//! `reconnect`: N connections are live, all drop at once (a network blip, a server
//! restart behind a proxy), messages are posted while they are away, then all come back at
//! once and resume from the position they last saw. Reports how long until every one was
//! ready *and* had every missed message, and checks nothing was missed or doubled.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde::Serialize;

use crate::connection::{Connector, check_descriptors};
use crate::fleet::{Fleet, Progress};
use crate::measure::{Latencies, Percentiles, ServerProcess, ServerUsage};
use crate::population::Population;
use crate::tracker::{Seen, Tracker};

#[derive(Debug, Clone)]
pub struct ReconnectOptions {
    pub users: usize,
    pub connections: usize,
    /// Messages posted while everyone is away.
    pub missed: u64,
    /// Seconds to wait for everyone to catch up.
    pub timeout_seconds: f64,
    /// Seconds to keep the connections open once measured, to look at the server (heap
    /// profiler, debugger) while they are.
    pub hold_seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct ReconnectReport {
    pub nodes: usize,
    pub users: usize,
    pub connections: usize,
    pub missed_messages: u64,
    /// From the storm's start until every connection had every missed message.
    pub all_caught_up_seconds: f64,
    /// Per connection, from the storm's start until it had every missed message.
    pub catch_up: Percentiles,
    pub caught_up: u64,
    /// Connect attempts refused or failed and retried.
    pub retries: u64,
    pub failed_connections: usize,
    pub lost: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    pub unexpected: u64,
    pub server: Option<ServerUsage>,
    /// The server's memory with every connection live, before the storm and once the storm
    /// is over and has settled (issue 18: what a storm leaves behind).
    pub memory: Option<StormMemory>,
}

/// The server's resident memory with the same connections live, before and after a storm.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StormMemory {
    pub before_storm_kib: u64,
    /// Read `SETTLE` after every connection had caught up.
    pub after_storm_kib: u64,
}

/// How long after the storm the memory is read again: frames in flight have been written and
/// freed, and an allocator that returns memory over time has had a moment to.
const SETTLE: Duration = Duration::from_secs(5);

impl ReconnectReport {
    pub fn is_correct(&self) -> bool {
        self.lost == 0
            && self.duplicates == 0
            && self.out_of_order == 0
            && self.unexpected == 0
            && self.failed_connections == 0
    }
}

impl std::fmt::Display for ReconnectReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "reconnect: {} node(s), {} connections ({} users) dropped at once, {} messages posted meanwhile",
            self.nodes, self.connections, self.users, self.missed_messages
        )?;
        writeln!(
            f,
            "  all {} resumed and caught up in {:.2} s ({} retries, {} failed); per connection {}",
            self.caught_up,
            self.all_caught_up_seconds,
            self.retries,
            self.failed_connections,
            self.catch_up
        )?;
        write!(
            f,
            "  lost {}, duplicates {}, out of order {}, unexpected {}",
            self.lost, self.duplicates, self.out_of_order, self.unexpected
        )?;
        if let Some(server) = &self.server {
            write!(f, "\n  {server}")?;
        }
        if let Some(memory) = &self.memory {
            write!(
                f,
                "\n  server RSS with all {} connections live: {:.1} MiB before the storm, {:.1} MiB {} s after it",
                self.connections,
                memory.before_storm_kib as f64 / 1024.0,
                memory.after_storm_kib as f64 / 1024.0,
                SETTLE.as_secs()
            )?;
        }
        Ok(())
    }
}

pub async fn run(
    connector: Arc<Connector>,
    options: &ReconnectOptions,
    server: Option<ServerProcess>,
) -> anyhow::Result<ReconnectReport> {
    let ReconnectOptions {
        users,
        connections,
        missed,
        ..
    } = options.clone();
    if users == 0 || connections == 0 {
        bail!("users and connections must be at least 1");
    }
    check_descriptors(connections, server.map(|s| s.pid))?;
    let population = Population::prepare(&connector, users, connections).await?;
    let everyone: Vec<usize> = (0..users).collect();
    let channel = population.channel("reconnect", &everyone).await?;
    let prefix = population.message_prefix();

    // Everyone live and caught up.
    let quiet: Arc<Progress> = Arc::new(|_: usize, _: &Seen, _: &Tracker| {});
    let (fleet, _) = Fleet::connect_all(connector.clone(), &population, connections, quiet).await?;
    let before_storm = server.map(|s| s.sample()).transpose()?;

    // All drop at once; messages arrive while they are away.
    let trackers = fleet.stop().await;
    let poster = population.users[0].client(0).clone();
    for n in 0..missed {
        poster
            .post_message(
                channel,
                &format!("while away {n}"),
                Some(&format!("{prefix}{n}")),
            )
            .await?;
    }

    // All come back at once.
    let before = server.map(|s| s.sample()).transpose()?;
    let storm = Instant::now();
    let catch_up = Arc::new(Latencies::new());
    let caught_up = Arc::new(AtomicU64::new(0));
    let progress: Arc<Progress> = {
        let (catch_up, caught_up) = (catch_up.clone(), caught_up.clone());
        Arc::new(move |index: usize, _: &Seen, tracker: &Tracker| {
            // Replayed messages arrive before `ready`: caught up is both, whichever is last.
            if tracker.ready && tracker.count() == missed {
                catch_up.record(index, storm.elapsed());
                caught_up.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let mut fleet = Fleet::new(connector.clone());
    for (c, tracker) in trackers.into_iter().enumerate() {
        let token = population.socket_token(c);
        fleet.spawn(c, token, tracker, progress.clone(), None);
    }
    let deadline = storm + Duration::from_secs_f64(options.timeout_seconds);
    while caught_up.load(Ordering::Relaxed) < connections as u64
        && fleet.counters.failed.load(Ordering::Relaxed) == 0
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let all_caught_up = storm.elapsed();
    let after = server.map(|s| s.sample()).transpose()?;
    // A moment more for any duplicate still on its way, and for the memory to settle when
    // it is read.
    let moment = if server.is_some() {
        SETTLE
    } else {
        Duration::from_millis(200)
    };
    tokio::time::sleep(moment).await;
    let settled = server.map(|s| s.sample()).transpose()?;
    if options.hold_seconds > 0.0 {
        eprintln!(
            "measured; holding the connections {} s",
            options.hold_seconds
        );
        tokio::time::sleep(Duration::from_secs_f64(options.hold_seconds)).await;
    }
    let retries = fleet.counters.retries.load(Ordering::Relaxed);
    let failed_connections = fleet.counters.failed.load(Ordering::Relaxed);
    let trackers = fleet.stop().await;

    let (mut lost, mut unexpected, mut duplicates, mut out_of_order) = (0, 0, 0, 0);
    for tracker in &trackers {
        let (l, u) = tracker.audit(missed, |_| Some(true));
        lost += l;
        unexpected += u;
        duplicates += tracker.duplicates;
        out_of_order += tracker.out_of_order;
    }
    Ok(ReconnectReport {
        nodes: connector.nodes(),
        users,
        connections,
        missed_messages: missed,
        all_caught_up_seconds: all_caught_up.as_secs_f64(),
        catch_up: catch_up.percentiles(),
        caught_up: caught_up.load(Ordering::Relaxed),
        retries,
        failed_connections,
        lost,
        duplicates,
        out_of_order,
        unexpected,
        server: before.zip(after).map(|(b, a)| ServerUsage::between(b, a)),
        memory: before_storm.zip(settled).map(|(b, a)| StormMemory {
            before_storm_kib: b.rss_kib,
            after_storm_kib: a.rss_kib,
        }),
    })
}
