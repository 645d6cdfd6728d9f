//! Who is who and what is where in a workspace, for the pages that list messages from many
//! conversations (All threads, Activity).

use std::collections::HashMap;

use ocomms_app::{Actor, AppError};
use ocomms_proto::{ConversationId, UserId};

use crate::App;
use crate::web::shell::Shell;

pub(crate) struct Names {
    people: HashMap<UserId, String>,
    places: HashMap<ConversationId, String>,
}

impl Names {
    /// The workspace's people, and the conversations of the sidebar: these pages list only
    /// conversations the viewer is in.
    pub(crate) async fn load(
        app: &App,
        actor: &Actor,
        slug: &str,
        shell: &Shell,
    ) -> Result<Self, AppError> {
        Ok(Self {
            people: app
                .members(actor, slug)
                .await?
                .into_iter()
                .map(|m| (m.user_id, m.profile.display_name))
                .collect(),
            places: shell
                .channels
                .iter()
                .map(|c| (c.id, format!("#{}", c.name)))
                .chain(shell.directs.iter().map(|c| (c.id, c.name.clone())))
                .collect(),
        })
    }

    pub(crate) fn person(&self, id: UserId) -> String {
        self.people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "Former member".to_owned())
    }

    /// `#channel` or the direct message's name; `None` for an archived channel (not in the
    /// sidebar), which each page words its own way.
    pub(crate) fn place(&self, id: ConversationId) -> Option<String> {
        self.places.get(&id).cloned()
    }
}
