//! Pipes: the bounded queues between a socket and a connection (or, for
//! inproc, between two sockets).
//!
//! A [`Queue`] carries whole messages one way. It counts what it holds against
//! a high-water mark and wakes its reader only through [`Notify`], which costs
//! one atomic load while the reader is awake. A writer that hits the mark
//! flags itself blocked; the reader wakes it once the queue has drained to the
//! low-water mark (about half the high-water mark, as in libzmq), so a busy pipe
//! does not wake anyone per message.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crossbeam::queue::SegQueue;
use crossbeam::utils::CachePadded;

use crate::direct::{Direct, Sent, SPARSE_GAP_TICKS};
use crate::msg::Msg;
use crate::notify::Notify;

/// One direction of a pipe.
///
/// The length is two counters, each written by one side only and kept on its
/// own cache line, so the hot path never bounces a shared counter between
/// the writer's and the reader's cores. The writer re-reads the reader's
/// counter only when its cached view says the queue is full (as libzmq's
/// pipes do with `peers_msgs_read`).
pub struct Queue {
    items: SegQueue<Msg>,
    /// Messages pushed (written by the writer).
    pushed: CachePadded<AtomicUsize>,
    /// Messages popped (written by the reader).
    popped: CachePadded<AtomicUsize>,
    /// The writer's last look at `popped`.
    popped_seen: CachePadded<AtomicUsize>,
    hwm: AtomicUsize,
    /// The writer's and the reader's shares of `hwm`, once set (inproc
    /// queues hold both sockets' marks; a socket may change its own).
    shares: Mutex<(Option<usize>, Option<usize>)>,
    writer_blocked: AtomicBool,
    closed: AtomicBool,
    conflate: AtomicBool,
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
pub enum PushError {
    /// The queue is at its high-water mark; the message is handed back.
    Full(Msg),
    /// The reader is gone; the message is handed back.
    Closed(Msg),
}

impl Queue {
    /// A queue holding at most `hwm` messages (0 = unlimited).
    pub fn new(hwm: usize) -> Arc<Queue> {
        Arc::new(Queue {
            items: SegQueue::new(),
            pushed: CachePadded::new(AtomicUsize::new(0)),
            popped: CachePadded::new(AtomicUsize::new(0)),
            popped_seen: CachePadded::new(AtomicUsize::new(0)),
            hwm: AtomicUsize::new(hwm),
            shares: Mutex::new((None, None)),
            writer_blocked: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            conflate: AtomicBool::new(false),
            reader: OnceLock::new(),
            writer: OnceLock::new(),
        })
    }

    /// Sets who is woken when a message arrives. Only the first call counts.
    pub fn set_reader(&self, n: Arc<dyn Notify>) {
        let _ = self.reader.set(n);
    }

    /// Sets who is woken when room frees up. Only the first call counts.
    pub fn set_writer(&self, n: Arc<dyn Notify>) {
        let _ = self.writer.set(n);
    }

    /// Changes the high-water mark (0 = unlimited).
    pub fn set_hwm(&self, hwm: usize) {
        self.hwm.store(hwm, Ordering::Relaxed);
    }

    /// Sets the writer's share of the high-water mark (its SNDHWM). With a
    /// reader's share too, the mark is their sum, or unlimited if either is
    /// 0 (libzmq's inproc pipes); alone, it is the mark.
    pub fn set_writer_hwm(&self, hwm: usize) {
        self.set_share(|s| s.0 = Some(hwm));
    }

    /// Sets the reader's share of the high-water mark (its RCVHWM); see
    /// [`Queue::set_writer_hwm`].
    pub fn set_reader_hwm(&self, hwm: usize) {
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

    /// Keeps only the newest message (ZMQ_CONFLATE): a push replaces what waits.
    pub fn set_conflate(&self, on: bool) {
        self.conflate.store(on, Ordering::Relaxed);
    }

    /// Whether a push would be accepted now. When it would not, the writer
    /// is flagged so that the reader wakes it once the queue drains: a
    /// caller that sees `false` may go to sleep.
    pub fn has_room(&self) -> bool {
        if self.under_hwm() || self.conflate.load(Ordering::Relaxed) {
            return true;
        }
        // SeqCst store, then SeqCst load of `popped`: the reader's SeqCst
        // increment and flag check cannot both miss us.
        self.writer_blocked.store(true, Ordering::SeqCst);
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
        let pushed = self.pushed.load(Ordering::Relaxed);
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
    pub fn push(&self, msg: Msg) -> Result<(), PushError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(PushError::Closed(msg));
        }
        if !self.has_room() {
            return Err(PushError::Full(msg));
        }
        self.force_push(msg);
        Ok(())
    }

    /// Pushes regardless of the high-water mark (the rest of a message whose
    /// first frame was admitted, or a socket type that never blocks here).
    pub fn force_push(&self, msg: Msg) {
        if self.conflate.load(Ordering::Relaxed) {
            while self.pop().is_some() {}
        }
        self.items.push(msg);
        self.pushed.fetch_add(1, Ordering::SeqCst);
        if let Some(r) = self.reader.get() {
            r.notify();
        }
    }

    /// Wakes the reader without a message (it has other work to look at).
    pub fn notify_reader(&self) {
        if let Some(r) = self.reader.get() {
            r.notify();
        }
    }

    /// Takes the oldest message.
    pub fn pop(&self) -> Option<Msg> {
        let msg = self.items.pop()?;
        let popped = self.popped.fetch_add(1, Ordering::SeqCst).wrapping_add(1);
        // Wake a blocked writer once the queue is down to the low-water mark
        // (see `low_water`), not on every message.
        if self.writer_blocked.load(Ordering::SeqCst) {
            let hwm = self.hwm.load(Ordering::Relaxed);
            let low_water = if hwm == 0 { usize::MAX } else { low_water(hwm) };
            let left = self.pushed.load(Ordering::SeqCst).saturating_sub(popped);
            if left <= low_water {
                self.writer_blocked.store(false, Ordering::SeqCst);
                if let Some(w) = self.writer.get() {
                    w.notify();
                }
            }
        }
        Some(msg)
    }

    /// Whether a message is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages waiting.
    pub fn len(&self) -> usize {
        let popped = self.popped.load(Ordering::SeqCst);
        self.pushed.load(Ordering::SeqCst).saturating_sub(popped)
    }

    /// Marks the queue closed: no more pushes; the reader drains what is left.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Some(r) = self.reader.get() {
            r.notify();
        }
        if let Some(w) = self.writer.get() {
            w.notify();
        }
    }

    /// Whether [`Queue::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Whether closed and drained: the reader will never see another message.
    pub fn is_finished(&self) -> bool {
        self.is_closed() && self.is_empty()
    }

    /// Drops every waiting message.
    pub fn clear(&self) {
        while self.pop().is_some() {}
    }
}

/// Who the peer at the far end of a pipe is, once known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer's routing id (its `Identity`, or the one we chose).
    pub routing_id: bytes::Bytes,
    /// Properties readable on received messages: `Socket-Type`, `Identity`,
    /// `Peer-Address`, `User-Id` and application properties.
    pub properties: Vec<(String, bytes::Bytes)>,
    /// The file descriptor of the connection messages arrive on (ZMQ_SRCFD;
    /// `None` for inproc).
    pub source_fd: Option<std::os::fd::RawFd>,
}

impl PeerInfo {
    /// A property by name (case-insensitive).
    pub fn property(&self, name: &str) -> Option<&bytes::Bytes> {
        self.properties
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}

/// Tells whether a socket's sends are sparse (far enough apart that writing
/// straight to the OS beats batching through the I/O thread).
#[derive(Debug, Default, Clone, Copy)]
pub struct SparseClock {
    last: u64,
}

impl SparseClock {
    /// Whether a send starting now comes long after the previous one ended.
    pub fn is_sparse(&self) -> bool {
        crate::sys::ticks().saturating_sub(self.last) >= SPARSE_GAP_TICKS
    }

    /// Records the end of a send. Measuring from the end means a send that
    /// was itself slow (direct writes to many peers) does not make the next
    /// one look sparse.
    pub fn sent(&mut self) {
        self.last = crate::sys::ticks();
    }
}

/// A shared handle on a pipe's [`PeerInfo`], which the handshake may fill in later.
#[derive(Debug, Clone, Default)]
pub struct PeerRef(Arc<PeerSlot>);

#[derive(Debug, Default)]
struct PeerSlot {
    version: AtomicUsize,
    info: Mutex<Arc<PeerInfo>>,
}

impl PeerRef {
    /// The peer as currently known.
    pub fn get(&self) -> Arc<PeerInfo> {
        match self.0.info.lock() {
            Ok(p) => p.clone(),
            Err(_) => Arc::new(PeerInfo::default()),
        }
    }

    /// Changes whenever the peer information is replaced.
    pub fn version(&self) -> usize {
        self.0.version.load(Ordering::Acquire)
    }

    /// Whether both handles name the same pipe end.
    pub fn same_as(&self, other: &PeerRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn set(&self, info: PeerInfo) {
        if let Ok(mut p) = self.0.info.lock() {
            *p = Arc::new(info);
        }
        self.0.version.fetch_add(1, Ordering::Release);
    }
}

/// The socket's end of a pipe: messages in from the peer, out to it.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Unique within the process, for routing tables and removal.
    pub id: u64,
    /// Messages from the peer to the socket.
    pub inbound: Arc<Queue>,
    /// Messages from the socket to the peer.
    pub outbound: Arc<Queue>,
    /// Who is at the far end, as seen from this end.
    peer: PeerRef,
    /// Who is behind this end, as the far end sees it.
    behind: PeerRef,
    /// The endpoint this pipe came from (for unbind/disconnect and monitors).
    pub endpoint: Arc<str>,
    /// Writes around the I/O thread when the connection is idle.
    pub(crate) direct: Arc<Direct>,
}

impl Pipe {
    /// A pipe with fresh queues; `endpoint` names where it came from.
    pub fn new(in_hwm: usize, out_hwm: usize, endpoint: Arc<str>) -> Pipe {
        Pipe {
            id: next_pipe_id(),
            inbound: Queue::new(in_hwm),
            outbound: Queue::new(out_hwm),
            peer: PeerRef::default(),
            behind: PeerRef::default(),
            endpoint,
            direct: Arc::new(Direct::new()),
        }
    }

    /// The same pipe seen from the other end (inbound and outbound swapped).
    pub fn mirror(&self) -> Pipe {
        Pipe {
            id: self.id,
            inbound: self.outbound.clone(),
            outbound: self.inbound.clone(),
            peer: self.behind.clone(),
            behind: self.peer.clone(),
            endpoint: self.endpoint.clone(),
            direct: self.direct.clone(),
        }
    }

    /// A handle on who the peer is, cheap to take per message (one
    /// reference count); read it with [`PeerRef::get`].
    pub fn peer_ref(&self) -> PeerRef {
        self.peer.clone()
    }

    /// Who the peer is (empty until the handshake completes).
    pub fn peer_info(&self) -> Arc<PeerInfo> {
        self.peer.get()
    }

    /// Turns ZMQ_CONFLATE on or off for both directions.
    pub fn set_conflate(&self, on: bool) {
        self.inbound.set_conflate(on);
        self.outbound.set_conflate(on);
    }

    /// Records who is at the far end of this view.
    pub fn set_peer_info(&self, info: PeerInfo) {
        self.peer.set(info);
    }

    /// Records who is behind this end, for the far end to see (a session
    /// announces its network peer this way).
    pub fn announce(&self, info: PeerInfo) {
        self.behind.set(info);
    }

    /// Sends a message to the peer, regardless of the high-water mark (the
    /// caller checked [`Queue::has_room`]). When the connection is idle and
    /// the traffic sparse, it is written straight to the OS socket.
    ///
    /// `sparse` says the socket's traffic is sparse (see [`SparseClock`]).
    pub fn send(&self, msg: Msg, sparse: bool) {
        // The cheap checks come first: `is_empty` reads the reader's counter.
        if sparse && self.direct.is_enabled() && self.outbound.is_empty() {
            match self.direct.try_send(&msg) {
                Sent::All => return,
                Sent::Partly => {
                    self.outbound.notify_reader();
                    return;
                }
                Sent::No => {}
            }
        }
        self.outbound.force_push(msg);
    }

    /// Queues the empty message of ZMQ_PROBE_ROUTER. Whoever creates a pipe
    /// sends it, before anything else can be queued on it.
    pub fn send_probe(&self) {
        self.outbound.force_push(Msg::single(bytes::Bytes::new()));
    }

    /// Whether the peer has gone and everything it sent was read.
    pub fn is_finished(&self) -> bool {
        self.inbound.is_finished()
    }
}

/// libzmq 4.3's low-water mark for a high-water mark: half of it, rounded up.
fn low_water(hwm: usize) -> usize {
    hwm.div_ceil(2)
}

fn next_pipe_id() -> u64 {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) as u64
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
}
