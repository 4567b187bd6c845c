//! DEALER: load-balances out, fair-queues in (RFC 28).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::{FairQueue, LoadBalancer};
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Dealer {
    out: LoadBalancer,
    input: FairQueue,
}

impl Dealer {
    /// Sends on the chosen pipe; returns its id (REQ needs it).
    pub(crate) fn send_and_tell(&mut self, msg: Msg, sparse: bool) -> Option<PipeId> {
        self.out.send_chosen(msg, sparse)
    }

    /// The next message from any pipe, and which pipe it came from.
    pub(crate) fn recv_any(&mut self) -> Option<(Msg, PipeId, ferrozmq_engine::PeerRef)> {
        let got = self.input.recv();
        for id in self.input.take_departed() {
            self.out.remove(id);
        }
        got
    }
}

impl Pattern for Dealer {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        self.out.attach(pipe.clone());
        self.input.attach(pipe);
    }

    fn detach(&mut self, pipe_id: PipeId) {
        self.out.remove(pipe_id);
        self.input.remove(pipe_id);
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
        Ok(self.recv_any().map(|(m, _, peer)| (m, peer)))
    }

    fn can_send(&self) -> bool {
        self.out.can_send()
    }

    fn can_recv(&self) -> bool {
        self.input.has_input()
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.input.pipes().to_vec()
    }
}
