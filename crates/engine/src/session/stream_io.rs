//! The syscalls of a session: one read into a buffer, vectored writes of
//! a transmit queue; both non-blocking, edge-triggered aware.

use std::io::{self, IoSlice};
use std::os::fd::RawFd;

use bytes::BytesMut;
use ferrozmq_zmtp::frame::TransmitQueue;

use super::Failure;

/// Whether everything queued was written.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Flushed {
    /// The queue is empty.
    All,
    /// The socket buffer is full; wait for writable.
    Blocked,
}

/// Reads once into the free space of `buf`, at most `limit` bytes; sets
/// `eof` when the peer closed its side; returns whether more may be
/// waiting. A short read means the socket is drained unless the peer
/// `hung_up` (its close came with the data, in the same edge-triggered
/// event): then read on to the end.
pub(super) fn read_once(
    fd: RawFd,
    buf: &mut BytesMut,
    limit: usize,
    eof: &mut bool,
    hung_up: bool,
) -> Result<bool, Failure> {
    let space = (buf.capacity() - buf.len()).min(limit);
    read_outcome(crate::sys::read_into(fd, buf, space), space, eof, hung_up)
}

/// What a read of at most `space` bytes says: whether to read on (it
/// filled its space, or the peer hung up and the rest must be taken, or a
/// signal cut it short), the end of the stream (`eof`), or a failure.
fn read_outcome(
    read: io::Result<usize>,
    space: usize,
    eof: &mut bool,
    hung_up: bool,
) -> Result<bool, Failure> {
    match read {
        Ok(0) => {
            *eof = true;
            Ok(false)
        }
        Ok(n) => Ok(n == space || hung_up),
        Err(e) => match e.kind() {
            io::ErrorKind::WouldBlock => Ok(false),
            io::ErrorKind::Interrupted => Ok(true),
            _ => Err(e.into()),
        },
    }
}

/// Reads the rest of a large body (at most `remaining` bytes into `body`)
/// and, in the same `readv`, the start of what follows it (at most
/// `next_limit` bytes into `next`): the read that ends a body also brings
/// the next frame's header, and a body that ends where the socket drained
/// is seen to (a short read) without a second read to find the socket
/// empty. Otherwise as [`read_once`].
pub(super) fn read_body_and_next(
    fd: RawFd,
    body: &mut BytesMut,
    remaining: usize,
    next: &mut BytesMut,
    next_limit: usize,
    eof: &mut bool,
    hung_up: bool,
) -> Result<bool, Failure> {
    let first = (body.capacity() - body.len()).min(remaining);
    let space = first + (next.capacity() - next.len()).min(next_limit);
    let read = crate::sys::read_into_two(fd, body, remaining, next, next_limit);
    read_outcome(read, space, eof, hung_up)
}

/// Bodies from this size are written by a `sendmsg` of their own.
const LARGE_BODY: usize = 64 * 1024;

/// When a large body follows a few small slices (its frame header, and
/// maybe other small frames), how many slices come before it: those are
/// written first, with MSG_MORE, and the body starts the next `sendmsg`.
///
/// Measured (benches/RESULTS.md, session 7): 1 MiB REQ/REP round trips
/// over tcp took 1.5-2 times as long, and as much more system time on each
/// side, with the 11-octet header and the body in one two-part `sendmsg`
/// as with the header sent first with MSG_MORE and the body alone (the
/// same bytes in the same TCP segments: MSG_MORE holds the header back
/// until the body joins it; without MSG_MORE the header goes alone, and
/// that was as slow). The kernel-side reason was not pinned down.
fn head_before_large_body(slices: &[IoSlice<'_>]) -> Option<usize> {
    let k = slices.iter().position(|s| s.len() >= LARGE_BODY)?;
    let head: usize = slices.get(..k)?.iter().map(|s| s.len()).sum();
    (k > 0 && head < LARGE_BODY).then_some(k)
}

/// Writes as much of `q` as the stream `fd` takes.
pub(super) fn write_queue(fd: RawFd, q: &mut TransmitQueue) -> Result<Flushed, Failure> {
    loop {
        if q.is_empty() {
            return Ok(Flushed::All);
        }
        let mut slices = [IoSlice::new(&[]); 64];
        let n = q.io_slices(&mut slices);
        let slices = slices.get(..n).unwrap_or(&[]);
        let head = head_before_large_body(slices);
        let written = match head {
            Some(k) => crate::sys::send_vectored_more(fd, slices.get(..k).unwrap_or(&[]), true),
            None => crate::sys::send_vectored(fd, slices),
        };
        match written {
            Ok(0) => return Err(Failure::Closed),
            Ok(w) => q.advance(w),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flushed::Blocked),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_that_ends_a_body_brings_the_next_frames_start() {
        use std::io::Write;
        use std::os::fd::AsRawFd;
        let (mut peer, ours) = std::os::unix::net::UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let fd = ours.as_raw_fd();
        let mut body = BytesMut::with_capacity(100);
        let mut next = BytesMut::with_capacity(64);
        let mut eof = false;
        // Part of the body: all of it goes into the body, none further.
        peer.write_all(&[1; 30]).unwrap();
        let more = read_body_and_next(fd, &mut body, 100, &mut next, 16, &mut eof, false);
        assert!(!more.unwrap(), "a short read drained the socket");
        assert_eq!((body.len(), next.len()), (30, 0));
        // The body's end and what follows: split where the body ends, and
        // the second part bounded by its limit.
        peer.write_all(&[2; 70]).unwrap();
        peer.write_all(&[3; 40]).unwrap();
        let more = read_body_and_next(fd, &mut body, 70, &mut next, 16, &mut eof, false);
        assert!(more.unwrap(), "a full read may have left bytes");
        assert_eq!(body.as_ref(), [[1; 30].as_slice(), &[2; 70]].concat());
        assert_eq!(next.as_ref(), [3; 16]);
        // Nothing left for the body: the rest goes after it.
        let more = read_body_and_next(fd, &mut body, 0, &mut next, 64, &mut eof, false);
        assert!(!more.unwrap());
        assert_eq!(next.as_ref(), [3; 40]);
        // Drained, then closed.
        let more = read_body_and_next(fd, &mut body, 0, &mut next, 64, &mut eof, false);
        assert!(!more.unwrap() && !eof);
        drop(peer);
        let more = read_body_and_next(fd, &mut body, 0, &mut next, 64, &mut eof, false);
        assert!(!more.unwrap() && eof);
    }

    #[test]
    fn a_large_body_after_small_slices_starts_a_write_of_its_own() {
        let header = [0u8; 9];
        let small = [1u8; 100];
        let large = vec![2u8; LARGE_BODY];
        let head = |parts: &[&[u8]]| {
            let slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
            head_before_large_body(&slices)
        };
        // Header, body: the header goes first.
        assert_eq!(head(&[&header, &large]), Some(1));
        // Small frames before it go with the header.
        assert_eq!(head(&[&header, &small, &header, &large, &header]), Some(3));
        // A body first (its header is written) or no large body: one write.
        assert_eq!(head(&[&large, &header, &large]), None);
        assert_eq!(head(&[&header, &small, &header, &small]), None);
        assert_eq!(head(&[]), None);
        // Much before it: one write, as before.
        let much = vec![3u8; LARGE_BODY - 1];
        assert_eq!(head(&[&much, &header, &large]), None);
        assert_eq!(head(&[&much, &large]), Some(1));
    }
}
