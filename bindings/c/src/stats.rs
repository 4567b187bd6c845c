//! ferrozmq extension: `zmq_socket_stats`, a socket's queue statistics read
//! synchronously (libzmq has no counterpart; issue 14).
//!
//! A function rather than `zmq_getsockopt` options: the answer is a set of
//! totals plus one record per peer, which no option value can carry without
//! a private encoding, and keeping getsockopt's option numbers libzmq's own
//! means a program can never read ferrozmq data by mistake where libzmq
//! would have said EINVAL. A program that wants to run on both libraries
//! looks the symbol up (`dlsym(RTLD_DEFAULT, "zmq_socket_stats")`) or
//! checks for `ZMQ_FERROZMQ_SOCKET_STATS`.
//!
//! What is counted: see `ferrozmq::QueueStats` (whole messages in the
//! socket's pipes; for tcp/ipc, not the connection's write buffer).

use std::os::raw::{c_int, c_void};

use ferrozmq::{ErrorKind, PeerStats};

use crate::guard;
use crate::socket::socket;

/// ferrozmq extension: defined when `zmq_socket_stats` exists.
pub const ZMQ_FERROZMQ_SOCKET_STATS: c_int = 1;

/// ferrozmq extension: a socket's totals (see `zmq_socket_stats`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct zmq_socket_stats_t {
    /// Messages sent and not yet taken by a peer's pipe end.
    pub outbound: u64,
    /// Messages arrived and not yet received.
    pub inbound: u64,
    /// Messages dropped at a peer's high-water mark (PUB/XPUB, ROUTER).
    pub dropped_hwm: u64,
    /// Messages ROUTER dropped for an unknown routing id.
    pub dropped_unroutable: u64,
    /// How many peers are attached (may exceed the records returned).
    pub peers: u64,
}

/// ferrozmq extension: one peer's share (see `zmq_socket_stats`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct zmq_peer_stats_t {
    /// A number naming the peer's pipe, unique in the process.
    pub pipe_id: u64,
    /// Messages queued for this peer.
    pub outbound: u64,
    /// Messages from this peer waiting to be received.
    pub inbound: u64,
    /// Messages this peer missed at its high-water mark.
    pub dropped_hwm: u64,
    /// Length of `routing_id` (0: the peer has none).
    pub routing_id_size: u8,
    /// The peer's routing id (ZMTP limits it to 255 bytes).
    pub routing_id: [u8; 255],
}

impl From<&PeerStats> for zmq_peer_stats_t {
    fn from(p: &PeerStats) -> Self {
        let id = p.routing_id.as_deref().unwrap_or_default();
        let len = id.len().min(255);
        let mut routing_id = [0u8; 255];
        if let (Some(dst), Some(src)) = (routing_id.get_mut(..len), id.get(..len)) {
            dst.copy_from_slice(src);
        }
        zmq_peer_stats_t {
            pipe_id: p.pipe_id,
            outbound: p.outbound,
            inbound: p.inbound,
            dropped_hwm: p.dropped_hwm,
            routing_id_size: len as u8,
            routing_id,
        }
    }
}

/// ferrozmq extension, not in libzmq: a socket's queued and dropped messages.
///
/// The counts are exact at the moment of the call. Fills `*stats`; if `peers` is not NULL,
/// writes up to `*peer_count` per-peer records there and sets `*peer_count`
/// to how many it wrote (`stats->peers` tells how many exist). Returns 0, or
/// -1 with errno ENOTSOCK (bad socket), EFAULT (NULL `stats`, or `peers`
/// without `peer_count`) or ETERM.
///
/// # Safety
/// `s` a live socket handle; `stats` writable; `peers`, if not NULL,
/// writable for `*peer_count` records and `peer_count` readable/writable.
#[no_mangle]
pub unsafe extern "C" fn zmq_socket_stats(
    s: *mut c_void,
    stats: *mut zmq_socket_stats_t,
    peers: *mut zmq_peer_stats_t,
    peer_count: *mut usize,
) -> c_int {
    guard::int(|| {
        // SAFETY: per this function's contract.
        let socket = unsafe { socket(s)? };
        if stats.is_null() || (!peers.is_null() && peer_count.is_null()) {
            return Err(ErrorKind::Fault.into());
        }
        let q = socket.queue_stats()?;
        let totals = zmq_socket_stats_t {
            outbound: q.outbound,
            inbound: q.inbound,
            dropped_hwm: q.dropped_hwm,
            dropped_unroutable: q.dropped_unroutable,
            peers: q.peers.len() as u64,
        };
        // SAFETY: `stats` is non-NULL and writable per the contract.
        unsafe { stats.write(totals) };
        if !peers.is_null() {
            // SAFETY: non-NULL (checked above) and readable per the contract.
            let capacity = unsafe { peer_count.read() };
            let written = q.peers.len().min(capacity);
            for (i, p) in q.peers.iter().take(written).enumerate() {
                // SAFETY: `i < *peer_count`, writable per the contract.
                unsafe { peers.add(i).write(p.into()) };
            }
            // SAFETY: as above.
            unsafe { peer_count.write(written) };
        }
        Ok(0)
    })
}
