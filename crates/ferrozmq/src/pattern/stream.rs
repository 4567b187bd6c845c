//! STREAM: raw TCP to peers that speak no ZeroMQ (libzmq's `stream.cpp`).
//!
//! Every connection gets a routing id (generated, or ZMQ_CONNECT_ROUTING_ID
//! for a connect). What a peer sends arrives as `[routing id][bytes]`; the
//! engine's raw mode adds an empty message when a connection opens or
//! closes (ZMQ_STREAM_NOTIFY). A message sent is always two frames: the
//! routing id, then bytes written to that peer as they are, or an empty
//! frame that closes the connection.

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::routing_table::Admission;
use crate::routing::{FairQueue, RoutingTable};
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Stream {
    table: RoutingTable,
    input: FairQueue,
    /// The pipe chosen by `prepare_send`; `None` means drop the message.
    target: Option<PipeId>,
    /// The id generated for the latest peer (read back as ZMQ_ROUTING_ID).
    generated: Option<Bytes>,
}

impl Stream {
    /// Closes the connection behind `pipe_id`; what was queued for it is
    /// still written first.
    fn close_connection(&mut self, pipe_id: PipeId) {
        if let Some(pipe) = self.input.pipes().iter().find(|p| p.id() == pipe_id) {
            pipe.close();
        }
        self.detach(pipe_id);
    }
}

impl Pattern for Stream {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        let chose = pipe.peer_info().routing_id.is_empty();
        match self.table.admit(&pipe, false) {
            Admission::Admitted | Admission::TookOver(_) => {
                if chose {
                    self.generated = self.table.id_of(pipe.id()).cloned();
                }
                self.input.attach(pipe);
            }
            Admission::Refused => {
                // Two connects with one ZMQ_CONNECT_ROUTING_ID (libzmq asserts).
                pipe.close();
            }
        }
    }

    fn detach(&mut self, pipe_id: PipeId) {
        self.table.remove(pipe_id);
        self.input.remove(pipe_id);
    }

    fn prepare_send(&mut self, first: &Bytes, options: &Options) -> Result<()> {
        self.target = None;
        // A lone first frame routes nowhere and its data frame is dropped.
        if !options.sndmore {
            return Ok(());
        }
        match self.table.get(first).filter(|p| !p.is_gone()) {
            Some(p) if !p.is_full() => {
                self.target = Some(p.id());
                Ok(())
            }
            Some(_) => Err(Error::Again),
            None => Err(Error::HostUnreachable),
        }
    }

    fn send(&mut self, mut msg: Msg, options: &Options) -> Result<()> {
        let Some(target) = self.target.take() else {
            return Ok(());
        };
        if msg.pop_front().is_none() {
            return Ok(());
        }
        if msg.byte_len() == 0 {
            self.close_connection(target);
            return Ok(());
        }
        if let Some(pipe) = self.input.pipes().iter().find(|p| p.id() == target) {
            pipe.send(msg, options.sparse);
        }
        Ok(())
    }

    fn recv(&mut self, _: &Options) -> Result<Option<Received>> {
        Ok(self.table.recv_from(&mut self.input))
    }

    fn can_send(&self) -> bool {
        true
    }

    fn can_recv(&self) -> bool {
        self.input.has_input()
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.input.pipes().to_vec()
    }

    fn continues(&self, index: usize, _more: bool) -> bool {
        index == 0
    }

    fn chosen_routing_id(&self) -> Option<Bytes> {
        self.generated.clone()
    }
}
