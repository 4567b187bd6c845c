//! The readiness descriptor as `AsFd`/`AsRawFd`, for event loops.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use super::Socket;
use crate::error::{ErrorKind, Result};

impl Socket {
    /// The readiness descriptor (ZMQ_FD), borrowed: the fallible form of
    /// [`AsFd::as_fd`]. It fails only when no descriptor can be created
    /// (the process is out of them).
    ///
    /// The descriptor is edge-triggered, as libzmq's: it becomes readable
    /// when [`Socket::events`] may have changed. After each wake, read
    /// `events()` (which re-arms it) and send or receive until it says
    /// nothing is ready; do not wait on the descriptor again before that.
    pub fn readiness_fd(&self) -> Result<BorrowedFd<'_>> {
        self.link
            .signaler
            .borrowed_fd()
            .ok_or_else(|| ErrorKind::NoMemory.into())
    }
}

/// The readiness descriptor, for registering a socket with an event loop
/// (`epoll`, mio, tokio's `AsyncFd`, async-io); see
/// [`Socket::readiness_fd`] for its edge-triggered contract.
///
/// # Panics
///
/// If the descriptor does not exist yet and cannot be created because the
/// process is out of file descriptors; [`Socket::readiness_fd`] reports
/// that as an error instead.
impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self.readiness_fd() {
            Ok(fd) => fd,
            // `AsFd` cannot fail; this is documented above.
            #[allow(clippy::panic)]
            Err(e) => panic!("ferrozmq: no readiness descriptor for the socket: {e}"),
        }
    }
}

/// The readiness descriptor's number, as [`AsFd`] gives it (same panics).
impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.as_fd().as_raw_fd()
    }
}
