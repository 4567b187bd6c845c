//! Fair-queueing: take one message from each pipe in turn (PULL, DEALER, ROUTER, SUB).

use ferrozmq_engine::{Msg, PeerRef, Pipe, PipeId};

/// Round-robin reader over pipes.
#[derive(Debug, Default)]
pub(crate) struct FairQueue {
    pipes: Vec<Pipe>,
    next: usize,
    departed: Vec<PipeId>,
}

impl FairQueue {
    pub(crate) fn attach(&mut self, pipe: Pipe) {
        self.pipes.push(pipe);
    }

    pub(crate) fn remove(&mut self, id: PipeId) {
        if let Some(i) = self.pipes.iter().position(|p| p.id() == id) {
            self.pipes.remove(i);
            if self.next > i {
                self.next -= 1;
            }
            if self.next >= self.pipes.len() {
                self.next = 0;
            }
        }
    }

    /// Whether a message is waiting on some pipe.
    pub(crate) fn has_input(&self) -> bool {
        self.pipes.iter().any(|p| p.has_input())
    }

    /// The next message in turn, with the pipe it came from. Pipes whose
    /// peer has gone (closed and drained) are dropped on the way; their ids
    /// wait in [`FairQueue::take_departed`] for patterns that keep other
    /// tables.
    pub(crate) fn recv(&mut self) -> Option<(Msg, PipeId, PeerRef)> {
        self.departed.clear();
        let n = self.pipes.len();
        let mut found = None;
        let mut dead = Vec::new();
        for k in 0..n {
            let i = (self.next + k) % n;
            let Some(pipe) = self.pipes.get(i) else {
                continue;
            };
            if let Some(msg) = pipe.recv() {
                self.next = (i + 1) % n;
                found = Some((msg, pipe.id(), pipe.peer_ref()));
                break;
            }
            if pipe.is_finished() {
                dead.push(pipe.id());
            }
        }
        for id in dead {
            self.remove(id);
            self.departed.push(id);
        }
        found
    }

    /// Ids of the pipes the last [`FairQueue::recv`] dropped.
    pub(crate) fn take_departed(&mut self) -> Vec<PipeId> {
        std::mem::take(&mut self.departed)
    }

    pub(crate) fn pipes(&self) -> &[Pipe] {
        &self.pipes
    }
}
