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
            } else if super::written_by(message, people).is_none() {
                *report
                    .skipped
                    .entry("messages by bots or unknown people")
                    .or_default() += 1;
            } else {
                kept += 1;
                if message
                    .thread_ts
                    .as_deref()
                    .is_some_and(|t| t != message.ts)
                {
                    report.replies += 1;
                }
                for reaction in &message.reactions {
                    let by_people = reaction.users.iter().filter(|u| people.contains_key(*u));
                    if reaction.emoji().is_some() {
                        report.reactions += by_people.count();
                    } else {
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
