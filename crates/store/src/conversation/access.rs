//! What a person is to a conversation, read in one query: the input of every authorization
//! decision about it (made in the server's `app/`, not here).

use std::collections::BTreeSet;

use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::workspace::Role;
use ocomms_proto::{ConversationId, UserId, WorkspaceId};

use super::{COLUMNS, ConversationRecord};
use crate::backend::on_pool;
use crate::row::Columns;
use crate::{Store, StoreResult};

/// A conversation and what one person is to it (`conversation_seen_by`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationSeenBy {
    pub record: ConversationRecord,
    /// `None`: not in the conversation's workspace.
    pub workspace_role: Option<Role>,
    /// `None`: not a member of the conversation.
    pub membership: Option<ConversationRole>,
}

/// What a poster is to a conversation (`posting_access`): all a post is authorized with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingAccess {
    pub conversation_id: ConversationId,
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
    pub kind: ConversationKind,
    pub archived: bool,
    pub workspace_role: Option<Role>,
    pub membership: Option<ConversationRole>,
}

impl Store {
    /// A conversation with the roles `user` holds in it and in its workspace, in one read:
    /// what every request about a conversation is authorized with.
    pub async fn conversation_seen_by(
        &self,
        id: ConversationId,
        user: UserId,
    ) -> StoreResult<Option<ConversationSeenBy>> {
        let sql = format!(
            "SELECT {COLUMNS}, m.role AS workspace_role, cm.role AS conversation_role \
             FROM conversations c \
             LEFT JOIN members m ON m.workspace_id = c.workspace_id AND m.user_id = $2 \
             LEFT JOIN conversation_members cm ON cm.conversation_id = c.id AND cm.user_id = $2 \
             WHERE c.id = $1"
        );
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(id.0)
                .bind(user.0)
                .fetch_optional(pool)
                .await?;
            Ok(row
                .map(|r| {
                    Ok::<_, sqlx::Error>(ConversationSeenBy {
                        record: ConversationRecord::from_row(&r)?,
                        workspace_role: r
                            .opt_text("workspace_role")?
                            .and_then(|role| Role::parse(&role)),
                        membership: r
                            .opt_text("conversation_role")?
                            .and_then(|role| ConversationRole::parse(&role)),
                    })
                })
                .transpose()?)
        })
    }

    /// For each (conversation, person) pair, what the person is to it, in one read for a
    /// whole group of posts. Pairs whose conversation does not exist are left out.
    pub async fn posting_access(
        &self,
        pairs: &[(ConversationId, UserId)],
    ) -> StoreResult<Vec<PostingAccess>> {
        let pairs: BTreeSet<(i64, i64)> = pairs.iter().map(|(c, u)| (c.0, u.0)).collect();
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<String> = (0..pairs.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "WITH asked (conversation_id, user_id) AS (VALUES {}) \
             SELECT a.conversation_id, a.user_id, c.workspace_id, c.kind, c.archived_at, \
             m.role AS workspace_role, cm.role AS conversation_role \
             FROM asked a JOIN conversations c ON c.id = a.conversation_id \
             LEFT JOIN members m ON m.workspace_id = c.workspace_id AND m.user_id = a.user_id \
             LEFT JOIN conversation_members cm \
             ON cm.conversation_id = c.id AND cm.user_id = a.user_id",
            values.join(", ")
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query(&sql);
            for (conversation, user) in &pairs {
                query = query.bind(*conversation).bind(*user);
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    let kind = r.text("kind")?;
                    Ok(PostingAccess {
                        conversation_id: ConversationId(r.int("conversation_id")?),
                        user_id: UserId(r.int("user_id")?),
                        workspace_id: WorkspaceId(r.int("workspace_id")?),
                        kind: ConversationKind::parse(&kind).ok_or_else(|| {
                            sqlx::Error::Decode(format!("conversation kind {kind:?}").into())
                        })?,
                        archived: r.opt_int("archived_at")?.is_some(),
                        workspace_role: r.opt_text("workspace_role")?.and_then(|x| Role::parse(&x)),
                        membership: r
                            .opt_text("conversation_role")?
                            .and_then(|x| ConversationRole::parse(&x)),
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(Into::into)
        })
    }
}
