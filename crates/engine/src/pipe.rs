//! Pipes: the bounded queues between a socket and a connection (or, for
//! inproc, between two sockets).
//!
//! A [`Pipe`] is one end: two [`Queue`]s, one each way, and who the peer is.
//! Sockets see only its methods (`send`, `recv`, `is_full`, `close`); the
//! queues are the engine's.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::direct::{Direct, Sent, SPARSE_GAP_TICKS};
use crate::msg::Msg;
use crate::notify::Notify;
pub(crate) use crate::queue::{PushError, Queue};
use crate::write_acks::WriteAcks;

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
///
/// It reads the clock only once the socket has a pipe to a connection
/// ([`SparseClock::watch`]): pipes between sockets (inproc) are never
/// written around, so for them the answer does not matter. The clock (the
/// time-stamp counter) costs about 12 ns a read on this project's test
/// machine, a tenth of a small message's whole send, so a send in a burst
/// reads it once (its start stands for its end: it went through the pipe,
/// which is quick), and in a sustained burst (`TRUSTED_BURST` sends in a
/// row found close together) only one send in `BURST_STRIDE` reads it.
/// The sends between are taken as part of the burst: after a pause, at
/// most `BURST_STRIDE - 1` of them go through the I/O thread rather than
/// straight to the OS (a hint only: every send still arrives, in order).
/// A sparse send reads it twice (it may have written to the OS itself,
/// which is slow).
#[derive(Debug, Default, Clone, Copy)]
pub struct SparseClock {
    last: u64,
    running: bool,
    /// Every send follows a receive (REQ, REP): there is never a burst to
    /// batch, so every send is sparse.
    alternating: bool,
    /// How [`SparseClock::sent`] records the end of the current send.
    end: SendEnd,
    /// Sends in a row whose clock read found them in a burst.
    burst_reads: u32,
    /// Sends still to take as part of the burst without a clock read.
    unread: u32,
}

/// Consecutive burst sends (each read from the clock) after which the
/// burst is trusted for the next [`BURST_STRIDE`] sends less one.
const TRUSTED_BURST: u32 = 4;
/// In a trusted burst, one send in this many reads the clock.
const BURST_STRIDE: u32 = 16;

/// How the end of a send is recorded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum SendEnd {
    /// From the clock (a sparse send, or none was classified).
    #[default]
    Read,
    /// At this tick, the start of a burst send.
    At(u64),
    /// Not at all: a burst send that did not read the clock.
    Unread,
}

impl SparseClock {
    /// The clock of a socket whose sends each answer or await a receive
    /// (REQ, REP): every send to a connection is sparse, however close to
    /// the previous one. A round trip faster than the gap (two threads
    /// awake on two cores) otherwise sent its reply through the I/O
    /// thread: a quarter of the async REQ/REP bench's messages, each an
    /// extra thread wake-up.
    pub fn alternating() -> SparseClock {
        SparseClock {
            alternating: true,
            ..SparseClock::default()
        }
    }

    /// Notes a pipe the socket sends on: one to a connection (not to
    /// another socket) starts the clock, for good.
    pub fn watch(&mut self, pipe: &Pipe) {
        self.running |= !pipe.is_between_sockets();
    }

    /// Whether a send starting now comes long after the previous one ended.
    #[inline]
    pub fn is_sparse(&mut self) -> bool {
        if !self.running {
            return false;
        }
        if self.alternating {
            return true;
        }
        if self.unread > 0 {
            self.unread -= 1;
            self.end = SendEnd::Unread;
            return false;
        }
        let now = crate::sys::ticks();
        if now.saturating_sub(self.last) >= SPARSE_GAP_TICKS {
            self.burst_reads = 0;
            self.end = SendEnd::Read;
            return true;
        }
        self.burst_reads = self.burst_reads.saturating_add(1);
        if self.burst_reads >= TRUSTED_BURST {
            self.unread = BURST_STRIDE - 1;
        }
        self.end = SendEnd::At(now);
        false
    }

    /// Records the end of a send. Measuring from the end means a send that
    /// was itself slow (direct writes to many peers) does not make the next
    /// one look sparse. A send found in a burst ends where it started (a
    /// burst send that waited at the high-water mark may make the next one
    /// look sparse: that one then takes the pipe, which is not empty, and
    /// reads the clock at its end).
    #[inline]
    pub fn sent(&mut self) {
        if self.running && !self.alternating {
            match std::mem::take(&mut self.end) {
                SendEnd::Read => self.last = crate::sys::ticks(),
                SendEnd::At(start) => self.last = start,
                SendEnd::Unread => {}
            }
        }
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

/// One connection of one pipe whose reads may be lent ([`Pipe::lease_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseKey {
    pipe: PipeId,
    connection: u64,
}

/// Identifies a pipe within the process (for routing tables, removal and
/// the engine's news about it). Both views of one pipe share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PipeId(u64);

impl PipeId {
    fn next() -> PipeId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        PipeId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl PipeId {
    /// The id as a number, unique within the process (for metrics and
    /// bindings that name a peer without a routing id).
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for PipeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pipe#{}", self.0)
    }
}

/// One end of a pipe: messages in from the peer, out to it.
///
/// The socket sees only this type: it sends with [`Pipe::send`] (after
/// [`Pipe::is_full`] said no), receives with [`Pipe::recv`] and ends the
/// pipe with [`Pipe::close`]. The queues behind it are the engine's.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub(crate) id: PipeId,
    /// Messages from the peer to this end.
    pub(crate) inbound: Arc<Queue>,
    /// Messages from this end to the peer.
    pub(crate) outbound: Arc<Queue>,
    /// Who is at the far end, as seen from this end.
    peer: PeerRef,
    /// Who is behind this end, as the far end sees it.
    behind: PeerRef,
    /// The endpoint this pipe came from (for unbind/disconnect and monitors).
    pub(crate) endpoint: Arc<str>,
    /// Writes around the I/O thread when the connection is idle.
    pub(crate) direct: Arc<Direct>,
    /// How far the session has written this end's messages to the wire.
    pub(crate) acks: Arc<WriteAcks>,
    /// Reads are gated ([`Queue::pop_gated`]; inproc: the reader is
    /// another socket, whose reads the writer's drain revokes). A session
    /// resigns instead. Each queue's reading role is revoked once its
    /// reader stops reading for good, so the far end may take back what it
    /// sent (drain).
    gated_reads: bool,
}

impl Pipe {
    /// A pipe with fresh queues; `endpoint` names where it came from.
    pub fn new(in_hwm: usize, out_hwm: usize, endpoint: Arc<str>) -> Pipe {
        Pipe {
            id: PipeId::next(),
            inbound: Queue::new(in_hwm),
            outbound: Queue::new(out_hwm),
            peer: PeerRef::default(),
            behind: PeerRef::default(),
            endpoint,
            direct: Arc::new(Direct::new()),
            acks: Arc::default(),
            gated_reads: false,
        }
    }

    /// A pipe between two sockets (inproc): like [`Pipe::new`], and each
    /// side's reads pass a gate that [`Pipe::stop_far_reader`] can close.
    pub(crate) fn new_between_sockets(in_hwm: usize, out_hwm: usize, endpoint: Arc<str>) -> Pipe {
        Pipe {
            gated_reads: true,
            ..Pipe::new(in_hwm, out_hwm, endpoint)
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
            acks: self.acks.clone(),
            gated_reads: self.gated_reads,
        }
    }

    /// Who is woken on each side: `near` owns this end (it reads what
    /// arrives and is woken when room frees up), `far` owns the other end.
    pub(crate) fn wire(&self, near: Arc<dyn Notify>, far: Arc<dyn Notify>) {
        self.wire_near(near);
        self.mirror().wire_near(far);
    }

    /// The near half of [`Pipe::wire`], for a far end not known yet (an
    /// inproc connect waiting for its bind). Only the first wiring counts.
    pub(crate) fn wire_near(&self, near: Arc<dyn Notify>) {
        self.inbound.set_reader(near.clone());
        self.outbound.set_writer(near);
    }

    /// This pipe's id (the same at both ends).
    pub fn id(&self) -> PipeId {
        self.id
    }

    /// The endpoint this pipe came from (`bind`/`connect`'s string).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A handle on who the peer is, cheap to take per message (one
    /// reference count); read it with [`PeerRef::get`].
    #[inline]
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

    /// This end's SNDHWM: its share of the outgoing queue's mark.
    pub fn set_send_hwm(&self, hwm: usize) {
        self.outbound.set_writer_hwm(hwm);
    }

    /// This end's RCVHWM: its share of the incoming queue's mark.
    pub fn set_recv_hwm(&self, hwm: usize) {
        self.inbound.set_reader_hwm(hwm);
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

    /// Whether a message sent now would exceed the high-water mark. When
    /// it would, this end is woken once the peer has read enough: a caller
    /// that sees `true` may go to sleep.
    #[inline]
    pub fn is_full(&self) -> bool {
        !self.outbound.has_room()
    }

    /// Sends a message to the peer, regardless of the high-water mark (the
    /// caller checked [`Pipe::is_full`]). When the connection is idle and
    /// the traffic sparse, it is written straight to the OS socket.
    ///
    /// `sparse` says the socket's traffic is sparse (see [`SparseClock`]).
    #[inline(always)]
    pub fn send(&self, msg: Msg, sparse: bool) {
        self.send_with(|| msg, sparse);
    }

    /// [`Pipe::send`] of the message `make` returns: made where the pipe
    /// keeps it when the send is not sparse (no copy of a message just
    /// built, see `Spsc::push_with`). `make` must be short (it runs while
    /// the pipe's writing side is held) and must not use this pipe.
    #[inline]
    pub fn send_with(&self, make: impl FnOnce() -> Msg, sparse: bool) {
        if !sparse {
            self.outbound.force_push_with(make);
            return;
        }
        let msg = make();
        if self.send_direct(&msg) {
            return;
        }
        self.outbound.force_push(msg);
    }

    /// Fetches the cache lines the next [`Pipe::send`] writes, without
    /// waiting for them: a publisher sending one message into many pipes
    /// calls it a few pipes ahead of its sends, so that the lines (each
    /// last touched by the reading thread) travel in parallel instead of
    /// one per send. A hint: it changes nothing.
    #[inline]
    pub fn prefetch_send(&self) {
        self.outbound.prefetch_push();
    }

    /// A sparse send's attempt to write `msg` straight to the OS (out of
    /// line: streaming sends never take it); whether it went.
    #[inline(never)]
    fn send_direct(&self, msg: &Msg) -> bool {
        // The cheap checks come first: `is_empty` reads the reader's counter.
        if !self.direct.is_enabled() || !self.outbound.is_empty() {
            return false;
        }
        match self.direct.try_send(msg) {
            Sent::All => true,
            Sent::Partly => {
                self.outbound.notify_reader();
                true
            }
            Sent::No => false,
        }
    }

    /// Queues a message for the peer regardless of the high-water mark and
    /// never around the I/O thread: subscriptions and welcome messages,
    /// which must keep their order with what is already queued.
    pub fn send_queued(&self, msg: Msg) {
        self.outbound.force_push(msg);
    }

    /// Queues the empty message of ZMQ_PROBE_ROUTER. Whoever creates a pipe
    /// sends it, before anything else can be queued on it.
    pub fn send_probe(&self) {
        self.send_queued(Msg::single(bytes::Bytes::new()));
    }

    /// The version of the peer's information ([`PeerRef::version`]),
    /// without taking a handle on it.
    #[inline]
    pub fn peer_version(&self) -> usize {
        self.peer.version()
    }

    /// The oldest message from the peer, if one waits.
    #[inline(always)]
    pub fn recv(&self) -> Option<Msg> {
        if self.gated_reads {
            self.inbound.pop_gated()
        } else {
            self.inbound.pop()
        }
    }

    /// Whether this pipe's connection may lend its reads to a blocked
    /// receive now ([`crate::wait_receiving`]).
    #[inline]
    pub fn lends_reads(&self) -> bool {
        self.direct.reads_offered()
    }

    /// Hands back the read lease this pipe's connection lent to a blocking
    /// receive and that receive kept for the next one (the sticky lease,
    /// see `direct.rs`): the caller is about to wait for this pipe some
    /// other way (ZMQ_FD, `zmq_poll`, non-blocking receives), which needs
    /// the I/O thread to read the connection again.
    #[inline]
    pub fn release_lease(&self) {
        self.direct.release_kept();
    }

    /// Which connection this pipe's reads may be lent from now (for an
    /// async receive's watch on it, [`Pipe::lease_watch`]); `None` when
    /// they may not be.
    pub fn lease_key(&self) -> Option<LeaseKey> {
        let connection = self.direct.connection()?;
        Some(LeaseKey {
            pipe: self.id(),
            connection,
        })
    }

    /// A duplicate of the descriptor of the connection whose reads may be
    /// lent, for an async receive to register with its event loop (kept
    /// while [`Pipe::lease_key`] stays the same), with that key.
    pub fn lease_watch(&self) -> Option<(LeaseKey, std::os::fd::OwnedFd)> {
        let (connection, fd) = self.direct.watch_fd()?;
        Some((
            LeaseKey {
                pipe: self.id(),
                connection,
            },
            fd,
        ))
    }

    /// Whether a message from the peer waits.
    #[inline]
    pub fn has_input(&self) -> bool {
        !self.inbound.is_empty()
    }

    /// Ends the pipe from this end: nothing more can be sent either way;
    /// what this end already sent is still delivered (within LINGER), and
    /// the far end sees the pipe finish once it has read it.
    pub fn close(&self) {
        self.outbound.close();
        self.inbound.close();
    }

    /// Whether nothing can be sent any more (either end closed the pipe).
    #[inline]
    pub fn is_send_closed(&self) -> bool {
        self.outbound.is_closed()
    }

    /// Whole messages sent from this end that the far end (the peer socket
    /// for inproc, the connection's I/O thread for tcp/ipc) has not taken
    /// yet. Reads the queue's existing counters: free for the hot path.
    pub fn queued_out(&self) -> usize {
        self.outbound.len()
    }

    /// Whole messages from the peer waiting for this end to read them.
    pub fn queued_in(&self) -> usize {
        self.inbound.len()
    }

    /// Messages ever queued from this end (its push count: the next
    /// message sent gets this index in the session's take order).
    pub fn sent_count(&self) -> u64 {
        self.outbound.pushed_count()
    }

    /// Messages ever taken by the far end from this end's queue (for
    /// inproc, the peer socket read them).
    pub fn taken_count(&self) -> u64 {
        self.outbound.popped_count()
    }

    /// How far the session has written this end's messages to the wire
    /// (tcp and ipc; see [`WriteAcks`]).
    pub fn write_acks(&self) -> &WriteAcks {
        &self.acks
    }

    /// Drain, for a pipe to another socket (inproc): stops that socket
    /// reading what this end sent, and returns once its last read is over.
    /// Then [`Pipe::take_unsent`] may run. Nothing for a session's pipe,
    /// whose reader `Engine::drain_socket` pauses.
    pub fn stop_far_reader(&self) {
        if self.gated_reads {
            self.outbound.revoke_reader();
        }
    }

    /// Whether the far end is another socket (inproc), not a session.
    pub fn is_between_sockets(&self) -> bool {
        self.gated_reads
    }

    /// A session that stops reading for good (drain): from now on only
    /// the socket may take what it sent. Called by the reader itself, after
    /// its last read, so it returns at once.
    pub(crate) fn resign_reader(&self) {
        self.inbound.revoke_reader();
    }

    /// Drain: takes back, in order, every message sent from this end that
    /// the far end has not taken. Only once the far end has stopped reading
    /// ([`Pipe::stop_far_reader`] for inproc, `Engine::drain_socket` for a
    /// session), so that no message is both taken back and delivered;
    /// before that it takes nothing.
    pub fn take_unsent(&self) -> Vec<Msg> {
        let mut taken = Vec::new();
        if self.outbound.is_reader_revoked() {
            while let Some(msg) = self.outbound.pop() {
                taken.push(msg);
            }
        }
        taken
    }

    /// Whether messages sent from this end still wait for the far end.
    pub(crate) fn has_queued_output(&self) -> bool {
        !self.outbound.is_empty()
    }

    /// Whether the peer has gone and everything it sent was read.
    pub fn is_finished(&self) -> bool {
        self.inbound.is_finished()
    }

    /// Whether the peer has gone for good: nothing more to read, or
    /// nothing can be written.
    pub fn is_gone(&self) -> bool {
        self.is_finished() || self.is_send_closed()
    }
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
    fn sparse_clock_reads_the_clock_once_per_burst_send_then_once_per_stride() {
        // The sends below must come close together: a preemption between
        // two of them (a loaded machine) makes a burst look sparse. Such a
        // run is tried again, up to 5 times in all.
        for attempt in 1..=5 {
            let run = std::panic::catch_unwind(sparse_clock_scenario);
            match run {
                Ok(()) => return,
                Err(panic) if attempt == 5 => std::panic::resume_unwind(panic),
                Err(_) => {}
            }
        }
    }

    fn sparse_clock_scenario() {
        let mut clock = SparseClock::default();
        assert!(!clock.is_sparse(), "not running: never sparse");
        clock.running = true;
        // The first send is long after "the previous one" (tick 0).
        assert!(clock.is_sparse());
        assert_eq!(clock.end, SendEnd::Read);
        clock.sent();
        let end = clock.last;
        assert!(end > 0, "a sparse send's end is read from the clock");
        // The next ones, at once: a burst; each start stands for its end.
        for _ in 0..TRUSTED_BURST {
            assert!(!clock.is_sparse());
            let SendEnd::At(start) = clock.end else {
                panic!("a burst send keeps its start");
            };
            assert!(start >= clock.last);
            clock.sent();
            assert_eq!((clock.last, clock.end), (start, SendEnd::Read));
        }
        // A sustained burst: the next sends do not read the clock, and
        // leave the last reading as it was.
        let last = clock.last;
        for _ in 1..BURST_STRIDE {
            assert!(!clock.is_sparse());
            assert_eq!(clock.end, SendEnd::Unread);
            clock.sent();
            assert_eq!(clock.last, last);
        }
        // Then one reads it again.
        assert!(!clock.is_sparse());
        assert!(matches!(clock.end, SendEnd::At(_)));
        // REQ/REP: always sparse, no clock read.
        let mut alternating = SparseClock::alternating();
        alternating.running = true;
        assert!(alternating.is_sparse());
        alternating.sent();
        assert_eq!(alternating.last, 0);
    }

    #[test]
    fn both_ends_see_one_pipe() {
        let near = Pipe::new(2, 2, Arc::from("inproc://x"));
        let far = near.mirror();
        let (n, f) = (
            Arc::new(Count(AtomicUsize::new(0))),
            Arc::new(Count(AtomicUsize::new(0))),
        );
        near.wire(n.clone(), f.clone());
        assert_eq!(near.id(), far.id());
        assert!(!near.is_full());
        near.send(Msg::single(Bytes::from_static(b"a")), false);
        near.send(Msg::single(Bytes::from_static(b"b")), false);
        assert_eq!(f.0.load(Ordering::SeqCst), 2, "the far end is woken");
        assert!(near.is_full());
        assert!(far.has_input());
        assert_eq!(far.recv().unwrap().first()[..], *b"a");
        near.close();
        assert!(near.is_send_closed() && far.is_send_closed());
        assert!(!far.is_finished(), "what was sent is still delivered");
        assert_eq!(far.recv().unwrap().first()[..], *b"b");
        assert!(far.is_finished() && far.is_gone());
    }

    #[test]
    fn only_a_connection_starts_the_sparse_clock_and_req_rep_sends_are_always_sparse() {
        let between = Pipe::new_between_sockets(2, 2, Arc::from("inproc://x"));
        let connection = Pipe::new(2, 2, Arc::from("tcp://127.0.0.1:1"));
        let mut streaming = SparseClock::default();
        let mut alternating = SparseClock::alternating();
        for clock in [&mut streaming, &mut alternating] {
            clock.watch(&between);
            assert!(!clock.is_sparse(), "inproc pipes are never written around");
            clock.watch(&connection);
        }
        // Right after a send, well within the gap (a few µs; tried again
        // should the thread be preempted in between).
        let burst = (0..100).any(|_| {
            streaming.sent();
            !streaming.is_sparse()
        });
        assert!(burst, "a burst goes through the I/O thread");
        alternating.sent();
        assert!(alternating.is_sparse(), "a REQ/REP send never batches");
    }
}
