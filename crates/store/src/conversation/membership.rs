//! Who is in a conversation: the member list, joining, leaving, removal and roles, each
//! change with its event in the same transaction.

use ocomms_proto::conversation::ConversationRole;
use ocomms_proto::event::EventPayload;
use ocomms_proto::{ConversationId, Timestamp, UserId};

use super::ConversationMemberRecord;
use crate::backend::{in_transaction, on_pool};
use crate::record::{USER_COLUMNS, role_from_row};
use crate::row::Columns;
use crate::steps::Steps as _;
use crate::{Store, StoreError, StoreResult, UserRecord};

impl Store {
    /// Members with their profiles and workspace roles, by display name.
    pub async fn conversation_members(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Vec<ConversationMemberRecord>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, cm.role AS conversation_role, cm.joined_at, m.role \
             FROM conversation_members cm JOIN users u ON u.id = cm.user_id \
             JOIN conversations c ON c.id = cm.conversation_id \
             JOIN members m ON m.workspace_id = c.workspace_id AND m.user_id = cm.user_id \
             WHERE cm.conversation_id = $1 ORDER BY LOWER(u.display_name), u.id"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(conversation.0)
                .fetch_all(pool)
                .await?;
            Ok(rows
                .iter()
                .map(|r| {
                    let role = r.text("conversation_role")?;
                    Ok::<_, sqlx::Error>(ConversationMemberRecord {
                        user: UserRecord::from_row(r)?,
                        role: ConversationRole::parse(&role).unwrap_or(ConversationRole::Member),
                        joined_at: r.int("joined_at")?,
                        workspace_role: role_from_row(r)?,
                    })
                })
                .collect::<Result<_, _>>()?)
        })
    }

    /// Adds a member (joining or being added); returns false if they already were one.
    pub async fn add_conversation_member(
        &self,
        conversation: ConversationId,
        user: UserId,
        role: ConversationRole,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<bool> {
        in_transaction!(self, |tx| {
            let added = sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(conversation.0)
            .bind(user.0)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if added {
                let joined = EventPayload::MemberJoined { user_id: user };
                tx.record_event(conversation.0, actor.0, now, &joined)
                    .await?;
            }
            Ok(added)
        })
    }

    /// Removes a member: `MemberLeft` when they leave, `MemberRemoved` when someone else
    /// removes them. `NotFound` if they were not a member.
    pub async fn remove_conversation_member(
        &self,
        conversation: ConversationId,
        user: UserId,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            let removed = sqlx::query(
                "DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
            )
            .bind(conversation.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if removed == 0 {
                return Err(StoreError::NotFound);
            }
            let event = if actor == user {
                EventPayload::MemberLeft { user_id: user }
            } else {
                EventPayload::MemberRemoved { user_id: user }
            };
            tx.record_event(conversation.0, actor.0, now, &event)
                .await?;
            Ok(())
        })
    }

    pub async fn set_conversation_role(
        &self,
        conversation: ConversationId,
        user: UserId,
        role: ConversationRole,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            let changed = sqlx::query(
                "UPDATE conversation_members SET role = $3 WHERE conversation_id = $1 AND user_id = $2",
            )
            .bind(conversation.0)
            .bind(user.0)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            let event = EventPayload::MemberRoleChanged {
                user_id: user,
                role,
            };
            tx.record_event(conversation.0, actor.0, now, &event)
                .await?;
            Ok(())
        })
    }
}
