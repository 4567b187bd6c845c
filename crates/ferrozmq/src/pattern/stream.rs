//! STREAM: raw TCP to peers that speak no ZeroMQ (libzmq's `stream.cpp`).
//!
//! Every connection gets a routing id (generated, or ZMQ_CONNECT_ROUTING_ID
//! for a connect). What a peer sends arrives as `[routing id][bytes]`; the
//! engine's raw mode adds an empty message when a connection opens or
//! closes (ZMQ_STREAM_NOTIFY). A message sent is always two frames: the
//! routing id, then bytes written to that peer as they are, or an empty
//! frame that closes the connection.

use bytes::Bytes;
use ferrozmq_engine::{Body, Msg, Pipe, PipeId};

use super::routed::Routed;
use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{Admission, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Stream {
    peers: Routed,
    /// The pipe chosen by `prepare_send`; `None` means drop the message.
    target: Option<Slot>,
    /// The id generated for the latest peer (read back as ZMQ_ROUTING_ID).
    generated: Option<Bytes>,
}

impl Pattern for Stream {
    fn attach(&mut self, pipe: Pipe, _: &PatternOptions) {
        let chose = pipe.peer_info().routing_id.is_empty();
        // Two connects with one ZMQ_CONNECT_ROUTING_ID are refused (libzmq asserts).
        if let (slot, Admission::Admitted) = self.peers.admit(pipe, false) {
            if chose {
                self.generated = self.peers.id_of(slot).cloned();
            }
        }
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        self.peers.detach(pipe);
    }

    fn prepare_send(&mut self, first: &[u8], options: &PatternOptions) -> Result<()> {
        self.target = None;
        // A lone first frame routes nowhere and its data frame is dropped.
        if !options.sndmore {
            return Ok(());
        }
        match self.peers.route(first) {
            Some((slot, p)) if !p.is_full() => {
                self.target = Some(slot);
                Ok(())
            }
            Some(_) => Err(ErrorKind::Again.into()),
            None => Err(ErrorKind::HostUnreachable.into()),
        }
    }

    fn send(&mut self, mut msg: Msg, options: &PatternOptions) -> Result<()> {
        let Some(target) = self.target.take() else {
            return Ok(());
        };
        if msg.pop_front().is_none() {
            return Ok(());
        }
        if msg.byte_len() == 0 {
            // What was queued for the connection is still written first.
            self.peers.close(target);
            return Ok(());
        }
        if let Some(pipe) = self.peers.pipes().get(target) {
            pipe.send(msg, options.sparse);
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

    fn routing_id_of(&self, pipe: PipeId) -> Option<Bytes> {
        self.peers.routing_id_of(pipe)
    }

    fn pipes(&self) -> &Pipes {
        self.peers.pipes()
    }

    fn continues(&self, index: usize, _more: bool) -> bool {
        index == 0
    }

    fn chosen_routing_id(&self) -> Option<Bytes> {
        self.generated.clone()
    }
}
