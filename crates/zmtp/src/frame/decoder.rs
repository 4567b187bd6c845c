//! The streaming frame decoder.

use bytes::{Buf, BytesMut};

use super::{Frame, Framing, FLAG_COMMAND, FLAG_LONG, FLAG_MORE};
use crate::error::{Error, Result};

/// Decodes frames from bytes that arrive in arbitrary slices.
///
/// The caller owns the read buffer: append what the socket produced, then call
/// [`Decoder::decode`] until it returns `Ok(None)`. Each frame's body is split
/// off the buffer without copying. A body is not buffered beyond what has
/// arrived, so an announced size costs no memory until its bytes come, and a
/// size above the limit fails at once.
#[derive(Debug, Clone)]
pub struct Decoder {
    framing: Framing,
    max_frame_size: Option<u64>,
    pending: Option<Header>,
}

#[derive(Debug, Clone, Copy)]
struct Header {
    more: bool,
    command: bool,
    size: usize,
}

impl Decoder {
    /// A decoder for `framing`; `max_frame_size` is ZMQ_MAXMSGSIZE (`None` = unlimited).
    pub fn new(framing: Framing, max_frame_size: Option<u64>) -> Decoder {
        Decoder {
            framing,
            max_frame_size,
            pending: None,
        }
    }

    /// The framing this decoder speaks.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Switches framing (after the greeting chose one). Only valid between frames.
    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
    }

    /// Changes the size limit (when the handshake ends), keeping any frame in
    /// progress; fails if that frame is already above the new limit.
    pub(crate) fn set_max_frame_size(&mut self, max_frame_size: Option<u64>) -> Result<()> {
        self.max_frame_size = max_frame_size;
        match (self.pending, max_frame_size) {
            (Some(h), Some(max)) if h.size as u64 > max => Err(Error::MessageTooLarge {
                size: h.size as u64,
                max,
            }),
            _ => Ok(()),
        }
    }

    /// Bytes still needed to finish the frame in progress, if known; a hint for
    /// how much to reserve before the next read.
    pub fn bytes_needed(&self, buf: &BytesMut) -> usize {
        match self.pending {
            Some(h) => h.size.saturating_sub(buf.len()),
            None => 0,
        }
    }

    /// The size of the frame whose header has been decoded but whose body
    /// has not all arrived, if any (the bytes of it already read are what
    /// the caller's buffer holds).
    pub fn pending_size(&self) -> Option<usize> {
        self.pending.map(|h| h.size)
    }

    /// Ends the frame in progress with a body of `len` octets that the
    /// caller read on its own (see [`Decoder::pending_size`]): its
    /// `(more, command)` flags. Fails when no frame is in progress or
    /// `len` is not its size.
    pub fn take_pending(&mut self, len: usize) -> Result<(bool, bool)> {
        match self.pending {
            Some(h) if h.size == len => {
                self.pending = None;
                Ok((h.more, h.command))
            }
            _ => Err(Error::Misuse("body does not match the frame in progress")),
        }
    }

    /// Takes the next complete frame off the front of `buf`, if there is one.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>> {
        let header = match self.pending.take() {
            Some(h) => h,
            None => match self.parse_header(buf)? {
                Some(h) => h,
                None => return Ok(None),
            },
        };
        if buf.len() < header.size {
            self.pending = Some(header);
            return Ok(None);
        }
        let body = buf.split_to(header.size).freeze();
        Ok(Some(Frame {
            more: header.more,
            command: header.command,
            body,
        }))
    }

    fn parse_header(&self, buf: &mut BytesMut) -> Result<Option<Header>> {
        let (header, header_len) = match self.framing {
            Framing::V3 | Framing::V2 => match parse_flags_first(buf, self.framing)? {
                Some(found) => found,
                None => return Ok(None),
            },
            Framing::V1 => match parse_size_first(buf)? {
                Some(found) => found,
                None => return Ok(None),
            },
        };
        if let Some(max) = self.max_frame_size {
            if header.size as u64 > max {
                return Err(Error::MessageTooLarge {
                    size: header.size as u64,
                    max,
                });
            }
        }
        buf.advance(header_len);
        Ok(Some(header))
    }
}

/// A frame header read without consuming it ([`peek_header`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeekedHeader {
    /// The MORE flag: further frames of the message follow.
    pub more: bool,
    /// The COMMAND flag (ZMTP 3).
    pub command: bool,
    /// The body's size in octets.
    pub size: usize,
    /// The header's own size in octets (2 or 9).
    pub len: usize,
}

/// Reads the ZMTP 2.0/3.x frame header at the front of `buf` without
/// consuming anything: `Ok(None)` while it is incomplete, an error for
/// reserved flags or an impossible size, exactly as [`Decoder`] judges it.
pub fn peek_header(buf: &[u8], framing: Framing) -> Result<Option<PeekedHeader>> {
    Ok(
        parse_flags_first(buf, framing)?.map(|(h, len)| PeekedHeader {
            more: h.more,
            command: h.command,
            size: h.size,
            len,
        }),
    )
}

/// ZMTP 2.0/3.x: flags, then a 1- or 8-octet size.
fn parse_flags_first(buf: &[u8], framing: Framing) -> Result<Option<(Header, usize)>> {
    let Some(&flags) = buf.first() else {
        return Ok(None);
    };
    let allowed = match framing {
        Framing::V3 => FLAG_MORE | FLAG_LONG | FLAG_COMMAND,
        _ => FLAG_MORE | FLAG_LONG,
    };
    if flags & !allowed != 0 {
        return Err(Error::Malformed("reserved frame flag bits set"));
    }
    let command = flags & FLAG_COMMAND != 0;
    let more = flags & FLAG_MORE != 0;
    if command && more {
        return Err(Error::Malformed("command frame with MORE flag"));
    }
    let (size, header_len) = if flags & FLAG_LONG != 0 {
        let Some(raw) = buf.get(1..9) else {
            return Ok(None);
        };
        (read_u64(raw), 9)
    } else {
        let Some(&size) = buf.get(1) else {
            return Ok(None);
        };
        (u64::from(size), 2)
    };
    let size = checked_size(size)?;
    Ok(Some((
        Header {
            more,
            command,
            size,
        },
        header_len,
    )))
}

/// ZMTP 1.0: a size that counts the flags octet, then the flags.
fn parse_size_first(buf: &[u8]) -> Result<Option<(Header, usize)>> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let (size, size_len) = if first == 0xFF {
        let Some(raw) = buf.get(1..9) else {
            return Ok(None);
        };
        (read_u64(raw), 9)
    } else {
        (u64::from(first), 1)
    };
    if size == 0 {
        return Err(Error::Malformed("ZMTP 1.0 frame without flags octet"));
    }
    let Some(&flags) = buf.get(size_len) else {
        return Ok(None);
    };
    let size = checked_size(size - 1)?;
    Ok(Some((
        Header {
            more: flags & FLAG_MORE != 0,
            command: false,
            size,
        },
        size_len + 1,
    )))
}

fn read_u64(raw: &[u8]) -> u64 {
    raw.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

fn checked_size(size: u64) -> Result<usize> {
    if size > i64::MAX as u64 {
        return Err(Error::Malformed("frame size above 2^63-1"));
    }
    usize::try_from(size).map_err(|_| Error::Malformed("frame size does not fit in memory"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(framing: Framing, bytes: &[u8], one_at_a_time: bool) -> Vec<Frame> {
        let mut dec = Decoder::new(framing, None);
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let step = if one_at_a_time { 1 } else { bytes.len().max(1) };
        for chunk in bytes.chunks(step) {
            buf.extend_from_slice(chunk);
            while let Some(f) = dec.decode(&mut buf).unwrap() {
                out.push(f);
            }
        }
        assert!(buf.is_empty());
        out
    }

    #[test]
    fn short_long_and_command_frames() {
        let mut bytes = vec![0x01, 3, b'a', b'b', b'c', 0x00, 0];
        bytes.extend_from_slice(&[0x02, 0, 0, 0, 0, 0, 0, 1, 0]);
        bytes.extend(std::iter::repeat_n(7u8, 256));
        bytes.extend_from_slice(&[0x04, 2, 1, b'x']);
        for one in [false, true] {
            let frames = decode_all(Framing::V3, &bytes, one);
            assert_eq!(frames.len(), 4);
            assert_eq!(frames[0], Frame::data(&b"abc"[..], true));
            assert_eq!(frames[1], Frame::data(&b""[..], false));
            assert_eq!(frames[2].body.len(), 256);
            assert_eq!(frames[3], Frame::command(&[1u8, b'x'][..]));
        }
    }

    #[test]
    fn v1_size_counts_flags() {
        let bytes = [4, 0x01, b'a', b'b', b'c', 1, 0x00];
        let frames = decode_all(Framing::V1, &bytes, true);
        assert_eq!(frames[0], Frame::data(&b"abc"[..], true));
        assert_eq!(frames[1], Frame::data(&b""[..], false));
        let mut dec = Decoder::new(Framing::V1, None);
        assert!(dec.decode(&mut BytesMut::from(&[0u8, 0][..])).is_err());
    }

    #[test]
    fn rejects_bad_flags_and_sizes() {
        let mut dec = Decoder::new(Framing::V3, None);
        assert!(dec.decode(&mut BytesMut::from(&[0x08u8, 0][..])).is_err());
        assert!(dec.decode(&mut BytesMut::from(&[0x05u8, 0][..])).is_err());
        let huge = [0x02u8, 0x80, 0, 0, 0, 0, 0, 0, 0];
        assert!(dec.decode(&mut BytesMut::from(&huge[..])).is_err());
        let mut v2 = Decoder::new(Framing::V2, None);
        assert!(v2.decode(&mut BytesMut::from(&[0x04u8, 0][..])).is_err());
    }

    #[test]
    fn limit_change_keeps_the_frame_in_progress() {
        let mut dec = Decoder::new(Framing::V3, Some(1 << 20));
        let mut buf = BytesMut::from(&[0x00u8, 4, b'a', b'b'][..]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        dec.set_max_frame_size(Some(4)).unwrap();
        buf.extend_from_slice(b"cd");
        assert_eq!(
            dec.decode(&mut buf),
            Ok(Some(Frame::data(&b"abcd"[..], false)))
        );
        // A frame in progress above the new limit is refused at once.
        let mut dec = Decoder::new(Framing::V3, Some(1 << 20));
        let mut buf = BytesMut::from(&[0x00u8, 9, b'a'][..]);
        assert_eq!(dec.decode(&mut buf), Ok(None));
        assert_eq!(
            dec.set_max_frame_size(Some(8)),
            Err(Error::MessageTooLarge { size: 9, max: 8 })
        );
    }

    #[test]
    fn enforces_max_size_before_buffering() {
        let mut dec = Decoder::new(Framing::V3, Some(10));
        let mut buf = BytesMut::from(&[0x00u8, 11][..]);
        assert_eq!(
            dec.decode(&mut buf),
            Err(Error::MessageTooLarge { size: 11, max: 10 })
        );
        let mut ok = BytesMut::from(&[0x00u8, 10][..]);
        assert_eq!(dec.decode(&mut ok), Ok(None));
        assert_eq!(dec.bytes_needed(&ok), 10);
    }
}
