//! PULL: fair-queues messages from PUSH peers; never sends (RFC 30).

use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{FairQueue, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Pull {
    pipes: Pipes,
    input: FairQueue,
}

impl Pull {
    /// The one way a pipe leaves.
    fn forget(&mut self, slot: Slot) {
        self.input.remove(slot);
        self.pipes.remove(slot);
    }

    /// A message from a pipe other than the one whose turn it was (out of
    /// line: the usual path stays short).
    #[inline(never)]
    fn recv_others(&mut self) -> Option<Received> {
        let mut gone = Vec::new();
        let got = self.input.recv_further(&self.pipes, |s| gone.push(s));
        if !gone.is_empty() {
            self.forget_all(gone);
        }
        got.map(|(m, _, peer)| (m, peer))
    }

    /// [`Self::forget`] for each pipe found gone (out of line: rare).
    #[cold]
    #[inline(never)]
    fn forget_all(&mut self, gone: Vec<Slot>) {
        for slot in gone {
            self.forget(slot);
        }
    }
}

impl Pattern for Pull {
    fn attach(&mut self, pipe: Pipe, _: &PatternOptions) {
        let slot = self.pipes.insert(pipe);
        self.input.attach(slot);
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot);
        }
    }

    fn prepare_send(&mut self, _first: &[u8], _: &PatternOptions) -> Result<()> {
        Err(ErrorKind::NotSupported.into())
    }

    fn send(&mut self, _msg: Msg, _: &PatternOptions) -> Result<()> {
        Err(ErrorKind::NotSupported.into())
    }

    #[inline]
    fn recv(&mut self, _: &PatternOptions) -> Result<Option<Received>> {
        if let Some((m, _, peer)) = self.input.recv_turn(&self.pipes) {
            return Ok(Some((m, peer)));
        }
        Ok(self.recv_others())
    }

    #[inline]
    fn recv_into(&mut self, into: &mut Option<Received>, _: &PatternOptions) -> Result<bool> {
        if let Some((m, _, peer)) = self.input.recv_turn(&self.pipes) {
            *into = Some((m, peer));
            return Ok(true);
        }
        let Some(received) = self.recv_others() else {
            return Ok(false);
        };
        *into = Some(received);
        Ok(true)
    }

    fn can_send(&self) -> bool {
        false
    }

    fn can_recv(&self) -> bool {
        self.input.has_input(&self.pipes)
    }

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }
}
