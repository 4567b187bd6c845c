//! [`Doorbell`]: how other threads hand work to a thread that sleeps in a
//! poll, waking it only when it sleeps (the I/O threads' `asleep`/`pending`).
//!
//! Dekker-style with SeqCst: a producer counts its work, then looks at the
//! sleeper's flag; the sleeper raises its flag, then looks at the count.
//! One of them sees the other, so work never waits for a sleeper that
//! nobody wakes (checked by the loom model in `loom_models`).

use crate::sync::{dekker_fence, AtomicBool, AtomicUsize, Ordering};

/// The work count and the sleeping flag of one consumer thread.
#[derive(Debug, Default)]
pub(crate) struct Doorbell {
    /// Work handed over and not yet taken.
    pending: AtomicUsize,
    /// The consumer is (about to be) blocked and needs a real wake-up.
    asleep: AtomicBool,
}

impl Doorbell {
    /// Producer: counts one piece of work (already queued). Returns
    /// whether the consumer sleeps, so the caller must wake it.
    pub(crate) fn ring(&self) -> bool {
        self.pending.fetch_add(1, Ordering::SeqCst);
        dekker_fence();
        self.asleep.load(Ordering::SeqCst)
    }

    /// Consumer, before blocking: raises the flag and says whether it may
    /// block (no work came in meanwhile). Call [`Doorbell::awake`] after.
    pub(crate) fn may_sleep(&self) -> bool {
        self.asleep.store(true, Ordering::SeqCst);
        dekker_fence();
        self.pending.load(Ordering::SeqCst) == 0
    }

    /// Consumer, after blocking (or deciding not to).
    pub(crate) fn awake(&self) {
        self.asleep.store(false, Ordering::SeqCst);
    }

    /// Consumer: one piece of work was taken.
    pub(crate) fn took(&self) {
        self.pending.fetch_sub(1, Ordering::SeqCst);
    }

    /// Whether work waits.
    pub(crate) fn has_work(&self) -> bool {
        self.pending.load(Ordering::SeqCst) > 0
    }
}
