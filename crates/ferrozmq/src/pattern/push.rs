//! PUSH: load-balances messages to PULL peers; never receives (RFC 30).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::LoadBalancer;
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Push {
    out: LoadBalancer,
}

impl Pattern for Push {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        self.out.attach(pipe);
    }

    fn detach(&mut self, pipe_id: PipeId) {
        self.out.remove(pipe_id);
    }

    fn prepare_send(&mut self, _first: &Bytes, _: &Options) -> Result<()> {
        self.out.choose().map(|_| ()).ok_or(Error::Again)
    }

    fn send(&mut self, msg: Msg, options: &Options) -> Result<()> {
        self.out
            .send_chosen(msg, options.sparse)
            .map(|_| ())
            .ok_or(Error::Again)
    }

    fn recv(&mut self, _: &Options) -> Result<Option<Received>> {
        Err(Error::NotSupported)
    }

    fn can_send(&self) -> bool {
        self.out.can_send()
    }

    fn can_recv(&self) -> bool {
        false
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.out.pipes().to_vec()
    }
}
