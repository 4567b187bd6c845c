//! The spool's record format: length-prefixed, CRC-32-checked records.
//!
//! ```text
//! record := len: u32 LE | crc32(body): u32 LE | body (len bytes)
//! body   := 1 | seq: u64 LE | frames: u32 LE | (frame len: u32 LE | bytes)*   a message
//!         | 2 | seq: u64 LE *                                                   acknowledgements
//! ```
//!
//! A record that is cut short or fails its checksum ends the readable part
//! of a segment (a torn tail: the process died mid-write).

use bytes::Bytes;

/// One record of a segment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Record {
    /// A message accepted by `send`, all its frames.
    Message { seq: u64, frames: Vec<Bytes> },
    /// Messages written to a peer's connection: they need not be replayed.
    Acks(Vec<u64>),
}

/// Why reading stopped before the end of a segment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Torn {
    /// The bytes end inside a record.
    Short,
    /// A record's checksum or structure is wrong.
    Corrupt,
}

const MESSAGE: u8 = 1;
const ACKS: u8 = 2;
const HEADER: usize = 8;
/// Larger records are taken for corruption (a garbage length), and larger
/// messages are not spooled.
pub(crate) const MAX_RECORD: usize = 1 << 31;

/// The size of a message record's body (at most [`MAX_RECORD`] to be
/// spooled).
pub(crate) fn message_size(frames: &[Bytes]) -> usize {
    1 + 8 + 4 + frames.iter().map(|f| 4 + f.len()).sum::<usize>()
}

/// Appends the encoding of a message record to `out` (its size checked
/// with [`message_size`]).
pub(crate) fn encode_message(seq: u64, frames: &[Bytes], out: &mut Vec<u8>) {
    let start = begin(out, message_size(frames));
    out.push(MESSAGE);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&(frames.len() as u32).to_le_bytes());
    for frame in frames {
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(frame);
    }
    finish(out, start);
}

/// Appends the encoding of an acknowledgement record to `out`.
pub(crate) fn encode_acks(seqs: &[u64], out: &mut Vec<u8>) {
    let start = begin(out, 1 + 8 * seqs.len());
    out.push(ACKS);
    for seq in seqs {
        out.extend_from_slice(&seq.to_le_bytes());
    }
    finish(out, start);
}

/// Decodes the record at the start of `bytes`; returns it and its size.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Record, usize), Torn> {
    let (len, crc) = match (u32_at(bytes, 0), u32_at(bytes, 4)) {
        (Some(len), Some(crc)) => (len as usize, crc),
        _ => return Err(Torn::Short),
    };
    if len == 0 || len > MAX_RECORD {
        return Err(Torn::Corrupt);
    }
    let body = bytes.get(HEADER..HEADER + len).ok_or(Torn::Short)?;
    if crc32fast::hash(body) != crc {
        return Err(Torn::Corrupt);
    }
    let record = parse_body(body).ok_or(Torn::Corrupt)?;
    Ok((record, HEADER + len))
}

fn parse_body(body: &[u8]) -> Option<Record> {
    let (&kind, rest) = body.split_first()?;
    match kind {
        MESSAGE => {
            let seq = u64_at(rest, 0)?;
            let count = u32_at(rest, 8)? as usize;
            let mut at = 12;
            let mut frames = Vec::with_capacity(count.min(64));
            for _ in 0..count {
                let len = u32_at(rest, at)? as usize;
                let frame = rest.get(at + 4..at + 4 + len)?;
                frames.push(Bytes::copy_from_slice(frame));
                at += 4 + len;
            }
            (at == rest.len()).then_some(Record::Message { seq, frames })
        }
        ACKS if rest.len() % 8 == 0 => {
            let seqs = rest.chunks_exact(8).filter_map(|c| u64_at(c, 0)).collect();
            Some(Record::Acks(seqs))
        }
        _ => None,
    }
}

/// Reserves the header; returns where the record starts.
fn begin(out: &mut Vec<u8>, body_len: usize) -> usize {
    let start = out.len();
    out.extend_from_slice(&(body_len as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    start
}

/// Fills in the checksum of the body written since `start`.
fn finish(out: &mut [u8], start: usize) {
    let crc = crc32fast::hash(out.get(start + HEADER..).unwrap_or(&[]));
    if let Some(slot) = out.get_mut(start + 4..start + HEADER) {
        slot.copy_from_slice(&crc.to_le_bytes());
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let mut out = Vec::new();
        let frames = vec![
            Bytes::from_static(b"a"),
            Bytes::new(),
            Bytes::from_static(b"xyz"),
        ];
        encode_message(7, &frames, &mut out);
        encode_acks(&[1, 2, 9], &mut out);
        let (first, n) = decode(&out).unwrap();
        assert_eq!(first, Record::Message { seq: 7, frames });
        let (second, m) = decode(&out[n..]).unwrap();
        assert_eq!(second, Record::Acks(vec![1, 2, 9]));
        assert_eq!(n + m, out.len());
    }

    #[test]
    fn cut_and_flipped_records_are_torn() {
        let mut out = Vec::new();
        encode_message(1, &[Bytes::from_static(b"hello")], &mut out);
        for cut in 0..out.len() {
            assert_eq!(
                decode(&out[..cut]).unwrap_err(),
                Torn::Short,
                "cut at {cut}"
            );
        }
        let last = out.len() - 1;
        out[last] ^= 0x40;
        assert_eq!(decode(&out).unwrap_err(), Torn::Corrupt);
    }
}
