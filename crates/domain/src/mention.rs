//! Mentions in a message: `@handle` for a person, `@channel` (also `@everyone`, `@all`) for
//! everyone in the conversation, `@here` for everyone in it who is online.
//!
//! Found in the Markdown the way a reader sees it: not inside code spans or blocks, not inside
//! links, and not in the middle of a word or an address (`ada@example.com` mentions no one).
//! Whether `@ada` is a person is the caller's question (`markdown::render_with`); unknown
//! handles stay plain text. `#name` is found the same way: a link to that channel when the
//! caller knows one by that name (`#42` in "issue #42" usually names none).

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd, TextMergeStream};

use crate::channel::MAX_NAME_LEN as MAX_PLACE_LEN;
use crate::handle::{MAX_LEN, is_handle_char};

/// Who a message mentions, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentioned {
    /// Handles, lowercased, each once.
    pub handles: BTreeSet<String>,
    /// `@channel`, `@everyone` or `@all`.
    pub channel: bool,
    /// `@here`.
    pub here: bool,
    /// `#names` (lowercased): channels the text may link to; they mention no one.
    pub places: BTreeSet<String>,
}

impl Mentioned {
    /// Nothing to look up: no mention, no `#name`.
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty() && !self.channel && !self.here && self.places.is_empty()
    }
}

/// What one `@word` in text refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A handle as typed (any case); it may name no one.
    Handle(&'a str),
    Channel,
    Here,
    /// `#name`, as typed (any case); it may name no channel.
    Place(&'a str),
}

/// The mentions in a message's Markdown source.
pub fn parse(source: &str) -> Mentioned {
    let mut found = Mentioned::default();
    let mut links = 0usize;
    let mut code_block = false;
    for event in TextMergeStream::new(Parser::new_ext(source, crate::markdown::OPTIONS)) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => links += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => links = links.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code_block = true,
            Event::End(TagEnd::CodeBlock) => code_block = false,
            Event::Text(text) if links == 0 && !code_block => {
                for (_, target) in find(&text) {
                    match target {
                        Target::Handle(handle) => {
                            found.handles.insert(handle.to_ascii_lowercase());
                        }
                        Target::Channel => found.channel = true,
                        Target::Here => found.here = true,
                        Target::Place(name) => {
                            found.places.insert(name.to_lowercase());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Every mention in a run of plain text: the byte range of `@word` (or `#name`) and what it
/// refers to.
pub fn find(text: &str) -> impl Iterator<Item = (Range<usize>, Target<'_>)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = text[from..].find(['@', '#']) {
            let at = from + offset;
            from = at + 1;
            if text[..at].chars().next_back().is_some_and(continues_word) {
                continue;
            }
            let rest = &text[at + 1..];
            let Some((word, target)) = (if text[at..].starts_with('#') {
                place(rest)
            } else {
                person(rest)
            }) else {
                continue;
            };
            let end = at + 1 + word.len();
            from = end;
            return Some((at..end, target));
        }
        None
    })
}

/// The handle or broadcast at the start of `rest` (what follows an `@`).
fn person(rest: &str) -> Option<(&str, Target<'_>)> {
    let run = rest
        .find(|c: char| !is_handle_char(c))
        .unwrap_or(rest.len());
    // Sentence punctuation after a handle is not part of it: "thanks @ada."
    let word = rest[..run].trim_end_matches(['.', '_', '-']);
    if word.is_empty() || word.len() > MAX_LEN || !word.starts_with(char::is_alphanumeric) {
        return None;
    }
    let target = match word.to_ascii_lowercase().as_str() {
        "channel" | "everyone" | "all" => Target::Channel,
        "here" => Target::Here,
        _ => Target::Handle(word),
    };
    Some((word, target))
}

/// The channel name at the start of `rest` (what follows a `#`): letters of any script,
/// digits, `-` and `_`, as `channel::name` keeps them.
fn place(rest: &str) -> Option<(&str, Target<'_>)> {
    let run = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let word = &rest[..run];
    if !word.starts_with(char::is_alphanumeric) || word.chars().count() > MAX_PLACE_LEN {
        return None;
    }
    Some((word, Target::Place(word)))
}

/// A character before `@` or `#` that makes it part of a word, an address, a path or an
/// anchor (`C#`, `page#top`), not a mention.
fn continues_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '#' | '&' | '.' | '_' | '-' | '/' | '\\' | '`')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handles(source: &str) -> Vec<String> {
        parse(source).handles.into_iter().collect()
    }

    #[test]
    fn people_and_broadcasts_are_found() {
        let found = parse("hey @Ada and @ben.k, @here: lunch? cc @channel");
        assert_eq!(
            found.handles.into_iter().collect::<Vec<_>>(),
            ["ada", "ben.k"]
        );
        assert!(found.here && found.channel);
        assert!(parse("@everyone").channel);
        assert!(parse("@ALL hands").channel);
        assert!(parse("nobody").is_empty());
    }

    #[test]
    fn sentence_punctuation_and_words_around_are_not_part_of_a_mention() {
        assert_eq!(handles("thanks @ada."), ["ada"]);
        assert_eq!(handles("(@ada) @bob's, @cy-"), ["ada", "bob", "cy"]);
        assert_eq!(handles("mail ada@example.com or x@y"), Vec::<String>::new());
        assert_eq!(handles("@ @. @- @_x"), Vec::<String>::new());
        assert_eq!(
            handles(&format!("@{}", "a".repeat(40))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn code_and_links_mention_no_one() {
        assert!(parse("`@ada` and\n\n```\n@channel\n```\n").is_empty());
        assert!(parse("    @here indented code").is_empty());
        assert!(parse("[@ada](https://example.com) <https://x.y/@ben>").is_empty());
        assert_eq!(handles("**@ada** _@ben_ > @cy"), ["ada", "ben", "cy"]);
    }

    #[test]
    fn channel_names_are_found_but_mention_no_one() {
        let found = parse("see #Town and #café-ops, not C# or page#top or # alone");
        assert_eq!(
            found.places.iter().map(String::as_str).collect::<Vec<_>>(),
            ["café-ops", "town"]
        );
        assert!(found.handles.is_empty() && !found.channel);
        assert!(parse("`#town` [#town](https://x.y)").is_empty());
        let text = "in #town.";
        let found: Vec<_> = find(text).map(|(r, t)| (&text[r], t)).collect();
        assert_eq!(found, [("#town", Target::Place("town"))]);
    }

    #[test]
    fn ranges_cover_exactly_the_mention() {
        let text = "hi @Ada. and @here";
        let found: Vec<_> = find(text).map(|(r, t)| (&text[r], t)).collect();
        assert_eq!(
            found,
            [("@Ada", Target::Handle("Ada")), ("@here", Target::Here)]
        );
    }
}
