//! `ingest`: a closed model of many senders, each posting, waiting for the acknowledgement
//! (sent after the commit) and posting again; acknowledged messages per second and the
//! acknowledgement latency. Over the socket (the default), each load user holds one
//! realtime session, its senders post through it with `post` frames and `posted` is the
//! acknowledgement; each user posts in a channel of their own, so a message is delivered
//! once (to its author's socket), as a person's own message comes back to them. Over REST,
//! each post is an HTTP request answered after the commit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ocomms_client::Update;
use ocomms_proto::message::PostMessage;
use serde::Serialize;

use crate::connection::Connector;
use crate::measure::{Latencies, Percentiles, ServerProcess, ServerUsage};
use crate::population::Population;

#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub senders: usize,
    pub seconds: f64,
    pub over: Over,
}

/// How the senders post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Over {
    /// `post` frames on the realtime WebSocket, answered with `posted`.
    Socket,
    /// `POST /api/v1/conversations/{id}/messages`.
    Rest,
}

#[derive(Debug, Serialize)]
pub struct IngestReport {
    pub nodes: usize,
    pub senders: usize,
    pub over: Over,
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
            "ingest: {} senders on {} node(s) over {:?}, {} acknowledged ({} failed): {:.0} messages/s; ack {}",
            self.senders,
            self.nodes,
            self.over,
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
    let users = options.senders.clamp(1, 16);
    let population = Population::prepare(&connector, users, 0).await?;
    let mut channels = Vec::with_capacity(users);
    match options.over {
        // Over REST, the senders take turns over a channel they are all in (nobody listens).
        Over::Rest => {
            let everyone: Vec<usize> = (0..users).collect();
            channels.resize(users, population.channel("ingest", &everyone).await?);
        }
        Over::Socket => {
            for user in 0..users {
                channels.push(
                    population
                        .channel(&format!("ingest-{user}"), &[user])
                        .await?,
                );
            }
        }
    }
    let mut posters = Vec::new();
    let mut listeners = Vec::new();
    if options.over == Over::Socket {
        for user in 0..users {
            let client = population.users[user].client(user % connector.nodes());
            let mut session = client.realtime(Default::default());
            loop {
                match tokio::time::timeout(Duration::from_secs(30), session.next()).await {
                    Ok(Some(Update::Ready { .. })) => break,
                    Ok(Some(_)) => {}
                    _ => anyhow::bail!("load user {user}'s socket did not get ready"),
                }
            }
            posters.push(session.poster());
            // The session's updates (each message coming back) are read and dropped.
            listeners.push(tokio::spawn(async move {
                while session.next().await.is_some() {}
            }));
        }
    }
    // Unique to this run: later runs against the same server reuse the users.
    let prefix = population.message_prefix();
    let latencies = Arc::new(Latencies::new());
    let before = server.map(|s| s.sample()).transpose()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(options.seconds);
    let mut tasks = Vec::with_capacity(options.senders);
    for sender in 0..options.senders {
        let user = sender % users;
        let channel = channels[user];
        let client = population.users[user]
            .client(user % connector.nodes())
            .clone();
        let poster = posters.get(user).cloned();
        let prefix = prefix.clone();
        let latencies = latencies.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                let body = format!("load {sender}-{n}");
                let acknowledged = match &poster {
                    Some(poster) => {
                        let request = PostMessage {
                            body,
                            client_id: Some(format!("{prefix}{sender}-{n}")),
                            thread_root_id: None,
                            also_in_channel: false,
                        };
                        poster.post(channel, request).await.is_ok()
                    }
                    None => client.post_message(channel, &body, None).await.is_ok(),
                };
                n += 1;
                if acknowledged {
                    ok += 1;
                    latencies.record(sender, sent.elapsed());
                } else {
                    failed += 1;
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
    for listener in listeners {
        listener.abort();
    }
    Ok(IngestReport {
        nodes: connector.nodes(),
        senders: options.senders,
        over: options.over,
        acknowledged,
        failed,
        messages_per_second: acknowledged as f64 / elapsed,
        ack_latency: latencies.percentiles(),
        server: before.zip(after).map(|(b, a)| ServerUsage::between(b, a)),
    })
}
