//! Load-balancing: each message to the next pipe that has room (PUSH, DEALER, REQ).

use ferrozmq_engine::Msg;

use super::{wrap, Pipes, Slot};

/// Round-robin over pipes with room; a full pipe is skipped, not waited for.
#[derive(Debug, Default)]
pub(crate) struct LoadBalancer {
    order: Vec<Slot>,
    next: usize,
    chosen: Option<usize>,
}

impl LoadBalancer {
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
            self.chosen = None;
        }
    }

    /// Whether some pipe would take a message now (what [`Self::choose`]
    /// would pick: a pipe whose peer has gone counts for nothing).
    pub(crate) fn can_send(&self, pipes: &Pipes) -> bool {
        self.order.iter().any(|s| {
            pipes
                .get(*s)
                .is_some_and(|p| !p.is_send_closed() && !p.is_full())
        })
    }

    /// Picks the pipe for the next message; `None` if every pipe is full.
    /// Pipes that can no longer be written leave the rotation on the way,
    /// and `gone` hears of each.
    #[inline(always)]
    pub(crate) fn choose(&mut self, pipes: &Pipes, gone: impl FnMut(Slot)) -> Option<Slot> {
        // The usual case first: the pipe whose turn it is takes it.
        let next = self.order.get(self.next).copied();
        if let Some(slot) = next {
            if pipes
                .get(slot)
                .is_some_and(|p| !p.is_send_closed() && !p.is_full())
            {
                self.chosen = Some(self.next);
                return Some(slot);
            }
        }
        self.choose_further(pipes, gone)
    }

    /// [`Self::choose`] when the pipe whose turn it is cannot take the
    /// message (out of line: the usual path stays short).
    #[cold]
    #[inline(never)]
    fn choose_further(&mut self, pipes: &Pipes, mut gone: impl FnMut(Slot)) -> Option<Slot> {
        loop {
            // One pass in the common case: a closed pipe met before the
            // choice is pruned and the turn taken again, which picks what
            // pruning first would have picked.
            let n = self.order.len();
            let mut closed = false;
            for k in 0..n {
                let i = wrap(self.next + k, n);
                let slot = self.order.get(i).copied()?;
                match pipes.get(slot) {
                    Some(p) if p.is_send_closed() => closed = true,
                    None => closed = true,
                    Some(p) if !closed && !p.is_full() => {
                        self.chosen = Some(i);
                        return Some(slot);
                    }
                    Some(_) => {}
                }
            }
            if !closed {
                return None;
            }
            self.prune(pipes, &mut gone);
        }
    }

    /// Takes pipes that can no longer be written out of the rotation.
    fn prune(&mut self, pipes: &Pipes, gone: &mut impl FnMut(Slot)) {
        let dead: Vec<Slot> = self
            .order
            .iter()
            .copied()
            .filter(|s| pipes.get(*s).is_none_or(|p| p.is_send_closed()))
            .collect();
        for slot in dead {
            self.remove(slot);
            gone(slot);
        }
    }

    /// Chooses a pipe and sends on it in one step, for a message that is
    /// one frame (nothing to admit before its last frame): the pipe whose
    /// turn it is, looked up once, takes `msg()`. `None` if every pipe is
    /// full (`msg` is not called); `gone` hears of pipes pruned on the way,
    /// as with [`Self::choose`].
    #[inline(always)]
    pub(crate) fn send_one(
        &mut self,
        pipes: &Pipes,
        gone: impl FnMut(Slot),
        msg: impl FnOnce() -> Msg,
        sparse: bool,
    ) -> Option<Slot> {
        if let Some(slot) = self.order.get(self.next).copied() {
            if let Some(p) = pipes.get(slot) {
                if !p.is_send_closed() && !p.is_full() {
                    p.send_with(msg, sparse);
                    self.next = wrap(self.next + 1, self.order.len());
                    return Some(slot);
                }
            }
        }
        self.choose_further(pipes, gone)?;
        self.send_chosen(pipes, msg(), sparse)
    }

    /// Sends on the chosen pipe and moves the turn on; returns its slot.
    #[inline(always)]
    pub(crate) fn send_chosen(&mut self, pipes: &Pipes, msg: Msg, sparse: bool) -> Option<Slot> {
        let i = self.chosen.take()?;
        let slot = self.order.get(i).copied()?;
        pipes.get(slot)?.send(msg, sparse);
        self.next = wrap(i + 1, self.order.len());
        Some(slot)
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
    fn round_robin_skips_full_and_prunes_closed() {
        let mut pipes = Pipes::default();
        let mut lb = LoadBalancer::default();
        let (a, far_a) = pipe_pair(1);
        let (b, far_b) = pipe_pair(1);
        let sa = pipes.insert(a);
        let sb = pipes.insert(b);
        lb.attach(sa);
        lb.attach(sb);
        assert_eq!(lb.choose(&pipes, |_| {}), Some(sa));
        assert_eq!(lb.send_chosen(&pipes, msg(b"1"), false), Some(sa));
        assert_eq!(lb.choose(&pipes, |_| {}), Some(sb));
        assert_eq!(lb.send_chosen(&pipes, msg(b"2"), false), Some(sb));
        // Both are at their mark of 1.
        assert!(!lb.can_send(&pipes));
        assert_eq!(lb.choose(&pipes, |_| {}), None);
        assert_eq!(
            far_b.recv().map(|m| m.first().clone()),
            Some(b"2"[..].into())
        );
        assert_eq!(lb.choose(&pipes, |_| {}), Some(sb), "a is still full");
        // The peer behind b goes away: b leaves the rotation.
        far_b.close();
        let mut gone = Vec::new();
        assert_eq!(lb.choose(&pipes, |s| gone.push(s)), None, "a is full");
        assert_eq!(gone, vec![sb]);
        far_a.recv();
        assert_eq!(lb.choose(&pipes, |_| {}), Some(sa));
    }

    #[test]
    fn send_one_takes_turns_skips_full_and_prunes_closed() {
        let mut pipes = Pipes::default();
        let mut lb = LoadBalancer::default();
        let (a, far_a) = pipe_pair(1);
        let (b, far_b) = pipe_pair(1);
        let (c, far_c) = pipe_pair(1);
        let sa = pipes.insert(a);
        let sb = pipes.insert(b);
        let sc = pipes.insert(c);
        for s in [sa, sb, sc] {
            lb.attach(s);
        }
        let none = |_| panic!("no pipe has gone");
        assert_eq!(lb.send_one(&pipes, none, || msg(b"1"), false), Some(sa));
        assert_eq!(lb.send_one(&pipes, none, || msg(b"2"), false), Some(sb));
        // c's peer goes: c is pruned on the way, a is full, b is full.
        far_c.close();
        let mut gone = Vec::new();
        let mut made = false;
        let sent = lb.send_one(
            &pipes,
            |s| gone.push(s),
            || {
                made = true;
                msg(b"3")
            },
            false,
        );
        assert_eq!((sent, made, gone), (None, false, vec![sc]));
        // b is read: the turn (after b) wraps to a, full, so b takes it.
        assert_eq!(
            far_b.recv().map(|m| m.first().clone()),
            Some(b"2"[..].into())
        );
        assert_eq!(lb.send_one(&pipes, none, || msg(b"4"), false), Some(sb));
        assert_eq!(
            far_a.recv().map(|m| m.first().clone()),
            Some(b"1"[..].into())
        );
        assert_eq!(
            far_b.recv().map(|m| m.first().clone()),
            Some(b"4"[..].into())
        );
        assert_eq!(lb.send_one(&pipes, none, || msg(b"5"), false), Some(sa));
    }
}
