//! PUSH: load-balances messages to PULL peers; never receives (RFC 30).

use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::{Pattern, PatternOptions, Received};
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::routing::{LoadBalancer, Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Push {
    pipes: Pipes,
    out: LoadBalancer,
}

impl Push {
    /// The one way a pipe leaves.
    fn forget(&mut self, slot: Slot) {
        self.out.remove(slot);
        self.pipes.remove(slot);
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

impl Pattern for Push {
    fn attach(&mut self, pipe: Pipe, _: &PatternOptions) {
        let slot = self.pipes.insert(pipe);
        self.out.attach(slot);
    }

    fn detach(&mut self, pipe: PipeId, _: &PatternOptions) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot);
        }
    }

    #[inline]
    fn prepare_send(&mut self, _first: &[u8], _: &PatternOptions) -> Result<()> {
        let mut gone = Vec::new();
        let chosen = self.out.choose(&self.pipes, |s| gone.push(s));
        if !gone.is_empty() {
            self.forget_all(gone);
        }
        chosen.map(|_| ()).ok_or(Error::new(ErrorKind::Again))
    }

    /// One frame: chosen and sent in one step ([`LoadBalancer::send_one`]).
    #[inline]
    fn send_single(
        &mut self,
        frame: &mut Option<Message>,
        options: &PatternOptions,
    ) -> std::result::Result<(), ErrorKind> {
        let mut gone = Vec::new();
        let sent = match frame {
            Some(_) => self.out.send_one(
                &self.pipes,
                |s| gone.push(s),
                || Msg::single(frame.take().unwrap_or_default().into_body()),
                options.sparse,
            ),
            None => return Ok(()),
        };
        if !gone.is_empty() {
            self.forget_all(gone);
        }
        sent.map(|_| ()).ok_or(ErrorKind::Again)
    }

    #[inline]
    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()> {
        self.out
            .send_chosen(&self.pipes, msg, options.sparse)
            .map(|_| ())
            .ok_or(Error::new(ErrorKind::Again))
    }

    fn recv(&mut self, _: &PatternOptions) -> Result<Option<Received>> {
        Err(ErrorKind::NotSupported.into())
    }

    fn can_send(&self) -> bool {
        self.out.can_send(&self.pipes)
    }

    fn can_recv(&self) -> bool {
        false
    }

    fn pipes(&self) -> &Pipes {
        &self.pipes
    }
}
