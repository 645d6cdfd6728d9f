//! A connection's frames waiting to be written. Most connections are idle most of the time,
//! so an empty outbox holds no storage: a bounded channel would keep its first block of
//! slots (about 1 KiB) for the life of every connection.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::Notify;

use super::{CONNECTION_QUEUE, Frame};

#[derive(Default)]
pub struct Outbox {
    frames: Mutex<VecDeque<Frame>>,
    arrived: Notify,
}

impl Outbox {
    /// Queues a frame; `false` when `CONNECTION_QUEUE` frames are already waiting (the
    /// connection fell behind and must be ended; it resumes without loss).
    pub fn push(&self, frame: Frame) -> bool {
        let mut frames = self.lock();
        if frames.len() >= CONNECTION_QUEUE {
            return false;
        }
        frames.push_back(frame);
        drop(frames);
        self.arrived.notify_one();
        true
    }

    /// Waits for frames, then takes all of them, oldest first (written in one flush).
    pub async fn take(&self) -> Vec<Frame> {
        loop {
            // Registered before looking, so a push in between is not missed.
            let arrived = self.arrived.notified();
            let taken: Vec<Frame> = std::mem::take(&mut *self.lock()).into();
            if !taken.is_empty() {
                return taken;
            }
            arrived.await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Frame>> {
        // Invariant: nothing panics while holding the lock; the queue stays consistent.
        self.frames
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_come_out_in_order_and_a_full_outbox_refuses() {
        let outbox = Outbox::default();
        assert!(outbox.push(Frame::from("a")));
        assert!(outbox.push(Frame::from("b")));
        let taken: Vec<String> = outbox.take().await.iter().map(|f| f.to_string()).collect();
        assert_eq!(taken, ["a", "b"]);
        for _ in 0..CONNECTION_QUEUE {
            assert!(outbox.push(Frame::from("x")));
        }
        assert!(!outbox.push(Frame::from("one too many")));
        assert_eq!(outbox.take().await.len(), CONNECTION_QUEUE);
    }

    #[tokio::test]
    async fn a_waiting_take_wakes_for_a_push() {
        let outbox = std::sync::Arc::new(Outbox::default());
        let waiting = tokio::spawn({
            let outbox = outbox.clone();
            async move { outbox.take().await.len() }
        });
        tokio::task::yield_now().await;
        assert!(outbox.push(Frame::from("late")));
        assert_eq!(waiting.await.ok(), Some(1));
    }
}
