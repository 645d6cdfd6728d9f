//! Workspaces and their members.

use ocomms_proto::workspace::Role;
use ocomms_proto::{Timestamp, UserId, WorkspaceId};

use ocomms_proto::conversation::ConversationKind;
use ocomms_proto::event::EventPayload;

use crate::backend::{in_transaction, on_pool};
use crate::record::{USER_COLUMNS, WORKSPACE_COLUMNS, role_from_row};
use crate::row::Columns;
use crate::steps::Steps as _;
use crate::{
    MemberRecord, Membership, Store, StoreError, StoreResult, UserRecord, WorkspaceRecord,
};

/// Membership changes that keep at least one owner: the condition is part of the statement,
/// so two owners demoting each other at the same moment cannot both succeed on SQLite, and
/// on PostgreSQL the app's prior check plus this guard cover every ordinary race.
const KEEPS_AN_OWNER: &str = "(role <> 'owner' OR (SELECT COUNT(*) FROM members o \
    WHERE o.workspace_id = $1 AND o.role = 'owner') > 1)";

impl Store {
    /// Creates a workspace with `owner` as its first member. The slug is `base_slug` or,
    /// when taken, the first free `base_slug-N`.
    pub async fn create_workspace(
        &self,
        name: &str,
        base_slug: &str,
        owner: UserId,
        now: Timestamp,
    ) -> StoreResult<WorkspaceRecord> {
        let returning = "RETURNING id AS workspace_id, name AS workspace_name, slug, \
            created_by AS workspace_created_by, created_at AS workspace_created_at";
        let insert = format!(
            "INSERT INTO workspaces (name, slug, created_by, created_at) \
             VALUES ($1, $2, $3, $4) {returning}"
        );
        in_transaction!(self, |tx| {
            let taken: Vec<String> = sqlx::query_scalar(
                "SELECT slug FROM workspaces WHERE slug = $1 OR slug LIKE $1 || '-%'",
            )
            .bind(base_slug)
            .fetch_all(&mut *tx)
            .await?;
            let slug = ocomms_domain::slug::unique(base_slug, &taken);
            let row = sqlx::query(&insert)
                .bind(name)
                .bind(&slug)
                .bind(owner.0)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let workspace = WorkspaceRecord::from_row(&row)?;
            sqlx::query(
                "INSERT INTO members (workspace_id, user_id, role, joined_at) \
                 VALUES ($1, $2, 'owner', $3)",
            )
            .bind(workspace.id.0)
            .bind(owner.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // Every workspace has a #general that everyone is in.
            let general: i64 = sqlx::query_scalar(
                "INSERT INTO conversations (workspace_id, kind, name, is_general, created_by, \
                 created_at) VALUES ($1, 'public', 'general', TRUE, $2, $3) RETURNING id",
            )
            .bind(workspace.id.0)
            .bind(owner.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let created = EventPayload::ConversationCreated {
                kind: ConversationKind::Public,
                name: "general".to_owned(),
            };
            tx.record_event(general, owner.0, now, &created).await?;
            sqlx::query(
                "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) \
                 VALUES ($1, $2, 'manager', $3)",
            )
            .bind(general)
            .bind(owner.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.record_event(
                general,
                owner.0,
                now,
                &EventPayload::MemberJoined { user_id: owner },
            )
            .await?;
            Ok::<_, StoreError>(workspace)
        })
    }

    pub async fn workspace_by_slug(&self, slug: &str) -> StoreResult<Option<WorkspaceRecord>> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces w WHERE w.slug = $1");
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql).bind(slug).fetch_optional(pool).await?;
            Ok(row.map(|r| WorkspaceRecord::from_row(&r)).transpose()?)
        })
    }

    /// The workspace and the user's membership in it, if they are a member.
    pub async fn membership(&self, slug: &str, user: UserId) -> StoreResult<Option<Membership>> {
        let sql = format!(
            "SELECT {WORKSPACE_COLUMNS}, m.role, m.joined_at FROM workspaces w \
             JOIN members m ON m.workspace_id = w.id WHERE w.slug = $1 AND m.user_id = $2"
        );
        on_pool!(self, |pool| {
            let row = sqlx::query(&sql)
                .bind(slug)
                .bind(user.0)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| membership_from_row(&r)).transpose()?)
        })
    }

    /// Every workspace the user belongs to, by name.
    pub async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        let sql = format!(
            "SELECT {WORKSPACE_COLUMNS}, m.role, m.joined_at FROM workspaces w \
             JOIN members m ON m.workspace_id = w.id WHERE m.user_id = $1 \
             ORDER BY LOWER(w.name), w.id"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql).bind(user.0).fetch_all(pool).await?;
            Ok(rows
                .iter()
                .map(membership_from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    /// The ids of the workspaces the user belongs to, in id order: what a realtime
    /// connection subscribes to (a whole crowd reconnecting reads this, so it stays lean).
    pub async fn workspace_ids_of(&self, user: UserId) -> StoreResult<Vec<WorkspaceId>> {
        on_pool!(self, |pool| {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT workspace_id FROM members WHERE user_id = $1 ORDER BY workspace_id",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await?;
            Ok(ids.into_iter().map(WorkspaceId).collect())
        })
    }

    /// Members by display name.
    pub async fn members(&self, workspace: WorkspaceId) -> StoreResult<Vec<MemberRecord>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, m.role, m.joined_at FROM members m \
             JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 \
             ORDER BY LOWER(u.display_name), u.id"
        );
        on_pool!(self, |pool| {
            let rows = sqlx::query(&sql).bind(workspace.0).fetch_all(pool).await?;
            Ok(rows
                .iter()
                .map(|r| {
                    Ok::<_, sqlx::Error>(MemberRecord {
                        user: UserRecord::from_row(r)?,
                        role: role_from_row(r)?,
                        joined_at: r.int("joined_at")?,
                    })
                })
                .collect::<Result<_, _>>()?)
        })
    }

    pub async fn member_role(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<Option<Role>> {
        on_pool!(self, |pool| {
            let role: Option<String> = sqlx::query_scalar(
                "SELECT role FROM members WHERE workspace_id = $1 AND user_id = $2",
            )
            .bind(workspace.0)
            .bind(user.0)
            .fetch_optional(pool)
            .await?;
            Ok(role.and_then(|r| Role::parse(&r)))
        })
    }

    pub async fn count_owners(&self, workspace: WorkspaceId) -> StoreResult<u64> {
        on_pool!(self, |pool| {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM members WHERE workspace_id = $1 AND role = 'owner'",
            )
            .bind(workspace.0)
            .fetch_one(pool)
            .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// Changes a member's role (`LastOwner` if it would demote the only owner). Becoming a
    /// guest takes someone out of #general; leaving guesthood puts them in.
    pub async fn set_member_role(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let sql = format!(
            "UPDATE members SET role = $3 WHERE workspace_id = $1 AND user_id = $2 \
             AND ($3 = 'owner' OR {KEEPS_AN_OWNER})"
        );
        let changed = in_transaction!(self, |tx| {
            let changed = sqlx::query(&sql)
                .bind(workspace.0)
                .bind(user.0)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Ok(0);
            }
            if role != Role::Guest {
                tx.join_general(workspace.0, user, now).await?;
            } else {
                let general: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM conversations WHERE workspace_id = $1 AND is_general",
                )
                .bind(workspace.0)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(general) = general {
                    let left = sqlx::query(
                        "DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
                    )
                    .bind(general)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if left == 1 {
                        tx.record_event(
                            general,
                            actor.0,
                            now,
                            &EventPayload::MemberRemoved { user_id: user },
                        )
                        .await?;
                    }
                }
            }
            Ok(changed)
        })?;
        self.explain_unchanged(changed, workspace, user).await
    }

    /// Removes a member (or lets them leave), and takes them out of the workspace's
    /// channels. `LastOwner` if they are the only owner.
    pub async fn remove_member(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        actor: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        let sql = format!(
            "DELETE FROM members WHERE workspace_id = $1 AND user_id = $2 AND {KEEPS_AN_OWNER}"
        );
        let changed = in_transaction!(self, |tx| {
            let removed = sqlx::query(&sql)
                .bind(workspace.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed == 0 {
                return Ok(0);
            }
            let channels: Vec<i64> = sqlx::query_scalar(
                "SELECT cm.conversation_id FROM conversation_members cm \
                 JOIN conversations c ON c.id = cm.conversation_id \
                 WHERE c.workspace_id = $1 AND cm.user_id = $2 AND c.kind IN ('public', 'private')",
            )
            .bind(workspace.0)
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
            for channel in channels {
                sqlx::query(
                    "DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
                )
                .bind(channel)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
                let event = if actor == user {
                    EventPayload::MemberLeft { user_id: user }
                } else {
                    EventPayload::MemberRemoved { user_id: user }
                };
                tx.record_event(channel, actor.0, now, &event).await?;
            }
            Ok(removed)
        })?;
        self.explain_unchanged(changed, workspace, user).await
    }

    /// Adds a member (and, unless a guest, puts them in #general) unless they already are one; returns
    /// whether they were added.
    pub async fn add_member(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
        now: Timestamp,
    ) -> StoreResult<bool> {
        in_transaction!(self, |tx| {
            let added = sqlx::query(
                "INSERT INTO members (workspace_id, user_id, role, joined_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, user_id) DO NOTHING",
            )
            .bind(workspace.0)
            .bind(user.0)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if added && role != Role::Guest {
                tx.join_general(workspace.0, user, now).await?;
            }
            Ok(added)
        })
    }

    /// After a guarded write changed nothing: was the member missing, or the guard hit?
    async fn explain_unchanged(
        &self,
        changed: u64,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<()> {
        if changed > 0 {
            return Ok(());
        }
        match self.member_role(workspace, user).await? {
            None => Err(StoreError::NotFound),
            Some(_) => Err(StoreError::LastOwner),
        }
    }
}

fn membership_from_row(row: &impl Columns) -> Result<Membership, sqlx::Error> {
    Ok(Membership {
        workspace: WorkspaceRecord::from_row(row)?,
        role: role_from_row(row)?,
        joined_at: row.int("joined_at")?,
    })
}
