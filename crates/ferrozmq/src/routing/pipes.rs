//! [`Pipes`]: the one registry of a socket's pipes that every routing
//! strategy indexes into.
//!
//! Strategies keep [`Slot`]s, not pipes: a slot is an index into the
//! registry plus the pipe's id, so a slot kept after its pipe left (and the
//! index was reused) finds nothing rather than another peer.

use std::collections::VecDeque;

use ferrozmq_engine::{Pipe, PipeId};

use super::PipeMap;

/// Where a pipe sits in its socket's [`Pipes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Slot {
    index: usize,
    id: PipeId,
}

impl Slot {
    /// Where the slot is in its [`Pipes`] (reused by a later pipe once
    /// this one has left; the whole `Slot` tells them apart).
    #[inline]
    pub(crate) fn index(self) -> usize {
        self.index
    }
}

/// A socket's pipes, by slot (O(1)) and by id.
#[derive(Debug, Default)]
pub(crate) struct Pipes {
    slots: Vec<Option<Pipe>>,
    free: Vec<usize>,
    by_id: PipeMap<Slot>,
    /// Pipes that left holding messages their peer never took (it went
    /// away, or a disconnect's linger ran out), kept for `Socket::drain`
    /// to hand back: at most [`MAX_DEPARTED`], the oldest dropped first.
    departed: VecDeque<Pipe>,
}

impl Pipes {
    /// Adds a pipe; its slot stays valid until [`Pipes::remove`].
    pub(crate) fn insert(&mut self, pipe: Pipe) -> Slot {
        let id = pipe.id();
        let index = match self.free.pop() {
            Some(index) => {
                if let Some(s) = self.slots.get_mut(index) {
                    *s = Some(pipe);
                }
                index
            }
            None => {
                self.slots.push(Some(pipe));
                self.slots.len() - 1
            }
        };
        let slot = Slot { index, id };
        self.by_id.insert(id, slot);
        slot
    }

    /// Takes a pipe out; its slot finds nothing from now on.
    pub(crate) fn remove(&mut self, slot: Slot) -> Option<Pipe> {
        self.get(slot)?;
        self.by_id.remove(&slot.id);
        self.free.push(slot.index);
        let pipe = self.slots.get_mut(slot.index)?.take()?;
        self.keep_if_unsent(&pipe);
        Some(pipe)
    }

    /// Keeps a pipe that can no longer be written and still holds messages
    /// for its peer (see `departed`).
    fn keep_if_unsent(&mut self, pipe: &Pipe) {
        self.departed.retain(|p| p.queued_out() > 0);
        if pipe.is_send_closed() && pipe.queued_out() > 0 {
            self.departed.push_back(pipe.clone());
            if self.departed.len() > MAX_DEPARTED {
                self.departed.pop_front();
            }
        }
    }

    /// Pipes that left with messages for their peer (see `departed`).
    pub(crate) fn departed(&self) -> impl Iterator<Item = &Pipe> {
        self.departed.iter()
    }

    /// The pipe in `slot`, if it is still there.
    #[inline]
    pub(crate) fn get(&self, slot: Slot) -> Option<&Pipe> {
        self.slots
            .get(slot.index)?
            .as_ref()
            .filter(|p| p.id() == slot.id)
    }

    /// The slot of the pipe with this id.
    pub(crate) fn slot_of(&self, id: PipeId) -> Option<Slot> {
        self.by_id.get(&id).copied()
    }

    /// Every pipe, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Pipe> {
        self.slots.iter().flatten()
    }

    /// How many pipes there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }
}

/// Departed pipes kept at most: a socket whose peers keep leaving with
/// messages queued holds no more than this many pipes' worth (each at most
/// SNDHWM messages), as if that many more slow peers were connected.
const MAX_DEPARTED: usize = 16;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Arc;

    /// A socket-side pipe for tests, and its far end.
    pub(crate) fn pipe_pair(hwm: usize) -> (Pipe, Pipe) {
        let near = Pipe::new(hwm, hwm, Arc::from("inproc://test"));
        let far = near.mirror();
        (near, far)
    }

    #[test]
    fn stale_slots_find_nothing() {
        let mut pipes = Pipes::default();
        let (a, _) = pipe_pair(0);
        let (b, _) = pipe_pair(0);
        let sa = pipes.insert(a.clone());
        assert_eq!(pipes.get(sa).map(Pipe::id), Some(a.id()));
        assert_eq!(pipes.remove(sa).map(|p| p.id()), Some(a.id()));
        let sb = pipes.insert(b.clone());
        assert!(
            pipes.get(sa).is_none(),
            "the index is reused by another pipe"
        );
        assert!(pipes.remove(sa).is_none());
        assert_eq!(pipes.slot_of(b.id()), Some(sb));
        assert_eq!(pipes.slot_of(a.id()), None);
        assert_eq!(pipes.len(), 1);
        assert_eq!(pipes.iter().count(), 1);
    }

    #[test]
    fn closed_pipes_with_unsent_messages_are_kept_a_while() {
        use bytes::Bytes;
        use ferrozmq_engine::Msg;
        let mut pipes = Pipes::default();
        let (open, _far_open) = pipe_pair(0);
        let (empty, far_empty) = pipe_pair(0);
        let s_open = pipes.insert(open.clone());
        let s_empty = pipes.insert(empty);
        open.send(Msg::single(Bytes::from_static(b"m")), false);
        far_empty.close();
        pipes.remove(s_open);
        pipes.remove(s_empty);
        assert_eq!(pipes.departed().count(), 0, "open, or nothing left");
        for _ in 0..MAX_DEPARTED + 3 {
            let (p, far) = pipe_pair(0);
            let slot = pipes.insert(p.clone());
            p.send(Msg::single(Bytes::from_static(b"m")), false);
            far.close();
            pipes.remove(slot);
        }
        assert_eq!(pipes.departed().count(), MAX_DEPARTED);
    }
}
