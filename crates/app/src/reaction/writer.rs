//! Group commit for reactions (queueing in `group`), as `committer` does for posts: changes
//! that arrive while a write is under way go together in the next transaction (one commit, one fsync on SQLite),
//! so a burst of reactions does not queue one transaction each on the database's write lock.
//! Within a group, changes are ordered by workspace and
//! conversation (the lock order, `ocomms_store` `Steps::next_position`), arrival order kept
//! within a conversation; each is answered after its group committed, and each workspace
//! written to is announced once per group.

use std::collections::BTreeSet;
use std::sync::Arc;

use ocomms_proto::WorkspaceId;
use ocomms_store::{ReactionChange, Store};

use crate::group::{self, Groups};
use crate::message::gone;
use crate::{AppResult, Publisher};

type Reply = group::Reply<bool>;

pub(crate) struct ReactionWriter {
    groups: Groups<(ReactionChange, WorkspaceId), bool>,
}

impl ReactionWriter {
    pub fn start(store: Store, publisher: Arc<dyn Publisher>) -> Self {
        let groups = Groups::start(
            move |mut group: Vec<((ReactionChange, WorkspaceId), Reply)>| {
                let (store, publisher) = (store.clone(), publisher.clone());
                async move {
                    // Stable: a change and its undo in one conversation keep their order.
                    group.sort_by_key(|((change, workspace), _)| {
                        (workspace.0, change.conversation_id.0)
                    });
                    for workspace in write(&store, group).await {
                        publisher.announce(workspace);
                    }
                }
            },
        );
        Self { groups }
    }

    /// Writes an authorized change with the next group; whether it changed anything.
    pub async fn write(&self, change: ReactionChange, workspace: WorkspaceId) -> AppResult<bool> {
        self.groups.submit((change, workspace)).await
    }
}

/// Writes the group in one transaction and answers each change; returns the workspaces
/// whose event streams grew.
async fn write(
    store: &Store,
    group: Vec<((ReactionChange, WorkspaceId), Reply)>,
) -> BTreeSet<WorkspaceId> {
    let mut written = BTreeSet::new();
    let batch: Vec<ReactionChange> = group
        .iter()
        .map(|((change, _), _)| change.clone())
        .collect();
    match store.change_reactions(&batch).await {
        Ok(changed) if changed.len() == group.len() => {
            for (((_, workspace), reply), changed) in group.into_iter().zip(changed) {
                if changed {
                    written.insert(workspace);
                }
                let _ = reply.send(Ok(changed));
            }
        }
        // One bad change (a message deleted meanwhile) spoils the group: write each alone,
        // so only the bad one fails.
        _ => {
            for ((change, workspace), reply) in group {
                let result = store
                    .change_reactions(std::slice::from_ref(&change))
                    .await
                    .map(|changed| changed.first().copied().unwrap_or(false));
                if matches!(result, Ok(true)) {
                    written.insert(workspace);
                }
                let _ = reply.send(result.map_err(gone));
            }
        }
    }
    written
}
