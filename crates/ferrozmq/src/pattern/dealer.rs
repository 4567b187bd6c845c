//! DEALER: load-balances out, fair-queues in (RFC 28).

use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Origin, Pattern, PatternOptions, Received};
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::routing::{FairQueue, LoadBalancer, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Dealer {
    pipes: Pipes,
    out: LoadBalancer,
    input: FairQueue,
}

impl Dealer {
    /// Sends on the chosen pipe; returns its slot (REQ needs it).
    #[inline]
    pub(crate) fn send_and_tell(&mut self, msg: Msg, sparse: bool) -> Option<Slot> {
        self.out.send_chosen(&self.pipes, msg, sparse)
    }

    /// The next message from any pipe, and which pipe it came from.
    pub(crate) fn recv_any(&mut self) -> Option<(Msg, Slot, Origin)> {
        if let Some(got) = self.input.recv_turn(&self.pipes) {
            return Some(got);
        }
        let mut gone = Vec::new();
        let got = self.input.recv_further(&self.pipes, |s| gone.push(s));
        if !gone.is_empty() {
            self.forget_all(gone);
        }
        got
    }

    /// [`Self::forget`] for each pipe found gone (out of line: rare).
    #[cold]
    #[inline(never)]
    fn forget_all(&mut self, gone: Vec<Slot>) {
        for slot in gone {
            self.forget(slot);
        }
    }

    /// The one way a pipe leaves. A pipe that can no longer be written
    /// only leaves the rotation of sends: what its peer sent is still read.
    fn forget(&mut self, slot: Slot) {
        self.out.remove(slot);
        self.input.remove(slot);
        self.pipes.remove(slot);
    }
}

impl Pattern for Dealer {
    fn attach(&mut self, pipe: Pipe, _: &PatternOptions) {
        let slot = self.pipes.insert(pipe);
        self.out.attach(slot);
        self.input.attach(slot);
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot);
        }
    }

    #[inline]
    fn prepare_send(&mut self, _first: &[u8], _: &PatternOptions) -> Result<()> {
        // A pipe that can no longer be written still has input to read:
        // it leaves the fair queue once that is drained.
        self.out
            .choose(&self.pipes, |_| {})
            .map(|_| ())
            .ok_or(Error::new(ErrorKind::Again))
    }

    /// One frame: chosen and sent in one step ([`LoadBalancer::send_one`]).
    /// As in `prepare_send`, a pipe that can no longer be written leaves
    /// only the rotation of sends.
    #[inline]
    fn send_single(
        &mut self,
        frame: &mut Option<Message>,
        options: &PatternOptions,
    ) -> std::result::Result<(), ErrorKind> {
        if frame.is_none() {
            return Ok(());
        }
        self.out
            .send_one(
                &self.pipes,
                |_| {},
                || Msg::single(frame.take().unwrap_or_default().into_body()),
                options.sparse,
            )
            .map(|_| ())
            .ok_or(ErrorKind::Again)
    }

    #[inline]
    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()> {
        self.send_and_tell(msg, options.sparse)
            .map(|_| ())
            .ok_or(Error::new(ErrorKind::Again))
    }

    fn recv(&mut self, _: &PatternOptions) -> Result<Option<Received>> {
        Ok(self.recv_any().map(|(m, _, peer)| (m, peer)))
    }

    fn can_send(&self) -> bool {
        self.out.can_send(&self.pipes)
    }

    fn can_recv(&self) -> bool {
        self.input.has_input(&self.pipes)
    }

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }
}
