//! What an export holds, counted before anything is written (the dry run's report).

use std::collections::HashMap;

use super::archive::Archive;
use super::{Person, SKIPPED_SUBTYPES, SlackReport};

/// Fills in what the report says before anything is written.
pub(super) fn count(archive: &Archive, people: &HashMap<String, Person>, report: &mut SlackReport) {
    for (channel, private) in &archive.channels {
        let messages = archive
            .messages
            .get(&channel.name)
            .map_or(&[][..], Vec::as_slice);
        let mut kept = 0;
        for message in messages {
            let subtype = message.subtype.as_deref().unwrap_or("");
            if SKIPPED_SUBTYPES.contains(&subtype) {
                *report
                    .skipped
                    .entry("channel notices (joins, topic changes, …)")
                    .or_default() += 1;
            } else if subtype == "bot_message"
                || message
                    .user
                    .as_deref()
                    .is_none_or(|u| !people.contains_key(u))
            {
                *report
                    .skipped
                    .entry("messages by bots or unknown people")
                    .or_default() += 1;
            } else {
                kept += 1;
                let is_reply = message
                    .thread_ts
                    .as_deref()
                    .is_some_and(|t| t != message.ts);
                if is_reply {
                    report.replies += 1;
                }
                for reaction in &message.reactions {
                    let base = reaction.name.split("::").next().unwrap_or_default();
                    if ocomms_domain::reaction::emoji(base).is_err() {
                        *report.skipped.entry("custom emoji reactions").or_default() +=
                            reaction.users.len();
                    }
                }
                if !message.files.is_empty() {
                    *report
                        .skipped
                        .entry("files (named in their message)")
                        .or_default() += message.files.len();
                }
            }
        }
        report.messages += kept;
        report.channels.push((channel.name.clone(), *private, kept));
    }
    if archive.directs > 0 {
        *report
            .skipped
            .entry("direct and group conversations")
            .or_default() += archive.directs;
    }
}
