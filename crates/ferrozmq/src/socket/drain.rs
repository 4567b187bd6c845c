//! [`Socket::drain`]: stop a socket and take back what it could not deliver
//! (a ferrozmq extension; libzmq has no counterpart).
//!
//! # How no message is both handed back and delivered
//! A pipe's outbound queue has one reader: the connection's session on an
//! I/O thread (tcp, ipc) or the peer socket (inproc). Drain moves that role
//! to the socket before it takes anything:
//! - sessions: a mailbox command to every I/O thread pauses the socket's
//!   sessions between two of their turns. A paused session reads nothing
//!   more from its connection or from the pipe, finishes writing what it
//!   had already taken, and resigns as the pipe's reader (a Release store
//!   after its last read); each thread then acknowledges, and the socket
//!   waits for every acknowledgement before it reads.
//! - inproc: every read of the peer socket passes a gate (two flags, a
//!   Dekker handshake) that drain closes; closing returns once the peer's
//!   last read is over.
//!
//! Afterwards an inproc pipe is closed (the peer sees this socket gone,
//! and can send no more; a message it was sending at that instant may still
//! arrive, and is received like the rest). A connection stays open, paused,
//! until the socket closes.
//!
//! Messages a session had already taken are not handed back: they are in
//! its write buffer (at most about 256 KiB per connection) or the kernel's,
//! and reach the peer if it goes on reading.

use bytes::Bytes;
use ferrozmq_engine::{Body, Msg, MsgKind, Pipe, PipeId};
use ferrozmq_zmtp::SocketType;

use super::stats::{self, PeerStats, QueueStats};
use super::{Record, Socket};
use crate::error::{ErrorKind, Result};
use crate::pattern::{Pattern, PatternOptions, Received};
use crate::routing::{Drops, Pipes};

/// What [`Socket::drain`] found and took back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drained {
    /// The socket's queues once it had stopped, before the outbound
    /// messages were taken: `outbound` counts what `unsent` holds (and
    /// subscriptions a SUB/XSUB had queued, which are not handed back);
    /// `inbound` what can still be received.
    pub stats: QueueStats,
    /// The undelivered outbound messages, per peer, in the order sent.
    pub unsent: Vec<Unsent>,
}

/// One peer's undelivered messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unsent {
    /// The peer's pipe (as [`crate::PeerStats::pipe_id`]).
    pub pipe_id: u64,
    /// The routing id ROUTER knows the peer by, else the one it announced.
    pub routing_id: Option<Bytes>,
    /// The endpoint the peer came through.
    pub endpoint: String,
    /// Whole messages (their frames), oldest first, as the application
    /// sent them (ROUTER's routing id frame and REQ's envelope taken off).
    pub messages: Vec<Vec<Bytes>>,
}

impl Drained {
    /// How many messages were handed back, all peers together.
    pub fn len(&self) -> usize {
        self.unsent.iter().map(|u| u.messages.len()).sum()
    }

    /// Whether nothing was handed back.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every message handed back, peer after peer.
    pub fn messages(&self) -> impl Iterator<Item = &Vec<Bytes>> {
        self.unsent.iter().flat_map(|u| u.messages.iter())
    }
}

impl Socket {
    /// Stops the socket and hands back what it could not deliver, so the
    /// application can keep it (e.g. write it to disk and send it after a
    /// restart). In order:
    /// 1. its listeners close (tcp, ipc, inproc names) and its connections
    ///    stop reading: no new message arrives. Connections stay open, and
    ///    write what they had already taken from the queue;
    /// 2. the queues are counted ([`Drained::stats`], per peer and in
    ///    total, inbound and outbound);
    /// 3. every outbound message no peer has taken is taken back, whole,
    ///    in order per peer ([`Drained::unsent`]); none of them is, or
    ///    will be, delivered. That includes what was queued for peers that
    ///    have gone since (a worker that disconnected from a bound PUSH, a
    ///    `disconnect` whose linger ran out): the socket keeps such pipes
    ///    for drain, the latest 16 of them.
    ///
    /// Messages already received stay receivable with `recv`. Afterwards
    /// the socket sends nothing: `send` fails with [`ErrorKind::Fsm`](crate::ErrorKind::Fsm); close it
    /// when done. A message half sent (SNDMORE without its last frame) is
    /// discarded. A second drain hands back nothing.
    pub fn drain(&mut self) -> Result<Drained> {
        self.check_open()?;
        self.sending = None;
        self.process_link_events();
        self.unbind_inproc_names()?;
        let ctx = self.ctx.clone();
        if !ctx
            .engine()?
            .drain_socket(&self.link, || ctx.is_terminated())
        {
            return Err(ErrorKind::Terminated.into());
        }
        // Connections that completed before they were paused.
        self.process_link_events();
        let pipes = self.pattern.pipes();
        for pipe in pipes.iter().chain(pipes.departed()) {
            pipe.stop_far_reader();
        }
        let mut stats = stats::collect(self.pattern.as_ref());
        for pipe in pipes.departed() {
            let peer = departed_stats(pipe);
            stats.outbound += peer.outbound;
            stats.peers.push(peer);
        }
        let mut unsent = Vec::new();
        for pipe in pipes.iter().chain(pipes.departed()) {
            let messages: Vec<Vec<Bytes>> = pipe
                .take_unsent()
                .into_iter()
                .filter(|m| m.kind() == MsgKind::Data)
                .map(|m| self.pattern.unwrap_unsent(m, &self.routing))
                .map(|m| m.into_frames().map(Body::into_bytes).collect())
                .collect();
            if pipe.is_between_sockets() {
                // The peer socket sees this end gone, and sends no more.
                pipe.close();
            }
            if let Some(peer) = stats.peers.iter().find(|p| p.pipe_id == pipe.id().as_u64()) {
                if !messages.is_empty() {
                    unsent.push(Unsent {
                        pipe_id: peer.pipe_id,
                        routing_id: peer.routing_id.clone(),
                        endpoint: peer.endpoint.clone(),
                        messages,
                    });
                }
            }
        }
        unsent.sort_by_key(|u| u.pipe_id);
        self.stop_sending()?;
        Ok(Drained { stats, unsent })
    }

    /// Drain's step 1 for inproc: no new peer can connect to our names.
    fn unbind_inproc_names(&mut self) -> Result<()> {
        let engine = self.ctx.engine()?;
        self.endpoints.retain(|r| match r {
            Record::InprocBound { name, .. } => {
                let _ = engine.inproc().unbind(name, &self.link);
                false
            }
            _ => true,
        });
        Ok(())
    }

    /// From now on the socket refuses to send.
    fn stop_sending(&mut self) -> Result<()> {
        // Any pattern holds the place for the instant of the swap.
        let placeholder = crate::pattern::for_type(SocketType::Pair)?;
        let pattern = std::mem::replace(&mut self.pattern, placeholder);
        self.pattern = Box::new(Stopped(pattern));
        Ok(())
    }
}

/// The statistics of a pipe whose peer left with messages queued for it.
fn departed_stats(pipe: &Pipe) -> PeerStats {
    let announced = pipe.peer_info().routing_id.clone();
    PeerStats {
        pipe_id: pipe.id().as_u64(),
        routing_id: (!announced.is_empty()).then_some(announced),
        endpoint: pipe.endpoint().to_owned(),
        outbound: pipe.queued_out() as u64,
        inbound: pipe.queued_in() as u64,
        dropped_hwm: 0,
    }
}

/// A drained socket's pattern: receives as before, refuses to send.
#[derive(Debug)]
struct Stopped(Box<dyn Pattern>);

impl Pattern for Stopped {
    fn attach(&mut self, pipe: Pipe, options: &PatternOptions) {
        self.0.attach(pipe, options);
    }

    fn hiccup(&mut self, pipe: PipeId, options: &PatternOptions) {
        self.0.hiccup(pipe, options);
    }

    fn detach(&mut self, pipe: PipeId, options: &PatternOptions) {
        self.0.detach(pipe, options);
    }

    fn prepare_send(&mut self, _: &[u8], _: &PatternOptions) -> Result<()> {
        Err(ErrorKind::Fsm.into())
    }

    fn send(&mut self, _: Msg, _: &PatternOptions) -> Result<()> {
        Err(ErrorKind::Fsm.into())
    }

    fn recv(&mut self, options: &PatternOptions) -> Result<Option<Received>> {
        self.0.recv(options)
    }

    fn can_send(&self) -> bool {
        false
    }

    fn refresh(&mut self, options: &PatternOptions) {
        self.0.refresh(options);
    }

    fn can_recv(&self) -> bool {
        self.0.can_recv()
    }

    fn set_subscription(
        &mut self,
        subscribe: bool,
        topic: &[u8],
        options: &PatternOptions,
    ) -> Result<()> {
        self.0.set_subscription(subscribe, topic, options)
    }

    fn pipes(&self) -> &Pipes {
        self.0.pipes()
    }

    fn drops(&self) -> Option<&Drops> {
        self.0.drops()
    }

    fn routing_id_of(&self, pipe: PipeId) -> Option<Bytes> {
        self.0.routing_id_of(pipe)
    }

    fn continues(&self, index: usize, more: bool) -> bool {
        self.0.continues(index, more)
    }

    fn chosen_routing_id(&self) -> Option<Bytes> {
        self.0.chosen_routing_id()
    }

    fn unwrap_unsent(&self, msg: Msg, options: &PatternOptions) -> Msg {
        self.0.unwrap_unsent(msg, options)
    }
}
