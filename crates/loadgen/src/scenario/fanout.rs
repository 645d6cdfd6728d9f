//! `fanout` (and `nodes`, the same across several server nodes): C channels of M members,
//! everyone connected, messages posted at a fixed rate whatever the server's pace (an open
//! model: a late message is measured from when it was due, so a stall cannot hide itself,
//! i.e. no coordinated omission). Every connection checks it got each message of its
//! channels exactly once, and none of the others. With `react`, each numbered event is a
//! reaction (👍 on a message posted for it beforehand) instead of a post: the same fan-out
//! through the same stream, for comparing a reaction's delivery with a message's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde::Serialize;

use crate::connection::{Connector, check_descriptors};
use crate::fleet::{Fleet, Progress};
use crate::measure::{Latencies, Percentiles, ServerProcess, ServerUsage};
use crate::population::Population;
use crate::tracker::{Seen, Tracker};
use send::{Schedule, Sending, post_targets, send_at_rate};

mod send;

#[derive(Debug, Clone)]
pub struct FanoutOptions {
    pub channels: usize,
    pub members: usize,
    /// Load users; channel k's members are users k·M … k·M+M−1 (mod users), so with as
    /// many users as members everyone is in every channel.
    pub users: usize,
    /// WebSocket connections, spread over the users (several per user: several devices).
    pub connections: usize,
    /// Messages per second over all channels.
    pub rate: f64,
    pub seconds: f64,
    /// How long to wait for the last deliveries after the last acknowledgement.
    pub drain_seconds: f64,
    /// Posts awaiting their acknowledgement at most; past it, sending falls behind schedule
    /// (and the latency measured from the schedule shows it).
    pub max_in_flight: usize,
    /// Send reactions instead of messages.
    pub react: bool,
    /// Written before every message's text, e.g. `@channel` (mentions cost nothing per
    /// recipient to write; each connected member then also gets a `notify` frame).
    pub mention: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FanoutReport {
    /// `message` or `reaction`: what each numbered event was.
    pub kind: &'static str,
    pub nodes: usize,
    pub channels: usize,
    pub members: usize,
    pub users: usize,
    pub connections: usize,
    pub rate_per_second: f64,
    pub sent: u64,
    pub acknowledged: u64,
    pub send_failed: u64,
    /// What the first failed post said.
    pub first_send_error: Option<String>,
    pub expected_deliveries: u64,
    pub deliveries: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    /// Messages delivered to a connection whose user is not in the channel.
    pub unexpected: u64,
    /// Connections closed by the server during the run.
    pub dropped_connections: usize,
    pub deliveries_per_second: f64,
    /// From when the message was due to be sent to its delivery.
    pub deliver_latency: Percentiles,
    /// From when the message was due to be sent to its acknowledgement.
    pub ack_latency: Percentiles,
    pub server: Option<ServerUsage>,
}

impl FanoutReport {
    /// Nothing lost, doubled, reordered or leaked, and every post accepted.
    pub fn is_correct(&self) -> bool {
        self.lost == 0
            && self.duplicates == 0
            && self.out_of_order == 0
            && self.unexpected == 0
            && self.send_failed == 0
            && self.dropped_connections == 0
    }
}

impl std::fmt::Display for FanoutReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "fanout ({}s): {} node(s), {} channels × {} members, {} users, {} connections, {:.0}/s offered",
            self.kind,
            self.nodes,
            self.channels,
            self.members,
            self.users,
            self.connections,
            self.rate_per_second
        )?;
        writeln!(
            f,
            "  sent {} ({} acknowledged, {} failed); ack {}",
            self.sent, self.acknowledged, self.send_failed, self.ack_latency
        )?;
        if let Some(error) = &self.first_send_error {
            writeln!(f, "  first failed post: {error}")?;
        }
        writeln!(
            f,
            "  delivered {} of {} expected: {:.0} deliveries/s; send→deliver {}",
            self.deliveries,
            self.expected_deliveries,
            self.deliveries_per_second,
            self.deliver_latency
        )?;
        write!(
            f,
            "  lost {}, duplicates {}, out of order {}, unexpected {}, dropped connections {}",
            self.lost,
            self.duplicates,
            self.out_of_order,
            self.unexpected,
            self.dropped_connections
        )?;
        if let Some(server) = &self.server {
            write!(f, "\n  {server}")?;
        }
        Ok(())
    }
}

/// Who is in which channel, and who sends message n.
struct Plan {
    channels: usize,
    members: usize,
    users: usize,
}

impl Plan {
    fn member(&self, channel: usize, j: usize) -> usize {
        (channel * self.members + j) % self.users
    }

    fn channel_of(&self, n: u64) -> usize {
        (n % self.channels as u64) as usize
    }

    fn sender_of(&self, n: u64) -> usize {
        let round = (n / self.channels as u64) as usize;
        self.member(self.channel_of(n), round % self.members)
    }

    fn is_member(&self, user: usize, channel: usize) -> bool {
        // Users k·M … k·M+M−1 (mod users): the distance from the first, mod users, is < M.
        let first = (channel * self.members) % self.users;
        (user + self.users - first) % self.users < self.members
    }
}

pub async fn run(
    connector: Arc<Connector>,
    options: &FanoutOptions,
    server: Option<ServerProcess>,
) -> anyhow::Result<FanoutReport> {
    let FanoutOptions {
        channels,
        members,
        users,
        connections,
        rate,
        seconds,
        ..
    } = options.clone();
    if channels == 0 || members == 0 || connections == 0 {
        bail!("channels, members and connections must be at least 1");
    }
    if members > users {
        bail!("{members} members per channel need at least as many users (got {users})");
    }
    if !(rate > 0.0 && seconds > 0.0) {
        bail!("rate and seconds must be positive");
    }
    check_descriptors(connections, server.map(|s| s.pid))?;
    let plan = Arc::new(Plan {
        channels,
        members,
        users,
    });
    let population = Arc::new(Population::prepare(&connector, users, connections).await?);
    let mut channel_ids = Vec::with_capacity(channels);
    for k in 0..channels {
        let list: Vec<usize> = (0..members).map(|j| plan.member(k, j)).collect();
        channel_ids.push(population.channel(&format!("fanout-{k}"), &list).await?);
    }
    let channel_ids = Arc::new(channel_ids);
    let total = (rate * seconds).ceil() as u64;
    let sending = if options.react {
        let targets = post_targets(&population, &plan, &channel_ids, total).await?;
        let by_message = targets.iter().enumerate().map(|(n, m)| (m.0, n as u64));
        let _ = population
            .reaction_targets
            .set(Arc::new(by_message.collect()));
        Sending::Reactions(Arc::new(targets))
    } else {
        Sending::Messages {
            mention: options.mention.clone(),
        }
    };

    // Everyone connects and catches up before the first message is due.
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start: Arc<OnceLock<Instant>> = Arc::default();
    let deliver_latency = Arc::new(Latencies::new());
    let last_delivery = Arc::new(AtomicU64::new(0));
    let progress: Arc<Progress> = {
        let (start, latencies, last) = (
            start.clone(),
            deliver_latency.clone(),
            last_delivery.clone(),
        );
        Arc::new(move |index: usize, seen: &Seen, _: &Tracker| {
            if let (Seen::Message(n), Some(start)) = (seen, start.get()) {
                let due = *start + interval.mul_f64(*n as f64);
                let now = Instant::now();
                latencies.record(index, now.saturating_duration_since(due));
                let micros =
                    u64::try_from(now.duration_since(*start).as_micros()).unwrap_or(u64::MAX);
                last.fetch_max(micros, Ordering::Relaxed);
            }
        })
    };
    let (fleet, _) =
        Fleet::connect_all(connector.clone(), &population, connections, progress).await?;

    let before = server.map(|s| s.sample()).transpose()?;
    let begin = Instant::now() + Duration::from_millis(50);
    let _ = start.set(begin);
    let schedule = Schedule {
        begin,
        interval,
        total,
    };
    let sends = send_at_rate(
        &population,
        &plan,
        &channel_ids,
        &connector,
        schedule,
        options.max_in_flight,
        &sending,
    )
    .await?;

    let is_acked = |n: u64| sends.is_acked(n);
    let expected_deliveries: u64 = (0..connections)
        .map(|c| {
            let user = c % users;
            (0..total)
                .filter(|&n| is_acked(n) && plan.is_member(user, plan.channel_of(n)))
                .count() as u64
        })
        .sum();
    fleet
        .wait_delivered(
            expected_deliveries,
            Duration::from_secs_f64(options.drain_seconds),
        )
        .await;
    // A moment more for any duplicate still on its way.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = server.map(|s| s.sample()).transpose()?;
    let dropped_connections = fleet.counters.failed.load(Ordering::Relaxed);
    let trackers = fleet.stop().await;

    let (mut lost, mut unexpected, mut duplicates, mut out_of_order, mut deliveries) =
        (0, 0, 0, 0, 0);
    for (c, tracker) in trackers.iter().enumerate() {
        let user = c % users;
        let (l, u) = tracker.audit(total, |n| {
            let member = plan.is_member(user, plan.channel_of(n));
            match (member, is_acked(n)) {
                (true, true) => Some(true),
                (false, _) => Some(false),
                // Not acknowledged: it may or may not have been stored.
                (true, false) => None,
            }
        });
        lost += l;
        unexpected += u;
        duplicates += tracker.duplicates;
        out_of_order += tracker.out_of_order;
        deliveries += tracker.count();
    }
    let last = Duration::from_micros(last_delivery.load(Ordering::Relaxed));
    let acknowledged = (0..total).filter(|&n| is_acked(n)).count() as u64;
    Ok(FanoutReport {
        kind: if options.react { "reaction" } else { "message" },
        nodes: connector.nodes(),
        channels,
        members,
        users,
        connections,
        rate_per_second: rate,
        sent: total,
        acknowledged,
        send_failed: sends.failed.load(Ordering::Relaxed),
        first_send_error: sends.first_error.get().cloned(),
        expected_deliveries,
        deliveries,
        lost,
        duplicates,
        out_of_order,
        unexpected,
        dropped_connections,
        deliveries_per_second: deliveries as f64 / last.as_secs_f64().max(1e-9),
        deliver_latency: deliver_latency.percentiles(),
        ack_latency: sends.latency.percentiles(),
        server: before.zip(after).map(|(b, a)| ServerUsage::between(b, a)),
    })
}

#[cfg(test)]
mod tests {
    use super::Plan;

    #[test]
    fn members_wrap_around_the_users_and_senders_are_members() {
        let plan = Plan {
            channels: 3,
            members: 4,
            users: 6,
        };
        // Channel 1: users 4, 5, 0, 1.
        let members: Vec<usize> = (0..4).map(|j| plan.member(1, j)).collect();
        assert_eq!(members, vec![4, 5, 0, 1]);
        for user in 0..6 {
            assert_eq!(
                plan.is_member(user, 1),
                members.contains(&user),
                "user {user}"
            );
        }
        for n in 0..100 {
            assert!(plan.is_member(plan.sender_of(n), plan.channel_of(n)));
        }
    }
}
