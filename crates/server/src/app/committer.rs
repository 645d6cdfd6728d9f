//! Group commit: posts that arrive while a commit is under way are written together in the
//! next transaction, so a busy server pays one commit (one fsync on SQLite) per group rather
//! than per message. Nobody waits for a group to fill: an idle server commits each message at
//! once. Each post is acknowledged only after its group committed.

use ocomms_proto::message::Message;
use ocomms_store::{NewMessage, Store, StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot};

/// Most messages in one transaction.
const MAX_GROUP: usize = 256;

type Reply = oneshot::Sender<StoreResult<(Message, bool)>>;

#[derive(Clone)]
pub(crate) struct Committer {
    queue: mpsc::UnboundedSender<(NewMessage, Reply)>,
}

impl Committer {
    pub fn start(store: Store) -> Self {
        let (queue, incoming) = mpsc::unbounded_channel();
        tokio::spawn(run(store, incoming));
        Self { queue }
    }

    /// Posts through the next group; answers once it is committed.
    pub async fn post(&self, new: NewMessage) -> StoreResult<(Message, bool)> {
        let (reply, answer) = oneshot::channel();
        if self.queue.send((new, reply)).is_err() {
            return Err(StoreError::closed());
        }
        answer.await.unwrap_or_else(|_| Err(StoreError::closed()))
    }
}

async fn run(store: Store, mut incoming: mpsc::UnboundedReceiver<(NewMessage, Reply)>) {
    while let Some(first) = incoming.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match incoming.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let batch: Vec<NewMessage> = group.iter().map(|(new, _)| new.clone()).collect();
        match store.post_messages(&batch).await {
            Ok(posted) if posted.len() == group.len() => {
                for ((_, reply), result) in group.into_iter().zip(posted) {
                    let _ = reply.send(Ok(result));
                }
            }
            // One bad item (or a lost race on a client id) spoils the group: post each alone,
            // so only the bad one fails.
            _ => {
                for (new, reply) in group {
                    let _ = reply.send(store.post_message(&new).await);
                }
            }
        }
    }
}
