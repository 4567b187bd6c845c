//! The I/O thread's part of a drain (see `crate::drain`).

use mio::Token;

use super::{Reactor, Slot};
use crate::link::SocketId;

impl Reactor {
    /// Closes the socket's listeners and pauses its sessions, then gives
    /// each a turn (to finish writing what it took, or to end).
    pub(super) fn drain_socket(&mut self, socket: SocketId) {
        let mut listeners = Vec::new();
        let mut sessions = Vec::new();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match slot {
                Some(Slot::Listener(l)) if l.link.id() == socket => listeners.push(Token(i)),
                Some(Slot::Session(s)) if s.socket_id() == socket => {
                    s.pause();
                    sessions.push(Token(i));
                }
                _ => {}
            }
        }
        for token in listeners {
            self.close_listener(token);
        }
        for token in sessions {
            self.dispatch(token);
        }
    }
}
