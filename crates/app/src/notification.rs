//! Notification settings and the Activity list (issue 15, S12; docs/adr/0017). Who is
//! notified of a message is decided where it is delivered (the realtime feed), from these
//! settings and `ocomms_domain::notification`.

use ocomms_domain::channel::Refusal;
use ocomms_domain::notification::minute;
use ocomms_domain::{AllValid, Invalid};
use ocomms_proto::notification::{
    ActivityItem, ActivityPage, ConversationNotifications, DoNotDisturb, Level,
    QuietHours as Hours, SetDoNotDisturb, WorkspaceNotifications,
};
use ocomms_proto::{ConversationId, MessageId};
use ocomms_store::QuietHours;

use crate::{Actor, App, AppResult};

const ACTIVITY_PAGE: i64 = 30;
/// The longest snooze: a week, in minutes.
pub const MAX_SNOOZE_MINUTES: u32 = 7 * 24 * 60;

impl App {
    /// The actor's level in a conversation they are a member of.
    pub async fn conversation_notifications(
        &self,
        actor: &Actor,
        conversation: ConversationId,
    ) -> AppResult<ConversationNotifications> {
        let visible = self.visible(actor, conversation).await?;
        let own = self
            .store()
            .conversation_level(actor.user.id, conversation)
            .await?
            .ok_or(Refusal::NotMember)?;
        self.with_default(actor, visible.record.workspace_id, own)
            .await
    }

    /// `own`, and what applies: it, or the actor's workspace default.
    async fn with_default(
        &self,
        actor: &Actor,
        workspace: ocomms_proto::WorkspaceId,
        own: Option<Level>,
    ) -> AppResult<ConversationNotifications> {
        let effective = match own {
            Some(level) => level,
            None => self
                .store()
                .workspace_level(actor.user.id, workspace)
                .await?
                .unwrap_or(Level::Mentions),
        };
        Ok(ConversationNotifications {
            level: own,
            effective,
        })
    }

    /// Sets (or, with `None`, clears back to the workspace default) the actor's level in a
    /// conversation they are a member of.
    pub async fn set_conversation_notifications(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        level: Option<Level>,
    ) -> AppResult<ConversationNotifications> {
        let visible = self.visible(actor, conversation).await?;
        if !self
            .store()
            .set_conversation_level(actor.user.id, conversation, level)
            .await?
        {
            return Err(Refusal::NotMember.into());
        }
        self.publisher().notifications_changed(actor.user.id);
        self.with_default(actor, visible.record.workspace_id, level)
            .await
    }

    pub async fn workspace_notifications(
        &self,
        actor: &Actor,
        slug: &str,
    ) -> AppResult<WorkspaceNotifications> {
        let membership = self.membership(actor, slug).await?;
        let default_level = self
            .store()
            .workspace_level(actor.user.id, membership.workspace.id)
            .await?
            .unwrap_or(Level::Mentions);
        Ok(WorkspaceNotifications { default_level })
    }

    pub async fn set_workspace_notifications(
        &self,
        actor: &Actor,
        slug: &str,
        settings: WorkspaceNotifications,
    ) -> AppResult<WorkspaceNotifications> {
        let membership = self.membership(actor, slug).await?;
        self.store()
            .set_workspace_level(
                actor.user.id,
                membership.workspace.id,
                settings.default_level,
            )
            .await?;
        self.publisher().notifications_changed(actor.user.id);
        Ok(settings)
    }

    /// The actor's quiet hours and snooze.
    pub async fn do_not_disturb(&self, actor: &Actor) -> AppResult<DoNotDisturb> {
        let quiet = self.store().quiet_hours(actor.user.id).await?;
        Ok(wire(&quiet, super::now()))
    }

    /// Replaces the quiet hours and, with `snooze_minutes`, snoozes from now (0 ends it).
    pub async fn set_do_not_disturb(
        &self,
        actor: &Actor,
        update: SetDoNotDisturb,
    ) -> AppResult<DoNotDisturb> {
        let hours = update.quiet_hours.as_ref();
        let time = |raw: Option<&String>, field| raw.map(|t| minute(t, field)).transpose();
        let snooze = match update.snooze_minutes {
            Some(minutes) if minutes > MAX_SNOOZE_MINUTES => Err(Invalid::new(
                "snooze_minutes",
                "Snooze for at most a week (10080 minutes).",
            )),
            other => Ok(other),
        };
        let (start, end, snooze) = (
            time(hours.map(|h| &h.start), "start"),
            time(hours.map(|h| &h.end), "end"),
            snooze,
        )
            .all_valid()?;
        let mut quiet = self.store().quiet_hours(actor.user.id).await?;
        quiet.start_minute = start.map(i64::from);
        quiet.end_minute = end.map(i64::from);
        if let Some(minutes) = snooze {
            quiet.snoozed_until = (minutes > 0).then(|| super::now() + i64::from(minutes) * 60_000);
        }
        self.store().set_quiet_hours(actor.user.id, &quiet).await?;
        self.publisher().notifications_changed(actor.user.id);
        Ok(wire(&quiet, super::now()))
    }

    /// The conversations of a workspace the actor muted (the sidebar dims them).
    pub async fn muted_conversations(
        &self,
        actor: &Actor,
        slug: &str,
    ) -> AppResult<std::collections::HashSet<ConversationId>> {
        let membership = self.membership(actor, slug).await?;
        Ok(self
            .store()
            .muted_conversations(actor.user.id, membership.workspace.id)
            .await?)
    }

    /// A page of the actor's Activity in a workspace, newest first.
    pub async fn activity(
        &self,
        actor: &Actor,
        slug: &str,
        before: Option<MessageId>,
    ) -> AppResult<ActivityPage> {
        let membership = self.membership(actor, slug).await?;
        let (items, more) = self
            .store()
            .activity(
                actor.user.id,
                membership.workspace.id,
                before,
                ACTIVITY_PAGE,
            )
            .await?;
        Ok(ActivityPage {
            items: items
                .into_iter()
                .map(|(kind, message)| ActivityItem { kind, message })
                .collect(),
            more,
        })
    }
}

/// A snooze that has ended reads as none.
fn wire(quiet: &QuietHours, now: i64) -> DoNotDisturb {
    let time = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
    DoNotDisturb {
        quiet_hours: match (quiet.start_minute, quiet.end_minute) {
            (Some(start), Some(end)) => Some(Hours {
                start: time(start),
                end: time(end),
            }),
            _ => None,
        },
        snoozed_until: quiet.snoozed_until.filter(|until| *until > now),
    }
}

/// Stored quiet hours as the notification rules read them (out-of-range minutes: none).
pub fn quiet_rules(quiet: &QuietHours) -> ocomms_domain::notification::DoNotDisturb {
    let minute = |m: Option<i64>| m.and_then(|m| u16::try_from(m).ok());
    ocomms_domain::notification::DoNotDisturb {
        start_minute: minute(quiet.start_minute),
        end_minute: minute(quiet.end_minute),
        time_zone: quiet.time_zone.clone(),
        snoozed_until: quiet.snoozed_until,
    }
}
