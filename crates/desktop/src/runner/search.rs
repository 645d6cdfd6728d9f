//! Search and the history around a result, through the SDK.

use ocomms_proto::message::HistoryQuery;

use super::{PAGE, Runner};
use crate::error::CallError;
use crate::msg::{Effect, Msg};

impl Runner {
    /// Runs the search effects; hands any other back.
    pub(super) fn search(&self, effect: Effect) -> Option<Effect> {
        match effect {
            Effect::Search {
                account,
                workspace,
                slug,
                query,
                before,
            } => self.call(account, move |client| async move {
                let result = client
                    .search(&slug, &query, before)
                    .await
                    .map_err(CallError::from);
                Msg::SearchLoaded {
                    account,
                    workspace,
                    query,
                    before,
                    result,
                }
            }),
            Effect::LoadAround {
                account,
                conversation,
                seq,
            } => self.call(account, move |client| async move {
                // A page's worth, half before the message and half after (the server's
                // split), so it opens in the middle of its conversation.
                let query = HistoryQuery {
                    around: Some(seq),
                    limit: Some(PAGE),
                    ..HistoryQuery::default()
                };
                Msg::AroundLoaded {
                    account,
                    conversation,
                    result: client
                        .history(conversation, &query)
                        .await
                        .map_err(CallError::from),
                }
            }),
            other => return Some(other),
        }
        None
    }
}
