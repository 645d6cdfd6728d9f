//! Desktop notifications (C9): which new messages deserve one. A message notifies when it is
//! a direct message or mentions the user, unless the user is looking at its conversation
//! (on screen in a focused window), wrote it, or muted its server. Sending it is the
//! runner's `Effect::Notify`, so this stays a pure decision.

use ocomms_proto::UserId;
use ocomms_proto::message::Message;

use crate::markdown;
use crate::msg::Effect;
use crate::state::Account;

/// What the decision needs to know besides the account.
pub(super) struct Attention {
    /// The server's notifications are muted.
    pub muted: bool,
    /// The message's conversation is on screen and the window has the focus.
    pub watching: bool,
    /// The server as the rail names it, for the notification's title.
    pub server: String,
}

/// Longest notification text; the rest is in the client.
const BODY_CHARS: usize = 200;

pub(super) fn notification(
    account: &Account,
    message: &Message,
    attention: &Attention,
) -> Option<Effect> {
    let me = account.user.id;
    if attention.muted || attention.watching || message.author_id == me || message.deleted {
        return None;
    }
    let direct = account.is_direct(message.conversation_id);
    if !direct && !mentions(message, me) {
        return None;
    }
    let author = account.name_of(message.author_id);
    let title = match account.conversation(message.conversation_id) {
        Some(c) if !direct => format!("{author} in #{} · {}", c.name, attention.server),
        _ => format!("{author} · {}", attention.server),
    };
    let text = markdown::plain_text(&markdown::parse(&message.body));
    let mut body: String = text.chars().take(BODY_CHARS).collect();
    if body.len() < text.len() {
        body.push('…');
    }
    Some(Effect::Notify { title, body })
}

/// Whether the message asks for this user's attention by mentioning them. The server marks
/// mentions on the message (`Message.mentions`, issue 15); until it does, only direct
/// messages notify.
fn mentions(_message: &Message, _me: UserId) -> bool {
    false
}
