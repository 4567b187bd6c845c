//! PAIR: exactly one peer; further peers are refused (RFC 31).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::is_dead;
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Pair {
    peer: Option<Pipe>,
}

impl Pair {
    fn live_peer(&mut self) -> Option<&Pipe> {
        if self.peer.as_ref().is_some_and(is_dead) {
            self.peer = None;
        }
        self.peer.as_ref()
    }
}

impl Pattern for Pair {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        if self.live_peer().is_some() {
            // Second peer: refuse it, as libzmq does.
            pipe.outbound.close();
            pipe.inbound.close();
            return;
        }
        self.peer = Some(pipe);
    }

    fn detach(&mut self, pipe_id: u64) {
        if self.peer.as_ref().is_some_and(|p| p.id == pipe_id) {
            self.peer = None;
        }
    }

    fn prepare_send(&mut self, _first: &Bytes, _: &Options) -> Result<()> {
        match self.live_peer() {
            Some(p) if p.outbound.has_room() => Ok(()),
            _ => Err(Error::Again),
        }
    }

    fn send(&mut self, msg: Msg, options: &Options) -> Result<()> {
        let pipe = self.live_peer().ok_or(Error::Again)?;
        pipe.send(msg, options.sparse);
        Ok(())
    }

    fn recv(&mut self, _: &Options) -> Result<Option<Received>> {
        let Some(pipe) = self.peer.as_ref() else {
            return Ok(None);
        };
        let got = pipe.inbound.pop().map(|m| (m, pipe.peer_ref()));
        if got.is_none() && pipe.inbound.is_finished() {
            self.peer = None;
        }
        Ok(got)
    }

    fn can_send(&self) -> bool {
        self.peer.as_ref().is_some_and(|p| p.outbound.has_room())
    }

    fn can_recv(&self) -> bool {
        self.peer.as_ref().is_some_and(|p| !p.inbound.is_empty())
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.peer.iter().cloned().collect()
    }
}
