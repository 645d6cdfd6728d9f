//! `ingest`: a closed model of many senders, each posting, waiting for the acknowledgement
//! (sent after the commit) and posting again; acknowledged messages per second and the
//! acknowledgement latency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::connection::Connector;
use crate::measure::{Latencies, Percentiles, ServerProcess, ServerUsage};
use crate::population::Population;

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub senders: usize,
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct IngestReport {
    pub nodes: usize,
    pub senders: usize,
    pub acknowledged: u64,
    pub failed: u64,
    pub messages_per_second: f64,
    pub ack_latency: Percentiles,
    pub server: Option<ServerUsage>,
}

impl std::fmt::Display for IngestReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ingest: {} senders on {} node(s), {} acknowledged ({} failed): {:.0} messages/s; ack {}",
            self.senders,
            self.nodes,
            self.acknowledged,
            self.failed,
            self.messages_per_second,
            self.ack_latency
        )?;
        if let Some(server) = &self.server {
            write!(f, "\n  {server}")?;
        }
        Ok(())
    }
}

pub async fn run(
    connector: Arc<Connector>,
    options: &IngestOptions,
    server: Option<ServerProcess>,
) -> anyhow::Result<IngestReport> {
    // Senders are load users taking turns over a channel they are all in.
    let users = options.senders.clamp(1, 16);
    let population = Population::prepare(&connector, users, 0).await?;
    let everyone: Vec<usize> = (0..users).collect();
    let channel = population.channel("ingest", &everyone).await?;
    let latencies = Arc::new(Latencies::new());
    let before = server.map(|s| s.sample()).transpose()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(options.seconds);
    let mut tasks = Vec::with_capacity(options.senders);
    for sender in 0..options.senders {
        let client = population.users[sender % users]
            .client(sender % connector.nodes())
            .clone();
        let latencies = latencies.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                let result = client
                    .post_message(channel, &format!("load {sender}-{n}"), None)
                    .await;
                n += 1;
                match result {
                    Ok(_) => {
                        ok += 1;
                        latencies.record(sender, sent.elapsed());
                    }
                    Err(_) => failed += 1,
                }
            }
            (ok, failed)
        }));
    }
    let (mut acknowledged, mut failed) = (0u64, 0u64);
    for task in tasks {
        let (ok, bad) = task.await?;
        acknowledged += ok;
        failed += bad;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = server.map(|s| s.sample()).transpose()?;
    Ok(IngestReport {
        nodes: connector.nodes(),
        senders: options.senders,
        acknowledged,
        failed,
        messages_per_second: acknowledged as f64 / elapsed,
        ack_latency: latencies.percentiles(),
        server: before.zip(after).map(|(b, a)| ServerUsage::between(b, a)),
    })
}
