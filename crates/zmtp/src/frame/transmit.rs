//! The outgoing byte queue: small frames coalesced, large bodies by reference.

use std::collections::VecDeque;
use std::io::IoSlice;

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Bodies at least this long are queued by reference instead of copied.
pub const COPY_LIMIT: usize = 2048;

/// Bytes waiting to be written, in order.
///
/// Small frames are copied into one growing buffer so that many of them leave
/// in a single `write`; a large body is queued as its own `Bytes` so it is
/// never copied and can go out with `writev` beside the headers.
#[derive(Debug, Default)]
pub struct TransmitQueue {
    chunks: VecDeque<Bytes>,
    tail: BytesMut,
    len: usize,
}

impl TransmitQueue {
    /// An empty queue.
    pub fn new() -> TransmitQueue {
        TransmitQueue::default()
    }

    /// Total bytes waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends a header (copied): a two-octet one (a short frame's, the
    /// small message's) octet by octet into the buffer, not copied out of
    /// the caller's array (two one-octet stores read back as one two-octet
    /// load, a store-forwarding stall per small message).
    #[inline]
    pub fn push_header(&mut self, header: &[u8]) {
        match *header {
            [first, second] => {
                self.tail.reserve(2);
                self.tail.put_u8(first);
                self.tail.put_u8(second);
                self.len += 2;
            }
            _ => self.push_slice(header),
        }
    }

    /// Appends raw bytes (copied).
    pub fn push_slice(&mut self, bytes: &[u8]) {
        self.tail.extend_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Appends a header (copied) and a body (copied if small, else by reference).
    pub fn push_header_and_body(&mut self, header: &[u8], body: Bytes) {
        self.push_header(header);
        if body.len() < COPY_LIMIT {
            self.push_slice(&body);
        } else {
            self.seal_tail();
            self.len += body.len();
            self.chunks.push_back(body);
        }
    }

    /// Puts bytes in front of everything waiting (the unfinished rest of a
    /// write made around this queue must leave first).
    pub fn push_front(&mut self, bytes: Bytes) {
        if bytes.is_empty() {
            return;
        }
        self.len += bytes.len();
        self.chunks.push_front(bytes);
    }

    /// Fills `slices` with the waiting bytes in order; returns how many were filled.
    pub fn io_slices<'a>(&'a self, slices: &mut [IoSlice<'a>]) -> usize {
        let mut n = 0;
        let parts = self
            .chunks
            .iter()
            .map(|c| &c[..])
            .chain(std::iter::once(&self.tail[..]))
            .filter(|p| !p.is_empty());
        for (slot, part) in slices.iter_mut().zip(parts) {
            *slot = IoSlice::new(part);
            n += 1;
        }
        n
    }

    /// The first contiguous run of waiting bytes.
    pub fn front(&self) -> &[u8] {
        match self.chunks.front() {
            Some(c) => c,
            None => &self.tail,
        }
    }

    /// Drops the first `n` bytes (they were written).
    pub fn advance(&mut self, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            match self.chunks.front_mut() {
                Some(c) if c.len() <= n => {
                    n -= c.len();
                    self.chunks.pop_front();
                }
                Some(c) => {
                    c.advance(n);
                    n = 0;
                }
                None => {
                    self.tail.advance(n);
                    n = 0;
                }
            }
        }
        if self.len == 0 && self.tail.capacity() > 1 << 20 {
            self.tail = BytesMut::new();
        }
    }

    /// Copies every waiting byte out (for tests and small tools).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len);
        for c in &self.chunks {
            out.extend_from_slice(c);
        }
        out.extend_from_slice(&self.tail);
        out
    }

    fn seal_tail(&mut self) {
        if !self.tail.is_empty() {
            self.chunks.push_back(self.tail.split().freeze());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_bodies_are_not_copied() {
        let mut q = TransmitQueue::new();
        let big = Bytes::from(vec![9u8; COPY_LIMIT]);
        q.push_header_and_body(&[1, 2], Bytes::from_static(b"xy"));
        q.push_header_and_body(&[3], big.clone());
        q.push_slice(b"z");
        let mut slices = [IoSlice::new(&[]); 8];
        let n = q.io_slices(&mut slices);
        assert_eq!(n, 3);
        assert_eq!(slices[1].as_ptr(), big.as_ptr());
        assert_eq!(q.len(), 5 + COPY_LIMIT + 1);
        q.advance(6);
        assert_eq!(q.front().len(), COPY_LIMIT - 1);
        q.advance(COPY_LIMIT - 1);
        assert_eq!(q.to_vec(), b"z");
        q.advance(1);
        assert!(q.is_empty());
    }
}
