//! What one connection received: which of the run's messages (a bit each), how many came
//! twice, and whether the server's positions ever went backwards. Lost and unexpected
//! messages are worked out at the end against who should have received what.

use std::collections::BTreeMap;

use ocomms_proto::WorkspaceId;

use crate::connection::FrameHead;

/// What a frame meant for the scenario.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// Replay finished; live events follow.
    Ready,
    /// The run's message number `n` arrived (the first time).
    Message(u64),
    /// The run's message number `n` arrived again.
    Duplicate(u64),
    /// Anything else: other events, presence, pongs.
    Other,
    /// The server said this connection is too far behind to replay.
    ResyncRequired,
}

pub struct Tracker {
    /// `client_id` prefix of this run's messages: `{prefix}{n}`.
    prefix: std::sync::Arc<str>,
    /// In a reaction run: the run's number of the reaction to each target message id.
    reaction_targets: Option<std::sync::Arc<std::collections::HashMap<i64, u64>>>,
    received: Vec<u64>,
    pub duplicates: u64,
    /// Events whose position was not above the last one seen in their workspace.
    pub out_of_order: u64,
    /// Where to resume from, per workspace.
    pub positions: BTreeMap<WorkspaceId, i64>,
    pub ready: bool,
}

impl Tracker {
    pub fn new(prefix: std::sync::Arc<str>) -> Self {
        Self {
            prefix,
            reaction_targets: None,
            received: Vec::new(),
            duplicates: 0,
            out_of_order: 0,
            positions: BTreeMap::new(),
            ready: false,
        }
    }

    /// Counts `reaction_added` events on these messages as the run's numbered events.
    pub fn with_reaction_targets(
        mut self,
        targets: Option<std::sync::Arc<std::collections::HashMap<i64, u64>>>,
    ) -> Self {
        self.reaction_targets = targets;
        self
    }

    /// Reads one text frame.
    pub fn on_text(&mut self, text: &str) -> Seen {
        let Ok(frame) = serde_json::from_str::<FrameHead<'_>>(text) else {
            return Seen::Other;
        };
        match frame.kind {
            "ready" => {
                self.ready = true;
                for (workspace, head) in frame.positions.unwrap_or_default() {
                    let at = self.positions.entry(workspace).or_insert(head);
                    *at = (*at).max(head);
                }
                Seen::Ready
            }
            "resync_required" => Seen::ResyncRequired,
            // Events not for this connection moved the workspace on; resume after them. An
            // event at or before it arriving later would count as out of order.
            "position" => {
                if let (Some(workspace), Some(position)) = (frame.workspace_id, frame.position) {
                    let at = self.positions.entry(workspace).or_insert(position);
                    *at = (*at).max(position);
                }
                Seen::Other
            }
            "event" => {
                let Some(event) = frame.event else {
                    return Seen::Other;
                };
                let last = self.positions.entry(event.workspace_id).or_insert(0);
                if event.position <= *last {
                    self.out_of_order += 1;
                }
                *last = (*last).max(event.position);
                let number = match (event.payload.kind, &self.reaction_targets) {
                    ("message_posted", None) => event
                        .payload
                        .message
                        .and_then(|m| m.client_id)
                        .and_then(|id| id.strip_prefix(&*self.prefix))
                        .and_then(|n| n.parse::<u64>().ok()),
                    ("reaction_added", Some(targets)) => event
                        .payload
                        .message_id
                        .and_then(|id| targets.get(&id).copied()),
                    _ => None,
                };
                match number {
                    Some(n) => {
                        if self.mark(n) {
                            Seen::Message(n)
                        } else {
                            self.duplicates += 1;
                            Seen::Duplicate(n)
                        }
                    }
                    _ => Seen::Other,
                }
            }
            _ => Seen::Other,
        }
    }

    /// Sets bit `n`; false when it was already set.
    fn mark(&mut self, n: u64) -> bool {
        let (word, bit) = ((n / 64) as usize, n % 64);
        if self.received.len() <= word {
            self.received.resize(word + 1, 0);
        }
        let fresh = self.received[word] & (1 << bit) == 0;
        self.received[word] |= 1 << bit;
        fresh
    }

    pub fn has(&self, n: u64) -> bool {
        self.received
            .get((n / 64) as usize)
            .is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    /// How many of the run's messages arrived.
    pub fn count(&self) -> u64 {
        self.received
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum()
    }

    /// Against the messages `0..total` and whether this connection should get each
    /// (`Some(true)` must, `Some(false)` must not, `None` may): (lost, unexpected).
    pub fn audit(&self, total: u64, expected: impl Fn(u64) -> Option<bool>) -> (u64, u64) {
        let (mut lost, mut unexpected) = (0, 0);
        // Numbers past `total` were never sent by this run: they count as unexpected too.
        let span = (self.received.len() as u64 * 64).max(total);
        for n in 0..span {
            let expected = if n < total { expected(n) } else { Some(false) };
            match (expected, self.has(n)) {
                (Some(true), false) => lost += 1,
                (Some(false), true) => unexpected += 1,
                _ => {}
            }
        }
        (lost, unexpected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(position: i64, client_id: &str) -> String {
        format!(
            r#"{{"type":"event","event":{{"workspace_id":1,"position":{position},"conversation_id":2,"payload":{{"type":"message_posted","message":{{"client_id":"{client_id}"}}}}}}}}"#
        )
    }

    #[test]
    fn counts_duplicates_out_of_order_lost_and_unexpected() {
        let mut tracker = Tracker::new("run-".into());
        assert_eq!(
            tracker.on_text(r#"{"type":"ready","positions":{"1":10}}"#),
            Seen::Ready
        );
        assert_eq!(tracker.on_text(&event(11, "run-0")), Seen::Message(0));
        assert_eq!(tracker.on_text(&event(12, "run-2")), Seen::Message(2));
        assert_eq!(tracker.on_text(&event(12, "run-2")), Seen::Duplicate(2));
        assert_eq!(tracker.on_text(&event(13, "other-1")), Seen::Other);
        assert_eq!(tracker.duplicates, 1);
        assert_eq!(tracker.out_of_order, 1);
        assert_eq!(tracker.positions[&WorkspaceId(1)], 13);
        tracker.on_text(r#"{"type":"position","workspace_id":1,"position":20}"#);
        assert_eq!(tracker.positions[&WorkspaceId(1)], 20);
        assert_eq!(tracker.on_text(&event(19, "other-2")), Seen::Other);
        assert_eq!(tracker.out_of_order, 2);
        // Expected: 0 and 1. Got 0 and 2.
        assert_eq!(tracker.audit(3, |n| Some(n < 2)), (1, 1));
    }
}
