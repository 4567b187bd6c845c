//! The session's side of [`WriteAcks`](crate::write_acks::WriteAcks): it
//! settles the messages it took from the pipe once a flush wrote them, or
//! when the connection is lost with them unwritten.

use super::Session;
use crate::notify::Notify;

impl Session {
    /// `taken` messages were all written to the connection.
    pub(super) fn settle_written(&self, taken: &mut u64) {
        if *taken == 0 {
            return;
        }
        if let Some(pipe) = &self.pipe {
            if pipe.acks.written(*taken) {
                self.link.signaler.notify();
            }
        }
        *taken = 0;
    }

    /// `taken` messages were lost with the connection.
    pub(super) fn settle_lost(&self, taken: &mut u64) {
        if *taken == 0 {
            return;
        }
        if let Some(pipe) = &self.pipe {
            if pipe.acks.lost(*taken) {
                self.link.signaler.notify();
            }
        }
        *taken = 0;
    }
}
