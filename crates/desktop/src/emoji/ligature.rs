//! The colour emoji font's ligatures (its `GSUB` table, lookups of type 4, also behind
//! extension lookups of type 7): how a sequence of glyphs — people joined with U+200D, a
//! flag's two letters, an emoji and its skin tone — becomes the one glyph whose picture is
//! drawn. The table is kept as read (50 KB for Noto Color Emoji, less than the map of its
//! 3,985 sequences would take) and looked up with `read-fonts` when an emoji is drawn. Only
//! what emoji fonts use is consulted: no contextual lookups, no script or feature selection
//! (an emoji font's ligatures all apply).

use read_fonts::tables::gsub::{Gsub, SubstitutionSubtables};
use read_fonts::types::GlyphId;
use read_fonts::{FontData, FontRead as _, ReadError};

/// A font's `GSUB` table, or none (a sequence is then drawn as its parts).
pub(super) struct Ligatures {
    gsub: Vec<u8>,
}

impl Ligatures {
    pub(super) fn none() -> Self {
        Self { gsub: Vec::new() }
    }

    /// Checks the table's header and lookup list once, so that a damaged table is reported
    /// once at start rather than silently at every emoji.
    pub(super) fn read(gsub: Vec<u8>) -> Result<Self, ReadError> {
        Gsub::read(FontData::new(&gsub))?.lookup_list()?;
        Ok(Self { gsub })
    }

    /// Bytes kept in memory (for the font's weight in docs/benchmarks.md).
    pub(super) fn size(&self) -> usize {
        self.gsub.len()
    }

    /// The ligature glyph of a sequence of glyphs (two or more), if the font has one. The
    /// first ligature listed wins, as in a shaper; a damaged lookup or subtable is skipped,
    /// as a shaper skips it.
    pub(super) fn get(&self, glyphs: &[GlyphId]) -> Option<GlyphId> {
        let (first, rest) = glyphs.split_first()?;
        let lookups = Gsub::read(FontData::new(&self.gsub))
            .ok()?
            .lookup_list()
            .ok()?;
        for lookup in lookups.lookups().iter().flatten() {
            // `subtables` looks through extension lookups (type 7) to what they hold.
            let Ok(SubstitutionSubtables::Ligature(subtables)) = lookup.subtables() else {
                continue;
            };
            for subtable in subtables.iter().flatten() {
                let Some(set) = subtable
                    .coverage()
                    .ok()
                    .and_then(|coverage| coverage.get(*first))
                    .and_then(|i| subtable.ligature_sets().get(usize::from(i)).ok())
                else {
                    continue;
                };
                for ligature in set.ligatures().iter().flatten() {
                    let components = ligature.component_glyph_ids();
                    if components.len() == rest.len()
                        && components
                            .iter()
                            .zip(rest)
                            .all(|(c, g)| GlyphId::from(c.get()) == *g)
                    {
                        return Some(ligature.ligature_glyph().into());
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GSUB table with one ligature lookup: glyphs 5 + 7 → 40, 5 + 8 + 9 → 41, then
    /// 5 + 7 → 42 (listed later, so never used). `extension`: the lookup is an extension
    /// lookup (type 7) holding the ligature subtable, as large fonts write them.
    fn table(extension: bool) -> Vec<u8> {
        let mut t = vec![0, 1, 0, 0, 0, 0, 0, 0, 0, 10]; // header; lookup list at 10
        t.extend([0, 1, 0, 4]); // one lookup, at 4 from the list
        if extension {
            t.extend([0, 7, 0, 0, 0, 1, 0, 8]); // type 7, one subtable at 8 from the lookup
            t.extend([0, 1, 0, 4, 0, 0, 0, 8]); // extension of type 4, its subtable at 8
        } else {
            t.extend([0, 4, 0, 0, 0, 1, 0, 8]); // type 4, one subtable at 8 from the lookup
        }
        // Subtable: format 1, coverage at 8, one ligature set at 14.
        t.extend([0, 1, 0, 8, 0, 1, 0, 14]);
        t.extend([0, 1, 0, 1, 0, 5]); // coverage: glyph 5
        // Ligature set: three ligatures, at 8, 14 and 22 from it.
        t.extend([0, 3, 0, 8, 0, 14, 0, 22]);
        t.extend([0, 40, 0, 2, 0, 7]);
        t.extend([0, 41, 0, 3, 0, 8, 0, 9]);
        t.extend([0, 42, 0, 2, 0, 7]);
        t
    }

    fn glyphs(ids: &[u16]) -> Vec<GlyphId> {
        ids.iter().copied().map(GlyphId::from).collect()
    }

    #[test]
    fn ligatures_are_found_from_their_components() {
        for extension in [false, true] {
            let found = Ligatures::read(table(extension)).expect("parsed");
            assert_eq!(found.get(&glyphs(&[5, 7])), Some(GlyphId::new(40)));
            assert_eq!(found.get(&glyphs(&[5, 8, 9])), Some(GlyphId::new(41)));
            assert_eq!(found.get(&glyphs(&[5, 8])), None, "a part of a sequence");
            assert_eq!(found.get(&glyphs(&[7, 5])), None, "not covered");
            assert_eq!(found.get(&glyphs(&[5])), None);
        }
        assert_eq!(Ligatures::none().get(&glyphs(&[5, 7])), None);
    }

    #[test]
    fn a_damaged_table_is_an_error_or_no_ligature_not_a_panic() {
        // A header cut short is an error; a table cut later reads, without those ligatures.
        assert!(Ligatures::read(table(false)[..8].to_vec()).is_err());
        for extension in [false, true] {
            let whole = table(extension);
            // Up to the last byte of 5 + 8 + 9 (the last ligature, 6 bytes, comes after it).
            for end in 14..whole.len() - 6 {
                if let Ok(cut) = Ligatures::read(whole[..end].to_vec()) {
                    assert_eq!(cut.get(&glyphs(&[5, 8, 9])), None, "cut at {end}");
                }
            }
        }
    }
}
