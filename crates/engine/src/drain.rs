//! Drain across I/O threads: every thread pauses the socket's sessions and
//! closes its listeners, then acknowledges; the socket waits for all.
//!
//! The acknowledgement is a share of a [`DrainAck`] that each thread drops
//! once its part is done (and that a thread which never runs the command
//! drops with it), so the waiter cannot miss one.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Counts the I/O threads that have not finished their part of a drain.
#[derive(Debug)]
pub(crate) struct DrainAck {
    left: Mutex<usize>,
    done: Condvar,
}

/// One I/O thread's part: acknowledged when dropped.
#[derive(Debug)]
pub(crate) struct AckShare(Arc<DrainAck>);

impl DrainAck {
    /// An acknowledgement awaited from `threads` threads, and their shares.
    pub(crate) fn new(threads: usize) -> (Arc<DrainAck>, Vec<AckShare>) {
        let ack = Arc::new(DrainAck {
            left: Mutex::new(threads),
            done: Condvar::new(),
        });
        let shares = (0..threads).map(|_| AckShare(ack.clone())).collect();
        (ack, shares)
    }

    /// Waits until every share was dropped, looking at `give_up` every
    /// `POLL` (e.g. the context was terminated). True when all were.
    pub(crate) fn wait(&self, give_up: impl Fn() -> bool) -> bool {
        let Ok(mut left) = self.left.lock() else {
            return false;
        };
        while *left > 0 {
            if give_up() {
                return false;
            }
            left = match self.done.wait_timeout(left, POLL) {
                Ok((l, _)) => l,
                Err(_) => return false,
            };
        }
        true
    }
}

impl Drop for AckShare {
    fn drop(&mut self) {
        if let Ok(mut left) = self.0.left.lock() {
            *left = left.saturating_sub(1);
            self.0.done.notify_all();
        }
    }
}

/// How often a waiting drain looks whether to give up.
const POLL: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_every_share() {
        let (ack, mut shares) = DrainAck::new(2);
        shares.pop();
        let last = shares.pop().unwrap();
        let t = std::thread::spawn(move || drop(last));
        assert!(ack.wait(|| false));
        t.join().unwrap();
        let (ack, _kept) = DrainAck::new(1);
        assert!(!ack.wait(|| true), "gives up when told");
    }
}
