//! [`QueueStats`]: how many messages a socket holds and has dropped, read
//! synchronously ([`Socket::queue_stats`]).
//!
//! # What "queued" counts
//! Whole messages (a multipart message counts once) in the socket's pipes:
//! - **outbound**: accepted by `send` and not yet taken by the far end of
//!   the pipe. For inproc that is the peer socket (taken = received by it),
//!   so the count is exactly "sent, not yet received". For tcp and ipc it is
//!   the connection's I/O thread, which moves messages from the pipe into
//!   its encoder's write buffer until that holds 256 KiB (the engine's
//!   `WRITE_BATCH`), then hands the buffer to the kernel: messages in that
//!   buffer (for 64-byte messages, up to about 3,600 per connection) and
//!   bytes the kernel holds are not counted.
//! - **inbound**: arrived from the peer (decoded by the I/O thread, or sent
//!   by the inproc peer) and not yet received by the application. For tcp
//!   and ipc not counted: the one decoded message a connection holds while
//!   the pipe is at RCVHWM, bytes read but not decoded yet (at most one
//!   64 KiB read), and what the kernel holds. A multipart message whose
//!   first frames the application has already read is no longer counted.
//!
//! Each pipe's count is read from the two counters its queue already keeps
//! (messages pushed, messages popped), so the figure is exact at the moment
//! of the read and costs the send/recv path nothing.

use bytes::Bytes;
use ferrozmq_engine::Pipe;

use crate::pattern::Pattern;

/// A socket's queues and drops at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Messages sent and not yet taken by any peer's pipe end (sum of
    /// [`PeerStats::outbound`]).
    pub outbound: u64,
    /// Messages arrived and not yet received (sum of [`PeerStats::inbound`]).
    pub inbound: u64,
    /// Messages dropped at a peer's high-water mark since the socket was
    /// made (PUB/XPUB per subscriber; ROUTER without ROUTER_MANDATORY), the
    /// peers that left included.
    pub dropped_hwm: u64,
    /// Messages ROUTER dropped because no peer had their routing id
    /// (without ROUTER_MANDATORY), since the socket was made.
    pub dropped_unroutable: u64,
    /// One entry per attached peer.
    pub peers: Vec<PeerStats>,
}

/// One peer's share of [`QueueStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerStats {
    /// A number naming this peer's pipe, unique in the process for its
    /// lifetime (stable across calls; a reconnect makes a new one for
    /// tcp/ipc binds).
    pub pipe_id: u64,
    /// The peer's routing id: the one ROUTER/STREAM know it by, else the
    /// one it announced (ZMQ_ROUTING_ID), if any.
    pub routing_id: Option<Bytes>,
    /// The endpoint the peer came through (`bind`/`connect`'s string).
    pub endpoint: String,
    /// Messages queued for this peer.
    pub outbound: u64,
    /// Messages from this peer waiting to be received.
    pub inbound: u64,
    /// Messages this peer missed at its high-water mark.
    pub dropped_hwm: u64,
}

/// Reads the statistics of `pattern`'s pipes and drop counters.
pub(super) fn collect(pattern: &dyn Pattern) -> QueueStats {
    let drops = pattern.drops();
    let mut stats = QueueStats {
        dropped_hwm: drops.map_or(0, |d| d.hwm_total()),
        dropped_unroutable: drops.map_or(0, |d| d.unroutable_total()),
        ..QueueStats::default()
    };
    for pipe in pattern.pipes().iter() {
        let peer = peer_stats(pattern, pipe);
        stats.outbound += peer.outbound;
        stats.inbound += peer.inbound;
        stats.peers.push(peer);
    }
    stats.peers.sort_by_key(|p| p.pipe_id);
    stats
}

fn peer_stats(pattern: &dyn Pattern, pipe: &Pipe) -> PeerStats {
    let routing_id = pattern.routing_id_of(pipe.id()).or_else(|| {
        let announced = pipe.peer_info().routing_id.clone();
        (!announced.is_empty()).then_some(announced)
    });
    PeerStats {
        pipe_id: pipe.id().as_u64(),
        routing_id,
        endpoint: pipe.endpoint().to_owned(),
        outbound: pipe.queued_out() as u64,
        inbound: pipe.queued_in() as u64,
        dropped_hwm: pattern.drops().map_or(0, |d| d.hwm_for(pipe.id())),
    }
}
