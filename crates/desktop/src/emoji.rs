//! Colour emoji as pictures (docs/adr/0022). Slint's software renderer draws no colour
//! glyphs (slint#3568), so the timeline draws each emoji as an image taken from the
//! system's colour emoji font (Noto Color Emoji: PNG bitmaps in its CBDT table). Only the
//! font's small tables are read into memory (character map and bitmap index, about 80 KB
//! for Noto's 3,900 glyphs); each picture is read from the file when first drawn, decoded,
//! shrunk to the size it is drawn at, and kept. The 10 MB of PNG data stays on disk.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

mod ligature;

/// Where distributions put a colour emoji font with bitmaps; `OPENCHAT_EMOJI_FONT` first.
const CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",
    "/usr/share/fonts/noto-emoji/NotoColorEmoji.ttf",
    "/usr/share/fonts/TTF/NotoColorEmoji.ttf",
];

/// Pictures are kept this many pixels tall: twice the 20 px a line draws them at (sharp on
/// a 2× screen; a jumbo emoji at 32 px is scaled up a little).
pub const PICTURE_PX: u32 = 40;

#[derive(Debug, thiserror::Error)]
pub enum EmojiError {
    #[error("emoji font: {0}")]
    Io(#[from] std::io::Error),
    #[error("emoji font: {0}")]
    Format(&'static str),
    #[error("emoji picture: {0}")]
    Png(String),
}

/// An RGBA picture, not premultiplied.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// A colour emoji font, open for reading pictures.
pub struct EmojiFont {
    file: File,
    /// Character → glyph (the font's format 12 character map).
    glyphs: HashMap<u32, u16>,
    /// Glyph → where its PNG record lies in the file (offset, length).
    bitmaps: HashMap<u16, (u64, u32)>,
    /// Sequences (ZWJ, flags, skin tones) → their glyph (the font's `GSUB` ligatures).
    ligatures: ligature::Ligatures,
}

/// The first colour emoji font found.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("OPENCHAT_EMOJI_FONT") {
        return Some(PathBuf::from(path));
    }
    CANDIDATES.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn be16(b: &[u8], at: usize) -> Result<u16, EmojiError> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or(EmojiError::Format("table cut short"))
}

fn be32(b: &[u8], at: usize) -> Result<u32, EmojiError> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(EmojiError::Format("table cut short"))
}

fn usize32(b: &[u8], at: usize) -> Result<usize, EmojiError> {
    usize::try_from(be32(b, at)?).map_err(|_| EmojiError::Format("offset too large"))
}

impl EmojiFont {
    pub fn open(path: &Path) -> Result<Self, EmojiError> {
        let mut file = File::open(path)?;
        let mut head = [0u8; 12];
        file.read_exact(&mut head)?;
        let tables = usize::from(be16(&head, 4)?);
        let mut directory = vec![0u8; tables * 16];
        file.read_exact(&mut directory)?;
        let mut find = |tag: &[u8; 4]| -> Result<(u64, Vec<u8>), EmojiError> {
            for record in directory.chunks_exact(16) {
                if &record[..4] == tag {
                    let offset = u64::from(be32(record, 8)?);
                    let length = usize32(record, 12)?;
                    let mut data = vec![0u8; length];
                    file.seek(SeekFrom::Start(offset))?;
                    file.read_exact(&mut data)?;
                    return Ok((offset, data));
                }
            }
            Err(EmojiError::Format(
                "no colour bitmaps (CBDT/CBLC) or character map",
            ))
        };
        let (_, cmap) = find(b"cmap")?;
        let (_, cblc) = find(b"CBLC")?;
        // Without ligatures a sequence is drawn as its parts, as before they were read.
        let ligatures = match find(b"GSUB") {
            Ok((_, gsub)) => ligature::ligatures(&gsub).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "emoji sequences are drawn as their parts");
                ligature::Ligatures::new()
            }),
            Err(_) => ligature::Ligatures::new(),
        };
        // Only CBDT's position is needed: its pictures are read when drawn.
        let cbdt = directory
            .chunks_exact(16)
            .find(|r| &r[..4] == b"CBDT")
            .map(|r| be32(r, 8))
            .ok_or(EmojiError::Format("no CBDT table"))??;
        Ok(Self {
            glyphs: character_map(&cmap)?,
            bitmaps: bitmap_index(&cblc, u64::from(cbdt))?,
            ligatures,
            file,
        })
    }

    /// The glyph drawn for an emoji as typed: a character's, or a sequence's ligature.
    /// The emoji-style selector (U+FE0F) only asks for a picture; the font's sequences
    /// leave it out, as shapers do.
    fn glyph(&self, emoji: &str) -> Option<u16> {
        let glyphs: Vec<u16> = emoji
            .chars()
            .filter(|&c| c != '\u{FE0F}')
            .map(|c| self.glyphs.get(&u32::from(c)).copied())
            .collect::<Option<_>>()?;
        match glyphs[..] {
            [] => None,
            [one] => Some(one),
            _ => self.ligatures.get(&glyphs).copied(),
        }
    }

    pub fn has(&self, emoji: &str) -> bool {
        self.glyph(emoji)
            .is_some_and(|g| self.bitmaps.contains_key(&g))
    }

    /// The picture of an emoji (a character or a sequence), `PICTURE_PX` tall; `None`
    /// when the font has none.
    pub fn picture(&mut self, emoji: &str) -> Result<Option<Picture>, EmojiError> {
        let Some(&(offset, length)) = self.glyph(emoji).and_then(|g| self.bitmaps.get(&g)) else {
            return Ok(None);
        };
        // A picture is a few KB; anything near this is not one (a damaged font file).
        if length > 1 << 20 {
            return Err(EmojiError::Format("picture too large"));
        }
        let mut record = vec![0u8; length as usize];
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.read_exact(&mut record)?;
        // Format 17: small metrics (5 bytes), the PNG's length, the PNG.
        let png_len = usize32(&record, 5)?;
        let png = record
            .get(9..9 + png_len)
            .ok_or(EmojiError::Format("picture cut short"))?;
        Ok(Some(shrink(&decode(png)?, PICTURE_PX)))
    }
}

/// The format 12 subtable of `cmap` (full Unicode), as character → glyph.
fn character_map(cmap: &[u8]) -> Result<HashMap<u32, u16>, EmojiError> {
    let records = usize::from(be16(cmap, 2)?);
    for i in 0..records {
        let offset = usize32(cmap, 4 + i * 8 + 4)?;
        if be16(cmap, offset)? != 12 {
            continue;
        }
        let groups = usize32(cmap, offset + 12)?;
        let mut map = HashMap::new();
        for g in 0..groups {
            let at = offset + 16 + g * 12;
            let (start, end, glyph) = (be32(cmap, at)?, be32(cmap, at + 4)?, be32(cmap, at + 8)?);
            for (n, c) in (start..=end.min(start.saturating_add(0xFFFF))).enumerate() {
                let id = u16::try_from(u64::from(glyph) + n as u64)
                    .map_err(|_| EmojiError::Format("glyph id"))?;
                map.insert(c, id);
            }
        }
        return Ok(map);
    }
    Err(EmojiError::Format("no format 12 character map"))
}

/// The first strike of `CBLC` (Noto has one, 109 ppem), as glyph → (file offset, length)
/// of its record in `CBDT`, which starts at `cbdt`. Index formats 1 and 3 (offsets per
/// glyph, as Noto and most fonts write them).
fn bitmap_index(cblc: &[u8], cbdt: u64) -> Result<HashMap<u16, (u64, u32)>, EmojiError> {
    if be32(cblc, 4)? == 0 {
        return Err(EmojiError::Format("no bitmap strikes"));
    }
    let array = usize32(cblc, 8)?;
    let subtables = usize32(cblc, 16)?;
    let mut index = HashMap::new();
    for s in 0..subtables {
        let entry = array + s * 8;
        let (first, last) = (be16(cblc, entry)?, be16(cblc, entry + 2)?);
        let table = array + usize32(cblc, entry + 4)?;
        let (format, image_format) = (be16(cblc, table)?, be16(cblc, table + 2)?);
        let data = u64::from(be32(cblc, table + 4)?);
        if image_format != 17 {
            continue;
        }
        let offset_at = |i: usize| -> Result<u64, EmojiError> {
            Ok(match format {
                1 => u64::from(be32(cblc, table + 8 + i * 4)?),
                3 => u64::from(be16(cblc, table + 8 + i * 2)?),
                _ => return Err(EmojiError::Format("unsupported bitmap index format")),
            })
        };
        if format != 1 && format != 3 {
            continue;
        }
        for (i, glyph) in (first..=last).enumerate() {
            let (start, end) = (offset_at(i)?, offset_at(i + 1)?);
            if end > start {
                let length =
                    u32::try_from(end - start).map_err(|_| EmojiError::Format("length"))?;
                index.insert(glyph, (cbdt + data + start, length));
            }
        }
    }
    Ok(index)
}

/// A PNG as RGBA.
pub fn decode(png: &[u8]) -> Result<Picture, EmojiError> {
    let bad = |e: png::DecodingError| EmojiError::Png(e.to_string());
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(
        png::Transformations::normalize_to_color8() | png::Transformations::ALPHA,
    );
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or(EmojiError::Png("too large".into()))?;
    let mut buffer = vec![0u8; size];
    let frame = reader.next_frame(&mut buffer).map_err(bad)?;
    let pixels = (frame.width * frame.height) as usize;
    let rgba = match frame.color_type {
        png::ColorType::Rgba if buffer.len() >= pixels * 4 => {
            buffer.truncate(pixels * 4);
            buffer
        }
        png::ColorType::GrayscaleAlpha => buffer
            .get(..pixels * 2)
            .ok_or(EmojiError::Png("picture cut short".into()))?
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        _ => return Err(EmojiError::Png("unexpected colour type".into())),
    };
    Ok(Picture {
        width: frame.width,
        height: frame.height,
        rgba,
    })
}

/// Shrinks to `height` pixels tall (width in proportion) by averaging the source pixels
/// each target pixel covers, weighted by alpha so transparent edges do not darken.
pub fn shrink(picture: &Picture, height: u32) -> Picture {
    if picture.height <= height || picture.width == 0 {
        return picture.clone();
    }
    let width = (picture.width * height).div_ceil(picture.height).max(1);
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for ty in 0..height {
        let (y0, y1) = (
            ty * picture.height / height,
            ((ty + 1) * picture.height / height).max(ty * picture.height / height + 1),
        );
        for tx in 0..width {
            let (x0, x1) = (
                tx * picture.width / width,
                ((tx + 1) * picture.width / width).max(tx * picture.width / width + 1),
            );
            let (mut sum, mut alpha, mut count) = ([0u64; 3], 0u64, 0u64);
            for y in y0..y1.min(picture.height) {
                for x in x0..x1.min(picture.width) {
                    let p = ((y * picture.width + x) * 4) as usize;
                    let a = u64::from(picture.rgba[p + 3]);
                    for (s, c) in sum.iter_mut().zip(&picture.rgba[p..p + 3]) {
                        *s += u64::from(*c) * a;
                    }
                    alpha += a;
                    count += 1;
                }
            }
            let channel = |s: u64| s.checked_div(alpha).unwrap_or(0) as u8;
            rgba.extend_from_slice(&[
                channel(sum[0]),
                channel(sum[1]),
                channel(sum[2]),
                (alpha / count.max(1)) as u8,
            ]);
        }
    }
    Picture {
        width,
        height,
        rgba,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_come_from_the_system_colour_emoji_font() {
        let Some(path) = find() else {
            eprintln!("no colour emoji font here (fonts-noto-color-emoji): skipped");
            return;
        };
        let mut font = EmojiFont::open(&path).expect("font");
        assert!(font.has("🚀") && font.has("😀"));
        assert!(!font.has("a"));
        let rocket = font.picture("🚀").expect("read").expect("a rocket");
        assert_eq!(rocket.height, PICTURE_PX);
        assert_eq!(
            rocket.rgba.len(),
            (rocket.width * rocket.height * 4) as usize
        );
        // In colour: some pixel is neither grey nor transparent.
        assert!(
            rocket
                .rgba
                .chunks_exact(4)
                .any(|p| p[3] > 200 && (p[0] != p[1] || p[1] != p[2]))
        );
        assert_eq!(font.picture("a").expect("read"), None);
    }

    #[test]
    fn sequences_are_drawn_from_the_font_s_ligatures() {
        let Some(path) = find() else {
            eprintln!("no colour emoji font here (fonts-noto-color-emoji): skipped");
            return;
        };
        let mut font = EmojiFont::open(&path).expect("font");
        for sequence in [
            "👩\u{200D}💻",
            "🇫🇷",
            "👍🏽",
            "🏳\u{FE0F}\u{200D}🌈",
            "🏃\u{200D}♀\u{FE0F}",
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
        ] {
            assert!(font.has(sequence), "{sequence}");
        }
        // One picture, not its first part's.
        let coder = font.picture("👩\u{200D}💻").expect("read");
        let woman = font.picture("👩").expect("read");
        assert!(coder.is_some() && coder != woman);
        // Two letters that are no country: no picture (drawn as the letters).
        assert!(!font.has("🇽🇽"));
    }

    #[test]
    fn shrinking_keeps_proportions_and_colour() {
        let red = Picture {
            width: 4,
            height: 2,
            rgba: [255, 0, 0, 255].repeat(8),
        };
        let small = shrink(&red, 1);
        assert_eq!((small.width, small.height), (2, 1));
        assert_eq!(small.rgba, [255, 0, 0, 255].repeat(2));
    }
}
