//! Conversations (channels and direct messages), their members and their events. Every
//! change records its event in the same transaction, at the next position of the
//! conversation's sequence.

use ocomms_proto::conversation::{ConversationKind, ConversationRole};
use ocomms_proto::event::EventPayload;
use ocomms_proto::{ConversationId, Timestamp, UserId, WorkspaceId};

use crate::backend::{in_transaction, on_pool};
use crate::row::Columns;
use crate::steps::Steps as _;
use crate::{Store, StoreError, StoreResult, UserRecord};

mod access;
mod membership;

pub use access::{ConversationSeenBy, PostingAccess};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRecord {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub kind: ConversationKind,
    /// `None` for direct messages.
    pub name: Option<String>,
    pub topic: String,
    pub description: String,
    pub is_general: bool,
    pub archived_at: Option<Timestamp>,
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub last_seq: i64,
    pub member_count: i64,
    pub pins_managers_only: bool,
}

const COLUMNS: &str = "c.id, c.workspace_id, c.kind, c.name, c.topic, c.description, c.is_general, \
    c.archived_at, c.created_by, c.created_at, c.last_seq, c.pins_managers_only, \
    (SELECT COUNT(*) FROM conversation_members n WHERE n.conversation_id = c.id) AS member_count";

impl ConversationRecord {
    fn from_row(row: &impl Columns) -> Result<Self, sqlx::Error> {
        let kind = row.text("kind")?;
        Ok(Self {
            id: ConversationId(row.int("id")?),
            workspace_id: WorkspaceId(row.int("workspace_id")?),
            kind: ConversationKind::parse(&kind)
                .ok_or_else(|| sqlx::Error::Decode(format!("conversation kind {kind:?}").into()))?,
            name: row.opt_text("name")?,
            topic: row.text("topic")?,
            description: row.text("description")?,
            is_general: row.flag("is_general")?,
            archived_at: row.opt_int("archived_at")?,
            created_by: UserId(row.int("created_by")?),
            created_at: row.int("created_at")?,
            last_seq: row.int("last_seq")?,
            member_count: row.int("member_count")?,
            pins_managers_only: row.flag("pins_managers_only")?,
        })
    }
}

/// A conversation with the viewer's own membership, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleConversation {
    pub conversation: ConversationRecord,
    pub my_role: Option<ConversationRole>,
}

impl VisibleConversation {
    /// A row of the conversation's columns and the viewer's `my_role`.
    fn from_row(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            conversation: ConversationRecord::from_row(row)?,
            my_role: row
                .opt_text("my_role")?
                .and_then(|s| ConversationRole::parse(&s)),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationMemberRecord {
    pub user: UserRecord,
    pub role: ConversationRole,
    pub joined_at: Timestamp,
    /// The member's role in the workspace (admins manage every channel they see).
    pub workspace_role: ocomms_proto::workspace::Role,
}

#[derive(Debug, Clone)]
pub struct NewConversation {
    pub workspace_id: WorkspaceId,
    pub kind: ConversationKind,
    pub name: Option<String>,
    pub topic: String,
    pub description: String,
    pub direct_key: Option<String>,
    pub created_by: UserId,
    /// Everyone in it from the start, the creator included.
    pub members: Vec<(UserId, ConversationRole)>,
    pub now: Timestamp,
}

/// One change to a conversation's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationChange {
    Rename(String),
    Topic(String),
    Description(String),
    Archive(bool),
    PinsManagersOnly(bool),
}

impl Store {
    /// Creates a conversation with its first members; a taken channel name or an existing
    /// direct message for the same people is `Conflict`.
    pub async fn create_conversation(
        &self,
        new: &NewConversation,
    ) -> StoreResult<ConversationRecord> {
        let id = in_transaction!(self, |tx| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO conversations (workspace_id, kind, name, topic, description, \
                 direct_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 RETURNING id",
            )
            .bind(new.workspace_id.0)
            .bind(new.kind.as_str())
            .bind(&new.name)
            .bind(&new.topic)
            .bind(&new.description)
            .bind(&new.direct_key)
            .bind(new.created_by.0)
            .bind(new.now)
            .fetch_one(&mut *tx)
            .await?;
            let created = EventPayload::ConversationCreated {
                kind: new.kind,
                name: new.name.clone().unwrap_or_default(),
            };
            tx.record_event(id, new.created_by.0, new.now, &created)
                .await?;
            for (user, role) in &new.members {
                sqlx::query(
                    "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(user.0)
                .bind(role.as_str())
                .bind(new.now)
                .execute(&mut *tx)
                .await?;
                let joined = EventPayload::MemberJoined { user_id: *user };
                tx.record_event(id, new.created_by.0, new.now, &joined)
                    .await?;
            }
            Ok(id)
        })?;
        self.conversation(ConversationId(id))
            .await?
            .ok_or(StoreError::Invariant(
                "a created conversation was not read back",
            ))
    }

    pub async fn conversation(
        &self,
        id: ConversationId,
    ) -> StoreResult<Option<ConversationRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM conversations c WHERE c.id = $1");
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql).bind(id.0).fetch_optional(pool).await?;
            Ok(row.map(|r| ConversationRecord::from_row(&r)).transpose()?)
        })
    }

    /// The direct message among exactly these people, if it exists.
    pub async fn direct_conversation(
        &self,
        workspace: WorkspaceId,
        key: &str,
    ) -> StoreResult<Option<ConversationRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM conversations c WHERE c.workspace_id = $1 AND c.direct_key = $2"
        );
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(workspace.0)
                .bind(key)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| ConversationRecord::from_row(&r)).transpose()?)
        })
    }

    /// The workspace's conversations the user is in, plus (with `with_public`) every public
    /// channel; private ones the user is not in never leave the database.
    pub async fn conversations_for(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        with_public: bool,
    ) -> StoreResult<Vec<VisibleConversation>> {
        let sql = format!(
            "SELECT {COLUMNS}, my.role AS my_role FROM conversations c \
             LEFT JOIN conversation_members my ON my.conversation_id = c.id AND my.user_id = $2 \
             WHERE c.workspace_id = $1 AND (my.user_id IS NOT NULL OR (c.kind = 'public' AND $3)) \
             ORDER BY c.name, c.id"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql)
                .bind(workspace.0)
                .bind(user.0)
                .bind(with_public)
                .fetch_all(pool)
                .await?;
            Ok(rows
                .iter()
                .map(VisibleConversation::from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    /// Conversations `ids` with the user's own membership (search results label theirs).
    pub async fn conversations_by_id(
        &self,
        ids: &[ConversationId],
        user: UserId,
    ) -> StoreResult<Vec<VisibleConversation>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS}, my.role AS my_role FROM conversations c \
             LEFT JOIN conversation_members my ON my.conversation_id = c.id AND my.user_id = $1 \
             WHERE c.id IN ({})",
            crate::message::placeholders(2, ids.len())
        );
        on_pool!(self, |pool| {
            let mut query = sqlx::query(&sql).bind(user.0);
            for id in ids {
                query = query.bind(id.0);
            }
            let rows = query.fetch_all(pool).await?;
            Ok(rows
                .iter()
                .map(VisibleConversation::from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    /// Applies one change and records its event; a taken name is `Conflict`.
    pub async fn update_conversation(
        &self,
        conversation: ConversationId,
        change: &ConversationChange,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let (sql, text, event) = match change {
            ConversationChange::Rename(name) => (
                "UPDATE conversations SET name = $2 WHERE id = $1",
                Some(name.clone()),
                EventPayload::ConversationRenamed { name: name.clone() },
            ),
            ConversationChange::Topic(topic) => (
                "UPDATE conversations SET topic = $2 WHERE id = $1",
                Some(topic.clone()),
                EventPayload::TopicChanged {
                    topic: topic.clone(),
                },
            ),
            ConversationChange::Description(description) => (
                "UPDATE conversations SET description = $2 WHERE id = $1",
                Some(description.clone()),
                EventPayload::DescriptionChanged {
                    description: description.clone(),
                },
            ),
            ConversationChange::Archive(true) => (
                "UPDATE conversations SET archived_at = $2 WHERE id = $1",
                None,
                EventPayload::ConversationArchived,
            ),
            ConversationChange::Archive(false) => (
                "UPDATE conversations SET archived_at = NULL WHERE id = $1",
                None,
                EventPayload::ConversationUnarchived,
            ),
            ConversationChange::PinsManagersOnly(managers_only) => (
                "UPDATE conversations SET pins_managers_only = $2 WHERE id = $1",
                None,
                EventPayload::PinPolicyChanged {
                    managers_only: *managers_only,
                },
            ),
        };
        let archive_now = matches!(change, ConversationChange::Archive(true));
        let flag = match change {
            ConversationChange::PinsManagersOnly(managers_only) => Some(*managers_only),
            _ => None,
        };
        in_transaction!(self, |tx| {
            tx.lock_workspace(conversation.0).await?;
            let query = sqlx::query(sql).bind(conversation.0);
            let query = match (&text, archive_now, flag) {
                (Some(text), _, _) => query.bind(text.clone()),
                (None, true, _) => query.bind(now),
                (None, false, Some(flag)) => query.bind(flag),
                (None, false, None) => query,
            };
            if query.execute(&mut *tx).await?.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            tx.record_event(conversation.0, actor.0, now, &event)
                .await?;
            Ok(())
        })
    }

    /// Adds someone to a group direct message and re-keys it for its new set of people;
    /// `Conflict` when a group of exactly those people already exists.
    pub async fn add_group_participant(
        &self,
        conversation: ConversationId,
        user: UserId,
        new_key: &str,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| {
            tx.lock_workspace(conversation.0).await?;
            sqlx::query("UPDATE conversations SET direct_key = $2 WHERE id = $1")
                .bind(conversation.0)
                .bind(new_key)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) \
                 VALUES ($1, $2, 'member', $3)",
            )
            .bind(conversation.0)
            .bind(user.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.record_event(
                conversation.0,
                actor.0,
                now,
                &EventPayload::MemberJoined { user_id: user },
            )
            .await?;
            Ok(())
        })
    }

    /// Whether two people are together in at least one channel of the workspace (a guest
    /// may only message people they share a channel with).
    pub async fn users_share_channel(
        &self,
        workspace: WorkspaceId,
        a: UserId,
        b: UserId,
    ) -> StoreResult<bool> {
        on_pool!(self, |pool| {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT c.id FROM conversations c \
                 JOIN conversation_members x ON x.conversation_id = c.id AND x.user_id = $2 \
                 JOIN conversation_members y ON y.conversation_id = c.id AND y.user_id = $3 \
                 WHERE c.workspace_id = $1 AND c.kind IN ('public', 'private') LIMIT 1",
            )
            .bind(workspace.0)
            .bind(a.0)
            .bind(b.0)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }
}
