//! One direction of a pipe: a lock-free queue of whole messages bounded by
//! a high-water mark.
//!
//! It wakes its reader only through [`Notify`], which costs one atomic load
//! while the reader is awake. A writer that hits the mark flags itself
//! blocked; the reader wakes it once the queue has drained to the low-water
//! mark (about half the high-water mark, as in libzmq), so a busy pipe does
//! not wake anyone per message.

use std::sync::{Arc, OnceLock};

use crossbeam::utils::CachePadded;

use crate::msg::Msg;
use crate::notify::Notify;
use crate::sync::{dekker_fence, publish_fence, AtomicBool, AtomicUsize, Items, Mutex, Ordering};

/// One direction of a pipe.
///
/// The length is two counters, each written by one side only and kept on its
/// own cache line, so the hot path never bounces a shared counter between
/// the writer's and the reader's cores. The writer's is the item queue's own
/// count of what it published (plus, under ZMQ_CONFLATE, `conflated`): a
/// push stores it inside the writer's role, with no locked instruction of
/// its own (see [`Queue::notify_reader`] for the fence that orders it
/// before the look at a sleeping reader). The writer re-reads the reader's
/// counter only when its cached view says the queue is full (as libzmq's
/// pipes do with `peers_msgs_read`).
pub(crate) struct Queue {
    items: Items<Msg>,
    /// Messages pushed under ZMQ_CONFLATE (into `newest`; written by the
    /// writer, under that lock). The rest are counted by `items`.
    conflated: CachePadded<AtomicUsize>,
    /// Messages popped (written by the reader).
    popped: CachePadded<AtomicUsize>,
    /// The writer's last look at `popped`.
    popped_seen: CachePadded<AtomicUsize>,
    /// The reader's: `popped` at which it next looks for a blocked writer
    /// (see [`Queue::pop`]).
    check_at: CachePadded<AtomicUsize>,
    /// The reading role was taken back (drain, [`Queue::revoke_reader`]):
    /// gated reads ([`Queue::pop_gated`]) take nothing more.
    reader_revoked: AtomicBool,
    hwm: AtomicUsize,
    /// The writer's and the reader's shares of `hwm`, once set (inproc
    /// queues hold both sockets' marks; a socket may change its own).
    shares: Mutex<(Option<usize>, Option<usize>)>,
    writer_blocked: AtomicBool,
    closed: AtomicBool,
    conflate: AtomicBool,
    /// Under ZMQ_CONFLATE the queue is this one slot: the writer replaces
    /// what waits, the reader takes it. Each still moves only its own
    /// counter (under the lock), so `pushed - popped` stays the length.
    newest: Mutex<Option<Msg>>,
    reader: OnceLock<Arc<dyn Notify>>,
    writer: OnceLock<Arc<dyn Notify>>,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue")
            .field("len", &self.len())
            .field("hwm", &self.hwm.load(Ordering::Relaxed))
            .field("closed", &self.closed.load(Ordering::Relaxed))
            .finish()
    }
}

/// Why a push did not happen.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PushError {
    /// The queue is at its high-water mark; the message is handed back.
    Full(Msg),
    /// The reader is gone; the message is handed back.
    Closed(Msg),
}

impl Queue {
    /// A queue holding at most `hwm` messages (0 = unlimited).
    pub(crate) fn new(hwm: usize) -> Arc<Queue> {
        Arc::new(Queue {
            items: Items::new(),
            conflated: CachePadded::new(AtomicUsize::new(0)),
            popped: CachePadded::new(AtomicUsize::new(0)),
            popped_seen: CachePadded::new(AtomicUsize::new(0)),
            check_at: CachePadded::new(AtomicUsize::new(0)),
            reader_revoked: AtomicBool::new(false),
            hwm: AtomicUsize::new(hwm),
            shares: Mutex::new((None, None)),
            writer_blocked: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            conflate: AtomicBool::new(false),
            newest: Mutex::new(None),
            reader: OnceLock::new(),
            writer: OnceLock::new(),
        })
    }

    /// Sets who is woken when a message arrives. Only the first call counts.
    pub(crate) fn set_reader(&self, n: Arc<dyn Notify>) {
        let _ = self.reader.set(n);
    }

    /// Sets who is woken when room frees up. Only the first call counts.
    pub(crate) fn set_writer(&self, n: Arc<dyn Notify>) {
        let _ = self.writer.set(n);
    }

    /// Changes the high-water mark (0 = unlimited).
    pub(crate) fn set_hwm(&self, hwm: usize) {
        self.hwm.store(hwm, Ordering::Relaxed);
    }

    /// Sets the writer's share of the high-water mark (its SNDHWM). With a
    /// reader's share too, the mark is their sum, or unlimited if either is
    /// 0 (libzmq's inproc pipes); alone, it is the mark.
    pub(crate) fn set_writer_hwm(&self, hwm: usize) {
        self.set_share(|s| s.0 = Some(hwm));
    }

    /// Sets the reader's share of the high-water mark (its RCVHWM); see
    /// [`Queue::set_writer_hwm`].
    pub(crate) fn set_reader_hwm(&self, hwm: usize) {
        self.set_share(|s| s.1 = Some(hwm));
    }

    fn set_share(&self, change: impl FnOnce(&mut (Option<usize>, Option<usize>))) {
        let Ok(mut shares) = self.shares.lock() else {
            return;
        };
        change(&mut shares);
        let hwm = match *shares {
            (Some(0), Some(_)) | (Some(_), Some(0)) => 0,
            (Some(w), Some(r)) => w.saturating_add(r),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => return,
        };
        self.set_hwm(hwm);
        // A higher mark may have made room for a blocked writer.
        if let Some(w) = self.writer.get() {
            w.notify();
        }
    }

    /// Keeps only the newest message (ZMQ_CONFLATE): a push replaces what
    /// waits. Set it before traffic flows (it is a socket option applied
    /// when the pipe is made).
    pub(crate) fn set_conflate(&self, on: bool) {
        self.conflate.store(on, Ordering::SeqCst);
    }

    /// Whether a push would be accepted now. When it would not, the writer
    /// is flagged so that the reader wakes it once the queue drains: a
    /// caller that sees `false` may go to sleep.
    #[inline]
    pub(crate) fn has_room(&self) -> bool {
        if self.under_hwm() || self.conflate.load(Ordering::Relaxed) {
            return true;
        }
        // SeqCst store, then SeqCst load of `popped`: the reader's SeqCst
        // increment and flag check cannot both miss us.
        self.writer_blocked.store(true, Ordering::SeqCst);
        dekker_fence();
        // The reader may have drained everything just before we flagged.
        self.refresh_popped();
        self.under_hwm()
    }

    /// Under the mark by the writer's cached view; refreshes the view only
    /// when it says full.
    fn under_hwm(&self) -> bool {
        let hwm = self.hwm.load(Ordering::Relaxed);
        if hwm == 0 {
            return true;
        }
        let pushed = self.pushed();
        if pushed.saturating_sub(self.popped_seen.load(Ordering::Relaxed)) < hwm {
            return true;
        }
        self.refresh_popped();
        pushed.saturating_sub(self.popped_seen.load(Ordering::Relaxed)) < hwm
    }

    /// The writer learns of the reader's progress in steps of the low-water
    /// mark, as libzmq's writers do (its reader reports every `lwm` reads):
    /// so a pipe admits the same number of messages as libzmq's, with the
    /// messages its reader took but has not "acknowledged" still counted.
    fn refresh_popped(&self) {
        let popped = self.popped.load(Ordering::SeqCst);
        let step = low_water(self.hwm.load(Ordering::Relaxed)).max(1);
        self.popped_seen
            .store(popped - popped % step, Ordering::Relaxed);
    }

    /// Pushes a message if under the high-water mark.
    pub(crate) fn push(&self, msg: Msg) -> Result<(), PushError> {
        self.push_quiet(msg)?;
        self.notify_reader();
        Ok(())
    }

    /// Pushes regardless of the high-water mark (the rest of a message whose
    /// first frame was admitted, or a socket type that never blocks here).
    #[inline]
    pub(crate) fn force_push(&self, msg: Msg) {
        self.force_push_quiet(msg);
        self.notify_reader();
    }

    /// Fetches the lines the next push writes, ahead of it (a hint for a
    /// writer about to push into many queues in a row; see
    /// `Spsc::prefetch_push`).
    #[inline]
    pub(crate) fn prefetch_push(&self) {
        self.items.prefetch_push();
    }

    /// Pushes without waking the reader (the caller does, once a batch is in).
    #[inline]
    pub(crate) fn force_push_quiet(&self, msg: Msg) {
        self.force_push_quiet_with(|| msg);
    }

    /// [`Queue::force_push`] of the message `make` returns, made in its
    /// slot (see `Spsc::push_with`; `make` must be short and must not
    /// touch this queue).
    #[inline]
    pub(crate) fn force_push_with(&self, make: impl FnOnce() -> Msg) {
        self.force_push_quiet_with(make);
        self.notify_reader();
    }

    #[inline]
    fn force_push_quiet_with(&self, make: impl FnOnce() -> Msg) {
        if self.conflate.load(Ordering::Relaxed) {
            self.replace_newest(make());
        } else {
            // Counted inside the writer's role (`Spsc::written`): a plain
            // store. A quiet push needs no fence: the caller's
            // `notify_reader` after its batch fences once for all of it.
            self.items.push_with(make);
        }
    }

    /// Messages ever pushed: published by the item queue, plus the
    /// conflated ones. SeqCst loads (see [`Queue::notify_reader`]).
    #[inline]
    fn pushed(&self) -> usize {
        self.items
            .written()
            .wrapping_add(self.conflated.load(Ordering::SeqCst))
    }

    /// [`Queue::push`] without waking the reader.
    pub(crate) fn push_quiet(&self, msg: Msg) -> Result<(), PushError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(PushError::Closed(msg));
        }
        if !self.has_room() {
            return Err(PushError::Full(msg));
        }
        self.force_push_quiet(msg);
        Ok(())
    }

    /// Wakes the reader (if it sleeps) after pushes, quiet or not, or
    /// without a message (it has other work to look at).
    ///
    /// Starts with a full fence: the wake-up protocol is Dekker's, the
    /// reader announcing its sleep (a SeqCst store) before its last look
    /// at the queue (SeqCst loads of the counts, [`Queue::len`]), the
    /// writer publishing before it looks whether the reader sleeps. A push
    /// publishes with a plain store, so this fence is what orders the
    /// publication before that look; one fence covers every quiet push
    /// since the last one (a read's ~120 messages, one fence). On x86 it
    /// is a locked instruction on the writer's own stack line, where the
    /// locked increment of a shared counter per push was.
    #[inline]
    pub(crate) fn notify_reader(&self) {
        if let Some(r) = self.reader.get() {
            publish_fence();
            r.notify();
        }
    }

    /// [`Queue::notify_reader`] without its fence: only for the loom model
    /// that shows the fence is needed.
    #[cfg(all(test, loom))]
    pub(crate) fn notify_reader_unfenced(&self) {
        if let Some(r) = self.reader.get() {
            r.notify();
        }
    }

    /// CONFLATE's push: the message takes the slot; only a slot that was
    /// empty counts as pushed (a replaced message was never read).
    #[cold]
    fn replace_newest(&self, msg: Msg) {
        let Ok(mut slot) = self.newest.lock() else {
            return;
        };
        if slot.replace(msg).is_none() {
            self.conflated.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// CONFLATE's pop: takes the slot's message, if any.
    fn take_newest(&self) -> Option<Msg> {
        if !self.conflate.load(Ordering::Relaxed) {
            return None;
        }
        let mut slot = self.newest.lock().ok()?;
        let msg = slot.take()?;
        self.popped.fetch_add(1, Ordering::SeqCst);
        Some(msg)
    }

    /// Takes the oldest message.
    #[inline]
    pub(crate) fn pop(&self) -> Option<Msg> {
        match self
            .items
            .pop_if(|| true, |drained| self.count_popped(drained))
        {
            Some(msg) => Some(msg),
            None => self.take_newest(),
        }
    }

    /// Takes messages in order while `each` (given each one) returns
    /// true, in one turn of the reading role (`Spsc::pop_while`): one
    /// locked instruction per batch, not per message. `each` runs inside
    /// the role, so it must not read this queue. Returns how many were
    /// taken.
    #[inline]
    pub(crate) fn pop_while(&self, mut each: impl FnMut(Msg) -> bool) -> usize {
        let taken = self.items.pop_while(|msg, drained| {
            self.count_popped(drained);
            each(msg)
        });
        if taken > 0 {
            return taken;
        }
        match self.take_newest() {
            Some(msg) => {
                each(msg);
                1
            }
            None => 0,
        }
    }

    /// As [`Queue::pop`], for a reader whose role the writer may take
    /// back ([`Queue::revoke_reader`]): then it takes nothing. The check
    /// runs inside the queue's reader role, so it costs no locked
    /// operation of its own.
    #[inline]
    pub(crate) fn pop_gated(&self) -> Option<Msg> {
        let allowed = || !self.reader_revoked.load(Ordering::Relaxed);
        match self
            .items
            .pop_if(allowed, |drained| self.count_popped(drained))
        {
            Some(msg) => Some(msg),
            None if self.conflate.load(Ordering::Relaxed) => self
                .items
                .reading(|| allowed().then(|| self.take_newest()).flatten()),
            None => None,
        }
    }

    /// Takes the reading role back from a gated reader: returns once that
    /// reader is out of its last read; it reads nothing after. The caller
    /// is then the only reader ([`Queue::pop`]).
    pub(crate) fn revoke_reader(&self) {
        self.reader_revoked.store(true, Ordering::Release);
        // The next reader to take the role synchronises with this pass
        // (the role's flag is a lock), so it sees the store above.
        self.items.pass_reader();
    }

    /// Whether [`Queue::revoke_reader`] was called.
    pub(crate) fn is_reader_revoked(&self) -> bool {
        self.reader_revoked.load(Ordering::Acquire)
    }

    /// Counts a message taken (`drained`: the reader's view of the queue
    /// is empty now) and wakes a blocked writer once the queue is down to
    /// the low-water mark (see `low_water`), not on every message.
    ///
    /// Runs inside the reader's role (so a reader that takes the role
    /// over sees the count). `popped` has one writer (the reader, inside
    /// its role), so a plain store counts. The fenced look at `writer_blocked` (Dekker's, with
    /// [`Queue::has_room`]) is needed only where the writer's view of
    /// `popped` can change (it moves in steps of the low-water mark, see
    /// `refresh_popped`) and where the queue may have run empty: the last
    /// step before the queue empties leaves fewer than a step's messages,
    /// so a blocked writer is always woken.
    #[inline]
    fn count_popped(&self, drained: bool) {
        let popped = self.popped.load(Ordering::Relaxed).wrapping_add(1);
        if !drained && popped < self.check_at.load(Ordering::Relaxed) {
            self.popped.store(popped, Ordering::Release);
            return;
        }
        self.popped.store(popped, Ordering::SeqCst);
        dekker_fence();
        let hwm = self.hwm.load(Ordering::Relaxed);
        let step = low_water(hwm).max(1);
        self.check_at
            .store((popped / step + 1).saturating_mul(step), Ordering::Relaxed);
        if self.writer_blocked.load(Ordering::SeqCst) {
            let low_water = if hwm == 0 { usize::MAX } else { low_water(hwm) };
            let left = self.pushed().saturating_sub(popped);
            if left <= low_water {
                self.writer_blocked.store(false, Ordering::SeqCst);
                if let Some(w) = self.writer.get() {
                    w.notify();
                }
            }
        }
    }

    /// Whether a message is waiting.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages waiting.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        let popped = self.popped.load(Ordering::SeqCst);
        self.pushed().saturating_sub(popped)
    }

    /// Messages ever pushed (not counting conflated replacements).
    pub(crate) fn pushed_count(&self) -> u64 {
        self.pushed() as u64
    }

    /// Messages ever popped.
    pub(crate) fn popped_count(&self) -> u64 {
        self.popped.load(Ordering::SeqCst) as u64
    }

    /// Marks the queue closed: no more pushes; the reader drains what is left.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Some(r) = self.reader.get() {
            r.notify();
        }
        if let Some(w) = self.writer.get() {
            w.notify();
        }
    }

    /// Whether [`Queue::close`] was called.
    #[inline]
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Whether closed and drained: the reader will never see another message.
    pub(crate) fn is_finished(&self) -> bool {
        self.is_closed() && self.is_empty()
    }

    /// Drops every waiting message.
    pub(crate) fn clear(&self) {
        while self.pop().is_some() {}
    }
}

/// libzmq 4.3's low-water mark for a high-water mark: half of it, rounded up.
fn low_water(hwm: usize) -> usize {
    hwm.div_ceil(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    struct Count(AtomicUsize);
    impl Notify for Count {
        fn notify(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn hwm_blocks_and_low_water_wakes_writer() {
        let q = Queue::new(4);
        let writer = Arc::new(Count(AtomicUsize::new(0)));
        q.set_writer(writer.clone());
        for i in 0..4u8 {
            q.push(Msg::single(Bytes::from(vec![i]))).unwrap();
        }
        assert!(matches!(
            q.push(Msg::single(Bytes::new())),
            Err(PushError::Full(_))
        ));
        q.pop().unwrap();
        assert_eq!(writer.0.load(Ordering::SeqCst), 0, "not yet at low water");
        q.pop().unwrap();
        assert_eq!(writer.0.load(Ordering::SeqCst), 1);
        assert_eq!(q.pop().unwrap().first()[..], [2]);
        q.close();
        assert!(matches!(
            q.push(Msg::single(Bytes::new())),
            Err(PushError::Closed(_))
        ));
        assert!(!q.is_finished());
        q.pop();
        assert!(q.is_finished());
    }

    #[test]
    fn quiet_pushes_wake_the_reader_once_when_told() {
        let q = Queue::new(4);
        let reader = Arc::new(Count(AtomicUsize::new(0)));
        q.set_reader(reader.clone());
        for i in 0..4u8 {
            q.push_quiet(Msg::single(Bytes::from(vec![i]))).unwrap();
        }
        // Within the high-water mark as `push`, and silent.
        assert!(matches!(
            q.push_quiet(Msg::single(Bytes::new())),
            Err(PushError::Full(_))
        ));
        assert_eq!(reader.0.load(Ordering::SeqCst), 0);
        q.notify_reader();
        assert_eq!(reader.0.load(Ordering::SeqCst), 1);
        assert_eq!(q.pop().unwrap().first()[..], [0]);
        q.close();
        assert!(matches!(
            q.push_quiet(Msg::single(Bytes::new())),
            Err(PushError::Closed(_))
        ));
    }

    #[test]
    fn writer_sees_reads_in_low_water_steps_as_libzmq() {
        let q = Queue::new(4);
        for _ in 0..4 {
            q.push(Msg::single(Bytes::new())).unwrap();
        }
        q.pop().unwrap();
        // One read is not yet reported to the writer (libzmq's lwm = 2).
        assert!(!q.has_room());
        q.pop().unwrap();
        assert!(q.has_room());
        q.push(Msg::single(Bytes::new())).unwrap();
        q.push(Msg::single(Bytes::new())).unwrap();
        assert!(!q.has_room());
    }

    #[test]
    fn unlimited_hwm_never_blocks() {
        let q = Queue::new(0);
        for _ in 0..10_000 {
            q.push(Msg::single(Bytes::new())).unwrap();
        }
        assert_eq!(q.len(), 10_000);
    }

    #[test]
    fn conflate_keeps_the_newest_and_the_counters_one_sided() {
        let q = Queue::new(1);
        q.set_conflate(true);
        for i in 0..5u8 {
            q.push(Msg::single(Bytes::from(vec![i]))).unwrap();
        }
        // The writer replaced what waited without touching `popped`.
        assert_eq!(q.popped.load(Ordering::SeqCst), 0);
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop().unwrap().first()[..], [4]);
        assert!(q.pop().is_none());
        assert!(q.is_empty());
        q.push(Msg::single(Bytes::from_static(b"x"))).unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!((q.pushed(), q.popped.load(Ordering::SeqCst)), (2, 1));
    }
}
