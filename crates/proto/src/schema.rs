//! How request fields describe themselves in the OpenAPI document (`openapi` feature): the
//! exact rules the server enforces, stated from the constants in `limit`, so that a client
//! or fuzzer that follows the document is never refused and one that does not always is.
//!
//! Patterns name whitespace and control characters explicitly rather than with `\s`, whose
//! meaning differs between regex dialects; these sets are Rust's `char::is_whitespace` and
//! `char::is_control`, which the domain's checks use.

use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};

use crate::limit::*;

/// `char::is_whitespace`, as a character-class body.
const SPACE: &str = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// `char::is_control`, as a character-class body.
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";

fn string(nullable: bool) -> ObjectBuilder {
    if nullable {
        ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
    } else {
        ObjectBuilder::new().schema_type(Type::String)
    }
}

/// One line of text without control characters; with `required_text`, not only spaces.
fn single_line(max: usize, required_text: bool, nullable: bool, what: &str) -> Object {
    let pattern = if required_text {
        format!("^[^{CONTROL}]*[^{SPACE}{CONTROL}][^{CONTROL}]*$")
    } else {
        format!("^[^{CONTROL}]*$")
    };
    string(nullable)
        .min_length(required_text.then_some(1))
        .max_length(Some(max))
        .pattern(Some(pattern))
        .description(Some(format!(
            "{what}: at most {max} characters on one line, no control characters{}; \
             surrounding spaces are trimmed.",
            if required_text { ", not blank" } else { "" }
        )))
        .build()
}

pub fn display_name() -> Object {
    single_line(MAX_DISPLAY_NAME_CHARS, true, false, "Display name")
}
pub fn display_name_update() -> Object {
    single_line(MAX_DISPLAY_NAME_CHARS, true, true, "Display name")
}
/// A handle as `ocomms_domain::handle::handle` accepts it (the words `channel`, `here`,
/// `everyone` and `all` excepted, which the description says).
pub fn handle_update() -> Object {
    let inner = MAX_HANDLE_CHARS - 2;
    string(true)
        .pattern(Some(format!(
            "^[{SPACE}]*@?[A-Za-z0-9]([A-Za-z0-9._-]{{0,{inner}}}[A-Za-z0-9])?[{SPACE}]*$"
        )))
        .description(Some(format!(
            "Handle: 1 to {MAX_HANDLE_CHARS} letters a-z, digits, dots, dashes and \
             underscores, starting and ending with a letter or digit; a leading @ is \
             dropped and capitals lowered. Not channel, here, everyone or all."
        )))
        .build()
}
pub fn title_update() -> Object {
    single_line(MAX_TITLE_CHARS, false, true, "Title")
}
pub fn workspace_name() -> Object {
    single_line(MAX_WORKSPACE_NAME_CHARS, true, false, "Workspace name")
}
pub fn topic() -> Object {
    single_line(MAX_TOPIC_CHARS, false, true, "Topic")
}
pub fn description() -> Object {
    single_line(MAX_DESCRIPTION_CHARS, false, true, "Description")
}

/// A bio may span lines; other control characters are refused.
pub fn bio_update() -> Object {
    string(true)
        .max_length(Some(MAX_BIO_CHARS))
        .pattern(Some(r"^([^\x00-\x08\x0b-\x1f\x7f-\x9f]|\r\n)*$"))
        .description(Some(format!(
            "At most {MAX_BIO_CHARS} characters; line breaks and tabs allowed, other control \
             characters not."
        )))
        .build()
}

/// Loose on purpose: the verification email proves an address, not a regex.
fn email_pattern() -> String {
    let part = format!("[^@.{SPACE}{CONTROL}]+");
    format!("^[{SPACE}]*[^@{SPACE}{CONTROL}]+@{part}(\\.{part})*[{SPACE}]*$")
}
pub fn email() -> Object {
    string(false)
        .max_length(Some(MAX_EMAIL_CHARS))
        .pattern(Some(email_pattern()))
        .description(Some("An email address (compared without case)."))
        .build()
}
pub fn email_optional() -> Object {
    string(true)
        .max_length(Some(MAX_EMAIL_CHARS))
        .pattern(Some(format!("^[{SPACE}]*$|{}", email_pattern())))
        .description(Some(
            "Invite this address only (one use); omit for a link anyone may use.",
        ))
        .build()
}

pub fn new_password() -> Object {
    string(false)
        .min_length(Some(MIN_PASSWORD_CHARS))
        .max_length(Some(MAX_PASSWORD_CHARS))
        .description(Some(format!(
            "{MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} characters. Passwords that are easy to \
             guess (common ones, sequences, a few repeated characters, your name or email) are \
             refused with 422 `validation_failed`."
        )))
        .build()
}

pub fn channel_name() -> Object {
    string(false)
        .min_length(Some(1))
        .description(Some(format!(
            "Normalised as Slack does (`# Team Updates` → `team-updates`): letters of any script, \
             digits, `-` and `_`; spaces become `-`; at most {MAX_CHANNEL_NAME_CHARS} characters \
             after that. Anything else is refused with 422 `validation_failed`."
        )))
        .build()
}
pub fn channel_name_update() -> Object {
    let mut schema = channel_name();
    schema.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
    schema
}

/// Not blank (some character is not whitespace); trailing whitespace is dropped.
pub fn message_body() -> Object {
    string(false)
        .min_length(Some(1))
        .max_length(Some(crate::message::MAX_BODY_CHARS))
        .pattern(Some(format!("[^{SPACE}]")))
        .description(Some(format!(
            "Markdown, at most {} characters, not blank.",
            crate::message::MAX_BODY_CHARS
        )))
        .build()
}

pub fn client_id() -> Object {
    string(true)
        .max_length(Some(crate::message::MAX_CLIENT_ID_LEN))
        .pattern(Some("^[!-~]*$"))
        .description(Some(
            "Chosen by the client for each new message (printable ASCII): a retry with the same \
             id returns the first message instead of posting twice.",
        ))
        .build()
}

fn integer(min: i64, max: i64, nullable: bool) -> ObjectBuilder {
    let builder = if nullable {
        ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
    } else {
        ObjectBuilder::new().schema_type(Type::Integer)
    };
    builder.minimum(Some(min)).maximum(Some(max))
}

pub fn invitation_uses() -> Object {
    integer(1, i64::from(MAX_INVITATION_USES), true)
        .description(Some("How many people may join with it; omit for no limit."))
        .build()
}
pub fn invitation_hours() -> Object {
    integer(1, i64::from(MAX_INVITATION_HOURS), true)
        .description(Some("Hours until it expires (default 168, a week)."))
        .build()
}
pub fn position() -> Object {
    integer(0, i64::MAX, false)
        .description(Some(
            "A position (a message's `seq`); past the newest means the newest.",
        ))
        .build()
}

pub fn history_limit() -> Object {
    integer(1, i64::from(MAX_HISTORY_PAGE), true)
        .description(Some("Messages in the page (default 50)."))
        .build()
}

pub fn threads_limit() -> Object {
    integer(1, i64::from(crate::limit::MAX_THREADS_PAGE), true)
        .description(Some("Threads in the page (default 20)."))
        .build()
}

/// The people to message besides yourself.
pub fn direct_participants() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::Integer).format(Some(
            utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Int64,
            ),
        )))
        .max_items(Some(MAX_GROUP_SIZE - 1))
        .description(Some(format!(
            "User ids besides yourself (none: notes to self); at most {} people in all.",
            MAX_GROUP_SIZE
        )))
        .build()
}
