//! REQ: strict request/reply alternation over load-balanced peers (RFC 28).
//!
//! Each request is sent with an empty delimiter frame (and, with
//! REQ_CORRELATE, a request id before it); only a reply from the peer that got
//! the request, with the right envelope, is accepted.

use bytes::Bytes;
use ferrozmq_engine::{Msg, Pipe, PipeId};

use super::dealer::Dealer;
use super::{Pattern, PatternOptions, Received};
use crate::error::{ErrorKind, Result};
use crate::routing::{Pipes, Slot};

#[derive(Debug, Default)]
pub(crate) struct Req {
    dealer: Dealer,
    /// The pipe the outstanding request went to, if one is outstanding.
    awaiting: Option<Slot>,
    request_id: u32,
    /// REQ_RELAXED as of the last send: a new request may replace the
    /// outstanding one, so POLLOUT does not wait for the reply.
    relaxed: bool,
}

impl Pattern for Req {
    fn attach(&mut self, pipe: Pipe, options: &PatternOptions) {
        self.dealer.attach(pipe, options);
    }

    fn detach(&mut self, pipe: PipeId, options: &PatternOptions) {
        self.dealer.detach(pipe, options);
    }

    fn prepare_send(&mut self, first: &[u8], options: &PatternOptions) -> Result<()> {
        if self.awaiting.is_some() && !options.req_relaxed {
            return Err(ErrorKind::Fsm.into());
        }
        self.dealer.prepare_send(first, options)
    }

    fn send(&mut self, mut msg: Msg, options: &PatternOptions) -> Result<()> {
        self.relaxed = options.req_relaxed;
        msg.push_front(Bytes::new());
        if options.req_correlate {
            self.request_id = self.request_id.wrapping_add(1);
            msg.push_front(Bytes::copy_from_slice(&self.request_id.to_ne_bytes()));
        }
        let pipe = self
            .dealer
            .send_and_tell(msg, options.sparse)
            .ok_or(ErrorKind::Again)?;
        self.awaiting = Some(pipe);
        Ok(())
    }

    fn recv(&mut self, options: &PatternOptions) -> Result<Option<Received>> {
        let Some(reply_pipe) = self.awaiting else {
            return Err(ErrorKind::Fsm.into());
        };
        while let Some((mut msg, pipe, peer)) = self.dealer.recv_any() {
            if pipe != reply_pipe {
                continue;
            }
            if options.req_correlate {
                match msg.pop_front() {
                    Some(id) if id[..] == self.request_id.to_ne_bytes() => {}
                    _ => continue,
                }
            }
            match msg.pop_front() {
                Some(delimiter) if delimiter.is_empty() => {
                    self.awaiting = None;
                    return Ok(Some((msg, peer)));
                }
                _ => continue,
            }
        }
        Ok(None)
    }

    fn can_send(&self) -> bool {
        (self.awaiting.is_none() || self.relaxed) && self.dealer.can_send()
    }

    fn can_recv(&self) -> bool {
        self.awaiting.is_some() && self.dealer.can_recv()
    }

    fn pipes(&self) -> &Pipes {
        self.dealer.pipes()
    }

    fn unwrap_unsent(&self, mut msg: Msg, options: &PatternOptions) -> Msg {
        if options.req_correlate {
            msg.pop_front();
        }
        msg.pop_front();
        msg
    }
}
