//! `idle`: N authenticated connections resumed and then quiet; the server's resident memory
//! per connection (from /proc/PID/status) and its CPU while they sit there.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::connection::{Connector, check_descriptors};
use crate::fleet::{Fleet, Progress};
use crate::measure::{ServerProcess, ServerUsage};
use crate::population::Population;
use crate::tracker::{Seen, Tracker};

#[derive(Debug, Clone)]
pub struct IdleOptions {
    pub connections: usize,
    /// Load users the connections are spread over.
    pub users: usize,
    /// Seconds to hold the connections before the second reading.
    pub hold_seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct IdleReport {
    pub connections: usize,
    pub users: usize,
    pub connect_seconds: f64,
    pub retries: u64,
    pub kib_per_connection: f64,
    /// CPU and memory while the connections are held (after all were ready).
    pub server: ServerUsage,
    pub rss_before_connections_kib: u64,
}

impl std::fmt::Display for IdleReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "idle: {} connections ({} users) ready in {:.2} s ({} retries); server RSS {:.1} → {:.1} MiB: {:.2} KiB per connection; CPU while idle {:.3} cores",
            self.connections,
            self.users,
            self.connect_seconds,
            self.retries,
            self.rss_before_connections_kib as f64 / 1024.0,
            self.server.rss_after_kib as f64 / 1024.0,
            self.kib_per_connection,
            self.server.cpu_cores
        )
    }
}

pub async fn run(
    connector: Arc<Connector>,
    options: &IdleOptions,
    server: ServerProcess,
) -> anyhow::Result<IdleReport> {
    check_descriptors(options.connections, Some(server.pid))?;
    let users = options.users.max(1);
    let population = Population::prepare(&connector, users, options.connections).await?;
    let before_connections = server.sample()?;
    let quiet: Arc<Progress> = Arc::new(|_: usize, _: &Seen, _: &Tracker| {});
    let (fleet, connect) =
        Fleet::connect_all(connector, &population, options.connections, quiet).await?;
    let held = server.sample()?;
    tokio::time::sleep(Duration::from_secs_f64(options.hold_seconds)).await;
    let after = server.sample()?;
    let retries = fleet
        .counters
        .retries
        .load(std::sync::atomic::Ordering::Relaxed);
    fleet.stop().await;
    Ok(IdleReport {
        connections: options.connections,
        users,
        connect_seconds: connect.as_secs_f64(),
        retries,
        kib_per_connection: after.rss_kib.saturating_sub(before_connections.rss_kib) as f64
            / options.connections.max(1) as f64,
        server: ServerUsage::between(held, after),
        rss_before_connections_kib: before_connections.rss_kib,
    })
}
