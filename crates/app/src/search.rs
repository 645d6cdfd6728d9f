//! Message search (issue 16; docs/adr/0020): the query is read by `ocomms_domain::search`,
//! matched by the store's full-text index, and only ever among the conversations the actor
//! may read now: theirs, and on request the workspace's public channels (not for guests).

use ocomms_domain::search;
use ocomms_proto::search::{FoundIn, MAX_RANKED, SearchOrder, SearchQuery, SearchResults};
use ocomms_proto::workspace::Role;

use crate::{Actor, App, AppResult};

/// Messages a page shows.
const PAGE: i64 = 20;

impl App {
    /// The messages of workspace `slug` matching `request.q` that the actor may read now,
    /// newest or most relevant first, a page at a time, with the conversations they are in.
    pub async fn search(
        &self,
        actor: &Actor,
        slug: &str,
        request: &SearchQuery,
    ) -> AppResult<SearchResults> {
        let membership = self.membership(actor, slug).await?;
        let query = search::parse(&request.q)?;
        if query.is_empty() {
            return Err(ocomms_domain::Invalid::new(
                "q",
                "Type a word, a phrase or an operator such as from:@someone to search for.",
            )
            .into());
        }
        let ranked = match (request.order, request.offset) {
            (SearchOrder::Relevant, offset) => {
                let offset = offset.unwrap_or(0);
                if offset >= MAX_RANKED {
                    return Err(ocomms_domain::Invalid::new(
                        "offset",
                        format!(
                            "The most relevant results are the best of the newest {MAX_RANKED} \
                             matches: add words or operators to narrow the search."
                        ),
                    )
                    .into());
                }
                Some(i64::from(offset))
            }
            (SearchOrder::Newest, Some(_)) => {
                return Err(ocomms_domain::Invalid::new(
                    "offset",
                    "Newest first pages with before; offset is for order=relevant.",
                )
                .into());
            }
            (SearchOrder::Newest, None) => None,
        };
        let (messages, more) = self
            .store()
            .search_messages(
                actor.user.id,
                membership.workspace.id,
                &ocomms_store::Search {
                    query: &query,
                    time_zone: &actor.user.time_zone,
                    // Guests see only the conversations they are in, everywhere.
                    all_public: request.all_public && membership.role != Role::Guest,
                    before: if ranked.is_some() {
                        None
                    } else {
                        request.before
                    },
                    ranked,
                    limit: PAGE,
                },
            )
            .await?;
        let mut ids: Vec<_> = messages.iter().map(|m| m.conversation_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let conversations = self
            .store()
            .conversations_by_id(&ids, actor.user.id)
            .await?
            .into_iter()
            .map(|c| FoundIn {
                id: c.conversation.id,
                kind: c.conversation.kind,
                name: c.conversation.name.unwrap_or_default(),
                archived: c.conversation.archived_at.is_some(),
                is_member: c.my_role.is_some(),
            })
            .collect();
        Ok(SearchResults {
            messages,
            conversations,
            more,
        })
    }
}
