//! Load-balancing: each message to the next pipe that has room (PUSH, DEALER, REQ).

use ferrozmq_engine::{Msg, Pipe, PipeId};

/// Round-robin over pipes with room; a full pipe is skipped, not waited for.
#[derive(Debug, Default)]
pub(crate) struct LoadBalancer {
    pipes: Vec<Pipe>,
    next: usize,
    chosen: Option<usize>,
}

impl LoadBalancer {
    pub(crate) fn attach(&mut self, pipe: Pipe) {
        self.pipes.push(pipe);
    }

    pub(crate) fn remove(&mut self, id: PipeId) {
        if let Some(i) = self.pipes.iter().position(|p| p.id() == id) {
            self.pipes.remove(i);
            if self.next > i {
                self.next -= 1;
            }
            self.chosen = None;
        }
    }

    /// Drops pipes whose peer is gone.
    pub(crate) fn prune(&mut self) {
        if self.pipes.iter().any(|p| p.is_send_closed()) {
            let dead: Vec<PipeId> = self
                .pipes
                .iter()
                .filter(|p| p.is_send_closed())
                .map(|p| p.id())
                .collect();
            for id in dead {
                self.remove(id);
            }
        }
    }

    /// Whether some pipe would take a message now.
    pub(crate) fn can_send(&self) -> bool {
        self.pipes.iter().any(|p| !p.is_full())
    }

    /// Picks the pipe for the next message; `None` if every pipe is full.
    pub(crate) fn choose(&mut self) -> Option<&Pipe> {
        self.prune();
        let n = self.pipes.len();
        for k in 0..n {
            let i = (self.next + k) % n;
            if self.pipes.get(i).is_some_and(|p| !p.is_full()) {
                self.chosen = Some(i);
                return self.pipes.get(i);
            }
        }
        None
    }

    /// Sends on the chosen pipe and moves the turn on. Returns the pipe id.
    pub(crate) fn send_chosen(&mut self, msg: Msg, sparse: bool) -> Option<PipeId> {
        let i = self.chosen.take()?;
        let pipe = self.pipes.get(i)?;
        pipe.send(msg, sparse);
        self.next = (i + 1) % self.pipes.len().max(1);
        Some(pipe.id())
    }

    pub(crate) fn pipes(&self) -> &[Pipe] {
        &self.pipes
    }
}
