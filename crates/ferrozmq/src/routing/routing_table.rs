//! Routing ids to pipes (ROUTER), with libzmq's generated ids and handover.

use std::collections::HashMap;

use bytes::{BufMut, Bytes, BytesMut};
use ferrozmq_engine::{Msg, PeerRef, Pipe, PipeId};

use super::FairQueue;

/// Maps each peer's routing id to its pipe.
#[derive(Debug, Default)]
pub(crate) struct RoutingTable {
    by_id: HashMap<Bytes, Pipe>,
    ids: HashMap<PipeId, Bytes>,
    next_generated: u32,
}

/// What happened to a pipe offered to the table.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Known under its routing id.
    Admitted,
    /// Its id is taken and handover is off: the pipe must be dropped.
    Refused,
    /// Admitted, and this older pipe lost its id to it (handover).
    TookOver(Pipe),
}

impl RoutingTable {
    /// Gives `pipe` its peer's routing id, or a generated one (0x00 + 4 octets)
    /// when the peer announced none.
    pub(crate) fn admit(&mut self, pipe: &Pipe, handover: bool) -> Admission {
        let announced = pipe.peer_info().routing_id.clone();
        if announced.is_empty() {
            let id = self.generate();
            self.insert(id.clone(), pipe.clone());
            return Admission::Admitted;
        }
        match self.by_id.get(&announced) {
            None => {
                self.insert(announced, pipe.clone());
                Admission::Admitted
            }
            Some(_) if handover => {
                let old = self.by_id.remove(&announced);
                if let Some(old) = &old {
                    self.ids.remove(&old.id());
                }
                self.insert(announced, pipe.clone());
                match old {
                    Some(old) => Admission::TookOver(old),
                    None => Admission::Admitted,
                }
            }
            Some(_) => Admission::Refused,
        }
    }

    pub(crate) fn remove(&mut self, pipe_id: PipeId) {
        if let Some(id) = self.ids.remove(&pipe_id) {
            self.by_id.remove(&id);
        }
    }

    pub(crate) fn get(&self, routing_id: &[u8]) -> Option<&Pipe> {
        self.by_id.get(routing_id)
    }

    pub(crate) fn id_of(&self, pipe_id: PipeId) -> Option<&Bytes> {
        self.ids.get(&pipe_id)
    }

    /// The next message from `input`, prefixed with its peer's routing id;
    /// pipes the queue dropped on the way are forgotten here too.
    pub(crate) fn recv_from(&mut self, input: &mut FairQueue) -> Option<(Msg, PeerRef)> {
        loop {
            let got = input.recv();
            for id in input.take_departed() {
                self.remove(id);
            }
            let (mut msg, pipe_id, peer) = got?;
            let Some(id) = self.id_of(pipe_id) else {
                continue;
            };
            msg.push_front(id.clone());
            return Some((msg, peer));
        }
    }

    fn insert(&mut self, id: Bytes, pipe: Pipe) {
        self.ids.insert(pipe.id(), id.clone());
        self.by_id.insert(id, pipe);
    }

    fn generate(&mut self) -> Bytes {
        loop {
            self.next_generated = self.next_generated.wrapping_add(1);
            let mut b = BytesMut::with_capacity(5);
            b.put_u8(0);
            b.put_u32(self.next_generated);
            let id = b.freeze();
            if !self.by_id.contains_key(&id) {
                return id;
            }
        }
    }
}
