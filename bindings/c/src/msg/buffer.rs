//! The writable body of a `zmq_msg_init_size` message.
//!
//! libzmq's `zmq_msg_init_size` is a bare `malloc`: a large body's pages are
//! not touched until the caller writes them. Ours must hand out initialised
//! bytes, and zero-filling a large heap buffer costs a `memset` plus a page
//! fault and a page clear for every 4 KiB the heap had returned to the
//! system (most of the CPU of a 1 MiB sender, and nearly all of inproc's
//! at 1 MiB; benches/RESULTS.md). So a large body gets its own anonymous
//! mapping instead: the kernel's pages read as zero (initialised, so sound)
//! and cost nothing until written, for two system calls per body.

use std::ptr::NonNull;

use bytes::Bytes;
use ferrozmq::{Error, ErrorKind};

/// Bodies from this size get their own mapping (glibc's default mmap
/// threshold; below it two system calls cost more than the zero fill).
const MAPPED_FROM: usize = 128 * 1024;

/// A writable message body: a heap buffer, or a mapping for a large one.
pub(super) enum Buffer {
    Heap(Vec<u8>),
    Mapped(Mapping),
}

impl Default for Buffer {
    fn default() -> Buffer {
        Buffer::Heap(Vec::new())
    }
}

impl Buffer {
    /// `size` zero bytes, or ENOMEM.
    pub(super) fn zeroed(size: usize) -> Result<Buffer, Error> {
        if size >= MAPPED_FROM {
            return Mapping::new(size).map(Buffer::Mapped);
        }
        let mut buf = Vec::new();
        buf.try_reserve_exact(size)
            .map_err(|_| ErrorKind::NoMemory)?;
        buf.resize(size, 0);
        Ok(Buffer::Heap(buf))
    }

    pub(super) fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        match self {
            Buffer::Heap(b) => b,
            Buffer::Mapped(m) => m.as_ref(),
        }
    }

    /// Where the caller writes the body (`zmq_msg_data`).
    pub(super) fn as_mut_ptr(&mut self) -> *mut u8 {
        match self {
            Buffer::Heap(b) => b.as_mut_ptr(),
            Buffer::Mapped(m) => m.ptr.as_ptr(),
        }
    }

    /// The body as shared bytes, without copying it.
    pub(super) fn into_bytes(self) -> Bytes {
        match self {
            Buffer::Heap(b) => Bytes::from(b),
            Buffer::Mapped(m) => Bytes::from_owner(m),
        }
    }
}

/// A private anonymous mapping of `len` bytes, unmapped on drop.
pub(super) struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is owned memory like a Vec's; nothing about it is
// tied to the thread that made it.
unsafe impl Send for Mapping {}
// SAFETY: shared access only reads it (through `as_ref`).
unsafe impl Sync for Mapping {}

impl Mapping {
    fn new(len: usize) -> Result<Mapping, Error> {
        // SAFETY: a fresh private anonymous mapping (no address hint, no
        // file): it aliases nothing; the result is checked below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(ErrorKind::NoMemory.into());
        }
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or(ErrorKind::NoMemory)?;
        Ok(Mapping { ptr, len })
    }
}

impl AsRef<[u8]> for Mapping {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `len` bytes mapped readable until drop; an anonymous
        // mapping reads as zero where nothing was written, so every byte is
        // initialised. Writers (the C caller through zmq_msg_data) use the
        // raw pointer, as libzmq allows, never a Rust reference.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: this mapping, unmapped once; no reference to it outlives
        // self (as_ref borrows self).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bodies_are_heap_large_ones_mapped_and_both_read_as_zero_then_as_written() {
        for size in [0, 5, MAPPED_FROM - 1, MAPPED_FROM, 3 * MAPPED_FROM + 7] {
            let mut b = Buffer::zeroed(size).expect("allocates");
            assert_eq!(matches!(b, Buffer::Mapped(_)), size >= MAPPED_FROM);
            assert_eq!(b.len(), size);
            assert!(b.as_slice().iter().all(|&x| x == 0));
            if size > 0 {
                // SAFETY: the pointer is valid for `size` writable bytes.
                unsafe { b.as_mut_ptr().add(size - 1).write(9) };
            }
            let bytes = b.into_bytes();
            assert_eq!(bytes.len(), size);
            if size > 0 {
                assert_eq!(bytes[size - 1], 9);
            }
            let shared = bytes.clone();
            drop(bytes);
            assert_eq!(shared.len(), size);
        }
    }
}
