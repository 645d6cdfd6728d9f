//! Message search (issue 16; docs/adr/0020): the query is read by `ocomms_domain::search`,
//! matched by the store's full-text index, and only ever among the conversations the actor
//! is a member of now.

use ocomms_domain::search;
use ocomms_proto::MessageId;
use ocomms_proto::search::SearchResults;

use crate::{Actor, App, AppResult};

/// Messages a page shows.
const PAGE: i64 = 20;

impl App {
    /// The newest messages of workspace `slug` matching `q` that the actor may read now;
    /// `before` continues a previous page.
    pub async fn search(
        &self,
        actor: &Actor,
        slug: &str,
        q: &str,
        before: Option<MessageId>,
    ) -> AppResult<SearchResults> {
        let membership = self.membership(actor, slug).await?;
        let query = search::parse(q)?;
        if query.is_empty() {
            return Err(ocomms_domain::Invalid::new(
                "q",
                "Type a word, a phrase or an operator such as from:@someone to search for.",
            )
            .into());
        }
        let (messages, more) = self
            .store()
            .search_messages(
                actor.user.id,
                membership.workspace.id,
                &ocomms_store::Search {
                    query: &query,
                    time_zone: &actor.user.time_zone,
                    before,
                    limit: PAGE,
                },
            )
            .await?;
        Ok(SearchResults { messages, more })
    }
}
