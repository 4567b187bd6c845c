//! ROUTER: prefixes each received message with its peer's routing id, and
//! routes each sent message by its first frame (RFC 28).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::routed::Routed;
use super::{Pattern, PatternOptions, Received};
use crate::error::{Error, Result};
use crate::routing::{Admission, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Router {
    peers: Routed,
    /// The pipe chosen by `prepare_send`; `None` means drop the message.
    target: Option<Slot>,
}

impl Pattern for Router {
    fn attach(&mut self, pipe: Pipe, options: &PatternOptions) {
        // The pipe that lost its routing id to this one is closed (handover).
        if let (_, Admission::TookOver(old)) = self.peers.admit(pipe, options.router_handover) {
            self.peers.close(old);
        }
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        self.peers.detach(pipe);
    }

    fn prepare_send(&mut self, first: &Bytes, options: &PatternOptions) -> Result<()> {
        self.target = None;
        match self.peers.route(first) {
            Some((slot, p)) if !p.is_full() => {
                self.target = Some(slot);
                Ok(())
            }
            Some(_) if options.router_mandatory => Err(Error::Again),
            None if options.router_mandatory => Err(Error::HostUnreachable),
            _ => Ok(()),
        }
    }

    fn send(&mut self, mut msg: Msg, options: &PatternOptions) -> Result<()> {
        let Some(target) = self.target.take() else {
            return Ok(());
        };
        if msg.pop_front().is_none() {
            // Only a routing id and no body: nothing to deliver.
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

    fn can_send(&self) -> bool {
        true
    }

    fn can_recv(&self) -> bool {
        self.peers.has_input()
    }

    fn pipes(&self) -> &Pipes {
        self.peers.pipes()
    }
}
