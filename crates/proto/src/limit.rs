//! The limits of what a request may carry. They are part of the contract: the OpenAPI
//! document states them (see `schema`), and `ocomms-domain` enforces these same constants.
//! Lengths count Unicode characters (code points), as JSON Schema's `maxLength` does.

pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_DISPLAY_NAME_CHARS: usize = 80;
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_BIO_CHARS: usize = 500;
pub const MAX_WORKSPACE_NAME_CHARS: usize = 80;
pub const MAX_CHANNEL_NAME_CHARS: usize = 80;
pub const MAX_TOPIC_CHARS: usize = 250;
pub const MAX_DESCRIPTION_CHARS: usize = 250;
/// People in a group direct message, including its creator (Slack's limit).
pub const MAX_GROUP_SIZE: usize = 9;
pub const MAX_INVITATION_HOURS: u32 = 24 * 30;
pub const MAX_INVITATION_USES: u32 = 1000;
/// Most messages one history page returns.
pub const MAX_HISTORY_PAGE: u32 = 200;
/// Different emoji on one message, at most (Slack's limit is 23 per person, 50 in all).
pub const MAX_REACTION_EMOJI: usize = 50;
/// The longest emoji name or character sequence a reaction route accepts (the longest
/// Unicode emoji, a family with skin tones, is 35 bytes).
pub const MAX_EMOJI_CHARS: usize = 64;
/// Most threads one All-threads page returns.
pub const MAX_THREADS_PAGE: u32 = 50;
/// Pinned messages in one conversation, at most (Slack's limit).
pub const MAX_PINS: usize = 100;
/// The longest handle (`@name`), in ASCII characters.
pub const MAX_HANDLE_CHARS: usize = 32;
