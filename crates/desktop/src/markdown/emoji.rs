//! Emoji in a block, split out to be drawn as pictures (docs/adr/0022): Slint's software
//! renderer draws no colour glyphs, so a block with emoji is laid out as a row of pieces —
//! styled text between emoji, and each emoji a picture from the system's colour emoji font.
//! Which characters are emoji is decided here from Unicode alone (the font is the window's
//! business): one without a picture is drawn as text, as before.

use super::{Block, BlockKind, Span, slint_markup};

/// A piece of a block that holds emoji.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text between emoji, with its markup for `StyledText` (`None`: drawn plain).
    Text {
        plain: String,
        markup: Option<String>,
    },
    /// One emoji as typed: a character, or a sequence drawn as one picture — people and
    /// things joined with U+200D (👩‍💻), a flag's two regional letters (🇫🇷), a skin tone
    /// after its emoji (👍🏽), a subdivision flag's tags.
    Emoji(String),
}

const JOINER: char = '\u{200D}';
const EMOJI_STYLE: char = '\u{FE0F}';

/// A flag is two of these letters (U+1F1E6–U+1F1FF, "A" to "Z").
fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Tag characters spell a subdivision flag after 🏴 (England, Scotland, Wales).
fn is_tag(c: char) -> bool {
    ('\u{E0020}'..='\u{E007F}').contains(&c)
}

/// May follow a joiner: any pictographic symbol, including those that are text on their
/// own (♀, ♂, ⚕, ❤ in 🏃‍♀️, 👩‍⚕️, ❤️‍🔥).
fn joins(c: char) -> bool {
    let cp = u32::from(c);
    !is_modifier(c) && ((0x2190..=0x2BFF).contains(&cp) || (0x1F000..=0x1FAFF).contains(&cp))
}

/// After an element of a sequence: its emoji-style selector, skin tone and tags.
fn element_end(chars: &[char], mut end: usize) -> usize {
    if chars.get(end) == Some(&EMOJI_STYLE) {
        end += 1;
    }
    if chars.get(end).is_some_and(|&c| is_modifier(c)) {
        end += 1;
    }
    while chars.get(end).is_some_and(|&c| is_tag(c)) {
        end += 1;
    }
    end
}

/// Where the emoji that starts at `at` ends (exclusive); `None` when none starts there.
/// A simplified form of the sequences of Unicode's UTS #51: enough for every sequence a
/// keyboard's emoji picker types.
pub fn emoji_at(chars: &[char], at: usize) -> Option<usize> {
    let c = *chars.get(at)?;
    let next = chars.get(at + 1).copied();
    if is_regional_indicator(c) {
        // Two make a flag; one alone is drawn as its letter.
        return Some(if next.is_some_and(is_regional_indicator) {
            at + 2
        } else {
            at + 1
        });
    }
    if !is_emoji(c, next) {
        return None;
    }
    let mut end = element_end(chars, at + 1);
    while chars.get(end) == Some(&JOINER) && chars.get(end + 1).is_some_and(|&c| joins(c)) {
        end = element_end(chars, end + 2);
    }
    Some(end)
}

/// Shown by default as a picture: the Unicode `Emoji_Presentation` ranges (approximately:
/// the pictographic planes, and the few older symbols that default to emoji).
fn presented_as_emoji(c: char) -> bool {
    let cp = u32::from(c);
    matches!(cp,
        0x1F004 | 0x1F0CF | 0x1F18E | 0x1F191..=0x1F19A | 0x1F1E6..=0x1F1FF
        | 0x1F201 | 0x1F21A | 0x1F22F | 0x1F232..=0x1F236 | 0x1F238..=0x1F23A
        | 0x1F250 | 0x1F251 | 0x1F300..=0x1F3FA | 0x1F400..=0x1F64F
        | 0x1F680..=0x1F6FF | 0x1F7E0..=0x1F7F0 | 0x1F90C..=0x1F9FF
        | 0x1FA70..=0x1FAFF
        | 0x231A | 0x231B | 0x23E9..=0x23EC | 0x23F0 | 0x23F3 | 0x25FD | 0x25FE
        | 0x2614 | 0x2615 | 0x2648..=0x2653 | 0x267F | 0x2693 | 0x26A1 | 0x26AA
        | 0x26AB | 0x26BD | 0x26BE | 0x26C4 | 0x26C5 | 0x26CE | 0x26D4 | 0x26EA
        | 0x26F2 | 0x26F3 | 0x26F5 | 0x26FA | 0x26FD | 0x2705 | 0x270A | 0x270B
        | 0x2728 | 0x274C | 0x274E | 0x2753..=0x2755 | 0x2757 | 0x2795..=0x2797
        | 0x27B0 | 0x27BF | 0x2B1B | 0x2B1C | 0x2B50 | 0x2B55)
}

/// Skin tones: drawn as swatches on their own, so left out after an emoji.
fn is_modifier(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

/// Whether `c` (followed by `next`) is drawn as a picture. A symbol that is text by default
/// (❤, ☀, ✔) becomes one with U+FE0F after it, as in every chat client.
pub fn is_emoji(c: char, next: Option<char>) -> bool {
    (presented_as_emoji(c) && !is_modifier(c))
        || (next == Some('\u{FE0F}') && !c.is_ascii() && !is_modifier(c))
}

/// The emoji a sequence is made of, for a font that has no picture of the whole: drawn
/// side by side (👩 💻), skin tones and the rest left out.
pub fn parts(emoji: &str) -> impl Iterator<Item = char> + '_ {
    emoji
        .chars()
        .filter(|&c| c != JOINER && c != EMOJI_STYLE && !is_modifier(c) && !is_tag(c))
}

/// Whether any piece of the block would be an emoji (a quick test before splitting).
fn has_emoji(spans: &[Span]) -> bool {
    spans.iter().filter(|s| !s.code).any(|s| {
        let mut chars = s.text.chars().peekable();
        while let Some(c) = chars.next() {
            if is_emoji(c, chars.peek().copied()) || is_regional_indicator(c) {
                return true;
            }
        }
        false
    })
}

/// The block's pieces when it holds emoji; empty otherwise (and for code blocks, whose
/// text is shown as typed).
pub fn pieces(block: &Block) -> Vec<Piece> {
    if block.kind == BlockKind::Code || !has_emoji(&block.spans) {
        return Vec::new();
    }
    let mut pieces = Vec::new();
    let mut run: Vec<Span> = Vec::new();
    let flush = |run: &mut Vec<Span>, pieces: &mut Vec<Piece>| {
        if run.is_empty() {
            return;
        }
        let mut text = Block {
            kind: BlockKind::Paragraph,
            quote: 0,
            indent: 0,
            spans: std::mem::take(run),
            markup: None,
            pieces: Vec::new(),
        };
        let plain = text.plain();
        // Markdown drops spaces at a paragraph's edges, and a trailing one would wrap into
        // an empty line: they go, and the row's spacing stands for them.
        if let Some(first) = text.spans.first_mut() {
            first.text = first.text.trim_start_matches(' ').to_owned();
        }
        if let Some(last) = text.spans.last_mut() {
            last.text = last.text.trim_end_matches(' ').to_owned();
        }
        text.spans.retain(|s| !s.text.is_empty());
        if text.spans.is_empty() {
            return;
        }
        pieces.push(Piece::Text {
            plain,
            markup: slint_markup(&text),
        });
    };
    for span in &block.spans {
        if span.code {
            run.push(span.clone());
            continue;
        }
        let mut text = String::new();
        let chars: Vec<char> = span.text.chars().collect();
        let mut after_emoji = false;
        let mut at = 0;
        while let Some(&c) = chars.get(at) {
            if let Some(end) = emoji_at(&chars, at) {
                if !text.is_empty() {
                    run.push(Span {
                        text: std::mem::take(&mut text),
                        ..span.clone()
                    });
                }
                flush(&mut run, &mut pieces);
                pieces.push(Piece::Emoji(chars[at..end].iter().collect()));
                after_emoji = true;
                at = end;
                continue;
            }
            if after_emoji && (c == EMOJI_STYLE || c == JOINER || is_modifier(c)) {
                // A stray selector, joiner or skin tone after an emoji: not drawn alone.
            } else {
                after_emoji = false;
                text.push(c);
            }
            at += 1;
        }
        if !text.is_empty() {
            run.push(Span {
                text,
                ..span.clone()
            });
        }
    }
    flush(&mut run, &mut pieces);
    pieces
}

/// A message made only of a few emoji is drawn large, as Slack does.
pub fn is_jumbo(blocks: &[Block]) -> bool {
    let [block] = blocks else {
        return false;
    };
    let emoji = block
        .pieces
        .iter()
        .filter(|p| matches!(p, Piece::Emoji(_)))
        .count();
    let only_emoji = block.pieces.iter().all(|p| match p {
        Piece::Emoji(_) => true,
        Piece::Text { plain, .. } => plain.trim().is_empty(),
    });
    emoji > 0 && emoji <= 8 && only_emoji
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn shape(source: &str) -> Vec<String> {
        parse(source)[0]
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Text { plain, markup } => {
                    format!(
                        "{plain:?}{}",
                        if markup.is_some() { "" } else { " (plain)" }
                    )
                }
                Piece::Emoji(c) => format!("<{c}>"),
            })
            .collect()
    }

    #[test]
    fn emoji_are_split_out_between_styled_runs() {
        assert_eq!(
            shape("Ship **it** 🚀 now"),
            ["\"Ship it \"", "<🚀>", "\" now\""]
        );
        assert!(parse("no emoji here").iter().all(|b| b.pieces.is_empty()));
        // Text-default symbols only with U+FE0F; selectors, joiners and skin tones are
        // not drawn on their own.
        assert!(parse("I ❤ Rust").iter().all(|b| b.pieces.is_empty()));
        assert_eq!(
            shape("I ❤\u{FE0F} Rust"),
            ["\"I \"", "<❤\u{FE0F}>", "\" Rust\""]
        );
        // In code, as typed.
        assert!(parse("`🚀`").iter().all(|b| b.pieces.is_empty()));
        assert!(parse("```\n🚀\n```").iter().all(|b| b.pieces.is_empty()));
    }

    #[test]
    fn sequences_are_one_emoji_each() {
        // Joined with U+200D, the parts of a ZWJ sequence are one picture.
        assert_eq!(shape("👩\u{200D}💻!"), ["<👩\u{200D}💻>", "\"!\""]);
        assert_eq!(
            shape("👨\u{200D}👩\u{200D}👧\u{200D}👦 family"),
            ["<👨\u{200D}👩\u{200D}👧\u{200D}👦>", "\" family\""]
        );
        // Text-default symbols join too, with or without their selector.
        assert_eq!(
            shape("🏃\u{200D}♀\u{FE0F}🏳\u{FE0F}\u{200D}🌈"),
            ["<🏃\u{200D}♀\u{FE0F}>", "<🏳\u{FE0F}\u{200D}🌈>"]
        );
        // Skin tones stay with their emoji, also inside a sequence.
        assert_eq!(shape("👍🏽👍"), ["<👍🏽>", "<👍>"]);
        assert_eq!(shape("🧑🏿\u{200D}💻"), ["<🧑🏿\u{200D}💻>"]);
        // A flag is a pair of regional letters; three letters are a flag and a letter.
        assert_eq!(shape("🇫🇷🇩🇪"), ["<🇫🇷>", "<🇩🇪>"]);
        assert_eq!(shape("🇫🇷🇩"), ["<🇫🇷>", "<🇩>"]);
        // Tags spell a subdivision flag.
        let england = "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
        assert_eq!(shape(england), [format!("<{england}>")]);
        // A joiner with nothing to join, or a skin tone alone, is not part of anything.
        assert_eq!(shape("🚀\u{200D} go"), ["<🚀>", "\" go\""]);
        assert!(parse("tone 🏽 alone").iter().all(|b| b.pieces.is_empty()));
    }

    #[test]
    fn a_sequence_falls_apart_into_its_emoji() {
        let parts = |s: &str| parts(s).collect::<String>();
        assert_eq!(parts("👩\u{200D}💻"), "👩💻");
        assert_eq!(parts("🧑🏿\u{200D}💻"), "🧑💻");
        assert_eq!(parts("🏃\u{200D}♀\u{FE0F}"), "🏃♀");
        assert_eq!(parts("🇫🇷"), "🇫🇷");
        assert_eq!(parts("🏴\u{E0067}\u{E0062}\u{E007F}"), "🏴");
    }

    #[test]
    fn a_few_emoji_alone_are_jumbo() {
        assert!(is_jumbo(&parse("🎉🎉")));
        assert!(is_jumbo(&parse(" 🎉 🚀 ")));
        assert!(is_jumbo(&parse("👩\u{200D}💻🇫🇷")));
        assert!(!is_jumbo(&parse("done 🎉")));
        assert!(!is_jumbo(&parse("🎉\n\n🎉")));
        assert!(!is_jumbo(&parse("hello")));
    }
}
