//! Limits the engine sets where the application set none.

/// The largest frame a peer may announce when `ZMQ_MAXMSGSIZE` is unset:
/// the machine's physical memory. A larger frame could never be held, so
/// its connection is dropped as soon as the header arrives rather than
/// after the peer has made us buffer what it sent of it. libzmq has the same
/// effect by failing to allocate the announced size (Linux refuses a single
/// allocation above RAM + swap under its default overcommit rule); we do not
/// reserve announced sizes up front, so the bound is stated instead.
pub fn frame_size_ceiling() -> u64 {
    static CEILING: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *CEILING.get_or_init(|| crate::sys::physical_memory().unwrap_or(i64::MAX as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_is_the_machines_memory() {
        let ceiling = frame_size_ceiling();
        // Somewhere between a small board and the largest servers.
        assert!(ceiling >= 64 << 20, "{ceiling}");
        assert!(ceiling < 1 << 50, "{ceiling}");
    }
}
