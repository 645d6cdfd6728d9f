//! Group commit of posts (queueing in `group`): posts that arrive while a commit is under
//! way are authorized and written together in the next round, so a busy server pays one authorization read and one commit
//! (one fsync on SQLite) per group rather than per message. Nobody waits for a group to
//! fill: an idle server commits each message at once. Each post is acknowledged only after
//! its group committed; each workspace written to is announced once per group.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use crate::Publisher;
use crate::conversation::viewer_of;
use crate::group::{self, Groups};
use crate::metrics::Metrics;
use crate::{AppError, AppResult};
use ocomms_domain::channel::Refusal;
use ocomms_proto::message::Message;
use ocomms_proto::{ConversationId, UserId, WorkspaceId};
use ocomms_store::{NewMessage, PostingAccess, Store, StoreError};

type Reply = group::Reply<(Message, bool)>;

pub(crate) struct Committer {
    groups: Groups<NewMessage, (Message, bool)>,
}

impl Committer {
    pub fn start(store: Store, publisher: Arc<dyn Publisher>, metrics: Arc<Metrics>) -> Self {
        let groups = Groups::start(move |group| {
            let (store, publisher, metrics) = (store.clone(), publisher.clone(), metrics.clone());
            async move {
                let started = Instant::now();
                metrics.commit_messages.observe(group.len() as f64);
                let allowed = authorize(&store, group).await;
                let written = commit(&store, allowed).await;
                metrics
                    .commit_duration
                    .observe(started.elapsed().as_secs_f64());
                for workspace in written {
                    publisher.announce(workspace);
                }
            }
        });
        Self { groups }
    }

    /// Authorizes the post (its author must be a member of an open conversation) and writes
    /// it with the next group; answers once it is committed.
    pub async fn post(&self, new: NewMessage) -> AppResult<(Message, bool)> {
        self.groups.submit(new).await
    }
}

/// Answers the posts their author may not make; returns the others with their workspace.
async fn authorize(
    store: &Store,
    group: Vec<(NewMessage, Reply)>,
) -> Vec<(NewMessage, Reply, WorkspaceId)> {
    let pairs: Vec<(ConversationId, UserId)> = group
        .iter()
        .map(|(new, _)| (new.conversation_id, new.author_id))
        .collect();
    let access: HashMap<(ConversationId, UserId), PostingAccess> =
        match store.posting_access(&pairs).await {
            Ok(rows) => rows
                .into_iter()
                .map(|a| ((a.conversation_id, a.user_id), a))
                .collect(),
            Err(e) => {
                // Each post gets its own error; a database that went away says so to each.
                let unavailable = e.is_unavailable();
                let message = e.to_string();
                for (_, reply) in group {
                    let error = if unavailable {
                        AppError::Unavailable(StoreError::closed())
                    } else {
                        AppError::Internal(message.clone())
                    };
                    let _ = reply.send(Err(error));
                }
                return Vec::new();
            }
        };
    let mut allowed = Vec::with_capacity(group.len());
    for (new, reply) in group {
        match may_post(access.get(&(new.conversation_id, new.author_id))) {
            Ok(workspace) => allowed.push((new, reply, workspace)),
            Err(refused) => {
                let _ = reply.send(Err(refused));
            }
        }
    }
    allowed
}

/// Members post to conversations they can see, unless archived.
fn may_post(access: Option<&PostingAccess>) -> AppResult<WorkspaceId> {
    let access = access.ok_or(AppError::NotFound("Conversation"))?;
    let viewer = viewer_of(access.kind, access.workspace_role, access.membership)?;
    if !viewer.is_member() {
        return Err(Refusal::NotMember.into());
    }
    if access.archived {
        return Err(Refusal::Archived.into());
    }
    Ok(access.workspace_id)
}

/// Writes the group in one transaction and answers each post; returns the workspaces that
/// got new messages.
async fn commit(
    store: &Store,
    group: Vec<(NewMessage, Reply, WorkspaceId)>,
) -> BTreeSet<WorkspaceId> {
    let mut written = BTreeSet::new();
    if group.is_empty() {
        return written;
    }
    let batch: Vec<NewMessage> = group.iter().map(|(new, ..)| new.clone()).collect();
    match store.post_messages(&batch).await {
        Ok(posted) if posted.len() == group.len() => {
            for ((_, reply, workspace), result) in group.into_iter().zip(posted) {
                if result.1 {
                    written.insert(workspace);
                }
                let _ = reply.send(Ok(result));
            }
        }
        // One bad item (or a lost race on a client id) spoils the group: post each alone,
        // so only the bad one fails.
        _ => {
            for (new, reply, workspace) in group {
                let result = store.post_message(&new).await;
                if matches!(result, Ok((_, true))) {
                    written.insert(workspace);
                }
                let _ = reply.send(result.map_err(AppError::from));
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocomms_proto::conversation::{ConversationKind, ConversationRole};
    use ocomms_proto::workspace::Role;

    fn access(
        kind: ConversationKind,
        workspace_role: Option<Role>,
        membership: Option<ConversationRole>,
        archived: bool,
    ) -> PostingAccess {
        PostingAccess {
            conversation_id: ConversationId(1),
            user_id: UserId(2),
            workspace_id: WorkspaceId(3),
            kind,
            archived,
            workspace_role,
            membership,
        }
    }

    #[test]
    fn only_members_post_and_outsiders_learn_nothing() {
        use ConversationKind::{Private, Public};
        let member = Some(ConversationRole::Member);
        let ok = may_post(Some(&access(Public, Some(Role::Member), member, false)));
        assert_eq!(ok.ok(), Some(WorkspaceId(3)));
        let code = |a: Option<&PostingAccess>| may_post(a).err().map(|e| e.code());
        use ocomms_proto::ErrorCode;
        assert_eq!(code(None), Some(ErrorCode::NotFound));
        assert_eq!(
            code(Some(&access(Public, None, None, false))),
            Some(ErrorCode::NotFound),
            "outside the workspace"
        );
        assert_eq!(
            code(Some(&access(Private, Some(Role::Admin), None, false))),
            Some(ErrorCode::NotFound),
            "a private channel one is not in does not exist, even for admins"
        );
        assert_ne!(
            code(Some(&access(Public, Some(Role::Member), None, false))),
            Some(ErrorCode::NotFound),
            "a public channel one has not joined is refused, not hidden"
        );
        assert!(may_post(Some(&access(Public, Some(Role::Member), member, true))).is_err());
    }
}
