//! The direct path: when a connection is idle, the application thread writes
//! a message straight to the OS socket instead of handing it to the I/O
//! thread, saving a thread wake-up each way (DESIGN.md section 2).
//!
//! It is taken only for sparse traffic (request/reply, occasional events):
//! a message that follows the socket's previous one within [`SPARSE_GAP_TICKS`] goes through
//! the pipe, so that busy senders keep the I/O thread's batched writes.
//! Order is kept because a direct write happens only when the pipe is empty
//! and the session has nothing in flight (`busy` is false).

use std::io::IoSlice;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use bytes::Bytes;
use ferrozmq_zmtp::frame::{write_header, Framing};

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

/// Shared by a socket's pipe end and the session serving it.
#[derive(Debug)]
pub(crate) struct Direct {
    enabled: AtomicBool,
    /// A partial direct write left bytes for the session (`leftover` is
    /// not empty): lets the session see, without the lock, that it has
    /// nothing to take.
    has_leftover: AtomicBool,
    state: Mutex<State>,
}

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
            state: Mutex::new(State {
                fd: -1,
                framing: Framing::V3,
                busy: false,
                leftover: Vec::new(),
            }),
        }
    }

    /// Session: the connection on `fd` is ready for traffic.
    pub(crate) fn enable(&self, fd: RawFd, framing: Framing) {
        if let Ok(mut s) = self.state.lock() {
            s.fd = fd;
            s.framing = framing;
            s.busy = false;
            s.leftover.clear();
        }
        self.enabled.store(true, Ordering::Release);
    }

    /// Session: the connection is going away; the fd must not be touched.
    pub(crate) fn disable(&self) {
        self.enabled.store(false, Ordering::Release);
        if let Ok(mut s) = self.state.lock() {
            s.fd = -1;
            s.leftover.clear();
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
