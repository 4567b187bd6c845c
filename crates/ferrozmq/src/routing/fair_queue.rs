//! Fair-queueing: take one message from each pipe in turn (PULL, DEALER, ROUTER, SUB).

use ferrozmq_engine::Msg;

use super::Origin;

use super::{wrap, Pipes, Slot};

/// Round-robin reader over pipes.
#[derive(Debug, Default)]
pub(crate) struct FairQueue {
    order: Vec<Slot>,
    next: usize,
}

impl FairQueue {
    /// Takes a pipe into the rotation.
    pub(crate) fn attach(&mut self, slot: Slot) {
        self.order.push(slot);
    }

    /// Takes a pipe out of the rotation.
    pub(crate) fn remove(&mut self, slot: Slot) {
        if let Some(i) = self.order.iter().position(|s| *s == slot) {
            self.order.remove(i);
            if self.next > i {
                self.next -= 1;
            }
            if self.next >= self.order.len() {
                self.next = 0;
            }
        }
    }

    /// Whether a message is waiting on some pipe.
    pub(crate) fn has_input(&self, pipes: &Pipes) -> bool {
        self.order
            .iter()
            .any(|s| pipes.get(*s).is_some_and(|p| p.has_input()))
    }

    /// The next message in turn, with the pipe it came from. Pipes whose
    /// peer has gone (closed and drained) leave the rotation on the way,
    /// and `gone` hears of each, for patterns that keep other tables.
    #[inline(always)]
    pub(crate) fn recv(
        &mut self,
        pipes: &Pipes,
        gone: impl FnMut(Slot),
    ) -> Option<(Msg, Slot, Origin)> {
        // The usual case first: the pipe whose turn it is has a message.
        if let Some(got) = self.recv_turn(pipes) {
            return Some(got);
        }
        self.recv_further(pipes, gone)
    }

    /// The usual case of [`Self::recv`] alone: a message from the pipe
    /// whose turn it is, if it has one (the caller then needs no list of
    /// pipes gone; otherwise it calls [`Self::recv`]).
    #[inline(always)]
    pub(crate) fn recv_turn(&mut self, pipes: &Pipes) -> Option<(Msg, Slot, Origin)> {
        let slot = self.order.get(self.next).copied()?;
        let pipe = pipes.get(slot)?;
        let msg = pipe.recv()?;
        self.next = wrap(self.next + 1, self.order.len());
        Some((msg, slot, Origin::of(pipe)))
    }

    /// [`Self::recv`] when the pipe whose turn it is has nothing (out of
    /// line: the usual path stays short): the others in turn (for a
    /// caller that tried [`Self::recv_turn`] first).
    #[inline(never)]
    pub(crate) fn recv_further(
        &mut self,
        pipes: &Pipes,
        mut gone: impl FnMut(Slot),
    ) -> Option<(Msg, Slot, Origin)> {
        let n = self.order.len();
        let mut found = None;
        let mut dead = Vec::new();
        for k in 0..n {
            let i = wrap(self.next + k, n);
            let Some(slot) = self.order.get(i).copied() else {
                continue;
            };
            let Some(pipe) = pipes.get(slot) else {
                dead.push(slot);
                continue;
            };
            if let Some(msg) = pipe.recv() {
                self.next = wrap(i + 1, n);
                found = Some((msg, slot, Origin::of(pipe)));
                break;
            }
            if pipe.is_finished() {
                dead.push(slot);
            }
        }
        for slot in dead {
            self.remove(slot);
            gone(slot);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::pipes::tests::pipe_pair;
    use bytes::Bytes;

    fn msg(b: &'static [u8]) -> Msg {
        Msg::single(Bytes::from_static(b))
    }

    #[test]
    fn takes_turns_and_drops_finished_pipes() {
        let mut pipes = Pipes::default();
        let mut fq = FairQueue::default();
        let (a, far_a) = pipe_pair(0);
        let (b, far_b) = pipe_pair(0);
        let (sa, sb) = (pipes.insert(a), pipes.insert(b));
        fq.attach(sa);
        fq.attach(sb);
        assert!(!fq.has_input(&pipes));
        for m in [b"a1", b"a2"] {
            far_a.send(msg(m), false);
        }
        far_b.send(msg(b"b1"), false);
        assert!(fq.has_input(&pipes));
        let mut order = Vec::new();
        while let Some((m, slot, _)) = fq.recv(&pipes, |_| panic!("nobody left")) {
            order.push((m.first().to_bytes(), slot));
        }
        assert_eq!(
            order,
            vec![
                (Bytes::from_static(b"a1"), sa),
                (Bytes::from_static(b"b1"), sb),
                (Bytes::from_static(b"a2"), sa),
            ]
        );
        // b's peer leaves after one more message: it is read, then b goes.
        far_b.send(msg(b"b2"), false);
        far_b.close();
        let mut gone = Vec::new();
        assert_eq!(fq.recv(&pipes, |s| gone.push(s)).map(|r| r.1), Some(sb));
        assert!(fq.recv(&pipes, |s| gone.push(s)).is_none());
        assert_eq!(gone, vec![sb]);
        far_a.send(msg(b"a3"), false);
        assert_eq!(fq.recv(&pipes, |_| {}).map(|r| r.1), Some(sa));
    }
}
