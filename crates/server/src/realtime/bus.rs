//! Between server nodes: "workspace W has new events" notifications over Redis pub/sub.
//! Redis carries only these wake-ups; the events themselves are read from the shared
//! database by each node's feed, so a lost notification delays delivery (the feeds also
//! poll) but never loses or reorders anything.

use std::collections::BTreeSet;
use std::sync::Weak;
use std::time::Duration;

use futures_util::StreamExt as _;
use ocomms_proto::WorkspaceId;
use tokio::sync::mpsc;

use super::Hub;

const CHANNEL: &str = "ocomms:events";

/// Publishes this node's notifications and feeds other nodes' into the hub.
pub struct RedisBus {
    outgoing: mpsc::UnboundedSender<WorkspaceId>,
}

impl RedisBus {
    /// Starts the publisher and subscriber tasks; both reconnect on their own.
    pub fn start(url: &str, hub: Weak<Hub>) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let (outgoing, queue) = mpsc::unbounded_channel();
        tokio::spawn(publish(client.clone(), queue));
        tokio::spawn(subscribe(client, hub));
        Ok(Self { outgoing })
    }

    pub fn publish(&self, workspace: WorkspaceId) {
        let _ = self.outgoing.send(workspace);
    }
}

/// Sends queued notifications, one PUBLISH per distinct workspace per round.
async fn publish(client: redis::Client, mut queue: mpsc::UnboundedReceiver<WorkspaceId>) {
    let mut connection = None;
    let mut down = false;
    while let Some(first) = queue.recv().await {
        let mut batch = BTreeSet::from([first]);
        while let Ok(more) = queue.try_recv() {
            batch.insert(more);
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
        for workspace in batch {
            let sent: Result<i64, _> = redis::cmd("PUBLISH")
                .arg(CHANNEL)
                .arg(workspace.0)
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
async fn subscribe(client: redis::Client, weak: Weak<Hub>) {
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
                let Ok(id) = message.get_payload::<i64>() else {
                    continue;
                };
                let Some(hub) = weak.upgrade() else { return };
                hub.notify(WorkspaceId(id));
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
