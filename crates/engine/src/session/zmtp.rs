//! The shell's ZMTP side: one connected stream driven through a
//! `zmtp::Connection`. Reads are decoded into messages for the socket,
//! messages from the socket are encoded and written in batches (vectored),
//! and the handshake's outcome goes to the driver.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use ferrozmq_zmtp::frame::Framing;

use super::after_body::{AfterBody, AFTER_BODY_READ};
use super::stream_io::{read_body_and_next, read_once, write_queue, Flushed};
use super::{
    peer, Ctx, Failure, Inbound, Phase, Session, State, Wire, MAX_RESERVE, READS_PER_TURN,
    READ_CHUNK, SEALED_WRITE_BATCH, WRITES_PER_TURN, WRITE_BATCH,
};
use crate::body_pool::{Body, BodyPool};
use crate::direct::LendReads;
use crate::link::LinkEvent;
use crate::msg::Spares;
use crate::notify::Notify;
use crate::transport::Stream;
use crate::zap::ZapClient;

#[derive(Debug)]
pub(super) struct Active {
    pub(super) stream: Stream,
    /// The ZMTP connection, message by message.
    pub(super) wire: Wire,
    pub(super) read_buf: BytesMut,
    /// The peer closed its side.
    pub(super) eof: bool,
    /// The ZAP request outstanding, if any.
    pub(super) zap: Option<ZapClient>,
    /// The OS may have bytes for us (edge-triggered: set by a readable event,
    /// cleared once a read drains the socket).
    pub(super) readable: bool,
    /// The last write hit a full socket buffer; wait for a writable event.
    pub(super) write_blocked: bool,
    /// The OS said the peer closed or reset its side: read until the end is
    /// seen, since a short read no longer means the socket is drained (the
    /// end came with the data, in the same edge-triggered event).
    pub(super) hung_up: bool,
    /// Messages taken from the pipe whose bytes are not all written yet.
    pub(super) taken: u64,
    /// Where large bodies are read into.
    pub(super) bodies: Arc<BodyPool>,
    /// A large body being read straight into a buffer of its own.
    pub(super) body: Option<Body>,
    /// Whether such a body was just completed: then the next read takes
    /// little (the next frame's header), so that a large body after it is
    /// copied little.
    pub(super) after_body: AfterBody,
    /// Where the stream is watched (epoll descriptor and token), for
    /// lending its reads to the application (`Direct::lend`).
    pub(super) watched: LendReads,
    /// The size of the last message read: while the application would
    /// only hand such messages back (`lent_read::leaves_to_session`), the
    /// reads are not offered until a smaller one.
    pub(super) last_len: usize,
    /// When to look next at a lease that is out (`Direct::check_lease`).
    pub(super) lease_check: Option<Instant>,
    /// How long after that look the one after it comes (see
    /// `Session::check_lease`).
    pub(super) lease_period: Duration,
}

impl Session {
    /// Starts ZMTP on a connected stream.
    pub(super) fn activate_zmtp(&mut self, ctx: &mut Ctx<'_>, stream: Stream) -> State {
        let wire = match Wire::new(self.options.zmtp.clone()) {
            Ok(w) => w,
            Err(_) => return State::Dead,
        };
        self.driver.handshake_started(ctx.now);
        let active = Box::new(Active {
            stream,
            wire,
            // Allocated by the first read (read_some): a peer that connects
            // and never sends costs no read buffer (issue 15).
            read_buf: BytesMut::new(),
            eof: false,
            zap: None,
            readable: true,
            write_blocked: false,
            hung_up: false,
            taken: 0,
            bodies: Arc::clone(ctx.bodies),
            body: None,
            after_body: AfterBody::default(),
            watched: LendReads {
                epfd: std::os::fd::AsRawFd::as_raw_fd(ctx.registry),
                token: ctx.token.0 as u64,
                max_frame: None,
                bodies: None,
            },
            last_len: 0,
            lease_check: None,
            lease_period: crate::direct::LEASE_CHECK,
        });
        self.drive_active(ctx, active)
    }

    pub(super) fn drive_active(&mut self, ctx: &mut Ctx<'_>, mut a: Box<Active>) -> State {
        match self.pump(ctx, &mut a) {
            Ok(()) => State::Active(a),
            Err(failure) => self.connection_lost(ctx, a, failure),
        }
    }

    fn pump(&mut self, ctx: &mut Ctx<'_>, a: &mut Active) -> Result<(), Failure> {
        if self.driver.handshake_expired(ctx.now) {
            return Err(Failure::Timeout);
        }
        if self.driver.phase() == Phase::Refused {
            return self.wait_for_refused_peer(a);
        }
        let mut turns = 0;
        // The application may be reading the connection itself (the read
        // lease); then nothing is read here until it gives it back. Bytes
        // it read that are ours (a command, a partial frame) come first,
        // before anything more is read: they are taken only once the reads
        // are reclaimed, since a lease given back between a look at the
        // carry and the reclaim would otherwise have its bytes read past.
        let mut reclaimed = true;
        if let Some(pipe) = &self.pipe {
            reclaimed = false;
            // The heartbeat's timer is due (a PING to send, or a deadline
            // for the peer's traffic): whatever the peer sent that nobody
            // read yet counts before the deadline is judged, as the I/O
            // thread would have read it. A lease the application keeps
            // between two receives comes back (nobody watched the input
            // meanwhile) and the connection is read now; one in use in a
            // receive, whose reads tell of themselves, may only not have
            // run yet (a thread not scheduled): bytes waiting are traffic.
            if a.wire.poll_timeout().is_some_and(|at| at <= ctx.now) {
                if pipe.direct.release_kept() {
                    a.readable = true;
                } else if pipe.direct.is_lent() && bytes_waiting(&a.stream) {
                    a.wire.note_traffic();
                }
            }
            if a.readable || pipe.direct.has_carry() {
                if let Some(carry) = pipe.direct.reclaim_reads_with_carry() {
                    reclaimed = true;
                    if !carry.is_empty() {
                        a.read_buf.extend_from_slice(&carry);
                        a.readable = true;
                    }
                }
            }
        }
        let mut more = a.readable && reclaimed;
        // Paused (drained): nothing more is read from the peer.
        while !self.paused {
            self.deliver(a)?;
            if self.stalled.is_some() || a.eof || !more || a.wire.has_failed() {
                break;
            }
            if turns == READS_PER_TURN {
                self.wake.notify();
                break;
            }
            turns += 1;
            more = read_some(a)?;
            a.readable = more;
        }
        // What the application read under the lease is traffic from the
        // peer, as if read here: the heartbeat's clock must hear of it
        // before it judges a deadline.
        if self
            .pipe
            .as_ref()
            .is_some_and(|p| p.direct.take_lease_traffic())
        {
            a.wire.note_traffic();
        }
        a.wire.handle_timeout(ctx.now)?;
        // A peer that has closed takes nothing more: what the socket queued
        // stays in the pipe (for the next connection, or for drain).
        if !a.eof {
            self.write_out(a)?;
        }
        if a.eof && self.stalled.is_none() {
            return Err(Failure::Closed);
        }
        self.offer_reads(a);
        self.check_lease(ctx.now, a);
        Ok(())
    }

    /// While the application holds the connection's reads, looks every
    /// `LEASE_CHECK` whether it still uses them, and takes back a kept
    /// lease it no longer does (see `direct.rs`). An application taking a
    /// lease from the offer wakes the session, which arms the check here.
    ///
    /// A lease found in use at every look is looked at less and less
    /// often, the period doubling up to `LEASE_CHECK_MAX`, and again every
    /// `LEASE_CHECK` once it has come back: a receiver that keeps reading
    /// its connection itself is not woken for nothing every 2 ms (with a
    /// hundred subscriber processes on two cores, those wake-ups were 46 %
    /// of the subscribers' CPU time), and one that stops hands the reads
    /// back within two periods.
    fn check_lease(&self, now: Instant, a: &mut Active) {
        let Some(pipe) = &self.pipe else {
            return;
        };
        if a.lease_check.is_some_and(|at| at > now) {
            return;
        }
        if pipe.direct.check_lease() {
            a.lease_check = Some(now + a.lease_period);
            a.lease_period = (a.lease_period * 2).min(crate::direct::LEASE_CHECK_MAX);
        } else {
            a.lease_check = None;
            a.lease_period = crate::direct::LEASE_CHECK;
        }
    }

    /// Lends the connection's reads to the application (`Direct::lend`)
    /// when it is idle at a message boundary in the simple case: the
    /// socket drained, nothing buffered, decoded in part, held back or
    /// asked of ZAP, no bytes the application gave back for it
    /// (`Direct::lend` refuses then anyway), and the last message small
    /// enough for the application to read, or an application that reads
    /// large ones (an async receive hands them back, a wasted turn each).
    ///
    /// Heartbeats do not stop it: the session keeps their timers (it sends
    /// each PING on time from this thread), the application tells it of
    /// every read it makes (`Direct::note_lease_traffic`, noted as traffic
    /// before each look at the timers, in `pump`), and a PING, PONG or any
    /// other command it reads comes back here with the lease (`lent_read`
    /// carries it), to be answered.
    fn offer_reads(&self, a: &Active) {
        let Some(pipe) = &self.pipe else {
            return;
        };
        let large_refused =
            crate::lent_read::leaves_to_session(a.last_len, pipe.direct.refuses_large());
        let idle = !a.readable
            && !large_refused
            && !a.eof
            && !a.hung_up
            && !self.paused
            && self.stalled.is_none()
            && a.read_buf.is_empty()
            && a.body.is_none()
            && a.zap.is_none()
            && a.wire.is_ready()
            && !a.wire.has_failed()
            && a.wire.at_message_boundary()
            && !pipe.direct.has_carry();
        if idle {
            pipe.direct.want_writable(a.write_blocked);
            pipe.direct.offer_reads();
        }
    }

    /// A refused peer: what it sends is dropped until it closes.
    fn wait_for_refused_peer(&mut self, a: &mut Active) -> Result<(), Failure> {
        flush(a)?;
        for _ in 0..READS_PER_TURN {
            if !a.readable || a.eof {
                break;
            }
            a.readable = read_some(a)?;
            a.read_buf.clear();
        }
        if a.eof {
            return Err(Failure::Closed);
        }
        if a.readable {
            // A chatty peer waits its turn behind the other sessions.
            self.wake.notify();
        }
        Ok(())
    }

    /// Moves decoded events to the socket; stops when its queue is full.
    /// The reader is woken once for all the messages of one read, after
    /// the last (not on the first into an empty pipe, which had a fast
    /// reader chase the decoder message by message and sleep between: an
    /// async PULL woke ~10 000 times per 1 M streamed messages).
    fn deliver(&mut self, a: &mut Active) -> Result<(), Failure> {
        self.check_zap_reply(a)?;
        if let Some(msg) = self.stalled.take() {
            self.push_to_socket(msg);
            if self.stalled.is_some() {
                return Ok(());
            }
        }
        // Events a full pipe held back come first; then the small data
        // messages the session parses itself (small_frames.rs), then the
        // rest through the decoder.
        let mut quiet = false;
        let mut delivered = self.deliver_decoded(a, &mut quiet);
        while delivered.is_ok() && self.stalled.is_none() {
            let (small, partial) = self.deliver_small(a);
            quiet |= small;
            if self.stalled.is_some() || partial {
                break;
            }
            // The decoder's turn: up to the end of the next message when
            // the shortcut may take what follows, else all that was read.
            let next = super::small_frames::decoders_share(a);
            let mut buf = match next {
                Some(len) => a.read_buf.split_to(len),
                None => std::mem::take(&mut a.read_buf),
            };
            a.wire.handle_read(&mut buf);
            // Whole frames: the decoder took them all, and the shortcut
            // may go on. Otherwise (all was given, or, never, the decoder
            // left some of a cut) this was the last turn.
            let took_all = next.is_some() && buf.is_empty();
            match next {
                // The read buffer back, with its allocation.
                None => a.read_buf = buf,
                Some(_) if !took_all => {
                    buf.unsplit(std::mem::take(&mut a.read_buf));
                    a.read_buf = buf;
                }
                Some(_) => {}
            }
            delivered = self.deliver_decoded(a, &mut quiet);
            if !took_all {
                break;
            }
        }
        if quiet {
            if let Some(pipe) = &self.pipe {
                pipe.outbound.notify_reader();
            }
        }
        delivered?;
        if self.stalled.is_none() {
            if let Some(failure) = a.wire.take_failure() {
                return Err(failure);
            }
        }
        Ok(())
    }

    /// The loop of [`Session::deliver`]: data messages go into the pipe
    /// without waking the reader (`quiet` tells the caller to).
    fn deliver_decoded(&mut self, a: &mut Active, quiet: &mut bool) -> Result<(), Failure> {
        while self.stalled.is_none() {
            let Some(inbound) = a.wire.poll_inbound() else {
                break;
            };
            match inbound {
                Inbound::HandshakeSucceeded => self.handshake_succeeded(a),
                Inbound::Message(msg) => {
                    a.last_len = msg.byte_len();
                    *quiet = true;
                    self.push_to_socket_waking(msg, false);
                }
                Inbound::ZapRequest(request) => self.ask_zap(a, request)?,
            }
        }
        Ok(())
    }

    fn handshake_succeeded(&mut self, a: &mut Active) {
        let mut info = self.stream_peer_info(&a.stream);
        if let Some(peer) = a.wire.peer() {
            peer::add_zmtp_peer(&mut info, peer, self.connect_routing_id());
        }
        log::debug!(
            "{}: handshake with {} succeeded",
            self.endpoint,
            a.stream.peer_address()
        );
        let reconnected = self.driver.handshake_succeeded();
        match &self.pipe {
            Some(pipe) => {
                pipe.announce(info);
                // Only a *re*connection loses state the socket must restore
                // (e.g. subscriptions); the first one carries what was queued.
                if reconnected {
                    self.link.post(LinkEvent::Hiccup(pipe.id));
                }
            }
            None => self.attach_new_pipe(info),
        }
        if let (Some(pipe), Some(framing)) = (&self.pipe, a.wire.direct_framing()) {
            // Reads are lent only for ZMTP 3 data (whose frames the
            // application parses), and not to publishers (which read
            // subscriptions).
            let lend =
                (framing == Framing::V3 && !a.wire.reads_subscriptions()).then(|| LendReads {
                    max_frame: self.options.zmtp.max_message_size,
                    bodies: Some(Arc::clone(&a.bodies)),
                    ..a.watched.clone()
                });
            pipe.direct.enable(a.stream.raw_fd(), framing, lend);
        }
    }

    /// Encodes and writes until the socket's queue is empty or the stream is
    /// full (then the writable event brings us back).
    fn write_out(&mut self, a: &mut Active) -> Result<(), Failure> {
        let Some(pipe) = &self.pipe else {
            return self.write_batches(a);
        };
        // Nothing to write, the usual case after a read in request/reply:
        // leave the direct path's lock alone, which the application may
        // hold right now for a direct write of its answer (waiting for it
        // costs both threads a futex call). Whatever the socket queues
        // after this look wakes the session again.
        if a.wire.pending_transmit() == 0
            && a.taken == 0
            && pipe.inbound.is_empty()
            && !pipe.direct.has_leftover()
        {
            return Ok(());
        }
        let direct = pipe.direct.clone();
        for piece in direct.begin_io().into_iter().rev() {
            a.wire.transmit().push_front(piece);
        }
        let result = self.write_batches(a);
        direct.end_io(a.wire.pending_transmit() == 0);
        result
    }

    fn write_batches(&mut self, a: &mut Active) -> Result<(), Failure> {
        for _ in 0..WRITES_PER_TURN {
            self.fill_transmit(a)?;
            if a.write_blocked {
                return Ok(());
            }
            if flush(a)? == Flushed::Blocked {
                a.write_blocked = true;
                if let Some(pipe) = &self.pipe {
                    pipe.direct.want_writable(true);
                }
                return Ok(());
            }
            self.settle_written(&mut a.taken);
            let more = !self.paused && self.pipe.as_ref().is_some_and(|p| !p.inbound.is_empty());
            if !more || !a.wire.is_ready() {
                return Ok(());
            }
        }
        self.wake.notify();
        Ok(())
    }

    /// Encodes messages from the socket until the batch is big enough.
    fn fill_transmit(&mut self, a: &mut Active) -> Result<(), Failure> {
        if !a.wire.is_ready() || self.paused {
            return Ok(());
        }
        let Some(pipe) = &self.pipe else {
            return Ok(());
        };
        // Sealing a frame costs far more than writing it: write sealed
        // frames in smaller batches, so the peer can open the first ones
        // while the next are sealed.
        let batch = if a.wire.seals_frames() {
            SEALED_WRITE_BATCH
        } else {
            WRITE_BATCH
        };
        if a.wire.transmit().len() >= batch {
            return Ok(());
        }
        // One turn of the queue's reading role for the whole batch, and
        // one look at the thread's block cache for the small bodies.
        let mut sent = Ok(());
        let mut spares = Spares::new();
        pipe.inbound.pop_while(|msg| {
            a.taken += 1;
            sent = a.wire.send_keeping(msg, &mut spares);
            sent.is_ok() && a.wire.transmit().len() < batch
        });
        sent?;
        Ok(())
    }

    fn connection_lost(
        &mut self,
        ctx: &mut Ctx<'_>,
        mut a: Box<Active>,
        failure: Failure,
    ) -> State {
        if let Some(pipe) = &self.pipe {
            pipe.direct.disable();
        }
        // Best effort: an ERROR command may be waiting for the peer.
        if let Ok(Flushed::All) = flush(&mut a) {
            self.settle_written(&mut a.taken);
        }
        self.settle_lost(&mut a.taken);
        let _ = ctx.registry.deregister(&mut a.stream);
        a.stream.shutdown();
        let peer = a.stream.peer_address();
        if self.driver.is_handshaking() {
            log::info!("{}: handshake with {peer} failed: {failure}", self.endpoint);
        } else {
            log::debug!("{}: connection to {peer} lost: {failure}", self.endpoint);
        }
        let handshaking = self.driver.is_handshaking();
        let retry = self.driver.lost(&failure, a.stream.raw_fd());
        self.stalled = None;
        // ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED: a peer that closes or never
        // answers during the handshake is not tried again.
        if !retry || handshaking && self.options.stop_when_handshake_fails {
            return self.end();
        }
        self.reconnect_or_end(ctx)
    }
}

/// What the first read of a connection reserves: the greeting and READY of
/// a NULL handshake, with room to spare.
const FIRST_READ: usize = 512;

/// Bodies at least this large are read straight into a buffer of their own
/// (from the I/O thread's pool), not into the shared read buffer.
const DIRECT_BODY: usize = 32 * 1024;

/// Reads once into the buffer; returns whether more may be waiting. A read
/// that did not fill the space drained the socket: epoll (edge-triggered)
/// reports the next arrival, so no second read is needed to see EAGAIN.
fn read_some(a: &mut Active) -> Result<bool, Failure> {
    if a.body.is_none() {
        start_body(a);
    }
    if let Some(body) = a.body.as_mut() {
        // Room for the next frame's start (the read buffer is empty here:
        // its bytes went into the body).
        if a.read_buf.capacity() - a.read_buf.len() < AFTER_BODY_READ {
            a.read_buf.reserve(AFTER_BODY_READ);
        }
        let limit = body.remaining();
        let more = read_body_and_next(
            a.stream.raw_fd(),
            body.buf_mut(),
            limit,
            &mut a.read_buf,
            AFTER_BODY_READ,
            &mut a.eof,
            a.hung_up,
        )?;
        if body.remaining() == 0 {
            if let Some(body) = a.body.take() {
                a.wire.handle_body(body);
            }
            a.after_body.body_done();
            a.after_body.read(a.read_buf.len());
        }
        return Ok(more);
    }
    // A large frame in progress gets its whole body reserved at once (up to a
    // cap, so an announced size costs nothing until the bytes come). The
    // buffer grows only once what it has is nearly used: growing copies the
    // whole old allocation (realloc), which would make every reserved but
    // unfilled byte resident, so a peer trickling a huge frame would cost
    // MAX_RESERVE of memory per read instead of what it sent (issue 15).
    let body = a.wire.read_hint(&a.read_buf).min(MAX_RESERVE);
    let want = body.max(READ_CHUNK / 4);
    let free = a.read_buf.capacity() - a.read_buf.len();
    if a.read_buf.capacity() == 0 {
        // The first read takes a greeting's worth: a peer that connects and
        // sends nothing costs no full read buffer.
        a.read_buf.reserve(FIRST_READ);
    } else if free < want && free < READ_CHUNK {
        a.read_buf.reserve(want.max(READ_CHUNK));
    }
    let before = a.read_buf.len();
    let more = read_once(
        a.stream.raw_fd(),
        &mut a.read_buf,
        a.after_body.limit(),
        &mut a.eof,
        a.hung_up,
    )?;
    a.after_body.read(a.read_buf.len() - before);
    Ok(more)
}

/// Moves a large message body in progress out of the read buffer into a
/// buffer of its own, where the rest of it will be read: the body is then
/// neither copied out of the shared buffer nor grown into a larger one,
/// and its pages are warm ones from the pool. Bodies above MAX_RESERVE get
/// a buffer of their own, reserved whole but resident only as their bytes
/// come (growing the read buffer instead copied it at each doubling: a
/// 2 GiB message took 3.4 times libzmq's time and twice its memory); if
/// the allocator refuses that much, they grow in the read buffer as before.
fn start_body(a: &mut Active) {
    let Some(size) = a.wire.body_in_progress(&a.read_buf) else {
        return;
    };
    if size < DIRECT_BODY {
        return;
    }
    let body = if size <= MAX_RESERVE {
        Some(a.bodies.take(size))
    } else {
        a.bodies.take_unpooled(size)
    };
    let Some(mut body) = body else {
        return;
    };
    body.extend_from_slice(&a.read_buf);
    a.read_buf.clear();
    a.body = Some(body);
}

/// Whether the stream has bytes to read (a look that takes none).
fn bytes_waiting(stream: &Stream) -> bool {
    let mut byte = [0u8; 1];
    crate::sys::recv_nowait(stream.raw_fd(), &mut byte, true).is_ok_and(|n| n > 0)
}

/// Writes as much of the transmit queue as the socket takes.
fn flush(a: &mut Active) -> Result<Flushed, Failure> {
    write_queue(a.stream.raw_fd(), a.wire.transmit())
}
