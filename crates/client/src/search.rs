//! Message search.

use ocomms_proto::MessageId;
use ocomms_proto::search::{SearchOrder, SearchQuery, SearchResults};

use crate::{Client, Result};

impl Client {
    /// Messages of workspace `slug` matching `q` (words, phrases, operators) in the caller's
    /// conversations, newest first; `before` the last one already shown.
    pub async fn search(
        &self,
        slug: &str,
        q: &str,
        before: Option<MessageId>,
    ) -> Result<SearchResults> {
        self.search_with(
            slug,
            &SearchQuery {
                q: q.to_owned(),
                before,
                ..SearchQuery::default()
            },
        )
        .await
    }

    /// A search with every option: order (most relevant pages with `offset`), public
    /// channels the caller is not in.
    pub async fn search_with(&self, slug: &str, query: &SearchQuery) -> Result<SearchResults> {
        let mut path = format!("/workspaces/{slug}/search?q={}", encode(&query.q));
        if query.order != SearchOrder::Newest {
            path.push_str(&format!("&order={}", query.order.as_str()));
        }
        if let Some(before) = query.before {
            path.push_str(&format!("&before={before}"));
        }
        if let Some(offset) = query.offset {
            path.push_str(&format!("&offset={offset}"));
        }
        if query.all_public {
            path.push_str("&all_public=true");
        }
        self.get(&path).await
    }
}

/// `q` as a query-string value.
fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
