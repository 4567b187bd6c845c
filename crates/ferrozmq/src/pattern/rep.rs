//! REP: receives a request, keeps its envelope, and sends the reply back
//! along it (RFC 28).

use ferrozmq_engine::{Body, Msg, Pipe, PipeId};

use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{FairQueue, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Rep {
    pipes: Pipes,
    input: FairQueue,
    /// Where the reply goes and the envelope to put back on it.
    replying: Option<(Slot, Vec<Body>)>,
}

impl Rep {
    /// The one way a pipe leaves.
    fn forget(&mut self, slot: Slot) {
        self.input.remove(slot);
        self.pipes.remove(slot);
    }
}

impl Pattern for Rep {
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
        if self.replying.is_none() {
            return Err(ErrorKind::Fsm.into());
        }
        Ok(())
    }

    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()> {
        let (slot, envelope) = self.replying.take().ok_or(ErrorKind::Fsm)?;
        // A reply whose requester has gone (its slot then finds nothing), or
        // whose pipe is full, is dropped, as in libzmq.
        let pipe = self
            .pipes
            .get(slot)
            .filter(|p| !p.is_gone() && !p.is_full());
        if let Some(pipe) = pipe {
            let frames: Vec<Body> = envelope.into_iter().chain(msg.into_frames()).collect();
            if let Some(reply) = Msg::from_bodies(frames) {
                pipe.send(reply, options.sparse);
            }
        }
        Ok(())
    }

    fn recv(&mut self, _: &PatternOptions) -> Result<Option<Received>> {
        if self.replying.is_some() {
            return Err(ErrorKind::Fsm.into());
        }
        loop {
            let mut gone = Vec::new();
            let got = self.input.recv(&self.pipes, |s| gone.push(s));
            for slot in gone {
                self.forget(slot);
            }
            let Some((msg, slot, peer)) = got else {
                return Ok(None);
            };
            let mut envelope = Vec::new();
            let mut frames = msg.into_frames();
            let mut found = false;
            for frame in frames.by_ref() {
                let delimiter = frame.is_empty();
                envelope.push(frame);
                if delimiter {
                    found = true;
                    break;
                }
            }
            // A request without a delimiter, or without a body, is malformed: drop it.
            let Some(body) = Msg::from_bodies(frames.collect()).filter(|_| found) else {
                continue;
            };
            self.replying = Some((slot, envelope));
            return Ok(Some((body, peer)));
        }
    }

    fn can_send(&self) -> bool {
        self.replying.is_some()
    }

    fn can_recv(&self) -> bool {
        self.replying.is_none() && self.input.has_input(&self.pipes)
    }

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }
}
