//! Group commit's plumbing, shared by posts (`committer`) and reactions
//! (`reaction::writer`): items queue for one task, which takes everything waiting (up to
//! `MAX_GROUP`) as a group, writes it in one transaction and answers each item. Nobody
//! waits for a group to fill: an idle server writes each item at once.

use std::future::Future;

use ocomms_store::StoreError;
use tokio::sync::{mpsc, oneshot};

use crate::AppResult;

/// Most items in one transaction.
const MAX_GROUP: usize = 256;

/// Where an item's answer goes.
pub(crate) type Reply<R> = oneshot::Sender<AppResult<R>>;

/// The queue in front of a group writer. Items are answered after their group is written.
pub(crate) struct Groups<T, R> {
    queue: mpsc::UnboundedSender<(T, Reply<R>)>,
}

impl<T: Send + 'static, R: Send + 'static> Groups<T, R> {
    /// Starts the task that hands each group to `write`, which answers every item of it.
    pub fn start<F, Fut>(mut write: F) -> Self
    where
        F: FnMut(Vec<(T, Reply<R>)>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let (queue, mut incoming) = mpsc::unbounded_channel::<(T, Reply<R>)>();
        tokio::spawn(async move {
            while let Some(first) = incoming.recv().await {
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match incoming.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                write(group).await;
            }
        });
        Self { queue }
    }

    /// Queues `item` for the next group; its answer, once that group is written.
    pub async fn submit(&self, item: T) -> AppResult<R> {
        let (reply, answer) = oneshot::channel();
        if self.queue.send((item, reply)).is_err() {
            return Err(StoreError::closed().into());
        }
        answer
            .await
            .unwrap_or_else(|_| Err(StoreError::closed().into()))
    }
}
