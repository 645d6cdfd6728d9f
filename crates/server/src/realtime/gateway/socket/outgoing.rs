//! Server frames on their way to the socket: each frame's header (tungstenite's format, on
//! the stack) and the payload every recipient shares, gathered for one vectored write
//! (ADR 0028).

use std::io::IoSlice;

use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Data, OpCode};

/// The header of an unmasked, final text frame (RFC 6455 §5.2): at most 10 bytes from a
/// server.
pub(super) struct Header {
    bytes: [u8; 10],
    len: usize,
}

impl Header {
    pub(super) fn text(payload: usize) -> Self {
        let header = FrameHeader {
            opcode: OpCode::Data(Data::Text),
            ..FrameHeader::default()
        };
        let mut bytes = [0; 10];
        let mut out = &mut bytes[..];
        // Cannot fail: 10 bytes hold any unmasked header.
        let _ = header.format(payload as u64, &mut out);
        let len = 10 - out.len();
        Self { bytes, len }
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Byte slices written one after another, handed to the socket as a vectored write.
pub(super) struct Outgoing<'a> {
    parts: Vec<&'a [u8]>,
    /// The first part not yet written, and how much of it is.
    at: usize,
    offset: usize,
    remaining: usize,
}

impl<'a> Outgoing<'a> {
    pub(super) fn new(parts: impl Iterator<Item = &'a [u8]>) -> Self {
        let parts: Vec<&[u8]> = parts.collect();
        let remaining = parts.iter().map(|p| p.len()).sum();
        Self {
            parts,
            at: 0,
            offset: 0,
            remaining,
        }
    }
}

impl bytes::Buf for Outgoing<'_> {
    fn remaining(&self) -> usize {
        self.remaining
    }

    fn chunk(&self) -> &[u8] {
        self.parts.get(self.at).map_or(&[], |p| &p[self.offset..])
    }

    fn chunks_vectored<'b>(&'b self, dst: &mut [IoSlice<'b>]) -> usize {
        let mut filled = 0;
        for (i, part) in self.parts.iter().enumerate().skip(self.at) {
            if filled == dst.len() {
                break;
            }
            let part = if i == self.at {
                &part[self.offset..]
            } else {
                part
            };
            if !part.is_empty() {
                dst[filled] = IoSlice::new(part);
                filled += 1;
            }
        }
        filled
    }

    fn advance(&mut self, mut count: usize) {
        self.remaining -= count.min(self.remaining);
        while count > 0 {
            let Some(part) = self.parts.get(self.at) else {
                return;
            };
            let left = part.len() - self.offset;
            if count < left {
                self.offset += count;
                return;
            }
            count -= left;
            self.at += 1;
            self.offset = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Buf as _;
    use tungstenite::protocol::frame::Frame as WireFrame;
    use tungstenite::protocol::frame::coding::{Data, OpCode};

    use super::{Header, Outgoing};

    #[test]
    fn headers_are_tungstenite_s_for_every_length_class() {
        for len in [0, 1, 125, 126, 65_535, 65_536, 200_000] {
            let payload = vec![b'a'; len];
            let mut wire = Vec::new();
            let frame = WireFrame::message(payload.clone(), OpCode::Data(Data::Text), true);
            frame.format(&mut wire).unwrap();
            let mut ours = Header::text(len).as_bytes().to_vec();
            ours.extend_from_slice(&payload);
            assert_eq!(ours, wire, "payload of {len} bytes");
        }
    }

    #[test]
    fn parts_advance_across_and_within_parts() {
        /// What a vectored write of `parts` would write now.
        fn gathered(parts: &Outgoing<'_>) -> (usize, Vec<u8>) {
            let mut slices = [std::io::IoSlice::new(&[]); 8];
            let n = parts.chunks_vectored(&mut slices);
            (n, slices[..n].iter().flat_map(|s| s.to_vec()).collect())
        }
        let mut parts = Outgoing::new([&b"ab"[..], b"", b"cde", b"f"].into_iter());
        assert_eq!(parts.remaining(), 6);
        assert_eq!(
            gathered(&parts),
            (3, b"abcdef".to_vec()),
            "empty parts skipped"
        );
        parts.advance(3);
        assert_eq!(parts.chunk(), b"de");
        assert_eq!(parts.remaining(), 3);
        assert_eq!(gathered(&parts), (2, b"def".to_vec()));
        parts.advance(3);
        assert_eq!(parts.remaining(), 0);
        assert_eq!(parts.chunk(), b"");
    }
}
