//! PAIR: exactly one peer; further peers are refused (RFC 31).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Pair {
    pipes: Pipes,
    peer: Option<Slot>,
}

impl Pair {
    /// The peer's pipe, once it is known to be alive.
    fn live_peer(&mut self) -> Option<&Pipe> {
        let slot = self.peer?;
        if self.pipes.get(slot).is_none_or(Pipe::is_gone) {
            self.forget(slot);
            return None;
        }
        self.pipes.get(slot)
    }

    fn peer(&self) -> Option<&Pipe> {
        self.pipes.get(self.peer?)
    }

    /// The one way a pipe leaves.
    fn forget(&mut self, slot: Slot) {
        if self.peer == Some(slot) {
            self.peer = None;
        }
        self.pipes.remove(slot);
    }
}

impl Pattern for Pair {
    fn attach(&mut self, pipe: Pipe, _: &PatternOptions) {
        if self.live_peer().is_some() {
            // Second peer: refuse it, as libzmq does.
            pipe.close();
            return;
        }
        self.peer = Some(self.pipes.insert(pipe));
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot);
        }
    }

    fn prepare_send(&mut self, _first: &Bytes, _: &PatternOptions) -> Result<()> {
        match self.live_peer() {
            Some(p) if !p.is_full() => Ok(()),
            _ => Err(ErrorKind::Again.into()),
        }
    }

    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()> {
        let pipe = self.live_peer().ok_or(ErrorKind::Again)?;
        pipe.send(msg, options.sparse);
        Ok(())
    }

    fn recv(&mut self, _: &PatternOptions) -> Result<Option<Received>> {
        let (Some(slot), Some(pipe)) = (self.peer, self.peer()) else {
            return Ok(None);
        };
        let got = pipe.recv().map(|m| (m, pipe.peer_ref()));
        if got.is_none() && pipe.is_finished() {
            self.forget(slot);
        }
        Ok(got)
    }

    fn can_send(&self) -> bool {
        // As `prepare_send` sees it: a peer that has gone takes nothing.
        self.peer().is_some_and(|p| !p.is_gone() && !p.is_full())
    }

    fn can_recv(&self) -> bool {
        self.peer().is_some_and(Pipe::has_input)
    }

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }
}
