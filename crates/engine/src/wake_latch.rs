//! [`WakeLatch`]: whether a session is already scheduled to run on its
//! I/O thread, so that a burst of notifications schedules it once.
//!
//! A notification closes the latch and, if it was open, hands back the
//! session's token for scheduling; the session opens it again at the start
//! of each run, before it looks at what the notifications were about. A
//! notification that comes before the session has a token (before its first
//! run) closes the latch and schedules nothing: that first run is coming
//! anyway. So a run must learn its token *before* it opens the latch, or a
//! notification landing between the two would close the latch with nothing
//! scheduled, and every later notification would find it closed (the lost
//! wake-up behind a rare hang of a fresh connection to a host name: the
//! resolver's answer never ran the session).

use crate::sync::{dekker_fence, AtomicBool, AtomicUsize, Ordering};

/// The token value meaning "not known yet".
const NO_TOKEN: usize = usize::MAX;

/// A session's "scheduled" flag and its token.
#[derive(Debug)]
pub(crate) struct WakeLatch {
    token: AtomicUsize,
    scheduled: AtomicBool,
}

impl WakeLatch {
    /// A latch for a session with no token yet.
    pub(crate) fn new() -> WakeLatch {
        WakeLatch {
            token: AtomicUsize::new(NO_TOKEN),
            scheduled: AtomicBool::new(false),
        }
    }

    /// The session's run begins (its token is `token`): later notifications
    /// schedule it again. Call before looking at the session's queues.
    pub(crate) fn begin_run(&self, token: usize) {
        if self.token.load(Ordering::SeqCst) != token {
            self.token.store(token, Ordering::SeqCst);
        }
        // A swap, not a store: the same instruction on x86 (a SeqCst store
        // is an `xchg`), and one loom's model of the fence pairing sees.
        self.scheduled.swap(false, Ordering::SeqCst);
        dekker_fence();
    }

    /// Something for the session happened (already recorded where the run
    /// will look): the token to schedule, or `None` when a run is already
    /// scheduled or the session has not had its first run.
    pub(crate) fn notify(&self) -> Option<usize> {
        dekker_fence();
        if self.scheduled.load(Ordering::SeqCst) || self.scheduled.swap(true, Ordering::SeqCst) {
            return None;
        }
        let token = self.token.load(Ordering::SeqCst);
        (token != NO_TOKEN).then_some(token)
    }

    /// The token, if known (for debugging output).
    pub(crate) fn token(&self) -> Option<usize> {
        let token = self.token.load(Ordering::Relaxed);
        (token != NO_TOKEN).then_some(token)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn notifications_before_the_first_run_schedule_nothing() {
        let latch = WakeLatch::new();
        assert_eq!(latch.notify(), None);
        latch.begin_run(7);
        assert_eq!(latch.notify(), Some(7));
        assert_eq!(latch.notify(), None, "already scheduled");
        latch.begin_run(7);
        assert_eq!(latch.notify(), Some(7));
    }
}
