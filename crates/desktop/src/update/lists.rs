//! A signed-in account's lists as the server sends them: its workspaces, and a workspace's
//! conversations with the people's names and the server's unread counts; then where to land.

use ocomms_proto::conversation::Conversation;
use ocomms_proto::{ConversationId, UserId, WorkspaceId};

use super::{default_conversation, select_conversation};
use crate::msg::Effect;
use crate::state::{AccountKey, State};

pub(super) fn workspaces_loaded(
    state: &mut State,
    key: AccountKey,
    list: Vec<ocomms_proto::workspace::Workspace>,
) -> Vec<Effect> {
    let Some((_, account)) = state.account_mut(key) else {
        return vec![];
    };
    account.workspaces = list;
    account.notice = None;
    let current = account
        .context
        .workspace
        .filter(|w| account.workspace(*w).is_some());
    let Some(workspace) = current.or_else(|| account.workspaces.first().map(|w| w.id)) else {
        account.notice = Some("You are not in any workspace on this server yet.".into());
        return vec![];
    };
    account.context.workspace = Some(workspace);
    let slug = account
        .workspace(workspace)
        .map(|w| w.slug.clone())
        .unwrap_or_default();
    vec![Effect::LoadConversations {
        account: key,
        workspace,
        slug,
    }]
}

pub(super) fn conversations_loaded(
    state: &mut State,
    key: AccountKey,
    workspace: WorkspaceId,
    mut list: Vec<Conversation>,
    names: Vec<(UserId, String)>,
    unread: Vec<(ConversationId, u32, u32)>,
) -> Vec<Effect> {
    let viewed = state.viewed_account() == Some(key);
    let Some((_, account)) = state.account_mut(key) else {
        return vec![];
    };
    // The server's counts (what other devices left unread); the one on screen is being read.
    for (conversation, count, mentions) in unread {
        if count > 0 && !(viewed && account.context.conversation == Some(conversation)) {
            account.unread.insert(conversation, count);
            if mentions > 0 {
                account.mentions.insert(conversation, mentions);
            }
        }
    }
    // Channels (alphabetical) above direct messages.
    list.sort_by(|a, b| {
        (!a.kind.is_channel(), a.name.to_lowercase())
            .cmp(&(!b.kind.is_channel(), b.name.to_lowercase()))
    });
    account.conversations.insert(workspace, list);
    account.names.extend(names);
    account.notice = None;
    // Muted ones are dimmed: the list shows at once, the levels follow.
    let levels = Effect::LoadLevels {
        account: key,
        conversations: super::settings::member_conversations(account, workspace),
    };
    if account.context.workspace != Some(workspace) {
        return vec![levels];
    }
    let still_there = account
        .context
        .conversation
        .filter(|c| account.conversation(*c).is_some());
    let Some(conversation) = still_there.or_else(|| default_conversation(account)) else {
        return vec![levels];
    };
    let mut effects = if viewed {
        // Not while Activity is on screen: a list reload must not leave it.
        let activity = account.context.activity;
        let effects = select_conversation(state, conversation);
        if let Some((_, account)) = state.account_mut(key) {
            account.context.activity = activity;
        }
        effects
    } else {
        account.context.conversation = Some(conversation);
        vec![Effect::LoadHistory {
            account: key,
            conversation,
            before: None,
        }]
    };
    effects.push(levels);
    effects
}
