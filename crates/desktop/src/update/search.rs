//! Search (issue 16): a query for the workspace on screen, its results page by page,
//! and a result opened in its conversation, in the stretch of history around it
//! (`around`) when the timeline held does not have it.

use ocomms_proto::message::MessagePage;
use ocomms_proto::search::SearchResults;
use ocomms_proto::{ConversationId, MessageId, WorkspaceId};

use super::{select_conversation, viewed_mut};
use crate::error::CallError;
use crate::msg::{Effect, Msg};
use crate::state::{AccountKey, State};

/// The user's search actions.
pub(super) fn action(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Search(query) => search(state, query.trim()),
        Msg::MoreResults => more(state),
        Msg::CloseSearch => {
            if let Some(account) = viewed_mut(state) {
                account.context.searching = false;
            }
            // Back on the conversation: it is seen now.
            super::mark_viewed_read(state)
        }
        Msg::OpenResult(id) => open_result(state, id),
        Msg::JumpToNewest => jump_to_newest(state),
        _ => vec![],
    }
}

fn search(state: &mut State, query: &str) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(workspace) = account.context.workspace else {
        return vec![];
    };
    let Some(slug) = account.workspace(workspace).map(|w| w.slug.clone()) else {
        return vec![];
    };
    if query.is_empty() {
        return vec![];
    }
    account.context.searching = true;
    account.context.activity = false;
    account.context.editing = None;
    let search = &mut account.search;
    search.query = query.to_owned();
    search.workspace = Some(workspace);
    search.results.clear();
    search.more = false;
    search.loading = true;
    search.error = None;
    // Shown from the offline cache: there is no session to ask with, and nothing kept
    // here is searched.
    if account.cached {
        search.loading = false;
        search.error = Some("Search needs the server, which has not answered yet.".into());
        return vec![];
    }
    vec![Effect::Search {
        account: account.key,
        workspace,
        slug,
        query: query.to_owned(),
        before: None,
    }]
}

fn more(state: &mut State) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let search = &mut account.search;
    let (Some(workspace), Some(before)) = (search.workspace, search.last()) else {
        return vec![];
    };
    if !search.more || search.loading {
        return vec![];
    }
    let Some(slug) = account.workspace(workspace).map(|w| w.slug.clone()) else {
        return vec![];
    };
    account.search.loading = true;
    vec![Effect::Search {
        account: account.key,
        workspace,
        slug,
        query: account.search.query.clone(),
        before: Some(before),
    }]
}

/// Opens the result's conversation with the message highlighted: at once when the timeline
/// held has it, else once the stretch around it is loaded.
fn open_result(state: &mut State, id: MessageId) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(found) = account.search.results.iter().find(|m| m.id == id) else {
        return vec![];
    };
    let (conversation, seq) = (found.conversation_id, found.seq);
    // A result from another workspace of this account (searched before switching).
    let workspace = account.conversation(conversation).map(|c| c.workspace_id);
    if let Some(workspace) = workspace {
        account.context.workspace = Some(workspace);
    }
    let held = account
        .timelines
        .get(&conversation)
        .is_some_and(|t| t.loaded && t.holds(id));
    let key = account.key;
    account.context.searching = false;
    let mut effects = select_conversation(state, conversation);
    if let Some(account) = viewed_mut(state) {
        account.context.highlight = Some(id);
    }
    if !held {
        effects.retain(|e| !matches!(e, Effect::LoadHistory { .. }));
        effects.push(Effect::LoadAround {
            account: key,
            conversation,
            seq,
        });
    }
    effects
}

fn jump_to_newest(state: &mut State) -> Vec<Effect> {
    let Some(account) = viewed_mut(state) else {
        return vec![];
    };
    let Some(conversation) = account.context.conversation else {
        return vec![];
    };
    if !account
        .timelines
        .get(&conversation)
        .is_some_and(|t| t.more_after)
    {
        return vec![];
    }
    account.timelines.remove(&conversation);
    account.context.highlight = None;
    select_conversation(state, conversation)
}

/// A page of results; one for an older query or another workspace is dropped (the user
/// typed on meanwhile).
pub(super) fn loaded(
    state: &mut State,
    key: AccountKey,
    (workspace, query, before): (WorkspaceId, String, Option<MessageId>),
    result: Result<SearchResults, CallError>,
) -> Vec<Effect> {
    let Some((_, account)) = state.account_mut(key) else {
        return vec![];
    };
    let search = &mut account.search;
    if search.query != query || search.workspace != Some(workspace) {
        return vec![];
    }
    match result {
        Ok(page) => {
            search.merge(page.messages, page.more, before.is_none());
            vec![]
        }
        Err(CallError::SessionExpired) => super::answer::session_expired(state, key),
        // The server's own words: "Unknown operator colour:. Use from:, in:, …".
        Err(e) => {
            search.loading = false;
            search.error = Some(e.to_string());
            vec![]
        }
    }
}

/// The stretch around an opened result arrived.
pub(super) fn around_loaded(
    state: &mut State,
    key: AccountKey,
    conversation: ConversationId,
    result: Result<MessagePage, CallError>,
) -> Vec<Effect> {
    match result {
        Ok(page) => {
            if let Some((_, account)) = state.account_mut(key) {
                account
                    .timelines
                    .entry(conversation)
                    .or_default()
                    .show_window(page);
            }
            vec![]
        }
        Err(e) => super::answer::failed(state, key, e),
    }
}
