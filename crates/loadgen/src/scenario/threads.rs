//! `threads`: All threads for someone who follows many. One load user starts `threads`
//! top-level messages in a channel and a second replies once to each, so the first follows
//! every thread (unread); then the first asks for All threads `requests` times, one request
//! after another: the answer's latency, from request sent to page read (query and HTTP).

use std::sync::Arc;
use std::time::Instant;

use anyhow::ensure;
use ocomms_proto::message::ThreadsQuery;
use serde::Serialize;

use crate::connection::Connector;
use crate::measure::{Latencies, Percentiles, ServerProcess, ServerUsage};
use crate::population::Population;

#[derive(Debug, Clone)]
pub struct ThreadsOptions {
    pub threads: usize,
    pub requests: usize,
    /// Threads per page asked for.
    pub limit: u32,
}

#[derive(Debug, Serialize)]
pub struct ThreadsReport {
    pub threads: usize,
    pub requests: usize,
    pub limit: u32,
    pub seconds_to_seed: f64,
    pub latency: Percentiles,
    pub server: Option<ServerUsage>,
}

impl std::fmt::Display for ThreadsReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "threads: All threads (page of {}) for a user following {} threads (seeded in {:.1} s), {} requests: {}",
            self.limit, self.threads, self.seconds_to_seed, self.requests, self.latency
        )?;
        if let Some(server) = &self.server {
            write!(f, "\n  {server}")?;
        }
        Ok(())
    }
}

/// Concurrent posters while seeding.
const SEEDERS: usize = 16;

pub async fn run(
    connector: Arc<Connector>,
    options: &ThreadsOptions,
    server: Option<ServerProcess>,
) -> anyhow::Result<ThreadsReport> {
    let population = Population::prepare(&connector, 2, 0).await?;
    let channel = population.channel("threads", &[0, 1]).await?;
    let (starter, replier) = (
        population.users[0].client(0).clone(),
        population.users[1].client(0).clone(),
    );
    let seeding = Instant::now();
    let mut seeders = Vec::with_capacity(SEEDERS);
    for seeder in 0..SEEDERS {
        let (starter, replier) = (starter.clone(), replier.clone());
        let count = options.threads;
        seeders.push(tokio::spawn(async move {
            for n in (seeder..count).step_by(SEEDERS) {
                let root = starter
                    .post_message(channel, &format!("topic {n}"), None)
                    .await?;
                replier
                    .reply(channel, root.id, &format!("re: topic {n}"), false)
                    .await?;
            }
            anyhow::Ok(())
        }));
    }
    for seeder in seeders {
        seeder.await??;
    }
    let seconds_to_seed = seeding.elapsed().as_secs_f64();

    let query = ThreadsQuery {
        after: None,
        limit: Some(options.limit),
    };
    let first = starter.threads(&population.slug, &query).await?;
    let expected = options.threads.min(options.limit as usize);
    ensure!(
        first.threads.len() == expected && first.threads.iter().all(|t| t.unread),
        "All threads listed {} threads ({} unread), expected {expected} unread",
        first.threads.len(),
        first.threads.iter().filter(|t| t.unread).count()
    );
    let latencies = Latencies::new();
    let before = server.map(|s| s.sample()).transpose()?;
    for request in 0..options.requests {
        let sent = Instant::now();
        starter.threads(&population.slug, &query).await?;
        latencies.record(request, sent.elapsed());
    }
    let after = server.map(|s| s.sample()).transpose()?;
    Ok(ThreadsReport {
        threads: options.threads,
        requests: options.requests,
        limit: options.limit,
        seconds_to_seed,
        latency: latencies.percentiles(),
        server: before.zip(after).map(|(b, a)| ServerUsage::between(b, a)),
    })
}
