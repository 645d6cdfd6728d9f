//! Desktop notifications (C9). The server decides which messages the user should hear of now
//! (a mention, a direct message, a conversation set to notify of everything; not in quiet
//! hours or a snooze: issue 15) and says so with a `notify` frame right after the message's
//! event. The client adds what only it knows: the user is not looking at that conversation
//! (on screen in a focused window) and has not muted the server here. Showing it is the
//! runner's `Effect::Notify`, so this stays a pure decision.

use std::collections::VecDeque;

use ocomms_proto::message::Message;
use ocomms_proto::notification::{Notification, Reason};
use ocomms_proto::{ConversationId, MessageId, Timestamp, UserId};

use crate::markdown;
use crate::msg::Effect;
use crate::state::Account;

/// What the decision needs to know besides the account.
pub(super) struct Attention {
    /// The server's notifications are muted in this client.
    pub muted: bool,
    /// The user is looking at the conversation: on screen in a focused window.
    pub watching: bool,
    /// The server as the rail names it, for the notification's title.
    pub server: String,
    /// When the frame arrived (ms since the epoch).
    pub now: Timestamp,
}

/// A message that just arrived, kept for the `notify` frame that may follow it (the frame
/// names the message only).
#[derive(Debug, Clone, PartialEq)]
pub struct Arrived {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub author: UserId,
    /// The body as plain text, cut to what a notification shows.
    pub text: String,
    /// When it was posted (the server's clock, ms since the epoch).
    pub at: Timestamp,
}

/// How many arrived messages are kept: the frame follows its event at once.
const KEPT: usize = 16;
/// Longest notification text; the rest is in the client.
const TEXT_CHARS: usize = 200;
/// A resuming connection gets the `notify` frames of what it missed (docs/protocol.md):
/// after a night asleep, dozens of them at once about things long past. Like the web UI,
/// only those about messages younger than this pop up; the others still count as unread
/// and stay in Activity.
pub(super) const FRESH_FOR_MS: Timestamp = 10 * 60 * 1000;

/// Keeps what a notification about `message` would say.
pub(super) fn arrived(recent: &mut VecDeque<Arrived>, message: &Message) {
    let plain = markdown::plain_text(&markdown::parse(&message.body));
    let mut text: String = plain.chars().take(TEXT_CHARS).collect();
    if text.len() < plain.len() {
        text.push('…');
    }
    if recent.len() == KEPT {
        recent.pop_front();
    }
    recent.push_back(Arrived {
        id: message.id,
        conversation: message.conversation_id,
        author: message.author_id,
        text,
        at: message.created_at,
    });
}

/// The server's `notify` frame, unless the user is looking or muted this server here.
pub(super) fn notification(
    account: &Account,
    frame: &Notification,
    attention: &Attention,
) -> Option<Effect> {
    if attention.muted || attention.watching {
        return None;
    }
    let message = account.recent.iter().find(|m| m.id == frame.message_id)?;
    // The server never notifies people of their own words; a replay could.
    if message.author == account.user.id {
        return None;
    }
    // Replayed after a long sleep: old news. (A server clock ahead of ours makes the age
    // negative, which is fresh.)
    if attention.now.saturating_sub(message.at) > FRESH_FOR_MS {
        return None;
    }
    let author = account.name_of(message.author);
    let channel = account
        .conversation(message.conversation)
        .filter(|c| c.kind.is_channel())
        .map(|c| c.name.as_str());
    let title = match (frame.reason, channel) {
        (Reason::Mention, Some(name)) => {
            format!("{author} mentioned you in #{name} · {}", attention.server)
        }
        (Reason::Message, Some(name)) => format!("{author} in #{name} · {}", attention.server),
        // A reply in a thread the user follows (issue 15): the client shows no threads yet,
        // so the title says where it is.
        (Reason::Reply, Some(name)) => {
            format!(
                "{author} replied in a thread in #{name} · {}",
                attention.server
            )
        }
        (Reason::Reply, None) => format!("{author} replied in a thread · {}", attention.server),
        _ => format!("{author} · {}", attention.server),
    };
    Some(Effect::Notify {
        title,
        body: message.text.clone(),
    })
}
