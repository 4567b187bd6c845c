//! The library's Rust allocator: mimalloc, entered by its plain functions.
//!
//! Message bodies are allocated by the application's thread and freed by an
//! I/O thread (or the other way round), which glibc's malloc handles poorly
//! (arena locks, `malloc_consolidate`); mimalloc frees such blocks cheaply.
//! Only Rust allocations go through it.
//!
//! The `mimalloc` crate's allocator calls `mi_malloc_aligned` for every
//! layout, whose checks cost about 90 instructions per small allocation
//! over `mi_malloc`'s fast path (callgrind, benches/RESULTS.md). Every
//! mimalloc block is aligned to at least 8 bytes (block sizes are whole
//! words and pages start 16-byte aligned), so layouts aligned to 8 or less
//! take the plain entry points and only larger alignments the aligned ones.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment every `mi_malloc` block has.
const PLAIN_ALIGN: usize = 8;

/// mimalloc, through `mi_malloc`/`mi_zalloc`/`mi_realloc` where the
/// alignment allows (see the module documentation).
pub(crate) struct MiPlain;

// SAFETY: each function returns memory from mimalloc of at least the
// layout's size, aligned to at least its alignment (mimalloc's plain
// functions align to 8, the aligned ones to what is asked), or null on
// failure; `dealloc` and `realloc` take pointers this allocator returned,
// which `mi_free`/`mi_realloc` accept whatever entry point made them.
unsafe impl GlobalAlloc for MiPlain {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            // SAFETY: mi_malloc has no preconditions.
            unsafe { mi::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: a Layout's alignment is a power of two.
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGN {
            // SAFETY: mi_zalloc has no preconditions.
            unsafe { mi::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: a Layout's alignment is a power of two.
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: per GlobalAlloc's contract, `ptr` came from this
        // allocator, so from mimalloc, and is freed once.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) };
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let ptr = ptr.cast::<c_void>();
        if layout.align() <= PLAIN_ALIGN {
            // SAFETY: `ptr` came from this allocator (GlobalAlloc's
            // contract); the new block is 8-aligned like every block.
            unsafe { mi::mi_realloc(ptr, new_size).cast() }
        } else {
            // SAFETY: as above, keeping the layout's alignment.
            unsafe { mi::mi_realloc_aligned(ptr, new_size, layout.align()).cast() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_as_asked_and_keep_their_bytes_when_grown() {
        for align in [1, 2, 4, 8, 16, 64, 4096] {
            for size in [1, 3, 8, 24, 40, 100, 4000, 70_000] {
                let layout = Layout::from_size_align(size, align).expect("valid");
                // SAFETY: a non-zero size; the block is checked, written
                // within its size, grown and freed once.
                unsafe {
                    let p = MiPlain.alloc_zeroed(layout);
                    assert!(!p.is_null());
                    assert_eq!(
                        p as usize % align.max(PLAIN_ALIGN.min(size.next_power_of_two())),
                        0
                    );
                    assert!((0..size).all(|i| *p.add(i) == 0));
                    p.write(7);
                    let q = MiPlain.realloc(p, layout, size * 3);
                    assert_eq!(q as usize % align, 0);
                    assert_eq!(*q, 7);
                    MiPlain.dealloc(q, Layout::from_size_align(size * 3, align).expect("valid"));
                    let r = MiPlain.alloc(layout);
                    assert_eq!(r as usize % align, 0);
                    MiPlain.dealloc(r, layout);
                }
            }
        }
    }
}
