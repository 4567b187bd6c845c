//! Freed-late handles: a closed socket or terminated context handle is kept
//! (with its contents taken out and its tag cleared) for a while, so that a
//! second `zmq_close` or `zmq_ctx_term` on it reads a dead tag and fails
//! with ENOTSOCK/EFAULT instead of reading freed memory. libzmq's reaper
//! frees its sockets late in the same way.

use std::collections::VecDeque;
use std::sync::Mutex;

/// Up to `size` dead handles of one kind, oldest freed first.
pub(crate) struct Graveyard<T> {
    graves: Mutex<VecDeque<Box<T>>>,
    size: usize,
}

impl<T> Graveyard<T> {
    /// An empty graveyard that keeps the last `size` handles.
    pub(crate) const fn new(size: usize) -> Self {
        Graveyard {
            graves: Mutex::new(VecDeque::new()),
            size,
        }
    }

    /// Keeps a dead handle, freeing the oldest beyond the size.
    pub(crate) fn bury(&self, handle: Box<T>) {
        let oldest = match self.graves.lock() {
            Ok(mut graves) => {
                graves.push_back(handle);
                (graves.len() > self.size).then(|| graves.pop_front())
            }
            // A poisoned lock: just free it (its contents were taken out).
            Err(_) => None,
        };
        drop(oldest);
    }
}
