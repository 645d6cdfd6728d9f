//! `idle`: N authenticated connections resumed and then quiet; the server's resident memory
//! per connection (from /proc/PID/status) and its CPU while they sit there. With
//! `large_message`, one message of the longest length then goes to every connection, and the
//! memory is read again once it has been delivered: what a connection keeps of a large frame
//! shows there.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context as _;
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
    /// Then send one longest message to every connection and read the memory again.
    pub large_message: bool,
}

/// The server's memory around one longest message delivered to every connection.
#[derive(Debug, Serialize)]
pub struct LargeMessage {
    pub bytes: usize,
    pub delivered: usize,
    pub rss_after_kib: u64,
    /// Growth per connection that stayed after delivery.
    pub kib_per_connection_kept: f64,
    /// Whether the RSS came back to within 10 % of the idle reading.
    pub within_ten_percent: bool,
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
    pub large_message: Option<LargeMessage>,
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
        )?;
        if let Some(large) = &self.large_message {
            write!(
                f,
                "\n  one {}-byte message delivered to {} connections: RSS {:.1} MiB, {:.2} KiB per connection kept ({})",
                large.bytes,
                large.delivered,
                large.rss_after_kib as f64 / 1024.0,
                large.kib_per_connection_kept,
                if large.within_ten_percent {
                    "within 10 % of idle"
                } else {
                    "MORE than 10 % over idle"
                }
            )?;
        }
        Ok(())
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
    // The large message's channel exists before the connections, so each one hears it live.
    let large_channel = if options.large_message {
        let everyone: Vec<usize> = (0..users).collect();
        Some(population.channel("large", &everyone).await?)
    } else {
        None
    };
    let delivered = Arc::new(AtomicUsize::new(0));
    let counting = delivered.clone();
    let progress: Arc<Progress> = Arc::new(move |_: usize, seen: &Seen, _: &Tracker| {
        if matches!(seen, Seen::Message(_)) {
            counting.fetch_add(1, Ordering::Relaxed);
        }
    });
    let (fleet, connect) =
        Fleet::connect_all(connector, &population, options.connections, progress).await?;
    let held = server.sample()?;
    tokio::time::sleep(Duration::from_secs_f64(options.hold_seconds)).await;
    let after = server.sample()?;
    let large_message = match large_channel {
        Some(channel) => Some(
            send_large_message(
                &population,
                channel,
                &delivered,
                options,
                &server,
                after.rss_kib,
            )
            .await?,
        ),
        None => None,
    };
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
        large_message,
    })
}

/// Posts one longest message to `channel`, waits until every connection counted it in
/// `delivered` (and its frames have left the queues), and reads the server's memory against
/// `idle_kib`.
async fn send_large_message(
    population: &Population,
    channel: ocomms_proto::ConversationId,
    delivered: &AtomicUsize,
    options: &IdleOptions,
    server: &ServerProcess,
    idle_kib: u64,
) -> anyhow::Result<LargeMessage> {
    let body = "x".repeat(ocomms_proto::message::MAX_BODY_CHARS);
    let client_id = format!("{}0", population.message_prefix());
    population.users[0]
        .client(0)
        .post_message(channel, &body, Some(&client_id))
        .await
        .context("posting the large message")?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while delivered.load(Ordering::Relaxed) < options.connections
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs_f64(options.hold_seconds)).await;
    let rss_after_kib = server.sample()?.rss_kib;
    Ok(LargeMessage {
        bytes: body.len(),
        delivered: delivered.load(Ordering::Relaxed),
        rss_after_kib,
        kib_per_connection_kept: rss_after_kib.saturating_sub(idle_kib) as f64
            / options.connections.max(1) as f64,
        within_ten_percent: rss_after_kib as f64 <= idle_kib as f64 * 1.1,
    })
}
