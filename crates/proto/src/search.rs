//! Message search (docs/adr/0020): `GET /api/v1/workspaces/{slug}/search`.

use serde::{Deserialize, Serialize};

use crate::conversation::ConversationKind;
use crate::message::Message;
use crate::{ConversationId, MessageId};

/// Pages a "most relevant" search can reach: it ranks the newest matches, at most
/// `MAX_RANKED`, so `offset` stays below it.
pub const MAX_RANKED: u32 = 1_000;

/// `GET /api/v1/workspaces/{slug}/search`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SearchQuery {
    /// What to look for: words, `"exact phrases"`, `-excluded`, `prefix*`, and the operators
    /// `from:@handle`, `in:#channel`, `in:@handle`, `before:YYYY-MM-DD`, `after:`, `on:`,
    /// `has:link`, `has:reaction`, `is:pinned`, `is:thread` (docs/protocol.md).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(max_length = 500))]
    pub q: String,
    /// `newest` (default): newest first, paged with `before`. `relevant`: the newest
    /// 1,000 matches ranked by how well they match (the words' rarity and how often they
    /// appear), paged with `offset`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub order: SearchOrder,
    /// Newest first: the `id` of the last message already shown; the page continues with
    /// older ones.
    #[serde(default)]
    pub before: Option<MessageId>,
    /// Most relevant: results already shown (0–999).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(maximum = 999))]
    pub offset: Option<u32>,
    /// Also search the workspace's public channels the caller is not in (not for guests,
    /// who only ever see their own conversations).
    #[serde(default)]
    pub all_public: bool,
}

/// The order of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchOrder {
    #[default]
    Newest,
    Relevant,
}

impl SearchOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Relevant => "relevant",
        }
    }
}

/// Matching messages the caller may read now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub messages: Vec<Message>,
    /// The conversations the messages are in, once each.
    #[serde(default)]
    pub conversations: Vec<FoundIn>,
    /// More match: newest first, pass the last message's `id` as `before`; most relevant,
    /// pass `offset` plus the number of messages shown.
    pub more: bool,
}

/// A conversation search results are in: enough to label a result without another request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoundIn {
    pub id: ConversationId,
    pub kind: ConversationKind,
    /// Channel name without `#`; empty for direct messages (see the caller's list of them).
    pub name: String,
    /// Archived channels are searched too, and marked.
    pub archived: bool,
    /// False for a public channel found through `all_public` that the caller is not in.
    pub is_member: bool,
}
