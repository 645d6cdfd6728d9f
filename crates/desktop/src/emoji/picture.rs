//! An emoji's PNG, from the font, into the RGBA picture the timeline draws: decoded with
//! the `png` crate, then shrunk once to the size it is drawn at (the font's pictures are
//! 136 × 128; a timeline line draws them 20 px tall).

use super::{EmojiError, Picture};

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
