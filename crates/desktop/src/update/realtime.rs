//! The realtime session's updates for one account: connection state, events applied to
//! timelines and unread counts, and read markers moved elsewhere.

use ocomms_client::Update;
use ocomms_proto::event::{Event, EventPayload};
use ocomms_proto::{Timestamp, WorkspaceId};

use super::flush;
use super::notify::{Attention, arrived, notification};
use crate::msg::Effect;
use crate::state::{Account, AccountKey, Connection, State};

/// `received_at`: when the runner received the update (ms since the epoch).
pub(super) fn realtime(
    state: &mut State,
    key: AccountKey,
    update: Update,
    received_at: Timestamp,
) -> Vec<Effect> {
    let viewed = state.viewed_account() == Some(key);
    let focused = state.focused;
    let Some((muted, server)) = state
        .servers
        .iter()
        .find(|s| s.account(key).is_some())
        .map(|s| (s.muted, s.title().to_owned()))
    else {
        return vec![];
    };
    let Some((_, account)) = state.account_mut(key) else {
        return vec![];
    };
    if account.connection == Connection::SessionExpired {
        return vec![];
    }
    match update {
        Update::Ready { .. } => {
            account.connection = Connection::Online;
            flush(account)
        }
        Update::Reconnecting { attempt, .. } => {
            account.connection = if attempt <= Connection::DEGRADED_ATTEMPTS {
                Connection::Degraded { attempt }
            } else {
                Connection::Offline { attempt }
            };
            vec![]
        }
        Update::Event(event) => {
            let watching = viewed && focused && account.context.shows(event.conversation_id);
            apply_event(account, *event, watching)
        }
        // The server says the user should hear of a message (after its event).
        Update::Notify(frame) => {
            let watching = viewed && focused && account.context.shows(frame.conversation_id);
            let attention = Attention {
                muted,
                watching,
                server,
                now: received_at,
            };
            notification(account, &frame, &attention)
                .into_iter()
                .collect()
        }
        // Read (or marked unread) on another device or in the web UI.
        Update::Read(read) => {
            let conversation = read.conversation_id;
            let on_screen = viewed && account.context.shows(conversation);
            let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
            if read.unread <= 0 || on_screen {
                account.read(conversation);
            } else {
                account.unread.insert(conversation, count(read.unread));
                if read.mentions > 0 {
                    account.mentions.insert(conversation, count(read.mentions));
                } else {
                    account.mentions.remove(&conversation);
                }
            }
            vec![]
        }
        Update::ResyncRequired { workspace_id, .. } => {
            // Too far behind to replay: reload the list and forget cached timelines there.
            let ids: Vec<_> = account
                .conversations
                .get(&workspace_id)
                .map(|l| l.iter().map(|c| c.id).collect())
                .unwrap_or_default();
            for id in ids {
                account.timelines.remove(&id);
            }
            reload_conversations(account, workspace_id)
        }
        Update::Typing { .. } | Update::Presence { .. } => vec![],
        // The runner answers it with `Msg::SessionExpired`.
        Update::SessionEnded => vec![],
    }
}

/// `watching`: the event's conversation is on screen in a focused window.
fn apply_event(account: &mut Account, event: Event, watching: bool) -> Vec<Effect> {
    let conversation = event.conversation_id;
    match event.payload {
        EventPayload::MessagePosted { message, .. } => {
            if let Some(client_id) = &message.client_id {
                account.outbox.acknowledge(client_id);
            }
            // Thread replies too: the server may notify of a mention in one.
            arrived(&mut account.recent, &message);
            // A reply only in its thread does not belong in the timeline (the client shows no
            // threads yet).
            if !message.in_timeline() {
                return vec![];
            }
            let mine = message.author_id == account.user.id;
            let mentioned = message.mentions.include(account.user.id);
            let timeline = account.timelines.entry(conversation).or_default();
            // A stretch of the past around a search result is on screen: the new message is
            // not shown there, so not seen (the jump to the newest reads it).
            let seen = watching && !timeline.more_after;
            timeline.insert_live(message);
            // Read only if seen: on screen in a focused window (focusing it again marks it).
            if mine {
                vec![]
            } else if seen {
                vec![Effect::MarkRead {
                    account: account.key,
                    conversation,
                }]
            } else {
                *account.unread.entry(conversation).or_default() += 1;
                if mentioned {
                    *account.mentions.entry(conversation).or_default() += 1;
                }
                vec![]
            }
        }
        EventPayload::MessageEdited {
            message_id,
            body,
            html,
            edited_at,
            ..
        } => {
            if let Some(t) = account.timelines.get_mut(&conversation) {
                t.edit(message_id, &body, &html, edited_at);
            }
            vec![]
        }
        EventPayload::MessageDeleted { message_id, .. } => {
            if let Some(t) = account.timelines.get_mut(&conversation) {
                t.delete(message_id);
            }
            vec![]
        }
        EventPayload::ReactionAdded {
            message_id,
            user_id,
            emoji,
        } => {
            if let Some(t) = account.timelines.get_mut(&conversation) {
                t.react(message_id, &emoji, user_id, true);
            }
            vec![]
        }
        EventPayload::ReactionRemoved {
            message_id,
            user_id,
            emoji,
        } => {
            if let Some(t) = account.timelines.get_mut(&conversation) {
                t.react(message_id, &emoji, user_id, false);
            }
            vec![]
        }
        // Pins change a message, not the conversation list; the timeline does not show
        // them yet.
        EventPayload::MessagePinned { .. } | EventPayload::MessageUnpinned { .. } => vec![],
        // Membership, names, topics, archiving: the list is small, reload it.
        _ => reload_conversations(account, event.workspace_id),
    }
}

fn reload_conversations(account: &Account, workspace: WorkspaceId) -> Vec<Effect> {
    match account.workspace(workspace) {
        Some(w) => vec![Effect::LoadConversations {
            account: account.key,
            workspace,
            slug: w.slug.clone(),
        }],
        None => vec![Effect::LoadWorkspaces {
            account: account.key,
        }],
    }
}
