//! Notification settings and Activity through the SDK (`ocomms_client` notification calls).

use ocomms_client::Client;
use ocomms_proto::ConversationId;
use ocomms_proto::notification::ConversationNotifications;

use super::Runner;
use crate::error::CallError;
use crate::msg::{Effect, Msg};

/// Levels are read one conversation at a time (the API has no list); this many at once,
/// so a workspace of 50 conversations neither waits on 50 round trips nor opens 50
/// connections.
const LEVELS_AT_ONCE: usize = 6;

impl Runner {
    /// Runs the notification effects; hands any other back.
    pub(super) fn settings(&self, effect: Effect) -> Option<Effect> {
        match effect {
            Effect::LoadLevels {
                account,
                conversations,
            } => self.call(account, move |client| async move {
                Msg::LevelsLoaded {
                    account,
                    result: levels(&client, conversations).await,
                }
            }),
            Effect::SetLevel {
                account,
                conversation,
                level,
            } => self.call(account, move |client| async move {
                Msg::LevelSet {
                    account,
                    conversation,
                    result: client
                        .set_conversation_notifications(conversation, level)
                        .await
                        .map_err(CallError::from),
                }
            }),
            Effect::LoadSettings {
                account,
                workspace,
                slug,
            } => self.call(account, move |client| async move {
                let result = async {
                    let default = client.workspace_notifications(&slug).await?;
                    let dnd = client.do_not_disturb().await?;
                    Ok::<_, ocomms_client::ClientError>((default.default_level, dnd))
                }
                .await
                .map_err(CallError::from);
                Msg::SettingsLoaded {
                    account,
                    workspace,
                    result,
                }
            }),
            Effect::SetDefaultLevel {
                account,
                workspace,
                slug,
                level,
            } => self.call(account, move |client| async move {
                Msg::DefaultLevelSet {
                    account,
                    workspace,
                    result: client
                        .set_workspace_notifications(&slug, level)
                        .await
                        .map(|w| w.default_level)
                        .map_err(CallError::from),
                }
            }),
            Effect::SetDoNotDisturb { account, update } => {
                self.call(account, move |client| async move {
                    Msg::DoNotDisturbSet {
                        account,
                        result: client
                            .set_do_not_disturb(&update)
                            .await
                            .map_err(CallError::from),
                    }
                })
            }
            Effect::LoadEmailNotifications { account } => {
                self.call(account, move |client| async move {
                    Msg::EmailNotificationsLoaded {
                        account,
                        result: client.email_notifications().await.map_err(CallError::from),
                    }
                })
            }
            Effect::SetEmailFrequency { account, frequency } => {
                self.call(account, move |client| async move {
                    Msg::EmailNotificationsLoaded {
                        account,
                        result: client
                            .set_email_notifications(frequency)
                            .await
                            .map_err(CallError::from),
                    }
                })
            }
            Effect::LoadActivity {
                account,
                workspace,
                slug,
                before,
            } => self.call(account, move |client| async move {
                Msg::ActivityLoaded {
                    account,
                    workspace,
                    before,
                    result: client
                        .activity(&slug, before)
                        .await
                        .map_err(CallError::from),
                }
            }),
            other => return Some(other),
        }
        None
    }
}

/// Each conversation's level, a few requests at a time. One the server will not say (left
/// meanwhile) is left out; a dead session or a lost connection fails the whole read.
async fn levels(
    client: &Client,
    conversations: Vec<ConversationId>,
) -> Result<Vec<(ConversationId, ConversationNotifications)>, CallError> {
    let mut levels = Vec::with_capacity(conversations.len());
    for chunk in conversations.chunks(LEVELS_AT_ONCE) {
        let mut set = tokio::task::JoinSet::new();
        for &id in chunk {
            let client = client.clone();
            set.spawn(async move { (id, client.conversation_notifications(id).await) });
        }
        while let Some(joined) = set.join_next().await {
            let Ok((id, result)) = joined else { continue };
            match result.map_err(CallError::from) {
                Ok(level) => levels.push((id, level)),
                Err(CallError::Refused(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(levels)
}
