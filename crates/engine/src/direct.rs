//! The direct path: when a connection is idle, the application thread writes
//! a message straight to the OS socket instead of handing it to the I/O
//! thread, saving a thread wake-up each way (DESIGN.md section 2).
//!
//! It is taken only for sparse traffic (request/reply, occasional events):
//! a message that follows the socket's previous one within [`SPARSE_GAP_TICKS`] goes through
//! the pipe, so that busy senders keep the I/O thread's batched writes.
//! Order is kept because a direct write happens only when the pipe is empty
//! and the session has nothing in flight (`busy` is false).
//!
//! Reads have a direct path too, the *read lease* (`lent_read.rs` is the
//! application's side): a session idle at a message boundary offers its
//! connection; an application blocked in a receive with nothing queued
//! takes it, stops the I/O thread's epoll from watching the connection's
//! input, and sleeps on the connection itself; whole data messages it
//! reads go into the pipe as if the session had read them, anything else
//! stays in the socket for the session. See [`Direct::lend`].
//!
//! The lease is *sticky*: a receive that read only whole messages keeps it
//! ([`KEPT`]) for the next receive, which resumes it with no system call
//! (no `epoll_ctl` pair, no new duplicate descriptor). While it is kept
//! nobody watches the connection's input, so it goes back to the session
//! ([`Direct::release_kept`]) as soon as the application looks at the
//! socket any other way (ZMQ_EVENTS, ZMQ_FD, `zmq_poll`, a non-blocking
//! receive that finds nothing), and otherwise by the session's own check
//! ([`Direct::check_lease`], every [`LEASE_CHECK`] while the lease is out,
//! less often while each check finds it used, up to [`LEASE_CHECK_MAX`]):
//! a lease not used since the previous check goes back. So a kept lease
//! delays what only the session sees (a peer's command, its disconnect, a
//! monitor event) by at most two checks after the last receive.

use std::io::IoSlice;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use crate::sync::{AtomicBool, AtomicU8, Mutex, Ordering};

use bytes::Bytes;
use ferrozmq_zmtp::frame::{write_header, Framing};

use crate::body_pool::BodyPool;
use crate::msg::{Msg, MsgKind};
use crate::sys;

/// Messages a socket sends closer together than this many ticks (about
/// 10 µs at 2–3 GHz) take the pipe: batching beats a syscall per message.
/// Measured per socket, not per pipe, so a PUB fanning out to many peers
/// counts as busy.
pub(crate) const SPARSE_GAP_TICKS: u64 = 25_000;
/// Messages with more frames than this take the pipe.
const MAX_FRAMES: usize = 8;
/// Messages larger than this take the pipe: the I/O thread writes them
/// from its own core, where a body it received and the application sends
/// back (a reply) is still in cache. Measured on 1 MiB REQ/REP round trips
/// over tcp (two processes): 290 µs median through the pipe against 540 µs
/// written from the application thread (libzmq: 290 µs); no difference at
/// 64 KiB.
const MAX_BYTES: usize = 128 * 1024;
/// How often the session looks at a lease that is out (see the module's
/// notes): a kept lease unused for one whole period goes back to it.
pub(crate) const LEASE_CHECK: Duration = Duration::from_millis(2);
/// The longest period between two looks at a lease found in use at each
/// look (the period doubles from [`LEASE_CHECK`]): a kept lease the
/// application stopped using goes back within two of these.
pub(crate) const LEASE_CHECK_MAX: Duration = Duration::from_millis(32);

/// Shared by a socket's pipe end and the session serving it.
#[derive(Debug)]
pub(crate) struct Direct {
    enabled: AtomicBool,
    /// A partial direct write left bytes for the session (`leftover` is
    /// not empty): lets the session see, without the lock, that it has
    /// nothing to take.
    has_leftover: AtomicBool,
    /// Who reads the connection: [`IO`], [`OFFERED`], [`LENT`] or [`KEPT`].
    lease: AtomicU8,
    /// `State::carry` holds bytes for the session (a cheap look).
    has_carry: AtomicBool,
    /// The application took or resumed the lease since the session's last
    /// [`Direct::check_lease`].
    used: AtomicBool,
    /// The connection may be lent (set with `enable`, never changes for it).
    lendable: AtomicBool,
    /// The application gave a lease back with a large message it would not
    /// read itself (an async receive): the session need not offer its
    /// reads while large messages come (see [`Direct::refuses_large`]).
    refuses_large: AtomicBool,
    /// The application sent a sparse message here (`try_send`) since a
    /// receive last took a message under the lease: the next receive
    /// answers it (request/reply), and reads a large message itself.
    answering: AtomicBool,
    /// The application read bytes under the lease since the session last
    /// looked ([`Direct::take_lease_traffic`]): traffic from the peer for
    /// the heartbeat's clock, which only the session keeps.
    lease_traffic: AtomicBool,
    state: Mutex<State>,
}

/// The session reads the connection (or it is not lendable now).
const IO: u8 = 0;
/// The session is idle at a message boundary with nothing buffered: the
/// application may take the connection.
const OFFERED: u8 = 1;
/// The application reads the connection; the I/O thread's epoll does not
/// watch its input.
const LENT: u8 = 2;
/// The application holds the reads between two receives (the sticky
/// lease, kept in `State::kept`): the I/O thread's epoll does not watch
/// the input, and nobody polls it until the next receive resumes the lease
/// or it goes back (`release_kept`, `check_lease`).
const KEPT: u8 = 3;

#[derive(Debug)]
struct State {
    fd: RawFd,
    framing: Framing,
    /// The session has bytes in flight: the application must queue.
    busy: bool,
    /// What a partial direct write left for the session to finish, in
    /// order: the headers' rest copied, the bodies' rest shared (a large
    /// body is never copied to be finished).
    leftover: Vec<Bytes>,
    /// Counts connections (`enable` calls): a lease from an earlier
    /// connection changes nothing when it comes back.
    generation: u64,
    /// How to lend this connection's reads, if it may be lent.
    reads: Option<Reads>,
    /// The lease while it is [`KEPT`].
    kept: Option<Lent>,
    /// Bytes the application read under the lease that are the session's
    /// (`give_back_carrying`), to decode before it reads the connection.
    carry: Vec<u8>,
}

/// What lending a connection's reads needs.
#[derive(Debug)]
struct Reads {
    /// The I/O thread's epoll instance, and the session's token in it.
    epfd: RawFd,
    token: u64,
    max_frame: Option<u64>,
    bodies: Option<Arc<BodyPool>>,
    /// epoll watches writability: the session waits for room to write.
    /// Otherwise it does not (once the session has said so), or every
    /// write and every change of the watch would wake the I/O thread.
    writable: bool,
}

impl Reads {
    /// Sets what epoll watches on the connection `fd`: its input if
    /// `input`, room to write if the session waits for it.
    fn watch(&self, fd: RawFd, input: bool) -> std::io::Result<()> {
        crate::sys::epoll_watch(self.epfd, fd, self.token, input, self.writable)
    }
}

/// How a connection's reads may be lent: the I/O thread's epoll
/// descriptor and the session's token in it.
#[derive(Debug, Clone)]
pub(crate) struct LendReads {
    pub(crate) epfd: RawFd,
    pub(crate) token: u64,
    /// The largest frame the session accepts (ZMQ_MAXMSGSIZE): a larger
    /// one is left to it, which fails the connection.
    pub(crate) max_frame: Option<u64>,
    /// The I/O thread's spare buffers for large bodies, which a lease
    /// reads a large message into (none: large messages are the
    /// session's).
    pub(crate) bodies: Option<Arc<BodyPool>>,
}

/// The application's hold on a connection's reads (see [`Direct::lend`]);
/// give it back with [`Direct::give_back`].
#[derive(Debug)]
pub(crate) struct Lent {
    /// A duplicate of the connection's descriptor, made for this lease:
    /// the application polls it, so a session closing the connection
    /// meanwhile can never leave it polling a number reused for another
    /// file. Closed with the lease (a kept one would outlive nothing but
    /// would count as the connection's second descriptor).
    fd: OwnedFd,
    generation: u64,
    max_frame: Option<u64>,
    /// Where a large body read under the lease goes (see [`LendReads`]).
    bodies: Option<Arc<BodyPool>>,
    /// Taken from an offer now, not resumed from a kept lease.
    fresh: bool,
    /// The buffer reads under this lease go into (`lent_read`), made at
    /// the first and kept with the lease: not zeroed again per receive.
    pub(crate) read_buf: Vec<u8>,
}

impl Lent {
    /// Whether this lease was newly taken from the session's offer (rather
    /// than resumed): the session must then be woken, to check on it.
    pub(crate) fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// The connection's descriptor to poll and read (a duplicate).
    pub(crate) fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Whether a frame of `size` bytes is within ZMQ_MAXMSGSIZE.
    pub(crate) fn accepts(&self, size: u64) -> bool {
        self.max_frame.is_none_or(|max| size <= max)
    }

    /// The pool a large body read under this lease is taken from.
    pub(crate) fn bodies(&self) -> Option<&Arc<BodyPool>> {
        self.bodies.as_ref()
    }
}

/// What a direct send attempt did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    /// Not attempted or nothing written: queue the message.
    No,
    /// Written completely.
    All,
    /// Partly written; the session must be woken to finish it.
    Partly,
}

impl Direct {
    pub(crate) fn new() -> Direct {
        Direct {
            enabled: AtomicBool::new(false),
            has_leftover: AtomicBool::new(false),
            lease: AtomicU8::new(IO),
            used: AtomicBool::new(false),
            has_carry: AtomicBool::new(false),
            lendable: AtomicBool::new(false),
            refuses_large: AtomicBool::new(false),
            answering: AtomicBool::new(false),
            lease_traffic: AtomicBool::new(false),
            state: Mutex::new(State {
                fd: -1,
                framing: Framing::V3,
                busy: false,
                leftover: Vec::new(),
                generation: 0,
                reads: None,
                kept: None,
                carry: Vec::new(),
            }),
        }
    }

    /// Session: the connection on `fd` is ready for traffic; with `reads`,
    /// its reads may be lent to the application (`offer_reads`).
    pub(crate) fn enable(&self, fd: RawFd, framing: Framing, reads: Option<LendReads>) {
        let lendable = reads.is_some();
        self.lease.store(IO, Ordering::SeqCst);
        // Reads of an earlier connection are no traffic of this one.
        self.lease_traffic.store(false, Ordering::Relaxed);
        if let Ok(mut s) = self.state.lock() {
            s.fd = fd;
            s.framing = framing;
            s.busy = false;
            s.leftover.clear();
            s.generation = s.generation.wrapping_add(1);
            s.kept = None;
            s.carry = Vec::new();
            self.has_carry.store(false, Ordering::SeqCst);
            s.reads = reads.map(|r| Reads {
                epfd: r.epfd,
                token: r.token,
                max_frame: r.max_frame,
                bodies: r.bodies,
                // As mio registered the stream.
                writable: true,
            });
        }
        self.lendable.store(lendable, Ordering::SeqCst);
        self.enabled.store(true, Ordering::Release);
    }

    /// Session: the connection is going away; the fd must not be touched.
    /// A lease still out stays harmless: the application reads a duplicate
    /// of the descriptor, and its `give_back` changes nothing any more.
    pub(crate) fn disable(&self) {
        self.enabled.store(false, Ordering::Release);
        self.lendable.store(false, Ordering::SeqCst);
        if let Ok(mut s) = self.state.lock() {
            s.fd = -1;
            s.leftover.clear();
            s.reads = None;
            s.kept = None;
            s.carry = Vec::new();
            self.has_carry.store(false, Ordering::SeqCst);
        }
        self.lease.store(IO, Ordering::SeqCst);
    }

    /// Session, before reading the connection: takes its reads back from
    /// an offer. False while the application holds them (`LENT` or
    /// `KEPT`): the session must not read then; the lease's return makes
    /// epoll report whatever was left in the socket.
    pub(crate) fn reclaim_reads(&self) -> bool {
        match self
            .lease
            .compare_exchange(OFFERED, IO, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => true,
            Err(state) => state != LENT && state != KEPT,
        }
    }

    /// Session, on its timer ([`LEASE_CHECK`]) and whenever it runs with
    /// the check due: takes back a kept lease the application has not used
    /// since the previous check. True while the lease is still out (check
    /// again later).
    pub(crate) fn check_lease(&self) -> bool {
        match self.lease.load(Ordering::SeqCst) {
            LENT => true,
            KEPT if self.used.swap(false, Ordering::SeqCst) => true,
            KEPT => {
                self.release_kept();
                // Resumed meanwhile (the release found it LENT): still out.
                self.lease.load(Ordering::SeqCst) == LENT
            }
            _ => false,
        }
    }

    /// Application, about to look at the socket other than by a blocking
    /// receive (or session, see `check_lease`): a kept lease goes back, the
    /// offer standing, and epoll watches the input again (reporting at
    /// once any bytes that came meanwhile). Returns whether it did.
    pub(crate) fn release_kept(&self) -> bool {
        if self.lease.load(Ordering::SeqCst) != KEPT {
            return false;
        }
        let Ok(mut s) = self.state.lock() else {
            return false;
        };
        // Under the lock: `lend` cannot resume it meanwhile.
        if self
            .lease
            .compare_exchange(KEPT, OFFERED, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return false;
        }
        let kept = s.kept.take();
        if let (Some(reads), true) = (&s.reads, s.fd >= 0) {
            let _ = reads.watch(s.fd, true);
        }
        drop(s);
        drop(kept);
        true
    }

    /// Application: it read bytes from the peer under the lease (see
    /// `lease_traffic`). Written only when not already set: once per
    /// heartbeat look, not per read, on a line the session reads.
    pub(crate) fn note_lease_traffic(&self) {
        if !self.lease_traffic.load(Ordering::Relaxed) {
            self.lease_traffic.store(true, Ordering::Relaxed);
        }
    }

    /// Session, before its heartbeat's timers are looked at: whether the
    /// application read bytes from the peer under the lease since the
    /// last call (traffic, as if the session had read them).
    pub(crate) fn take_lease_traffic(&self) -> bool {
        self.lease_traffic.load(Ordering::Relaxed)
            && self.lease_traffic.swap(false, Ordering::Relaxed)
    }

    /// Session, idle at a message boundary with nothing buffered or
    /// pending: the application may read the connection itself.
    pub(crate) fn offer_reads(&self) {
        if self.lendable.load(Ordering::SeqCst) {
            let _ = self
                .lease
                .compare_exchange(IO, OFFERED, Ordering::SeqCst, Ordering::SeqCst);
        }
    }

    /// Application: whether it read the last large message that came
    /// under the lease itself (`false`: it left it to the session).
    pub(crate) fn note_large(&self, taken: bool) {
        if self.refuses_large.load(Ordering::Relaxed) == taken {
            self.refuses_large.store(!taken, Ordering::Relaxed);
        }
    }

    /// Application, taking messages under the lease: whether it sent here
    /// since it last did (see `answering`); the next take starts afresh.
    pub(crate) fn take_answering(&self) -> bool {
        self.answering.load(Ordering::Relaxed) && self.answering.swap(false, Ordering::Relaxed)
    }

    /// Session: whether the application leaves large messages to it (then
    /// offering the reads while they come would only cost a wasted turn
    /// each). A hint, not part of the lease's protocol.
    pub(crate) fn refuses_large(&self) -> bool {
        self.refuses_large.load(Ordering::Relaxed)
    }

    /// Whether the application holds the connection's reads in a receive
    /// now (not kept between two).
    pub(crate) fn is_lent(&self) -> bool {
        self.lease.load(Ordering::SeqCst) == LENT
    }

    /// Whether the connection's reads may be lent now, on offer or kept
    /// for the application (a cheap look).
    pub(crate) fn reads_offered(&self) -> bool {
        matches!(self.lease.load(Ordering::SeqCst), OFFERED | KEPT)
    }

    /// Application, blocked in a receive with nothing queued: resumes the
    /// lease it kept, or takes the connection's reads if the session offers
    /// them. The I/O thread's epoll stops watching the connection's input
    /// until the lease goes back, so the bytes that arrive wake only the
    /// application (which must poll [`Lent::fd`]).
    pub(crate) fn lend(&self) -> Option<Lent> {
        if !self.reads_offered() {
            return None;
        }
        let mut s = self.state.lock().ok()?;
        // Bytes given back for the session come before anything read now:
        // not lent until it has taken them (an offer made meanwhile, by a
        // session that looked for a carry just before it came, let a
        // receive read past them: messages out of order).
        if !s.carry.is_empty() {
            return None;
        }
        if self
            .lease
            .compare_exchange(KEPT, LENT, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            self.used.store(true, Ordering::SeqCst);
            if let Some(mut lent) = s.kept.take() {
                lent.fresh = false;
                return Some(lent);
            }
            // Never KEPT without the lease in hand; be safe all the same.
            self.lease.store(OFFERED, Ordering::SeqCst);
        }
        let fd = s.fd;
        let generation = s.generation;
        let reads = s.reads.as_mut()?;
        if fd < 0 {
            return None;
        }
        self.lease
            .compare_exchange(OFFERED, LENT, Ordering::SeqCst, Ordering::SeqCst)
            .ok()?;
        let dup = crate::sys::dup_fd(fd).ok();
        let watched = reads.watch(fd, false);
        match (dup, watched) {
            (Some(dup), Ok(())) => {
                self.used.store(true, Ordering::SeqCst);
                Some(Lent {
                    fd: dup,
                    generation,
                    max_frame: reads.max_frame,
                    bodies: reads.bodies.clone(),
                    fresh: true,
                    read_buf: Vec::new(),
                })
            }
            (_, watched) => {
                if watched.is_ok() {
                    let _ = reads.watch(fd, true);
                }
                self.lease.store(OFFERED, Ordering::SeqCst);
                None
            }
        }
    }

    /// Application, done with one receive that read `carry`, bytes that
    /// are the session's (after the whole messages it took): the lease
    /// goes back with them, and the session decodes them before it reads
    /// the connection again ([`Direct::take_carry`]). The caller wakes the
    /// session when `carry` is not empty: epoll reports nothing for bytes
    /// already read.
    pub(crate) fn give_back_carrying(&self, lent: Lent, carry: Vec<u8>) {
        if carry.is_empty() {
            self.give_back(lent, false);
            return;
        }
        if let Ok(mut s) = self.state.lock() {
            if s.generation == lent.generation && s.fd >= 0 && s.reads.is_some() {
                // Before the lease goes back (in `give_back`, under this
                // lock too): a session that reclaims it finds the carry.
                s.carry.extend_from_slice(&carry);
                self.has_carry.store(true, Ordering::SeqCst);
            }
        }
        self.give_back(lent, false);
    }

    /// Session, before it reads the connection: takes its reads back (as
    /// [`Direct::reclaim_reads`]) and, with them, the bytes the application
    /// read for it under the lease, which go before anything it reads now
    /// (empty if none). `None` while the application holds the reads.
    ///
    /// One step, because a lease given back with bytes between a look at
    /// the carry and the reclaim would have them read past (seen once in
    /// the async stress test as a corrupt stream): carried bytes are stored
    /// before the lease comes back, so a reclaim that succeeds sees them.
    pub(crate) fn reclaim_reads_with_carry(&self) -> Option<Vec<u8>> {
        if !self.reclaim_reads() {
            return None;
        }
        Some(self.take_carry().unwrap_or_default())
    }

    /// Whether the application left bytes for the session (a cheap look).
    pub(crate) fn has_carry(&self) -> bool {
        self.has_carry.load(Ordering::SeqCst)
    }

    /// Session, after `reclaim_reads` succeeded and before it reads the
    /// connection: the bytes the application read for it, if any.
    pub(crate) fn take_carry(&self) -> Option<Vec<u8>> {
        if !self.has_carry.load(Ordering::SeqCst) {
            return None;
        }
        let mut s = self.state.lock().ok()?;
        self.has_carry.store(false, Ordering::SeqCst);
        Some(std::mem::take(&mut s.carry)).filter(|c| !c.is_empty())
    }

    /// Application, done with one receive: `clean` when what it read
    /// ended exactly at a message boundary with nothing more seen. Then it
    /// keeps the lease for its next receive ([`KEPT`], no system call).
    /// Otherwise the session takes over: epoll watches the input again,
    /// and reports at once any bytes left in the socket (so nothing waits
    /// for an edge that came while the application held the lease). The
    /// state changes before epoll watches again: an event it reports finds
    /// the session free to read.
    pub(crate) fn give_back(&self, lent: Lent, clean: bool) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if s.generation != lent.generation || s.fd < 0 || s.reads.is_none() {
            return;
        }
        if clean {
            self.used.store(true, Ordering::SeqCst);
            s.kept = Some(lent);
            self.lease.store(KEPT, Ordering::SeqCst);
            return;
        }
        if let Some(reads) = &s.reads {
            self.lease.store(IO, Ordering::SeqCst);
            let _ = reads.watch(s.fd, true);
        }
        drop(s);
        drop(lent);
    }

    /// Application (an async receive): the connection's number and a
    /// duplicate of its descriptor, for an event loop to watch while the
    /// application reads under the lease; `None` unless its reads may be
    /// lent. The duplicate is the caller's, to close when the number
    /// changes ([`Direct::connection`]).
    pub(crate) fn watch_fd(&self) -> Option<(u64, OwnedFd)> {
        let s = self.state.lock().ok()?;
        if s.reads.is_none() || s.fd < 0 {
            return None;
        }
        let dup = crate::sys::dup_fd(s.fd).ok()?;
        Some((s.generation, dup))
    }

    /// The number of the connection whose reads may be lent now, if any
    /// (see [`Direct::watch_fd`]).
    pub(crate) fn connection(&self) -> Option<u64> {
        let s = self.state.lock().ok()?;
        (s.reads.is_some() && s.fd >= 0).then_some(s.generation)
    }

    /// Session: whether it waits for room to write (`on`), for a
    /// connection whose reads may be lent: epoll then watches writability
    /// only while it does (see `Reads::writable`).
    pub(crate) fn want_writable(&self, on: bool) {
        if !self.lendable.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        let fd = s.fd;
        // The lease changes only under this lock (`lend`, `give_back`,
        // `release_kept`) or from OFFERED to IO, which watch input alike.
        let lent = matches!(self.lease.load(Ordering::SeqCst), LENT | KEPT);
        if let Some(reads) = s.reads.as_mut().filter(|r| r.writable != on && fd >= 0) {
            reads.writable = on;
            let _ = reads.watch(fd, !lent);
        }
    }

    /// Session: about to write; returns what a direct write left unfinished,
    /// in order.
    pub(crate) fn begin_io(&self) -> Vec<Bytes> {
        match self.state.lock() {
            Ok(mut s) => {
                s.busy = true;
                self.has_leftover.store(false, Ordering::Release);
                std::mem::take(&mut s.leftover)
            }
            Err(_) => Vec::new(),
        }
    }

    /// Session: done writing for now; `idle` when nothing is left in flight.
    pub(crate) fn end_io(&self, idle: bool) {
        if let Ok(mut s) = self.state.lock() {
            s.busy = !idle;
        }
    }

    /// Session: whether a partial direct write left bytes to finish.
    pub(crate) fn has_leftover(&self) -> bool {
        self.has_leftover.load(Ordering::Acquire)
    }

    /// Whether the connection takes direct writes now.
    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    /// Application: tries to write `msg` now. The caller checked that the
    /// traffic is sparse and that its pipe towards this connection is empty.
    pub(crate) fn try_send(&self, msg: &Msg) -> Sent {
        // Written once per round trip, not per send (the line is the
        // session's too).
        if !self.answering.load(Ordering::Relaxed) {
            self.answering.store(true, Ordering::Relaxed);
        }
        if msg.kind() != MsgKind::Data || msg.len() > MAX_FRAMES || msg.byte_len() > MAX_BYTES {
            return Sent::No;
        }
        let Ok(mut s) = self.state.try_lock() else {
            return Sent::No;
        };
        if s.busy || s.fd < 0 || !s.leftover.is_empty() {
            return Sent::No;
        }
        let n = msg.len();
        let mut headers = [[0u8; 10]; MAX_FRAMES];
        let mut lens = [0usize; MAX_FRAMES];
        for (i, frame) in msg.frames().enumerate() {
            if let (Some(h), Some(l)) = (headers.get_mut(i), lens.get_mut(i)) {
                *l = write_header(s.framing, i + 1 < n, false, frame.len(), h);
            }
        }
        let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(2 * n);
        let mut total = 0;
        for ((h, l), frame) in headers.iter().zip(lens.iter()).zip(msg.frames()) {
            slices.push(IoSlice::new(h.get(..*l).unwrap_or(&[])));
            slices.push(IoSlice::new(frame));
            total += *l + frame.len();
        }
        let pieces = headers.iter().zip(lens.iter()).zip(msg.frames());
        let written = match sys::send_vectored(s.fd, &slices) {
            Ok(w) => w,
            Err(_) => return Sent::No,
        };
        if written == 0 {
            return Sent::No;
        }
        if written == total {
            return Sent::All;
        }
        // Keep the rest for the session, in order.
        let mut skip = written;
        for ((h, l), frame) in pieces {
            let header = h.get(..*l).unwrap_or(&[]);
            if skip < header.len() {
                s.leftover
                    .push(Bytes::copy_from_slice(header.get(skip..).unwrap_or(&[])));
            }
            skip = skip.saturating_sub(header.len());
            if skip < frame.len() {
                s.leftover.push(frame.bytes_from(skip));
            }
            skip = skip.saturating_sub(frame.len());
        }
        s.busy = true;
        self.has_leftover.store(true, Ordering::Release);
        Sent::Partly
    }
}
