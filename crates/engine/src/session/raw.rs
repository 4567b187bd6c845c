//! Raw mode: the connections of a STREAM socket carry plain bytes, no ZMTP.
//!
//! As libzmq's raw engine does, each read becomes one message of at most
//! [`RAW_CHUNK`] bytes, each message from the socket is written as it is
//! (its frames back to back), and with ZMQ_STREAM_NOTIFY an empty message
//! tells the socket that the connection opened, and another that it closed.
//! There is no handshake, so no handshake timeout and no heartbeats; the
//! connect, reconnect and linger logic is the session's own.

use bytes::{Bytes, BytesMut};
use ferrozmq_zmtp::frame::TransmitQueue;

use super::stream_io::{read_once, write_queue, Flushed};
use super::{
    Ctx, Failure, Session, State, READS_PER_TURN, READ_CHUNK, WRITES_PER_TURN, WRITE_BATCH,
};
use crate::msg::{Body, Msg, MsgKind};
use crate::notify::Notify;
use crate::transport::Stream;

/// The most bytes one received message carries (libzmq's `in_batch_size`),
/// so programs sized for libzmq's chunks never see a truncated one.
const RAW_CHUNK: usize = 8192;

/// A connected stream in raw mode.
#[derive(Debug)]
pub(super) struct RawActive {
    stream: Stream,
    /// Bytes read and not yet handed to the socket.
    read_buf: BytesMut,
    transmit: TransmitQueue,
    /// The peer closed its side.
    eof: bool,
    /// The OS may have bytes for us (edge-triggered, as in ZMTP mode).
    readable: bool,
    /// The last write hit a full socket buffer; wait for a writable event.
    write_blocked: bool,
    /// The OS said the peer closed or reset its side (see `read_once`).
    hung_up: bool,
}

impl RawActive {
    /// Records what an OS event said about the stream.
    pub(super) fn note_readiness(&mut self, readable: bool, writable: bool, hung_up: bool) {
        self.readable |= readable;
        self.hung_up |= hung_up;
        if writable {
            self.write_blocked = false;
        }
    }

    /// Bytes taken from the socket and not yet written.
    pub(super) fn pending_transmit(&self) -> usize {
        self.transmit.len()
    }

    pub(super) fn stream_mut(&mut self) -> &mut Stream {
        &mut self.stream
    }

    /// Reads once; returns whether more may be waiting.
    fn read(&mut self) -> Result<bool, Failure> {
        if self.read_buf.capacity() - self.read_buf.len() < RAW_CHUNK {
            self.read_buf.reserve(READ_CHUNK);
        }
        read_once(
            self.stream.raw_fd(),
            &mut self.read_buf,
            usize::MAX,
            &mut self.eof,
            self.hung_up,
        )
    }
}

impl Session {
    /// Starts raw mode on a connected stream: the socket gets its pipe (or,
    /// on a reconnect, the peer's new address) and, with notify on, an
    /// empty message saying the peer is there.
    pub(super) fn activate_raw(&mut self, ctx: &mut Ctx<'_>, stream: Stream) -> State {
        self.driver.raw_started();
        let info = self.stream_peer_info(&stream);
        match &self.pipe {
            Some(pipe) => pipe.announce(info),
            None => self.attach_new_pipe(info),
        }
        if self.options.raw_notify {
            self.push_to_socket(Msg::single(Bytes::new()));
        }
        let raw = Box::new(RawActive {
            stream,
            read_buf: BytesMut::with_capacity(READ_CHUNK),
            transmit: TransmitQueue::new(),
            eof: false,
            readable: true,
            write_blocked: false,
            hung_up: false,
        });
        self.drive_raw(ctx, raw)
    }

    /// Moves bytes both ways until the stream or the socket's queue is
    /// full, or the connection is lost.
    pub(super) fn drive_raw(&mut self, ctx: &mut Ctx<'_>, mut raw: Box<RawActive>) -> State {
        match self.pump_raw(&mut raw) {
            Ok(()) => State::Raw(raw),
            Err(failure) => self.raw_lost(ctx, &mut raw, failure),
        }
    }

    fn pump_raw(&mut self, raw: &mut RawActive) -> Result<(), Failure> {
        let mut turns = 0;
        // Paused (drained): nothing more is read from the peer.
        while !self.paused {
            self.deliver_raw(raw);
            if self.stalled.is_some() || raw.eof || !raw.readable {
                break;
            }
            if turns == READS_PER_TURN {
                self.wake.notify();
                break;
            }
            turns += 1;
            raw.readable = raw.read()?;
        }
        self.write_raw(raw)?;
        if raw.eof && self.stalled.is_none() && raw.read_buf.is_empty() {
            return Err(Failure::Closed);
        }
        Ok(())
    }

    /// Hands what was read to the socket, in messages of at most
    /// [`RAW_CHUNK`] bytes; stops when the socket's queue is full.
    fn deliver_raw(&mut self, raw: &mut RawActive) {
        if let Some(msg) = self.stalled.take() {
            self.push_to_socket(msg);
        }
        while self.stalled.is_none() && !raw.read_buf.is_empty() {
            let n = raw.read_buf.len().min(RAW_CHUNK);
            let chunk = raw.read_buf.split_to(n).freeze();
            self.push_to_socket(Msg::single(chunk));
        }
    }

    /// Writes the socket's messages until its queue is empty or the stream
    /// is full (then the writable event brings us back).
    fn write_raw(&mut self, raw: &mut RawActive) -> Result<(), Failure> {
        for _ in 0..WRITES_PER_TURN {
            self.fill_raw(raw);
            if raw.write_blocked {
                return Ok(());
            }
            if write_queue(raw.stream.raw_fd(), &mut raw.transmit)? == Flushed::Blocked {
                raw.write_blocked = true;
                return Ok(());
            }
            let more = !self.paused && self.pipe.as_ref().is_some_and(|p| !p.inbound.is_empty());
            if !more {
                return Ok(());
            }
        }
        self.wake.notify();
        Ok(())
    }

    /// Queues the socket's messages, bytes as they are, up to one batch.
    fn fill_raw(&mut self, raw: &mut RawActive) {
        let Some(pipe) = self.pipe.as_ref().filter(|_| !self.paused) else {
            return;
        };
        while raw.transmit.len() < WRITE_BATCH {
            let Some(msg) = pipe.inbound.pop() else {
                break;
            };
            if msg.kind() == MsgKind::Data {
                for frame in msg.into_frames() {
                    match frame {
                        Body::Small(small) => raw.transmit.push_slice(small.as_slice()),
                        Body::Shared(bytes) => raw.transmit.push_header_and_body(&[], bytes),
                    }
                }
            }
        }
    }

    /// The peer went away or the stream failed: tell the socket (with
    /// notify on), then reconnect or end.
    fn raw_lost(&mut self, ctx: &mut Ctx<'_>, raw: &mut RawActive, failure: Failure) -> State {
        log::debug!(
            "{}: raw connection to {} lost: {failure}",
            self.endpoint,
            raw.stream.peer_address()
        );
        let _ = ctx.registry.deregister(&mut raw.stream);
        raw.stream.shutdown();
        self.driver.raw_lost(&failure, raw.stream.raw_fd());
        self.stalled = None;
        if self.options.raw_notify {
            if let Some(pipe) = self.pipe.as_ref().filter(|p| !p.outbound.is_closed()) {
                pipe.outbound.force_push(Msg::single(Bytes::new()));
            }
        }
        self.reconnect_or_end(ctx)
    }
}
