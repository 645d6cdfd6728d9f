//! Colour emoji as pictures (docs/adr/0022). Slint's software renderer draws no colour
//! glyphs (slint#3568), so the timeline draws each emoji as an image taken from the
//! system's colour emoji font (Noto Color Emoji: PNG bitmaps in its CBDT table). Only the
//! font's small tables are read into memory (character map, bitmap index and ligatures,
//! about 70 KB for Noto's 3,900 glyphs) and looked up with `read-fonts` as they are; each
//! picture is read from the file when first drawn, decoded, shrunk to the size it is drawn
//! at, and kept. The 10 MB of PNG data stays on disk.

use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use read_fonts::tables::bitmap::{BitmapContent, BitmapDataFormat, BitmapLocation};
use read_fonts::tables::cbdt::Cbdt;
use read_fonts::tables::cblc::Cblc;
use read_fonts::tables::cmap::Cmap;
use read_fonts::types::{GlyphId, Tag};
use read_fonts::{FontData, FontRead as _, ReadError, TableDirectory};

mod ligature;
mod picture;

pub use picture::{decode, shrink};

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

/// CBDT records of PNG pictures (small metrics, big metrics, metrics in CBLC): the other
/// formats are monochrome or greyscale bitmaps, which are not drawn.
const PNG_FORMATS: [u16; 3] = [17, 18, 19];

#[derive(Debug, thiserror::Error)]
pub enum EmojiError {
    #[error("emoji font: {0}")]
    Io(#[from] std::io::Error),
    #[error("emoji font: {0}")]
    Format(&'static str),
    #[error("emoji font: {0}")]
    Read(#[from] ReadError),
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

/// A colour emoji font, open for reading pictures. Its tables are kept as bytes and read
/// with `read-fonts` at each look-up (reading one is only checking its header: the crate
/// reads fields where they lie).
pub struct EmojiFont {
    file: File,
    /// Character → glyph: the `cmap` table, and which of its subtables is used.
    cmap: Vec<u8>,
    subtable: u16,
    /// Glyph → where its picture lies in `CBDT` (the `CBLC` table).
    cblc: Vec<u8>,
    /// Where `CBDT` starts in the file, and its header (see `picture`).
    cbdt: u64,
    cbdt_header: Vec<u8>,
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

/// `length` bytes of the file from `offset`.
fn read_at(file: &mut File, offset: u64, length: usize) -> Result<Vec<u8>, EmojiError> {
    let mut data = vec![0u8; length];
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(&mut data)?;
    Ok(data)
}

impl EmojiFont {
    pub fn open(path: &Path) -> Result<Self, EmojiError> {
        let mut file = File::open(path)?;
        // The table directory: a 12-byte header whose `numTables` (at 4) says how many
        // 16-byte records follow; read-fonts reads it once it is all there.
        let head = read_at(&mut file, 0, 12)?;
        let tables = usize::from(FontData::new(&head).read_at::<u16>(4)?);
        let directory = read_at(&mut file, 0, 12 + tables * 16)?;
        let directory = TableDirectory::read(FontData::new(&directory))?;
        let place = |tag: &[u8; 4]| {
            let tag = Tag::new(tag);
            directory
                .table_records()
                .iter()
                .find(|r| r.tag() == tag)
                .map(|r| (u64::from(r.offset()), r.length() as usize))
        };
        let missing = EmojiError::Format("no colour bitmaps (CBDT/CBLC) or character map");
        let (Some(cmap), Some(cblc), Some(cbdt)) = (place(b"cmap"), place(b"CBLC"), place(b"CBDT"))
        else {
            return Err(missing);
        };
        let gsub = place(b"GSUB");
        let cmap = read_at(&mut file, cmap.0, cmap.1)?;
        let cblc = read_at(&mut file, cblc.0, cblc.1)?;
        // Only CBDT's header is read: its pictures are read when drawn.
        let cbdt_header = read_at(&mut file, cbdt.0, 4)?;
        Cbdt::read(FontData::new(&cbdt_header))?;
        // The fullest Unicode character map (format 12 in Noto), as shapers choose.
        let subtable = Cmap::read(FontData::new(&cmap))?
            .best_subtable()
            .ok_or(EmojiError::Format("no Unicode character map"))?
            .0;
        if Cblc::read(FontData::new(&cblc))?.bitmap_sizes().is_empty() {
            return Err(EmojiError::Format("no bitmap strikes"));
        }
        // Without ligatures a sequence is drawn as its parts, as before they were read.
        let ligatures = match gsub {
            Some((offset, length)) => read_at(&mut file, offset, length)
                .and_then(|gsub| Ok(ligature::Ligatures::read(gsub)?))
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "emoji sequences are drawn as their parts");
                    ligature::Ligatures::none()
                }),
            None => ligature::Ligatures::none(),
        };
        Ok(Self {
            file,
            cmap,
            subtable,
            cblc,
            cbdt: cbdt.0,
            cbdt_header,
            ligatures,
        })
    }

    /// Bytes of the font's tables kept in memory.
    pub fn tables_size(&self) -> usize {
        self.cmap.len() + self.cblc.len() + self.cbdt_header.len() + self.ligatures.size()
    }

    /// A character's glyph; none for the missing glyph (0).
    fn char_glyph(&self, c: char) -> Option<GlyphId> {
        let cmap = Cmap::read(FontData::new(&self.cmap)).ok()?;
        let glyph = cmap.subtable(self.subtable).ok()?.map_codepoint(c)?;
        (glyph != GlyphId::NOTDEF).then_some(glyph)
    }

    /// The glyph drawn for an emoji as typed: a character's, or a sequence's ligature.
    /// The emoji-style selector (U+FE0F) only asks for a picture; the font's sequences
    /// leave it out, as shapers do.
    fn glyph(&self, emoji: &str) -> Option<GlyphId> {
        let glyphs: Vec<GlyphId> = emoji
            .chars()
            .filter(|&c| c != '\u{FE0F}')
            .map(|c| self.char_glyph(c))
            .collect::<Option<_>>()?;
        match glyphs[..] {
            [] => None,
            [one] => Some(one),
            _ => self.ligatures.get(&glyphs),
        }
    }

    /// Where a glyph's picture lies in `CBDT`, in the first strike (Noto has one, 109
    /// ppem); none when it has no PNG picture there.
    fn location(&self, glyph: GlyphId) -> Option<BitmapLocation> {
        let cblc = Cblc::read(FontData::new(&self.cblc)).ok()?;
        let strike = cblc.bitmap_sizes().first()?;
        let location = strike.location(cblc.offset_data(), glyph).ok()?;
        (!location.is_empty() && PNG_FORMATS.contains(&location.format)).then_some(location)
    }

    pub fn has(&self, emoji: &str) -> bool {
        self.glyph(emoji).and_then(|g| self.location(g)).is_some()
    }

    /// The picture of an emoji (a character or a sequence), `PICTURE_PX` tall; `None`
    /// when the font has none.
    pub fn picture(&mut self, emoji: &str) -> Result<Option<Picture>, EmojiError> {
        let Some(location) = self.glyph(emoji).and_then(|g| self.location(g)) else {
            return Ok(None);
        };
        // A picture is a few KB; anything near this is not one (a damaged font file).
        if location.data_size > 1 << 20 {
            return Err(EmojiError::Format("picture too large"));
        }
        // Only the picture's record is read from the file. read-fonts reads a record out
        // of a whole CBDT table, so it is given one that holds just this record, after
        // the table's header, with the location moved to match.
        let record = read_at(
            &mut self.file,
            self.cbdt + location.data_offset as u64,
            location.data_size,
        )?;
        let table = [self.cbdt_header.as_slice(), &record].concat();
        let cbdt = Cbdt::read(FontData::new(&table))?;
        let here = BitmapLocation {
            data_offset: self.cbdt_header.len(),
            ..location
        };
        let BitmapContent::Data(BitmapDataFormat::Png, png) = cbdt.data(&here)?.content else {
            return Err(EmojiError::Format("picture is not a PNG"));
        };
        Ok(Some(shrink(&decode(png)?, PICTURE_PX)))
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
    fn a_file_that_is_no_font_is_an_error() {
        let not_a_font = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        assert!(EmojiFont::open(&not_a_font).is_err());
        let empty = tempfile::NamedTempFile::new().expect("file");
        assert!(EmojiFont::open(empty.path()).is_err());
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

    /// The resident memory opening the system's emoji font costs (the tables it keeps),
    /// for docs/benchmarks.md: `cargo test -p openchat --lib -- --ignored --nocapture
    /// font_tables`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn font_tables_weigh() {
        let Some(path) = find() else {
            eprintln!("no colour emoji font here: nothing to weigh");
            return;
        };
        let rss_kib = || -> u64 {
            std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| {
                    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?.to_owned();
                    line.split_whitespace().nth(1)?.parse().ok()
                })
                .unwrap_or(0)
        };
        // Opened once first, so the thread's allocator arena is set up before measuring.
        drop(EmojiFont::open(&path));
        let before = rss_kib();
        let font = EmojiFont::open(&path).expect("font");
        let after = rss_kib();
        println!(
            "emoji font tables: {} KiB resident, of which the tables kept {} KiB",
            after.saturating_sub(before),
            font.tables_size() / 1024
        );
    }
}
