//! Reconnect backoff: ZMQ_RECONNECT_IVL, doubled after each failed round up
//! to ZMQ_RECONNECT_IVL_MAX (zero: no backoff), back to the start once a
//! connection is established.

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

    /// The delay to wait now (`None`: give up), and the next one doubled.
    pub(super) fn take(&mut self) -> Option<Duration> {
        let ivl = self.next?;
        if !self.max.is_zero() {
            self.next = Some((ivl * 2).min(self.max));
        }
        Some(ivl)
    }

    /// A connection succeeded: start again from the first delay.
    pub(super) fn reset(&mut self) {
        self.next = self.initial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn doubles_up_to_the_max_and_resets() {
        let mut b = Backoff::new(Some(ms(100)), ms(500));
        let delays: Vec<_> = (0..5).map(|_| b.take().unwrap()).collect();
        assert_eq!(delays, [ms(100), ms(200), ms(400), ms(500), ms(500)]);
        b.reset();
        assert_eq!(b.take(), Some(ms(100)));
    }

    #[test]
    fn no_max_means_no_backoff_and_no_ivl_means_never() {
        let mut b = Backoff::new(Some(ms(100)), Duration::ZERO);
        assert_eq!([b.take(), b.take()], [Some(ms(100)), Some(ms(100))]);
        assert_eq!(Backoff::new(None, ms(500)).take(), None);
    }
}
