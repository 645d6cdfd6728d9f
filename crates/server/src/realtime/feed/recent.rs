//! The frames of a feed's newest events, so that a client resuming from a recent position
//! is replayed from memory instead of each one reading and serialising the same rows.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use ocomms_app::visibility::Audience;
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::{ConversationId, MessageId, UserId};

use crate::realtime::Frame;

/// The newest events' frames are kept, up to this many bytes, so that a client resuming
/// from a recent position (a reconnect storm after a network blip) is served from memory
/// instead of each reading and serialising the same rows.
const RECENT_BYTES: usize = 512 * 1024;

/// One delivered event as a replay needs it: enough to filter it, its frame, and for a new
/// message what its `notify` frame is decided from.
struct RecentEvent {
    position: i64,
    audience: Audience,
    frame: Frame,
    posted: Option<Arc<Posted>>,
    /// What it counts against `RECENT_BYTES`.
    bytes: usize,
}

/// A new message as it was delivered: the event, and who followed its thread then.
pub(super) struct Posted {
    pub event: Event,
    pub followers: HashMap<MessageId, HashSet<UserId>>,
}

/// The newest delivered events, at consecutive positions, within `RECENT_BYTES`.
#[derive(Default)]
pub(super) struct Recent {
    events: VecDeque<RecentEvent>,
    bytes: usize,
}

impl Recent {
    /// `followers`: of the threads of the replies delivered with it.
    pub(super) fn push(
        &mut self,
        event: &Event,
        frame: Frame,
        followers: &HashMap<MessageId, HashSet<UserId>>,
    ) {
        let posted = match &event.payload {
            EventPayload::MessagePosted { message, .. } => Some(Arc::new(Posted {
                event: event.clone(),
                followers: message
                    .thread_root_id
                    .and_then(|root| followers.get_key_value(&root))
                    .map(|(root, people)| HashMap::from([(*root, people.clone())]))
                    .unwrap_or_default(),
            })),
            _ => None,
        };
        // A message is held twice (its frame and its event): counted twice.
        let bytes = if posted.is_some() { 2 } else { 1 } * frame.len();
        self.bytes += bytes;
        self.events.push_back(RecentEvent {
            position: event.position,
            audience: Audience::of(event),
            frame,
            posted,
            bytes,
        });
        while self.bytes > RECENT_BYTES {
            let Some(oldest) = self.events.pop_front() else {
                break;
            };
            self.bytes -= oldest.bytes;
        }
    }

    /// `user`'s frames after `after` up to `cursor`, if every one of those events is held,
    /// each with the new message it posts.
    pub(super) fn after(
        &self,
        after: i64,
        cursor: i64,
        user: UserId,
        conversations: &HashSet<ConversationId>,
    ) -> Option<Vec<(Frame, Option<Arc<Posted>>)>> {
        if after >= cursor {
            return (after == cursor).then(Vec::new);
        }
        let oldest = self.events.front()?.position;
        let newest = self.events.back()?.position;
        if after + 1 < oldest || newest != cursor {
            return None;
        }
        let skip = usize::try_from(after + 1 - oldest).ok()?;
        // Positions are gapless (ADR 0005); check rather than trust the arithmetic.
        if self.events.get(skip)?.position != after + 1 {
            return None;
        }
        Some(
            self.events
                .iter()
                .skip(skip)
                .filter(|e| e.audience.includes(user, conversations))
                .map(|e| (e.frame.clone(), e.posted.clone()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use ocomms_proto::WorkspaceId;
    use ocomms_proto::event::EventPayload;

    fn event(position: i64, conversation: i64, payload: EventPayload) -> Event {
        Event {
            workspace_id: WorkspaceId(1),
            position,
            conversation_id: ConversationId(conversation),
            seq: position,
            actor: UserId(1),
            at: 0,
            payload,
        }
    }

    fn recent(events: &[Event]) -> Recent {
        let mut recent = Recent::default();
        for e in events {
            recent.push(
                e,
                Frame::from(format!("frame {}", e.position)),
                &HashMap::new(),
            );
        }
        recent
    }

    fn texts(frames: Option<Vec<(Frame, Option<Arc<Posted>>)>>) -> Option<Vec<String>> {
        frames.map(|f| f.iter().map(|(f, _)| f.to_string()).collect())
    }

    #[test]
    fn a_recent_position_is_replayed_from_memory_filtered_like_the_database() {
        let bob = UserId(2);
        let topic = || EventPayload::TopicChanged { topic: "t".into() };
        let events = [
            event(11, 7, topic()),
            event(12, 8, topic()), // a conversation Bob is not in
            event(13, 8, EventPayload::MemberRemoved { user_id: bob }), // about Bob
            event(14, 7, topic()),
        ];
        let recent = recent(&events);
        let mine = HashSet::from([ConversationId(7)]);
        assert_eq!(
            texts(recent.after(11, 14, bob, &mine)),
            Some(vec!["frame 13".into(), "frame 14".into()])
        );
        assert_eq!(
            texts(recent.after(10, 14, bob, &mine)).map(|f| f.len()),
            Some(3)
        );
        assert_eq!(texts(recent.after(14, 14, bob, &mine)), Some(vec![]));
        // Older than what is held, or ahead of the feed: read from the database instead.
        assert_eq!(texts(recent.after(9, 14, bob, &mine)), None);
        assert_eq!(texts(recent.after(15, 14, bob, &mine)), None);
    }

    #[test]
    fn the_oldest_frames_go_past_the_byte_budget() {
        let big = "x".repeat(RECENT_BYTES / 3);
        let mut recent = Recent::default();
        for position in 1..=5 {
            let e = event(
                position,
                7,
                EventPayload::MemberJoined { user_id: UserId(3) },
            );
            recent.push(&e, Frame::from(big.clone()), &HashMap::new());
        }
        assert!(recent.bytes <= RECENT_BYTES);
        assert_eq!(recent.events.front().unwrap().position, 3);
        let all = HashSet::from([ConversationId(7)]);
        assert!(recent.after(1, 5, UserId(3), &all).is_none());
        assert_eq!(recent.after(2, 5, UserId(3), &all).unwrap().len(), 3);
    }
}
