//! Who in a workspace is online, as far as this node knows.

use ocomms_proto::realtime::PresenceEntry;

use crate::{Actor, App, AppResult};

impl App {
    /// Members of the workspace who are online or away (everyone else is offline).
    pub async fn presence(&self, actor: &Actor, slug: &str) -> AppResult<Vec<PresenceEntry>> {
        let membership = self.membership(actor, slug).await?;
        Ok(self
            .publisher()
            .online_in(membership.workspace.id)
            .into_iter()
            .map(|(user_id, status)| PresenceEntry { user_id, status })
            .collect())
    }
}
