//! Large message bodies, recycled from one `zmq_msg_init_size` to the next.
//!
//! libzmq's `zmq_msg_init_size` is a bare `malloc`: the bytes are whatever
//! was there, and a sender that fills its 1 MiB body pays nothing more.
//! Ours must hand out initialised bytes, and zero-filling a fresh large
//! buffer costs a `memset` and, when the heap has returned its pages, a page
//! fault and a page clear per 4 KiB (most of the CPU time of a 1 MiB
//! sender, and all but 5 % of inproc 1 MiB throughput; benches/RESULTS.md).
//! So a large body that was sent goes back to a small pool when the last
//! reference to it is dropped (by the I/O thread after writing it, or by
//! the inproc receiver), and the next `zmq_msg_init_size` of a similar size
//! takes it as it is: its old bytes are initialised, so this is sound, and
//! like libzmq's `malloc` it leaves the caller unspecified contents.

use std::sync::Mutex;

use bytes::Bytes;

/// Bodies from this size are recycled (below it a fresh zeroed buffer costs
/// less than the pool's lock).
pub(super) const POOLED_FROM: usize = 16 * 1024;
/// Bodies kept at most.
const MAX_POOLED: usize = 8;
/// Bytes kept at most, all bodies together (a larger body is not kept).
const MAX_POOL_BYTES: usize = 32 * 1024 * 1024;

static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// A pooled body of exactly `size` bytes whose capacity is at most twice
/// `size`, if the pool has one. Its bytes are the last message's, except
/// that any part beyond what that message held is zeroed.
pub(super) fn take(size: usize) -> Option<Vec<u8>> {
    if size < POOLED_FROM {
        return None;
    }
    let mut body = {
        let mut pool = POOL.lock().ok()?;
        let i = pool
            .iter()
            .position(|b| b.capacity() >= size && b.capacity() / 2 <= size)?;
        pool.swap_remove(i)
    };
    if body.len() >= size {
        body.truncate(size);
    } else {
        body.resize(size, 0);
    }
    Some(body)
}

/// The bytes of `body`, shared, returned to the pool when the last
/// reference is dropped if it is large enough to be worth keeping.
pub(super) fn shared(body: Vec<u8>) -> Bytes {
    if body.capacity() < POOLED_FROM || body.capacity() > MAX_POOL_BYTES {
        return Bytes::from(body);
    }
    Bytes::from_owner(Recycled(body))
}

/// A sent body on its way back to the pool.
struct Recycled(Vec<u8>);

impl AsRef<[u8]> for Recycled {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        let body = std::mem::take(&mut self.0);
        if let Ok(mut pool) = POOL.lock() {
            let held: usize = pool.iter().map(Vec::capacity).sum();
            if pool.len() < MAX_POOLED && held + body.capacity() <= MAX_POOL_BYTES {
                pool.push(body);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_large_body_is_reused_with_its_bytes_and_small_ones_are_not() {
        // Small: never pooled.
        assert!(take(100).is_none());
        drop(shared(vec![1u8; 100]));
        assert!(take(100).is_none());

        // Large: back in the pool once the last reference is gone.
        let size = 3 * POOLED_FROM;
        let frame = shared(vec![7u8; size]);
        let ptr = frame.as_ptr();
        let other = frame.clone();
        drop(frame);
        assert!(take(size).is_none(), "still referenced");
        drop(other);
        let body = take(size).expect("recycled");
        assert_eq!(body.as_ptr(), ptr);
        assert_eq!(body.len(), size);
        assert!(body.iter().all(|&b| b == 7));

        // A smaller request takes a part; a larger one gets the tail zeroed;
        // one under half the capacity is not served from it.
        let frame = shared(body);
        drop(frame);
        let part = take(size - 10).expect("fits");
        assert_eq!(part.len(), size - 10);
        drop(shared(part));
        let grown = take(size).expect("capacity fits");
        assert!(grown[..size - 10].iter().all(|&b| b == 7));
        assert!(grown[size - 10..].iter().all(|&b| b == 0));
        drop(shared(grown));
        assert!(take(POOLED_FROM).is_none(), "too small for that capacity");
    }
}
