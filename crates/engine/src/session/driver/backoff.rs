//! Reconnect backoff as libzmq paces it: each delay is the current
//! interval plus a random part of ZMQ_RECONNECT_IVL (so that many peers of
//! a restarted server do not all come back at once); the interval starts
//! at ZMQ_RECONNECT_IVL, doubles after each failed round up to
//! ZMQ_RECONNECT_IVL_MAX (when that is above ZMQ_RECONNECT_IVL; else it
//! stays), and starts over once a connection is established.

use std::time::Duration;

/// The delay before the next reconnect round.
#[derive(Debug, Clone)]
pub(super) struct Backoff {
    initial: Option<Duration>,
    max: Duration,
    next: Option<Duration>,
}

impl Backoff {
    /// `initial` = `None`: never reconnect.
    pub(super) fn new(initial: Option<Duration>, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            next: initial,
        }
    }

    /// The delay to wait now (`None`: give up): the current interval plus a
    /// random jitter below ZMQ_RECONNECT_IVL; the interval then doubles.
    pub(super) fn take(&mut self) -> Option<Duration> {
        let ivl = self.next?;
        let initial = self.initial?;
        if self.max > initial {
            self.next = Some((ivl * 2).min(self.max));
        }
        Some(ivl.saturating_add(jitter_below(initial)))
    }

    /// A connection succeeded: start again from the first delay.
    pub(super) fn reset(&mut self) {
        self.next = self.initial;
    }
}

/// A random duration in whole milliseconds below `limit` (zero for a limit
/// under 1 ms). Seeded per call from the standard library's randomly keyed
/// hasher: spreading reconnects needs no strong randomness.
fn jitter_below(limit: Duration) -> Duration {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static DRAWS: AtomicU64 = AtomicU64::new(0);
    let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
    if limit_ms == 0 {
        return Duration::ZERO;
    }
    let draw = std::collections::hash_map::RandomState::new()
        .hash_one(DRAWS.fetch_add(1, Ordering::Relaxed));
    Duration::from_millis(draw % limit_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Each delay's interval part, its jitter taken off: whole intervals
    /// of `ivl` below the delay.
    fn base(delay: Duration, ivl: Duration) -> Duration {
        let whole = delay.as_millis() / ivl.as_millis();
        ivl * u32::try_from(whole).unwrap()
    }

    #[test]
    fn doubles_up_to_the_max_and_resets() {
        let mut b = Backoff::new(Some(ms(100)), ms(500));
        let delays: Vec<_> = (0..5).map(|_| b.take().unwrap()).collect();
        let bases: Vec<_> = delays.iter().map(|&d| base(d, ms(100))).collect();
        assert_eq!(bases, [ms(100), ms(200), ms(400), ms(500), ms(500)]);
        b.reset();
        assert!(b.take().unwrap() < ms(200));
    }

    #[test]
    fn jitter_stays_below_the_interval_and_varies() {
        let mut b = Backoff::new(Some(ms(100)), Duration::ZERO);
        let delays: Vec<_> = (0..50).map(|_| b.take().unwrap()).collect();
        assert!(delays.iter().all(|d| (ms(100)..ms(200)).contains(d)));
        // 50 draws of 100 values: all alike has odds of 1 in 100^49.
        assert!(delays.iter().any(|&d| d != delays[0]));
    }

    #[test]
    fn a_max_below_the_interval_keeps_the_interval_and_no_ivl_means_never() {
        let mut b = Backoff::new(Some(ms(100)), ms(50));
        assert!((0..3).all(|_| base(b.take().unwrap(), ms(100)) == ms(100)));
        assert_eq!(Backoff::new(None, ms(500)).take(), None);
        let mut sub_ms = Backoff::new(Some(Duration::from_micros(500)), Duration::ZERO);
        assert_eq!(sub_ms.take(), Some(Duration::from_micros(500)));
    }
}
