//! [`ReadGate`]: moves the reading end of an inproc queue from the peer
//! socket to the socket that wrote it, for drain.
//!
//! A queue has one reader. For tcp/ipc the reader of a socket's outbound
//! queue is a session, which the engine pauses with a mailbox command
//! (`Engine::drain_socket`). For inproc it is the peer socket, on a thread
//! we cannot ask: every read it makes passes through this gate, and the
//! writer revokes the gate before it takes what is left.
//!
//! The protocol is Dekker's: the reader raises `reading` and then looks at
//! `revoked`; the revoker raises `revoked` and then waits for `reading` to
//! fall. With SeqCst on both sides, one of them sees the other: either the
//! reader sees the revocation and reads nothing, or the revoker waits for
//! the read to finish, whose Release store makes the reader's pop happen
//! before every pop of the new reader.

use crate::sync::{dekker_fence, AtomicBool, Ordering};

/// Guards the reading role of one queue direction (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct ReadGate {
    reading: AtomicBool,
    revoked: AtomicBool,
}

impl ReadGate {
    /// A gate open to its reader.
    pub(crate) fn new() -> ReadGate {
        ReadGate::default()
    }

    /// Reader: runs `read` unless the role was revoked (then `None`).
    #[inline]
    pub(crate) fn read<T>(&self, read: impl FnOnce() -> Option<T>) -> Option<T> {
        self.reading.store(true, Ordering::SeqCst);
        dekker_fence();
        if self.revoked.load(Ordering::SeqCst) {
            self.reading.store(false, Ordering::Release);
            return None;
        }
        let got = read();
        self.reading.store(false, Ordering::Release);
        got
    }

    /// Takes the reading role for good: returns once the old reader is out
    /// of its last read, after which the caller is the only reader.
    pub(crate) fn revoke(&self) {
        self.revoked.store(true, Ordering::SeqCst);
        dekker_fence();
        while self.reading.load(Ordering::SeqCst) {
            yield_now();
        }
    }

    /// Whether [`ReadGate::revoke`] was called.
    pub(crate) fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::Acquire)
    }
}

#[cfg(not(loom))]
fn yield_now() {
    std::thread::yield_now();
}

#[cfg(loom)]
fn yield_now() {
    loom::thread::yield_now();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_gate_reads_nothing() {
        let gate = ReadGate::new();
        assert_eq!(gate.read(|| Some(1)), Some(1));
        assert!(!gate.is_revoked());
        gate.revoke();
        assert!(gate.is_revoked());
        assert_eq!(gate.read(|| Some(2)), None);
    }
}
