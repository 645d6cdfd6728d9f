//! Sending a fan-out run's numbered events on schedule: posts, or reactions on messages
//! posted for them beforehand.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use ocomms_proto::{ConversationId, MessageId};
use tokio::sync::Semaphore;

use super::Plan;
use crate::connection::Connector;
use crate::measure::Latencies;
use crate::population::Population;

/// When message n is due: `begin + n × interval`, for n in `0..total`.
#[derive(Clone, Copy)]
pub(super) struct Schedule {
    pub begin: Instant,
    pub interval: Duration,
    pub total: u64,
}

/// What each numbered event is.
pub(super) enum Sending {
    /// A message, its text starting with `mention` when given (`@channel`).
    Messages { mention: Option<String> },
    /// A 👍 on the n-th of these messages, posted beforehand.
    Reactions(Arc<Vec<MessageId>>),
}

/// What the sender learned: which posts were acknowledged, how fast, and the first refusal.
pub(super) struct Sends {
    acked: Vec<AtomicBool>,
    pub latency: Latencies,
    pub failed: AtomicU64,
    pub first_error: OnceLock<String>,
}

impl Sends {
    pub fn is_acked(&self, n: u64) -> bool {
        self.acked[n as usize].load(Ordering::Relaxed)
    }
}

/// Posts every message when it is due, without waiting for earlier acknowledgements (at
/// most `max_in_flight` outstanding), spread over the nodes; returns once all are answered.
pub(super) async fn send_at_rate(
    population: &Population,
    plan: &Plan,
    channel_ids: &[ConversationId],
    connector: &Connector,
    schedule: Schedule,
    max_in_flight: usize,
    sending: &Sending,
) -> anyhow::Result<Arc<Sends>> {
    let (targets, lead) = match sending {
        Sending::Reactions(targets) => (Some(targets.clone()), String::new()),
        Sending::Messages { mention } => (
            None,
            mention
                .as_ref()
                .map(|m| format!("{m} "))
                .unwrap_or_default(),
        ),
    };
    let sends = Arc::new(Sends {
        acked: (0..schedule.total)
            .map(|_| AtomicBool::new(false))
            .collect(),
        latency: Latencies::new(),
        failed: AtomicU64::new(0),
        first_error: OnceLock::new(),
    });
    let prefix = population.message_prefix();
    let max_in_flight = max_in_flight.max(1);
    let in_flight = Arc::new(Semaphore::new(max_in_flight));
    for n in 0..schedule.total {
        let due = schedule.begin + schedule.interval.mul_f64(n as f64);
        tokio::time::sleep_until(due.into()).await;
        let permit = in_flight.clone().acquire_owned().await?;
        let node = (n as usize) % connector.nodes();
        let client = population.users[plan.sender_of(n)].client(node).clone();
        let channel = channel_ids[plan.channel_of(n)];
        let client_id = format!("{prefix}{n}");
        let sends = sends.clone();
        let target = targets.as_ref().map(|t| t[n as usize]);
        let body = format!("{lead}fanout message {n}");
        tokio::spawn(async move {
            let result = match target {
                Some(message) => client.react(message, "👍").await.map(drop),
                None => client
                    .post_message(channel, &body, Some(&client_id))
                    .await
                    .map(drop),
            };
            match result {
                Ok(_) => {
                    sends
                        .latency
                        .record(n as usize, Instant::now().saturating_duration_since(due));
                    sends.acked[n as usize].store(true, Ordering::Relaxed);
                }
                Err(error) => {
                    sends.failed.fetch_add(1, Ordering::Relaxed);
                    let _ = sends.first_error.set(error.to_string());
                }
            }
            drop(permit);
        });
    }
    // Every post answered: all permits back.
    let _all = in_flight
        .acquire_many(u32::try_from(max_in_flight).unwrap_or(u32::MAX))
        .await?;
    Ok(sends)
}

/// Posts one message for each reaction `n` of the run, in `n`'s channel by `n`'s sender
/// (before anyone connects, so their events are history, not measured).
pub(super) async fn post_targets(
    population: &Arc<Population>,
    plan: &Arc<Plan>,
    channel_ids: &Arc<Vec<ConversationId>>,
    total: u64,
) -> anyhow::Result<Vec<MessageId>> {
    let gate = Arc::new(Semaphore::new(32));
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..total {
        let permit = gate.clone().acquire_owned().await?;
        let (population, plan, channel_ids) =
            (population.clone(), plan.clone(), channel_ids.clone());
        posts.spawn(async move {
            let client = population.users[plan.sender_of(n)].client(0).clone();
            let posted = client
                .post_message(
                    channel_ids[plan.channel_of(n)],
                    &format!("react to {n}"),
                    None,
                )
                .await;
            drop(permit);
            posted.map(|m| (n, m.id))
        });
    }
    let mut targets = vec![MessageId(0); total as usize];
    while let Some(joined) = posts.join_next().await {
        let (n, id) = joined??;
        targets[n as usize] = id;
    }
    Ok(targets)
}
