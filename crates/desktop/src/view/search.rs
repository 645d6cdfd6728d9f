//! The search part of the view: the query, and the results pane.

use super::conversation_label;
use crate::markdown;
use crate::state::Account;
use crate::state::timeline::{day_label, time_label};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchView {
    /// The results pane covers the conversation.
    pub open: bool,
    /// What the search field shows: the last query of the account on screen.
    pub query: String,
    pub results: Vec<ResultRow>,
    /// Older matches exist ("More results").
    pub more: bool,
    pub loading: bool,
    /// Why the server refused the query, in its words (empty: it did not).
    pub error: String,
}

/// One matching message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultRow {
    /// The message, opened in its conversation when chosen.
    pub id: i64,
    /// "# general", "@ Ada".
    pub place: String,
    pub author: String,
    pub time: String,
    pub text: String,
    /// The message as drawn.
    pub blocks: Vec<markdown::Block>,
}

pub(super) fn search(account: &Account) -> SearchView {
    let search = &account.search;
    SearchView {
        open: account.context.searching,
        query: search.query.clone(),
        results: search
            .results
            .iter()
            .map(|m| {
                let blocks = markdown::parse(&m.body);
                ResultRow {
                    id: m.id.0,
                    place: account
                        .conversation(m.conversation_id)
                        .map(conversation_label)
                        .unwrap_or_default(),
                    author: account.name_of(m.author_id),
                    time: format!("{} {}", day_label(m.created_at), time_label(m.created_at)),
                    text: markdown::plain_text(&blocks),
                    blocks,
                }
            })
            .collect(),
        more: search.more,
        loading: search.loading,
        error: search.error.clone().unwrap_or_default(),
    }
}
