//! Reactions: which emoji a message may carry. Unicode emoji only (custom emoji come
//! later), checked against the Unicode emoji list of the `emojis` crate, so a reaction is
//! never arbitrary text.

use ocomms_proto::limit::{MAX_EMOJI_CHARS, MAX_REACTION_EMOJI};

use crate::{Invalid, Validated};

/// The emoji a reaction names, as Unicode: the emoji itself (`👍`, `👍🏽`) or its shortcode,
/// with or without colons (`thumbsup`, `:+1:`). Anything else is refused.
pub fn emoji(raw: &str) -> Validated<String> {
    if raw.chars().count() > MAX_EMOJI_CHARS {
        return Err(unknown());
    }
    let shortcode = raw.trim_matches(':');
    emojis::get(raw)
        .or_else(|| emojis::get_by_shortcode(shortcode))
        .map(|e| e.as_str().to_owned())
        .ok_or_else(unknown)
}

/// A message carries at most `MAX_REACTION_EMOJI` different emoji; reacting with one it
/// already has is always allowed.
pub fn may_add(existing: usize, emoji_is_new: bool) -> Validated<()> {
    if emoji_is_new && existing >= MAX_REACTION_EMOJI {
        return Err(Invalid::new(
            "emoji",
            format!("A message can have at most {MAX_REACTION_EMOJI} different reactions."),
        ));
    }
    Ok(())
}

/// An emoji a reaction may use, as a picker lists it.
pub struct Listed {
    pub emoji: &'static str,
    /// CLDR short name (`thumbs up`).
    pub name: &'static str,
    /// gemoji shortcodes (`+1`, `thumbsup`).
    pub shortcodes: Vec<&'static str>,
    /// The five skin-tone variants, when the emoji has them.
    pub tones: Vec<&'static str>,
}

/// Every emoji a reaction may use, in Unicode's order (default skin tone).
pub fn catalogue() -> impl Iterator<Item = Listed> {
    emojis::iter().map(|e| Listed {
        emoji: e.as_str(),
        name: e.name(),
        shortcodes: e.shortcodes().collect(),
        tones: e
            .skin_tones()
            .map(|tones| tones.skip(1).map(emojis::Emoji::as_str).collect())
            .unwrap_or_default(),
    })
}

/// The emoji's CLDR short name (`thumbs up`), for labels and search.
pub fn name(emoji: &str) -> Option<&'static str> {
    emojis::get(emoji).map(emojis::Emoji::name)
}

/// "Ana, Ben and 3 others reacted with 👍 (thumbs up)": who reacted, for a tooltip and a
/// screen reader. `you` names the viewer when they are among them.
pub fn label(emoji: &str, names: &[&str]) -> String {
    let who = match names {
        [] => "Nobody".to_owned(),
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} and {second}"),
        [first, second, third] => format!("{first}, {second} and {third}"),
        [first, second, rest @ ..] => format!("{first}, {second} and {} others", rest.len()),
    };
    match name(emoji) {
        Some(name) => format!("{who} reacted with {emoji} ({name})"),
        None => format!("{who} reacted with {emoji}"),
    }
}

fn unknown() -> Invalid {
    Invalid::new(
        "emoji",
        "React with a Unicode emoji (e.g. 👍) or its shortcode (e.g. thumbsup).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_and_their_shortcodes_are_accepted_as_unicode() {
        assert_eq!(emoji("👍").as_deref(), Ok("👍"));
        assert_eq!(emoji("👍🏽").as_deref(), Ok("👍🏽"));
        assert_eq!(emoji("thumbsup").as_deref(), Ok("👍"));
        assert_eq!(emoji(":rocket:").as_deref(), Ok("🚀"));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "not-an-emoji",
            "👍👍",
            "<script>",
            ":nope:",
            &"👍".repeat(100),
        ] {
            assert!(emoji(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_name_the_first_people_and_count_the_rest() {
        assert_eq!(label("👍", &["Ana"]), "Ana reacted with 👍 (thumbs up)");
        assert_eq!(
            label("👍", &["Ana", "Ben", "Cy", "Di"]),
            "Ana, Ben and 2 others reacted with 👍 (thumbs up)"
        );
    }

    #[test]
    fn new_emoji_stop_at_the_limit() {
        assert!(may_add(MAX_REACTION_EMOJI - 1, true).is_ok());
        assert!(may_add(MAX_REACTION_EMOJI, true).is_err());
        assert!(may_add(MAX_REACTION_EMOJI, false).is_ok());
    }
}
