//! The `notify` frames of a feed (docs/adr/0017): after a `message_posted` event, each
//! connected member the message should reach now gets one, decided by
//! `ocomms_domain::notification` from their settings, which the feed holds for the people
//! connected to it (read when they connect, again when they change). A connection that
//! resumes gets them again behind the replayed events, decided the same way.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ocomms_app::NotificationSettings;
use ocomms_domain::notification::{Delivery, DoNotDisturb, Level, reason};
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::notification::{Notification, Reason};
use ocomms_proto::realtime::ServerFrame;
use ocomms_proto::{ConversationId, MessageId, UserId};

use super::recent::Posted;
use super::{State, Subscription};
use crate::realtime::Frame;

/// One connected person's settings for this workspace.
#[derive(Debug, Clone)]
pub(super) struct Notifying {
    default_level: Level,
    levels: HashMap<ConversationId, Level>,
    direct: HashSet<ConversationId>,
    quiet: DoNotDisturb,
}

impl From<NotificationSettings> for Notifying {
    fn from(settings: NotificationSettings) -> Self {
        Self {
            default_level: settings.default_level,
            levels: settings.levels.into_iter().collect(),
            direct: settings.direct.into_iter().collect(),
            quiet: ocomms_app::notification::quiet_rules(&settings.quiet),
        }
    }
}

impl Notifying {
    fn level(&self, conversation: ConversationId) -> Level {
        self.levels
            .get(&conversation)
            .copied()
            .unwrap_or(self.default_level)
    }
}

/// Now, in unix milliseconds (quiet hours are decided at delivery).
pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A direct message created while the feed runs: remembered for everyone (its creation
/// event reaches only its creator, before the others join it).
pub(super) fn note_direct(created_direct: &mut HashSet<ConversationId>, event: &Event) {
    if let EventPayload::ConversationCreated { kind, .. } = &event.payload
        && !kind.is_channel()
    {
        created_direct.insert(event.conversation_id);
    }
}

/// What deciding needs besides the event and who hears of it.
pub(super) struct Deciding<'a> {
    /// The settings of the people connected.
    pub settings: &'a HashMap<UserId, Notifying>,
    pub created_direct: &'a HashSet<ConversationId>,
    /// Who follows the thread of each reply.
    pub followers: &'a HashMap<MessageId, HashSet<UserId>>,
    pub now: i64,
    /// The audience is connected as the message arrives, so `@here` reaches them; false when
    /// replaying to someone who was not.
    pub live: bool,
}

/// The `notify` frames for `event`, by recipient: none unless it posts a message. The frame
/// differs only by reason, so each is serialised once per event, not once per recipient (a
/// `@channel` to 1,000 people is 1,000 clones of one frame).
pub(super) fn frames_for(
    event: &Event,
    audience: &[UserId],
    deciding: &Deciding<'_>,
) -> HashMap<UserId, Frame> {
    let Deciding {
        settings,
        created_direct,
        followers,
        now,
        live,
    } = *deciding;
    let EventPayload::MessagePosted { message, .. } = &event.payload else {
        return HashMap::new();
    };
    let mut by_reason: Vec<(Reason, Frame)> = Vec::with_capacity(3);
    let mut frame_for = |reason: Reason| -> Option<Frame> {
        if let Some((_, frame)) = by_reason.iter().find(|(r, _)| *r == reason) {
            return Some(frame.clone());
        }
        let frame = ServerFrame::Notify {
            notification: Notification {
                workspace_id: event.workspace_id,
                position: event.position,
                conversation_id: message.conversation_id,
                message_id: message.id,
                reason,
            },
        };
        let frame: Frame = serde_json::to_string(&frame).ok()?.into();
        by_reason.push((reason, frame.clone()));
        Some(frame)
    };
    // A reply only in its thread reaches people personally (mentioned, or in a direct
    // message), not everyone who hears of every message of the conversation.
    let thread_only = !message.in_timeline();
    let following = message.thread_root_id.and_then(|root| followers.get(&root));
    let mut frames = HashMap::new();
    for user in audience {
        let Some(person) = settings.get(user) else {
            continue;
        };
        let direct = person.direct.contains(&message.conversation_id)
            || created_direct.contains(&message.conversation_id);
        let mut level = person.level(message.conversation_id);
        if thread_only && level == Level::All {
            level = Level::Mentions;
        }
        let delivery = Delivery {
            own: message.author_id == *user,
            direct,
            named: message.mentions.users.contains(user),
            channel: message.mentions.channel,
            here_and_online: message.mentions.here && live,
            followed_reply: following.is_some_and(|people| people.contains(user)),
        };
        let Some(reason) = reason(level, delivery) else {
            continue;
        };
        if person.quiet.quiet_at(now) {
            continue;
        }
        if let Some(frame) = frame_for(reason) {
            frames.insert(*user, frame);
        }
    }
    frames
}

impl Subscription {
    /// The `notify` frame to replay behind `event` (read from the database) for this
    /// connection's person, if it is a message they should hear of. `followers`: of its
    /// thread, when it is a reply.
    pub fn notice(
        &self,
        event: &Event,
        followers: &HashMap<MessageId, HashSet<UserId>>,
    ) -> Option<Frame> {
        self.feed.lock().notice_for(self.user, event, followers)
    }
}

impl State {
    /// Replayed frames, each new message's followed by `user`'s `notify` frame for it.
    pub(super) fn with_notices(
        &self,
        user: UserId,
        held: Vec<(Frame, Option<Arc<Posted>>)>,
    ) -> Vec<Frame> {
        let mut frames = Vec::with_capacity(held.len());
        for (frame, posted) in held {
            frames.push(frame);
            if let Some(notice) = posted.and_then(|p| self.notice_for(user, &p.event, &p.followers))
            {
                frames.push(notice);
            }
        }
        frames
    }

    /// `user`'s `notify` frame for a replayed event: decided as it would have been live,
    /// except that `@here` reached only who was connected then.
    fn notice_for(
        &self,
        user: UserId,
        event: &Event,
        followers: &HashMap<MessageId, HashSet<UserId>>,
    ) -> Option<Frame> {
        frames_for(
            event,
            &[user],
            &Deciding {
                settings: &self.notifying,
                created_direct: &self.created_direct,
                followers,
                now: now(),
                live: false,
            },
        )
        .remove(&user)
    }
}
