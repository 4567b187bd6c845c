//! ferrozmq extension: `zmq_socket_drain`, stop a socket and take back what
//! it could not deliver (libzmq has no counterpart; issue 14).
//!
//! ```c
//! zmq_socket_stats_t stats;
//! zmq_drained_t *d = zmq_socket_drain (push, &stats, NULL, NULL);
//! zmq_msg_t frame;
//! zmq_msg_init (&frame);
//! uint64_t pipe_id;
//! while (zmq_drained_next (d, &frame, &pipe_id) >= 0) {
//!     /* store the frame; zmq_msg_more (&frame) says whether the
//!        message goes on */
//! }
//! zmq_msg_close (&frame);
//! zmq_drained_close (d);
//! zmq_close (push);
//! ```
//!
//! What drain does and guarantees: see `ferrozmq::Socket::drain`. The
//! messages come out frame by frame, like `zmq_msg_recv`'s, peer after peer
//! and in the order sent for each; the pipe id names the peer, as in the
//! per-peer records (`zmq_peer_stats_t`, with its routing id). A program
//! that wants to run on both libraries checks `ZMQ_FERROZMQ_SOCKET_DRAIN`
//! or looks the symbol up.

use std::collections::VecDeque;
use std::os::raw::{c_int, c_void};

use bytes::Bytes;
use ferrozmq::{Error, ErrorKind, Message};

use crate::guard;
use crate::msg::{fill, zmq_msg_t};
use crate::socket::socket;
use crate::stats::{write_stats, zmq_peer_stats_t, zmq_socket_stats_t};

/// ferrozmq extension: defined when `zmq_socket_drain` exists.
pub const ZMQ_FERROZMQ_SOCKET_DRAIN: c_int = 1;

/// ferrozmq extension: the messages a drain handed back (opaque).
///
/// Read with `zmq_drained_next`, free with `zmq_drained_close`.
pub struct zmq_drained_t {
    tag: u32,
    /// Frames left: body, whether more of its message follow, pipe id.
    frames: VecDeque<(Bytes, bool, u64)>,
    /// Whole messages not yet fully taken.
    messages: usize,
}

/// ferrozmq extension, not in libzmq: stops a socket and takes back its undelivered messages.
///
/// See `ferrozmq::Socket::drain`: its listeners close and its connections stop
/// reading; the queues are counted into `*stats` (and, as
/// `zmq_socket_stats` does, up to `*peer_count` records into `peers`),
/// then every undelivered outbound message is taken back. Messages already
/// received stay receivable; afterwards sends fail with EFSM.
///
/// Returns the messages handed back (possibly none), or NULL with errno
/// ENOTSOCK (bad socket), EFAULT (NULL `stats`, or `peers` without
/// `peer_count`) or ETERM.
///
/// # Safety
/// `s` a live socket handle; `stats` writable; `peers`, if not NULL,
/// writable for `*peer_count` records and `peer_count` readable/writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_drain(
    s: *mut c_void,
    stats: *mut zmq_socket_stats_t,
    peers: *mut zmq_peer_stats_t,
    peer_count: *mut usize,
) -> *mut zmq_drained_t {
    guard::ptr(|| {
        // SAFETY: per this function's contract.
        let socket = unsafe { socket(s)? };
        if stats.is_null() || (!peers.is_null() && peer_count.is_null()) {
            return Err(ErrorKind::Fault.into());
        }
        let drained = socket.drain()?;
        // SAFETY: per this function's contract.
        unsafe { write_stats(&drained.stats, stats, peers, peer_count) };
        let mut frames = VecDeque::new();
        for unsent in &drained.unsent {
            for message in &unsent.messages {
                let last = message.len().saturating_sub(1);
                for (i, frame) in message.iter().enumerate() {
                    frames.push_back((frame.clone(), i < last, unsent.pipe_id));
                }
            }
        }
        Ok(Box::into_raw(Box::new(zmq_drained_t {
            tag: DRAINED_TAG,
            frames,
            messages: drained.len(),
        })))
    })
}

/// ferrozmq extension: whole messages `zmq_drained_next` has still to hand out.
///
/// 0 for NULL.
///
/// # Safety
/// `d` NULL or a live handle from `zmq_socket_drain`.
#[no_mangle]
pub unsafe extern "C" fn zmq_drained_size(d: *const zmq_drained_t) -> usize {
    guard::plain(0, || {
        // SAFETY: per this function's contract.
        unsafe { drained(d.cast_mut()) }.map_or(0, |d| d.messages)
    })
}

/// ferrozmq extension: moves the next frame handed back into `msg`.
///
/// `msg` is an initialised message, whose old content is released, as by
/// `zmq_msg_recv`; `zmq_msg_more (msg)` tells whether more frames of the
/// same message follow. If `pipe_id` is not NULL, the peer's pipe id is
/// written there. Returns the frame's size, or -1 with errno EAGAIN when
/// every frame was taken, or EFAULT (bad handle or message).
///
/// # Safety
/// `d` a live handle from `zmq_socket_drain`; `msg` an initialised
/// message; `pipe_id` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_drained_next(
    d: *mut zmq_drained_t,
    msg: *mut zmq_msg_t,
    pipe_id: *mut u64,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let d = unsafe { drained(d)? };
        let Some((body, more, pipe)) = d.frames.front().cloned() else {
            return Err(ErrorKind::Again.into());
        };
        // SAFETY: per this function's contract. A bad message fails here,
        // and the frame stays for the next call.
        let size = unsafe { fill(msg, Message::from_bytes(body).with_more(more))? };
        d.frames.pop_front();
        if !more {
            d.messages = d.messages.saturating_sub(1);
        }
        if !pipe_id.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { pipe_id.write(pipe) };
        }
        Ok(size)
    })
}

/// ferrozmq extension: frees what `zmq_socket_drain` returned.
///
/// The frames not taken go with it. Returns 0, or -1 with errno EFAULT for a bad handle.
///
/// # Safety
/// `d` a live handle from `zmq_socket_drain`, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn zmq_drained_close(d: *mut zmq_drained_t) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract; the tag is checked first.
        unsafe { drained(d)? }.tag = 0;
        // SAFETY: made by Box::into_raw in zmq_socket_drain, freed once.
        drop(unsafe { Box::from_raw(d) });
        Ok(0)
    })
}

/// The handle behind `d`; EFAULT for NULL or a closed handle.
///
/// # Safety
/// `d` NULL or a pointer returned by `zmq_socket_drain`.
unsafe fn drained<'a>(d: *mut zmq_drained_t) -> Result<&'a mut zmq_drained_t, Error> {
    if d.is_null() {
        return Err(ErrorKind::Fault.into());
    }
    // SAFETY: non-NULL and, per the contract, from zmq_socket_drain.
    let d = unsafe { &mut *d };
    if d.tag != DRAINED_TAG {
        return Err(ErrorKind::Fault.into());
    }
    Ok(d)
}

const DRAINED_TAG: u32 = 0xd4a1_0ed5;
