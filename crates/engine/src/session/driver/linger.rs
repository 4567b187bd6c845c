//! When a closing session gives up: the socket's LINGER (or the value in
//! force at a disconnect) bounds how long queued messages may still wait.

use std::time::{Duration, Instant};

/// The session's closing state.
#[derive(Debug, Clone, Default)]
pub(super) struct Linger {
    /// The session stops reconnecting and ends once its queue is flushed.
    terminating: bool,
    /// The socket's close (and its linger then) has been taken into account.
    close_seen: bool,
    deadline: Option<Instant>,
}

/// What the socket side says about closing, as of `now`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SocketState {
    /// The socket has closed.
    pub(crate) closed: bool,
    /// The socket closed our pipe (a STREAM socket closing one peer).
    pub(crate) pipe_closed: bool,
    /// The LINGER recorded at the last close or disconnect, if any
    /// (`Some(None)`: forever).
    pub(crate) linger: Option<Option<Duration>>,
    /// The LINGER the session was started with.
    pub(crate) default_linger: Option<Duration>,
}

impl Linger {
    /// Unbind/disconnect: stop reconnecting, flush within linger, then end.
    pub(super) fn terminate(&mut self) {
        self.terminating = true;
    }

    pub(super) fn is_terminating(&self) -> bool {
        self.terminating
    }

    pub(super) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    pub(super) fn expired(&self, now: Instant) -> bool {
        self.deadline.is_some_and(|d| now >= d)
    }

    /// Takes the socket's state into account. The socket's linger at close
    /// bounds every wait, even one begun earlier (a disconnect, or a STREAM
    /// closing this connection).
    pub(super) fn observe(&mut self, now: Instant, socket: SocketState) {
        if socket.closed && !self.close_seen {
            self.close_seen = true;
            if let Some(linger) = socket.linger {
                self.terminating = true;
                let d = linger_end(now, linger);
                self.deadline = Some(self.deadline.map_or(d, |x| x.min(d)));
            }
        }
        let closed = socket.closed || socket.pipe_closed;
        if (closed || self.terminating) && self.deadline.is_none() {
            self.terminating = true;
            let linger = socket.linger.unwrap_or(socket.default_linger);
            self.deadline = Some(linger_end(now, linger));
        }
    }
}

/// When a wait of `linger` (`None` = forever) that starts `now` ends.
fn linger_end(now: Instant, linger: Option<Duration>) -> Instant {
    now + linger.unwrap_or(Duration::from_secs(u64::from(u32::MAX)))
}
