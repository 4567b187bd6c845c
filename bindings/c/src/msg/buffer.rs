//! The writable body of a `zmq_msg_init_size` message larger than
//! `WRITABLE_BODY` (smaller ones are the engine's, see `msg.rs`): one
//! zeroed heap block, which sending hands over as it is (no copy, no
//! second allocation), or a mapping for a large one.
//!
//! libzmq's `zmq_msg_init_size` is a bare `malloc`: a large body's pages are
//! not touched until the caller writes them, and its bytes are whatever the
//! heap held. Zero-filling a large heap buffer costs a `memset` plus a page
//! fault and a page clear for every 4 KiB the heap had returned to the
//! system (most of the CPU of a 1 MiB sender, and nearly all of inproc's
//! at 1 MiB; benches/RESULTS.md). So a body from 32 KiB gets an anonymous mapping
//! instead: a spare one an earlier body left (see `spare`: it keeps that
//! body's bytes, as libzmq's reused heap chunks do), else a fresh one, whose
//! pages read as zero and cost nothing until touched.

use std::alloc::Layout;
use std::ptr::NonNull;

use bytes::Bytes;
use ferrozmq::{Error, ErrorKind};

use super::spare::{self, Region};

/// Bodies from this size get a mapping (reused through the spare list, so
/// the system calls and page faults of a fresh one are paid only while the
/// list fills). Measured at 64 KiB (benches/RESULTS.md, session 7): PUSH/PULL
/// over tcp 21-43 k msg/s with mapped bodies against 17-31 k with zeroed
/// heap ones (libzmq 12-14 k), the same with bodies the sender writes.
const MAPPED_FROM: usize = 32 * 1024;

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
    /// A body of `size` bytes, or ENOMEM. A heap body is zero; a mapped
    /// one is zero when fresh and holds an earlier body's bytes when it
    /// reuses a spare mapping (libzmq promises no contents either).
    pub(super) fn new(size: usize) -> Result<Buffer, Error> {
        if size >= MAPPED_FROM {
            // Should the kernel refuse another mapping (vm.max_map_count),
            // a heap block still serves.
            if let Ok(m) = Mapping::new(size) {
                return Ok(Buffer::Mapped(m));
            }
        }
        zeroed_vec(size).map(Buffer::Heap)
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
            Buffer::Mapped(m) => m.as_mut_ptr(),
        }
    }

    /// The body as shared bytes, without copying it (the bytes stay where
    /// they are).
    pub(super) fn into_bytes(self) -> Bytes {
        match self {
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

/// The page size mappings are rounded to.
const PAGE: usize = 4096;

/// A body of `size` bytes at the start of a mapping of its own; the mapping
/// goes back to the spare list (or is unmapped) when the body is dropped.
pub(super) struct Mapping {
    region: Option<Region>,
    size: usize,
}

impl Mapping {
    fn new(size: usize) -> Result<Mapping, Error> {
        let len = size
            .checked_next_multiple_of(PAGE)
            .ok_or(ErrorKind::NoMemory)?;
        let region = spare::take(len)
            .or_else(|| Region::map(len))
            .ok_or(ErrorKind::NoMemory)?;
        Ok(Mapping {
            region: Some(region),
            size,
        })
    }

    fn as_mut_ptr(&mut self) -> *mut u8 {
        self.region
            .as_ref()
            .map_or(NonNull::dangling().as_ptr(), |r| r.base.as_ptr())
    }
}

impl AsRef<[u8]> for Mapping {
    fn as_ref(&self) -> &[u8] {
        let Some(r) = &self.region else {
            return &[];
        };
        // SAFETY: the region maps at least `size` readable bytes until this
        // mapping is dropped. Every byte is initialised: an anonymous
        // mapping reads as zero where nothing was written, and a reused one
        // holds what an earlier body wrote. Writers (the C caller through
        // zmq_msg_data) use the raw pointer, as libzmq allows, never a Rust
        // reference.
        unsafe { std::slice::from_raw_parts(r.base.as_ptr(), self.size) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Only now, with the last reference to the body gone (the I/O thread
        // has written it out, or the message was closed), may the region
        // serve another body.
        if let Some(region) = self.region.take() {
            spare::give_back(region);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_heap_large_ones_mapped_and_read_as_written() {
        for size in [0, 1, 65, MAPPED_FROM - 1, MAPPED_FROM, 3 * MAPPED_FROM + 7] {
            let mut b = Buffer::new(size).expect("allocates");
            assert_eq!(matches!(b, Buffer::Mapped(_)), size >= MAPPED_FROM);
            let heap = match &b {
                Buffer::Heap(v) => {
                    assert_eq!(v.capacity(), size, "exact: becomes Bytes without a copy");
                    Some(v.as_ptr())
                }
                _ => None,
            };
            assert_eq!(b.len(), size);
            if size < MAPPED_FROM {
                // Mapped bodies may reuse an earlier body's mapping (see
                // the tests below): only the others are always zero.
                assert!(b.as_slice().iter().all(|&x| x == 0));
            }
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

    /// A body of `pages` pages (less a few bytes) filled with `fill`.
    fn filled(pages: usize, fill: u8) -> Buffer {
        let size = pages * PAGE - 3;
        let mut b = Buffer::new(size).expect("allocates");
        assert!(matches!(b, Buffer::Mapped(_)));
        // SAFETY: the pointer is valid for `size` writable bytes, and no
        // reference to the body is alive.
        unsafe { b.as_mut_ptr().write_bytes(fill, size) };
        b
    }

    /// Sizes no other test uses, so that tests running at the same time in
    /// this process never take each other's spare mappings.
    const PAGES: usize = 301;

    #[test]
    fn a_mapping_is_reused_only_once_the_last_reference_to_its_body_is_gone() {
        let _alone = spare::TESTS_USING_THE_LIST.lock();
        let first = filled(PAGES, 0xa5).into_bytes();
        let at = first.as_ptr();
        let in_flight = first.clone(); // as the I/O thread holds a sent body
        drop(first);
        // Still referenced: a new body of the same size is another mapping,
        // and the body in flight keeps its bytes while the new one is written.
        let second = filled(PAGES, 0x3c).into_bytes();
        assert_ne!(second.as_ptr(), at);
        assert!(in_flight.iter().all(|&x| x == 0xa5));
        assert!(second.iter().all(|&x| x == 0x3c));
        drop(in_flight);
        // Now the first mapping is spare: the next body takes it over, with
        // its old bytes (not zeroed, as libzmq's malloc'd bodies).
        let third = Buffer::new(PAGES * PAGE - 3).expect("allocates");
        assert_eq!(third.as_slice().as_ptr(), at);
        assert!(third.as_slice().iter().all(|&x| x == 0xa5));
        drop((second, third));
    }

    #[test]
    fn spare_mappings_fit_their_body_and_the_list_is_bounded() {
        let _alone = spare::TESTS_USING_THE_LIST.lock();
        // A spare serves bodies from half its size up to its size only.
        // (Sizes far from the other test's, which only bodies of 151 to 301
        // pages could take.)
        let pages = 4 * PAGES;
        let at = filled(pages + 2, 1).as_mut_ptr();
        let far_smaller = filled((pages + 2) / 2 - 1, 2);
        let larger = filled(pages + 3, 3);
        let mut fits = filled(pages + 1, 4);
        assert_eq!(fits.as_mut_ptr(), at);
        drop((far_smaller, larger, fits));
        // However many bodies go at once, the list keeps at most its bound.
        let many: Vec<Buffer> = (0..spare::MAX_SPARES + 8)
            .map(|_| Buffer::new(MAPPED_FROM).expect("allocates"))
            .collect();
        drop(many);
        let (count, bytes) = spare::held();
        assert!(count <= spare::MAX_SPARES && bytes <= spare::MAX_SPARE_BYTES);
    }
}
