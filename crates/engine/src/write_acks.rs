//! Write acknowledgements: how far a session has written a pipe's messages
//! to its connection (into the kernel's socket buffer), so that a socket
//! keeping a durable spool can forget what reached the wire.
//!
//! The session numbers the messages it takes from the pipe 0, 1, 2, ... in
//! the order the socket pushed them (the pipe is FIFO, so that number is
//! the socket's push index, [`Pipe::sent_count`](crate::Pipe::sent_count)
//! before the push). It *settles* them in that order: written once a flush
//! emptied the transmit queue, or lost when the connection dropped with
//! them still unwritten. Lost ranges are recorded before the settled count
//! moves past them, so a reader that loads the count first and then takes
//! the lost ranges sees every loss below the count.
//!
//! Cost without a spool: one atomic add per flushed batch, none per message.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// A pipe's write progress, shared by the session (writer) and the socket
/// (reader). See the module docs.
#[derive(Debug, Default)]
pub struct WriteAcks {
    /// Messages taken from the pipe and settled (written or lost).
    settled: AtomicU64,
    /// Take-order indices of messages lost with a connection.
    lost: Mutex<Vec<Range<u64>>>,
    /// The socket waits for acknowledgements (e.g. its spool is full).
    wanted: AtomicBool,
}

impl WriteAcks {
    /// Messages taken from the pipe and settled so far (written to the
    /// connection, or lost with it: see [`WriteAcks::take_lost`]).
    pub fn settled(&self) -> u64 {
        self.settled.load(Ordering::SeqCst)
    }

    /// The ranges of take-order indices lost since the last call. Call it
    /// after [`WriteAcks::settled`]: every loss below that count is in it.
    pub fn take_lost(&self) -> Vec<Range<u64>> {
        match self.lost.lock() {
            Ok(mut lost) if !lost.is_empty() => std::mem::take(&mut *lost),
            _ => Vec::new(),
        }
    }

    /// Asks to be woken (through the socket's signaler) at the next
    /// settlement. Re-check [`WriteAcks::settled`] after asking.
    pub fn want_wake(&self) {
        self.wanted.store(true, Ordering::SeqCst);
    }

    /// Session: `n` more messages were written; returns whether the socket
    /// asked to be woken.
    pub(crate) fn written(&self, n: u64) -> bool {
        self.settled.fetch_add(n, Ordering::SeqCst);
        self.wanted.load(Ordering::SeqCst) && self.wanted.swap(false, Ordering::SeqCst)
    }

    /// Session: `n` more messages were lost with the connection.
    pub(crate) fn lost(&self, n: u64) -> bool {
        let start = self.settled.load(Ordering::SeqCst);
        if let Ok(mut lost) = self.lost.lock() {
            lost.push(start..start + n);
        }
        self.written(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn losses_below_the_settled_count_are_reported_once() {
        let acks = WriteAcks::default();
        assert!(!acks.written(3));
        acks.want_wake();
        assert!(acks.lost(2));
        assert!(!acks.written(1));
        assert_eq!(acks.settled(), 6);
        assert_eq!(acks.take_lost(), vec![3..5]);
        assert!(acks.take_lost().is_empty());
    }
}
