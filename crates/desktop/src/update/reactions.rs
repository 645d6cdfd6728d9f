//! Reactions under the timeline's messages: the user's click, shown at once and sent, and
//! taken back if the server refuses it. Everyone's toggles, the user's own included, arrive
//! as realtime events (`update/realtime.rs`, through `Timeline::react`), in order.

use ocomms_proto::{ConversationId, MessageId};

use super::viewed_mut;
use crate::error::CallError;
use crate::msg::Effect;
use crate::state::{AccountKey, State};

/// What a click on a reaction says while the account is shown from the offline cache.
pub(super) const OFFLINE: &str =
    "Offline: a reaction needs the server, which has not answered yet.";

/// A reaction under a message on screen was clicked. Only an emoji already under the
/// message is toggled: the window could be handed anything, and it has no picker to add
/// a new one.
pub(super) fn toggle(state: &mut State, message: MessageId, emoji: String) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(conversation) = account.context.conversation else {
        return vec![];
    };
    let me = account.user.id;
    let Some(timeline) = account.timelines.get_mut(&conversation) else {
        return vec![];
    };
    let Some(reacted) = timeline.reacted(message, &emoji, me) else {
        return vec![];
    };
    // Shown from the offline cache, without a session: nothing could be sent, so nothing
    // changes, and the user is told why where the window says it is offline (as a refused
    // toggle's reason is).
    if account.cached {
        account.notice = Some(OFFLINE.into());
        return vec![];
    }
    let add = !reacted;
    // Shown at once, as the web UI does; the event of it that follows changes nothing more.
    timeline.react(message, &emoji, me, add);
    vec![Effect::React {
        account: account.key,
        conversation,
        message,
        emoji,
        add,
    }]
}

/// The server's answer to a toggle: taken, nothing to do; refused, what was shown is taken
/// back and the reason shown.
pub(super) fn answered(
    state: &mut State,
    key: AccountKey,
    (conversation, message, emoji, add): (ConversationId, MessageId, String, bool),
    result: Result<(), CallError>,
) -> Vec<Effect> {
    let Err(e) = result else {
        return vec![];
    };
    if let Some((_, account)) = state.account_mut(key) {
        let me = account.user.id;
        if let Some(timeline) = account.timelines.get_mut(&conversation) {
            timeline.react(message, &emoji, me, !add);
        }
    }
    super::answer::failed(state, key, e)
}
