//! A conversation's timeline as the page first shows it: messages and notices of what
//! happened, in position order, with day separators and grouped consecutive messages. The
//! page script keeps it live from there (assets/timeline.js).

use std::collections::HashMap;

use ocomms_proto::UserId;
use ocomms_proto::conversation::ConversationRole;
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::message::Message;

/// One entry of the timeline: a message or a line saying what happened.
pub(crate) struct Item {
    pub seq: i64,
    pub at: i64,
    /// The first item of a new (UTC) day gets a separator.
    pub new_day: bool,
    pub day: String,
    pub message: Option<MessageView>,
    pub notice: String,
    /// Shown in a thread panel (no thread line or reply link of its own).
    pub in_thread: bool,
    /// The first message the viewer has not read: the "New messages" line goes before it.
    pub first_new: bool,
}

/// Marks the first message after `last_read` written by someone else, where the viewer
/// left off (nothing when everything was read, or the marker is unknown).
pub(crate) fn mark_where_left_off(items: &mut [Item], last_read: Option<i64>) {
    let Some(last_read) = last_read else {
        return;
    };
    if let Some(first) = items
        .iter_mut()
        .find(|i| i.seq > last_read && i.message.as_ref().is_some_and(|m| !m.mine))
    {
        first.first_new = true;
    }
}

pub(crate) struct MessageView {
    pub message: Message,
    pub author: String,
    pub avatar: String,
    pub mine: bool,
    /// Someone else's message that mentions the viewer (or everyone): highlighted.
    pub mentions_me: bool,
    /// Same author within five minutes of the previous message: shown without the header.
    pub continued: bool,
    pub reactions: Vec<ReactionChip>,
    /// The reactions for the page script (`[{emoji, user_ids}]`), which keeps them live.
    pub reactions_json: String,
    /// A top-level message with replies: the line under it that opens its thread.
    pub thread: Option<ThreadLine>,
    /// Pinned to the conversation: who pinned it.
    pub pinned_by: Option<String>,
}

/// "👤👤 3 replies · Last reply 2026-12-03 10:04 UTC" under a message with a thread.
pub(crate) struct ThreadLine {
    pub replies: String,
    pub last_reply_at: i64,
    /// The latest repliers' names and avatars, most recent first.
    pub participants: Vec<(String, String)>,
}

impl ThreadLine {
    fn of(message: &Message, people: &HashMap<UserId, (String, String)>) -> Option<Self> {
        let thread = message.thread.as_ref()?;
        Some(Self {
            replies: replies_label(thread.reply_count),
            last_reply_at: thread.last_reply_at,
            participants: thread
                .participants
                .iter()
                .map(|id| {
                    people
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| ("Former member".to_owned(), String::new()))
                })
                .collect(),
        })
    }
}

/// "No replies yet", "1 reply", "3 replies" (as `replies()` in assets/messages.js).
pub(crate) fn replies_label(count: i64) -> String {
    match count {
        0 => "No replies yet".to_owned(),
        1 => "1 reply".to_owned(),
        n => format!("{n} replies"),
    }
}

/// A message as the page shows it (not yet grouped with the one before).
pub(crate) fn message_view(
    message: Message,
    people: &HashMap<UserId, (String, String)>,
    viewer: UserId,
) -> MessageView {
    let (author, avatar) = people
        .get(&message.author_id)
        .cloned()
        .unwrap_or_else(|| ("Former member".to_owned(), String::new()));
    MessageView {
        mine: message.author_id == viewer,
        mentions_me: message.author_id != viewer
            && !message.deleted
            && message.mentions.include(viewer),
        reactions: chips(&message, people, viewer),
        reactions_json: serde_json::to_string(&message.reactions)
            .unwrap_or_else(|_| "[]".to_owned()),
        thread: ThreadLine::of(&message, people),
        pinned_by: message.pinned.map(|pin| match people.get(&pin.by) {
            _ if pin.by == viewer => "you".to_owned(),
            Some((name, _)) => name.clone(),
            None => "a former member".to_owned(),
        }),
        message,
        author,
        avatar,
        continued: false,
    }
}

/// The emoji offered first when adding a reaction (the page script adds search over all).
pub(crate) const QUICK_REACTIONS: [&str; 8] = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

/// One emoji's reactions under a message, as a toggle button.
pub(crate) struct ReactionChip {
    pub emoji: String,
    /// The emoji as a URL path segment.
    pub segment: String,
    pub count: usize,
    /// The viewer reacted with it: pressing takes it back.
    pub mine: bool,
    /// Who reacted, in words (tooltip and accessible name).
    pub label: String,
}

fn chips(
    message: &Message,
    people: &HashMap<UserId, (String, String)>,
    viewer: UserId,
) -> Vec<ReactionChip> {
    message
        .reactions
        .iter()
        .map(|r| {
            let names: Vec<&str> = r
                .user_ids
                .iter()
                .map(|id| match people.get(id) {
                    _ if *id == viewer => "You",
                    Some((name, _)) => name.as_str(),
                    None => "Former member",
                })
                .collect();
            ReactionChip {
                emoji: r.emoji.clone(),
                segment: url::form_urlencoded::byte_serialize(r.emoji.as_bytes()).collect(),
                count: r.user_ids.len(),
                mine: r.user_ids.contains(&viewer),
                label: ocomms_domain::reaction::label(&r.emoji, &names),
            }
        })
        .collect()
}

/// Messages and notices in position order, with day separators and grouping.
pub(crate) fn timeline(
    messages: Vec<Message>,
    notices: Vec<(i64, i64, String)>,
    people: &HashMap<UserId, (String, String)>,
    viewer: UserId,
) -> Vec<Item> {
    let mut items: Vec<Item> = notices
        .into_iter()
        .map(|(seq, at, notice)| Item {
            seq,
            at,
            new_day: false,
            day: String::new(),
            message: None,
            notice,
            in_thread: false,
            first_new: false,
        })
        .collect();
    for message in messages {
        items.push(Item {
            seq: message.seq,
            at: message.created_at,
            new_day: false,
            day: String::new(),
            notice: String::new(),
            message: Some(message_view(message, people, viewer)),
            in_thread: false,
            first_new: false,
        });
    }
    items.sort_by_key(|i| i.seq);
    let mut previous: Option<(String, Option<(UserId, i64)>)> = None;
    for item in &mut items {
        item.day = crate::web::page::day(item.at);
        let author = item
            .message
            .as_ref()
            .map(|m| (m.message.author_id, m.message.created_at));
        if let Some((day, last_author)) = &previous {
            item.new_day = *day != item.day;
            if let (Some(view), Some((who, when)), Some((prev_who, prev_when))) =
                (item.message.as_mut(), author, last_author)
            {
                view.continued = !item.new_day && who == *prev_who && when - prev_when < 5 * 60_000;
            }
        } else {
            item.new_day = true;
        }
        previous = Some((item.day.clone(), author));
    }
    items
}

/// "Ada added Bob", "Bob set the topic: Plans" — from the recorded event; `None` for
/// message events, which show as the messages themselves.
pub(crate) fn describe(
    event: &Event,
    people: &HashMap<UserId, (String, String)>,
) -> Option<String> {
    let name = |id: &UserId| {
        people
            .get(id)
            .map_or_else(|| "Someone".to_owned(), |p| p.0.clone())
    };
    let actor = name(&event.actor);
    Some(match &event.payload {
        EventPayload::ConversationCreated { name: n, .. } if !n.is_empty() => {
            format!("{actor} created #{n}")
        }
        EventPayload::ConversationCreated { .. } => format!("{actor} started this conversation"),
        EventPayload::ConversationRenamed { name } => {
            format!("{actor} renamed the channel to #{name}")
        }
        EventPayload::TopicChanged { topic } if topic.is_empty() => {
            format!("{actor} cleared the topic")
        }
        EventPayload::TopicChanged { topic } => format!("{actor} set the topic: {topic}"),
        EventPayload::DescriptionChanged { description } if description.is_empty() => {
            format!("{actor} cleared the description")
        }
        EventPayload::DescriptionChanged { description } => {
            format!("{actor} set the description: {description}")
        }
        EventPayload::ConversationArchived => format!("{actor} archived the channel"),
        EventPayload::ConversationUnarchived => format!("{actor} unarchived the channel"),
        EventPayload::MemberJoined { user_id } if *user_id == event.actor => {
            format!("{actor} joined")
        }
        EventPayload::MemberJoined { user_id } => format!("{actor} added {}", name(user_id)),
        EventPayload::MemberLeft { user_id } => format!("{} left", name(user_id)),
        EventPayload::MemberRemoved { user_id } => format!("{actor} removed {}", name(user_id)),
        EventPayload::MemberRoleChanged {
            user_id,
            role: ConversationRole::Manager,
        } => {
            format!("{actor} made {} a channel manager", name(user_id))
        }
        EventPayload::MemberRoleChanged { user_id, .. } => {
            format!("{actor} made {} a regular member", name(user_id))
        }
        EventPayload::MessagePinned { .. } => format!("{actor} pinned a message"),
        EventPayload::MessageUnpinned { .. } => format!("{actor} unpinned a message"),
        EventPayload::PinPolicyChanged {
            managers_only: true,
        } => format!("{actor} kept pinning to the channel's managers"),
        EventPayload::PinPolicyChanged { .. } => format!("{actor} let every member pin"),
        // Shown on the message itself, not as a line of the timeline.
        EventPayload::MessagePosted { .. }
        | EventPayload::MessageEdited { .. }
        | EventPayload::MessageDeleted { .. }
        | EventPayload::ReactionAdded { .. }
        | EventPayload::ReactionRemoved { .. } => return None,
    })
}
