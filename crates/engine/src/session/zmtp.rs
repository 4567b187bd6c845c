//! The shell's ZMTP side: one connected stream driven through a
//! `zmtp::Connection`. Reads are decoded into messages for the socket,
//! messages from the socket are encoded and written in batches (vectored),
//! and the handshake's outcome goes to the driver.

use bytes::{Bytes, BytesMut};

use super::stream_io::{read_once, write_queue, Flushed};
use super::{
    peer, Ctx, Failure, Inbound, Phase, Session, State, Wire, MAX_RESERVE, READS_PER_TURN,
    READ_CHUNK, WRITES_PER_TURN, WRITE_BATCH,
};
use crate::link::LinkEvent;
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
        let mut more = a.readable;
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
        a.wire.handle_timeout(ctx.now)?;
        // A peer that has closed takes nothing more: what the socket queued
        // stays in the pipe (for the next connection, or for drain).
        if !a.eof {
            self.write_out(a)?;
        }
        if a.eof && self.stalled.is_none() {
            return Err(Failure::Closed);
        }
        Ok(())
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
    fn deliver(&mut self, a: &mut Active) -> Result<(), Failure> {
        self.check_zap_reply(a)?;
        if let Some(msg) = self.stalled.take() {
            self.push_to_socket(msg);
            if self.stalled.is_some() {
                return Ok(());
            }
        }
        let mut buf = std::mem::take(&mut a.read_buf);
        a.wire.handle_read(&mut buf);
        a.read_buf = buf;
        while self.stalled.is_none() {
            let Some(inbound) = a.wire.poll_inbound() else {
                break;
            };
            match inbound {
                Inbound::HandshakeSucceeded => self.handshake_succeeded(a),
                Inbound::Message(msg) => self.push_to_socket(msg),
                Inbound::ZapRequest(request) => self.ask_zap(a, request)?,
            }
        }
        if self.stalled.is_none() {
            if let Some(failure) = a.wire.take_failure() {
                return Err(failure);
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
            pipe.direct.enable(a.stream.raw_fd(), framing);
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
        let leftover = direct.begin_io();
        a.wire.transmit().push_front(Bytes::from(leftover));
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
        while a.wire.transmit().len() < WRITE_BATCH {
            let Some(msg) = pipe.inbound.pop() else {
                break;
            };
            a.taken += 1;
            a.wire.send(msg)?;
        }
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
        let retry = self.driver.lost(&failure, a.stream.raw_fd());
        self.stalled = None;
        if !retry {
            return self.end();
        }
        self.reconnect_or_end(ctx)
    }
}

/// What the first read of a connection reserves: the greeting and READY of
/// a NULL handshake, with room to spare.
const FIRST_READ: usize = 512;

/// Reads once into the buffer; returns whether more may be waiting. A read
/// that did not fill the space drained the socket: epoll (edge-triggered)
/// reports the next arrival, so no second read is needed to see EAGAIN.
fn read_some(a: &mut Active) -> Result<bool, Failure> {
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
    read_once(a.stream.raw_fd(), &mut a.read_buf, &mut a.eof, a.hung_up)
}

/// Writes as much of the transmit queue as the socket takes.
fn flush(a: &mut Active) -> Result<Flushed, Failure> {
    write_queue(a.stream.raw_fd(), a.wire.transmit())
}
