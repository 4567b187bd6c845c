//! REP: receives a request, keeps its envelope, and sends the reply back
//! along it (RFC 28).

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, Received};
use crate::error::{Error, Result};
use crate::routing::FairQueue;
use crate::socket::Options;

#[derive(Debug, Default)]
pub(crate) struct Rep {
    input: FairQueue,
    /// Where the reply goes and the envelope to put back on it.
    replying: Option<(PipeId, Vec<Bytes>)>,
}

impl Pattern for Rep {
    fn attach(&mut self, pipe: Pipe, _: &Options) {
        self.input.attach(pipe);
    }

    fn detach(&mut self, pipe_id: PipeId) {
        self.input.remove(pipe_id);
    }

    fn prepare_send(&mut self, _first: &Bytes, _: &Options) -> Result<()> {
        if self.replying.is_none() {
            return Err(Error::Fsm);
        }
        Ok(())
    }

    fn send(&mut self, msg: Msg, options: &Options) -> Result<()> {
        let (pipe_id, envelope) = self.replying.take().ok_or(Error::Fsm)?;
        let pipe = self.input.pipes().iter().find(|p| p.id() == pipe_id);
        // A reply whose requester has gone, or whose pipe is full, is dropped, as in libzmq.
        if let Some(pipe) = pipe.filter(|p| !p.is_gone() && !p.is_full()) {
            let frames: Vec<Bytes> = envelope.into_iter().chain(msg.into_frames()).collect();
            if let Some(reply) = Msg::from_frames(frames) {
                pipe.send(reply, options.sparse);
            }
        }
        Ok(())
    }

    fn recv(&mut self, _: &Options) -> Result<Option<Received>> {
        if self.replying.is_some() {
            return Err(Error::Fsm);
        }
        loop {
            let Some((msg, pipe_id, peer)) = self.input.recv() else {
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
            let Some(body) = Msg::from_frames(frames.collect()).filter(|_| found) else {
                continue;
            };
            self.replying = Some((pipe_id, envelope));
            return Ok(Some((body, peer)));
        }
    }

    fn can_send(&self) -> bool {
        self.replying.is_some()
    }

    fn can_recv(&self) -> bool {
        self.replying.is_none() && self.input.has_input()
    }

    fn pipes(&self) -> Vec<Pipe> {
        self.input.pipes().to_vec()
    }
}
