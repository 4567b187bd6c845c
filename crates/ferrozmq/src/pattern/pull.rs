//! PULL: fair-queues messages from PUSH peers; never sends (RFC 30).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::FairQueue;
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Pull {
    input: FairQueue,
}

impl Pattern for Pull {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        self.input.attach(pipe);
    }

    fn detach(&mut self, pipe_id: PipeId) {
        self.input.remove(pipe_id);
    }

    fn prepare_send(&mut self, _first: &Bytes, _: &Options) -> Result<()> {
        Err(Error::NotSupported)
    }

    fn send(&mut self, _msg: Msg, _: &Options) -> Result<()> {
        Err(Error::NotSupported)
    }

    fn recv(&mut self, _: &Options) -> Result<Option<Received>> {
        Ok(self.input.recv().map(|(m, _, peer)| (m, peer)))
    }

    fn can_send(&self) -> bool {
        false
    }

    fn can_recv(&self) -> bool {
        self.input.has_input()
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.input.pipes().to_vec()
    }
}
