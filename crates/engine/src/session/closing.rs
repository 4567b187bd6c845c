//! A graceful close: once everything queued for the peer has been written,
//! the session sends its FIN and then reads (and drops) what the peer
//! still sends until the peer closes too, before it closes its descriptor.
//!
//! Closing a TCP connection that has unread bytes, or that receives any
//! later, makes Linux answer with a reset, and a reset makes the peer's
//! kernel drop what it had received and not yet handed to the peer's
//! application: the last messages sent. A peer with heartbeats sends PINGs
//! until it has read everything, so a sender that closed right after its
//! last write lost the tail of a stream to a slow reader (libzmq 4.3
//! closes that way and loses it too). A ZMTP peer closes as soon as it has
//! read our FIN, after the last message, so the wait is short; it is
//! bounded by the socket's linger and by [`LINGERING_CLOSE_MAX`].

use std::io;
use std::time::{Duration, Instant};

use mio::Interest;

use super::Ctx;
use crate::transport::Stream;

/// Longest wait for the peer to close after our FIN.
pub(super) const LINGERING_CLOSE_MAX: Duration = Duration::from_secs(2);

/// A connection whose write side is shut down, waiting for the peer's end.
#[derive(Debug)]
pub(super) struct Closing {
    stream: Stream,
    until: Instant,
}

impl Closing {
    /// Shuts down the write side of `stream` and waits for the peer until
    /// `until` (at most [`LINGERING_CLOSE_MAX`] from `now`); `Err` gives
    /// the stream back when there is nothing to wait for (the deadline has
    /// passed, or the shutdown failed: the connection is gone).
    pub(super) fn begin(
        ctx: &mut Ctx<'_>,
        mut stream: Stream,
        until: Instant,
    ) -> Result<Closing, Stream> {
        let until = until.min(ctx.now + LINGERING_CLOSE_MAX);
        if until <= ctx.now || stream.shutdown_write().is_err() {
            return Err(stream);
        }
        // Only the peer's bytes and its close matter now.
        if ctx
            .registry
            .reregister(&mut stream, ctx.token, Interest::READABLE)
            .is_err()
        {
            return Err(stream);
        }
        let mut closing = Closing { stream, until };
        if closing.drain() {
            return Err(closing.stream);
        }
        Ok(closing)
    }

    /// Reads and drops what has arrived; whether the wait is over (the
    /// peer closed, the connection failed, or the deadline passed).
    pub(super) fn drive(&mut self, now: Instant) -> bool {
        self.drain() || now >= self.until
    }

    /// When the wait ends at the latest.
    pub(super) fn deadline(&self) -> Instant {
        self.until
    }

    /// The stream, to deregister and close.
    pub(super) fn stream_mut(&mut self) -> &mut Stream {
        &mut self.stream
    }

    /// Reads until the socket would block; true at the peer's end (or an
    /// error, which ends the wait as well).
    fn drain(&mut self) -> bool {
        let mut buf = [0u8; 4096];
        loop {
            match self.stream.read_some(&mut buf) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return true,
            }
        }
    }
}
