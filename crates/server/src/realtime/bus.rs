//! Between server nodes, over Redis pub/sub: "workspace W has new events" wake-ups, typing
//! notices and ended sessions. Redis carries no events: each node's feed reads them from the
//! shared database, so a lost wake-up delays delivery (the feeds also poll) but never loses
//! or reorders anything.

use std::sync::Weak;
use std::time::Duration;

use futures_util::StreamExt as _;
use ocomms_proto::realtime::PresenceStatus;
use ocomms_proto::{ConversationId, SessionId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::Hub;

const CHANNEL: &str = "ocomms:events";

/// What travels between nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// New events were committed in this workspace.
    Events { workspace: WorkspaceId },
    Typing {
        workspace: WorkspaceId,
        conversation: ConversationId,
        user: UserId,
    },
    /// These sessions were revoked: close their sockets.
    SessionsEnded { sessions: Vec<SessionId> },
    /// This person's account record changed: forget their cached sessions.
    UserChanged { user: UserId },
    /// This person's workspaces changed: their sockets reconnect.
    Reconnect { user: UserId },
    /// This person's notification settings changed: feeds with their connections re-read them.
    NotificationsChanged { user: UserId },
    /// This person's read marker moved: their connections to the workspace are told.
    Read {
        workspace: WorkspaceId,
        user: UserId,
        state: ocomms_proto::conversation::ReadState,
    },
    /// The sending node's view of one of its people.
    Presence {
        user: UserId,
        status: PresenceStatus,
        workspaces: Vec<WorkspaceId>,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    /// The sending node, so it ignores its own notices (it acted on them already).
    node: u64,
    notice: Notice,
}

/// Publishes this node's notices and hands other nodes' to the hub.
pub struct RedisBus {
    outgoing: mpsc::UnboundedSender<Notice>,
}

impl RedisBus {
    /// Starts the publisher and subscriber tasks; both reconnect on their own.
    pub fn start(url: &str, hub: Weak<Hub>) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let node = rand::random::<u64>();
        let (outgoing, queue) = mpsc::unbounded_channel();
        tokio::spawn(publish(client.clone(), node, queue));
        tokio::spawn(subscribe(client, node, hub));
        Ok(Self { outgoing })
    }

    pub fn publish(&self, notice: Notice) {
        let _ = self.outgoing.send(notice);
    }
}

/// Sends queued notices, each distinct one once per round, in order.
async fn publish(client: redis::Client, node: u64, mut queue: mpsc::UnboundedReceiver<Notice>) {
    let mut connection = None;
    let mut down = false;
    while let Some(first) = queue.recv().await {
        // Repeats collapse (a busy workspace wakes the others once); the order of what
        // differs is kept, so the last presence of a person stays the last.
        let mut batch = vec![first];
        while let Ok(more) = queue.try_recv() {
            if !batch.contains(&more) {
                batch.push(more);
            }
        }
        if connection.is_none() {
            connection = client.get_multiplexed_async_connection().await.ok();
        }
        let Some(conn) = connection.as_mut() else {
            if !down {
                tracing::warn!(
                    "Redis is unreachable: other nodes will see new events by polling until it is back"
                );
                down = true;
            }
            continue;
        };
        let mut failed = false;
        for notice in batch {
            let Ok(payload) = serde_json::to_string(&Envelope { node, notice }) else {
                continue;
            };
            let sent: Result<i64, _> = redis::cmd("PUBLISH")
                .arg(CHANNEL)
                .arg(payload)
                .query_async(conn)
                .await;
            if sent.is_err() {
                failed = true;
                break;
            }
        }
        if failed {
            connection = None;
            if !down {
                tracing::warn!("lost the Redis connection for publishing; reconnecting");
                down = true;
            }
        } else if down {
            tracing::info!("publishing to Redis again");
            down = false;
        }
    }
}

/// Wakes local feeds for every notification; after each (re)connection, wakes them all,
/// so whatever was missed while Redis was away is delivered at once.
async fn subscribe(client: redis::Client, node: u64, weak: Weak<Hub>) {
    let mut attempt: u32 = 0;
    loop {
        if let Ok(mut pubsub) = client.get_async_pubsub().await
            && pubsub.subscribe(CHANNEL).await.is_ok()
        {
            if attempt > 0 {
                tracing::info!("Redis is back: cross-node delivery resumed");
            }
            attempt = 0;
            let Some(hub) = weak.upgrade() else { return };
            hub.notify_all();
            drop(hub);
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                let Ok(payload) = message.get_payload::<String>() else {
                    continue;
                };
                let Ok(envelope) = serde_json::from_str::<Envelope>(&payload) else {
                    continue;
                };
                if envelope.node == node {
                    continue;
                }
                let Some(hub) = weak.upgrade() else { return };
                hub.receive(envelope.node, envelope.notice);
            }
        }
        if weak.strong_count() == 0 {
            return;
        }
        attempt = attempt.saturating_add(1);
        if attempt == 1 {
            tracing::warn!("lost the Redis subscription; local delivery continues, reconnecting");
        }
        let delay = Duration::from_millis(200u64.saturating_mul(1 << attempt.min(5)).min(5_000));
        tokio::time::sleep(delay).await;
    }
}
