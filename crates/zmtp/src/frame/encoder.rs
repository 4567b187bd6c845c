//! Frame encoding.

use bytes::Bytes;

use super::{Framing, TransmitQueue, FLAG_COMMAND, FLAG_LONG, FLAG_MORE, SHORT_MAX};

/// Appends one frame to `out`: the header is copied in, and the body is copied
/// when small or queued by reference when large (see [`TransmitQueue`]).
///
/// Command frames exist only in ZMTP 3.x; callers never pass `command` for
/// older framings.
pub fn encode_frame(
    framing: Framing,
    more: bool,
    command: bool,
    body: Bytes,
    out: &mut TransmitQueue,
) {
    let mut header = [0u8; 10];
    let header_len = write_header(framing, more, command, body.len(), &mut header);
    out.push_header_and_body(header.get(..header_len).unwrap_or(&[]), body);
}

/// Writes a frame header into `header` and returns its length (2, 9 or 10
/// octets); for callers that write the body themselves.
pub fn write_header(
    framing: Framing,
    more: bool,
    command: bool,
    size: usize,
    header: &mut [u8; 10],
) -> usize {
    let mut flags = 0u8;
    if more {
        flags |= FLAG_MORE;
    }
    match framing {
        Framing::V3 | Framing::V2 => {
            if command && framing == Framing::V3 {
                flags |= FLAG_COMMAND;
            }
            if size > SHORT_MAX {
                header[0] = flags | FLAG_LONG;
                header[1..9].copy_from_slice(&(size as u64).to_be_bytes());
                9
            } else {
                header[0] = flags;
                header[1] = size as u8;
                2
            }
        }
        Framing::V1 => {
            let counted = size as u64 + 1;
            if counted < 0xFF {
                header[0] = counted as u8;
                header[1] = flags;
                2
            } else {
                header[0] = 0xFF;
                header[1..9].copy_from_slice(&counted.to_be_bytes());
                header[9] = flags;
                10
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(framing: Framing, more: bool, command: bool, body: &[u8]) -> Vec<u8> {
        let mut q = TransmitQueue::new();
        encode_frame(framing, more, command, Bytes::copy_from_slice(body), &mut q);
        q.to_vec()
    }

    #[test]
    fn headers_match_rfc() {
        assert_eq!(encoded(Framing::V3, true, false, b"ab"), [1, 2, b'a', b'b']);
        assert_eq!(encoded(Framing::V3, false, true, b"a"), [4, 1, b'a']);
        let long = encoded(Framing::V3, false, false, &[0u8; 256]);
        assert_eq!(&long[..9], &[2, 0, 0, 0, 0, 0, 0, 1, 0]);
        assert_eq!(encoded(Framing::V1, true, false, b"ab"), [3, 1, b'a', b'b']);
        let v1long = encoded(Framing::V1, false, false, &[0u8; 254]);
        assert_eq!(&v1long[..10], &[0xFF, 0, 0, 0, 0, 0, 0, 0, 255, 0]);
    }
}
