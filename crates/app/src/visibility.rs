//! Who sees an event: the one rule that live delivery, replay from memory and replay from
//! the database all apply.

use std::collections::HashSet;

use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::{ConversationId, UserId};

/// What deciding who sees an event needs, small enough to keep beside a cached frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    conversation: ConversationId,
    concerns: Option<UserId>,
}

impl Audience {
    pub fn of(event: &Event) -> Self {
        let concerns = match &event.payload {
            // The person who went hears that they went, and nothing after.
            EventPayload::MemberJoined { user_id }
            | EventPayload::MemberLeft { user_id }
            | EventPayload::MemberRemoved { user_id } => Some(*user_id),
            // The creator hears of the new conversation (its members join right after).
            EventPayload::ConversationCreated { .. } => Some(event.actor),
            _ => None,
        };
        Self {
            conversation: event.conversation_id,
            concerns,
        }
    }

    /// The person the event reaches besides the conversation's members, if any.
    pub fn concerns(&self) -> Option<UserId> {
        self.concerns
    }

    /// Whether `user` sees the event, given the conversations they are a member of at that
    /// point of the stream.
    pub fn includes(&self, user: UserId, conversations: &HashSet<ConversationId>) -> bool {
        conversations.contains(&self.conversation) || self.concerns == Some(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocomms_proto::WorkspaceId;
    use ocomms_proto::conversation::ConversationKind;

    fn event(payload: EventPayload) -> Event {
        Event {
            workspace_id: WorkspaceId(1),
            position: 1,
            conversation_id: ConversationId(7),
            seq: 1,
            actor: UserId(1),
            at: 0,
            payload,
        }
    }

    #[test]
    fn members_see_everything_and_the_people_an_event_is_about_see_it_too() {
        let mine: HashSet<_> = [ConversationId(7)].into();
        let none = HashSet::new();
        let left = Audience::of(&event(EventPayload::MemberLeft { user_id: UserId(2) }));
        assert!(left.includes(UserId(3), &mine));
        assert!(left.includes(UserId(2), &none));
        assert!(!left.includes(UserId(3), &none));
        let created = Audience::of(&event(EventPayload::ConversationCreated {
            kind: ConversationKind::Public,
            name: "general".into(),
        }));
        assert_eq!(created.concerns(), Some(UserId(1)));
    }
}
