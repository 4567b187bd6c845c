//! A chunked first-in first-out queue for one writer and one reader at a
//! time that keeps its storage (libzmq's `yqueue` idea): items live in
//! chunks of [`CHUNK`] slots linked in order; the reader hands each chunk
//! it has emptied back as one of the writer's spares, so a pipe in steady
//! state reuses its chunks instead of allocating (and zeroing) one per few dozen
//! messages as crossbeam's `SegQueue` does.
//!
//! Publication: the writer fills a slot, then stores the count of items
//! written with `Release`; the reader loads it with `Acquire` before it
//! reads any slot below that count. A chunk's `next` link is stored
//! before the first item of the next chunk is published, so a reader that
//! saw the item also sees the link.
//!
//! Roles: each side's private cursor sits behind its own one-flag lock
//! (one atomic swap per call, never contended when one thread writes and
//! one reads, as pipes do). So the queue stays sound even if two threads
//! took the same role at once: they would take turns. The reader's role
//! may move between threads (a socket moved to another thread, a pipe
//! handed to another I/O thread): the flag's Release/Acquire carries the
//! cursor over.

use std::mem::MaybeUninit;
use std::ptr;

use crossbeam::utils::CachePadded;

#[cfg(loom)]
use loom::cell::UnsafeCell;
#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// Slots per chunk. 64 slots of a 64-byte message make a 4 KiB chunk; a
/// queue that has seen traffic keeps one chunk and up to [`SPARES`]
/// spares. Under loom, two, so that the models cross chunk boundaries and
/// reuse the spares.
#[cfg(not(loom))]
pub(crate) const CHUNK: usize = 64;
/// Slots per chunk (loom: small, to cross boundaries in few steps).
#[cfg(loom)]
pub(crate) const CHUNK: usize = 2;

/// Emptied chunks a queue keeps for its writer. One (libzmq's `yqueue`
/// keeps one) is not enough for a queue that ran deep (a writer ahead of
/// its reader by the high-water mark): while it drains, the reader empties
/// chunks faster than the writer takes them, and the writer allocated a
/// fresh one, and the reader freed one, every [`CHUNK`] messages.
#[cfg(not(loom))]
const SPARES: usize = 4;
/// Spare chunks (loom: two, to model more than one place).
#[cfg(loom)]
const SPARES: usize = 2;

/// `std`'s `UnsafeCell` with loom's closure API, so the same code runs
/// under loom's access checker.
#[cfg(not(loom))]
#[derive(Debug)]
struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

struct Chunk<T> {
    slots: Box<[Slot<T>]>,
    /// The chunk after this one; set by the writer before it publishes an
    /// item there.
    next: AtomicPtr<Chunk<T>>,
}

/// One item's place, on cache lines of its own: a message (64 octets)
/// fills exactly one line, so each item crosses from the writer's core to
/// the reader's as one line, not two.
#[repr(align(64))]
struct Slot<T>(UnsafeCell<MaybeUninit<T>>);

impl<T> Chunk<T> {
    fn alloc() -> *mut Chunk<T> {
        let slots = (0..CHUNK)
            .map(|_| Slot(UnsafeCell::new(MaybeUninit::uninit())))
            .collect();
        Box::into_raw(Box::new(Chunk {
            slots,
            next: AtomicPtr::new(ptr::null_mut()),
        }))
    }
}

/// One side's cursor: the chunk it is in (null before the first item),
/// the next slot there, and how many items it has moved in total.
struct Cursor<T> {
    chunk: *mut Chunk<T>,
    slot: usize,
    count: usize,
    /// The reader's last look at the writer's count (unused by the writer).
    seen: usize,
}

/// A cursor behind a one-flag lock.
struct Role<T> {
    busy: AtomicBool,
    /// loom cannot model a spinning lock (each spin is a new branch), so
    /// under loom the turn is taken with its mutex; the queue's protocol
    /// around the cursors is the same.
    #[cfg(loom)]
    turn: loom::sync::Mutex<()>,
    cursor: UnsafeCell<Cursor<T>>,
    /// The writer's: the slot it fills next (null when that is in a chunk
    /// not taken yet), for [`Spsc::prefetch_push`]. A hint, never
    /// dereferenced, so a plain `std` atomic (loom need not model it).
    next: std::sync::atomic::AtomicPtr<u8>,
}

/// Unlocks a role when dropped, even on unwind.
struct Unlock<'a>(&'a AtomicBool);

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl<T> Role<T> {
    fn new() -> Role<T> {
        Role {
            busy: AtomicBool::new(false),
            #[cfg(loom)]
            turn: loom::sync::Mutex::new(()),
            cursor: UnsafeCell::new(Cursor {
                chunk: ptr::null_mut(),
                // "At the end of the chunk before the first one".
                slot: CHUNK,
                count: 0,
                seen: 0,
            }),
            next: std::sync::atomic::AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Runs `f` on the cursor, alone: whoever else holds the role waits.
    #[inline]
    fn with<R>(&self, f: impl FnOnce(&mut Cursor<T>) -> R) -> R {
        #[cfg(loom)]
        let _turn = self.turn.lock();
        while self.busy.swap(true, Ordering::Acquire) {
            std::hint::spin_loop();
        }
        let _unlock = Unlock(&self.busy);
        // SAFETY: the flag was false and we set it (Acquire, pairing with
        // the Release of the previous holder's unlock): we are the only
        // holder until `_unlock` drops, after `f`, so this is the only
        // reference to the cursor.
        self.cursor.with_mut(|c| f(unsafe { &mut *c }))
    }
}

/// The queue. See the module documentation.
pub(crate) struct Spsc<T> {
    writer: CachePadded<Role<T>>,
    reader: CachePadded<Role<T>>,
    /// Items written (published with Release by the writer).
    written: CachePadded<AtomicUsize>,
    /// The first chunk (the link "before" it), set once by the writer.
    first: AtomicPtr<Chunk<T>>,
    /// Chunks the reader emptied, for the writer's next ones (null: an
    /// empty place). Only the reader fills a place and only the writer
    /// empties one, each inside its role.
    spares: [AtomicPtr<Chunk<T>>; SPARES],
}

// SAFETY: items move from the writing thread to the reading thread, so
// `T: Send` is needed and enough. The raw chunk pointers are owned by the
// queue; each cursor is reached only under its role's flag, and a slot is
// written only by the writer before it publishes it and read only by the
// reader after it saw it published (Release/Acquire on `written`).
unsafe impl<T: Send> Send for Spsc<T> {}
// SAFETY: as for `Send`: every shared access goes through atomics or a
// role's flag, as described there.
unsafe impl<T: Send> Sync for Spsc<T> {}

impl<T> Default for Spsc<T> {
    fn default() -> Spsc<T> {
        Spsc::new()
    }
}

impl<T> std::fmt::Debug for Spsc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spsc")
            .field("written", &self.written.load(Ordering::Relaxed))
            .finish()
    }
}

impl<T> Spsc<T> {
    /// An empty queue; it allocates its first chunk on the first push.
    pub(crate) fn new() -> Spsc<T> {
        Spsc {
            writer: CachePadded::new(Role::new()),
            reader: CachePadded::new(Role::new()),
            written: CachePadded::new(AtomicUsize::new(0)),
            first: AtomicPtr::new(ptr::null_mut()),
            spares: std::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
        }
    }

    /// Appends an item (the writer's role).
    #[cfg(any(test, loom))]
    #[inline]
    pub(crate) fn push(&self, item: T) {
        self.push_with(|| item);
    }

    /// Appends the item `make` returns, made where it is stored (the
    /// writer's role; `make` runs inside it, so it must be short and must
    /// not touch this queue): a value built field by field and then
    /// copied into its slot 16 octets at a time reads across those
    /// stores, a store-forwarding stall per item.
    #[inline]
    pub(crate) fn push_with(&self, make: impl FnOnce() -> T) {
        self.writer.with(|w| {
            if w.slot == CHUNK {
                let fresh = self.take_chunk();
                if w.chunk.is_null() {
                    self.first.store(fresh, Ordering::Release);
                } else {
                    // SAFETY: the writer's chunk stays allocated until the
                    // reader has left it, and the reader leaves a chunk only
                    // through the `next` link stored here.
                    unsafe { (*w.chunk).next.store(fresh, Ordering::Release) };
                }
                w.chunk = fresh;
                w.slot = 0;
            }
            // `w.slot < CHUNK` here (a full chunk was just replaced).
            // SAFETY: `w.chunk` is live (see above) and the slot is not yet
            // published, so the reader does not touch it; it is empty (the
            // reader moved out whatever a reused chunk held there).
            #[allow(clippy::indexing_slicing)]
            let slots = unsafe { &(*w.chunk).slots };
            #[allow(clippy::indexing_slicing)]
            slots[w.slot].0.with_mut(|s| {
                // SAFETY: exclusive access, as said above.
                unsafe { (*s).write(make()) };
            });
            w.slot += 1;
            w.count = w.count.wrapping_add(1);
            self.written.store(w.count, Ordering::Release);
            let next = slots
                .get(w.slot)
                .map_or(ptr::null_mut(), |s| (s as *const Slot<T>).cast_mut().cast());
            self.writer
                .next
                .store(next, std::sync::atomic::Ordering::Relaxed);
        });
    }

    /// Items written so far (published: a reader may take every one of
    /// them). SeqCst, so that a reader that announced its sleep and then
    /// looks here pairs with the writer's fence before it looks whether
    /// the reader sleeps (`Queue::notify_reader`).
    #[inline]
    pub(crate) fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }

    /// Fetches the lines the next [`Spsc::push_with`] writes (its slot and
    /// the published count) for writing, ahead of it: a hint for a writer
    /// about to push into several queues in a row (see
    /// `sys::prefetch_write`). Any thread may call it; it changes nothing.
    #[inline]
    pub(crate) fn prefetch_push(&self) {
        let next = self.writer.next.load(std::sync::atomic::Ordering::Relaxed);
        if !next.is_null() {
            super::prefetch_write(next);
        }
        super::prefetch_write(&*self.written);
    }

    /// Takes the oldest item (the reader's role).
    #[inline]
    pub(crate) fn pop(&self) -> Option<T> {
        self.pop_if(|| true, |_| ())
    }

    /// Takes the oldest item if `allowed()`, which runs inside the reader's
    /// role: a reader that takes the role after [`Spsc::pass_reader`]
    /// returned sees everything its caller stored before. Once an item is
    /// taken, `taken(drained)` runs, still inside the role (so the reader's
    /// own bookkeeping moves with the role), `drained` saying whether the
    /// reader's view of the queue is now empty (it may not be: the view is
    /// refreshed only when it runs out).
    #[inline]
    pub(crate) fn pop_if(
        &self,
        allowed: impl FnOnce() -> bool,
        taken: impl FnOnce(bool),
    ) -> Option<T> {
        self.reader.with(|r| {
            if !allowed() {
                return None;
            }
            let (slot, drained) = self.take_slot(r)?;
            taken(drained);
            // The item is moved out last, after `taken` (which may call
            // out, a notification): read earlier, it was kept across that
            // call in the stack, stored there in pieces and read back in
            // others, a store-forwarding stall per item (a fifth of the
            // pop's samples). The slot stays the reader's until its chunk
            // is retired, by a later take.
            Some(Self::move_out(slot))
        })
    }

    /// Takes items in order while `each(item, drained)` (as `taken` of
    /// [`Spsc::pop_if`], and given the item) returns true, all in one turn
    /// of the reader's role: one locked instruction for the lot instead of
    /// one per item. Returns how many were taken.
    #[inline]
    pub(crate) fn pop_while(&self, mut each: impl FnMut(T, bool) -> bool) -> usize {
        self.reader.with(|r| {
            let mut n = 0;
            while let Some((slot, drained)) = self.take_slot(r) {
                n += 1;
                if !each(Self::move_out(slot), drained) {
                    break;
                }
            }
            n
        })
    }

    /// Takes the oldest item's slot (for [`Spsc::move_out`]) and whether
    /// the reader's view is now empty (inside the reader's role: `r` is
    /// its cursor). The slot holds the item, which the caller must move
    /// out before it takes another (its chunk is retired, and may be
    /// reused, only by a later take that leaves it).
    #[inline(always)]
    fn take_slot<'a>(&'a self, r: &mut Cursor<T>) -> Option<(&'a Slot<T>, bool)> {
        if r.count == r.seen {
            // SeqCst (a plain load on x86): a reader's look after it
            // announced its sleep pairs with the writer's fence before its
            // look at the sleeper (`Queue::notify_reader`).
            r.seen = self.written.load(Ordering::SeqCst);
            if r.count == r.seen {
                return None;
            }
        }
        if r.slot == CHUNK {
            let next = if r.chunk.is_null() {
                self.first.load(Ordering::Acquire)
            } else {
                // SAFETY: the reader's chunk is live until it retires it
                // just below; the writer linked `next` before publishing
                // the item we saw.
                unsafe { (*r.chunk).next.load(Ordering::Acquire) }
            };
            if !r.chunk.is_null() {
                self.retire(r.chunk);
            }
            r.chunk = next;
            r.slot = 0;
        }
        // SAFETY: the item at `r.count` is published (it is below
        // `seen`, loaded with Acquire), so its slot was written and the
        // writer will not touch it again until the chunk comes back as
        // a spare, after the caller moved the item out (`move_out`,
        // before its next take, which alone may retire the chunk).
        // `r.slot < CHUNK` here (a finished chunk was just left).
        #[allow(clippy::indexing_slicing)]
        let slots = unsafe { &(*r.chunk).slots };
        #[allow(clippy::indexing_slicing)]
        let slot = &slots[r.slot];
        r.slot += 1;
        r.count = r.count.wrapping_add(1);
        Some((slot, r.count == r.seen))
    }

    /// Moves the item out of a slot [`Spsc::take_slot`] gave (once, in the
    /// reader's role, before the next take).
    #[inline(always)]
    fn move_out(slot: &Slot<T>) -> T {
        slot.0.with_mut(|s| {
            // SAFETY: the slot is initialised and the reader's alone (see
            // `take_slot`), and its item is moved out only here, once.
            unsafe { (*s).assume_init_read() }
        })
    }

    /// Runs `f` inside the reader's role (for a reader that takes items
    /// from elsewhere too, alone as it is here).
    pub(crate) fn reading<R>(&self, f: impl FnOnce() -> R) -> R {
        self.reader.with(|_| f())
    }

    /// Waits until no reader is inside the reader's role: one that was
    /// has left it, and the next one synchronises with this call.
    pub(crate) fn pass_reader(&self) {
        self.reading(|| ());
    }

    /// The writer's next chunk: a spare if there is one, else a new one.
    fn take_chunk(&self) -> *mut Chunk<T> {
        for place in &self.spares {
            if !place.load(Ordering::Relaxed).is_null() {
                // Acquire: pairs with the reader's Release in `retire`.
                let spare = place.swap(ptr::null_mut(), Ordering::Acquire);
                if !spare.is_null() {
                    return spare;
                }
            }
        }
        Chunk::alloc()
    }

    /// Keeps an emptied chunk as a spare, or frees it when every place
    /// is taken.
    fn retire(&self, chunk: *mut Chunk<T>) {
        // SAFETY: both sides have left `chunk` (the writer moved on when it
        // linked `next`), every item in it was moved out, so we own it.
        unsafe { (*chunk).next.store(ptr::null_mut(), Ordering::Relaxed) };
        for place in &self.spares {
            // Only the reader (us, inside its role) fills a place, so an
            // empty one stays empty until this store; Release hands the
            // chunk over to the writer's Acquire in `take_chunk`.
            if place.load(Ordering::Relaxed).is_null() {
                place.store(chunk, Ordering::Release);
                return;
            }
        }
        // SAFETY: we own `chunk` (above) and gave it to nobody. Its slots
        // are all empty (MaybeUninit drops nothing).
        drop(unsafe { Box::from_raw(chunk) });
    }
}

impl<T> Drop for Spsc<T> {
    fn drop(&mut self) {
        while self.pop().is_some() {}
        let last = self.reader.with(|r| r.chunk);
        let mut chunk = if last.is_null() {
            // Nothing was ever read: the chain starts at `first`.
            self.first.load(Ordering::Acquire)
        } else {
            last
        };
        while !chunk.is_null() {
            // SAFETY: `&mut self`: nobody else uses the queue; every chunk
            // of the chain is owned by it and its items were popped above.
            let boxed = unsafe { Box::from_raw(chunk) };
            chunk = boxed.next.load(Ordering::Acquire);
        }
        for place in &self.spares {
            let spare = place.swap(ptr::null_mut(), Ordering::Acquire);
            if !spare.is_null() {
                // SAFETY: a spare belongs to the queue alone (`&mut self`).
                drop(unsafe { Box::from_raw(spare) });
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn keeps_order_across_chunks_and_reuses_them() {
        let q = Spsc::new();
        for round in 0..5 {
            for i in 0..(3 * CHUNK + 5) {
                q.push((round, i));
            }
            for i in 0..(3 * CHUNK + 5) {
                assert_eq!(q.pop(), Some((round, i)));
            }
            assert_eq!(q.pop(), None);
        }
    }

    #[test]
    fn a_queue_that_ran_deep_keeps_spares_and_slots_fill_lines() {
        assert_eq!(std::mem::align_of::<Slot<[u64; 8]>>(), 64);
        assert_eq!(std::mem::size_of::<Slot<[u64; 8]>>(), 64);
        assert_eq!(std::mem::size_of::<Slot<u8>>(), 64);
        let q = Spsc::new();
        let spares = |q: &Spsc<usize>| {
            q.spares
                .iter()
                .filter(|p| !p.load(Ordering::Relaxed).is_null())
                .count()
        };
        for i in 0..(SPARES + 3) * CHUNK {
            q.push(i);
        }
        for i in 0..(SPARES + 3) * CHUNK {
            assert_eq!(q.pop(), Some(i));
        }
        // The reader left SPARES + 2 chunks behind: it kept SPARES.
        assert_eq!(spares(&q), SPARES);
        // Refilling takes them back before allocating.
        let before: Vec<_> = q.spares.iter().map(|p| p.load(Ordering::Relaxed)).collect();
        for i in 0..SPARES * CHUNK {
            q.push(i);
        }
        assert_eq!(spares(&q), 0);
        let mut reused = before.clone();
        let mut chunk = q.reader.with(|r| r.chunk);
        let mut chain = Vec::new();
        while !chunk.is_null() {
            chain.push(chunk);
            // SAFETY: (a test) the chain's chunks live while the queue does.
            chunk = unsafe { (*chunk).next.load(Ordering::Relaxed) };
        }
        reused.retain(|c| chain.contains(c));
        assert_eq!(reused.len(), SPARES);
    }

    #[test]
    fn the_prefetch_hint_names_the_writers_next_slot() {
        let q = Spsc::new();
        let hint = |q: &Spsc<u64>| q.writer.next.load(std::sync::atomic::Ordering::Relaxed);
        assert!(hint(&q).is_null(), "no chunk before the first push");
        q.prefetch_push();
        q.push(0);
        let chunk = q.writer.with(|w| w.chunk);
        for i in 1..CHUNK {
            // SAFETY: (a test) the writer's chunk lives while the queue does.
            let slot = unsafe { &(*chunk).slots[i] } as *const Slot<u64>;
            assert_eq!(hint(&q), slot.cast_mut().cast(), "slot {i}");
            q.prefetch_push();
            q.push(i as u64);
        }
        assert!(
            hint(&q).is_null(),
            "the next slot is in a chunk not taken yet"
        );
        q.push(CHUNK as u64);
        for i in 0..=CHUNK as u64 {
            assert_eq!(q.pop(), Some(i));
        }
    }

    #[test]
    fn drop_frees_what_is_left() {
        let item = Arc::new(());
        let q = Spsc::new();
        for _ in 0..(2 * CHUNK + 1) {
            q.push(item.clone());
        }
        for _ in 0..CHUNK + 3 {
            q.pop();
        }
        drop(q);
        assert_eq!(Arc::strong_count(&item), 1);
        let never_read = Spsc::new();
        never_read.push(item.clone());
        drop(never_read);
        assert_eq!(Arc::strong_count(&item), 1);
    }

    #[test]
    fn one_writer_and_one_reader_thread() {
        let q = Arc::new(Spsc::new());
        let n = 200_000usize;
        let writer = {
            let q = q.clone();
            std::thread::spawn(move || (0..n).for_each(|i| q.push(Box::new(i))))
        };
        let mut next = 0;
        while next < n {
            if let Some(i) = q.pop() {
                assert_eq!(*i, next);
                next += 1;
            }
        }
        writer.join().unwrap();
        assert!(q.pop().is_none());
    }
}
