//! Mappings of large message bodies kept for the next `zmq_msg_init_size`.
//!
//! A fresh anonymous mapping costs a page fault for every 4 KiB the kernel
//! first touches (when the caller writes the body, or when `sendmsg` copies
//! out of a body nobody wrote) and an `munmap` with TLB-shootdown
//! interrupts when it goes: a 1 MiB sender took 2.5 times libzmq's page
//! faults and most of its system time there (benches/RESULTS.md). glibc's
//! `malloc`, under libzmq, hands back chunks whose pages are already
//! mapped. So a mapping whose last user is gone (sent and written out by
//! the I/O thread, or closed) comes here, and the next body of about its
//! size takes it over as it is: **not zeroed**, as libzmq's `malloc`ed
//! bodies are not (libzmq documents no initial contents; every byte is
//! still initialised memory, zero or an earlier body's).
//!
//! A mapping only comes back when the last reference to its body is
//! dropped, so a body still being written by an I/O thread is never handed
//! out again. The list is bounded: at most [`MAX_SPARES`] mappings and
//! [`MAX_SPARE_BYTES`] of them in all; beyond that a mapping is unmapped,
//! and so are spares that went unused for [`TRIM_AFTER`].
//! Spares whose pages were never written hold only the kernel's shared
//! zero page (no resident memory); written ones stay resident while spare.

use std::ptr::NonNull;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most mappings kept.
pub(super) const MAX_SPARES: usize = 2048;

/// Most bytes of mappings kept. A sender at its high-water mark (1,000
/// messages by default) has the I/O thread free bodies in bursts of
/// hundreds before it takes any: the list must hold such a burst, or the
/// bodies after it are fresh mappings again (measured, 10,000 messages of
/// 1 MiB: 256 MiB of spares left 5,300 fresh bodies, 1 GiB only the first
/// 1,000 of the queue). Spares never add to the peak: each was a live body
/// once, and every live body started as one. [`TRIM_AFTER`] gives back what
/// goes unused.
pub(super) const MAX_SPARE_BYTES: usize = 1024 * 1024 * 1024;

/// Spares that stayed unused for this long (the list never went below
/// their count in that time) are unmapped at the next take or return.
const TRIM_AFTER: Duration = Duration::from_secs(1);

/// A private anonymous mapping, owned: unmapped by whoever holds it last,
/// unless it goes back to the spare list.
pub(super) struct Region {
    pub(super) base: NonNull<u8>,
    pub(super) len: usize,
}

// SAFETY: a mapping is owned memory like a Vec's allocation; nothing about
// it is tied to the thread that made it.
unsafe impl Send for Region {}

impl Region {
    /// A fresh mapping of `len` bytes (a multiple of the page size), reading
    /// as zero, or `None` if the kernel refuses.
    pub(super) fn map(len: usize) -> Option<Region> {
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
            return None;
        }
        NonNull::new(ptr.cast::<u8>()).map(|base| Region { base, len })
    }

    /// Unmaps it.
    fn unmap(self) {
        // SAFETY: this region was mapped by `map` and is owned here, so
        // nothing else refers to it; unmapped once (self is consumed).
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
    }
}

struct List {
    /// Oldest first.
    regions: Vec<Region>,
    bytes: usize,
    /// The fewest regions the list held since `since`: that many went unused.
    low: usize,
    since: Option<Instant>,
}

static SPARES: Mutex<List> = Mutex::new(List::new());

impl List {
    const fn new() -> List {
        List {
            regions: Vec::new(),
            bytes: 0,
            low: 0,
            since: None,
        }
    }

    /// Takes out the regions unused for [`TRIM_AFTER`] (the oldest), to be
    /// unmapped outside the lock.
    fn trim(&mut self, now: Instant) -> Vec<Region> {
        let since = *self.since.get_or_insert(now);
        if now.duration_since(since) < TRIM_AFTER {
            return Vec::new();
        }
        let unused = self.low.min(self.regions.len());
        let old: Vec<Region> = self.regions.drain(..unused).collect();
        self.bytes -= old.iter().map(|r| r.len).sum::<usize>();
        self.low = self.regions.len();
        self.since = Some(now);
        old
    }
}

/// A spare mapping of at least `len` bytes and at most twice that (the most
/// recently returned such), if any.
pub(super) fn take(len: usize) -> Option<Region> {
    let (found, old) = {
        let mut list = SPARES.lock().ok()?;
        let old = list.trim(Instant::now());
        let fits = |r: &Region| r.len >= len && r.len / 2 <= len;
        let found = list.regions.iter().rposition(fits).map(|i| {
            let region = list.regions.remove(i);
            list.bytes -= region.len;
            list.low = list.low.min(list.regions.len());
            region
        });
        (found, old)
    };
    old.into_iter().for_each(Region::unmap);
    found
}

/// Keeps `region` for a later body, or unmaps it if the list is full.
pub(super) fn give_back(region: Region) {
    let (refused, old) = match SPARES.lock() {
        Ok(mut list) => {
            let old = list.trim(Instant::now());
            if list.regions.len() < MAX_SPARES && list.bytes + region.len <= MAX_SPARE_BYTES {
                list.bytes += region.len;
                list.regions.push(region);
                (None, old)
            } else {
                (Some(region), old)
            }
        }
        Err(_) => (Some(region), Vec::new()),
    };
    old.into_iter().chain(refused).for_each(Region::unmap);
}

/// Held by every test that fills or counts on the process-wide list, so
/// that one test's burst of returns (which fills the list to its bound)
/// never makes another's return be refused.
#[cfg(test)]
pub(super) static TESTS_USING_THE_LIST: Mutex<()> = Mutex::new(());

/// How many mappings and bytes are spare now (tests).
#[cfg(test)]
pub(super) fn held() -> (usize, usize) {
    SPARES
        .lock()
        .map(|l| (l.regions.len(), l.bytes))
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spares_unused_for_a_while_are_trimmed_the_oldest_first() {
        let mut list = List::new();
        let start = Instant::now();
        assert!(list.trim(start).is_empty());
        for _ in 0..3 {
            let r = Region::map(4096).expect("maps");
            list.bytes += r.len;
            list.regions.push(r);
        }
        // Within the period nothing goes; after it, what the list held
        // throughout (nothing: it was empty at the start) stays.
        assert!(list.trim(start + TRIM_AFTER / 2).is_empty());
        assert!(list.trim(start + TRIM_AFTER).is_empty());
        assert_eq!(list.regions.len(), 3);
        // One is taken in the next period: two went unused, and go.
        let newest = list.regions.last().map(|r| r.base);
        let taken = list.regions.remove(0);
        list.bytes -= taken.len;
        list.low = list.low.min(list.regions.len());
        let old = list.trim(start + 2 * TRIM_AFTER);
        assert_eq!(old.len(), 2);
        assert!(list.regions.is_empty() && list.bytes == 0);
        assert!(old.iter().any(|r| Some(r.base) == newest));
        old.into_iter().chain([taken]).for_each(Region::unmap);
    }
}
