//! Message search (docs/adr/0020): `GET /api/v1/workspaces/{slug}/search`.

use serde::{Deserialize, Serialize};

use crate::MessageId;
use crate::message::Message;

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
    /// The `id` of the last message already shown: the page continues with older ones.
    #[serde(default)]
    pub before: Option<MessageId>,
}

/// Matching messages the caller may read now, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub messages: Vec<Message>,
    /// More match: pass the last message's `id` as `before`.
    pub more: bool,
}
