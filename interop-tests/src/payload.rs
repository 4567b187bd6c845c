//! The deterministic messages every peer sends and checks.
//!
//! Message `i` with direction `tag` (0 = request / from the binder, 1 = reply
//! / from the connecter) is a function of `(i, tag)` alone, so each side can
//! rebuild what it expects and compare every byte. The same formulas are
//! written in `peers/python/peer.py`, `peers/c/peer.c` and
//! `peers/java/Peer.java`; change them together.
//!
//! - frames: `1 + (3i + tag) % 4`
//! - frame `j` size: `100_000 + tag` when `j == 0 && i % 1000 == 500`
//!   (ten large frames per 10,000 messages); else 0 when
//!   `(7i + 13j + 5tag) % 23 == 0` (empty frames); else `(37i + 101j + 11tag) % 700`
//!   (so short and long frame headers both occur)
//! - byte `k` of frame `j`: `(31i + 7j + 3tag + k) % 251`

use std::sync::OnceLock;

use bytes::Bytes;

/// Size of the large frames.
pub const LARGE: usize = 100_000;

/// Period of the byte pattern (a prime, so frames do not line up).
const PERIOD: usize = 251;

/// How many frames message `i` has.
pub fn frame_count(i: u32, tag: u32) -> u32 {
    1 + (3 * i + tag) % 4
}

/// The size of frame `j` of message `i`.
pub fn frame_size(i: u32, tag: u32, j: u32) -> usize {
    if j == 0 && i % 1000 == 500 {
        LARGE + tag as usize
    } else if (7 * i + 13 * j + 5 * tag) % 23 == 0 {
        0
    } else {
        ((37 * i + 101 * j + 11 * tag) % 700) as usize
    }
}

/// Where frame `j` of message `i` starts in the byte pattern.
fn frame_start(i: u32, tag: u32, j: u32) -> usize {
    ((31 * i + 7 * j + 3 * tag) % PERIOD as u32) as usize
}

/// The frames of message `i` (zero-copy slices of one shared pattern).
pub fn message(i: u32, tag: u32) -> Vec<Bytes> {
    (0..frame_count(i, tag))
        .map(|j| {
            let start = frame_start(i, tag, j);
            pattern().slice(start..start + frame_size(i, tag, j))
        })
        .collect()
}

/// Checks `frames` against message `i`, naming the first difference.
pub fn check(i: u32, tag: u32, frames: &[Bytes]) -> Result<(), String> {
    let expected = message(i, tag);
    if frames.len() != expected.len() {
        return Err(format!(
            "message {i}: {} frames, expected {}",
            frames.len(),
            expected.len()
        ));
    }
    for (j, (got, want)) in frames.iter().zip(&expected).enumerate() {
        if got.len() != want.len() {
            return Err(format!(
                "message {i} frame {j}: {} bytes, expected {}",
                got.len(),
                want.len()
            ));
        }
        if let Some(k) = got.iter().zip(want.iter()).position(|(a, b)| a != b) {
            return Err(format!(
                "message {i} frame {j}: byte {k} differs ({:#04x}, expected {:#04x})",
                got.get(k).copied().unwrap_or_default(),
                want.get(k).copied().unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// `PERIOD + LARGE + 1` bytes of `x % PERIOD`, enough for any frame.
fn pattern() -> &'static Bytes {
    static PATTERN: OnceLock<Bytes> = OnceLock::new();
    PATTERN.get_or_init(|| {
        (0..PERIOD + LARGE + 1)
            .map(|x| (x % PERIOD) as u8)
            .collect::<Vec<u8>>()
            .into()
    })
}
