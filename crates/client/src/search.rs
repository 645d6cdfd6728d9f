//! Message search.

use ocomms_proto::MessageId;
use ocomms_proto::search::SearchResults;

use crate::{Client, Result};

impl Client {
    /// Messages of workspace `slug` matching `q` (words, phrases, operators), newest first;
    /// `before` the last one already shown.
    pub async fn search(
        &self,
        slug: &str,
        q: &str,
        before: Option<MessageId>,
    ) -> Result<SearchResults> {
        let mut path = format!("/workspaces/{slug}/search?q={}", encode(q));
        if let Some(before) = before {
            path.push_str(&format!("&before={before}"));
        }
        self.get(&path).await
    }
}

/// `q` as a query-string value.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
