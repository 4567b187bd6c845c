//! ROUTER: prefixes each received message with its peer's routing id, and
//! routes each sent message by its first frame (RFC 28).
//!
//! With ZMQ_ROUTER_RAW (libzmq's deprecated forerunner of STREAM) its
//! connections speak raw TCP: a message is a routing id and one data
//! frame (a later SNDMORE is ignored), and an empty data frame closes the
//! connection.

use bytes::Bytes;
use ferrozmq_engine::{Body, Msg, Pipe, PipeId};

use super::routed::Routed;
use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{Admission, Drops, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Router {
    peers: Routed,
    /// Where `prepare_send` sends the message.
    target: Target,
    /// Messages dropped: unroutable, or at a peer's high-water mark.
    drops: Drops,
    /// ZMQ_ROUTER_RAW as of the message being sent.
    raw: bool,
}

/// Where the message being sent goes.
#[derive(Debug, Default, Clone, Copy)]
enum Target {
    /// Nowhere yet (no message prepared).
    #[default]
    None,
    /// To this peer.
    Peer(Slot),
    /// Dropped: no peer has the routing id.
    Unroutable,
    /// Dropped: the peer's pipe is at its high-water mark.
    Full(PipeId),
}

impl Pattern for Router {
    fn attach(&mut self, pipe: Pipe, options: &PatternOptions) {
        // The pipe that lost its routing id to this one is closed (handover).
        if let (_, Admission::TookOver(old)) = self.peers.admit(pipe, options.router_handover) {
            self.peers.close(old);
        }
        let pipes = self.peers.pipes();
        self.drops.keep_only(|id| pipes.slot_of(id).is_some());
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        self.peers.detach(pipe);
        self.drops.forget(pipe);
    }

    fn prepare_send(&mut self, first: &[u8], options: &PatternOptions) -> Result<()> {
        self.target = Target::None;
        self.raw = options.router_raw;
        if !options.sndmore {
            // A routing id with no message after it is dropped without a
            // word, ROUTER_MANDATORY or not (as libzmq).
            return Ok(());
        }
        match self.peers.route(first) {
            Some((slot, p)) if !p.is_full() => {
                self.target = Target::Peer(slot);
                Ok(())
            }
            Some(_) if options.router_mandatory => Err(ErrorKind::Again.into()),
            None if options.router_mandatory => Err(ErrorKind::HostUnreachable.into()),
            Some((_, p)) => {
                self.target = Target::Full(p.id());
                Ok(())
            }
            None => {
                self.target = Target::Unroutable;
                Ok(())
            }
        }
    }

    fn send(&mut self, mut msg: Msg, options: &PatternOptions) -> Result<()> {
        let target = match std::mem::take(&mut self.target) {
            Target::Peer(slot) => slot,
            Target::None => return Ok(()),
            Target::Unroutable => {
                self.drops.unroutable();
                return Ok(());
            }
            Target::Full(pipe) => {
                self.drops.at_hwm(pipe);
                return Ok(());
            }
        };
        if msg.pop_front().is_none() {
            // Only a routing id and no body: nothing to deliver.
            return Ok(());
        }
        if self.raw && msg.byte_len() == 0 {
            // What was queued for the connection is still written first.
            self.peers.close(target);
            return Ok(());
        }
        match self.peers.pipes().get(target) {
            Some(pipe) => pipe.send(msg, options.sparse),
            // The peer left between prepare and send.
            None => self.drops.unroutable(),
        }
        Ok(())
    }

    fn recv(&mut self, _: &PatternOptions) -> Result<Option<Received>> {
        Ok(self.peers.recv())
    }

    fn recycle(&mut self, rest: Vec<Body>) {
        self.peers.recycle(rest);
    }

    fn can_send(&self) -> bool {
        true
    }

    fn can_recv(&self) -> bool {
        self.peers.has_input()
    }

    fn pipes(&self) -> &Pipes {
        self.peers.pipes()
    }

    fn drops(&self) -> Option<&Drops> {
        Some(&self.drops)
    }

    fn routing_id_of(&self, pipe: PipeId) -> Option<Bytes> {
        self.peers.routing_id_of(pipe)
    }

    fn continues(&self, index: usize, more: bool) -> bool {
        if self.raw {
            index == 0 && more
        } else {
            more
        }
    }
}
