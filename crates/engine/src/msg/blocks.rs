//! Blocks for bodies of [`SMALL_MAX`](super::SMALL_MAX) + 1 to
//! [`BLOCK_MAX`] bytes, reused instead of going back to the allocator.
//!
//! Such a body is usually made on one thread (the application's, which
//! sends it) and dropped on another (the receiver's, or an I/O thread's
//! once it wrote it out). Through the allocator that is an allocation and
//! a free per message, the free a remote one: it writes its link into the
//! block, whose cache line the sender's core still holds, and the sender's
//! allocator later collects it (benches/RESULTS.md, session 11: ~40 % of
//! the 1 B rate goes when a 64 B body is on the heap, in libzmq as here).
//!
//! Here a dropped block goes to the dropping thread's own cache (a plain
//! vector push, nothing written into the block); a cache that fills hands
//! a batch of [`BATCH`] blocks to a process-wide list under a mutex, and a
//! thread whose cache is empty takes a batch from there: one lock per
//! [`BATCH`] messages on each side. Caches hold at most [`LOCAL_MAX`]
//! blocks and the list [`SHARED_MAX`]; blocks beyond go to the allocator,
//! and a thread's cache is freed when the thread ends.

use std::cell::RefCell;
use std::sync::Mutex;

/// Capacity of a block: the largest body held in one.
pub const BLOCK_MAX: usize = 64;

/// A body's storage: one block, owned.
pub(crate) type Block = Box<[u8; BLOCK_MAX]>;

/// Blocks moved between a thread's cache and the shared list at once.
const BATCH: usize = 32;
/// Most blocks a thread's cache keeps.
const LOCAL_MAX: usize = 2 * BATCH;
/// Most blocks the shared list keeps (256 KiB of 64-byte blocks).
const SHARED_MAX: usize = 4096;

thread_local! {
    /// This thread's spare blocks.
    static LOCAL: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Spare blocks any thread may take, in batches.
static SHARED: Mutex<Vec<Block>> = Mutex::new(Vec::new());

/// A block whose bytes are all zero: a spare one cleared, else a new one.
/// Not inlined, so that making a body in place stays small.
#[inline(never)]
pub(crate) fn take_zeroed() -> Block {
    match take_spare() {
        Some(mut block) => {
            *block = [0; BLOCK_MAX];
            block
        }
        None => Box::new([0; BLOCK_MAX]),
    }
}

/// A block for a copy: its bytes are whatever an earlier body left.
#[inline]
pub(crate) fn take() -> Block {
    take_spare().unwrap_or_else(|| Box::new([0; BLOCK_MAX]))
}

/// Spare blocks for a run of copies (the session's small frames of one
/// read, the bodies of one batch written out): this thread's cache (a
/// thread-local, behind a call to `__tls_get_addr` in a shared library)
/// is looked at once for the run rather than once per body, and not at
/// all by a run that meets no block (bodies held in place). What is left
/// goes back into the cache when it is dropped.
#[derive(Default)]
pub(crate) struct Spares {
    blocks: Vec<Block>,
    /// Whether the thread's cache was taken out into `blocks` yet.
    taken: bool,
}

impl Spares {
    /// None yet: the thread's cache is taken at the first need.
    pub(crate) fn new() -> Spares {
        Spares::default()
    }

    /// A block for a copy (its bytes are whatever an earlier body left):
    /// a spare one (the thread's cache, taken whole the first time), else
    /// one of the shared list's, else a new one.
    #[inline]
    pub(crate) fn block(&mut self) -> Block {
        if let Some(block) = self.blocks.pop() {
            return block;
        }
        if !self.taken {
            self.taken = true;
            self.take_cache();
            if let Some(block) = self.blocks.pop() {
                return block;
            }
        }
        refill(&mut self.blocks);
        self.blocks
            .pop()
            .unwrap_or_else(|| Box::new([0; BLOCK_MAX]))
    }

    /// Keeps `block` (a body's that is done with) for a later body: into
    /// the cache when the run ends, bounded as the cache is.
    #[inline]
    pub(crate) fn keep(&mut self, block: Block) {
        if self.blocks.len() >= LOCAL_MAX {
            spill(&mut self.blocks);
        }
        self.blocks.push(block);
    }

    #[cold]
    fn take_cache(&mut self) {
        let cache = LOCAL
            .try_with(|local| match local.try_borrow_mut() {
                Ok(mut local) => std::mem::take(&mut *local),
                Err(_) => Vec::new(),
            })
            .unwrap_or_default();
        self.blocks.extend(cache);
    }
}

impl std::fmt::Debug for Spares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spares({})", self.blocks.len())
    }
}

impl Drop for Spares {
    fn drop(&mut self) {
        if self.blocks.is_empty() {
            return;
        }
        let mut spares = std::mem::take(&mut self.blocks);
        // During the thread's exit, after its cache is gone, they are
        // simply freed.
        let _ = LOCAL.try_with(|local| {
            if let Ok(mut local) = local.try_borrow_mut() {
                // Blocks given back during the run went into the emptied
                // cache: keep the larger vector, bounded as always.
                if spares.capacity() > local.capacity() {
                    std::mem::swap(&mut spares, &mut *local);
                }
                local.append(&mut spares);
                while local.len() > LOCAL_MAX {
                    spill(&mut local);
                }
            }
        });
    }
}

/// Keeps `block` for a later body (or frees it, see the module docs).
/// Not inlined: the drop of every body calls it only for a block, and
/// inlined it made that drop too large to inline for the bodies in place.
#[inline(never)]
pub(crate) fn give_back(block: Block) {
    // During the thread's exit, after its cache is gone, the block is
    // simply freed (the closure did not run, so it is dropped here).
    let _ = LOCAL.try_with(|local| match local.try_borrow_mut() {
        Ok(mut local) => {
            if local.len() >= LOCAL_MAX {
                spill(&mut local);
            }
            local.push(block);
        }
        Err(_) => drop(block),
    });
}

#[inline]
fn take_spare() -> Option<Block> {
    LOCAL
        .try_with(|local| {
            let mut local = local.try_borrow_mut().ok()?;
            if let Some(block) = local.pop() {
                return Some(block);
            }
            refill(&mut local);
            local.pop()
        })
        .ok()
        .flatten()
}

/// Moves a batch from the shared list into `local` (empty), if it has one.
/// The list is only ever tried, never waited for: a thread that finds it
/// taken allocates instead, so a child forked while another thread held
/// the list (a lock no one will release there) never blocks on it.
#[cold]
fn refill(local: &mut Vec<Block>) {
    let Ok(mut shared) = SHARED.try_lock() else {
        return;
    };
    let from = shared.len().saturating_sub(BATCH);
    local.extend(shared.drain(from..));
}

/// Moves a batch from `local` (full) to the shared list, or frees it when
/// the list is full or taken (tried, never waited for, as in [`refill`]).
#[cold]
fn spill(local: &mut Vec<Block>) {
    let from = local.len().saturating_sub(BATCH);
    let batch = local.drain(from..);
    if let Ok(mut shared) = SHARED.try_lock() {
        if shared.len() + BATCH <= SHARED_MAX {
            shared.extend(batch);
        }
    }
}

/// How many blocks this thread's cache and the shared list hold (tests).
#[cfg(test)]
pub(crate) fn held() -> (usize, usize) {
    let local = LOCAL.with(|l| l.borrow().len());
    let shared = SHARED.lock().map(|s| s.len()).unwrap_or(0);
    (local, shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spares_taken_for_a_run_go_back_to_the_cache_bounded() {
        std::thread::spawn(|| {
            let blocks: Vec<Block> = (0..LOCAL_MAX).map(|_| take()).collect();
            for b in blocks {
                give_back(b);
            }
            assert_eq!(held().0, LOCAL_MAX);
            let mut spares = Spares::new();
            assert_eq!(held().0, LOCAL_MAX, "nothing taken before a need");
            let a = spares.block();
            assert_eq!(held().0, 0, "the whole cache is taken");
            // Dropped during the run: into the (emptied) cache.
            give_back(a);
            give_back(take());
            let more: Vec<Block> = (0..2 * LOCAL_MAX).map(|_| spares.block()).collect();
            for (i, b) in more.into_iter().enumerate() {
                if i % 2 == 0 {
                    give_back(b);
                } else {
                    spares.keep(b);
                }
            }
            drop(spares);
            assert!(held().0 <= LOCAL_MAX, "bounded: {}", held().0);
            assert!(held().0 > 0);
        })
        .join()
        .expect("run");
    }

    #[test]
    fn blocks_dropped_on_one_thread_come_back_to_another_in_batches_and_stay_bounded() {
        // A sender thread takes blocks; the receiver (here) gives them back.
        let sent: Vec<Block> = std::thread::spawn(|| {
            (0..3 * LOCAL_MAX)
                .map(|i| {
                    let mut b = take_zeroed();
                    assert!(b.iter().all(|&x| x == 0));
                    b[0] = i as u8;
                    b
                })
                .collect()
        })
        .join()
        .expect("sender");
        let addresses: Vec<usize> = sent.iter().map(|b| b.as_ptr() as usize).collect();
        for b in sent {
            give_back(b);
        }
        let (local, shared) = held();
        assert!(local <= LOCAL_MAX, "the cache is bounded: {local}");
        assert!(shared >= BATCH, "full caches spill to the shared list");
        // Another thread gets those blocks back, cleared, before new ones.
        let reused = std::thread::spawn(move || {
            let b = take_zeroed();
            assert!(b.iter().all(|&x| x == 0));
            addresses.contains(&(b.as_ptr() as usize))
        })
        .join()
        .expect("taker");
        assert!(reused, "a spare block is reused");
        assert!(held().1 <= SHARED_MAX);
    }
}
