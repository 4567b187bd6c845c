//! [`Throttle`]: "is it time again?" for work a hot loop need not do on
//! every turn, told by the CPU's tick counter (a few cycles, no system
//! call).

/// Says yes at most once per period (and always the first time, or after
/// [`Throttle::reset`]), as libzmq's sockets look at their command mailbox
/// at most once per `max_command_delay` while they send.
///
/// ```
/// use ferrozmq_engine::Throttle;
///
/// let mut t = Throttle::new(Throttle::TICKS_100_US);
/// assert!(t.due());
/// assert!(!t.due(), "again at once: not yet");
/// t.reset();
/// assert!(t.due());
/// ```
#[derive(Debug, Clone)]
pub struct Throttle {
    period: u64,
    /// Ticks at the last yes; `None` before it and after a reset.
    last: Option<u64>,
}

impl Throttle {
    /// About 100 µs in ticks (CPUs of 2–4 GHz; only an order of magnitude
    /// matters to a throttle).
    pub const TICKS_100_US: u64 = 250_000;

    /// A throttle that says yes at most once per `period` ticks.
    pub fn new(period: u64) -> Throttle {
        Throttle { period, last: None }
    }

    /// Whether the period has passed since the last yes (a yes starts the
    /// next period).
    #[inline]
    pub fn due(&mut self) -> bool {
        let now = crate::sys::ticks();
        match self.last {
            Some(last) if now.wrapping_sub(last) < self.period => false,
            _ => {
                self.last = Some(now);
                true
            }
        }
    }

    /// Makes the next [`Throttle::due`] say yes whatever the time.
    #[inline]
    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_once_per_period() {
        let mut t = Throttle::new(u64::MAX);
        assert!(t.due());
        assert!(!t.due());
        assert!(!t.due());
        t.reset();
        assert!(t.due());
        let mut every_time = Throttle::new(0);
        assert!(every_time.due() && every_time.due());
    }

    #[test]
    fn yes_again_once_the_period_passed() {
        let mut t = Throttle::new(1_000);
        assert!(t.due());
        let start = std::time::Instant::now();
        while !t.due() {
            assert!(start.elapsed() < std::time::Duration::from_secs(5));
        }
    }
}
