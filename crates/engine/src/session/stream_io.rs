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
    match crate::sys::read_into(fd, buf, space) {
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

/// Writes as much of `q` as the stream `fd` takes.
pub(super) fn write_queue(fd: RawFd, q: &mut TransmitQueue) -> Result<Flushed, Failure> {
    loop {
        if q.is_empty() {
            return Ok(Flushed::All);
        }
        let mut slices = [IoSlice::new(&[]); 64];
        let n = q.io_slices(&mut slices);
        let written = crate::sys::send_vectored(fd, slices.get(..n).unwrap_or(&[]));
        match written {
            Ok(0) => return Err(Failure::Closed),
            Ok(w) => q.advance(w),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Flushed::Blocked),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}
