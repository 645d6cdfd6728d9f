//! What people type in the search box (issue 16), as Slack and Zulip read it: words,
//! `"exact phrases"`, `-excluded` words, `prefix*`, and the operators `from:@handle`,
//! `in:#channel`, `in:@person` (a direct message), `before:`, `after:`, `on:` (dates, in the
//! searcher's time zone), `has:link`, `has:reaction`, `is:pinned`, `is:thread`.
//!
//! Parsed here, without I/O; the store turns a `Query` into each backend's full-text search.
//! Text is matched by *tokens*: runs of letters and digits, lowercased, the same on SQLite
//! and PostgreSQL (anything else separates words), so both backends find the same messages.

use ocomms_proto::Timestamp;

use crate::Invalid;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Operators and terms in one query, at most (each is a clause of the search).
pub const MAX_PARTS: usize = 20;

/// A parsed search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Text each message must (or, excluded, must not) contain.
    pub terms: Vec<Term>,
    /// Handles (lowercase, without `@`): written by one of them.
    pub from: Vec<String>,
    /// Channel names (lowercase, without `#`): in one of them.
    pub in_channels: Vec<String>,
    /// Handles: in a direct message with one of them.
    pub in_directs: Vec<String>,
    pub before: Option<Day>,
    pub after: Option<Day>,
    pub on: Option<Day>,
    pub has_link: bool,
    pub has_reaction: bool,
    pub is_pinned: bool,
    pub is_thread: bool,
}

/// Text to match: its tokens in order (one for a word, several for a phrase or a word
/// like `e-mail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub tokens: Vec<String>,
    /// `deploy*`: the last token is a prefix.
    pub prefix: bool,
    /// `-word`: messages containing it are left out.
    pub excluded: bool,
}

/// A calendar day typed as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(jiff::civil::Date);

impl Day {
    /// A day written `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        text.trim().parse::<jiff::civil::Date>().ok().map(Day)
    }

    /// The first moment of the day in `time_zone` (UTC when unknown), unix milliseconds.
    pub fn start(self, time_zone: &str) -> Timestamp {
        let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        self.0
            .to_zoned(tz)
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0)
    }

    /// The first moment of the next day.
    pub fn end(self, time_zone: &str) -> Timestamp {
        match self.0.tomorrow() {
            Ok(next) => Day(next).start(time_zone),
            Err(_) => Timestamp::MAX,
        }
    }
}

impl Query {
    /// Nothing to search by: no words and no operator.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether some text must be matched (an exclusion alone matches nothing to start from).
    pub fn has_text(&self) -> bool {
        self.terms.iter().any(|t| !t.excluded)
    }

    /// Whether `text` holds every wanted term and no excluded one, read by tokens as the
    /// full-text indexes read it: for messages already narrowed down another way (a few
    /// people's), where asking the index about each one costs more (docs/adr/0020).
    pub fn matches_text(&self, text: &str) -> bool {
        let words = tokens(text);
        self.terms
            .iter()
            .all(|term| term.found_in(&words) != term.excluded)
    }
}

impl Term {
    /// The term's tokens appear one after another in `words` (the last one as a prefix for
    /// `prefix*`).
    fn found_in(&self, words: &[String]) -> bool {
        let Some(last) = self.tokens.len().checked_sub(1) else {
            return false;
        };
        words.windows(self.tokens.len()).any(|run| {
            run.iter()
                .zip(&self.tokens)
                .enumerate()
                .all(|(i, (word, token))| {
                    if self.prefix && i == last {
                        word.starts_with(token.as_str())
                    } else {
                        word == token
                    }
                })
        })
    }
}

/// Lowercased runs of letters and digits: how messages and queries are cut into words.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A few hundred characters of `text` around the first word `query` looks for, cut into
/// pieces that match (to be shown marked) and pieces that do not. Plain text: the caller
/// escapes it.
pub fn snippet(text: &str, query: &Query) -> Vec<(String, bool)> {
    const AROUND: usize = 80;
    const LONGEST: usize = 240;
    let wanted: Vec<&str> = query
        .terms
        .iter()
        .filter(|t| !t.excluded)
        .flat_map(|t| t.tokens.iter().map(String::as_str))
        .collect();
    // Words of the text with their byte ranges, as tokens are cut.
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    let hits: Vec<std::ops::Range<usize>> = words
        .into_iter()
        .filter(|r| {
            let word = text[r.clone()].to_lowercase();
            wanted
                .iter()
                .any(|w| word == *w || word.starts_with(*w) && query_prefix(query, w))
        })
        .collect();
    // The window: from a little before the first hit, at most `LONGEST` characters.
    let first = hits.first().map_or(0, |r| r.start);
    let from = floor_char(text, first.saturating_sub(AROUND));
    // Cut into the text: start at the next word rather than in the middle of one.
    let from = if from == 0 {
        0
    } else {
        text[from..first]
            .find(char::is_whitespace)
            .map_or(from, |space| from + space + 1)
            .min(first)
    };
    let to = text[from..]
        .char_indices()
        .nth(LONGEST)
        .map_or(text.len(), |(i, _)| from + i);
    let mut pieces = Vec::new();
    if from > 0 {
        pieces.push(("…".to_owned(), false));
    }
    let mut at = from;
    for hit in hits.iter().filter(|r| r.start >= from && r.end <= to) {
        if hit.start > at {
            pieces.push((text[at..hit.start].to_owned(), false));
        }
        pieces.push((text[hit.clone()].to_owned(), true));
        at = hit.end;
    }
    if at < to {
        pieces.push((text[at..to].to_owned(), false));
    }
    if to < text.len() {
        pieces.push(("…".to_owned(), false));
    }
    pieces
}

/// Whether `token` is the prefix of a `prefix*` term.
fn query_prefix(query: &Query, token: &str) -> bool {
    query
        .terms
        .iter()
        .any(|t| t.prefix && t.tokens.last().is_some_and(|last| last == token))
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Reads a query; an unknown operator or a bad date is explained, never ignored.
pub fn parse(input: &str) -> Result<Query, Invalid> {
    if input.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid(format!(
            "Search for at most {MAX_QUERY_CHARS} characters."
        )));
    }
    let mut query = Query::default();
    let mut parts = 0;
    for part in split(input) {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(invalid(format!(
                "Use at most {MAX_PARTS} words and operators in one search."
            )));
        }
        match part {
            Part::Phrase { text, excluded } => push_term(&mut query, &text, false, excluded),
            Part::Word(word) => read_word(&mut query, &word)?,
        }
    }
    Ok(query)
}

fn invalid(message: String) -> Invalid {
    Invalid::new("q", message)
}

enum Part {
    Phrase { text: String, excluded: bool },
    Word(String),
}

/// Splits on white space, keeping `"quoted phrases"` (and `-"excluded phrases"`) whole; an
/// unclosed quote runs to the end.
fn split(input: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let excluded = c == '-' && {
            let mut ahead = chars.clone();
            ahead.next();
            ahead.peek() == Some(&'"')
        };
        if c == '"' || excluded {
            if excluded {
                chars.next();
            }
            chars.next();
            let text: String = chars.by_ref().take_while(|&c| c != '"').collect();
            parts.push(Part::Phrase { text, excluded });
        } else {
            let word: String =
                std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect();
            parts.push(Part::Word(word));
        }
    }
    parts
}

fn push_term(query: &mut Query, text: &str, prefix: bool, excluded: bool) {
    let tokens = tokens(text);
    if !tokens.is_empty() {
        query.terms.push(Term {
            tokens,
            prefix,
            excluded,
        });
    }
}

const OPERATORS: &str = "from:@someone, in:#channel, in:@someone, before:, after: and on: \
    with a date like 2026-01-31, has:link, has:reaction, is:pinned and is:thread";

fn read_word(query: &mut Query, word: &str) -> Result<(), Invalid> {
    let Some((operator, value)) = word.split_once(':').filter(|(op, _)| is_operator_name(op))
    else {
        let (excluded, word) = match word.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, word),
        };
        let (prefix, word) = match word.strip_suffix('*') {
            Some(rest) => (true, rest),
            None => (false, word),
        };
        push_term(query, word, prefix, excluded);
        return Ok(());
    };
    let value = value.trim();
    let missing = || invalid(format!("Say what {operator}: is, as in {OPERATORS}."));
    match operator.to_ascii_lowercase().as_str() {
        "from" => query.from.push(handle(value).ok_or_else(missing)?),
        "in" => {
            if let Some(name) = value.strip_prefix('#') {
                let name = name.to_lowercase();
                if name.is_empty() {
                    return Err(missing());
                }
                query.in_channels.push(name);
            } else if value.starts_with('@') {
                query.in_directs.push(handle(value).ok_or_else(missing)?);
            } else if !value.is_empty() {
                // `in:general`, as Slack also reads it.
                query.in_channels.push(value.to_lowercase());
            } else {
                return Err(missing());
            }
        }
        "before" => query.before = Some(day(operator, value)?),
        "after" => query.after = Some(day(operator, value)?),
        "on" | "during" => query.on = Some(day(operator, value)?),
        "has" => match value.to_ascii_lowercase().as_str() {
            "link" | "links" => query.has_link = true,
            "reaction" | "reactions" => query.has_reaction = true,
            _ => {
                return Err(invalid(format!(
                    "has:{value} is not something to search for: use has:link or has:reaction."
                )));
            }
        },
        "is" => match value.to_ascii_lowercase().as_str() {
            "pinned" => query.is_pinned = true,
            "thread" => query.is_thread = true,
            _ => {
                return Err(invalid(format!(
                    "is:{value} is not something to search for: use is:pinned or is:thread."
                )));
            }
        },
        _ => {
            return Err(invalid(format!(
                "{operator}: is not a search operator. Use {OPERATORS}, or put the word in \
                 quotes to search for it."
            )));
        }
    }
    Ok(())
}

/// `name:` before a value looks like an operator (a time like `10:30` or a URL's `https:`
/// does not: those are searched as words).
fn is_operator_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphabetic())
        && !matches!(
            name.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto"
        )
}

/// `@ada` or `ada`, lowercased.
fn handle(value: &str) -> Option<String> {
    let handle = value.strip_prefix('@').unwrap_or(value).to_lowercase();
    (!handle.is_empty()).then_some(handle)
}

fn day(operator: &str, value: &str) -> Result<Day, Invalid> {
    Day::parse(value).ok_or_else(|| {
        invalid(format!(
            "{operator}:{value} is not a date: write it like {operator}:2026-01-31."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(words: &[&str]) -> Term {
        Term {
            tokens: words.iter().map(|w| (*w).to_owned()).collect(),
            prefix: false,
            excluded: false,
        }
    }

    #[test]
    fn words_phrases_exclusions_and_prefixes() {
        let q = parse(r#"Deploy "release notes" -staging deplo* -"old build" e-mail"#).unwrap();
        assert_eq!(
            q.terms,
            vec![
                term(&["deploy"]),
                term(&["release", "notes"]),
                Term {
                    excluded: true,
                    ..term(&["staging"])
                },
                Term {
                    prefix: true,
                    ..term(&["deplo"])
                },
                Term {
                    excluded: true,
                    ..term(&["old", "build"])
                },
                term(&["e", "mail"]),
            ]
        );
        assert!(q.has_text());
        assert!(!parse("-only").unwrap().has_text());
        assert!(parse("  ").unwrap().is_empty());
    }

    #[test]
    fn text_is_matched_by_tokens_as_the_indexes_match_it() {
        let text = "Deploying the release-notes to Staging, then e-mail Ann.";
        let matches = |q: &str| parse(q).unwrap().matches_text(text);
        assert!(matches("staging"));
        assert!(matches(r#""release notes" deploy*"#));
        assert!(matches("e-mail -prod"));
        assert!(matches("stag*"));
        assert!(!matches("deploy"), "words, not stems");
        assert!(!matches(r#""notes release""#), "a phrase keeps its order");
        assert!(!matches("staging -ann"));
        assert!(!matches(r#"release -"then e mail""#));
    }

    #[test]
    fn operators_are_read() {
        let q = parse(
            "from:@Ada in:#General in:@ben after:2026-01-01 before:2026-02-01 on:2026-01-15 \
             has:link has:reaction is:pinned is:thread deploy",
        )
        .unwrap();
        assert_eq!(q.from, ["ada"]);
        assert_eq!(q.in_channels, ["general"]);
        assert_eq!(q.in_directs, ["ben"]);
        assert!(q.after.is_some() && q.before.is_some() && q.on.is_some());
        assert!(q.has_link && q.has_reaction && q.is_pinned && q.is_thread);
        assert_eq!(q.terms, vec![term(&["deploy"])]);
        assert_eq!(parse("in:random").unwrap().in_channels, ["random"]);
    }

    #[test]
    fn mistakes_are_explained() {
        for (input, says) in [
            ("colour:red", "colour: is not a search operator"),
            ("after:yesterday", "after:yesterday is not a date"),
            ("has:cats", "use has:link or has:reaction"),
            ("is:hot", "use is:pinned or is:thread"),
            ("from:", "Say what from: is"),
            ("in:#", "Say what in: is"),
        ] {
            let error = parse(input).unwrap_err();
            assert!(error.message.contains(says), "{input}: {}", error.message);
            assert_eq!(error.field, "q");
        }
        assert!(parse(&"a ".repeat(21)).is_err());
        assert!(parse(&"a".repeat(501)).is_err());
    }

    #[test]
    fn times_and_links_are_words_not_operators() {
        let q = parse("meet 10:30 https://example.com/x").unwrap();
        assert_eq!(
            q.terms,
            vec![
                term(&["meet"]),
                term(&["10", "30"]),
                term(&["https", "example", "com", "x"])
            ]
        );
    }

    #[test]
    fn snippets_mark_the_words_found() {
        let q = parse("deploy* notes").unwrap();
        let pieces = snippet("The Deployment notes: see notes.", &q);
        assert_eq!(
            pieces,
            vec![
                ("The ".to_owned(), false),
                ("Deployment".to_owned(), true),
                (" ".to_owned(), false),
                ("notes".to_owned(), true),
                (": see ".to_owned(), false),
                ("notes".to_owned(), true),
                (".".to_owned(), false),
            ]
        );
        let long = format!("{} deploy {}", "word ".repeat(100), "tail ".repeat(100));
        let pieces = snippet(&long, &parse("deploy").unwrap());
        assert_eq!(pieces.first().map(|p| p.0.as_str()), Some("…"));
        assert_eq!(pieces.last().map(|p| p.0.as_str()), Some("…"));
        assert!(pieces.iter().any(|(text, hit)| *hit && text == "deploy"));
        let shown: usize = pieces.iter().map(|p| p.0.chars().count()).sum();
        assert!(shown <= 245, "{shown}");
        // Nothing to mark (operators only): the start of the text.
        assert_eq!(
            snippet("héllo", &parse("is:pinned").unwrap()),
            vec![("héllo".to_owned(), false)]
        );
    }

    #[test]
    fn days_start_at_local_midnight() {
        let day = parse("on:2026-01-15").unwrap().on.unwrap();
        // 2026-01-15 00:00 UTC.
        assert_eq!(day.start(""), 1_768_435_200_000);
        assert_eq!(day.end("") - day.start(""), 86_400_000);
        // Midnight in Tokyo is 15:00 UTC the day before.
        assert_eq!(day.start("Asia/Tokyo"), 1_768_435_200_000 - 9 * 3_600_000);
    }
}
