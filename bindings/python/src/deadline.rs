//! A timeout turned into a deadline, for blocking calls retried after EINTR.

use std::time::{Duration, Instant};

/// A timeout in ms (negative: none) turned into a deadline, so that a call
/// retried after EINTR waits only for what is left.
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    pub(crate) fn new(timeout_ms: i64) -> Deadline {
        Deadline(
            u64::try_from(timeout_ms)
                .ok()
                .map(|ms| Instant::now() + Duration::from_millis(ms)),
        )
    }

    /// What is left (`None`: forever).
    pub(crate) fn left(&self) -> Option<Duration> {
        self.0.map(|d| d.saturating_duration_since(Instant::now()))
    }
}
