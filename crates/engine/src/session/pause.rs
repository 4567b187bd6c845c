//! Drain's side of a session: it stops reading, for good.
//!
//! Paused, a session reads nothing more from its connection (no new
//! messages for the socket) and takes nothing more from the socket's pipe,
//! so the socket may take back what is left there. What it already took
//! (encoded in its write buffer) is still written. It does not reconnect:
//! a paused session whose connection is gone, or that has none, ends.

use super::{Session, State};

impl Session {
    /// Pauses the session (see the module docs). Runs on the session's I/O
    /// thread between two of its turns, so no read of the pipe is under
    /// way; the pipe's reading role goes back to the socket here.
    pub(crate) fn pause(&mut self) {
        if self.paused {
            return;
        }
        self.paused = true;
        if let Some(pipe) = &self.pipe {
            // An offer of the connection's reads is withdrawn: nothing more
            // is read from the peer. (No lease is out: the socket, which
            // drains, is not blocked in a receive.)
            pipe.direct.reclaim_reads();
            pipe.resign_reader();
        }
        if !matches!(self.state, State::Active(_) | State::Raw(_) | State::Dead) {
            self.state = self.end();
        }
    }
}
