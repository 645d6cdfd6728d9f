//! Message search in the workspace on screen (issue 16, docs/adr/0020): the query the
//! results are for, the results as the server gave them (newest first), and whether more
//! exist. The server parses the query language and decides what the user may read.

use ocomms_proto::message::Message;
use ocomms_proto::{MessageId, WorkspaceId};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// The query the results belong to (trimmed).
    pub query: String,
    /// The workspace searched: results of another are not mixed in.
    pub workspace: Option<WorkspaceId>,
    /// Newest first, each once.
    pub results: Vec<Message>,
    /// Older matches exist ("More results").
    pub more: bool,
    /// A page is on its way.
    pub loading: bool,
    /// Why the server refused the query (its own words: an unknown operator, a bad date),
    /// or why it could not be asked.
    pub error: Option<String>,
}

impl Search {
    /// Adds a page: the first replaces, the next ones follow (a message already shown,
    /// when new matches moved the pages meanwhile, is kept once).
    pub fn merge(&mut self, messages: Vec<Message>, more: bool, first_page: bool) {
        if first_page {
            self.results = messages;
        } else {
            for message in messages {
                if !self.results.iter().any(|m| m.id == message.id) {
                    self.results.push(message);
                }
            }
        }
        self.more = more;
        self.loading = false;
        self.error = None;
    }

    /// The oldest result shown: where the next page starts.
    pub fn last(&self) -> Option<MessageId> {
        self.results.last().map(|m| m.id)
    }
}
