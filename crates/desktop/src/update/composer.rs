//! The composer and the timeline on screen: sending (through the outbox, so nothing typed
//! offline is lost), editing my last message, and older history.

use super::viewed_mut;
use crate::msg::Effect;
use crate::state::{Account, Anchor, Connection, State};

/// What "Load older messages" says while the account is shown from the offline cache.
pub(super) const OFFLINE_OLDER: &str =
    "Offline: older messages need the server; this computer keeps only the newest.";

pub(super) fn load_older(state: &mut State) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(conversation) = account.context.conversation else {
        return vec![];
    };
    let Some(timeline) = account.timelines.get_mut(&conversation) else {
        return vec![];
    };
    // Scrolling to the top asks again while the page is on its way: one request at a time.
    if timeline.loading_older {
        return vec![];
    }
    match timeline.messages().first() {
        // Shown from the offline cache, without a session: nothing could be fetched, so the
        // user is told why where the window says it is offline (as a reaction's click is).
        Some(_) if timeline.more_before && account.cached => {
            account.notice = Some(OFFLINE_OLDER.into());
            vec![]
        }
        Some(oldest) if timeline.more_before => {
            let before = Some(oldest.seq);
            timeline.loading_older = true;
            vec![Effect::LoadHistory {
                account: account.key,
                conversation,
                before,
            }]
        }
        _ => vec![],
    }
}

pub(super) fn edit_last(state: &mut State) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(conversation) = account.context.conversation else {
        return vec![];
    };
    let me = account.user.id;
    let last = account.timelines.get(&conversation).and_then(|t| {
        t.messages()
            .iter()
            .rev()
            .find(|m| m.author_id == me && !m.deleted)
            .map(|m| (m.id, m.body.clone()))
    });
    if let Some((id, body)) = last {
        account.context.editing = Some(id);
        account.context.drafts.insert(conversation, body);
    }
    vec![]
}

pub(super) fn send(state: &mut State) -> Vec<Effect> {
    let Some(key) = state.viewed_account() else {
        return vec![];
    };
    let client_id = state.next_client_id();
    let Some((_, account)) = state.account_mut(key) else {
        return vec![];
    };
    let Some(conversation) = account.context.conversation else {
        return vec![];
    };
    let body = account
        .context
        .drafts
        .remove(&conversation)
        .unwrap_or_default();
    let body = body.trim();
    if let Some(message) = account.context.editing.take() {
        // An emptied edit is a change of mind, not a delete.
        if body.is_empty() {
            return vec![];
        }
        return vec![Effect::Edit {
            account: account.key,
            message,
            body: body.to_owned(),
        }];
    }
    if body.is_empty() {
        return vec![];
    }
    // What one sends is seen arrive: the timeline goes back to the newest message.
    account.context.scroll.remove(&conversation);
    account
        .outbox
        .push(client_id, conversation, body.to_owned());
    // Offline, it waits in the outbox and goes when the realtime session is back.
    if account.connection == Connection::Online {
        flush(account)
    } else {
        vec![]
    }
}

/// The user scrolled the timeline on screen: `row` (of the view's rows) is at the top of
/// the view, `into` pixels of it above; `None`: at the newest message.
pub(super) fn scrolled(state: &mut State, top: Option<(usize, f32)>) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(conversation) = account.context.conversation else {
        return vec![];
    };
    let anchor = top.and_then(|(row, into)| {
        let message = account.timelines.get(&conversation)?.message_at_row(row)?;
        Some(Anchor {
            message,
            into: if into.is_finite() { into.max(0.0) } else { 0.0 },
        })
    });
    match anchor {
        Some(anchor) => account.context.scroll.insert(conversation, anchor),
        None => account.context.scroll.remove(&conversation),
    };
    vec![]
}

/// Everything in the outbox not yet on its way.
pub(super) fn flush(account: &mut Account) -> Vec<Effect> {
    account
        .outbox
        .take_sendable()
        .into_iter()
        .map(|q| Effect::Post {
            account: account.key,
            conversation: q.conversation,
            body: q.body,
            client_id: q.client_id,
        })
        .collect()
}
