//! PAIR: exactly one peer; further peers are refused (RFC 31).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Pair {
    peer: Option<Pipe>,
}

impl Pair {
    fn live_peer(&mut self) -> Option<&Pipe> {
        if self.peer.as_ref().is_some_and(Pipe::is_gone) {
            self.peer = None;
        }
        self.peer.as_ref()
    }
}

impl Pattern for Pair {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        if self.live_peer().is_some() {
            // Second peer: refuse it, as libzmq does.
            pipe.close();
            return;
        }
        self.peer = Some(pipe);
    }

    fn detach(&mut self, pipe_id: PipeId) {
        if self.peer.as_ref().is_some_and(|p| p.id() == pipe_id) {
            self.peer = None;
        }
    }

    fn prepare_send(&mut self, _first: &Bytes, _: &Options) -> Result<()> {
        match self.live_peer() {
            Some(p) if !p.is_full() => Ok(()),
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
        let got = pipe.recv().map(|m| (m, pipe.peer_ref()));
        if got.is_none() && pipe.is_finished() {
            self.peer = None;
        }
        Ok(got)
    }

    fn can_send(&self) -> bool {
        self.peer.as_ref().is_some_and(|p| !p.is_full())
    }

    fn can_recv(&self) -> bool {
        self.peer.as_ref().is_some_and(|p| p.has_input())
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.peer.iter().cloned().collect()
    }
}
