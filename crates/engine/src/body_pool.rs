//! Buffers for large received bodies, reused once the application drops them.
//!
//! A large frame body is read straight into a buffer of its own (see
//! `session::zmtp::read_some`) and handed to the socket as that buffer;
//! when the last handle to the message goes, usually on the application's
//! thread, the buffer comes back here for the next body instead of going
//! to the allocator. A fresh buffer would be fresh pages for the kernel to
//! fault in and clear while it copies the body in (and mimalloc takes a
//! buffer freed on another thread back late, so without the pool every
//! body is fresh memory); a reused one is warm.
//!
//! One pool per I/O thread; it keeps at most [`MAX_POOLED`] buffers and
//! [`MAX_POOLED_BYTES`] in all, beyond which returned buffers are freed.

use std::sync::{Arc, Mutex};

use bytes::{Buf, BufMut, BytesMut};

/// Most buffers a pool keeps.
const MAX_POOLED: usize = 64;
/// Most bytes of capacity a pool keeps.
const MAX_POOLED_BYTES: usize = 32 * 1024 * 1024;

/// Where a body starts in its allocation: not at a page boundary. A large
/// allocation starts on one, and the kernel's copies out of such a body
/// (`sendmsg` of a message sent on) into its own page-aligned buffers ran
/// two to four times slower on this machine's AMD EPYC (measured: 1 MiB
/// REQ/REP round trips over tcp, 0.7-1.4 ms at offset 0 against 0.2-0.5 ms
/// at 64 to 2048; likely the 4 KiB aliasing of the copy's loads with its
/// stores). glibc's `malloc`, which libzmq uses, never starts a chunk on a
/// page boundary either.
const BODY_OFFSET: usize = 64;

/// Spare body buffers of one I/O thread.
#[derive(Debug, Default)]
pub(crate) struct BodyPool {
    free: Mutex<Spare>,
}

#[derive(Debug, Default)]
struct Spare {
    buffers: Vec<BytesMut>,
    bytes: usize,
}

impl BodyPool {
    /// An empty pool.
    pub(crate) fn new() -> Arc<BodyPool> {
        Arc::new(BodyPool::default())
    }

    /// An empty body of `size` bytes to fill: a spare buffer of at least
    /// that capacity (and not more than twice it), else a new one.
    pub(crate) fn take(self: &Arc<Self>, size: usize) -> Body {
        let reused = self.free.lock().ok().and_then(|mut spare| {
            let fits = |b: &BytesMut| b.capacity() >= size && b.capacity() / 2 <= size;
            let i = spare.buffers.iter().position(fits)?;
            let buf = spare.buffers.swap_remove(i);
            spare.bytes -= buf.capacity();
            Some(buf)
        });
        Body {
            buf: reused.unwrap_or_else(|| off_page(size)),
            size,
            pool: Arc::clone(self),
        }
    }

    /// An empty body of `size` bytes in a buffer of its own that is never
    /// pooled (a huge body), or `None` if the allocator refuses that much.
    /// The allocation is only reserved: its pages are touched (become
    /// resident) as the body's bytes arrive, so a size a peer announces
    /// costs nothing until it sends it.
    pub(crate) fn take_unpooled(self: &Arc<Self>, size: usize) -> Option<Body> {
        let capacity = size.checked_add(BODY_OFFSET)?;
        // BytesMut has no fallible reserve (it aborts the process when the
        // allocator refuses), so ask with a Vec first: what the kernel
        // refuses (more than memory and swap, under Linux's default
        // overcommit) is refused here, and the connection goes on as before.
        let mut probe: Vec<u8> = Vec::new();
        probe.try_reserve_exact(capacity).ok()?;
        drop(probe);
        let mut buf = BytesMut::with_capacity(capacity);
        buf.put_bytes(0, BODY_OFFSET);
        buf.advance(BODY_OFFSET);
        Some(Body {
            buf,
            size,
            pool: Arc::clone(self),
        })
    }

    fn give_back(&self, mut buf: BytesMut) {
        buf.clear();
        if let Ok(mut spare) = self.free.lock() {
            if spare.buffers.len() < MAX_POOLED && spare.bytes + buf.capacity() <= MAX_POOLED_BYTES
            {
                spare.bytes += buf.capacity();
                spare.buffers.push(buf);
            }
        }
    }

    /// How many buffers wait to be reused (tests).
    #[cfg(test)]
    fn spare(&self) -> usize {
        self.free.lock().map(|s| s.buffers.len()).unwrap_or(0)
    }
}

/// An empty buffer for `size` bytes, starting [`BODY_OFFSET`] into its allocation.
fn off_page(size: usize) -> BytesMut {
    let mut buf = BytesMut::with_capacity(BODY_OFFSET + size);
    buf.put_bytes(0, BODY_OFFSET);
    buf.advance(BODY_OFFSET);
    buf
}

/// One frame body being read, then the storage of the frame it became;
/// its buffer goes back to the pool when it is dropped.
#[derive(Debug)]
pub(crate) struct Body {
    buf: BytesMut,
    size: usize,
    pool: Arc<BodyPool>,
}

impl Body {
    /// The buffer to append to (its capacity may exceed the body's size:
    /// append at most [`Body::remaining`] bytes).
    pub(crate) fn buf_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Bytes still to come.
    pub(crate) fn remaining(&self) -> usize {
        self.size.saturating_sub(self.buf.len())
    }

    /// Appends bytes already read (at most what remains).
    pub(crate) fn extend_from_slice(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(self.remaining());
        self.buf.extend_from_slice(bytes.get(..n).unwrap_or(&[]));
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl AsMut<[u8]> for Body {
    fn as_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        self.pool.give_back(std::mem::take(&mut self.buf));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn a_dropped_body_is_reused_for_the_next() {
        let pool = BodyPool::new();
        let mut body = pool.take(100_000);
        body.extend_from_slice(&[7; 150_000]);
        assert_eq!(body.remaining(), 0);
        assert_eq!(body.as_ref().len(), 100_000);
        let at = body.as_ref().as_ptr();
        let frame = Bytes::from_owner(body).slice(10..20);
        assert_eq!(pool.spare(), 0);
        drop(frame);
        assert_eq!(pool.spare(), 1);
        // Same size, or smaller down to half: the same buffer, emptied.
        let again = pool.take(60_000);
        assert_eq!(again.as_ref().len(), 0);
        assert_eq!(again.remaining(), 60_000);
        assert_eq!(again.buf.as_ptr(), at);
        drop(again);
        // Far smaller, or larger: a new buffer, the spare one stays.
        let small = pool.take(1000);
        let large = pool.take(200_000);
        assert_ne!(small.buf.as_ptr(), at);
        assert_ne!(large.buf.as_ptr(), at);
        assert_eq!(pool.spare(), 1);
    }

    #[test]
    fn bodies_start_off_a_page_boundary() {
        let pool = BodyPool::new();
        let body = pool.take(1 << 20);
        assert!(body.buf.capacity() >= 1 << 20);
        assert_ne!(body.buf.as_ptr() as usize % 4096, 0);
        let at = body.buf.as_ptr();
        drop(body);
        let again = pool.take(1 << 20);
        assert_eq!(again.buf.as_ptr(), at);
    }

    #[test]
    fn huge_bodies_are_reserved_whole_or_refused() {
        let pool = BodyPool::new();
        let mut body = pool.take_unpooled(64 << 20).unwrap();
        assert!(body.buf.capacity() >= 64 << 20);
        body.extend_from_slice(&[1; 1000]);
        assert_eq!(body.remaining(), (64 << 20) - 1000);
        drop(body);
        assert_eq!(pool.spare(), 0, "too large to keep");
        assert!(pool.take_unpooled(usize::MAX - 10).is_none());
        assert!(pool.take_unpooled(isize::MAX as usize).is_none());
    }

    #[test]
    fn the_pool_is_bounded() {
        let pool = BodyPool::new();
        let bodies: Vec<Body> = (0..MAX_POOLED + 10).map(|_| pool.take(1024)).collect();
        drop(bodies);
        assert_eq!(pool.spare(), MAX_POOLED);
        let big: Vec<Body> = (0..3).map(|_| pool.take(MAX_POOLED_BYTES / 2)).collect();
        drop(big);
        assert!(pool.free.lock().unwrap().bytes <= MAX_POOLED_BYTES);
    }
}
