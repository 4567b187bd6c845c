//! ROUTER: prefixes each received message with its peer's routing id, and
//! routes each sent message by its first frame (RFC 28).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::{FairQueue, RoutingTable};
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Router {
    table: RoutingTable,
    input: FairQueue,
    /// The pipe chosen by `prepare_send`; `None` means drop the message.
    target: Option<PipeId>,
}

impl Pattern for Router {
    fn attach(&mut self, pipe: Pipe, options: &Options) {
        use crate::routing::routing_table::Admission;
        match self.table.admit(&pipe, options.router_handover) {
            Admission::Admitted => {
                self.input.attach(pipe);
            }
            Admission::TookOver(old) => {
                self.input.remove(old.id());
                old.close();
                self.input.attach(pipe);
            }
            Admission::Refused => {
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
        let pipe = self.table.get(first).filter(|p| !p.is_gone());
        match pipe {
            Some(p) if !p.is_full() => {
                self.target = Some(p.id());
                Ok(())
            }
            Some(_) if options.router_mandatory => Err(Error::Again),
            None if options.router_mandatory => Err(Error::HostUnreachable),
            _ => Ok(()),
        }
    }

    fn send(&mut self, mut msg: Msg, options: &Options) -> Result<()> {
        let Some(target) = self.target.take() else {
            return Ok(());
        };
        if msg.pop_front().is_none() {
            // Only a routing id and no body: nothing to deliver.
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
}
