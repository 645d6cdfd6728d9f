//! Notification settings and the Activity list.

use ocomms_proto::notification::{
    ActivityPage, ConversationNotifications, DoNotDisturb, EmailFrequency, EmailNotifications,
    Level, SetConversationNotifications, SetDoNotDisturb, SetEmailNotifications,
    WorkspaceNotifications,
};
use ocomms_proto::{ConversationId, MessageId};
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    pub async fn conversation_notifications(
        &self,
        conversation: ConversationId,
    ) -> Result<ConversationNotifications> {
        self.get(&format!("/conversations/{conversation}/notifications"))
            .await
    }

    /// `None`: back to the workspace default.
    pub async fn set_conversation_notifications(
        &self,
        conversation: ConversationId,
        level: Option<Level>,
    ) -> Result<ConversationNotifications> {
        let body = SetConversationNotifications { level };
        self.send(
            Method::PUT,
            &format!("/conversations/{conversation}/notifications"),
            &body,
        )
        .await
    }

    pub async fn workspace_notifications(&self, slug: &str) -> Result<WorkspaceNotifications> {
        self.get(&format!("/workspaces/{slug}/notifications")).await
    }

    pub async fn set_workspace_notifications(
        &self,
        slug: &str,
        default_level: Level,
    ) -> Result<WorkspaceNotifications> {
        let body = WorkspaceNotifications { default_level };
        self.send(
            Method::PUT,
            &format!("/workspaces/{slug}/notifications"),
            &body,
        )
        .await
    }

    pub async fn do_not_disturb(&self) -> Result<DoNotDisturb> {
        self.get("/me/do-not-disturb").await
    }

    pub async fn set_do_not_disturb(&self, update: &SetDoNotDisturb) -> Result<DoNotDisturb> {
        self.send(Method::PUT, "/me/do-not-disturb", update).await
    }

    /// How often the caller is emailed about mentions and direct messages they missed.
    pub async fn email_notifications(&self) -> Result<EmailNotifications> {
        self.get("/me/email-notifications").await
    }

    pub async fn set_email_notifications(
        &self,
        frequency: EmailFrequency,
    ) -> Result<EmailNotifications> {
        let body = SetEmailNotifications { frequency };
        self.send(Method::PUT, "/me/email-notifications", &body)
            .await
    }

    /// A page of the caller's Activity, newest first; `before` the last item shown.
    pub async fn activity(&self, slug: &str, before: Option<MessageId>) -> Result<ActivityPage> {
        let path = match before {
            Some(id) => format!("/workspaces/{slug}/activity?before={id}"),
            None => format!("/workspaces/{slug}/activity"),
        };
        self.get(&path).await
    }
}
