//! The writable body of a `zmq_msg_init_size` message.
//!
//! A small body (up to [`INLINE_MAX`] bytes) lives inside the `zmq_msg_t`
//! itself, as libzmq's "very small messages" do: no allocation until it is
//! sent. A larger one is one zeroed heap block, which sending hands over
//! as it is (no copy, no second allocation).
//!
//! libzmq's `zmq_msg_init_size` is a bare `malloc`: a large body's pages are
//! not touched until the caller writes them. Ours must hand out initialised
//! bytes, and zero-filling a large heap buffer costs a `memset` plus a page
//! fault and a page clear for every 4 KiB the heap had returned to the
//! system (most of the CPU of a 1 MiB sender, and nearly all of inproc's
//! at 1 MiB; benches/RESULTS.md). So a large body gets its own anonymous
//! mapping instead: the kernel's pages read as zero (initialised, so sound)
//! and cost nothing until written, for two system calls per body.

use std::alloc::Layout;
use std::ptr::NonNull;

use bytes::Bytes;
use ferrozmq::{Error, ErrorKind};

/// Bodies from this size get their own mapping (glibc's default mmap
/// threshold; below it two system calls cost more than the zero fill).
const MAPPED_FROM: usize = 128 * 1024;

/// Bodies up to this size are kept in the message (see the module
/// documentation). `msg.rs` checks at compile time that a message with such
/// a body still fits in a `zmq_msg_t`'s 64 bytes.
pub(super) const INLINE_MAX: usize = 32;

/// A writable message body: in place, a heap buffer, or a mapping for a
/// large one.
pub(super) enum Buffer {
    Inline(Small),
    Heap(Vec<u8>),
    Mapped(Mapping),
}

/// A body of at most [`INLINE_MAX`] bytes, in place.
pub(super) struct Small {
    len: u8,
    bytes: [u8; INLINE_MAX],
}

impl Default for Buffer {
    fn default() -> Buffer {
        Buffer::Heap(Vec::new())
    }
}

impl Buffer {
    /// `size` zero bytes, or ENOMEM.
    pub(super) fn zeroed(size: usize) -> Result<Buffer, Error> {
        if let Ok(len) = u8::try_from(size) {
            if size <= INLINE_MAX {
                return Ok(Buffer::Inline(Small {
                    len,
                    bytes: [0; INLINE_MAX],
                }));
            }
        }
        if size >= MAPPED_FROM {
            return Mapping::new(size).map(Buffer::Mapped);
        }
        zeroed_vec(size).map(Buffer::Heap)
    }

    /// Whether the body lives inside the message (its address changes
    /// when the message is moved, as libzmq's small bodies' does).
    pub(super) fn is_inline(&self) -> bool {
        matches!(self, Buffer::Inline(_))
    }

    pub(super) fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub(super) fn as_slice(&self) -> &[u8] {
        match self {
            Buffer::Inline(s) => s.bytes.get(..usize::from(s.len)).unwrap_or(&[]),
            Buffer::Heap(b) => b,
            Buffer::Mapped(m) => m.as_ref(),
        }
    }

    /// Where the caller writes the body (`zmq_msg_data`).
    pub(super) fn as_mut_ptr(&mut self) -> *mut u8 {
        match self {
            Buffer::Inline(s) => s.bytes.as_mut_ptr(),
            Buffer::Heap(b) => b.as_mut_ptr(),
            Buffer::Mapped(m) => m.ptr.as_ptr(),
        }
    }

    /// The body as shared bytes: a heap or mapped body without copying it
    /// (the bytes stay where they are), a small one copied out of the
    /// message into one allocation of its size.
    pub(super) fn into_bytes(self) -> Bytes {
        match self {
            Buffer::Inline(_) => Bytes::copy_from_slice(self.as_slice()),
            // A vector whose capacity is its length becomes `Bytes` without
            // an allocation (`zeroed_vec` makes such vectors).
            Buffer::Heap(b) => Bytes::from(b),
            Buffer::Mapped(m) => Bytes::from_owner(m),
        }
    }
}

/// `size` zero bytes on the heap, in one allocation of exactly that size
/// (zeroed by the allocator), or ENOMEM.
fn zeroed_vec(size: usize) -> Result<Vec<u8>, Error> {
    if size == 0 {
        return Ok(Vec::new());
    }
    let layout = Layout::array::<u8>(size).map_err(|_| ErrorKind::NoMemory)?;
    // SAFETY: the layout's size is not zero.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return Err(ErrorKind::NoMemory.into());
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout
    // of `size` bytes aligned to 1 (a `Vec<u8>`'s of capacity `size`), and
    // all `size` bytes are initialised (zero); the Vec now owns it.
    Ok(unsafe { Vec::from_raw_parts(ptr, size, size) })
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
    fn small_bodies_are_inline_larger_heap_large_ones_mapped_and_both_read_as_zero_then_as_written()
    {
        for size in [
            0,
            1,
            5,
            INLINE_MAX,
            INLINE_MAX + 1,
            MAPPED_FROM - 1,
            MAPPED_FROM,
            3 * MAPPED_FROM + 7,
        ] {
            let mut b = Buffer::zeroed(size).expect("allocates");
            assert_eq!(matches!(b, Buffer::Mapped(_)), size >= MAPPED_FROM);
            assert_eq!(b.is_inline(), size <= INLINE_MAX);
            let heap = match &b {
                Buffer::Heap(v) => {
                    assert_eq!(v.capacity(), size, "exact: becomes Bytes without a copy");
                    Some(v.as_ptr())
                }
                _ => None,
            };
            assert_eq!(b.len(), size);
            assert!(b.as_slice().iter().all(|&x| x == 0));
            if size > 0 {
                // SAFETY: the pointer is valid for `size` writable bytes.
                unsafe { b.as_mut_ptr().add(size - 1).write(9) };
            }
            let bytes = b.into_bytes();
            assert_eq!(bytes.len(), size);
            if let Some(p) = heap.filter(|_| size > 0) {
                assert_eq!(bytes.as_ptr(), p, "handed over in place");
            }
            if size > 0 {
                assert_eq!(bytes[size - 1], 9);
            }
            let shared = bytes.clone();
            drop(bytes);
            assert_eq!(shared.len(), size);
        }
    }
}
