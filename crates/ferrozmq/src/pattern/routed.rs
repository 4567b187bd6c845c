//! [`Routed`]: peers known by routing id, read in turn (the part ROUTER
//! and STREAM share).

use bytes::Bytes;
use ferrozmq_engine::{Body, Msg, Pipe, PipeId};

use super::Origin;

use crate::routing::{Admission, FairQueue, Pipes, RoutingTable, Slot};

/// A socket's pipes, their routing ids and a fair queue over them.
#[derive(Debug, Default)]
pub(crate) struct Routed {
    pipes: Pipes,
    table: RoutingTable,
    input: FairQueue,
    /// Storage for the next received message's envelope, given back by
    /// the socket ([`Routed::recycle`]).
    spare: Vec<Body>,
}

impl Routed {
    /// Takes a pipe in under its peer's routing id (or a generated one).
    /// A refused pipe is closed at once; one that lost its id to this one
    /// (handover) is left to the caller.
    pub(crate) fn admit(&mut self, pipe: Pipe, handover: bool) -> (Slot, Admission) {
        let slot = self.pipes.insert(pipe.clone());
        let admission = self.table.admit(&pipe, slot, handover);
        match admission {
            Admission::Admitted | Admission::TookOver(_) => self.input.attach(slot),
            Admission::Refused => {
                pipe.close();
                self.pipes.remove(slot);
            }
        }
        (slot, admission)
    }

    /// The live pipe for a routing id (O(1)).
    pub(crate) fn route(&self, routing_id: &[u8]) -> Option<(Slot, &Pipe)> {
        let slot = self.table.get(routing_id)?;
        let pipe = self.pipes.get(slot).filter(|p| !p.is_gone())?;
        Some((slot, pipe))
    }

    /// The routing id the pipe in `slot` is known by.
    pub(crate) fn id_of(&self, slot: Slot) -> Option<&Bytes> {
        self.table.id_of(slot)
    }

    /// The next message from any peer, prefixed with its routing id.
    pub(crate) fn recv(&mut self) -> Option<(Msg, Origin)> {
        loop {
            let got = match self.input.recv_turn(&self.pipes) {
                Some(got) => got,
                None => self.recv_further()?,
            };
            let (mut msg, slot, peer) = got;
            let Some(id) = self.table.id_frame(slot) else {
                continue;
            };
            msg.push_front_reusing(id, &mut self.spare);
            return Some((msg, peer));
        }
    }

    /// The fair queue's other pipes, when the one whose turn it is has
    /// nothing; pipes found gone are forgotten (out of line).
    #[inline(never)]
    fn recv_further(&mut self) -> Option<(Msg, Slot, Origin)> {
        let mut gone = Vec::new();
        let got = self.input.recv_further(&self.pipes, |s| gone.push(s));
        for slot in gone {
            self.forget(slot);
        }
        got
    }

    /// Keeps a received message's emptied frame storage for the next
    /// envelope (see [`super::Pattern::recycle`]).
    #[inline]
    pub(crate) fn recycle(&mut self, rest: Vec<Body>) {
        if self.spare.capacity() == 0 {
            self.spare = rest;
        }
    }

    /// The routing id of the pipe with this id, if it is attached.
    pub(crate) fn routing_id_of(&self, pipe: PipeId) -> Option<Bytes> {
        self.table.id_of(self.pipes.slot_of(pipe)?).cloned()
    }

    /// Whether a message waits.
    pub(crate) fn has_input(&self) -> bool {
        self.input.has_input(&self.pipes)
    }

    /// Closes the pipe in `slot` (what was queued for it is still
    /// delivered) and forgets it.
    pub(crate) fn close(&mut self, slot: Slot) {
        if let Some(pipe) = self.pipes.get(slot) {
            pipe.close();
        }
        self.forget(slot);
    }

    /// Forgets the pipe with this id.
    pub(crate) fn detach(&mut self, pipe: PipeId) {
        if let Some(slot) = self.pipes.slot_of(pipe) {
            self.forget(slot);
        }
    }

    /// The registry.
    pub(crate) fn pipes(&self) -> &Pipes {
        &self.pipes
    }

    /// The one way a pipe leaves.
    fn forget(&mut self, slot: Slot) {
        self.table.remove(slot);
        self.input.remove(slot);
        self.pipes.remove(slot);
    }
}
