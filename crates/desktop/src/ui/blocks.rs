//! Message blocks for Slint: styled text (parsed once per markup and kept), and for a block
//! with emoji a row of pieces whose emoji are pictures from the colour emoji font
//! (docs/adr/0022).

use std::collections::HashMap;

use slint::{ModelRc, SharedPixelBuffer, VecModel};

use super::{BlockItem, PieceItem};
use crate::emoji::{self, EmojiFont};
use crate::markdown::{self, emoji::Piece};

/// What every list of messages is made with, kept across renders and shared by the
/// timeline's rows, which are made when Slint asks for them (`ui::timeline`).
#[derive(Default)]
pub(super) struct Makers {
    /// Slint's styled text for each block's markup, so a redraw (a new message, another
    /// server) does not parse every message again.
    pub(super) styled: HashMap<String, slint::StyledText>,
    /// Emoji pictures (docs/adr/0022), each made once.
    pub(super) pictures: Pictures,
}

/// The emoji font, opened at the first emoji drawn, and each picture made from it.
#[derive(Default)]
pub(super) struct Pictures {
    /// `None` before the first emoji; `Some(None)` when there is no usable font (emoji are
    /// then drawn as text, as Slint can).
    font: Option<Option<EmojiFont>>,
    /// Each emoji (a character or a sequence) drawn so far, with its picture if the font
    /// has one.
    made: HashMap<String, Option<slint::Image>>,
}

impl Pictures {
    pub(super) fn picture(&mut self, emoji: &str) -> Option<slint::Image> {
        if let Some(made) = self.made.get(emoji) {
            return made.clone();
        }
        let font = self.font.get_or_insert_with(|| {
            let path = emoji::find()?;
            EmojiFont::open(&path)
                .inspect_err(|e| tracing::warn!(error = %e, path = %path.display(), "emoji are drawn as text"))
                .ok()
        });
        let picture = font.as_mut().and_then(|f| {
            f.picture(emoji)
                .inspect_err(|e| tracing::debug!(error = %e, "an emoji is drawn as text"))
                .ok()
                .flatten()
        });
        let image = picture.map(|p| {
            let buffer = SharedPixelBuffer::<slint::Rgba8Pixel>::clone_from_slice(
                &p.rgba, p.width, p.height,
            );
            slint::Image::from_rgba8(buffer)
        });
        self.made.insert(emoji.to_owned(), image.clone());
        image
    }
}

/// An emoji as a picture, else as text.
fn emoji_piece(emoji: &str, picture: Option<slint::Image>) -> PieceItem {
    match picture {
        Some(image) => PieceItem {
            emoji: true,
            picture: image,
            text: slint::StyledText::default(),
            plain: emoji.into(),
            gap: true,
        },
        None => PieceItem {
            emoji: false,
            picture: slint::Image::default(),
            text: slint::StyledText::from_plain_text(emoji),
            plain: emoji.into(),
            gap: true,
        },
    }
}

fn styled_text(
    markup: Option<&String>,
    plain: &str,
    styled: &mut HashMap<String, slint::StyledText>,
) -> slint::StyledText {
    match markup {
        Some(markup) => match styled.get(markup) {
            Some(text) => text.clone(),
            None => {
                let text = slint::StyledText::from_markdown(markup)
                    .unwrap_or_else(|_| slint::StyledText::from_plain_text(plain));
                styled.insert(markup.clone(), text.clone());
                text
            }
        },
        // Markup that would not read back as the text: drawn plain, never wrong.
        None => slint::StyledText::from_plain_text(plain),
    }
}

fn pieces(
    list: &[Piece],
    styled: &mut HashMap<String, slint::StyledText>,
    pictures: &mut Pictures,
) -> ModelRc<PieceItem> {
    // Most blocks have no emoji: no model to allocate for them.
    if list.is_empty() {
        return ModelRc::default();
    }
    let mut items: Vec<PieceItem> = Vec::with_capacity(list.len());
    let mut before: Option<&Piece> = None;
    for piece in list {
        let first = items.len();
        match piece {
            Piece::Text { plain, markup } => items.push(PieceItem {
                emoji: false,
                picture: slint::Image::default(),
                text: styled_text(markup.as_ref(), plain, styled),
                plain: plain.as_str().into(),
                gap: true,
            }),
            Piece::Emoji(emoji) => match pictures.picture(emoji) {
                Some(image) => items.push(emoji_piece(emoji, Some(image))),
                // A sequence the font has no picture of: its emoji side by side.
                None if emoji.chars().count() > 1 => {
                    for part in markdown::emoji::parts(emoji) {
                        let part = part.to_string();
                        let picture = pictures.picture(&part);
                        items.push(emoji_piece(&part, picture));
                    }
                }
                None => items.push(emoji_piece(emoji, None)),
            },
        }
        if let Some(item) = items.get_mut(first) {
            item.gap = gap(before, piece);
        }
        before = Some(piece);
    }
    ModelRc::new(VecModel::from(items))
}

/// Whether a space is drawn before `piece`: the text around emoji is drawn without the
/// spaces at its edges (see `markdown::emoji::pieces`), so where the message had one the
/// row puts a gap, and none where it had none ("🇯🇵, 👍" keeps its comma by the flag).
/// Between two emoji there is always one.
fn gap(before: Option<&Piece>, piece: &Piece) -> bool {
    match (before, piece) {
        (None, _) => false,
        (Some(_), Piece::Text { plain, .. }) => plain.starts_with(char::is_whitespace),
        (Some(Piece::Text { plain, .. }), Piece::Emoji(_)) => plain.ends_with(char::is_whitespace),
        (Some(Piece::Emoji(_)), Piece::Emoji(_)) => true,
    }
}

/// A message body's blocks for Slint.
pub(super) fn blocks(
    list: &[markdown::Block],
    styled: &mut HashMap<String, slint::StyledText>,
    pictures: &mut Pictures,
) -> ModelRc<BlockItem> {
    let items: Vec<BlockItem> = list
        .iter()
        .map(|b| {
            let (kind, marker) = match &b.kind {
                markdown::BlockKind::Paragraph => (0, ""),
                markdown::BlockKind::Item(marker) => (1, marker.as_str()),
                markdown::BlockKind::Code => (2, ""),
            };
            let plain: String = b.spans.iter().map(|s| s.text.as_str()).collect();
            BlockItem {
                kind,
                quote: i32::from(b.quote),
                indent: i32::from(b.indent),
                marker: marker.into(),
                text: styled_text(b.markup.as_ref(), &plain, styled),
                pieces: pieces(&b.pieces, styled, pictures),
                plain: plain.into(),
            }
        })
        .collect();
    ModelRc::new(VecModel::from(items))
}
