//! Routing ids to pipes (ROUTER, STREAM), with libzmq's generated ids and handover.

use std::collections::HashMap;

use bytes::{BufMut, Bytes, BytesMut};
use ferrozmq_engine::{Body, Pipe};

use super::Slot;

/// Maps each peer's routing id to its pipe's slot, and back.
#[derive(Debug)]
pub(crate) struct RoutingTable {
    by_id: HashMap<Bytes, Slot>,
    /// Each admitted slot's id, at the slot's index (read for every
    /// received message: an index, not a hash). The id is kept twice: as
    /// bytes, and as the frame put before received messages (held by value
    /// when small, so that prefixing a message copies a few bytes instead
    /// of counting a reference).
    ids: Vec<Option<Known>>,
    next_generated: u32,
}

impl Default for RoutingTable {
    /// An empty table whose generated ids count up from a random start, as
    /// libzmq's ROUTER and STREAM do (`generate_random ()`): ids handed out
    /// before a restart are not handed out again to other peers after it.
    fn default() -> Self {
        use std::hash::BuildHasher;
        let start = std::collections::hash_map::RandomState::new().hash_one(0u8) as u32;
        RoutingTable {
            by_id: HashMap::new(),
            ids: Vec::new(),
            next_generated: start,
        }
    }
}

/// A slot's entry in [`RoutingTable::ids`].
#[derive(Debug)]
struct Known {
    slot: Slot,
    id: Bytes,
    frame: Body,
}

/// What happened to a pipe offered to the table.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Known under its routing id.
    Admitted,
    /// Its id is taken and handover is off: the pipe must be dropped.
    Refused,
    /// Admitted, and the pipe in this slot lost its id to it (handover):
    /// it is no longer in the table.
    TookOver(Slot),
}

impl RoutingTable {
    /// Gives `pipe` (in `slot`) its peer's routing id, or a generated one
    /// (0x00 + 4 octets) when the peer announced none.
    pub(crate) fn admit(&mut self, pipe: &Pipe, slot: Slot, handover: bool) -> Admission {
        let announced = pipe.peer_info().routing_id.clone();
        if announced.is_empty() {
            let id = self.generate();
            self.insert(id, slot);
            return Admission::Admitted;
        }
        match self.by_id.get(&announced).copied() {
            None => {
                self.insert(announced, slot);
                Admission::Admitted
            }
            Some(old) if handover => {
                self.take(old);
                self.insert(announced, slot);
                Admission::TookOver(old)
            }
            Some(_) => Admission::Refused,
        }
    }

    /// Forgets the pipe in `slot`.
    pub(crate) fn remove(&mut self, slot: Slot) {
        if let Some(known) = self.take(slot) {
            self.by_id.remove(&known.id);
        }
    }

    /// The slot of the pipe with this routing id (O(1)).
    pub(crate) fn get(&self, routing_id: &[u8]) -> Option<Slot> {
        self.by_id.get(routing_id).copied()
    }

    /// The routing id of the pipe in `slot`.
    #[inline]
    pub(crate) fn id_of(&self, slot: Slot) -> Option<&Bytes> {
        self.known(slot).map(|k| &k.id)
    }

    /// The routing id of the pipe in `slot` as a frame to put before a
    /// message received from it.
    #[inline]
    pub(crate) fn id_frame(&self, slot: Slot) -> Option<Body> {
        self.known(slot).map(|k| k.frame.clone())
    }

    #[inline]
    fn known(&self, slot: Slot) -> Option<&Known> {
        self.ids
            .get(slot.index())?
            .as_ref()
            .filter(|k| k.slot == slot)
    }

    /// Takes `slot`'s entry out of `ids` (not out of `by_id`).
    fn take(&mut self, slot: Slot) -> Option<Known> {
        let entry = self.ids.get_mut(slot.index())?;
        if entry.as_ref().is_some_and(|k| k.slot == slot) {
            entry.take()
        } else {
            None
        }
    }

    fn insert(&mut self, id: Bytes, slot: Slot) {
        let index = slot.index();
        if self.ids.len() <= index {
            self.ids.resize_with(index + 1, || None);
        }
        let frame = if id.len() <= ferrozmq_engine::SMALL_MAX {
            Body::copy_from_slice(&id)
        } else {
            Body::Shared(id.clone())
        };
        if let Some(entry) = self.ids.get_mut(index) {
            *entry = Some(Known {
                slot,
                id: id.clone(),
                frame,
            });
        }
        self.by_id.insert(id, slot);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::pipes::tests::pipe_pair;
    use crate::routing::Pipes;
    use ferrozmq_engine::PeerInfo;

    fn named(pipes: &mut Pipes, id: &'static [u8]) -> (Pipe, Slot) {
        let (p, _) = pipe_pair(0);
        p.set_peer_info(PeerInfo {
            routing_id: Bytes::from_static(id),
            ..Default::default()
        });
        let slot = pipes.insert(p.clone());
        (p, slot)
    }

    #[test]
    fn announced_generated_refused_and_handed_over() {
        let mut pipes = Pipes::default();
        let mut t = RoutingTable::default();
        let (a, sa) = named(&mut pipes, b"A");
        assert_eq!(t.admit(&a, sa, false), Admission::Admitted);
        assert_eq!(t.get(b"A"), Some(sa));
        assert_eq!(t.id_of(sa).map(|b| &b[..]), Some(&b"A"[..]));

        let (anon, sn) = named(&mut pipes, b"");
        assert_eq!(t.admit(&anon, sn, false), Admission::Admitted);
        let generated = t.id_of(sn).cloned().unwrap();
        assert_eq!((generated.len(), generated[0]), (5, 0));
        assert_eq!(t.get(&generated), Some(sn));
        // The next one counts up from it (from a random start, as libzmq).
        let (anon2, sn2) = named(&mut pipes, b"");
        assert_eq!(t.admit(&anon2, sn2, false), Admission::Admitted);
        let number = |id: &Bytes| u32::from_be_bytes([id[1], id[2], id[3], id[4]]);
        let next = t.id_of(sn2).unwrap();
        assert_eq!(number(next), number(&generated).wrapping_add(1));
        t.remove(sn2);

        let (a2, sa2) = named(&mut pipes, b"A");
        assert_eq!(t.admit(&a2, sa2, false), Admission::Refused);
        assert_eq!(t.get(b"A"), Some(sa));
        assert_eq!(t.admit(&a2, sa2, true), Admission::TookOver(sa));
        assert_eq!(t.get(b"A"), Some(sa2));
        assert_eq!(t.id_of(sa), None);
        assert_eq!(t.id_frame(sa2).as_deref(), Some(&b"A"[..]));
        assert!(matches!(t.id_frame(sa2), Some(Body::Small(_))));

        t.remove(sa2);
        assert_eq!(t.get(b"A"), None);
    }

    /// Ids are kept at their slot's index: a pipe that takes over the
    /// index of one that left gets its own id, and the one that left
    /// reads as unknown.
    #[test]
    fn a_reused_slot_index_carries_only_its_own_id() {
        let mut pipes = Pipes::default();
        let mut t = RoutingTable::default();
        let (a, sa) = named(&mut pipes, b"A");
        assert_eq!(t.admit(&a, sa, false), Admission::Admitted);
        t.remove(sa);
        pipes.remove(sa);
        let (b, sb) = named(&mut pipes, b"a-much-longer-routing-id-than-small");
        assert_eq!(sb.index(), sa.index(), "the index is reused");
        assert_eq!(t.admit(&b, sb, false), Admission::Admitted);
        assert_eq!(t.id_of(sa), None);
        assert_eq!(t.id_frame(sa), None);
        // A stale slot's removal leaves the new entry alone.
        t.remove(sa);
        assert_eq!(
            t.id_frame(sb).as_deref(),
            Some(&b"a-much-longer-routing-id-than-small"[..])
        );
        assert!(matches!(t.id_frame(sb), Some(Body::Shared(_))));
        assert_eq!(t.get(b"a-much-longer-routing-id-than-small"), Some(sb));
        assert_eq!(t.get(b"A"), None);
    }
}
