//! [`PipeMap`]: a hash map keyed by [`PipeId`] with a one-multiplication
//! hash. Pipe ids are numbers the process hands out in sequence, never
//! input from a peer, so SipHash's resistance to chosen keys buys nothing,
//! and it cost about 2 % of a proxy's CPU (one lookup per message when the
//! sending peer changes).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use ferrozmq_engine::PipeId;

/// A map from pipe ids.
pub(crate) type PipeMap<V> = HashMap<PipeId, V, BuildHasherDefault<PipeIdHasher>>;

/// Fibonacci hashing of the id's one `u64`: consecutive ids land in
/// different buckets, and the top bits the table also uses are mixed.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PipeIdHasher(u64);

/// 2^64 divided by the golden ratio, odd.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for PipeIdHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Not used by `PipeId` (its one field hashes as a u64); any bytes
        // still hash consistently.
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(GOLDEN);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn consecutive_ids_spread_over_buckets() {
        let build = BuildHasherDefault::<PipeIdHasher>::default();
        let buckets: std::collections::HashSet<u64> =
            (1..=64u64).map(|n| build.hash_one(n) & 63).collect();
        assert!(buckets.len() > 32, "{} buckets of 64", buckets.len());
    }
}
