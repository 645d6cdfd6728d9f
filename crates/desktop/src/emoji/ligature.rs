//! The colour emoji font's ligatures (its `GSUB` table, lookups of type 4, also behind
//! extension lookups of type 7): how a sequence of glyphs — people joined with U+200D, a
//! flag's two letters, an emoji and its skin tone — becomes the one glyph whose picture is
//! drawn. Only what emoji fonts use is read: no contextual lookups, no script or feature
//! selection (an emoji font's ligatures all apply).

use std::collections::HashMap;

use super::{EmojiError, be16, usize32};

/// Component glyphs (the first included) → the ligature's glyph.
pub(super) type Ligatures = HashMap<Vec<u16>, u16>;

const LIGATURE: u16 = 4;
const EXTENSION: u16 = 7;

/// Every ligature of the `GSUB` table.
pub(super) fn ligatures(gsub: &[u8]) -> Result<Ligatures, EmojiError> {
    let list = usize::from(be16(gsub, 8)?);
    let count = usize::from(be16(gsub, list)?);
    let mut found = Ligatures::new();
    for l in 0..count {
        let lookup = list + usize::from(be16(gsub, list + 2 + l * 2)?);
        let kind = be16(gsub, lookup)?;
        let subtables = usize::from(be16(gsub, lookup + 4)?);
        for s in 0..subtables {
            let mut table = lookup + usize::from(be16(gsub, lookup + 6 + s * 2)?);
            let mut table_kind = kind;
            if kind == EXTENSION {
                table_kind = be16(gsub, table + 2)?;
                table += usize32(gsub, table + 4)?;
            }
            if table_kind == LIGATURE {
                ligature_subtable(gsub, table, &mut found)?;
            }
        }
    }
    Ok(found)
}

/// A ligature substitution subtable (format 1): for each first glyph its coverage lists,
/// a set of ligatures, each the rest of its components and the glyph they become.
fn ligature_subtable(gsub: &[u8], table: usize, found: &mut Ligatures) -> Result<(), EmojiError> {
    if be16(gsub, table)? != 1 {
        return Err(EmojiError::Format("unknown ligature subtable format"));
    }
    let firsts = coverage(gsub, table + usize::from(be16(gsub, table + 2)?))?;
    let sets = usize::from(be16(gsub, table + 4)?);
    for (i, first) in firsts.into_iter().enumerate().take(sets) {
        let set = table + usize::from(be16(gsub, table + 6 + i * 2)?);
        let count = usize::from(be16(gsub, set)?);
        for n in 0..count {
            let ligature = set + usize::from(be16(gsub, set + 2 + n * 2)?);
            let glyph = be16(gsub, ligature)?;
            let components = usize::from(be16(gsub, ligature + 2)?);
            let mut sequence = Vec::with_capacity(components);
            sequence.push(first);
            for c in 1..components {
                sequence.push(be16(gsub, ligature + 4 + (c - 1) * 2)?);
            }
            // The first ligature listed wins, as in a shaper.
            found.entry(sequence).or_insert(glyph);
        }
    }
    Ok(())
}

/// The glyphs a coverage table lists, in coverage order (formats 1 and 2).
fn coverage(gsub: &[u8], table: usize) -> Result<Vec<u16>, EmojiError> {
    let count = usize::from(be16(gsub, table + 2)?);
    match be16(gsub, table)? {
        1 => (0..count).map(|i| be16(gsub, table + 4 + i * 2)).collect(),
        2 => {
            let mut glyphs = Vec::new();
            for r in 0..count {
                let range = table + 4 + r * 6;
                let (start, end) = (be16(gsub, range)?, be16(gsub, range + 2)?);
                glyphs.extend(start..=end);
            }
            Ok(glyphs)
        }
        _ => Err(EmojiError::Format("unknown coverage format")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GSUB table with one ligature lookup: glyphs 5 + 7 → 40, 5 + 8 + 9 → 41.
    fn table() -> Vec<u8> {
        let mut t = vec![0, 1, 0, 0, 0, 0, 0, 0, 0, 10]; // header; lookup list at 10
        t.extend([0, 1, 0, 4]); // one lookup, at 4 from the list
        t.extend([0, 4, 0, 0, 0, 1, 0, 8]); // type 4, one subtable at 8 from the lookup
        // Subtable (at 22): format 1, coverage at 8, one ligature set at 14.
        t.extend([0, 1, 0, 8, 0, 1, 0, 14]);
        t.extend([0, 1, 0, 1, 0, 5]); // coverage: glyph 5
        // Ligature set: two ligatures, at 6 and 12 from it.
        t.extend([0, 2, 0, 6, 0, 12]);
        t.extend([0, 40, 0, 2, 0, 7]);
        t.extend([0, 41, 0, 3, 0, 8, 0, 9]);
        t
    }

    /// The resident memory opening the system's emoji font costs (its character map,
    /// bitmap index and ligatures), for docs/benchmarks.md:
    /// `cargo test -p openchat --lib -- --ignored --nocapture font_tables`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn font_tables_weigh() {
        let Some(path) = super::super::find() else {
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
        drop(super::super::EmojiFont::open(&path));
        let before = rss_kib();
        let font = super::super::EmojiFont::open(&path).expect("font");
        let with_ligatures = rss_kib();
        let ligatures = font.ligatures.len();
        let components: usize = font.ligatures.keys().map(Vec::len).sum();
        // Their share, by size: each key's buffer, plus a map entry (key, glyph, control).
        let ligature_bytes = font.ligatures.capacity()
            * (std::mem::size_of::<(Vec<u16>, u16)>() + 1)
            + components * 2
            + ligatures * 16;
        println!(
            "emoji font tables: {} KiB resident, of which ligatures about {} KiB \
             ({ligatures} ligatures, {components} components)",
            with_ligatures.saturating_sub(before),
            ligature_bytes / 1024
        );
    }

    #[test]
    fn ligatures_are_read_from_their_components() {
        let found = ligatures(&table()).expect("parsed");
        assert_eq!(found.get(&vec![5, 7]), Some(&40));
        assert_eq!(found.get(&vec![5, 8, 9]), Some(&41));
        assert_eq!(found.len(), 2);
        // Cut short: an error, not a panic.
        assert!(ligatures(&table()[..30]).is_err());
    }
}
