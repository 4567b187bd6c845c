//! [`SpinBudget`]: how long a waiter spins before it sleeps, learned from
//! how its waits end.
//!
//! Spinning pays when the awaited message comes within microseconds (a
//! reply, a busy stream): a sleep and a wake-up cost more. It costs when
//! the message is far off, most of all when there are more busy threads
//! than cores (a publisher's hundred subscriber processes on two cores
//! spent their time spinning and yielding to each other: 0.49x libzmq's
//! deliveries, 2.4x its CPU). So a wait that had to sleep long halves the
//! budget, and one whose sleep was short (the spin just missed) doubles it,
//! up to the configured rounds (FERROZMQ_SPIN, 200 by default).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// A sleep shorter than this would have been caught by a longer spin.
const SHORT_SLEEP: Duration = Duration::from_micros(50);
/// Where a budget that fell to nothing starts again after a short sleep.
const RESTART: u32 = 16;

/// The rounds a waiter spins before sleeping; owned by one waiting thread
/// at a time (atomic only to be shared in its `Signaler`).
#[derive(Debug)]
pub(crate) struct SpinBudget {
    rounds: AtomicU32,
    max: u32,
}

impl SpinBudget {
    /// A budget starting at, and never above, `max` rounds.
    pub(crate) fn new(max: u32) -> SpinBudget {
        SpinBudget {
            rounds: AtomicU32::new(max),
            max,
        }
    }

    /// How many rounds to spin now.
    #[inline]
    pub(crate) fn rounds(&self) -> u32 {
        self.rounds.load(Ordering::Relaxed)
    }

    /// The spin found nothing and the waiter slept for `slept`.
    pub(crate) fn spun_in_vain(&self, slept: Duration) {
        let rounds = self.rounds();
        let next = if slept < SHORT_SLEEP {
            rounds.saturating_mul(2).max(RESTART).min(self.max)
        } else {
            rounds / 2
        };
        self.rounds.store(next, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sleeps_stop_the_spin_and_short_ones_bring_it_back() {
        let budget = SpinBudget::new(200);
        assert_eq!(budget.rounds(), 200);
        for _ in 0..8 {
            budget.spun_in_vain(Duration::from_millis(5));
        }
        assert_eq!(budget.rounds(), 0);
        budget.spun_in_vain(Duration::from_micros(10));
        assert_eq!(budget.rounds(), RESTART);
        for _ in 0..4 {
            budget.spun_in_vain(Duration::from_micros(10));
        }
        assert_eq!(budget.rounds(), 200);
    }

    #[test]
    fn a_budget_of_nothing_stays_nothing() {
        let budget = SpinBudget::new(0);
        budget.spun_in_vain(Duration::from_micros(1));
        assert_eq!(budget.rounds(), 0);
    }
}
